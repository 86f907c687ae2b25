"""Injected faults: single faults fire exactly where asked; profiles are seeded and repeatable."""

from __future__ import annotations

import json

import httpx
import pytest

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FAULT_KINDS, ConnectionResetFault, FakeService

from .conftest import ClientFactory, ServiceFactory


async def test_once_fires_on_the_matching_page_only(
    svc: FakeService, http: httpx.AsyncClient
) -> None:
    svc.faults.once("/api/v2/account/devices", "500", page=2)
    statuses = []
    for page in range(4):
        response = await http.get("/api/v2/account/devices", params={"page": page, "max": 100})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 500, 200]
    body = (await http.get("/api/v2/account/devices", params={"page": 2, "max": 100})).json()
    assert body["pageDetails"]["count"] == 100  # once means once
    assert svc.counters.faults["500"] == 1
    assert [f.kind for f in svc.faults.fired] == ["500"]
    assert svc.log.matching("/api/v2/account/devices", status=500)[0].fault == "500"


async def test_globs_methods_and_times(svc: FakeService, http: httpx.AsyncClient) -> None:
    svc.faults.once("/api/v2/site/*", "503", times=2)
    svc.faults.once("/api/v2/alert/*/resolve", "504", method="POST")
    site = svc.world.site_list[3]
    assert (await http.get(f"/api/v2/site/{site.uid}")).status_code == 503
    assert (await http.get(f"/api/v2/site/{site.uid}/devices")).status_code == 503
    assert (await http.get(f"/api/v2/site/{site.uid}")).status_code == 200
    uid = next(iter(svc.world.open_alerts))
    assert (await http.get(f"/api/v2/alert/{uid}")).status_code == 200
    gateway = await http.post(f"/api/v2/alert/{uid}/resolve")
    assert gateway.status_code == 504
    assert gateway.headers["content-type"].startswith("text/html")
    assert uid in svc.world.open_alerts  # the fault answered before the write happened
    assert svc.faults.pending == 0


async def test_reset_is_a_transport_error(svc: FakeService, http: httpx.AsyncClient) -> None:
    svc.faults.once("/api/v2/account", "reset")
    with pytest.raises(httpx.TransportError) as caught:
        await http.get("/api/v2/account")
    assert isinstance(caught.value, ConnectionResetFault)
    assert isinstance(caught.value, httpx.ReadError)
    assert caught.value.request.url.path == "/api/v2/account"
    assert svc.log[-1].status == 0
    assert svc.counters.resets == 1
    assert (await http.get("/api/v2/account")).status_code == 200


async def test_reset_after_processing_applies_the_write(
    svc: FakeService, http: httpx.AsyncClient
) -> None:
    uid = next(iter(svc.world.open_alerts))
    svc.faults.once(f"/api/v2/alert/{uid}/resolve", "reset_after")
    with pytest.raises(httpx.TransportError):
        await http.post(f"/api/v2/alert/{uid}/resolve")
    assert uid in svc.world.resolved_alerts  # the client cannot know it worked


async def test_truncated_html_and_429(svc: FakeService, http: httpx.AsyncClient) -> None:
    svc.faults.once("/api/v2/account/sites", "truncated")
    response = await http.get("/api/v2/account/sites")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    svc.faults.once("/api/v2/account/sites", "html")
    page = await http.get("/api/v2/account/sites")
    assert page.status_code == 502
    assert page.text.startswith("<html>")
    svc.faults.once("/api/v2/account/sites", "429")
    limited = await http.get("/api/v2/account/sites")
    assert limited.status_code == 429
    assert limited.json()["status"] == 429


async def test_latency_uses_the_service_clock(
    svc: FakeService, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    svc.faults.once("/api/v2/account", "latency:7.5")
    start = clock.time()
    assert (await http.get("/api/v2/account")).status_code == 200
    assert clock.time() == start + 7.5
    assert svc.log[-1].delay == 7.5


async def test_revoke_token(svc: FakeService, http: httpx.AsyncClient) -> None:
    svc.faults.once("/api/v2/account", "revoke_token")
    response = await http.get("/api/v2/account")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert (await http.get("/api/v2/account/sites")).status_code == 401  # stays revoked


async def test_fault_on_the_token_endpoint(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    svc.faults.once("/auth/oauth/token", "503")
    response = await http.post("/auth/oauth/token", auth=("public-client", "public"))
    assert response.status_code == 503


def test_unknown_kinds_are_refused(svc: FakeService) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        svc.faults.once("/api/*", "teapot")
    with pytest.raises(ValueError):
        svc.faults.once("/api/*", "latency:soon")
    assert "reset" in FAULT_KINDS


async def _run_profile(service: FakeService, http: httpx.AsyncClient) -> list[str]:
    outcomes: list[str] = []
    for page in range(120):
        try:
            response = await http.get("/api/v2/account/sites", params={"page": page % 3, "max": 5})
        except httpx.TransportError:
            outcomes.append("reset")
            continue
        outcomes.append(str(response.status_code))
        if response.status_code == 401:
            http.headers["Authorization"] = f"Bearer {service.issue_token()}"
    return outcomes


@pytest.mark.parametrize("profile", ["flaky", "chaos"])
async def test_profiles_are_deterministic(
    make_service: ServiceFactory, make_http: ClientFactory, profile: str
) -> None:
    runs = []
    for _ in range(2):
        service = make_service(faults=profile, read_limit=100_000, throttle_delay=0.0)
        http = make_http(service)
        http.headers["Authorization"] = f"Bearer {service.issue_token()}"
        runs.append(await _run_profile(service, http))
    assert runs[0] == runs[1]
    failures = [o for o in runs[0] if o != "200"]
    assert failures, "a fault profile injects faults"
    if profile == "chaos":
        assert len(set(failures)) >= 3
        assert len(failures) < len(runs[0]) / 2


async def test_no_faults_by_default(svc: FakeService, http: httpx.AsyncClient) -> None:
    for _ in range(200):
        assert (await http.get("/api/v2/system/pagination")).status_code == 200
    assert not svc.faults.fired
