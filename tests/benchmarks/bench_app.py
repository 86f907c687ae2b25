"""The whole application: cold start, memory and stalls at 100k devices, idle cost.

    python -m tests.benchmarks --only app

- ``app.cold_start``: ``datto-tui --demo`` started in a pty (200 x 50) until its first frame
  (the first frame written after the switch to the alternate screen), wall time
  from just before the process is spawned. One unmeasured run first (byte-code caches, page
  cache), then the median of ``starts`` runs; ``cpu_s`` is the child's own CPU time until that
  frame, which a busy machine inflates much less than the wall time.
- ``app.rss.100k`` / ``app.rss_peak.100k`` / ``app.stall_max.100k`` / ``app.ready.100k`` /
  ``app.table_first_frame.100k``: the dashboard loading a 100k-device account (1000 sites,
  3000 open alerts) headless in a process of its own (:mod:`tests.benchmarks.app_probe`), from
  a ``datto-tui fake-api`` in another process on loopback. RSS after the load and its peak; the
  longest event-loop stall while it loads (judged in CPU time of the loop's thread;
  ``stall_max_wall`` is the wall-clock lateness, which other processes inflate); seconds until
  the data is ready; milliseconds from the devices sync completing in the store to the first
  frame whose table holds them all.
- ``app.idle_cpu.<mode>`` / ``app.bytes_per_min.<mode>``: the real app in a pty, against the
  loopback fake (2500 devices, live simulation: alerts open and resolve), in dashboard and
  ``--wall`` mode (run side by side). After ``settle`` seconds (first sync done), CPU and bytes
  written to the terminal are counted over ``idle`` seconds (60 s; ``--long``: 600 s) and given
  as % of one core and bytes per minute. The ``.demo`` rows run ``--demo`` the same way: there
  the fake service runs inside the app's process, so its CPU is counted too.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET
from tests.benchmarks.ptyrun import PtyApp, drain, pump
from tests.benchmarks.rows import Row, row, size_label

ROOT = Path(__file__).resolve().parents[2]
# The first frame on the alternate screen: Textual starts every frame by moving the cursor home
# (the dashboard's header and device pane titles are checked too; the wall screen has neither).
FIRST_FRAME_MARKS = (b"\x1b[1;1H", b"datto-tui", b"Devices")
START_TIMEOUT = 60.0
# Byte code of the processes the suite starts (reused across runs; stale files are recompiled).
PYCACHE = Path(tempfile.gettempdir()) / "datto-tui-bench-pycache"


def _datto_tui() -> list[str]:
    return [sys.executable, "-m", "datto_tui"]


def _env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment: own HOME and XDG folders (no config, token cache or log of the
    user's), a 256-colour terminal, UTC. Byte code is cached (in :data:`PYCACHE`, not in the
    tree) as in any installed copy, even where the calling shell sets PYTHONDONTWRITEBYTECODE:
    compiling the project's modules from source would add about half a second to a start."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATTO_", "TEXTUAL", "XDG_"))
        and k not in ("NO_COLOR", "COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
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
        PYTHONPYCACHEPREFIX=str(PYCACHE),
    )
    env.update(extra or {})
    return env


@contextmanager
def fake_api(devices: int, sites: int, alerts: int, *, frozen: bool) -> Iterator[str]:
    """``datto-tui fake-api`` on a free loopback port, in its own process; yields its URL."""
    argv = [
        *_datto_tui(),
        "fake-api",
        "--port",
        "0",
        "--devices",
        str(devices),
        "--sites",
        str(sites),
        "--alerts",
        str(alerts),
    ]
    if frozen:
        argv.append("--frozen")
    with tempfile.TemporaryDirectory() as home:
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=_env(Path(home)),
            text=True,
        )
        try:
            assert proc.stdout is not None
            url = None
            deadline = time.monotonic() + 120
            while url is None and time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line:
                    break
                found = re.search(r"listening on (http://\S+)", line)
                if found:
                    url = found.group(1)
            if url is None:
                raise RuntimeError("the fake API did not start")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _has_first_frame(app: PtyApp) -> bool:
    return any(app.find_after_alt_screen(mark) for mark in FIRST_FRAME_MARKS)


def _wait_first_frame(app: PtyApp) -> tuple[float, float]:
    """(wall seconds since spawn, child CPU seconds) when the first frame appears."""
    _wait_first_frames([app])
    return time.perf_counter() - app.started, app.cpu()


def _wait_first_frames(apps: list[PtyApp]) -> None:
    """Read every app until each has drawn its first frame (all are read meanwhile)."""
    deadline = max(a.started for a in apps) + START_TIMEOUT
    while True:
        waiting = [a for a in apps if not _has_first_frame(a)]
        if not waiting:
            return
        gone = [a for a in waiting if a.closed]
        if gone or time.perf_counter() > deadline:
            tail = (gone or waiting)[0].head[-2000:].decode("utf-8", "replace")
            raise RuntimeError("no first frame: " + tail.replace("\x1b", "^["))
        pump(apps, 0.05)


def cold_start(starts: int) -> list[Row]:
    walls: list[float] = []
    cpus: list[float] = []
    first = (0.0, 0.0)
    with tempfile.TemporaryDirectory() as home:
        env = _env(Path(home))
        for i in range(starts + 1):
            app = PtyApp([*_datto_tui(), "--demo"], env, cwd=home)
            try:
                wall, cpu = _wait_first_frame(app)
            finally:
                app.stop()
            if i == 0:  # the first run only fills the byte-code and page caches
                first = (wall, cpu)
            else:
                walls.append(wall)
                cpus.append(cpu)
    return [
        row(
            "app.cold_start",
            statistics.median(walls),
            "s",
            target_max=1.0,
            repeats=starts,
            cpu_s=round(statistics.median(cpus), 3),
            runs_s=[round(w, 3) for w in walls],
            first_run_s=round(first[0], 3),
            first_run_cpu_s=round(first[1], 3),
            note="datto-tui --demo in a pty, spawn -> first frame on the alternate screen, "
            "byte code cached; cpu_s: the child's CPU until then; first_run_s: the unmeasured "
            "warm-up run (it compiles the byte code when the cache is cold)",
        )
    ]


def load_100k(devices: int) -> list[Row]:
    label = size_label(devices)
    sites = min(1000, max(3, devices // 100))
    alerts = min(3000, max(10, devices // 30))
    with (
        fake_api(devices, sites, alerts, frozen=True) as url,
        tempfile.TemporaryDirectory() as home,
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.app_probe", "--url", url],
            capture_output=True,
            text=True,
            env=_env(Path(home)),
            cwd=str(ROOT),
            timeout=400,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"app probe failed: {done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["devices"] != devices:
        raise RuntimeError(f"app probe loaded {result['devices']} devices, not {devices}")
    return [
        row(
            f"app.rss.{label}",
            result["rss_mb"],
            "MB",
            target_max=300.0,
            repeats=1,
            rss_before_app_mb=result["rss_before_mb"],
            note="headless dashboard, store + tables loaded from a loopback fake-api",
        ),
        row(f"app.rss_peak.{label}", result["rss_peak_mb"], "MB", target_max=300.0, repeats=1),
        row(
            f"app.table_first_frame.{label}",
            result["table_frame_after_data_ms"],
            "ms",
            target_max=100.0,
            repeats=1,
            note="data ready (the devices sync complete in the store) -> end of the first frame "
            "whose device table holds every device (the table follows the load page by page)",
        ),
        row(
            f"app.stall_max.{label}",
            result["stall_cpu_max_ms"],
            "ms",
            target_max=50.0,
            repeats=1,
            stalls_over_50ms=result["stalls_cpu_over_50ms"],
            p99_ms=result["stall_cpu_p99_ms"],
            ticks=result["ticks"],
            load_s=result["load_s"],
            from_app_start_ms=result["start_stall_cpu_max_ms"],
            note="longest event-loop stall while the devices load (sync start -> data ready): "
            "CPU time the loop's thread spent while a 5 ms sleep was pending",
        ),
        row(
            f"app.stall_max_wall.{label}",
            result["stall_max_ms"],
            "ms",
            repeats=1,
            stalls_over_16ms=result["stalls_over_16ms"],
            stalls_over_50ms=result["stalls_over_50ms"],
            stall_total_over_16ms_s=result["stall_total_over_16ms_s"],
            note="the same in wall-clock lateness of the 5 ms sleeps (other processes on a "
            "busy machine add to it)",
        ),
        row(
            f"app.ready.{label}",
            result["ready_s"],
            "s",
            repeats=1,
            cpu_s=result["ready_cpu_s"],
            note="start -> sites, alerts, devices, account polled and rendered (wall, client "
            "at full read share; includes the fake's serving time in its own process)",
        ),
    ]


def idle(settle: float, seconds: float, *, demo: bool = True, wall: bool = True) -> list[Row]:
    """Idle CPU and terminal bytes per minute: dashboard (and wall), loopback fake (and demo)."""
    rows: list[Row] = []
    with fake_api(2500, 40, 120, frozen=False) as url, tempfile.TemporaryDirectory() as home:
        credentials = {"DATTO_API_KEY": DEMO_API_KEY, "DATTO_API_SECRET": DEMO_API_SECRET}
        server_env = _env(Path(home), {"DATTO_API_URL": url, **credentials})
        demo_env = _env(Path(home))
        runs: list[tuple[str, list[str], dict[str, str]]] = [("dashboard", [], server_env)]
        if wall:
            runs.append(("wall", ["--wall"], server_env))
        if demo:
            runs.append(("demo.dashboard", ["--demo"], demo_env))
            if wall:
                runs.append(("demo.wall", ["--demo", "--wall"], demo_env))
        apps = [(name, PtyApp([*_datto_tui(), *args], env, cwd=home)) for name, args, env in runs]
        try:
            _wait_first_frames([a for _, a in apps])
            drain([a for _, a in apps], settle)
            cpu0 = {name: app.cpu() for name, app in apps}
            bytes0 = {name: app.bytes for name, app in apps}
            started = time.perf_counter()
            drain([a for _, a in apps], seconds)
            elapsed = time.perf_counter() - started
            for name, app in apps:
                if app.closed:
                    raise RuntimeError(f"{name} exited while idle: {app.head[-500:]!r}")
                cpu = (app.cpu() - cpu0[name]) / elapsed * 100
                per_min = (app.bytes - bytes0[name]) / elapsed * 60
                in_demo = name.startswith("demo")
                rows.append(
                    row(
                        f"app.idle_cpu.{name}",
                        cpu,
                        "% of a core",
                        target_max=None if in_demo else 1.0,
                        repeats=1,
                        seconds=round(elapsed, 1),
                        note="the in-process fake's CPU included (informational)"
                        if name == "demo.dashboard"
                        else None,
                    )
                )
                rows.append(
                    row(
                        f"app.bytes_per_min.{name}",
                        per_min,
                        "bytes/min",
                        repeats=1,
                        seconds=round(elapsed, 1),
                    )
                )
        finally:
            for _, app in apps:
                app.stop()
    return rows


def run(
    *, starts: int = 11, devices: int = 100_000, settle: float = 15.0, idle_seconds: float = 60.0
) -> list[Row]:
    rows = cold_start(starts)
    rows += load_100k(devices)
    rows += idle(settle, idle_seconds)
    return rows
