"""Sync cost: a full device sync from the fake service, through the real client stack.

    python -m tests.benchmarks --only sync

For each size N, one fake account (``FakeService``, frozen, in process over
``httpx.ASGITransport``) and one ``DattoClient`` with the default read share (50 % of 600 reads
per 60 s: 300, of which background work such as a sync may use 270) run on one ``FakeClock``
that advances by itself whenever something sleeps. Every API request meets a fixed simulated
latency of ``LATENCY`` seconds on that clock (the fake's own ``latency:<s>`` fault). The walk is
the poller's: ``client.devices(priority=BACKGROUND).pages()``, each page applied to a ``Store``.
The token grant and the page-size read happen once per client and are done before the walk.

Measured:

- ``sync.requests.<N>``: device page requests the fake saw, against the floor ceil(N / 250).
- ``sync.client_cpu_per_page.<N>``: client CPU per 250-device page: ``time.process_time`` around
  the walk, minus the CPU the fake spent serving (its ASGI app is wrapped and timed with
  ``process_time`` too: parsing the request, the rate limiter, rendering and encoding the page,
  logging). What remains is the client's: httpx and the in-process transport, auth, budget and
  retry layers, ``json.loads``, ``Device.from_api`` x 250 and ``Store.apply_page``. Median over
  every page of every walk (``max`` and ``mean`` are extra keys).
- ``sync.time.<N>``: simulated seconds from the first page request to the last page applied,
  against the floor: the fastest any client could go with sequential pages (each
  ``nextPageUrl`` comes with the previous page), ``LATENCY`` per request and a 300 / 60 s
  sliding window in which a slot counts from its request until 60 s after its answer (the
  Budget's own rule, computed greedily by :func:`floor_seconds`). Pages of 250 at 300 reads per
  minute: the steady-state rate is 5 pages (1,250 devices) per second.
- ``sync.store_mb.<N>`` / ``sync.store_peak_mb.<N>``: memory the store holds once the sync is
  done (models and indexes), and the peak while applying (``tracemalloc``, in a second pass over
  the same page bodies, parsed and applied as the client does, outside any timed section).
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import statistics
import time
import tracemalloc
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from datto_tui.api.budget import Priority
from datto_tui.api.client import DattoClient
from datto_tui.api.models import Device
from datto_tui.clock import FakeClock
from datto_tui.demo import DEMO_BASE_URL
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService
from datto_tui.monitor.events import Resource
from datto_tui.monitor.store import Store
from tests.benchmarks.rows import Row, row, size_label

PAGE = 250
LATENCY = 0.05  # seconds per request on the simulated clock: a fast, close link
READ_LIMIT = 300  # the default share: 50 % of the account's 600 reads
WINDOW = 60.0
DEVICES_PATH = "/api/v2/account/devices"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]


def floor_seconds(
    pages: int, latency: float, limit: int = READ_LIMIT, window: float = WINDOW
) -> float:
    """The shortest possible time for ``pages`` sequential requests of ``latency`` each, when
    at most ``limit`` slots may be in use in any window and a slot is held from the request
    until ``window`` seconds after its answer."""
    held: deque[float] = deque()  # release times of the slots in use, oldest first
    t = 0.0
    for _ in range(pages):
        while held and held[0] <= t:
            held.popleft()
        if len(held) >= limit:
            t = held.popleft()
        t += latency
        held.append(t + window)
    return t


@dataclass
class _Meter:
    """Wraps the fake's ASGI app: CPU spent inside it, and the device page bodies it sent."""

    app: ASGIApp
    keep_bodies: bool = False
    cpu: float = 0.0
    bodies: list[bytes] = field(default_factory=list)

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        keep = self.keep_bodies and scope.get("path") == DEVICES_PATH

        async def sending(message: Message) -> None:
            if keep and message["type"] == "http.response.body":
                self.bodies.append(bytes(message.get("body", b"")))
            await send(message)

        started = time.process_time()
        # The only awaits inside are the simulated latency (a FakeClock sleep: no real wait)
        # and the transport's in-memory send/receive, so process time here is the fake's.
        await self.app(scope, receive, sending)
        self.cpu += time.process_time() - started


@dataclass
class SyncResult:
    devices: int
    requests: int
    sim_seconds: float
    per_page_cpu: list[float]
    total_cpu: float
    fake_cpu: float
    bodies: list[bytes]


def _service(n: int, clock: FakeClock) -> FakeService:
    config = FakeConfig(
        seed=7,
        sites=max(3, min(1000, n // 100)),
        devices=n,
        alerts=min(3000, max(10, n // 30)),
        frozen=True,  # the same data for every walk
    )
    return FakeService(config, clock=clock)


async def sync_once(svc: FakeService, clock: FakeClock, *, keep_bodies: bool) -> SyncResult:
    """One full device sync, as the poller runs it; see the module docstring."""
    svc.faults.clear()
    svc.faults.once("/api/*", f"latency:{LATENCY:g}", times=10**9)
    meter = _Meter(svc.asgi, keep_bodies=keep_bodies)
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=httpx.ASGITransport(app=meter),
        token_cache=None,
    )
    store = Store(clock=clock)
    async with client:
        await client.page_size(priority=Priority.BACKGROUND)  # token + page size, once a client
        clock.advance(WINDOW + 1)  # a fresh window, as for a sync started later
        before = len(svc.log.matching(DEVICES_PATH))
        meter.cpu = 0.0
        per_page: list[float] = []
        gc.collect()
        sim_start = clock.monotonic()
        cpu_start = time.process_time()
        last, fake_last = cpu_start, 0.0
        store.begin_sync(Resource.DEVICES)
        async for page in client.devices(priority=Priority.BACKGROUND).pages():
            store.apply_page(Resource.DEVICES, page.items, total=page.total_count)
            now = time.process_time()
            per_page.append((now - last) - (meter.cpu - fake_last))
            last, fake_last = now, meter.cpu
        store.end_sync(Resource.DEVICES, True)
        total_cpu = time.process_time() - cpu_start - meter.cpu
        sim = clock.monotonic() - sim_start
        requests = len(svc.log.matching(DEVICES_PATH)) - before
        loaded = len(store.devices)
    return SyncResult(loaded, requests, sim, per_page, total_cpu, meter.cpu, meter.bodies)


def store_memory(bodies: list[bytes]) -> tuple[float, float]:
    """(retained, peak) bytes of a Store filled from ``bodies`` as the client parses them."""
    gc.collect()
    tracemalloc.start()
    try:
        store = Store(clock=FakeClock())
        store.begin_sync(Resource.DEVICES)
        for body in bodies:
            raw = json.loads(body)
            items = [Device.from_api(d) for d in raw["devices"]]
            store.apply_page(Resource.DEVICES, items, total=raw["pageDetails"]["totalCount"])
            del raw, items
        store.end_sync(Resource.DEVICES, True)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del store
    return float(current), float(peak)


def run(sizes: tuple[int, ...] = (1_000, 10_000, 100_000), *, walks: int = 3) -> list[Row]:
    """Rows for every size. ``walks`` full syncs per size (one at 100k and above: about 25 s
    each, most of it the fake rendering pages)."""
    rows: list[Row] = []
    for n in sizes:
        label = size_label(n)
        clock = FakeClock()
        svc = _service(n, clock)
        count = walks if n < 100_000 else 1
        results = [asyncio.run(sync_once(svc, clock, keep_bodies=i == 0)) for i in range(count)]
        bodies = results[0].bodies
        floor_pages = math.ceil(n / PAGE)
        requests = statistics.median(r.requests for r in results)
        samples = [c for r in results for c in r.per_page_cpu]
        sim = statistics.median(r.sim_seconds for r in results)
        floor = floor_seconds(floor_pages, LATENCY)
        retained, peak = store_memory(bodies)
        del bodies
        for r in results:
            r.bodies.clear()
        assert all(r.devices == n for r in results), "the sync lost devices"
        rows.append(
            row(
                f"sync.requests.{label}",
                requests,
                "requests",
                baseline=floor_pages,
                ratio="over_floor",
                target_eq=1.0,
                repeats=count,
                note=None if n != sizes[0] else "device page requests vs ceil(N/250)",
            )
        )
        rows.append(
            row(
                f"sync.client_cpu_per_page.{label}",
                statistics.median(samples) * 1000,
                "ms",
                target_max=8.0,
                repeats=len(samples),
                mean=round(statistics.fmean(samples) * 1000, 2),
                max=round(max(samples) * 1000, 2),
                walk_cpu_s=round(statistics.median(r.total_cpu for r in results), 3),
                fake_cpu_s=round(statistics.median(r.fake_cpu for r in results), 3),
                note=None
                if n != sizes[0]
                else "median over every page of every walk; fake's own CPU subtracted",
            )
        )
        rows.append(
            row(
                f"sync.time.{label}",
                sim,
                "s (simulated)",
                baseline=floor,
                ratio="over_floor",
                repeats=count,
                latency_s=LATENCY,
                read_share=READ_LIMIT,
                steady_rate_floor_s=round(floor_pages / (READ_LIMIT / WINDOW), 3),
                note=None
                if n != sizes[0]
                else f"{LATENCY * 1000:g} ms latency per request; floor: sequential pages "
                f"within {READ_LIMIT} reads / {WINDOW:g} s",
            )
        )
        rows.append(row(f"sync.store_mb.{label}", retained / 1e6, "MB", repeats=1))
        rows.append(row(f"sync.store_peak_mb.{label}", peak / 1e6, "MB", repeats=1))
        del svc
        gc.collect()
    return rows
