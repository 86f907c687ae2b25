"""The client against the project's fake Datto RMM (in process, ``httpx.ASGITransport``).

The fake is written from the service's documentation independently of the client, so these
tests check that the two agree on the wire: auth, pagination, faults and rate limits.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import random
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from datto_tui.api import (
    AuthError,
    DattoClient,
    NetworkError,
    NotFound,
    Priority,
)
from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService

BASE_URL = "http://fake.localhost"
DEVICES_PATH = "/api/v2/account/devices"

Setup = Callable[..., tuple[FakeService, DattoClient]]


@pytest.fixture
async def setup(clock: FakeClock) -> AsyncIterator[Setup]:
    """``setup(client_options=None, **config)``: a fake service and a client on it."""
    clients: list[DattoClient] = []

    def factory(
        client_options: dict[str, Any] | None = None, **config: Any
    ) -> tuple[FakeService, DattoClient]:
        options: dict[str, Any] = {"sites": 20, "devices": 600, "alerts": 60, "frozen": True}
        options.update(config)
        svc = FakeService(FakeConfig(**options), clock=clock)
        client = DattoClient(
            BASE_URL,
            api_key=DEMO_API_KEY,
            api_secret=DEMO_API_SECRET,
            clock=clock,
            transport=httpx.ASGITransport(app=svc.asgi),
            rng=random.Random(3),
            **(client_options or {}),
        )
        clients.append(client)
        return svc, client

    yield factory
    for client in clients:
        await client.aclose()


def page_numbers(svc: FakeService, status: int = 200) -> list[int]:
    records = svc.log.matching(DEVICES_PATH, status=status)
    return [int(httpx.QueryParams(r.query).get("page") or 0) for r in records]


async def test_full_device_sync_costs_exactly_one_request_per_page(setup: Setup) -> None:
    svc, client = setup(devices=3100)
    uids = [d.uid async for d in client.devices(priority=Priority.BACKGROUND)]
    assert len(uids) == len(set(uids)) == len(svc.world.devices) == 3100
    assert page_numbers(svc) == list(range(math.ceil(3100 / 250)))
    assert len(svc.log) == 2 + math.ceil(3100 / 250)  # plus the token and the page-size read
    assert svc.counters.token_grants == 1
    assert svc.counters.rejected == svc.counters.blocked == 0


async def test_filters_survive_the_fakes_absolute_links(setup: Setup) -> None:
    svc, client = setup(devices=3000, sites=3)
    site = max(
        svc.world.site_list, key=lambda s: sum(d.site == s.index for d in svc.world.device_list)
    )
    expected = {d.uid for d in svc.world.device_list if d.site == site.index and not d.deleted}
    assert len(expected) > 250  # more than one page
    found = [d async for d in client.devices(site_name=site.name)]
    assert {d.uid for d in found} >= expected
    assert all(site.name.lower() in (d.site_name or "").lower() for d in found)
    for record in svc.log.matching(DEVICES_PATH):
        assert httpx.QueryParams(record.query).get("siteName") == site.name


async def test_sync_survives_token_revocation_and_server_errors(setup: Setup) -> None:
    svc, client = setup(devices=3217)
    svc.faults.once(DEVICES_PATH, kind="500", page=2)
    svc.faults.once(DEVICES_PATH, kind="revoke_token", page=5)
    svc.faults.once(DEVICES_PATH, kind="504", page=9)
    uids = [d.uid async for d in client.devices()]
    assert len(uids) == len(set(uids)) == 3217
    assert page_numbers(svc) == list(range(math.ceil(3217 / 250)))
    assert page_numbers(svc, 401) == [5]
    assert client.token_fetches == svc.counters.token_grants == 2
    assert svc.counters.rejected == 0


async def test_short_tokens_expire_during_a_slow_sync(setup: Setup) -> None:
    svc, client = setup(devices=2000, token_ttl=20.0)
    for page in range(1, 8):
        svc.faults.once(DEVICES_PATH, kind="latency:8", page=page)
    uids = [d.uid async for d in client.devices()]
    assert len(set(uids)) == len(uids) == 2000
    assert page_numbers(svc) == list(range(8))
    assert client.token_fetches >= 3


@pytest.mark.parametrize("seed", [1, 3])
async def test_sync_through_the_chaos_profile(setup: Setup, seed: int) -> None:
    svc, client = setup(devices=2000, faults="chaos", seed=seed)
    uids = [d.uid async for d in client.devices()]
    assert len(uids) == len(set(uids)) == 2000
    assert sorted(set(page_numbers(svc))) == list(range(math.ceil(2000 / 250)))
    assert svc.counters.blocked == 0


async def test_many_concurrent_reads_stay_within_the_share(setup: Setup) -> None:
    svc, client = setup(devices=300)
    uids = [d.uid for d in svc.world.device_list]
    devices = await asyncio.gather(*(client.device(uids[i % 300]) for i in range(1000)))
    assert len(devices) == 1000
    times = sorted(r.time for r in svc.log)
    assert max(bisect.bisect_right(times, t + 60) - i for i, t in enumerate(times)) <= 300
    assert svc.counters.rejected == svc.counters.throttled == 0


async def test_request_rate_makes_room_for_other_integrations(setup: Setup) -> None:
    svc, client = setup(devices=300, background_load=450)
    rate = await client.request_rate()
    assert rate.account_count is not None and rate.account_count >= 450
    assert client.budget.snapshot().reads_limit <= 540 - 450 + 2
    uids = [d.uid for d in svc.world.device_list]
    await asyncio.gather(*(client.device(uids[i]) for i in range(200)))
    assert svc.counters.rejected == 0


async def test_open_alerts_and_resolve(setup: Setup) -> None:
    svc, client = setup(alerts=300)
    alerts = await client.open_alerts().collect()
    assert len(alerts) == len(svc.world.open_alerts) == 300
    assert all(a.device_uid for a in alerts)
    target = alerts[0].alert_uid
    await client.resolve_alert(target)
    assert target not in svc.world.open_alerts
    assert len(svc.log.matching(f"/api/v2/alert/{target}/resolve", kind="write")) == 1
    assert (await client.alert(target)).resolved is True


async def test_a_write_that_lost_its_answer_is_not_repeated(setup: Setup) -> None:
    svc, client = setup(alerts=10)
    target = next(iter(svc.world.open_alerts))
    svc.faults.once("/api/v2/alert/*/resolve", kind="reset_after")
    with pytest.raises(NetworkError, match="may or may not have reached"):
        await client.resolve_alert(target)
    assert len(svc.log.matching(f"/api/v2/alert/{target}/resolve")) == 1
    assert target not in svc.world.open_alerts  # it did take effect: repeating would be wrong


async def test_single_records_and_system_endpoints(setup: Setup) -> None:
    svc, client = setup()
    account = await client.account()
    assert account.name == svc.config.account_name
    status = await client.system_status()
    assert status.status is not None
    assert await client.page_size() == 250
    device = svc.world.device_list[5]
    assert (await client.device(device.uid)).hostname == device.hostname
    assert (await client.device_by_id(device.id)).uid == device.uid
    site = svc.world.site_list[0]
    assert (await client.site(site.uid)).name == site.name
    with pytest.raises(NotFound):
        await client.device("no-such-device")
    assert len(await client.sites().collect()) == len(svc.world.site_list)
    assert len(await client.components().collect()) == len(svc.world.components)
    assert len(await client.default_filters().collect()) >= 1


async def test_bad_credentials_against_the_fake(setup: Setup) -> None:
    _svc, client = setup(api_secret="another-secret")
    with pytest.raises(AuthError) as caught:
        await client.account()
    assert "Enable API Access" in str(caught.value)
    assert DEMO_API_SECRET not in str(caught.value)


async def test_hostile_data_parses(setup: Setup) -> None:
    _svc, client = setup(devices=800, alerts=200, hostile=True)
    devices = await client.devices().collect()
    alerts = await client.open_alerts().collect()
    assert len(devices) == 800 and len(alerts) == 200
    for alert in alerts:
        alert.context.summary()


async def test_jobs_audit_filters_and_activity(setup: Setup, clock: FakeClock) -> None:
    svc, client = setup(devices=120, frozen=False, activity_per_hour=1200)
    clock.advance(5400)
    since = clock.now() - timedelta(hours=1)
    activities = await client.activity_logs(since=since).collect()
    assert len(activities) > 250  # more than one page, followed through searchAfter links
    assert len({a.id for a in activities}) == len(activities)
    assert all(a.date is not None and a.date >= since for a in activities)
    for record in svc.log.matching("/api/v2/activity-logs"):
        assert "from=" in record.query and "size=250" in record.query

    devices = await client.devices().collect()
    pc = next(d for d in devices if d.device_class == "device")
    audit = await client.device_audit(pc.uid)
    assert audit.manufacturer
    assert len(await client.device_software(pc.uid).collect()) > 0

    component = (await client.components().collect())[0]
    result = await client.quick_job(pc.uid, job_name="Check", component_uid=component.uid)
    assert result.job.uid and result.job.name == "Check"
    assert (await client.job(result.job.uid)).uid == result.job.uid
    assert (await client.job_results(result.job.uid, pc.uid)).job_uid == result.job.uid
    assert isinstance(await client.job_stdout(result.job.uid, pc.uid), list)
    assert len(svc.log.matching(f"/api/v2/device/{pc.uid}/quickjob", kind="write")) == 1
    assert len(await client.custom_filters().collect()) >= 1
