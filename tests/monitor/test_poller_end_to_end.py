"""The real client polling the fake service into the store, on a manual clock."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService
from datto_tui.monitor.events import (
    AlertOpened,
    AlertResolved,
    ChangeEvent,
    DeviceChanged,
    DeviceWentOffline,
    Resource,
    SiteCountsChanged,
    SyncAborted,
)
from datto_tui.monitor.freshness import FreshnessState
from datto_tui.monitor.poller import Poller, PollSource
from datto_tui.monitor.store import Store

DEVICES = 600


@dataclass
class Live:
    clock: FakeClock
    svc: FakeService
    client: DattoClient
    store: Store
    poller: Poller
    events: list[ChangeEvent]

    async def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.poller.wait_idle()

    def list_requests(self, path: str) -> int:
        return len(self.svc.log.matching(path, status=200))


@asynccontextmanager
async def running(**client_options: Any) -> AsyncIterator[Live]:
    """A poller over the real client over the fake, after its first round of polls."""
    clock = FakeClock(auto_advance=False)
    # Frozen: the world changes only when the test says so.
    svc = FakeService(
        FakeConfig(seed=11, sites=8, devices=DEVICES, alerts=25, frozen=True), clock=clock
    )
    client = DattoClient(
        "http://fake.localhost",
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=httpx.ASGITransport(app=svc.asgi),
        **client_options,
    )
    source: PollSource = client  # the real client satisfies the poller's protocol (mypy checks)
    store = Store(clock=clock)
    events: list[ChangeEvent] = []
    store.subscribe(events.extend)
    poller = Poller(source, store, clock=clock)
    async with client:
        poller.start()
        await poller.wait_idle()
        try:
            yield Live(clock, svc, client, store, poller, events)
        finally:
            await poller.stop()


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    async with running() as rig:
        yield rig


async def test_first_round_loads_everything_with_one_request_per_page(live: Live) -> None:
    world = live.svc.world
    assert len(live.store.devices) == sum(1 for d in world.device_list if not d.deleted)
    assert len(live.store.sites) == len(world.site_list)
    assert set(live.store.alerts) == set(world.open_alerts)
    assert live.store.account is not None and live.store.account.name == world.account.name
    assert live.store.request_rate is not None
    assert live.list_requests("/api/v2/account/devices") == math.ceil(len(live.store.devices) / 250)
    now = live.clock.now()
    for kind in Resource:
        assert live.poller.freshness_of(kind).state(now) is FreshnessState.FRESH, kind
    counts = live.store.all_site_counts()
    assert sum(c.devices for c in counts.values()) == len(live.store.devices)
    assert live.store.totals.open_alerts == len(world.open_alerts)


async def test_changes_in_the_world_arrive_as_events(live: Live) -> None:
    world = live.svc.world
    device = next(d for d in world.device_list if d.online and not d.deleted)
    raised = world.open_alert(device.uid, priority="Critical", context_class="eventlog_ctx")
    world.set_online(device.uid, False)
    live.events.clear()

    await live.advance(30)  # the alerts poll
    opened = [e for e in live.events if isinstance(e, AlertOpened)]
    assert [e.alert.alert_uid for e in opened] == [raised.uid]
    assert opened[0].is_new and live.store.is_new(raised.uid)
    assert opened[0].alert.device_uid == device.uid
    assert raised.uid in live.store.alert_uids_for_device(device.uid)
    site_uid = opened[0].alert.site_uid
    assert site_uid is not None
    assert live.store.site_counts(site_uid).top_priority == "Critical"
    assert any(isinstance(e, SiteCountsChanged) and e.site_uid == site_uid for e in live.events)
    assert live.store.devices[device.uid].online is True  # devices not polled yet

    live.events.clear()
    await live.advance(270)  # t=300: the devices poll
    went = [e for e in live.events if isinstance(e, DeviceWentOffline)]
    assert [e.device.uid for e in went] == [device.uid]
    changed = [e for e in live.events if isinstance(e, DeviceChanged)]
    assert device.uid in {e.new.uid for e in changed}
    assert live.store.devices[device.uid].online is False
    assert live.store.totals.offline == sum(
        1 for d in world.device_list if not d.deleted and not d.online
    )

    world.resolve_alert(raised.uid)
    live.events.clear()
    await live.advance(30)
    resolved = [e for e in live.events if isinstance(e, AlertResolved)]
    assert [e.alert_uid for e in resolved] == [raised.uid]
    assert raised.uid not in live.store.alerts


async def test_an_optimistic_resolve_is_confirmed_by_the_next_poll(live: Live) -> None:
    uid = next(iter(live.store.alerts))
    await live.client.resolve_alert(uid)
    live.store.mark_alert_resolved(uid)
    live.events.clear()
    await live.advance(30)
    assert uid not in live.store.alerts
    assert not live.store.pending_resolves
    assert not [e for e in live.events if isinstance(e, AlertOpened)]


async def test_a_server_fault_mid_sync_keeps_the_data_and_recovers() -> None:
    # One attempt per request: the client's retries (which wait on the clock) stay out of it.
    async with running(max_attempts=1) as live:
        before = dict(live.store.devices)
        changed = next(d for d in live.svc.world.device_list if d.online and not d.deleted)
        live.svc.world.set_online(changed.uid, False)
        live.svc.faults.once(path_glob="/api/v2/account/devices", page=1, kind="500")
        live.events.clear()
        await live.advance(300)
        fresh = live.poller.freshness_of(Resource.DEVICES)
        assert fresh.state(live.clock.now()) is FreshnessState.FAILING
        assert fresh.consecutive_failures == 1
        assert fresh.last_error
        assert SyncAborted(Resource.DEVICES) in live.events
        assert set(live.store.devices) == set(before), "an aborted sync removes nothing"
        await live.advance(600)  # the backoff: 2 x 300 s
        fresh = live.poller.freshness_of(Resource.DEVICES)
        assert fresh.state(live.clock.now()) is FreshnessState.FRESH
        assert set(live.store.devices) == set(before)
        assert live.store.devices[changed.uid].online is False
