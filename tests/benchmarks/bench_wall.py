"""The wall screen's running cost next to the dashboard's: CPU, terminal bytes, memory.

    python -m tests.benchmarks.bench_wall [--duration SECONDS] [--out FILE]

``run(duration_s)`` starts ``datto-tui --demo --wall`` and ``datto-tui --demo`` side by side,
each in its own pseudo-terminal of 200 x 60 (``TERM=xterm-256color``, clean HOME and XDG
folders, UTC), reads everything each writes to its terminal, and samples its CPU time
(``/proc/<pid>/stat``) and RSS (``/proc/<pid>/status``). The demo runs the fake service inside
the app's process, with its live simulation (alerts open and resolve, devices go offline), so
the figures include the fake's own work.

The first minute (start, first syncs) is left out of the steady state; the rest is cut into
30-second windows (one alert poll each). Rows, for ``wall`` and for ``dashboard`` (the
dashboard's figure is the wall row's ``baseline``; ``ratio`` = wall / dashboard):

- ``wall.cpu.<app>``: median CPU over the windows, % of one core (target for the wall: < 1 %);
- ``wall.bytes_per_min.<app>``: median bytes written to the terminal per minute (wall target:
  < 30 KB/min);
- ``wall.rss_growth.<app>``: RSS at the end against RSS after the first minute, in % (target:
  < 5 %); ``rss_mb`` holds both figures.

Extra keys: ``windows`` (how many), ``mean`` and ``max`` of the windows, ``seconds`` measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from tests.benchmarks.ptyrun import PtyApp, drain, pump, rss_mb

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, LINES = 200, 60
WARMUP = 60.0
WINDOW = 30.0
START_TIMEOUT = 30.0
FIRST_FRAME_MARK = b"Northwind"  # the demo account's name: drawn once data arrived

Row = dict[str, Any]


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATTO_", "TEXTUAL", "XDG_"))
        and k not in ("NO_COLOR", "COLUMNS", "LINES")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        TERM="xterm-256color",
        COLORTERM="",
        TZ="UTC",
        PYTHONPATH=str(ROOT),
    )
    return env


@dataclass
class Probe:
    """One app under measurement and its samples: (elapsed s, cpu s, bytes, rss MB)."""

    name: str
    app: PtyApp
    samples: list[tuple[float, float, int, float]] = field(default_factory=list)

    def sample(self, started: float) -> None:
        self.samples.append(
            (time.perf_counter() - started, self.app.cpu(), self.app.bytes, rss_mb(self.app.pid)[0])
        )


def _wait_first_frame(apps: list[PtyApp]) -> None:
    deadline = time.perf_counter() + START_TIMEOUT
    pending = list(apps)
    while pending and time.perf_counter() < deadline:
        pump(pending, 0.1)
        pending = [a for a in pending if not a.find_after_alt_screen(FIRST_FRAME_MARK)]
        for app in pending:
            if app.closed:
                raise RuntimeError(f"exited before its first frame: {app.head[-800:]!r}")
    if pending:
        raise RuntimeError("no first frame within the timeout")


def _windows(samples: list[tuple[float, float, int, float]]) -> tuple[list[float], list[float]]:
    """Per window after the warm-up: (CPU % of a core, bytes per minute)."""
    cpu: list[float] = []
    rate: list[float] = []
    for (t0, c0, b0, _), (t1, c1, b1, _) in pairwise(samples):
        if t0 < WARMUP - 1 or t1 <= t0:
            continue
        cpu.append((c1 - c0) / (t1 - t0) * 100)
        rate.append((b1 - b0) / (t1 - t0) * 60)
    return cpu, rate


def _row(
    name: str,
    values: list[float],
    unit: str,
    baseline: list[float] | None,
    target: float | None,
    **extra: Any,
) -> Row:
    value = statistics.median(values) if values else None
    base = statistics.median(baseline) if baseline else None
    ratio = value / base if value is not None and base else None
    out: Row = {
        "name": name,
        "value": None if value is None else round(value, 3),
        "unit": unit,
        "baseline": None if base is None else round(base, 3),
        "ratio": None if ratio is None else round(ratio, 3),
        "target": None if target is None else f"< {target:g} {unit}",
        "pass": None if target is None or value is None else value < target,
        "windows": len(values),
    }
    if values:
        out["mean"] = round(statistics.fmean(values), 3)
        out["max"] = round(max(values), 3)
    out.update(extra)
    return out


def run(duration_s: float = 120.0, *, command: list[str] | None = None) -> list[Row]:
    """Measure for ``duration_s`` seconds (at least 90: one minute of warm-up, then windows)."""
    duration = max(duration_s, WARMUP + WINDOW)
    base = command or [sys.executable, "-m", "datto_tui", "--demo"]
    runs = {"wall": [*base, "--wall"], "dashboard": base}
    with tempfile.TemporaryDirectory() as home:
        env = _env(Path(home))
        probes = [
            Probe(name, PtyApp(argv, env, columns=COLUMNS, lines=LINES, cwd=home))
            for name, argv in runs.items()
        ]
        try:
            _wait_first_frame([p.app for p in probes])
            started = time.perf_counter()
            for probe in probes:
                probe.sample(started)
            while (elapsed := time.perf_counter() - started) < duration:
                drain([p.app for p in probes], min(WINDOW, duration - elapsed))
                for probe in probes:
                    if probe.app.closed:
                        raise RuntimeError(f"{probe.name} exited: {probe.app.head[-800:]!r}")
                    probe.sample(started)
            exit_codes = {p.name: p.app.stop() for p in probes}
        finally:
            for probe in probes:
                probe.app.stop()
    results: dict[str, dict[str, Any]] = {}
    for probe in probes:
        cpu, rate = _windows(probe.samples)
        after_warmup = [s for s in probe.samples if s[0] >= WARMUP - 1]
        rss_start = after_warmup[0][3] if after_warmup else probe.samples[0][3]
        rss_end = probe.samples[-1][3]
        results[probe.name] = {
            "cpu": cpu,
            "rate": rate,
            "growth": [(rss_end - rss_start) / rss_start * 100 if rss_start else 0.0],
            "rss": (round(rss_start, 1), round(rss_end, 1)),
            "seconds": round(probe.samples[-1][0] - WARMUP, 1),
        }
    rows: list[Row] = []
    for name in ("wall", "dashboard"):
        r = results[name]
        other = results["dashboard"] if name == "wall" else None
        wall = name == "wall"
        rows.append(
            _row(
                f"wall.cpu.{name}",
                r["cpu"],
                "% of a core",
                other["cpu"] if other else None,
                1.0 if wall else None,
                seconds=r["seconds"],
                note="demo: the in-process fake's CPU is included",
            )
        )
        rows.append(
            _row(
                f"wall.bytes_per_min.{name}",
                r["rate"],
                "bytes/min",
                other["rate"] if other else None,
                30_000.0 if wall else None,
                seconds=r["seconds"],
            )
        )
        rows.append(
            _row(
                f"wall.rss_growth.{name}",
                r["growth"],
                "%",
                other["growth"] if other else None,
                5.0 if wall else None,
                rss_mb=r["rss"],
                exit_code=exit_codes.get(name),
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_wall")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = run(args.duration)
    for r in rows:
        print(
            f"{r['name']:<28} {r['value']!s:>10} {r['unit']:<12} baseline {r['baseline']!s:>10}"
            f"  ratio {r['ratio']!s:>6}  {r.get('target') or ''} {r.get('pass', '')}"
        )
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
