"""VirtualTable under Pilot: keys, marks, sorting by header click, cursor by key, hostile text."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from rich.cells import cell_len
from textual.geometry import Region

from datto_tui.monitor.view import DEVICE_COLUMNS
from datto_tui.text import clean_line
from datto_tui.tui.widgets.virtual_table import VirtualTable, fit_cell, layout_columns

from .synth import make_device
from .tableapp import HOSTILE_HOST, TableApp


def line(table: VirtualTable[Any], y: int) -> str:
    return table.render_line(y).text


def of_type(app: TableApp, kind: type) -> list[object]:
    return [m for m in app.messages if isinstance(m, kind)]


async def test_keyboard_navigation() -> None:
    app = TableApp(200)
    async with app.run_test(size=(100, 20)) as pilot:
        table, view = app.table, app.device_view
        assert table.cursor_key == view.key_at(0)
        await pilot.press("down", "down", "down")
        assert table.cursor_index == 3 and table.cursor_key == view.key_at(3)
        moved = of_type(app, VirtualTable.CursorMoved)
        assert [m.key for m in moved][-3:] == view.keys[1:4]  # type: ignore[attr-defined]
        await pilot.press("up")
        assert table.cursor_index == 2
        await pilot.press("pagedown")
        body = 20 - 1  # one header line
        assert table.cursor_index == 2 + body
        assert table.scroll_offset.y == body  # a page scrolls a page
        await pilot.press("pageup")
        assert table.cursor_index == 2 and table.scroll_offset.y == 0
        await pilot.press("end")
        assert table.cursor_index == 199
        assert table.scroll_offset.y == 200 + 1 - 20
        await pilot.press("home")
        assert table.cursor_index == 0 and table.scroll_offset.y == 0
        await pilot.press("up")  # clamped
        assert table.cursor_index == 0


async def test_enter_and_click_select() -> None:
    app = TableApp(50)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("down", "enter")
        selected = of_type(app, VirtualTable.Selected)
        assert [m.key for m in selected] == [app.device_view.key_at(1)]  # type: ignore[attr-defined]
        await pilot.click("#devices", offset=(5, 4))  # line 4 = row 3
        assert app.table.cursor_index == 3
        await pilot.click("#devices", offset=(5, 4))  # on the cursor row: select
        assert len(of_type(app, VirtualTable.Selected)) == 2


async def test_marks_toggle_all_clear_and_survive() -> None:
    app = TableApp(100)
    async with app.run_test(size=(100, 20)) as pilot:
        table, view = app.table, app.device_view
        first, second = view.key_at(0), view.key_at(1)
        await pilot.press("space")
        assert table.marked == {first} and table.cursor_index == 1  # marks, then moves down
        assert line(table, 1).startswith("✓ ")
        await pilot.press("space")
        assert table.marked == {first, second}
        await pilot.press("up", "space")  # unmark the second
        assert table.marked == {first}
        changes = of_type(app, VirtualTable.MarksChanged)
        assert [set(m.marked) for m in changes] == [  # type: ignore[attr-defined]
            {first},
            {first, second},
            {first},
        ]
        # Marks survive a filter that hides them, and a refresh.
        view.set_query("no such device")
        table.refresh_view()
        view.set_query("")
        view.refresh()
        table.refresh_view()
        assert table.marked == {first}
        # Mark all visible (a filter limits "all").
        view.set_query("site:acme")
        table.refresh_view()
        await pilot.press("ctrl+a")
        assert table.marked == {first} | set(view.keys)
        await pilot.press("ctrl+backslash")
        assert table.marked == frozenset()


async def test_marks_of_removed_rows_are_dropped() -> None:
    app = TableApp(30)
    async with app.run_test(size=(100, 20)) as pilot:
        table, view = app.table, app.device_view
        await pilot.press("space", "space")
        gone = view.key_at(0)
        del app.devices[gone]
        view.refresh(removed_keys=[gone])
        table.refresh_view()
        await pilot.pause()
        assert table.marked == {view.key_at(0)}
        assert of_type(app, VirtualTable.MarksChanged)[-1].marked == table.marked  # type: ignore[attr-defined]


async def test_header_click_sorts_and_toggles() -> None:
    app = TableApp(100)
    async with app.run_test(size=(120, 20)) as pilot:
        table, view = app.table, app.device_view
        await pilot.press("down", "down")
        key = table.cursor_key
        site = next(p for p in table._placed if p.column.key == "site")
        await pilot.click("#devices", offset=(site.x + 1, 0))
        assert (view.sort_column, view.descending) == ("site", False)
        assert "Site ▲" in line(table, 0)
        assert table.cursor_key == key  # the cursor follows its row
        sites = [(view.item_at(i).site_name or "").lower() for i in range(len(view))]
        assert sites == sorted(sites)
        await pilot.click("#devices", offset=(site.x + 1, 0))
        assert (view.sort_column, view.descending) == ("site", True)
        assert "Site ▼" in line(table, 0)
        sorts = of_type(app, VirtualTable.SortChanged)
        assert [(m.column, m.descending) for m in sorts] == [  # type: ignore[attr-defined]
            ("site", False),
            ("site", True),
        ]
        table.action_sort_by("alerts")  # descending first for counts
        assert (view.sort_column, view.descending) == ("alerts", True)
        table.action_toggle_sort_direction()
        assert view.descending is False


async def test_cursor_keeps_its_key_when_rows_appear_above() -> None:
    app = TableApp(200)
    async with app.run_test(size=(100, 20)) as pilot:
        table, view = app.table, app.device_view
        await pilot.press(*["down"] * 25)
        key, index = table.cursor_key, table.cursor_index
        screen_line = index - table.scroll_offset.y
        rng = random.Random(1)
        added = []
        for i in range(5):
            d = make_device(10_000 + i, rng, hostname=f"0000-FIRST-{i}")
            app.devices[d.uid] = d
            added.append(d.uid)
        view.refresh(changed_keys=added)
        table.refresh_view()
        await pilot.pause()
        assert view.key_at(0) == added[0]
        assert table.cursor_key == key and table.cursor_index == index + 5
        assert table.cursor_index - table.scroll_offset.y == screen_line
        # The row under the cursor leaves: the cursor stays at the same index.
        del app.devices[key]  # type: ignore[arg-type]
        view.refresh(removed_keys=[key])  # type: ignore[list-item]
        table.refresh_view()
        assert table.cursor_index == index + 5
        assert table.cursor_key == view.key_at(index + 5)
        await pilot.pause()
        assert of_type(app, VirtualTable.CursorMoved)[-1].key == table.cursor_key  # type: ignore[attr-defined]


async def test_hostile_strings_render_as_typed() -> None:
    app = TableApp(40)
    async with app.run_test(size=(240, 10)) as pilot:
        await pilot.pause()
        first = line(app.table, 1)
        assert clean_line(HOSTILE_HOST) in first
        assert "[red]x[/]" in first
        assert "\x1b" not in first and "\x07" not in first
        # The whole screen renders (no markup error) and shows the text literally.
        assert "[/]evil␛]0;pwned" in app.export_screenshot()


async def test_empty_state() -> None:
    app = TableApp(40)
    async with app.run_test(size=(100, 10)) as pilot:
        table, view = app.table, app.device_view
        view.set_query("zzzz-nothing")
        table.empty_text = "No devices match 'zzzz-nothing'"
        table.refresh_view()
        await pilot.pause()
        assert table.cursor_key is None
        assert "No devices match 'zzzz-nothing'" in line(table, 1)
        await pilot.press("down", "space", "enter")
        assert table.marked == frozenset()
        assert not of_type(app, VirtualTable.Selected)
        view.set_query("")
        table.refresh_view()
        assert table.cursor_key == view.key_at(0)


async def test_refresh_view_repaints_only_changed_lines() -> None:
    app = TableApp(100)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table, view = app.table, app.device_view
        await pilot.pause()
        # Change the content of row 4 without moving it in the order.
        key = view.key_at(4)
        app.devices[key] = dataclasses.replace(app.devices[key], operating_system="Plan 9")
        view.refresh(changed_keys=[key])
        regions: list[Region] = []
        original = table.refresh

        def spy(*regions_: Region, **kwargs: object) -> VirtualTable[Any]:
            regions.extend(regions_)
            return original(*regions_, **kwargs)  # type: ignore[arg-type]

        table.refresh = spy  # type: ignore[method-assign]
        table.refresh_view()
        assert regions == [Region(0, 5, table.size.width, 1)]
        await pilot.pause()  # the line is painted
        regions.clear()
        table.refresh_view()  # nothing changed since
        assert regions == []


async def test_theme_change_redraws_with_new_colours() -> None:
    app = TableApp(20)
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        before = app.table.render_line(1)
        app.theme = "textual-light"
        await pilot.pause()
        after = app.table.render_line(1)
        assert before.text == after.text
        assert [s.style for s in before] != [s.style for s in after]


async def test_focus_changes_the_cursor_style() -> None:
    app = TableApp(20, alerts=10)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        focused = app.table.render_line(1)
        app.alert_table.focus()
        await pilot.pause()
        blurred = app.table.render_line(1)
        assert focused.text == blurred.text
        assert focused != blurred


def test_layout_hides_low_priority_columns_when_narrow() -> None:
    def shown(width: int) -> list[str]:
        return [p.column.key for p in layout_columns(DEVICE_COLUMNS, width)]

    at80 = shown(80)
    assert {"hostname", "site", "online", "last_seen", "alerts"} <= set(at80)
    assert "ext_ip" not in at80 and "os" not in at80
    assert shown(200) == [c.key for c in DEVICE_COLUMNS]
    assert shown(20) == ["hostname"]
    for width in (20, 40, 80, 120, 200):
        placed = layout_columns(DEVICE_COLUMNS, width)
        last = placed[-1]
        assert last.x + last.width <= width
        for p in placed:
            assert p.width >= min(p.column.width, width - 2)
            assert p.column.max_width is None or p.width <= p.column.max_width


def test_fit_cell() -> None:
    assert fit_cell("abc", 5) == "abc  "
    assert fit_cell("abc", 5, "right") == "  abc"
    assert fit_cell("abc", 5, "center") == " abc "
    assert fit_cell("abcdef", 4) == "abc…"
    assert fit_cell("日本語", 4) == "日 …"  # wide characters count two cells
    for text in ("日本語テキスト", "a\u0301bc", "plain", ""):
        for width in (1, 2, 3, 7):
            assert cell_len(fit_cell(text, width)) == width
