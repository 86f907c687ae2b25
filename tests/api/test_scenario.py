"""End to end: a full device sync through everything the real service throws at a client."""

from __future__ import annotations

import asyncio
import itertools
import math
from collections import Counter

from datto_tui.api import Priority
from datto_tui.clock import FakeClock

from .conftest import ClientFactory
from .miniservice import Fault, MiniService, device_record
from .test_budget import max_in_any_window

WEB = 3217
DB = 480


def service(
    clock: FakeClock, *, token_ttl: float, latency: float, advertised_ttl: float | None = None
) -> MiniService:
    svc = MiniService(
        clock,
        devices=0,
        sites=12,
        token_ttl=token_ttl,
        advertised_ttl=advertised_ttl,
        latency=latency,
    )
    svc.devices = [device_record(i, site=i % 12, hostname=f"web-{i:05d}") for i in range(WEB)]
    svc.devices += [device_record(WEB + i, site=i % 12, hostname=f"db-{i:05d}") for i in range(DB)]
    # One 500 and one 504 along the way; both are retried.
    svc.faults.append(Fault("/api/v2/account/devices", 500, page=3))
    svc.faults.append(Fault("/api/v2/account/devices", 504, page=7))
    return svc


def check_sync(svc: MiniService, uids: list[str]) -> None:
    expected = {f"dev-{i:06d}" for i in range(WEB)}
    assert len(uids) == WEB, "every device exactly once"
    assert set(uids) == expected
    pages = svc.api_log("/api/v2/account/devices")
    ok = [p for p in pages if p.status == 200]
    assert len(ok) == math.ceil(WEB / 250)
    assert sorted(int(p.params["page"]) for p in ok) == list(range(math.ceil(WEB / 250)))
    for p in pages:  # the filter and the page size were on every request, links or not
        assert (p.params["hostname"], p.params["max"]) == ("web", "250")
    assert Counter(p.status for p in pages)[500] == 1
    assert Counter(p.status for p in pages)[504] == 1
    assert svc.api_log(status=429) == [] and svc.api_log(status=403) == []


async def test_sync_survives_token_expiry_mid_paging_and_server_errors(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    # The service says tokens live an hour but expires them after 20 s (clock skew, early
    # revocation): the client only learns it from a 401 on the next page.
    svc = service(clock, token_ttl=20.0, advertised_ttl=3600.0, latency=1.5)
    client = make_client(transport=svc.transport)
    uids = [d.uid async for d in client.devices(hostname="web", priority=Priority.BACKGROUND)]
    check_sync(svc, uids)
    pages = svc.api_log("/api/v2/account/devices")
    assert any(p.status == 401 for p in pages), "the token expired mid-paging"
    assert client.token_fetches == len(svc.token_log()) >= 2
    # after a 401 the same page was asked for again, never a later one
    for before, after in itertools.pairwise(pages):
        if before.status in (401, 500, 504):
            assert after.params["page"] == before.params["page"]


async def test_sync_with_an_honest_short_token_refreshes_before_expiry(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    svc = service(clock, token_ttl=30.0, latency=1.5)
    client = make_client(transport=svc.transport)
    uids = [d.uid async for d in client.devices(hostname="web")]
    check_sync(svc, uids)
    assert svc.api_log(status=401) == []
    assert client.token_fetches >= 2


async def test_parallel_syncs_share_the_budget_without_a_429(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    svc = MiniService(clock, devices=6000, sites=12, alerts=900)
    client = make_client(transport=svc.transport)

    async def devices() -> int:
        return len([d async for d in client.devices(priority=Priority.BACKGROUND)])

    async def alerts_every_30s() -> int:
        total = 0
        for _ in range(10):
            total += len(await client.open_alerts().collect())
            await clock.sleep(30)
        return total

    async def single_records() -> int:
        found = await asyncio.gather(*(client.device(f"dev-{i:06d}") for i in range(400)))
        return len(found)

    results = await asyncio.gather(devices(), alerts_every_30s(), single_records())
    assert list(results) == [6000, 9000, 400]
    assert max_in_any_window([s.time for s in svc.log]) <= 300
    assert svc.api_log(status=429) == []
