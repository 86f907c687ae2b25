"""Store apply timings at account scale (not a test; run it by hand).

    python tests/monitor/bench_store.py [devices] [sites]

Builds ``devices`` parsed devices over ``sites`` sites, then times, per 250-item page:
the first sync (every device added), a steady-state sync (every device re-read and equal), a
sync where 1 % of devices changed; then the end of a complete sync (the removal scan) with a few
devices gone, and the store's own memory beyond the records themselves.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

from datto_tui.api.models import Device
from datto_tui.clock import FakeClock
from datto_tui.monitor.events import Resource
from datto_tui.monitor.store import Store

PAGE = 250


def wire_device(i: int, sites: int, *, online: bool = True, note: str = "") -> dict[str, Any]:
    return {
        "id": i,
        "uid": f"dev-{i:08d}",
        "siteId": i % sites,
        "siteUid": f"site-{i % sites:05d}",
        "siteName": f"Site {i % sites}",
        "hostname": f"HOST-{i:06d}",
        "description": note,
        "deviceType": {"category": "Desktop", "type": "Desktop"},
        "deviceClass": "device",
        "intIpAddress": f"10.{i % 250}.{i % 200}.{i % 100}",
        "operatingSystem": "Microsoft Windows 11 Pro 10.0.22631",
        "online": online,
        "lastSeen": 1_780_000_000_000 + i,
        "patchManagement": {"patchStatus": "FullyPatched", "patchesInstalled": 40},
        "antivirus": {"antivirusProduct": "Defender", "antivirusStatus": "RunningAndUpToDate"},
        "udf": {"udf1": "x", "udf2": str(i)},
    }


def pages_of(devices: Sequence[Device]) -> list[Sequence[Device]]:
    return [devices[i : i + PAGE] for i in range(0, len(devices), PAGE)]


def timed_sync(
    store: Store, pages: list[Sequence[Device]], total: int, end: bool = True
) -> tuple[list[float], float]:
    store.begin_sync(Resource.DEVICES)
    per_page: list[float] = []
    for page in pages:
        t0 = time.perf_counter()
        store.apply_page(Resource.DEVICES, page, total=total)
        per_page.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    if end:
        store.end_sync(Resource.DEVICES, True)
    return per_page, time.perf_counter() - t0


def report(name: str, per_page: list[float], end: float) -> None:
    ms = [t * 1000 for t in per_page]
    print(
        f"{name:<28} page median {statistics.median(ms):6.3f} ms  p99 "
        f"{sorted(ms)[int(len(ms) * 0.99) - 1]:6.3f} ms  max {max(ms):6.3f} ms  "
        f"end_sync {end * 1000:7.3f} ms"
    )


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 100_000
    sites = int(argv[2]) if len(argv) > 2 else 1_000
    make: Callable[..., list[Device]] = lambda **kw: [  # noqa: E731
        Device.from_api(wire_device(i, sites, **kw)) for i in range(n)
    ]
    first = make()
    gc.collect()
    store = Store(clock=FakeClock())
    report("first sync (all added)", *timed_sync(store, pages_of(first), n))

    # Memory, measured apart (tracemalloc slows everything down).
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    probe = Store(clock=FakeClock())
    timed_sync(probe, pages_of(first), n)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    overhead = sum(s.size_diff for s in after.compare_to(before, "filename"))
    print(f"store overhead beyond the records: {overhead / 1e6:.1f} MB for {n} devices")
    del probe

    equal = make()
    report("steady sync (all equal)", *timed_sync(store, pages_of(equal), n))

    changed = [
        Device.from_api(wire_device(i, sites, online=i % 100 != 0)) if i % 100 == 0 else d
        for i, d in enumerate(make())
    ]
    report("1% changed (went offline)", *timed_sync(store, pages_of(changed), n))

    gone = [d for i, d in enumerate(make()) if i % 10_000 != 5]
    report(f"{n - len(gone)} removed at the end", *timed_sync(store, pages_of(gone), len(gone)))

    # The end of a complete sync, with the sync's seen-set at full size, measured alone.
    times = []
    for _ in range(5):
        store.begin_sync(Resource.DEVICES)
        for page in pages_of(gone):
            store.apply_page(Resource.DEVICES, page)
        t0 = time.perf_counter()
        store.end_sync(Resource.DEVICES, True)
        times.append(time.perf_counter() - t0)
    median_ms, max_ms = statistics.median(times) * 1000, max(times) * 1000
    print(
        f"end_sync(complete) at {len(gone)} devices: median {median_ms:.3f} ms, max {max_ms:.3f} ms"
    )


if __name__ == "__main__":
    main(sys.argv)
