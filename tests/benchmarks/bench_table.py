"""The device table at 10k and 100k rows: VirtualTable against Textual's stock DataTable.

    /work/venv/bin/python tests/benchmarks/bench_table.py [--sizes 10000 100000]
        [--datatable-max 10000] [--json out.json]

Headless (``run_test(size=(200, 50))``), synthetic devices (``tests/table/synth.py``), one process.
Times are CPU time of the UI thread (``time.thread_time``), so a busy machine does not inflate
them; the devices are ``gc.freeze()``-d once built, so a full garbage collection over 100k
records (about 90 ms, an application-level concern) does not land in a random measurement.
Frame cost is the time spent in ``Screen._compositor_refresh`` (wrapped), summed over the frames a
key press causes. Operations (sort, refresh, filter) are measured as CPU work: the call, plus the
frames it causes, plus work the widget defers to idle time (DataTable's measuring pass); the
wait for the next refresh tick is left out. Every figure is the median of several runs.
Measured for both widgets:

- ``first_frame``: from the data (a dict of devices) to the end of the first frame showing rows.
  VirtualTable: building the TableView + mounting the table. DataTable: adding the rows (cells
  pre-computed, not timed, which favours DataTable) until its deferred measuring pass has run.
- ``down_frame`` / ``pagedown_frame``: compositor time per Down / PageDown press.
- ``sort``: sort by a column and draw it (VirtualTable: flipping between recently used columns,
  whose sort keys stay cached; ``sort_cold`` is a column sorted for the first time: the median
  over four common ones, and ``sort_cold_max`` the slowest over every column).
- ``refresh_1pct``: 1 % of the rows change (site and last seen), applied and drawn.
  DataTable: ``update_cell`` on the two changed cells of each row inside ``batch_update``.
- ``load_page_250`` (VirtualTable only): the view refresh for one 250-device page while 10k or
  100k devices arrive page by page, as a sync delivers them (median and max over all pages).
- ``filter_keystroke``: one character typed into a filter, applied and drawn (VirtualTable:
  median over typing ``dental 0``, search text warmed; ``filter_cold`` is the first keystroke on a
  view whose search text was never built). DataTable has no filter: ``clear`` + ``add_rows`` of
  the matching rows, which is what an app would have to do.

DataTable is measured only up to ``--datatable-max`` rows (its first frame takes about 30 s at
100k); above that its figures are extrapolated linearly from the largest measured size (frame
costs of key presses are size-independent and copied). ``run()`` returns rows
``{"name", "value", "unit", "baseline", "ratio"}`` (baseline: DataTable; ratio: baseline/value).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from datto_tui.api.models import Device
from datto_tui.clock import FakeClock
from datto_tui.monitor.view import DEVICE_COLUMNS, TableView, device_view
from datto_tui.tui.widgets.virtual_table import VirtualTable
from tests.table.synth import EPOCH, make_devices

# CPU time of the UI thread: other processes on the machine do not inflate it.
_now = time.thread_time

SIZE = (200, 50)
TYPED = "dental 0"
SORT_COLUMNS = ("site", "os", "last_seen", "hostname")
WARM_SORTS = ("os", "hostname", "os", "hostname")  # both still cached after SORT_COLUMNS
DT_COLUMNS = tuple(c for c in DEVICE_COLUMNS if c.key != "alerts")


class _Frames:
    """Wraps the compositor refresh to time every frame."""

    def __init__(self) -> None:
        self.log: list[tuple[float, float]] = []  # (end time, duration)
        self._original = Screen._compositor_refresh

    def install(self) -> None:
        original = self._original
        log = self.log

        def timed(screen: Screen[Any]) -> None:
            started = _now()
            original(screen)
            ended = _now()
            log.append((ended, ended - started))

        cast(Any, Screen)._compositor_refresh = timed

    def uninstall(self) -> None:
        cast(Any, Screen)._compositor_refresh = self._original

    def mark(self) -> int:
        return len(self.log)

    def cost_since(self, mark: int) -> float:
        return sum(d for _, d in self.log[mark:])

    def first_end_after(self, mark: int, when: float) -> float | None:
        ends = [end for end, _ in self.log[mark:] if end >= when]
        return ends[0] if ends else None


class _Host(App[None]):
    CSS = "#box { height: 1fr; } VirtualTable, DataTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Vertical(id="box")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _settle(pilot: Pilot[None]) -> None:
    """Let every frame the last action caused happen (frames are paced by a timer)."""
    await pilot.pause()
    await asyncio.sleep(0.05)
    await pilot.pause()


async def _press_cost(pilot: Pilot[None], frames: _Frames, key: str, times: int) -> float:
    costs = []
    for _ in range(times):
        mark = frames.mark()
        await pilot.press(key)
        await _settle(pilot)
        costs.append(frames.cost_since(mark))
    return statistics.median(costs)


async def _work(
    pilot: Pilot[None],
    frames: _Frames,
    action: Callable[[], Awaitable[None] | None],
    deferred: list[float] | None = None,
    *,
    wait_deferred: bool = False,
) -> float:
    """CPU time of ``action``: the call, the frames it causes, and work it deferred to idle
    time (``deferred`` collects such durations, e.g. DataTable's measuring pass)."""
    mark = frames.mark()
    deferred_mark = len(deferred) if deferred is not None else 0
    started = _now()
    result = action()
    if result is not None:
        await result
    called = _now() - started
    await _settle(pilot)
    while wait_deferred and deferred is not None and len(deferred) == deferred_mark:
        await pilot.pause()
    await _settle(pilot)
    later = sum(deferred[deferred_mark:]) if deferred is not None else 0.0
    return called + frames.cost_since(mark) + later


def _changed_copy(devices: dict[str, Device], fraction: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    uids = rng.sample(list(devices), max(1, int(len(devices) * fraction)))
    sites = [d.site_name for d in list(devices.values())[:500]]
    for uid in uids:
        devices[uid] = dataclasses.replace(
            devices[uid], site_name=rng.choice(sites), last_seen=EPOCH
        )
    return uids


async def measure_virtual(
    devices: dict[str, Device], repeats: int, verbose_keystrokes: bool = False
) -> dict[str, float]:
    results: dict[str, float] = {}
    frames = _Frames()
    clock = FakeClock(EPOCH.timestamp())
    app = _Host()
    frames.install()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            rendered: list[float] = []
            original_render_line = VirtualTable.render_line

            def render_line(table: VirtualTable[Any], y: int) -> Any:
                if y > 0 and not rendered:
                    rendered.append(_now())
                return original_render_line(table, y)

            cast(Any, VirtualTable).render_line = render_line
            mark = frames.mark()
            started = _now()
            view: TableView[Device] = device_view(devices, clock=clock)
            built = _now()
            table = VirtualTable(view, clock=clock)
            await app.query_one("#box").mount(table)
            table.focus()
            await _settle(pilot)
            cast(Any, VirtualTable).render_line = original_render_line
            end = frames.first_end_after(mark, rendered[0]) if rendered else None
            results["view_build"] = built - started
            results["first_frame"] = (end or _now()) - started

            results["down_frame"] = await _press_cost(pilot, frames, "down", repeats * 2)
            results["pagedown_frame"] = await _press_cost(pilot, frames, "pagedown", repeats * 2)

            def sort_by(column: str) -> Callable[[], None]:
                def action() -> None:
                    view.set_sort(column)
                    table.refresh_view()

                return action

            cold = [await _work(pilot, frames, sort_by(c)) for c in SORT_COLUMNS]
            # Flipping between recently used columns: their sort keys are cached.
            warm = [await _work(pilot, frames, sort_by(c)) for c in WARM_SORTS]
            results["sort_cold"] = statistics.median(cold)
            results["sort"] = statistics.median(warm)
            # Every other column sorted for the first time too: the slowest first sort.
            rest = [c.key for c in view.columns if c.key not in SORT_COLUMNS]
            cold += [await _work(pilot, frames, sort_by(c)) for c in rest]
            results["sort_cold_max"] = max(cold)
            if verbose_keystrokes:
                named = zip((*SORT_COLUMNS, *rest), cold, strict=True)
                print("cold sorts ms:", {c: round(t * 1000, 1) for c, t in named}, file=sys.stderr)

            refreshes = []
            for r in range(repeats):
                changed = _changed_copy(devices, 0.01, seed=r)

                def refresh(changed: list[str] = changed) -> None:
                    view.refresh(changed_keys=changed)
                    table.refresh_view()

                refreshes.append(await _work(pilot, frames, refresh))
            results["refresh_1pct"] = statistics.median(refreshes)

            while view.warm_search(20_000):
                pass
            keystrokes = []
            for n in range(1, len(TYPED) + 1):

                def type_(text: str = TYPED[:n]) -> None:
                    view.set_query(text)
                    table.refresh_view()

                keystrokes.append(await _work(pilot, frames, type_))
            results["filter_keystroke"] = statistics.median(keystrokes)
            if verbose_keystrokes:
                print("keystrokes ms:", [round(k * 1000, 1) for k in keystrokes], file=sys.stderr)
            results["filter_keystroke_max"] = max(keystrokes)

            # Loading page by page, as a sync delivers it: 250 devices per refresh.
            loading: dict[str, Device] = {}
            paged = device_view(loading, clock=clock)
            uids = list(devices)
            pages = []
            for first in range(0, len(uids), 250):
                page = uids[first : first + 250]
                for uid in page:
                    loading[uid] = devices[uid]
                started = _now()
                paged.refresh(changed_keys=page)
                pages.append(_now() - started)
            results["load_page_250"] = statistics.median(pages)
            results["load_page_250_max"] = max(pages)

            cold_view = device_view(devices, clock=clock)
            started = _now()
            cold_view.set_query(TYPED[:1])
            results["filter_cold"] = _now() - started
    finally:
        frames.uninstall()
    return results


def _dt_rows(devices: dict[str, Device]) -> list[tuple[str, tuple[str, ...]]]:
    now = EPOCH
    return [(uid, tuple(c.text(d, now) for c in DT_COLUMNS)) for uid, d in devices.items()]


async def measure_datatable(devices: dict[str, Device], repeats: int) -> dict[str, float]:
    results: dict[str, float] = {}
    frames = _Frames()
    rows = _dt_rows(devices)
    app = _Host()
    frames.install()
    dims_done: list[float] = []
    dims_cost: list[float] = []
    original_dims = DataTable._update_dimensions

    def update_dimensions(table: DataTable[Any], new_rows: Any) -> None:
        started = _now()
        original_dims(table, new_rows)
        dims_done.append(_now())
        dims_cost.append(dims_done[-1] - started)

    cast(Any, DataTable)._update_dimensions = update_dimensions
    try:
        async with app.run_test(size=SIZE) as pilot:
            table: DataTable[str] = DataTable(cursor_type="row")
            await app.query_one("#box").mount(table)
            for c in DT_COLUMNS:
                table.add_column(c.title, key=c.key)
            table.focus()
            await _settle(pilot)
            mark = frames.mark()
            dims_done.clear()
            started = _now()
            for uid, cells in rows:
                table.add_row(*cells, key=uid)
            while not dims_done:
                await pilot.pause()
            await _settle(pilot)
            end = frames.first_end_after(mark, dims_done[0])
            results["first_frame"] = (end or _now()) - started

            results["down_frame"] = await _press_cost(pilot, frames, "down", repeats * 2)
            results["pagedown_frame"] = await _press_cost(pilot, frames, "pagedown", repeats * 2)

            def sort_by(column: str) -> Callable[[], None]:
                def action() -> None:
                    table.sort(column)

                return action

            results["sort"] = statistics.median(
                [await _work(pilot, frames, sort_by(c), dims_cost) for c in SORT_COLUMNS]
            )
            results["sort_cold"] = results["sort_cold_max"] = results["sort"]

            refreshes = []
            for r in range(repeats):
                changed = _changed_copy(devices, 0.01, seed=100 + r)

                def refresh(changed: list[str] = changed) -> None:
                    with app.batch_update():
                        for uid in changed:
                            d = devices[uid]
                            table.update_cell(uid, "site", d.site_name or "")
                            table.update_cell(uid, "last_seen", "just now")

                refreshes.append(await _work(pilot, frames, refresh, dims_cost))
            results["refresh_1pct"] = statistics.median(refreshes)

            needle = TYPED[:1]
            matching = [(uid, cells) for uid, cells in rows if needle in " ".join(cells).lower()]

            def refilter() -> None:
                table.clear()
                for uid, cells in matching:
                    table.add_row(*cells, key=uid)

            results["filter_keystroke"] = await _work(
                pilot, frames, refilter, dims_cost, wait_deferred=True
            )
    finally:
        cast(Any, DataTable)._update_dimensions = original_dims
        frames.uninstall()
    return results


_SIZE_INDEPENDENT = {"down_frame", "pagedown_frame"}


def run(
    sizes: tuple[int, ...] = (10_000, 100_000),
    *,
    datatable_max: int = 10_000,
    repeats: int = 5,
    verbose: bool = False,
) -> list[dict[str, Any]]:
    """Measure every size; returns bench rows (milliseconds)."""
    rows: list[dict[str, Any]] = []
    baseline_at: tuple[int, dict[str, float]] | None = None
    for n in sizes:
        devices = make_devices(n, seed=13)
        gc.collect()
        gc.freeze()
        virtual = asyncio.run(measure_virtual(dict(devices), repeats, verbose))
        gc.collect()
        if n <= datatable_max:
            stock = asyncio.run(measure_datatable(dict(devices), repeats))
            baseline_at = (n, stock)
            extrapolated = False
        elif baseline_at is not None:
            measured_n, measured = baseline_at
            scale = n / measured_n
            stock = {k: v if k in _SIZE_INDEPENDENT else v * scale for k, v in measured.items()}
            extrapolated = True
        else:
            stock, extrapolated = {}, False
        gc.unfreeze()
        label = f"{n // 1000}k" if n >= 1000 else str(n)
        for metric, value in virtual.items():
            base = stock.get(metric)
            rows.append(
                {
                    "name": f"table.{metric}.{label}",
                    "value": _ms(value),
                    "unit": "ms",
                    "baseline": None if base is None else _ms(base),
                    "ratio": None if base is None or value <= 0 else round(base / value, 1),
                }
            )
        if verbose:
            note = " (DataTable extrapolated)" if extrapolated else ""
            print(f"measured {n:,} rows{note}", file=sys.stderr)
    return rows


def _print(rows: list[dict[str, Any]]) -> None:
    print(f"{'metric':34} {'VirtualTable':>13} {'DataTable':>11} {'ratio':>8}")
    for row in rows:
        base = "-" if row["baseline"] is None else f"{row['baseline']:.1f}"
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.1f}x"
        print(f"{row['name']:34} {row['value']:>10.1f} ms {base:>8} ms {ratio:>8}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--datatable-max", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args(argv)
    rows = run(
        tuple(args.sizes), datatable_max=args.datatable_max, repeats=args.repeats, verbose=True
    )
    _print(rows)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
