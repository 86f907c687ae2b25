"""The sections of the benchmark suite, their sizes (full, ``--quick``) and targets.

Each section is a function returning rows (:mod:`tests.benchmarks.rows`). Sections:

- ``machine``: a speed yardstick of this machine at the time of the run;
- ``sync``: :mod:`tests.benchmarks.bench_sync` (requests, client CPU, sync time, store memory);
- ``table``: :mod:`tests.benchmarks.bench_table` (VirtualTable vs stock DataTable), with targets;
- ``app.cold_start``, ``app.load``, ``app.idle``: :mod:`tests.benchmarks.bench_app`;
- ``wall`` (only with ``--long`` or ``--only wall``): :mod:`tests.benchmarks.bench_wall`, the
  wall screen against the dashboard over minutes of steady state.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.benchmarks.rows import Row, row


@dataclass(frozen=True)
class Options:
    quick: bool = False
    long: bool = False


@dataclass(frozen=True)
class Section:
    name: str
    rows: tuple[str, ...]  # name prefixes of the rows it produces
    run: Callable[[Options], list[Row]]
    opt_in: bool = False  # runs only with --long or when --only names it


def machine(options: Options) -> list[Row]:
    """A 10-million-step Python loop (CPU ms, best of 3) and the load average: a busy or slow
    machine shows here first."""
    runs = 1 if options.quick else 3
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.process_time() - started)
    load1, load5, _ = os.getloadavg()
    return [
        row(
            "machine.yardstick",
            best * 1000,
            "ms",
            repeats=runs,
            cpus=os.cpu_count(),
            loadavg_1m=round(load1, 2),
            loadavg_5m=round(load5, 2),
            note=f"10M-step Python loop, best of {runs}; load average {load1:.2f} (1 min) at start",
        )
    ]


def sync(options: Options) -> list[Row]:
    from tests.benchmarks import bench_sync

    sizes = (1_000, 5_000) if options.quick else (1_000, 10_000, 100_000)
    return bench_sync.run(sizes, walks=1 if options.quick else 3)


# Targets of the table rows by metric (ms); metrics not listed are informational.
TABLE_TARGETS: dict[str, float] = {
    "first_frame": 100.0,
    "down_frame": 16.0,
    "pagedown_frame": 16.0,
    "sort": 150.0,
    "sort_cold": 150.0,
    "sort_cold_max": 150.0,
    "refresh_1pct": 150.0,
    "filter_keystroke": 50.0,
    "filter_keystroke_max": 50.0,
    "load_page_250_max": 50.0,
}
TABLE_NOTES: dict[str, str] = {
    "first_frame": "data ready -> first frame with rows (VirtualTable: view build + mount)",
    "sort": "sort by a recently used column + frame; sort_cold: first sort by a column "
    "(median of four; _max: the slowest column)",
    "refresh_1pct": "1 % of rows change (poll), applied and drawn",
    "filter_keystroke": "median keystroke of 'dental 0'; _max: the slowest of them",
    "filter_cold": "first keystroke before any search text was built (the app builds it "
    "in idle steps after mount)",
    "load_page_250": "view refresh per 250-device page while a sync delivers them",
    "view_build": "building the TableView from the store (part of first_frame)",
}


def table(options: Options) -> list[Row]:
    from tests.benchmarks import bench_table

    sizes: tuple[int, ...]
    if options.quick:
        sizes, measured_max, repeats = (1_000,), 1_000, 1
    else:
        sizes, measured_max, repeats = (10_000, 100_000), 10_000, 5
    out: list[Row] = []
    noted: set[str] = set()
    for r in bench_table.run(sizes, datatable_max=measured_max, repeats=repeats):
        _, metric, label = r["name"].split(".", 2)
        size = _size_of(label)
        extrapolated = r["baseline"] is not None and size > measured_max
        unit = "ms"
        extra: dict[str, Any] = {}
        if r["baseline"] is not None:
            extra["baseline_is"] = "stock Textual DataTable, same run"
        if extrapolated:
            scale = size // measured_max
            unit = f"ms (DataTable {measured_max // 1000}k x{scale})"
            extra["baseline_is"] = (
                f"stock DataTable capped at {measured_max:,} rows and scaled linearly x{scale} "
                "(a lower bound: its costs grow at least linearly); key-press frames copied"
            )
        note = TABLE_NOTES.get(metric) if metric not in noted else None
        noted.add(metric)
        out.append(
            row(
                r["name"],
                r["value"],
                unit,
                baseline=r["baseline"],
                ratio="speedup" if r["baseline"] is not None else None,
                target_max=TABLE_TARGETS.get(metric),
                target_unit="ms",
                repeats=repeats,
                note=note,
                **extra,
            )
        )
    return out


def _size_of(label: str) -> int:
    return int(label[:-1]) * 1000 if label.endswith("k") else int(label)


def app_cold_start(options: Options) -> list[Row]:
    from tests.benchmarks import bench_app

    # Eleven: a start varies by a fifth from one to the next on a shared machine.
    return bench_app.cold_start(1 if options.quick else 11)


def app_load(options: Options) -> list[Row]:
    from tests.benchmarks import bench_app

    return bench_app.load_100k(2_500 if options.quick else 100_000)


def app_idle(options: Options) -> list[Row]:
    from tests.benchmarks import bench_app

    if options.quick:
        rows = bench_app.idle(settle=2.0, seconds=3.0, demo=False, wall=False)
        for r in rows:  # a smoke run: the first seconds after start are not a steady state
            r["pass"] = None
            r["note"] = "--quick: 3 s right after the first sync, not a steady state; no verdict"
        return rows
    return bench_app.idle(settle=15.0, seconds=600.0 if options.long else 60.0)


def wall(options: Options) -> list[Row]:
    from tests.benchmarks import bench_wall

    return bench_wall.run(600.0 if options.long else 120.0)


SECTIONS: tuple[Section, ...] = (
    Section("machine", ("machine.",), machine),
    Section(
        "sync",
        ("sync.requests", "sync.client_cpu_per_page", "sync.time", "sync.store"),
        sync,
    ),
    Section("table", ("table.",), table),
    Section("app.cold_start", ("app.cold_start",), app_cold_start),
    Section("app.load", ("app.rss", "app.stall", "app.ready"), app_load),
    Section("app.idle", ("app.idle_cpu", "app.bytes_per_min"), app_idle),
    # The wall screen's own soak (tests/benchmarks/bench_wall.py: 2 min, 10 with --long).
    Section("wall", ("wall.",), wall, opt_in=True),
)
