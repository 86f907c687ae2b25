"""The budget: never over its share in any 60 s window, priorities, pauses, calibration."""

from __future__ import annotations

import asyncio
import bisect
import itertools
from collections import Counter
from typing import Any

import httpx
import pytest

from datto_tui.api import Budget, ConfigurationError, IPBlocked, PermissionDenied, Priority
from datto_tui.api.errors import RateLimited
from datto_tui.api.models import RequestRate
from datto_tui.clock import FakeClock

from .conftest import ClientFactory
from .miniservice import Fault, MiniService


def max_in_any_window(times: list[float], window: float = 60.0) -> int:
    """The most timestamps that fall in any closed window [t, t + window]."""
    ordered = sorted(times)
    return max(
        (bisect.bisect_right(ordered, t + window) - i for i, t in enumerate(ordered)), default=0
    )


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_default_share_is_half_of_600_reads_and_100_writes() -> None:
    snap = Budget(clock=FakeClock()).snapshot()
    assert (snap.reads_limit, snap.writes_limit, snap.window_seconds) == (300, 50, 60.0)
    assert (snap.reads_used, snap.writes_used, snap.queued, snap.paused_for) == (0, 0, 0, 0.0)
    assert snap.pause_reason is None and not snap.ip_blocked
    assert snap.account_reads is None and snap.account_measured_at is None


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_share_must_be_a_fraction(share: float) -> None:
    with pytest.raises(ConfigurationError):
        Budget(read_share=share, clock=FakeClock())


async def test_direct_slots_never_exceed_the_share() -> None:
    clock = FakeClock()
    budget = Budget(read_share=0.1, clock=clock)  # 60 reads per window
    granted: list[float] = []

    async def one() -> None:
        async with budget.slot("read"):
            granted.append(clock.time())

    await asyncio.gather(*(one() for _ in range(500)))
    assert len(granted) == 500
    assert max_in_any_window(granted) == 60
    # and it does not dawdle: 500 requests at 60 per window need 9 windows
    assert granted[-1] - granted[0] < 9 * 60 + 1


async def test_1000_concurrent_requests_through_the_client_stay_within_the_share(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    svc = MiniService(clock, devices=5)
    client = make_client(transport=svc.transport)
    results = await asyncio.gather(
        *(
            client.device(
                f"dev-{i % 5:06d}", priority=Priority.BACKGROUND if i % 2 else Priority.INTERACTIVE
            )
            for i in range(1000)
        )
    )
    assert len(results) == 1000
    seen = [s.time for s in svc.log]  # every request the service saw, the token grant included
    assert len(seen) == 1001
    assert max_in_any_window(seen) <= 300
    assert svc.api_log(status=429) == []
    snap = client.budget.snapshot()
    assert snap.reads_used <= snap.reads_limit and snap.queued == 0


async def test_in_flight_requests_count_until_a_window_after_they_complete() -> None:
    clock = FakeClock(auto_advance=False)
    budget = Budget(read_share=0.01, clock=clock)  # 6 reads
    slots = [await budget.acquire("read") for _ in range(6)]
    clock.advance(100)  # long requests: still in flight, still counted
    waiter = asyncio.ensure_future(budget.acquire("read"))
    await settle()
    assert not waiter.done()
    budget.release(slots[0])
    clock.advance(59)
    await settle()
    assert not waiter.done()
    clock.advance(1.01)
    await settle()
    assert waiter.done()
    budget.release(waiter.result())


async def _grant_order(
    groups: list[list[tuple[str, Priority]]],
) -> tuple[list[str], Budget, FakeClock]:
    """Exhaust a 12-read budget (2 reserved for interactive), queue ``groups`` of waiters one
    group after another, let the window roll, and return the order slots were granted in."""
    clock = FakeClock(auto_advance=False)
    budget = Budget(read_share=0.02, clock=clock)
    for _ in range(12):  # one slot frees per second from t=61 on
        clock.advance(1)
        budget.release(await budget.acquire("read"))
    order: list[str] = []

    async def want(name: str, priority: Priority) -> None:
        async with budget.slot("read", priority):
            order.append(name)

    tasks: list[asyncio.Future[None]] = []
    for group in groups:
        tasks += [asyncio.ensure_future(want(name, priority)) for name, priority in group]
        await settle()
    assert budget.snapshot().queued == len(tasks)
    clock.advance(49)
    for _ in range(12):
        clock.advance(1)
        await settle()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)
    return order, budget, clock


async def test_interactive_jumps_ahead_of_background() -> None:
    background = [(f"bg{i}", Priority.BACKGROUND) for i in range(3)]
    interactive = [(f"ui{i}", Priority.INTERACTIVE) for i in range(2)]
    order, _, _ = await _grant_order([background, interactive])
    assert order == ["ui0", "ui1", "bg0", "bg1", "bg2"]


async def test_live_polls_go_ahead_of_bulk_syncs_but_not_of_the_keyboard() -> None:
    """A sync's pages queued first still wait behind an alerts poll; the person at the keyboard
    goes before both; live polls never use the keyboard's reserve."""
    order, budget, clock = await _grant_order(
        [
            [(f"sync{i}", Priority.BACKGROUND) for i in range(2)],
            [("alerts", Priority.LIVE)],
            [("ui", Priority.INTERACTIVE)],
        ]
    )
    assert order == ["ui", "alerts", "sync0", "sync1"]

    clock.advance(61)  # a fresh window: live polls stop at limit - reserve
    await settle()
    for _ in range(10):
        budget.release(await asyncio.wait_for(budget.acquire("read", Priority.LIVE), 1))
    blocked = asyncio.ensure_future(budget.acquire("read", Priority.LIVE))
    await settle()
    assert not blocked.done()
    blocked.cancel()
    await settle()


async def test_background_never_uses_the_reserve() -> None:
    clock = FakeClock(auto_advance=False)
    budget = Budget(read_share=0.5, clock=clock)  # 300 reads, 30 reserved
    for _ in range(270):
        budget.release(await budget.acquire("read", Priority.BACKGROUND))
    blocked = asyncio.ensure_future(budget.acquire("read", Priority.BACKGROUND))
    await settle()
    assert not blocked.done()
    # the person at the keyboard still gets all 30 reserved slots at once
    for _ in range(30):
        budget.release(await asyncio.wait_for(budget.acquire("read"), 1))
    assert budget.snapshot().reads_used == 300
    blocked.cancel()
    await settle()
    assert budget.snapshot().queued == 0


async def test_cancelled_waiters_take_no_slot() -> None:
    clock = FakeClock(auto_advance=False)
    budget = Budget(read_share=0.01, clock=clock)  # 6
    for _ in range(6):
        budget.release(await budget.acquire("read"))
    waiters = [asyncio.ensure_future(budget.acquire("read")) for _ in range(3)]
    await settle()
    waiters[0].cancel()
    await settle()
    clock.advance(61)
    await settle()
    assert [w.cancelled() for w in waiters] == [True, False, False]
    assert budget.snapshot().reads_used == 2


async def test_writes_have_their_own_window() -> None:
    clock = FakeClock()
    budget = Budget(clock=clock)
    times: list[float] = []

    async def write() -> None:
        async with budget.slot("write"):
            times.append(clock.time())

    await asyncio.gather(*(write() for _ in range(120)))
    assert max_in_any_window(times) == 50
    assert budget.snapshot().reads_used == 0


async def test_429_pauses_every_request_for_at_least_60_s(
    clock: FakeClock, make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    svc.routes["/api/v2/account"] = lambda r: _status(429)
    with pytest.raises(RateLimited) as caught:
        await client.account()
    assert caught.value.retry_after is not None and caught.value.retry_after >= 60
    # the GET was retried ten times, each after a pause of at least 60 s, then gave up
    times = [s.time for s in svc.api_log("/api/v2/account", status=429)]
    assert len(times) == 11
    assert all(b - a >= 60 for a, b in itertools.pairwise(times))
    snap = client.budget.snapshot()
    assert snap.paused_for >= 59 and "429" in (snap.pause_reason or "")
    before = clock.time()
    del svc.routes["/api/v2/account"]
    await client.account()  # waits out the pause first
    assert svc.api_log("/api/v2/account")[-1].time - before >= 59


async def test_429_then_success_is_transparent_for_reads(
    clock: FakeClock, make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    svc.faults.append(Fault("/api/v2/account", 429, headers={"Retry-After": "90"}))
    await client.account()
    ok, limited = svc.api_log("/api/v2/account", 200), svc.api_log("/api/v2/account", 429)
    assert len(limited) == 1
    assert ok[-1].time - limited[0].time >= 90  # Retry-After longer than 60 s is honoured


async def test_after_a_pause_one_request_probes_alone(
    clock: FakeClock, make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    limited_until = clock.time() + 150  # the account stays over its limit for 150 s
    original = svc._api

    def answer(request: httpx.Request, seen: Any) -> httpx.Response:
        if clock.time() < limited_until:
            return _status(429)
        return original(request, seen)

    svc._api = answer  # type: ignore[method-assign]
    devices = await asyncio.gather(*(client.device(f"dev-{i:06d}") for i in range(30)))
    assert len(devices) == 30
    by_time: dict[float, list[int]] = {}
    for seen in svc.api_log()[1:]:
        by_time.setdefault(seen.time, []).append(seen.status)
    waves = list(by_time.values())
    # whoever was on the wire meets the limit; then one probe per pause until one gets
    # through; only then does the crowd follow
    assert set(waves[0]) == {429}
    assert waves[1:-1] == [[429], [429]]
    assert waves[-1] == [200] * 30
    times = list(by_time)
    assert all(b - a >= 60 for a, b in itertools.pairwise(times))


async def test_writes_are_not_retried_after_429(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    svc.faults.append(Fault("/api/v2/alert/*/resolve", 429))
    with pytest.raises(RateLimited):
        await client.resolve_alert("a-1")
    assert len(svc.api_log()) == 1
    assert svc.resolved == []


async def test_403_after_429_is_an_ip_block_with_a_5_minute_pause(
    clock: FakeClock, make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    svc.faults.append(Fault("/api/v2/account", 429))
    svc.faults.append(Fault("/api/v2/account", 403, body=b"<html>Forbidden</html>"))
    with pytest.raises(IPBlocked) as caught:
        await client.account()
    text = str(caught.value)
    assert "blocked this IP for about 5 minutes" in text and "datto-tui will wait" in text
    assert isinstance(caught.value, PermissionDenied)
    snap = client.budget.snapshot()
    assert snap.ip_blocked and snap.paused_for >= 299
    blocked_at = clock.time()
    await client.account()
    assert svc.api_log("/api/v2/account")[-1].time - blocked_at >= 299
    assert not client.budget.snapshot().ip_blocked


async def test_plain_403_is_permission_denied(make_client: ClientFactory, svc: MiniService) -> None:
    client = make_client()
    svc.faults.append(Fault("/api/v2/account", 403, body=b'{"error":"Forbidden"}'))
    with pytest.raises(PermissionDenied) as caught:
        await client.account()
    assert not isinstance(caught.value, IPBlocked)
    assert "security level" in str(caught.value)
    assert client.budget.snapshot().paused_for == 0


async def test_403_long_after_a_429_is_permission_denied() -> None:
    clock = FakeClock()
    budget = Budget(clock=clock)
    budget.note_rate_limited()
    clock.advance(601)
    assert budget.note_forbidden() is False
    budget.note_rate_limited()
    clock.advance(599)
    assert budget.note_forbidden() is True


def test_record_account_rate_feeds_the_gauge_and_slows_us_when_others_are_busy() -> None:
    clock = FakeClock()
    budget = Budget(clock=clock)
    rate = RequestRate(
        window_seconds=60,
        account_uid="ACC",
        account_count=500,
        account_rate_limit=600,
        account_cutoff_ratio=0.9,
        account_write_count=3,
        account_write_rate_limit=600,
        operations={},
    )
    budget.record_account_rate(rate)
    snap = budget.snapshot()
    assert (snap.account_reads, snap.account_read_limit) == (500, 600)
    assert (snap.account_writes, snap.account_write_limit) == (3, 600)
    assert snap.account_measured_at == clock.now()
    # others use 500 of 600: together we must stay under 540, so 40 for us
    assert snap.reads_limit == 40
    clock.advance(299)
    assert budget.snapshot().reads_limit == 40
    clock.advance(2)  # the measurement is stale: back to the configured share
    assert budget.snapshot().reads_limit == 300


def test_account_rate_with_nothing_else_running_keeps_the_share() -> None:
    budget = Budget(clock=FakeClock())
    rate = RequestRate(60, "ACC", 10, 600, 0.9, 0, 600, {})
    budget.record_account_rate(rate)
    assert budget.snapshot().reads_limit == 300


def test_account_rate_never_cuts_us_to_zero() -> None:
    budget = Budget(clock=FakeClock())
    budget.record_account_rate(RequestRate(60, "ACC", 900, 600, 0.9, 0, 600, {}))
    assert budget.snapshot().reads_limit == 1


async def test_request_rate_calibrates_the_clients_budget(
    make_client: ClientFactory, svc: MiniService
) -> None:
    body = {
        "slidingTimeWindowSizeSeconds": 60,
        "accountUid": "ACC",
        "accountCount": 480,
        "accountRateLimit": 600,
        "accountCutOffRatio": 0.9,
        "accountWriteCount": 0,
        "accountWriteRateLimit": 600,
        "operationWriteStatus": {"alert-resolve": {"limit": 100, "count": 0}},
    }
    svc.routes["/api/v2/system/request_rate"] = lambda r: _json(body)
    client = make_client()
    rate = await client.request_rate()
    assert rate.account_count == 480
    snap = client.budget.snapshot()
    assert snap.account_reads == 480
    # ours in the window: the token grant and the rate request; others: 478; 540 - 478 = 62
    assert snap.reads_limit == 62


def test_rate_limit_headers_only_tighten() -> None:
    clock = FakeClock()
    budget = Budget(clock=clock)
    budget.observe_limits("read", limit=6000, remaining=5000)
    assert budget.snapshot().reads_limit == 300  # never loosened
    budget.observe_limits("read", limit=100, remaining=None)
    assert budget.snapshot().reads_limit == 50
    budget.observe_limits("read", remaining=0, reset_in=30)
    assert 29 <= budget.snapshot().paused_for <= 30


async def test_remaining_header_caps_the_next_grants() -> None:
    clock = FakeClock(auto_advance=False)
    budget = Budget(clock=clock)
    budget.observe_limits("read", remaining=3, reset_in=20)
    for _ in range(3):
        budget.release(await asyncio.wait_for(budget.acquire("read"), 1))
    fourth = asyncio.ensure_future(budget.acquire("read"))
    await settle()
    assert not fourth.done()
    clock.advance(21)
    await settle()
    assert fourth.done()
    budget.release(fourth.result())


async def test_snapshot_reports_use_and_reset() -> None:
    clock = FakeClock()
    budget = Budget(clock=clock)
    for _ in range(5):
        budget.release(await budget.acquire("read"))
    clock.advance(20)
    budget.release(await budget.acquire("write"))
    snap = budget.snapshot()
    assert (snap.reads_used, snap.writes_used) == (5, 1)
    assert snap.reads_reset_in == pytest.approx(40)
    assert snap.writes_reset_in == pytest.approx(60)
    clock.advance(41)
    assert budget.snapshot().reads_used == 0


async def test_priority_mix_under_pressure_keeps_interactive_latency_low() -> None:
    clock = FakeClock()
    budget = Budget(read_share=0.1, clock=clock)  # 60 per window, 6 reserved
    waits: Counter[str] = Counter()

    async def request(kind: str, priority: Priority) -> None:
        start = clock.time()
        async with budget.slot("read", priority):
            waits[kind] = max(waits[kind], int(clock.time() - start))

    background = [asyncio.ensure_future(request("bg", Priority.BACKGROUND)) for _ in range(300)]
    await settle()
    await asyncio.gather(*(request("ui", Priority.INTERACTIVE) for _ in range(5)))
    assert waits["ui"] <= 61  # at most one window, however long the background queue is
    await asyncio.gather(*background)
    assert waits["bg"] >= 240


def _status(status: int) -> httpx.Response:
    return httpx.Response(status, json={"status": status})


def _json(body: object) -> httpx.Response:
    return httpx.Response(200, json=body)
