"""Pictures of the table: cursor, marks, severity colours, offline rows, narrow layouts.

Deterministic: seeded data, a frozen clock for the relative times, fixed terminal sizes.
Update with ``pytest tests/table/test_snapshots.py --snapshot-update`` after looking at the SVGs.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from .tableapp import TableApp

SnapCompare = Any  # the pytest-textual-snapshot fixture


async def _cursor_and_marks(pilot: Pilot[None]) -> None:
    await pilot.press("down", "space", "space", "down")
    await pilot.pause()


def test_tables_80x24(snap_compare: SnapCompare) -> None:
    app = TableApp(60, alerts=30)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_cursor_and_marks)


def test_tables_120x40(snap_compare: SnapCompare) -> None:
    app = TableApp(60, alerts=30)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_cursor_and_marks)


async def _sort_and_filter_to_nothing(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TableApp)
    app.table.action_sort_by("last_seen")
    app.alert_view.set_query("prio:>=high site:acme")
    app.alert_table.refresh_view()
    app.device_view.set_query("zzz")
    app.table.empty_text = "No devices match 'zzz'"
    app.table.refresh_view()
    await pilot.pause()


def test_empty_state_and_filtered_alerts_80x24(snap_compare: SnapCompare) -> None:
    app = TableApp(60, alerts=30)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_sort_and_filter_to_nothing)
