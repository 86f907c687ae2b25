"""Store: syncs produce exactly the right change events, indexes and counts stay right."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from datto_tui.api.models import Alert, Device, Site
from datto_tui.clock import FakeClock
from datto_tui.monitor.events import (
    AccountUpdated,
    AlertChanged,
    AlertOpened,
    AlertResolved,
    ChangeEvent,
    Counts,
    DeviceAdded,
    DeviceCameOnline,
    DeviceChanged,
    DeviceRemoved,
    DeviceWentOffline,
    NewMarksCleared,
    RequestRateUpdated,
    Resource,
    SiteAdded,
    SiteChanged,
    SiteCountsChanged,
    SiteRemoved,
    SyncAborted,
    SyncCompleted,
    SyncProgress,
    SyncStarted,
    TotalsChanged,
)
from datto_tui.monitor.store import Store

from .support import account, alert, device, request_rate, site

D, A, S = Resource.DEVICES, Resource.ALERTS, Resource.SITES


def sync(
    store: Store,
    kind: Resource,
    pages: Sequence[Sequence[Site] | Sequence[Device] | Sequence[Alert]],
    *,
    complete: bool = True,
    total: int | None = None,
) -> list[ChangeEvent]:
    events = list(store.begin_sync(kind))
    count = sum(len(p) for p in pages) if total is None else total
    for page in pages:
        events += store.apply_page(kind, page, total=count)
    events += store.end_sync(kind, complete)
    return events


def items(events: Sequence[ChangeEvent]) -> list[ChangeEvent]:
    """The record events only (no counts, totals, sync bookkeeping)."""
    skip = (SiteCountsChanged, TotalsChanged, SyncStarted, SyncProgress, SyncCompleted, SyncAborted)
    return [e for e in events if not isinstance(e, skip)]


def recount(store: Store) -> tuple[dict[str, Counts], Counts]:
    """Counts recomputed from scratch, to check the incremental ones."""
    per_site: dict[str, list[int]] = {}
    total = [0] * 10

    def bump(key: str, slot: int) -> None:
        per_site.setdefault(key, [0] * 10)[slot] += 1
        total[slot] += 1

    for d in store.devices.values():
        key = d.site_uid or ""
        bump(key, 0)
        if d.online is True:
            bump(key, 1)
        elif d.online is False:
            bump(key, 2)
    for a in store.alerts.values():
        bump(a.site_uid or "", 3 + a.priority_rank)

    def counts(v: list[int]) -> Counts:
        return Counts(v[0], v[1], v[2], sum(v[3:]), tuple(v[3:]))

    return (
        {k: counts(v) for k, v in per_site.items() if k},
        counts(total),
    )


def check_consistent(store: Store) -> None:
    per_site, totals = recount(store)
    assert store.all_site_counts() == per_site
    assert store.totals == totals
    for uid, d in store.devices.items():
        assert uid in store.device_uids_in_site(d.site_uid or "")
    by_site = sum(len(store.device_uids_in_site(s)) for s in {*per_site, ""})
    assert by_site == len(store.devices)
    for uid, a in store.alerts.items():
        assert uid in store.alert_uids_for_site(a.site_uid or "")
        if a.device_uid:
            assert uid in store.alert_uids_for_device(a.device_uid)
    assert sum(
        len(store.alert_uids_for_device(u))
        for u in {a.device_uid or "" for a in store.alerts.values()}
    ) == sum(1 for a in store.alerts.values() if a.device_uid)


# --- devices ----------------------------------------------------------------------------------


def test_first_device_sync_adds_page_by_page_with_progress() -> None:
    store = Store(clock=FakeClock())
    d1, d2, d3 = device("d1"), device("d2"), device("d3", site_uid="s-2", online=False)
    events = list(store.begin_sync(D))
    assert events == [SyncStarted(D)]
    first = store.apply_page(D, [d1, d2], total=3)
    assert items(first) == [DeviceAdded(d1), DeviceAdded(d2)]
    assert first[-1] == SyncProgress(D, 2, 3)
    assert store.sync_progress(D) == (2, 3)
    assert SiteCountsChanged("s-1", Counts(devices=2, online=2)) in first
    second = store.apply_page(D, [d3], total=3)
    assert items(second) == [DeviceAdded(d3)]
    assert second[-1] == SyncProgress(D, 3, 3)
    end = store.end_sync(D, True)
    assert end == [SyncCompleted(D, pruned=True)]
    assert store.has_synced(D)
    assert store.site_counts("s-2") == Counts(devices=1, offline=1)
    assert store.totals == Counts(devices=3, online=2, offline=1)
    check_consistent(store)


def test_second_sync_yields_exactly_the_differences() -> None:
    store = Store(clock=FakeClock())
    same, edited, going, coming, gone = (
        device("same"),
        device("edit"),
        device("going", online=True),
        device("coming", online=False),
        device("gone"),
    )
    sync(store, D, [[same, edited, going], [coming, gone]])

    edited2 = device("edit", description="new description")
    going2 = device("going", online=False)
    coming2 = device("coming", online=True)
    added = device("added", site_uid="s-9")
    events = sync(store, D, [[device("same"), edited2], [going2, coming2, added]])

    assert items(events) == [
        DeviceChanged(edited, edited2),
        DeviceChanged(going, going2),
        DeviceWentOffline(going2),
        DeviceChanged(coming, coming2),
        DeviceCameOnline(coming2),
        DeviceAdded(added),
        DeviceRemoved(gone),
    ]
    assert store.devices["same"] is same, "an unchanged record keeps its object"
    assert "gone" not in store.devices
    assert events[-1] == SyncCompleted(D)
    check_consistent(store)


def test_unknown_online_state_is_not_a_flip() -> None:
    store = Store(clock=FakeClock())
    sync(store, D, [[device("x", online=None)]])
    events = sync(store, D, [[device("x", online=False)]])
    assert [type(e) for e in items(events)] == [DeviceChanged]


def test_incomplete_sync_removes_nothing_and_keeps_updates() -> None:
    store = Store(clock=FakeClock())
    d1, d2 = device("d1"), device("d2")
    sync(store, D, [[d1, d2]])
    d1b = device("d1", online=False)
    events = sync(store, D, [[d1b]], complete=False)
    assert items(events) == [DeviceChanged(d1, d1b), DeviceWentOffline(d1b)]
    assert events[-1] == SyncAborted(D)
    assert set(store.devices) == {"d1", "d2"}
    check_consistent(store)


def test_device_moving_site_moves_its_counts() -> None:
    store = Store(clock=FakeClock())
    sync(store, D, [[device("d1", site_uid="s-1"), device("d2", site_uid="s-1")]])
    events = sync(store, D, [[device("d1", site_uid="s-2", online=False), device("d2")]])
    assert SiteCountsChanged("s-1", Counts(devices=1, online=1)) in events
    assert SiteCountsChanged("s-2", Counts(devices=1, offline=1)) in events
    assert store.device_uids_in_site("s-1") == {"d2"}
    assert store.device_uids_in_site("s-2") == {"d1"}
    assert TotalsChanged(Counts(devices=2, online=1, offline=1)) in events
    check_consistent(store)


def test_records_without_uid_are_skipped() -> None:
    store = Store(clock=FakeClock())
    events = sync(store, D, [[device("")]])
    assert items(events) == []
    assert not store.devices


def test_apply_page_needs_a_running_sync() -> None:
    store = Store(clock=FakeClock())
    with pytest.raises(RuntimeError):
        store.apply_page(D, [device("x")])
    assert store.end_sync(D, True) == []
    with pytest.raises(ValueError):
        store.begin_sync(Resource.ACCOUNT)


def test_single_device_during_a_sync_is_not_removed_at_its_end() -> None:
    store = Store(clock=FakeClock())
    sync(store, D, [[device("d1")]])
    store.begin_sync(D)
    store.apply_page(D, [device("d1")])
    store.apply_device(device("late"))
    store.end_sync(D, True)
    assert set(store.devices) == {"d1", "late"}


# --- alerts -----------------------------------------------------------------------------------


def test_alert_open_change_resolve() -> None:
    store = Store(clock=FakeClock())
    a1, a2 = alert("a1"), alert("a2", priority="Low")
    first = sync(store, A, [[a1, a2]])
    assert items(first) == [AlertOpened(a1), AlertOpened(a2)]
    a2b = alert("a2", priority="Critical")
    a3 = alert("a3", device_uid="d-2", site_uid="s-2")
    events = sync(store, A, [[a2b, a3]])
    assert items(events) == [
        AlertChanged(a2, a2b),
        AlertOpened(a3, is_new=True),
        AlertResolved("a1", a1),
    ]
    assert store.site_counts("s-1").top_priority == "Critical"
    assert store.alert_uids_for_device("d-1") == {"a2"}
    assert store.alerts_for_device("d-2") == [a3]
    check_consistent(store)


def test_alerts_flagged_resolved_in_an_open_list_are_not_kept() -> None:
    store = Store(clock=FakeClock())
    sync(store, A, [[alert("a1")]])
    events = sync(store, A, [[alert("a1", resolved=True)]])
    assert [type(e) for e in items(events)] == [AlertResolved]
    assert not store.alerts


def test_counts_follow_alert_priorities_and_sites() -> None:
    store = Store(clock=FakeClock())
    sync(store, A, [[alert("a1", priority="Critical"), alert("a2", priority="Moderate")]])
    counts = store.site_counts("s-1")
    assert counts.open_alerts == 2
    assert counts.top_priority == "Critical"
    assert counts.top_priority_rank == 0
    events = sync(store, A, [[alert("a2", priority="Moderate"), alert("a9", priority="bogus")]])
    after = store.site_counts("s-1")
    assert after.top_priority == "Moderate"
    assert after.alerts_by_rank[6] == 1  # the unrecognised priority has its own slot
    assert SiteCountsChanged("s-1", after) in events
    sync(store, A, [[]])
    assert store.site_counts("s-1") == Counts()
    assert store.site_counts("s-1").top_priority is None
    assert store.all_site_counts() == {}
    check_consistent(store)


def test_new_alert_marking_starts_after_the_first_complete_sync() -> None:
    clock = FakeClock(auto_advance=False)
    store = Store(clock=clock)
    # An aborted first sync does not set the baseline...
    sync(store, A, [[alert("a0")]], complete=False)
    clock.advance(30)
    # ...the first complete one does; none of its alerts are new.
    sync(store, A, [[alert("a0"), alert("a1")]])
    assert not store.new_alert_uids
    first = store.alert_first_seen["a0"]
    clock.advance(30)
    events = sync(store, A, [[alert("a0"), alert("a1"), alert("a2")]])
    assert items(events) == [AlertOpened(alert("a2"), is_new=True)]
    assert store.is_new("a2") and not store.is_new("a1")
    assert store.alert_first_seen["a0"] == first
    assert store.alert_first_seen["a2"] == first + timedelta(seconds=60)
    assert store.clear_new(["a2", "nope"]) == [NewMarksCleared(frozenset({"a2"}))]
    assert not store.is_new("a2")
    assert store.clear_new() == []


def test_an_alert_missed_by_one_sync_comes_back_as_the_same_alert() -> None:
    clock = FakeClock(auto_advance=False)
    store = Store(clock=clock)
    sync(store, A, [[alert("a0")]])
    clock.advance(30)
    sync(store, A, [[alert("a0"), alert("a1")]])
    seen_at = store.alert_first_seen["a1"]
    clock.advance(30)
    sync(store, A, [[alert("a0")]])  # a1 missed (the list shifted under the page offsets)
    assert "a1" not in store.alert_first_seen
    clock.advance(30)
    events = sync(store, A, [[alert("a0"), alert("a1")]])
    assert items(events) == [AlertOpened(alert("a1"), is_new=True)]
    assert store.alert_first_seen["a1"] == seen_at


def test_optimistic_resolve_is_confirmed_by_a_later_sync() -> None:
    store = Store(clock=FakeClock())
    a1, a2 = alert("a1"), alert("a2")
    sync(store, A, [[a1, a2]])
    events = store.mark_alert_resolved("a1")
    assert items(events) == [AlertResolved("a1", a1, local=True)]
    assert store.site_counts("s-1").open_alerts == 1
    assert store.pending_resolves == {"a1"}
    assert store.mark_alert_resolved("a1") == []
    events = sync(store, A, [[a2]])
    assert items(events) == []
    assert not store.pending_resolves
    assert "a1" not in store.alert_first_seen
    check_consistent(store)


def test_optimistic_resolve_comes_back_when_the_service_still_has_it_open() -> None:
    store = Store(clock=FakeClock())
    a1 = alert("a1")
    sync(store, A, [[a1]])
    store.mark_alert_resolved("a1")
    events = sync(store, A, [[a1]])
    assert items(events) == [AlertOpened(a1, returned=True)]
    assert "a1" in store.alerts and not store.pending_resolves
    check_consistent(store)


def test_a_sync_that_began_before_the_resolve_cannot_bring_it_back() -> None:
    store = Store(clock=FakeClock())
    a1, a2 = alert("a1"), alert("a2")
    sync(store, A, [[a1, a2]])
    store.begin_sync(A)
    store.mark_alert_resolved("a1")  # the user resolves while a poll is running
    page = store.apply_page(A, [a1, a2], total=2)
    assert items(page) == []
    end = store.end_sync(A, True)
    assert items(end) == []
    assert "a1" not in store.alerts
    assert store.pending_resolves == {"a1"}, "still waiting for a sync that began after the mark"
    sync(store, A, [[a2]])
    assert not store.pending_resolves


def test_revert_and_single_alert_updates() -> None:
    store = Store(clock=FakeClock())
    a1 = alert("a1")
    sync(store, A, [[a1]])
    store.mark_alert_resolved("a1")
    assert items(store.revert_alert_resolved("a1")) == [AlertOpened(a1, returned=True)]
    assert store.revert_alert_resolved("a1") == []
    a1b = alert("a1", diagnostics="worse")
    assert items(store.apply_alert(a1b)) == [AlertChanged(a1, a1b)]
    resolved = alert("a1", resolved=True)
    assert items(store.apply_alert(resolved)) == [AlertResolved("a1", a1b)]
    assert store.apply_alert(alert("")) == []
    # A resolved read of a locally resolved alert confirms it.
    a2 = alert("a2")
    store.apply_alert(a2)
    store.mark_alert_resolved("a2")
    assert store.apply_alert(alert("a2", resolved=True)) == []
    assert not store.pending_resolves
    check_consistent(store)


def test_short_sync_does_not_prune_unless_short_twice() -> None:
    store = Store(clock=FakeClock())
    sync(store, A, [[alert("a1"), alert("a2"), alert("a3")]])
    # The service says 3 but only 2 distinct came back: a shift, not a resolve.
    events = sync(store, A, [[alert("a1"), alert("a2")]], total=3)
    assert events[-1] == SyncCompleted(A, pruned=False)
    assert set(store.alerts) == {"a1", "a2", "a3"}
    events = sync(store, A, [[alert("a1"), alert("a2")]], total=3)
    assert events[-1] == SyncCompleted(A, pruned=True)
    assert set(store.alerts) == {"a1", "a2"}


# --- sites, account, versions, subscribers -----------------------------------------------------


def test_sites_add_change_remove() -> None:
    store = Store(clock=FakeClock())
    s1, s2 = site("s-1"), site("s-2")
    assert items(sync(store, S, [[s1, s2]])) == [SiteAdded(s1), SiteAdded(s2)]
    s1b = site("s-1", name="Renamed")
    assert items(sync(store, S, [[s1b]])) == [SiteChanged(s1, s1b), SiteRemoved(s2)]
    assert list(store.sites) == ["s-1"]


def test_account_and_request_rate_updates() -> None:
    store = Store(clock=FakeClock())
    acc = account()
    assert store.set_account(acc) == [AccountUpdated(acc)]
    assert store.set_account(account()) == []
    rate = request_rate(5)
    assert store.set_request_rate(rate) == [RequestRateUpdated(rate)]
    assert store.set_request_rate(request_rate(5)) == []
    assert store.version(Resource.ACCOUNT) == 1
    assert store.version(Resource.REQUEST_RATE) == 1


def test_versions_move_only_when_a_collection_changes() -> None:
    store = Store(clock=FakeClock())
    sync(store, D, [[device("d1")]])
    v = store.version(D)
    assert v == 1
    sync(store, D, [[device("d1")]])
    assert store.version(D) == v
    sync(store, D, [[device("d1", online=False)]])
    assert store.version(D) == v + 1
    assert store.version(A) == 0


def test_subscribers_get_every_change_and_a_failing_one_is_contained() -> None:
    store = Store(clock=FakeClock())
    got: list[Sequence[ChangeEvent]] = []

    def boom(events: Sequence[ChangeEvent]) -> None:
        raise RuntimeError("subscriber bug")

    store.subscribe(boom)
    unsubscribe = store.subscribe(got.append)
    returned = sync(store, D, [[device("d1")]])
    assert [e for batch in got for e in batch] == returned
    unsubscribe()
    unsubscribe()
    sync(store, D, [[device("d2")]])
    assert [e for batch in got for e in batch] == returned


def test_recent_history_skips_the_initial_load_and_is_bounded() -> None:
    clock = FakeClock()
    store = Store(clock=clock, recent_limit=3)
    sync(store, D, [[device(f"d{i}") for i in range(10)]])
    assert store.recent_events() == []
    sync(store, D, [[device(f"d{i}", online=i != 0) for i in range(10)]])
    assert [r.event for r in store.recent_events()] == [
        DeviceWentOffline(device("d0", online=False))
    ]
    sync(store, D, [[device(f"e{i}") for i in range(5)]])
    recent = store.recent_events()
    assert len(recent) == 3
    assert all(isinstance(r.event, DeviceRemoved) for r in recent)
    assert recent[-1].at == clock.now()
