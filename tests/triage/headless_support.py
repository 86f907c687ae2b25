"""A real client on the seeded fake, and a store synced from it, for the headless triage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeService
from datto_tui.monitor.events import Resource
from datto_tui.monitor.store import Store

START = 1_780_000_000.0


@dataclass
class Bench:
    service: FakeService
    client: DattoClient
    store: Store
    clock: FakeClock


@asynccontextmanager
async def bench(
    *, devices: int = 60, alerts: int = 12, write_share: float = 0.5
) -> AsyncIterator[Bench]:
    """A frozen fake, a client with its sleeps advancing the clock, and a synced store."""
    clock = FakeClock(START, auto_advance=True)
    service = demo_service(clock, sites=6, devices=devices, alerts=alerts, frozen=True)
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=httpx.ASGITransport(app=service.asgi),
        token_cache=None,
        write_share=write_share,
        max_attempts=1,
    )
    store = Store(clock=clock)
    for kind, items in (
        (Resource.DEVICES, [d async for d in client.devices()]),
        (Resource.ALERTS, [a async for a in client.open_alerts()]),
    ):
        store.begin_sync(kind)
        store.apply_page(kind, items, len(items))
        store.end_sync(kind, True)
    try:
        yield Bench(service, client, store, clock)
    finally:
        await client.aclose()


def posts_per_window(times: list[float], window: float = 60.0) -> int:
    """The most requests seen in any window of ``window`` seconds."""
    times = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
