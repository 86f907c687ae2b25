"""The dashboard loading a big account, headless, in a process of its own (for the app bench).

    python -m tests.benchmarks.app_probe --url http://127.0.0.1:PORT [--profile out.prof]

Runs ``DattoApp`` under ``run_test(size=(200, 50))`` against the fake service at ``--url`` (a
``datto-tui fake-api`` on loopback, in another process, so the fake's own work never lands on
this event loop or in this process's memory). The client gets the whole read budget
(``read_share=1.0``: 540 background reads a minute) so a 100k-device account (about 420 reads)
loads without waiting for the budget window.

Prints one JSON object: seconds from the app's start to "data ready" (sites, alerts, devices and
the account polled once and rendered), the milliseconds from the devices sync completing in the
store to the end of the first frame whose device table holds every device, RSS before the app
and after the load (and the peak), and the event loop's stalls during the load. A stall is
measured by a task that sleeps 5 ms over and over: how much later than asked each sleep returns
is the time something else held the loop (the longest, how many over 16 ms and over 50 ms, and
the total beyond 16 ms). The same is measured in CPU time of the loop's thread
(``time.thread_time`` across each sleep): the work that held the loop, without the time other
processes took the CPU away (a busy machine inflates the wall-clock figure, not this one)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
import os
import time
from typing import Any, cast

from datto_tui.api.client import DattoClient
from datto_tui.config import Profile
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET
from datto_tui.tui.memory import freeze_startup, tune_allocator
from tests.benchmarks.ptyrun import rss_mb

TICK = 0.005


class StallMonitor:
    """Measures how late 5 ms sleeps return on the running loop (see the module docstring).

    Each tick is kept as (end time, wall lateness, CPU held), so a summary can cover a window.
    """

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        wall, cpu = time.perf_counter, time.thread_time
        while True:
            asked, cpu_asked = wall(), cpu()
            await asyncio.sleep(TICK)
            ended = wall()
            self.ticks.append((ended, ended - asked - TICK, cpu() - cpu_asked))

    def summary(self, since: float = 0.0, prefix: str = "") -> dict[str, Any]:
        """Stalls of the ticks that ended after ``since`` (a ``perf_counter`` time)."""
        window = [t for t in self.ticks if t[0] >= since] or [(0.0, 0.0, 0.0)]
        late = [t[1] for t in window]
        held = [t[2] for t in window]
        return {
            f"{prefix}stall_max_ms": round(max(late) * 1000, 2),
            f"{prefix}stall_cpu_max_ms": round(max(held) * 1000, 2),
            f"{prefix}stall_cpu_p99_ms": round(_percentile(held, 0.99) * 1000, 2),
            f"{prefix}stalls_over_16ms": sum(1 for x in late if x > 0.016),
            f"{prefix}stalls_over_50ms": sum(1 for x in late if x > 0.050),
            f"{prefix}stalls_cpu_over_50ms": sum(1 for x in held if x > 0.050),
            f"{prefix}stall_total_over_16ms_s": round(sum(x for x in late if x > 0.016), 3),
            f"{prefix}ticks": len(window),
        }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def probe(url: str) -> dict[str, Any]:
    """Start the dashboard on ``url``, wait until its data is ready; see the module docstring.

    Stalls are summarised over the device load (from the devices sync's start to data ready)
    and, with the ``start_`` prefix, from the app's start (its first frames included)."""
    from textual.screen import Screen

    from datto_tui.monitor.events import Resource
    from datto_tui.tui.app import DattoApp  # imported here: the import is not part of the load

    gc.collect()
    rss_before, _ = rss_mb(os.getpid())
    client = DattoClient(
        url, api_key=DEMO_API_KEY, api_secret=DEMO_API_SECRET, token_cache=None, read_share=1.0
    )
    profile = Profile(name="bench", api_url=url, read_share=1.0)
    app = DattoApp(client, profile=profile)
    # When the devices sync starts (the store's own method, wrapped on this instance only).
    load_started: list[float] = []
    begin_sync = app.store.begin_sync

    def begin(kind: Resource) -> Any:
        if kind is Resource.DEVICES and not load_started:
            load_started.append(time.perf_counter())
        return begin_sync(kind)

    app.store.begin_sync = begin  # type: ignore[method-assign]
    # Data ready (the devices sync complete in the store) -> the first frame whose device
    # table holds every device.
    synced: list[float] = []
    shown_at: list[float] = []
    end_sync = app.store.end_sync

    def end(kind: Resource, complete: bool) -> Any:
        events = end_sync(kind, complete)
        if kind is Resource.DEVICES and complete and not synced:
            synced.append(time.perf_counter())
        return events

    app.store.end_sync = end  # type: ignore[method-assign]
    compositor_refresh = Screen._compositor_refresh

    def frame(screen: Screen[Any]) -> None:
        compositor_refresh(screen)
        if synced and not shown_at and screen is app.screen:
            view = app.main_screen.devices_view
            if view.total == len(app.store.devices):
                shown_at.append(time.perf_counter())

    cast(Any, Screen)._compositor_refresh = frame
    freeze_startup()  # as datto_tui.tui.terminal.run_app does before the app runs
    tune_allocator()
    monitor = StallMonitor()
    started = time.perf_counter()
    cpu_started = time.process_time()
    async with app.run_test(size=(200, 50)) as pilot:
        monitor.start()
        await app.data_ready()
        ready = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        await monitor.stop()
        await pilot.pause()
        devices = len(app.store.devices)
        gc.collect()
        rss_after, peak = rss_mb(os.getpid())
        shown = len(app.main_screen.devices_view)  # what the device table holds
    return {
        "devices": devices,
        "shown": shown,
        "ready_s": round(ready, 3),
        "ready_cpu_s": round(cpu, 3),
        "load_s": round(time.perf_counter() - load_started[0], 3) if load_started else None,
        "table_frame_after_data_ms": (
            round((shown_at[0] - synced[0]) * 1000, 1) if synced and shown_at else None
        ),
        "rss_before_mb": round(rss_before, 1),
        "rss_mb": round(rss_after, 1),
        "rss_peak_mb": round(peak, 1),
        **monitor.summary(load_started[0] if load_started else 0.0),
        **monitor.summary(0.0, prefix="start_"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--profile", help="write a cProfile of the run here")
    args = parser.parse_args()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        result = asyncio.run(probe(args.url))
        profiler.disable()
        profiler.dump_stats(args.profile)
    else:
        result = asyncio.run(probe(args.url))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
