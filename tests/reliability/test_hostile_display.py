"""Hostile strings from the service show as typed, inert, and never break the layout.

Every place the dashboard shows data is driven with every payload of the fake's hostile set
(Rich markup, OSC/CSI escapes, NUL and C0/C1 controls, 10k characters, CJK, emoji, RTL, bidi
overrides, newlines, tabs): the site tree, the device table, the alert pane, the device and
alert details, the toasts and the status bar. The rendered strips (what the compositor sends to
the terminal) must hold no control character from the data, every line must be exactly the
terminal's width, and the visible forms (``␛``, ``⏎``, ``[/]`` as text) must be there.
"""

from __future__ import annotations

import httpx
from rich.console import Console

from datto_tui.fakeapi.hostile import BIDI_OVERRIDE, OSC_TITLE
from datto_tui.monitor.events import Resource
from datto_tui.text import clean_line
from datto_tui.tui.screens.alert_detail import AlertDetailScreen
from datto_tui.tui.screens.device_detail import DeviceDetailScreen
from datto_tui.tui.widgets.fields import LINE_LIMIT, Block, render_fields
from tests.reliability.hostile_world import ALL_PAYLOADS, hostile_rig
from tests.reliability.support import (
    ALERTS,
    SIZE,
    Rig,
    advance,
    poll_once,
    raw_controls_in,
    screen_text,
    settle,
    strips,
)

WIDTH, HEIGHT = SIZE


def assert_inert_and_whole(rig: Rig, where: str) -> str:
    """No raw control from the data on screen, and the layout is intact; returns the text."""
    lines = strips(rig.app)
    assert len(lines) == HEIGHT, where
    assert [s.cell_length for s in lines] == [WIDTH] * HEIGHT, where
    assert raw_controls_in(lines) == [], where
    return "\n".join(s.text for s in lines)


async def test_main_screen_shows_every_payload_inert() -> None:
    rig, planted = hostile_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        await pilot.press("1")  # the site tree shows on every width once focused
        text = assert_inert_and_whole(rig, "sites")
        assert "Site 2 ␛]0;pwned�owned" in text
        assert "Site 3 ␛[2J␛[Hcleared" in text
        assert "Site 6 東京本社サーバー" in text
        assert "Site 7 🔥💻🚨 emoji" in text
        await pilot.press("2")
        for i, uid in enumerate(planted.device_uids):
            main.device_table.move_cursor(key=uid)
            await pilot.pause()
            text = assert_inert_and_whole(rig, f"device {i}")
            assert f"host{i} {clean_line(ALL_PAYLOADS[i])}"[:10] in text, i
        await pilot.press("3")
        for i, uid in enumerate(planted.alert_uids):
            main.alert_table.move_cursor(key=uid)
            await pilot.pause()
            assert_inert_and_whole(rig, f"alert {i}")
        text = screen_text(rig.app)
        assert "[link=https://example.invalid]click[/link]"[:20] in text or "diag11" in text
        assert rig.app.is_running


async def test_device_details_show_every_payload_inert() -> None:
    rig, planted = hostile_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        for uid in (planted.combo_device, planted.huge_device, planted.device_uids[0]):
            main.device_table.focus()
            main.device_table.move_cursor(key=uid)
            await pilot.press("enter")
            assert isinstance(rig.app.screen, DeviceDetailScreen), uid
            await pilot.pause()
            text = assert_inert_and_whole(rig, f"device detail {uid}")
            if uid == planted.combo_device:
                assert "combo [/] | [bold red]x | ␛]0;pwned�owned | ␛[2J␛[Hcleared" in text
                await pilot.press("u")  # reveal the UDF holding every payload
                await pilot.pause()
                text = assert_inert_and_whole(rig, "revealed UDFs")
                assert "[/] | [bold red]x | ␛]0;pwned�owned" in text
                assert "nul�byte | bell�back�space�del�csi | 東京本社サーバー" in text
            elif uid == planted.huge_device:
                assert "host13 WWWWWWWWWW" in text
            else:
                await pilot.press("u")
                await pilot.pause()
                text = assert_inert_and_whole(rig, "revealed UDFs")
                assert "␛]0;pwned�owned" in text and "␛[2J␛[Hcleared" in text
            await pilot.press("escape")
        assert rig.app.is_running


async def test_alert_details_show_every_payload_inert() -> None:
    rig, planted = hostile_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        for uid in (planted.combo_alert, planted.huge_alert):
            main.alert_table.focus()
            main.alert_table.move_cursor(key=uid)
            await pilot.press("enter")
            assert isinstance(rig.app.screen, AlertDetailScreen), uid
            await pilot.pause()
            text = assert_inert_and_whole(rig, f"alert detail {uid}")
            if uid == planted.combo_alert:
                # Diagnostics are a block: its line breaks stay, inside the panel.
                assert "[/] | [bold red]x | ␛]0;pwned�owned" in text
                assert "line two" in text
            await pilot.press("d")  # on to the device, with its hostile name
            assert isinstance(rig.app.screen, DeviceDetailScreen)
            await pilot.pause()
            assert_inert_and_whole(rig, f"alert {uid} -> device")
            await pilot.press("escape", "escape")
        assert rig.app.is_running


async def test_toasts_and_status_bar_show_hostile_text_inert() -> None:
    rig, planted = hostile_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        # A new critical alert on the device named with the OSC title payload: a toast.
        osc_device = planted.device_uids[ALL_PAYLOADS.index(f"{OSC_TITLE}owned")]
        rig.service.world.open_alert(osc_device, priority="Critical", diagnostics="x")
        await advance(rig, 30)
        await pilot.pause()
        text = assert_inert_and_whole(rig, "new alert toast")
        assert "New alert" in text
        assert "␛]0;pwned�owned" in text
        # A poll failure whose error body quotes hostile text: the toast and the status bar.
        body = {
            "error": f"{OSC_TITLE}[bold red]boom[/] {BIDI_OVERRIDE}txt.exe",
            "path": "/api/v2/account/alerts/open",
        }
        shown = len(main.alerts_view)
        rig.transport.answer(ALERTS, lambda _r: httpx.Response(404, json=body))
        await poll_once(rig, Resource.ALERTS)
        await pilot.pause()
        text = assert_inert_and_whole(rig, "poll failure toast")
        assert "[bold red]boom[/]" in text
        assert "␛]0;pwned�" in text
        assert len(main.alerts_view) == shown  # the last good alerts stay


async def test_a_renamed_device_updates_in_place_and_stays_inert() -> None:
    """Hostile names that arrive with a later poll (not at start) are neutralised too."""
    rig, planted = hostile_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        uid = planted.device_uids[-1]
        rig.service.world.set_hostname(uid, f"late {OSC_TITLE}\x1b[31mred\x1b[0m [/] {'界' * 300}")
        await poll_once(rig, Resource.DEVICES)
        rig.app.main_screen.device_table.move_cursor(key=uid)
        await pilot.pause()
        text = assert_inert_and_whole(rig, "renamed")
        assert "late ␛]0;pwne" in text
        await settle(rig.app)


def test_detail_fields_keep_single_lines_single_and_labels_inert() -> None:
    """A line break in a hostname shows as ⏎ (it cannot fake a second field); diagnostics, a
    block by nature, keep theirs; a 10k-character value is capped; labels are inert."""
    console = Console(width=100, record=True, color_system=None)
    console.print(
        render_fields(
            [
                ("Hostname", "PC1\nSite            Evil Corp"),
                ("Diagnostics", Block("first line\nsecond line")),
                (f"key{OSC_TITLE}", "value"),
                ("Huge", "W" * 10_000),
            ]
        )
    )
    text = console.export_text()
    assert "PC1⏎Site            Evil Corp" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "Diagnostics      first line" in lines and "second line" in lines
    assert "key␛]0;pwned�" in text and "\x1b" not in text
    assert text.count("W") <= LINE_LIMIT
