"""Fixtures of the fake service's tests: a fake clock, small seeded services, HTTP clients.

Everything runs in process over ``httpx.ASGITransport``; nothing touches the network.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService

BASE_URL = "http://fake.localhost"
SMALL = {"sites": 12, "devices": 600, "alerts": 60, "resolved_alerts": 80}

ServiceFactory = Callable[..., FakeService]
ClientFactory = Callable[[FakeService], httpx.AsyncClient]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_service(clock: FakeClock) -> ServiceFactory:
    """``make_service(**config)``: a small service on the test's clock (config overrides SMALL)."""

    def factory(**overrides: Any) -> FakeService:
        options: dict[str, Any] = dict(SMALL)
        options.update(overrides)
        return FakeService(FakeConfig(**options), clock=clock)

    return factory


@pytest.fixture
def svc(make_service: ServiceFactory) -> FakeService:
    return make_service()


@pytest.fixture
async def make_http() -> AsyncIterator[ClientFactory]:
    """``make_http(service)``: an httpx client on the service's ASGI app (closed after the test)."""
    made: list[httpx.AsyncClient] = []

    def factory(service: FakeService) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.asgi), base_url=BASE_URL
        )
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
async def http(svc: FakeService, make_http: ClientFactory) -> httpx.AsyncClient:
    """A client on ``svc`` that already carries a valid bearer token."""
    client = make_http(svc)
    client.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    return client


async def grant(client: httpx.AsyncClient, **form: str) -> httpx.Response:
    """Run the password grant with the demo credentials (``form`` overrides fields)."""
    data = {"grant_type": "password", "username": DEMO_API_KEY, "password": DEMO_API_SECRET}
    data.update(form)
    return await client.post("/auth/oauth/token", auth=("public-client", "public"), data=data)


async def fetch_all(client: httpx.AsyncClient, url: str, key: str) -> list[dict[str, Any]]:
    """Every item of a list, following ``nextPageUrl`` as given (absolute)."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = await client.get(next_url)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body[key])
        next_url = body["pageDetails"]["nextPageUrl"]
    return items
