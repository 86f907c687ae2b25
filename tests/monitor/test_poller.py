"""Poller: schedule, never overlapping, backoff, rate-limit holds, pause, refresh, stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest

from datto_tui.api.budget import Priority
from datto_tui.api.errors import IPBlocked, NetworkError, RateLimited, ServerError
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals
from datto_tui.monitor.events import (
    ChangeEvent,
    FreshnessChanged,
    Resource,
    SyncAborted,
    SyncCompleted,
    SyncProgress,
)
from datto_tui.monitor.freshness import FreshnessState
from datto_tui.monitor.poller import Poller
from datto_tui.monitor.store import Store

from .fake_source import Gate, ScriptedSource
from .support import alert, device, site

A, D, S = Resource.ALERTS, Resource.DEVICES, Resource.SITES
ACC, RATE = Resource.ACCOUNT, Resource.REQUEST_RATE


class Rig:
    """A poller over a scripted source, a store and a manual clock, plus an event log."""

    def __init__(self) -> None:
        self.clock = FakeClock(auto_advance=False)
        self.store = Store(clock=self.clock)
        self.source = ScriptedSource()
        self.source.data["sites"] = [site("s-1"), site("s-2")]
        self.source.data["devices"] = [device("d1"), device("d2"), device("d3", site_uid="s-2")]
        self.source.data["alerts"] = [alert("a1")]
        self.events: list[ChangeEvent] = []
        self.store.subscribe(self.events.extend)
        self.poller = Poller(self.source, self.store, clock=self.clock, intervals=PollIntervals())

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.poller.wait_idle()

    def state(self, kind: Resource) -> FreshnessState:
        return self.poller.freshness_of(kind).state(self.clock.now())


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    r = Rig()
    yield r
    await r.poller.stop()


async def test_start_polls_small_lists_first_then_devices_page_by_page(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    kinds = [k for k, _ in rig.source.calls]
    assert set(kinds[:3]) == {"sites", "alerts", "account"}
    assert set(kinds[3:]) == {"devices", "request_rate"}
    # Bulk syncs queue behind the small polls whose age shows on screen.
    live = {"alerts", "account", "request_rate"}
    assert all(
        p is (Priority.LIVE if kind in live else Priority.BACKGROUND)
        for kind, p in rig.source.calls
    )
    assert set(rig.store.devices) == {"d1", "d2", "d3"}
    assert set(rig.store.sites) == {"s-1", "s-2"}
    assert rig.store.account == rig.source.account_value
    assert rig.store.request_rate == rig.source.rate_value
    progress = [e for e in rig.events if isinstance(e, SyncProgress) and e.kind is D]
    assert progress == [SyncProgress(D, 2, 3), SyncProgress(D, 3, 3)]
    assert SyncCompleted(D) in rig.events
    for kind in Resource:
        assert rig.state(kind) is FreshnessState.FRESH
        assert rig.poller.cycles[kind] == 1
    fresh = rig.poller.freshness_of(D)
    assert (fresh.loaded, fresh.total) == (3, 3)
    assert fresh.next_due == rig.clock.now() + timedelta(seconds=300)


async def test_each_resource_repolls_on_its_own_interval(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    await rig.advance(29)
    assert rig.source.count("alerts") == 1
    await rig.advance(1)
    assert rig.source.count("alerts") == 2
    assert rig.source.count("devices") == 1
    await rig.advance(90)  # t=120
    assert rig.source.count("request_rate") == 2
    await rig.advance(180)  # t=300
    assert rig.source.count("devices") == 2
    # One poll per due time, however far the clock jumped: no burst of catch-up polls.
    assert rig.source.count("alerts") == 4
    await rig.advance(600)  # t=900
    assert rig.source.count("sites") == 2
    assert rig.source.count("account") == 2


async def test_freshness_states_follow_the_clock() -> None:
    r = Rig()
    assert r.state(A) is FreshnessState.NEVER
    gate = r.source.gates["alerts"] = Gate()
    r.poller.start()
    await gate.entered.wait()
    assert r.state(A) is FreshnessState.LOADING
    gate.release.set()
    await r.poller.wait_idle()
    assert r.state(A) is FreshnessState.FRESH
    r.poller.pause()
    await r.advance(60)
    assert r.state(A) is FreshnessState.FRESH  # exactly 2x the interval: not yet stale
    await r.advance(1)
    assert r.state(A) is FreshnessState.STALE
    assert r.poller.freshness_of(A).age(r.clock.now()) == 61
    assert r.poller.freshness_of(A).paused
    await r.poller.stop()


async def test_polls_never_overlap_and_refresh_coalesces(rig: Rig) -> None:
    gate = rig.source.gates["devices"] = Gate()
    rig.poller.start()
    await gate.entered.wait()
    assert rig.poller.freshness_of(D).in_progress
    assert rig.poller.refresh_now(D) is False  # coalesced into the running poll
    rig.clock.advance(3000)  # far past the interval while the slow sync runs
    for _ in range(20):
        await asyncio.sleep(0)
    assert rig.source.count("devices") == 1
    gate.release.set()
    await rig.poller.wait_idle()
    assert rig.source.max_active["devices"] == 1
    assert rig.source.count("devices") == 1, "re-armed after the slow poll, not queued"
    assert rig.poller.freshness_of(D).next_due == rig.clock.now() + timedelta(seconds=300)


async def test_backoff_doubles_to_the_cap_and_resets_on_success(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    rig.source.fail(
        "alerts", lambda: NetworkError("The service could not be reached."), sticky=True
    )
    await rig.advance(30)
    assert rig.source.count("alerts") == 2
    fresh = rig.poller.freshness_of(A)
    assert fresh.consecutive_failures == 1
    assert fresh.last_error == "The service could not be reached."
    assert rig.state(A) is FreshnessState.FAILING
    gaps = []
    for _ in range(6):
        before = rig.source.count("alerts")
        waited = 0
        while rig.source.count("alerts") == before:
            await rig.advance(10)
            waited += 10
        gaps.append(waited)
    assert gaps == [60, 120, 240, 480, 600, 600]
    rig.source.heal("alerts")
    await rig.advance(600)
    assert rig.state(A) is FreshnessState.FRESH
    assert rig.poller.freshness_of(A).consecutive_failures == 0
    count = rig.source.count("alerts")
    await rig.advance(30)
    assert rig.source.count("alerts") == count + 1
    assert set(rig.store.alerts) == {"a1"}, "the last good data stayed throughout"


async def test_a_failed_sync_keeps_the_last_good_data(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    good_at = rig.poller.freshness_of(D).last_success_at
    # Page 0 (d1 offline, d2) arrives; page 1 fails: d3 must not be removed, x never came.
    rig.source.data["devices"] = [device("d1", online=False), device("d2"), device("x")]
    rig.source.fail("devices", lambda: ServerError("The service failed (HTTP 500)."), page=1)
    rig.events.clear()
    await rig.advance(300)
    assert SyncAborted(D) in rig.events
    assert set(rig.store.devices) == {"d1", "d2", "d3"}  # nothing removed; page 0 applied
    assert rig.store.devices["d1"].online is False
    fresh = rig.poller.freshness_of(D)
    assert fresh.last_success_at == good_at
    assert fresh.last_error == "The service failed (HTTP 500)."
    assert rig.state(D) is FreshnessState.FAILING


async def test_pause_and_resume(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    rig.poller.pause()
    assert rig.poller.paused
    calls = len(rig.source.calls)
    await rig.advance(1000)
    assert len(rig.source.calls) == calls
    assert rig.poller.freshness_of(A).next_due is None
    rig.poller.resume()
    await rig.poller.wait_idle()
    assert {k for k, _ in rig.source.calls[calls:]} == {
        "alerts",
        "devices",
        "sites",
        "account",
        "request_rate",
    }
    assert not rig.poller.freshness_of(A).paused


async def test_refresh_now_polls_at_once_even_when_paused_or_backing_off(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    await rig.advance(5)
    assert rig.poller.refresh_now(A) is True
    await rig.poller.wait_idle()
    assert rig.source.count("alerts") == 2
    assert rig.source.count("devices") == 1
    # The interval restarts from the refresh.
    await rig.advance(29)
    assert rig.source.count("alerts") == 2
    await rig.advance(1)
    assert rig.source.count("alerts") == 3
    rig.poller.pause()
    rig.poller.refresh_now()
    await rig.poller.wait_idle()
    assert rig.source.count("alerts") == 4 and rig.source.count("devices") == 2
    rig.poller.resume()
    rig.source.fail("sites", lambda: NetworkError("down"), sticky=True)
    rig.poller.refresh_now(S)
    await rig.poller.wait_idle()
    assert rig.poller.freshness_of(S).consecutive_failures == 1
    rig.poller.refresh_now(S)  # the user asked: the backoff does not apply
    await rig.poller.wait_idle()
    assert rig.poller.freshness_of(S).consecutive_failures == 2


async def test_rate_limit_retry_after_holds_every_resource(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    rig.source.fail("alerts", lambda: RateLimited("Too many requests.", retry_after=200.0))
    await rig.advance(30)
    assert rig.source.count("alerts") == 2
    assert rig.poller.rate_limited_for == 200
    assert rig.poller.freshness_of(A).retry_after == 200
    assert rig.poller.freshness_of(A).next_due == rig.clock.now() + timedelta(seconds=200)
    rig.poller.refresh_now(S)  # held too: the limit is per account
    await rig.advance(199)
    assert rig.source.count("alerts") == 2
    assert rig.source.count("sites") == 1
    await rig.advance(1)
    assert rig.source.count("alerts") == 3
    assert rig.source.count("sites") == 2
    assert rig.poller.rate_limited_for == 0


async def test_ip_block_without_a_hint_holds_five_minutes(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    rig.source.fail("alerts", lambda: IPBlocked("Blocked by the service.", status=403))
    await rig.advance(30)
    assert rig.poller.rate_limited_for == 300
    await rig.advance(299)
    assert rig.source.count("alerts") == 2
    await rig.advance(1)
    assert rig.source.count("alerts") == 3


async def test_exceptions_never_escape_the_tasks(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_subscriber(events: Sequence[ChangeEvent]) -> None:
        raise ZeroDivisionError("subscriber bug")

    rig.store.subscribe(broken_subscriber)
    rig.source.fail("devices", lambda: KeyError("secret-looking detail"), sticky=True)
    rig.source.fail("account", lambda: RuntimeError("boom"))
    with caplog.at_level(logging.ERROR, logger="datto_tui.monitor"):
        rig.poller.start()
        await rig.poller.wait_idle()
    fresh = rig.poller.freshness_of(D)
    assert fresh.last_error == "Unexpected error (KeyError); see the log."
    assert "secret-looking" not in (fresh.last_error or "")
    assert rig.state(ACC) is FreshnessState.FAILING
    assert any("devices poll failed unexpectedly" in r.getMessage() for r in caplog.records)
    await rig.advance(600)
    assert rig.source.count("devices") == 2, "the task lives on and retries"
    await rig.advance(300)  # the account's backoff: 2 x 900 s, capped at its interval
    assert rig.state(ACC) is FreshnessState.FRESH
    assert set(rig.store.alerts) == {"a1"}


async def test_freshness_changes_are_published_through_the_store(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    changes = [e for e in rig.events if isinstance(e, FreshnessChanged) and e.kind is A]
    assert [c.freshness.in_progress for c in changes] == [True, False]
    assert changes[-1].freshness == rig.poller.freshness_of(A)


async def test_stop_cancels_a_running_sync_without_removing_anything(rig: Rig) -> None:
    rig.poller.start()
    await rig.poller.wait_idle()
    gate = rig.source.gates["devices"] = Gate()
    rig.source.data["devices"] = [device("d1")]
    rig.poller.refresh_now(D)
    await gate.entered.wait()
    await rig.poller.stop()
    assert SyncAborted(D) in rig.events
    assert set(rig.store.devices) == {"d1", "d2", "d3"}
    assert not rig.poller.freshness_of(D).in_progress
    assert rig.source.active["devices"] == 0, "the page stream was closed"
    with pytest.raises(RuntimeError):
        rig.poller.start()


async def test_wait_cycles_and_context_manager() -> None:
    r = Rig()
    async with r.poller as poller:
        assert poller.running
        await poller.wait_cycles(D, 1)
        assert r.source.count("devices") == 1
        r.clock.advance(30)
        await poller.wait_cycles(A, 2)
    assert not r.poller.running
    assert r.poller.cycles[A] == 2


async def test_subset_of_resources_and_interval_floor() -> None:
    clock = FakeClock(auto_advance=False)
    store = Store(clock=clock)
    source = ScriptedSource()
    source.data["devices"] = [device("d1")]
    poller = Poller(
        source,
        store,
        clock=clock,
        intervals=PollIntervals(alerts=1.0, devices=300.0, sites=900.0, request_rate=120.0),
        resources=[D, A],
    )
    poller.start()
    await poller.wait_idle()
    assert {k for k, _ in source.calls} == {"devices", "alerts"}
    assert set(poller.freshness) == {D, A}
    clock.advance(4)
    await poller.wait_idle()
    assert source.count("alerts") == 1  # the 1 s setting is raised to the 5 s floor
    clock.advance(1)
    await poller.wait_idle()
    assert source.count("alerts") == 2
    await poller.stop()
