"""Fixtures of the client's tests: a fake clock, the mini service and a client factory."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from datto_tui.api import DattoClient
from datto_tui.clock import FakeClock

from .miniservice import API_KEY, API_SECRET, BASE, MiniService

ClientFactory = Callable[..., DattoClient]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the user's real cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def svc(clock: FakeClock) -> MiniService:
    return MiniService(clock, devices=600)


@pytest.fixture
async def make_client(clock: FakeClock, svc: MiniService) -> AsyncIterator[ClientFactory]:
    """``make_client(**overrides)``: a client on the mini service, closed after the test."""
    made: list[DattoClient] = []

    def factory(**overrides: Any) -> DattoClient:
        options: dict[str, Any] = {
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "clock": clock,
            "transport": svc.transport,
            "rng": random.Random(7),
        }
        options.update(overrides)
        base = options.pop("base_url", BASE)
        client = DattoClient(base, **options)
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()
