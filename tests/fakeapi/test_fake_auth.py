"""Authentication: the password grant, bearer checks, expiry and revocation."""

from __future__ import annotations

import httpx

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeService

from .conftest import ClientFactory, ServiceFactory, grant


async def test_grant_returns_a_bearer_token(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    response = await grant(http)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "jti"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 360000
    assert body["scope"] == "default"
    assert body["access_token"].count(".") == 2  # JWT-shaped, opaque to clients
    assert response.headers["cache-control"] == "no-store"
    account = await http.get(
        "/api/v2/account", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert account.status_code == 200
    assert svc.counters.token_grants == 1


async def test_token_endpoint_is_outside_api(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    response = await http.post(
        "/api/auth/oauth/token",
        auth=("public-client", "public"),
        data={"grant_type": "password", "username": DEMO_API_KEY, "password": DEMO_API_SECRET},
    )
    assert response.status_code == 401  # under /api it is just another protected path


async def test_basic_client_credentials_are_required(
    svc: FakeService, make_http: ClientFactory
) -> None:
    http = make_http(svc)
    form = {"grant_type": "password", "username": DEMO_API_KEY, "password": DEMO_API_SECRET}
    anonymous = await http.post("/auth/oauth/token", data=form)
    assert anonymous.status_code == 401
    for auth in (("public-client", "wrong"), ("other", "public")):
        response = await http.post("/auth/oauth/token", auth=auth, data=form)
        assert response.status_code == 401
        body = response.json()
        assert body["error"] == "unauthorized"
        assert body["error_description"].startswith("Full authentication is required")
    get = await http.get("/auth/oauth/token", auth=("public-client", "public"))
    assert get.status_code == 405


async def test_bad_credentials_and_grant_type(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    for form in ({"password": "nope"}, {"username": "nope"}, {"password": ""}):
        response = await grant(http, **form)
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_grant", "error_description": "Bad credentials"}
    response = await grant(http, grant_type="client_credentials")
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    missing = await grant(http, grant_type="")
    assert missing.json() == {"error": "invalid_request", "error_description": "Missing grant type"}
    assert svc.counters.auth_failures == 5


async def test_missing_and_malformed_bearer(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    response = await http.get("/api/v2/account")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "www-authenticate" in response.headers
    for value in ("Basic abc", "Bearer ", "Bearer not-a-token"):
        response = await http.get("/api/v2/account", headers={"Authorization": value})
        assert response.status_code == 401
    response = await http.get("/api/v2/account", headers={"Authorization": "Bearer not-a-token"})
    assert response.json()["error"] == "invalid_token"
    assert "not-a-token" not in response.text  # token values never echo back


async def test_unknown_path_needs_a_token_first(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    assert (await http.get("/api/v2/no/such/thing")).status_code == 401


async def test_status_needs_no_token(svc: FakeService, make_http: ClientFactory) -> None:
    http = make_http(svc)
    response = await http.get("/api/v2/system/status")
    assert response.status_code == 200
    assert set(response.json()) == {"version", "status", "started"}
    assert isinstance(response.json()["started"], int)
    assert svc.limiter.read_count() == 0  # no account known: not counted


async def test_token_expires_after_ttl(
    make_service: ServiceFactory, make_http: ClientFactory, clock: FakeClock
) -> None:
    svc = make_service(token_ttl=120.0)
    http = make_http(svc)
    body = (await grant(http)).json()
    assert body["expires_in"] == 120
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    clock.advance(119)
    assert (await http.get("/api/v2/account", headers=headers)).status_code == 200
    clock.advance(1)
    response = await http.get("/api/v2/account", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert "expired" in response.json()["error_description"]
    fresh = (await grant(http)).json()["access_token"]
    ok = await http.get("/api/v2/account", headers={"Authorization": f"Bearer {fresh}"})
    assert ok.status_code == 200


async def test_default_ttl_is_100_hours(svc: FakeService, clock: FakeClock) -> None:
    token = svc.issue_token()
    clock.advance(360000 - 1)
    assert svc.auth.check(token) is None
    clock.advance(1)
    assert svc.auth.check(token) == "Access token expired"


async def test_revocation(svc: FakeService, http: httpx.AsyncClient) -> None:
    assert (await http.get("/api/v2/account")).status_code == 200
    assert svc.auth.revoke_all() >= 1
    response = await http.get("/api/v2/account")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
