"""The dashboard follows the fake account live, without a key press (Pilot tests)."""

from __future__ import annotations

from datto_tui.monitor.events import Resource
from datto_tui.tui.app import DattoApp
from datto_tui.tui.widgets.header import ClockLabel
from datto_tui.tui.widgets.site_tree import SiteTree
from tests.tui.support import advance, make_rig, path_is, screen_text

SIZE = (160, 45)


async def test_first_frame_is_a_loading_state_then_data_arrives() -> None:
    rig = make_rig()
    rig.transport.hold = lambda request: True  # nothing answers yet
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.transport.held.wait()
        await pilot.pause()
        text = screen_text(rig.app)
        assert "connecting…" in text
        assert "Loading devices…" in text and "Loading alerts…" in text
        assert "Devices · All sites · 0 · loading…" in text
        rig.transport.release()
        await rig.app.data_ready()
        await pilot.pause()
        text = screen_text(rig.app)
        assert "Loading devices…" not in text
        assert "Devices · All sites · 60" in text
        assert rig.app.main_screen.device_table.cursor_key is not None


async def test_progress_is_shown_while_devices_load_page_by_page() -> None:
    rig = make_rig(devices=600)
    rig.transport.hold = path_is("/api/v2/account/devices", min_page=1)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.transport.held.wait()
        await rig.app.main_screen.settled()
        await pilot.pause()
        text = screen_text(rig.app)
        assert "loading 250/600" in text
        assert "devices 250/600" in text  # the freshness gauge
        assert len(rig.app.main_screen.devices_view) == 250
        rig.transport.release()
        await rig.app.data_ready()
        assert len(rig.app.main_screen.devices_view) == 600


async def test_a_new_alert_appears_without_a_key_press() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        record = rig.service.world.open_alert(priority="Critical", diagnostics="Disk C: is on fire")
        assert record.uid not in main.alerts_view
        await advance(rig, 30)
        assert rig.app.poller.cycles[Resource.ALERTS] == 2
        assert record.uid in main.alerts_view
        assert rig.app.store.is_new(record.uid)
        assert main.alerts_view.key_at(0) == record.uid  # critical and newest: on top
        await pilot.pause()
        text = screen_text(rig.app)
        assert "Disk C: is on fire" in text
        assert "1 new" in text
        assert any("New alert" in n.title for n in rig.app._notifications)


async def test_a_resolved_alert_leaves() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        uid = main.alerts_view.key_at(0)
        diagnostics = rig.app.store.alerts[uid].diagnostics or ""
        assert rig.service.world.resolve_alert(uid)
        await advance(rig, 30)
        assert uid not in main.alerts_view
        await pilot.pause()
        assert diagnostics[:30] not in screen_text(rig.app)
        assert main.query_one("#alerts-pane").border_title == "Open alerts · All sites · 11"


async def test_a_device_going_offline_updates_its_row_and_its_site() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        store = rig.app.store
        device = next(d for d in store.devices.values() if d.online and d.site_uid)
        site_uid = device.site_uid
        assert site_uid is not None
        offline_before = store.site_counts(site_uid).offline
        tree = main.query_one(SiteTree)
        summary = tree.summary(site_uid)
        assert summary is not None and summary.offline == offline_before
        rig.service.world.set_online(device.uid, False)
        await advance(rig, 300)  # the device poll interval
        assert store.devices[device.uid].online is False
        summary = tree.summary(site_uid)
        assert summary is not None and summary.offline == offline_before + 1
        main.device_table.move_cursor(key=device.uid)
        await pilot.pause()
        name = (device.hostname or "")[:12]
        row = next(line for line in screen_text(rig.app).splitlines() if name in line)
        assert "offline" in row
        label = tree.label_of(site_uid)
        assert f"▼{offline_before + 1}" in label


async def test_the_cursor_stays_on_its_device_across_a_poll_and_a_sort() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        table = main.device_table
        await pilot.press("down", "down", "down", "down", "down")
        key = table.cursor_key
        assert key is not None and table.cursor_index == 5
        # A poll adds a device that sorts above the cursor: the cursor follows its row.
        rig.service.world.add_device(hostname="0000-FIRST")
        await advance(rig, 300)
        assert table.cursor_key == key and table.cursor_index == 6
        # A sort moves the row elsewhere: the cursor still follows it.
        await pilot.press("s")
        assert main.devices_view.sort_column == "site"
        assert table.cursor_key == key
        assert main.devices_view.key_at(table.cursor_index) == key
        await pilot.press("S")
        assert main.devices_view.descending
        assert table.cursor_key == key


async def test_the_token_gauge_counts_down_and_shows_a_refresh() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        gauge = main.status_bar.gauge("gauge-token")
        assert gauge.text == "token 4 days" and gauge.level == "-ok"
        expires = rig.app.client.token_expires_at
        fetched = rig.app.client.token_fetched_at
        assert expires is not None and fetched is not None
        # Stop polling so time can pass without a request refreshing the token early.
        rig.app.poller.pause()
        rig.clock.set(expires.timestamp() - 900)
        main._tick()
        await pilot.pause()
        assert gauge.text == "token 15 minutes" and gauge.level == "-warn"
        rig.clock.set(expires.timestamp() - 300)
        main._tick()
        await pilot.pause()
        assert gauge.text == "token 5 minutes" and gauge.level == "-crit"
        # The next request refreshes the token (inside the margin).
        rig.app.poller.resume()
        await advance(rig, 2)
        assert rig.app.client.token_fetched_at != fetched
        main._tick()
        await pilot.pause()
        assert gauge.text.startswith("token refreshed") and gauge.level == "-ok"
        await pilot.pause()
        assert "token refreshed" in screen_text(rig.app)


async def test_the_clock_moves_with_the_gauges_and_takes_a_new_theme() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        clock = main.query_one("#header-clock", ClockLabel)
        before = str(clock.render())
        rig.clock.advance(1)
        main._tick()  # the screen's once-a-second tick drives the clock (no timer of its own)
        await pilot.pause()
        assert str(clock.render()) != before
        bar = main.status_bar
        token = bar.gauge("gauge-token")

        def token_colour() -> object:
            (segment,) = [s for s in bar.render_line(0) if s.text.startswith("token")]
            return segment.style.color if segment.style else None

        def theme_colour() -> object:
            return bar.get_component_rich_style(f"status-bar-{token.level}").color

        assert token_colour() == theme_colour()
        dark = theme_colour()
        rig.app.theme = "textual-light"
        await pilot.pause()
        assert theme_colour() != dark
        assert token_colour() == theme_colour()


async def test_question_mark_lists_the_keys_of_the_view() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.press("question_mark")
        text = screen_text(rig.app)
        for expected in ("app.refresh", "app.help", "devices.focus", "table.sort", "Refresh"):
            assert expected in text
        await pilot.press("escape")
        assert rig.app.screen is rig.app.main_screen


async def test_q_quits_cleanly() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.press("q")
        await pilot.pause()
    assert rig.app.return_code == 0
    assert rig.app._exit_renderables == []


async def test_refresh_key_polls_now() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        before = dict(rig.app.poller.cycles)
        await pilot.press("r")
        await rig.app.poller.wait_idle()
        after = rig.app.poller.cycles
        assert all(after[kind] == before[kind] + 1 for kind in before)


async def test_hostile_names_render_as_typed() -> None:
    rig = make_rig()
    hostname = "[/]\x1b]0;t\x07[b]PC"  # short enough for the hostname column
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        world = rig.service.world
        device = world.device_list[0]
        world.set_hostname(device.uid, hostname)
        await advance(rig, 300)
        main = rig.app.main_screen
        main.device_table.move_cursor(key=device.uid)
        await pilot.pause()
        strips = rig.app.screen._compositor.render_strips()
        text = "\n".join(strip.text for strip in strips)
        assert "[/]␛]0;t�[b]PC" in text
        for strip in strips:
            for segment in strip:
                assert "\x1b" not in segment.text and "\x07" not in segment.text
        await pilot.press("enter")
        assert type(rig.app.screen).__name__ == "DeviceDetailScreen"
        assert "[/]␛]0;t�[b]PC" in screen_text(rig.app)


def test_app_signature_is_what_the_cli_calls() -> None:
    import inspect

    params = inspect.signature(DattoApp.__init__).parameters
    assert list(params)[:2] == ["self", "client"]
    assert {"profile", "clock", "demo", "read_only", "wall"} <= set(params)


async def test_hostile_site_names_render_as_typed_in_tree_and_titles() -> None:
    rig = make_rig()
    name = "[b]Evil[/] \x1b]0;x\x07Site"
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        site = next(s for s in rig.service.world.site_list if s.system is None)
        rig.service.world.rename_site(site.uid, name)
        await advance(rig, 900)  # the site poll interval
        main._set_scope(site.uid)
        await pilot.pause()
        text = screen_text(rig.app)
        assert "Devices · [b]Evil[/] ␛]0;x�Site" in text  # the pane title, as typed
        assert "[b]Evil[/] ␛]0;x�Site" in main.site_tree.label_of(site.uid)
