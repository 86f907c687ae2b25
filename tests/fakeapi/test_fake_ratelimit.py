"""Rate limits: the account window, the 90 % delay, 429, the 403 IP block, request_rate."""

from __future__ import annotations

import time

import httpx

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FakeService
from datto_tui.fakeapi.config import WRITE_OPERATIONS

from .conftest import BASE_URL, ClientFactory, ServiceFactory, grant

RATE_KEYS = {
    "slidingTimeWindowSizeSeconds",
    "accountUid",
    "accountCount",
    "accountRateLimit",
    "accountCutOffRatio",
    "accountWriteCount",
    "accountWriteRateLimit",
    "operationWriteStatus",
}


def _client(svc: FakeService, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=svc.asgi, client=(ip, 5000)), base_url=BASE_URL
    )
    client.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    return client


async def test_request_rate_reports_live_counts(svc: FakeService, http: httpx.AsyncClient) -> None:
    for _ in range(7):
        assert (await http.get("/api/v2/account")).status_code == 200
    uid = next(iter(svc.world.open_alerts))
    assert (await http.post(f"/api/v2/alert/{uid}/resolve")).status_code == 200
    rate = (await http.get("/api/v2/system/request_rate")).json()
    assert set(rate) == RATE_KEYS
    assert rate["slidingTimeWindowSizeSeconds"] == 60
    assert rate["accountUid"] == svc.world.account.uid
    assert rate["accountCount"] == 8  # seven reads and this request itself
    assert rate["accountRateLimit"] == 600
    assert rate["accountCutOffRatio"] == 0.9
    assert rate["accountWriteCount"] == 1
    assert rate["accountWriteRateLimit"] == 600
    ops = rate["operationWriteStatus"]
    assert set(ops) == set(WRITE_OPERATIONS)
    assert ops["alert-resolve"] == {"limit": 100, "count": 1}
    assert ops["device-job-create"] == {"limit": 100, "count": 0}
    assert ops["device-udf-set"]["limit"] == 600
    assert svc.counters.reads == 8
    assert svc.counters.writes == 1


async def test_window_slides(svc: FakeService, http: httpx.AsyncClient, clock: FakeClock) -> None:
    for _ in range(5):
        await http.get("/api/v2/account")
    clock.advance(30)
    for _ in range(3):
        await http.get("/api/v2/account")
    clock.advance(31)
    assert svc.limiter.read_count() == 3


async def test_above_cutoff_reads_are_delayed_on_the_clock(
    make_service: ServiceFactory, clock: FakeClock
) -> None:
    svc = make_service(read_limit=20)
    started_wall = time.perf_counter()
    async with _client(svc) as http:
        start = clock.time()
        for _ in range(18):
            await http.get("/api/v2/account")
        assert clock.time() == start  # 18 of 20 is exactly 90 %: no delay yet
        await http.get("/api/v2/account")
        assert clock.time() == start + 1.0
        assert svc.counters.throttled == 1
        assert svc.log[-1].delay == 1.0
    assert time.perf_counter() - started_wall < 1.0  # nobody really waited


async def test_429_then_403_ip_block(make_service: ServiceFactory, clock: FakeClock) -> None:
    svc = make_service(read_limit=10, block_after_429=3, throttle_delay=0.0)
    async with _client(svc) as http, _client(svc, ip="10.9.9.9") as other:
        for _ in range(10):
            assert (await http.get("/api/v2/account")).status_code == 200
        for _ in range(3):
            response = await http.get("/api/v2/account")
            assert response.status_code == 429
            assert response.json()["error"] == "Too Many Requests"
            assert "retry-after" not in response.headers  # the live service sends none
        blocked = await http.get("/api/v2/account")
        assert blocked.status_code == 403
        assert blocked.json()["error"] == "Forbidden"
        # The block covers every path from that IP, the token endpoint included.
        assert (await http.get("/api/v2/system/status")).status_code == 403
        assert (await grant(http)).status_code == 403
        # Another IP is not blocked, but the account is still over its limit.
        assert (await other.get("/api/v2/account")).status_code == 429
        clock.advance(299)
        assert (await http.get("/api/v2/account")).status_code == 403
        clock.advance(2)
        assert (await http.get("/api/v2/account")).status_code == 200
    assert svc.counters.rejected == 4
    assert svc.counters.blocked >= 4
    assert svc.log.matching("/api/v2/account", status=403)


async def test_write_limits_per_operation(make_service: ServiceFactory) -> None:
    limits = {"alert-resolve": 2, "device-udf-set": 600}
    svc = make_service(operation_write_limits=limits, block_after_429=100)
    uids = list(svc.world.open_alerts)[:4]
    device = svc.world.device_list[0]
    async with _client(svc) as http:
        assert (await http.post(f"/api/v2/alert/{uids[0]}/resolve")).status_code == 200
        assert (await http.post(f"/api/v2/alert/{uids[1]}/resolve")).status_code == 200
        assert (await http.post(f"/api/v2/alert/{uids[2]}/resolve")).status_code == 429
        assert uids[2] in svc.world.open_alerts  # a rejected write changes nothing
        udf = await http.post(f"/api/v2/device/{device.uid}/udf", json={"udf1": "x"})
        assert udf.status_code == 200  # another operation's bucket
        assert (await http.get("/api/v2/account")).status_code == 200  # reads are separate
        rate = (await http.get("/api/v2/system/request_rate")).json()
    assert rate["operationWriteStatus"]["alert-resolve"] == {"limit": 2, "count": 2}
    assert rate["accountWriteCount"] == 3


async def test_account_write_limit(make_service: ServiceFactory) -> None:
    svc = make_service(account_write_limit=3, block_after_429=100)
    device = svc.world.device_list[0]
    async with _client(svc) as http:
        statuses = [
            (await http.post(f"/api/v2/device/{device.uid}/udf", json={"udf2": str(i)})).status_code
            for i in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


async def test_optional_rate_limit_headers(
    make_service: ServiceFactory, http: httpx.AsyncClient
) -> None:
    plain = await http.get("/api/v2/account")
    assert not any(h.lower().startswith("x-ratelimit") for h in plain.headers)
    svc = make_service(rate_limit_headers=True, read_limit=5, throttle_delay=0.0)
    async with _client(svc) as client:
        first = await client.get("/api/v2/account")
        assert first.headers["x-ratelimit-limit"] == "5"
        assert first.headers["x-ratelimit-remaining"] == "4"
        assert int(first.headers["x-ratelimit-reset"]) >= int(svc.clock.time())
        for _ in range(4):
            await client.get("/api/v2/account")
        over = await client.get("/api/v2/account")
        assert over.status_code == 429
        assert int(over.headers["retry-after"]) >= 1


async def test_background_load_shows_in_the_account_count(
    make_service: ServiceFactory, make_http: ClientFactory
) -> None:
    svc = make_service(background_load=240.0)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    rate = (await http.get("/api/v2/system/request_rate")).json()
    assert rate["accountCount"] == 241
