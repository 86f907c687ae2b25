"""How long one filter keystroke takes on 100,000 devices, key press to rendered frame.

    python -m tests.triage.bench_filter [--devices 100000] [--size 200x50]

The dashboard runs headless (``run_test``) with the poller held (no network); the store is
loaded with ``--devices`` synthetic devices the way a sync applies them (pages of 250, so the
tables follow their events), then the search text is warmed as the idle table does. Then a
realistic filter is typed key by key into ``/``, with an edit back and an inversion:

- ``apply``: the filter work of one keystroke (parse, narrow or re-filter 100k rows, the table
  following its cursor), measured inside the handler;
- ``frame``: from the key event leaving the driver until the compositor has written the next
  frame after the filter was applied (what the operator waits for).

Prints one line per keystroke and the median, 95th percentile and maximum.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from textual import events

from datto_tui.monitor.events import Resource
from tests.table.synth import make_devices
from tests.triage.support import main_of, make_rig

KEYS = [*"site:acme", "backspace", "backspace", *"me d", *"ental", "home", "!", "end", *" win"]
PACE = 0.25  # seconds between keys


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(devices: int, size: tuple[int, int]) -> dict[str, Any]:
    rig = make_rig(devices=40, alerts=5)
    rig.transport.hold = lambda request: "/api/v2/account/devices" in request.url.path
    app = rig.app
    async with app.run_test(size=size) as pilot:
        await app.poller.wait_cycles(Resource.ALERTS, 1)
        await rig.transport.held.wait()
        store = app.store
        synthetic = list(make_devices(devices, sites=1000).values())
        store.begin_sync(Resource.DEVICES)
        for start in range(0, len(synthetic), 250):
            store.apply_page(Resource.DEVICES, synthetic[start : start + 250], len(synthetic))
        store.end_sync(Resource.DEVICES, True)
        main = main_of(rig)
        await main.settled()  # type: ignore[attr-defined]
        await pilot.pause()
        view = main.devices_view
        assert len(view) == devices, len(view)
        while view.warm_search(5000):  # what the idle table does in small steps
            pass
        for column in ("online", "alerts", "site", "hostname", "os", "type"):
            while view.warm_column(column, 5000):  # what the idle screen does in small steps
                pass
        await pilot.press("slash")
        await pilot.pause()

        applied: list[tuple[float, float, float]] = []  # (wall s, cpu s, finished at)
        displays: list[float] = []
        original_set = main.set_table_filter

        def timed_set(name: Any, value: Any) -> None:
            t0, c0 = time.perf_counter(), time.thread_time()
            original_set(name, value)
            t1 = time.perf_counter()
            applied.append((t1 - t0, time.thread_time() - c0, t1))

        main.set_table_filter = timed_set  # type: ignore[method-assign]
        original_display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            original_display(screen, renderable)
            displays.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        driver = app._driver
        assert driver is not None
        rows: list[tuple[str, float, float, float, int]] = []
        for key in KEYS:
            before = len(applied)
            char = key if len(key) == 1 else None
            name = {" ": "space", "!": "exclamation_mark", ":": "colon"}.get(key, key)
            t0 = time.perf_counter()
            driver.send_message(events.Key(name, char))
            await asyncio.sleep(PACE)  # the operator's pace; every frame of the key is drawn
            if len(applied) == before:  # a cursor move: no filter work
                continue
            wall, cpu, done = applied[-1]
            # The key's result is on screen with the last frame drawn for it (the input line
            # may have been drawn before the filter ran: then the filter's end counts).
            drawn = [d for d in displays if t0 <= d <= t0 + PACE * 0.8]
            frame = max([done, *drawn]) - t0
            rows.append((key, wall, cpu, frame, len(view)))
        text = main.table_filters["devices"].text
    return {
        "devices": devices,
        "final_filter": text,
        "rows": rows,
        "apply_ms": [r[1] * 1000 for r in rows],
        "apply_cpu_ms": [r[2] * 1000 for r in rows],
        "frame_ms": [r[3] * 1000 for r in rows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--size", default="200x50")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    result = asyncio.run(run(args.devices, (width, height)))
    print(f"{result['devices']:,} devices, filter typed: {result['final_filter']!r}")
    print(f"{'key':>10} {'apply ms':>9} {'cpu ms':>7} {'frame ms':>9} {'rows':>8}")
    for key, apply_s, cpu_s, frame_s, shown in result["rows"]:
        print(
            f"{key!r:>10} {apply_s * 1000:9.1f} {cpu_s * 1000:7.1f} {frame_s * 1000:9.1f}"
            f" {shown:8,}"
        )
    for name in ("apply_ms", "apply_cpu_ms", "frame_ms"):
        values = result[name]
        print(
            f"{name:>9}: median {statistics.median(values):.1f}  "
            f"p95 {_percentile(values, 0.95):.1f}  max {max(values):.1f}"
        )


if __name__ == "__main__":
    main()
