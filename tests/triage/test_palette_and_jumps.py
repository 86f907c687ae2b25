"""Quick toggles, jumps and their history, and the command palette (Pilot on the fake)."""

from __future__ import annotations

from datto_tui.tui.triage import TriageApp
from tests.triage.support import SIZE, main_of, make_rig, screen_text
from tests.triage.test_modes_and_keys import palette_text


async def test_toggles_narrow_the_tables_and_show_in_the_bar() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        store = rig.app.store
        devices, alerts = main.devices_view, main.alerts_view
        await pilot.press("O")
        offline = {u for u, d in store.devices.items() if d.online is False}
        assert set(devices.keys) == offline
        await pilot.press("A")
        both = {u for u in offline if store.alert_uids_for_device(u)}
        assert set(devices.keys) == both
        await pilot.pause()
        assert "offline only · with open alerts" in screen_text(rig.app)
        await pilot.press("O", "A")
        assert len(devices) == len(store.devices)
        ranks = []
        for _ in range(4):
            await pilot.press("P")
            ranks.append({alerts.item_at(i).priority_rank for i in range(len(alerts))})
        assert max(ranks[0], default=0) <= 0
        assert max(ranks[1], default=0) <= 1
        assert max(ranks[2], default=0) <= 2
        assert len(alerts) == len(store.alerts)


async def test_jump_to_the_alerts_device_and_back() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        store = rig.app.store
        await pilot.press("3", "down")
        alert_uid = main.alert_table.cursor_key
        assert alert_uid is not None
        alert = store.alerts[alert_uid]
        # The device is hidden by a filter: the jump clears it.
        main.set_table_filter("devices", main.table_filters["devices"].with_text("zzzz"))
        await pilot.press("g")
        assert main.focused is main.device_table
        assert main.device_table.cursor_key == alert.device_uid
        assert not main.table_filters["devices"].is_active
        await pilot.press("ctrl+o")
        assert main.focused is main.alert_table
        assert main.alert_table.cursor_key == alert_uid
        # Scoped to another site (a palette jump): the device's site is selected, and back.
        other = next(u for u in store.sites if u != alert.site_uid)
        main._set_scope(other)
        assert main.jump_to_device(alert.device_uid or "")
        assert main.site_scope == alert.site_uid
        assert main.device_table.cursor_key == alert.device_uid
        await pilot.press("ctrl+o")
        assert main.site_scope == other
        # From a device to its top alert.
        await pilot.press("backspace")  # nothing left: a note, no error
        assert main.jump_to_device(alert.device_uid or "")
        await pilot.press("g")
        assert main.focused is main.alert_table
        assert store.alerts[main.alert_table.cursor_key or ""].device_uid == alert.device_uid


async def test_palette_jumps_to_a_device_by_hostname_and_offers_actions() -> None:
    rig = make_rig(devices=400)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        app = rig.app
        assert isinstance(app, TriageApp)
        main = main_of(rig)
        target = sorted(app.store.devices.values(), key=lambda d: d.uid)[123]
        hostname = target.hostname or ""
        text = await palette_text(rig, pilot, hostname)
        assert f"Device: {hostname}" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is main
        assert main.device_table.cursor_key == target.uid
        text = await palette_text(rig, pilot, "resolve sel")
        assert "Resolve selected alerts" in text
        await pilot.press("escape")
        site = next(iter(app.store.sites.values()))
        text = await palette_text(rig, pilot, site.name or "")
        assert f"Site: {site.name}" in text
        await pilot.press("enter")
        await pilot.pause()
        assert main.site_scope == site.uid


async def test_palette_shows_hostile_names_as_typed() -> None:
    """Markup and escapes in hostnames: the palette shows them as text, never parses them."""
    rig = make_rig(hostile=True)
    world = rig.service.world
    world.set_hostname(world.device_list[0].uid, "evil[/]\x1b]0;pwned\x07[bold]X")
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        text = await palette_text(rig, pilot, "evil")
        assert "Device: evil[/]␛]0;pwned�[bold]X" in text
        await pilot.press("enter")
        await pilot.pause()
        assert main_of(rig).device_table.cursor_key == world.device_list[0].uid
