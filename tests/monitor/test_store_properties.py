"""Store invariants under random sequences of syncs and single changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from datto_tui.api.models import Alert, Device
from datto_tui.clock import FakeClock
from datto_tui.monitor.events import (
    AlertOpened,
    AlertResolved,
    ChangeEvent,
    DeviceAdded,
    DeviceRemoved,
    Resource,
)
from datto_tui.monitor.store import Store

from .support import alert, device
from .test_store import check_consistent

SITES = st.sampled_from(["s-1", "s-2", "s-3", None])
ONLINE = st.sampled_from([True, False, None])
PRIORITY = st.sampled_from(["Critical", "High", "Low", "Information", None, "odd"])

devices = st.builds(
    lambda n, s, o: device(f"d{n}", site_uid=s, online=o),
    st.integers(0, 12),
    SITES,
    ONLINE,
)
alerts = st.builds(
    lambda n, d, s, p: alert(
        f"a{n}", device_uid=f"d{d}" if d >= 0 else None, site_uid=s, priority=p
    ),
    st.integers(0, 12),
    st.integers(-1, 12),
    SITES,
    PRIORITY,
)

op = st.one_of(
    st.tuples(
        st.just("devices"), st.lists(st.lists(devices, max_size=5), max_size=3), st.booleans()
    ),
    st.tuples(st.just("alerts"), st.lists(st.lists(alerts, max_size=5), max_size=3), st.booleans()),
    st.tuples(st.just("resolve"), st.integers(0, 12), st.booleans()),
    st.tuples(st.just("revert"), st.integers(0, 12), st.booleans()),
    st.tuples(st.just("device"), devices, st.booleans()),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(op, max_size=12))
def test_indexes_counts_and_events_stay_consistent(ops: list[tuple[str, object, bool]]) -> None:
    store = Store(clock=FakeClock())
    mirror_devices: set[str] = set()
    mirror_alerts: set[str] = set()

    def follow(events: list[ChangeEvent]) -> None:
        # Replaying the add/remove events must give the store's own key sets.
        for e in events:
            if isinstance(e, DeviceAdded):
                assert e.device.uid not in mirror_devices
                mirror_devices.add(e.device.uid)
            elif isinstance(e, DeviceRemoved):
                mirror_devices.remove(e.device.uid)
            elif isinstance(e, AlertOpened):
                assert e.alert.alert_uid not in mirror_alerts
                mirror_alerts.add(e.alert.alert_uid)
            elif isinstance(e, AlertResolved):
                mirror_alerts.remove(e.alert_uid)

    for name, arg, flag in ops:
        if name in ("devices", "alerts"):
            kind = Resource.DEVICES if name == "devices" else Resource.ALERTS
            pages = arg
            assert isinstance(pages, list)
            follow(store.begin_sync(kind))
            for page in pages:
                follow(store.apply_page(kind, page))
            follow(store.end_sync(kind, flag))
            if flag and kind is Resource.DEVICES:
                listed = {d.uid for p in pages for d in p if isinstance(d, Device)}
                assert set(store.devices) == listed
            if flag and kind is Resource.ALERTS:
                listed = {
                    a.alert_uid for p in pages for a in p if isinstance(a, Alert) and not a.resolved
                }
                assert set(store.alerts) == listed
                assert not store.pending_resolves
        elif name == "resolve":
            follow(store.mark_alert_resolved(f"a{arg}"))
        elif name == "revert":
            follow(store.revert_alert_resolved(f"a{arg}"))
        else:
            assert isinstance(arg, Device)
            follow(store.apply_device(arg))
        check_consistent(store)
        assert mirror_devices == set(store.devices)
        assert mirror_alerts == set(store.alerts)
        assert set(store.alert_first_seen) == set(store.alerts) | store.pending_resolves
        assert store.new_alert_uids <= set(store.alert_first_seen)
