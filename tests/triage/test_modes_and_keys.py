"""Read-only refuses every mutating action (keys, help, palette, direct calls); keymaps;
default keys; the copy menu's OSC 52; rate-limited toasts."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

from datto_tui.tui import keys
from datto_tui.tui.triage import TriageApp, TriageScreen
from tests.triage.support import SIZE, Rig, main_of, make_rig, screen_text, top, writes

WRITE_TITLES = ("Resolve selected alerts", "Quick job on selected devices")


async def palette_text(rig: Rig, pilot: Any, query: str) -> str:
    """Open the palette, type ``query``, and return the screen once hits settled."""
    await pilot.press("ctrl+p")
    assert top(rig) == "CommandPalette"
    await pilot.press(*query)
    text = ""
    for _ in range(20):  # the palette searches in a worker
        await asyncio.sleep(0.02)
        await pilot.pause()
        text = screen_text(rig.app)
    return text


@pytest.mark.parametrize("mode", ["read_only", "wall", "profile"])
async def test_read_only_refuses_every_mutating_action(mode: str) -> None:
    rig = make_rig(
        read_only=mode == "read_only", wall=mode == "wall", profile_read_only=mode == "profile"
    )
    app = rig.app
    assert isinstance(app, TriageApp)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.data_ready()
        main = main_of(rig)
        # Keys: not bound (check_action False), so nothing opens.
        for key in ("x", "J"):
            await pilot.press("3" if key == "x" else "2", key)
            assert app.screen is main
        active = {b.binding.action for b in main.active_bindings.values()}
        assert not active & keys.MUTATING_ACTIONS
        # Direct calls: refused with a toast.
        app.action_resolve_alerts()
        app.action_quick_job()
        assert app.start_resolve(list(app.store.alerts.values())[:1]) is None
        await pilot.pause()
        assert app.screen is main
        refusals = [n for n in app._notifications if n.message == keys.READ_ONLY_MESSAGE]
        assert len(refusals) == 3
        # Palette: not offered.
        titles = [c.title for c in app.get_system_commands(main)]
        assert "Open in the Datto portal" in titles
        assert not set(WRITE_TITLES) & set(titles)
        if mode != "wall":  # a wall may switch the palette off altogether
            text = await palette_text(rig, pilot, "resolve")
            assert "Resolve selected alerts" not in text
            await pilot.press("escape")
        assert not writes(rig)


async def test_help_lists_triage_keys_and_hides_write_keys_in_read_only() -> None:
    for read_only in (False, True):
        rig = make_rig(read_only=read_only)
        async with rig.app.run_test(size=SIZE) as pilot:
            await rig.app.data_ready()
            await pilot.press("3", "question_mark")
            assert top(rig) == "HelpScreen"
            text = screen_text(rig.app)
            for expected in (keys.FILTER, keys.PRIORITY, keys.JUMP, keys.OPEN_PORTAL, keys.COPY):
                assert expected in text
            for write in (keys.RESOLVE, keys.QUICK_JOB):
                assert (write in text) is not read_only


async def test_keymap_override_takes_effect() -> None:
    rig = make_rig(keys={keys.RESOLVE: "ctrl+r", keys.FILTER: "f"})
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.press("3", "x")
        assert top(rig) == "MainScreen"  # the default key is gone
        await pilot.press("ctrl+r")
        assert top(rig) == "ConfirmScreen"
        await pilot.press("escape", "f")
        bar = main_of(rig).filter_bar("alerts")
        assert bar is not None and bar.editing


def test_default_keys_stay_clear_of_tmux_and_write_actions_confirm() -> None:
    bindings = [*keys.APP_BINDINGS, *keys.SCREEN_BINDINGS]
    assert not set(keys.default_keys(bindings)) & keys.RESERVED_KEYS
    ids = keys.binding_ids(bindings)
    assert len(ids) == len(bindings)  # every binding has its own id
    known = keys.known_binding_ids(TriageApp, TriageScreen)
    assert {keys.RESOLVE, keys.FILTER} <= known
    assert keys.unknown_binding_ids({"alerts.resolv": "r", keys.FILTER: "f"}, known) == [
        "alerts.resolv"
    ]


async def test_copy_menu_sends_osc52_and_says_what_was_copied() -> None:
    rig = make_rig()
    written: list[str] = []
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        driver = rig.app._driver
        assert driver is not None
        original = driver.write

        def spy(data: str) -> None:
            written.append(data)
            original(data)

        driver.write = spy  # type: ignore[method-assign]
        main = main_of(rig)
        device = rig.app.store.devices[main.device_table.cursor_key or ""]
        await pilot.press("c")
        assert top(rig) == "CopyScreen"
        await pilot.press("h")
        await pilot.pause()
        hostname = device.hostname or ""
        assert rig.app.clipboard == hostname
        osc = "\x1b]52;c;" + base64.b64encode(hostname.encode()).decode() + "\a"
        assert osc in written
        assert any(f"Copied hostname: {hostname}" in n.message for n in rig.app._notifications)
        # Marked rows: one value per line.
        await pilot.press("space", "space", "c", "u")
        assert rig.app.clipboard.count("\n") == 1


async def test_open_in_portal_without_a_browser_copies_the_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        device = rig.app.store.devices[main.device_table.cursor_key or ""]
        await pilot.press("o")
        assert rig.app.clipboard == device.portal_url
        assert device.portal_url and "/device/" in device.portal_url
        assert any("No browser reachable" in n.message for n in rig.app._notifications)


async def test_new_alert_toasts_are_rate_limited() -> None:
    rig = make_rig(bell=True)
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        app = rig.app
        assert isinstance(app, TriageApp)
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        app.clear_notifications()
        alerts = [app.store.alerts[k] for k in list(app.store.alerts)[:8]]
        critical = [a for a in alerts if a.priority_rank <= 1] or alerts
        toaster = app.alert_toaster
        storm = [c for c in critical for _ in range(4)][:12]
        from dataclasses import replace

        storm = [replace(a, priority="Critical") for a in storm]
        assert toaster.alerts_opened(storm) == 3
        toaster.flush()  # the window is still full: no summary yet
        await pilot.pause()
        assert len([n for n in app._notifications if n.title == "New alert"]) == 3
        rig.clock.advance(10)
        toaster.flush()
        await pilot.pause()
        summaries = [n for n in app._notifications if n.title == "New alerts"]
        assert len(summaries) == 1 and summaries[0].message.startswith("9 more new")
        assert len(rung) == 1
