"""Benchmark of the fake service at scale (not collected by pytest).

    /work/venv/bin/python tests/benchmarks/bench_fake.py [--devices 100000] [--sites 1000]

Prints: generation time, memory of the generated world (tracemalloc, measured in a second run
because tracing slows generation down), per-page serve time of ``/v2/account/devices`` over the
in-process ASGI transport, a full paging of every device, a filtered query (first and cached
page), alert pages and lazy simulation catch-up over one hour and one day.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
import tracemalloc

import httpx

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FakeConfig, FakeService


def _config(args: argparse.Namespace) -> FakeConfig:
    return FakeConfig(
        seed=7,
        sites=args.sites,
        devices=args.devices,
        alerts=args.alerts,
        read_limit=10**9,  # measure the service, not its rate limiter
        throttle_delay=0.0,
    )


def measure_generation(args: argparse.Namespace) -> FakeService:
    gc.collect()
    started = time.perf_counter()
    svc = FakeService(_config(args), clock=FakeClock())
    elapsed = time.perf_counter() - started
    world = svc.world
    print(
        f"generate: {elapsed:.2f} s for {len(world.device_list):,} devices, "
        f"{len(world.site_list):,} sites, {len(world.open_alerts):,} open and "
        f"{len(world.resolved_alerts):,} resolved alerts, {len(world.activities):,} activities"
    )
    return svc


def measure_memory(args: argparse.Namespace) -> None:
    gc.collect()
    tracemalloc.start()
    svc = FakeService(_config(args), clock=FakeClock())
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_device = current / max(1, len(svc.world.device_list))
    print(
        f"memory: {current / 1e6:.1f} MB retained ({per_device:.0f} B per device), "
        f"peak {peak / 1e6:.1f} MB"
    )


async def measure_serving(svc: FakeService) -> None:
    clock = svc.clock
    assert isinstance(clock, FakeClock)
    transport = httpx.ASGITransport(app=svc.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake.localhost") as http:
        http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
        times: list[float] = []
        url: str | None = "/api/v2/account/devices?max=250"
        count = 0
        started = time.perf_counter()
        while url:
            t = time.perf_counter()
            response = await http.get(url)
            times.append(time.perf_counter() - t)
            body = response.json()
            count += len(body["devices"])
            url = body["pageDetails"]["nextPageUrl"]
        total = time.perf_counter() - started
        print(
            f"devices: {count:,} in {len(times)} pages, {total:.2f} s "
            f"(serve per page: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms, incl. client-side JSON decode in the total)"
        )
        t = time.perf_counter()
        first = await http.get("/api/v2/account/devices", params={"hostname": "-srv-"})
        cold = time.perf_counter() - t
        t = time.perf_counter()
        await http.get("/api/v2/account/devices?page=1&max=250&hostname=-srv-")
        warm = time.perf_counter() - t
        matches = first.json()["pageDetails"]["totalCount"]
        print(
            f"filter hostname=-srv-: {matches:,} matches, first page {cold * 1000:.1f} ms, "
            f"next page (cached query) {warm * 1000:.1f} ms"
        )
        t = time.perf_counter()
        alerts = await http.get("/api/v2/account/alerts/open")
        print(
            f"alerts/open first page: {(time.perf_counter() - t) * 1000:.1f} ms "
            f"({alerts.json()['pageDetails']['totalCount']:,} open)"
        )
        for label, seconds in (("1 hour", 3600.0), ("1 day", 86_400.0)):
            clock.advance(seconds)
            t = time.perf_counter()
            svc.world.sync()
            print(f"simulate {label}: {(time.perf_counter() - t) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--alerts", type=int, default=3000)
    args = parser.parse_args()
    svc = measure_generation(args)
    asyncio.run(measure_serving(svc))
    del svc
    measure_memory(args)


if __name__ == "__main__":
    main()
