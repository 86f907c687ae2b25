"""``/`` filter, quick toggles and jumps through the UI (Pilot, the fake, a manual clock)."""

from __future__ import annotations

from datto_tui.tui.widgets.filter_bar import FilterBar
from tests.triage.support import SIZE, main_of, make_rig, screen_text


async def test_filter_as_you_type_inversion_and_escape() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        view = main.devices_view
        total = len(view)
        name = (view.item_at(total // 2).site_name or "").split()[0].lower()
        await pilot.press("slash")
        bar = main.query_one("#devices-filter", FilterBar)
        assert bar.editing
        await pilot.press(*f"site:{name}")
        matching = len(view)
        assert 0 < matching < total
        assert all(name in (view.item_at(i).site_name or "").lower() for i in range(matching))
        assert f"{matching} of {total}" in screen_text(rig.app)
        # Inverted: everything else.
        await pilot.press("home", "!")
        assert len(view) == total - matching
        # Enter keeps the filter and gives the focus back to the table.
        await pilot.press("enter")
        assert main.focused is main.device_table
        assert len(view) == total - matching
        assert bar.has_class("-shown")
        # Esc in the bar clears it.
        await pilot.press("slash")
        assert bar.text == f"!site:{name}"
        await pilot.press("escape")
        assert len(view) == total
        assert main.focused is main.device_table
        assert not bar.has_class("-shown")


async def test_invalid_filter_says_why() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.press("slash", *"bogus:x")
        await pilot.pause()
        assert "invalid filter: unknown column 'bogus'" in screen_text(rig.app)
        await pilot.press("ctrl+u", *'"quoted name', "enter")
        assert main_of(rig).devices_view.filter_error is None
