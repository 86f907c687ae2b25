"""Retries: which statuses and errors, how many times, how long, and never for writes."""

from __future__ import annotations

import itertools
import random

import httpx
import pytest

from datto_tui.api import NetworkError, ServerError
from datto_tui.api.budget import Budget
from datto_tui.api.errors import BadRequest, Conflict, NotFound
from datto_tui.api.transport import RetryTransport, parse_retry_after
from datto_tui.clock import FakeClock

from .conftest import ClientFactory
from .miniservice import Fault, MiniService


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_gets_are_retried_on_5xx_then_succeed(
    make_client: ClientFactory, svc: MiniService, status: int
) -> None:
    svc.faults.append(Fault("/api/v2/account", status, times=3))
    client = make_client()
    account = await client.account()
    assert account.name == "Mini"
    assert [s.status for s in svc.api_log("/api/v2/account")] == [status] * 3 + [200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_gets_give_up_after_four_attempts(
    make_client: ClientFactory, svc: MiniService, status: int
) -> None:
    svc.faults.append(Fault("/api/v2/account", status, times=10))
    client = make_client()
    with pytest.raises(ServerError) as caught:
        await client.account()
    assert caught.value.status == status
    assert "after 4 attempts" in str(caught.value)
    assert len(svc.api_log("/api/v2/account")) == 4


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequest), (404, NotFound), (409, Conflict), (501, ServerError)]
)
async def test_other_statuses_are_not_retried(
    make_client: ClientFactory, svc: MiniService, status: int, error: type[Exception]
) -> None:
    svc.faults.append(Fault("/api/v2/account", status, times=10))
    client = make_client()
    with pytest.raises(error):
        await client.account()
    assert len(svc.api_log("/api/v2/account")) == 1


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
async def test_network_errors_are_retried_for_gets(
    make_client: ClientFactory, svc: MiniService, exc: type[Exception]
) -> None:
    svc.faults.append(Fault("/api/v2/account", 0, times=2, raise_error=exc))
    client = make_client()
    await client.account()
    assert len(svc.api_log("/api/v2/account")) == 3


async def test_persistent_network_errors_become_network_error(
    make_client: ClientFactory, svc: MiniService
) -> None:
    svc.faults.append(Fault("/api/v2/account", 0, times=10, raise_error=httpx.ConnectTimeout))
    client = make_client()
    with pytest.raises(NetworkError, match="did not answer"):
        await client.account()
    assert len(svc.api_log("/api/v2/account")) == 4


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_writes_are_never_retried_on_5xx(
    make_client: ClientFactory, svc: MiniService, status: int
) -> None:
    svc.faults.append(Fault("/api/v2/alert/*/resolve", status, times=10))
    client = make_client()
    with pytest.raises(ServerError):
        await client.resolve_alert("alert-1")
    assert len(svc.api_log()) == 1


@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.ConnectError, httpx.RemoteProtocolError])
async def test_writes_are_never_retried_on_network_errors(
    make_client: ClientFactory, svc: MiniService, exc: type[Exception]
) -> None:
    svc.faults.append(Fault("/api/v2/device/*/quickjob", 0, times=10, raise_error=exc))
    client = make_client()
    with pytest.raises(NetworkError) as caught:
        await client.quick_job("dev-1", job_name="x", component_uid="c")
    assert "may or may not have reached the service" in str(caught.value)
    assert len(svc.api_log()) == 1


async def test_backoff_waits_on_the_clock_and_is_bounded(
    make_client: ClientFactory, svc: MiniService, clock: FakeClock
) -> None:
    svc.faults.append(Fault("/api/v2/account", 503, times=3))
    client = make_client()
    await client.account()
    times = [s.time for s in svc.api_log("/api/v2/account")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # capped exponential with jitter: attempt n waits between half and all of 2**(n-1) s
    for n, gap in enumerate(gaps, start=1):
        assert 0.5 * 2 ** (n - 1) <= gap <= 2 ** (n - 1)


async def test_backoff_is_deterministic_with_a_seeded_rng(clock: FakeClock) -> None:
    def delays(seed: int) -> list[float]:
        transport = RetryTransport(
            httpx.MockTransport(lambda r: httpx.Response(200)),
            budget=Budget(clock=clock),
            clock=clock,
            rng=random.Random(seed),
        )
        return [transport._backoff(n) for n in range(1, 8)]

    assert delays(1) == delays(1)
    assert delays(1) != delays(2)
    assert max(delays(3)) <= 16.0


async def test_retry_after_lengthens_the_wait(make_client: ClientFactory, svc: MiniService) -> None:
    svc.faults.append(Fault("/api/v2/account", 503, headers={"Retry-After": "30"}))
    client = make_client()
    await client.account()
    first, second = svc.api_log("/api/v2/account")
    assert second.time - first.time >= 30


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", 0.0) == 120.0
    assert parse_retry_after(" 5 ", 0.0) == 5.0
    assert parse_retry_after("-5", 0.0) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == 10.0
    assert parse_retry_after("soon", 0.0) is None
    assert parse_retry_after("nan", 0.0) is None
    assert parse_retry_after(None, 0.0) is None


async def test_budget_counts_every_attempt_on_the_wire(
    make_client: ClientFactory, svc: MiniService
) -> None:
    svc.faults.append(Fault("/api/v2/account", 502, times=2))
    svc.faults.append(Fault("/api/v2/account", 0, times=1, raise_error=httpx.ReadTimeout))
    client = make_client()
    await client.account()
    assert len(svc.log) == 5  # token + 4 attempts
    assert client.budget.snapshot().reads_used == 5
    assert client.wire_attempts == 5
