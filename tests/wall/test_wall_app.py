"""The wall in a headless app on the seeded fake: views, rotation, read-only, failures, health.

Time is a manual ``FakeClock`` shared by the fake, the client and the poller; the tests move it
and await the poller and the screen (no real sleeps).
"""

from __future__ import annotations

import logging
import random
from typing import Any
from unittest import mock

import httpx
import pytest
from textual.widget import Widget

from datto_tui.config import PollIntervals
from datto_tui.monitor.events import Resource
from datto_tui.tui.keys import MUTATING_ACTIONS
from datto_tui.tui.screens.help import HelpScreen
from datto_tui.tui.screens.wall import WallScreen
from datto_tui.tui.wall_app import WALL_ACTIONS, WallApp
from datto_tui.tui.widgets.counters import CounterRow
from datto_tui.tui.widgets.quiet import QuietLabel
from datto_tui.tui.widgets.wall_list import WallList
from tests.wall.support import WallRig, advance, make_wall, screen_text, settle

SIZE = (160, 45)
TOKEN_PATH = "/auth/oauth/token"


def wall(app: WallApp) -> WallScreen:
    return app.wall_screen


def banner_text(app: WallApp) -> str:
    return " | ".join(b.text for b in wall(app).query(".banner").results(QuietLabel) if b.text)


def rotation_text(app: WallApp) -> str:
    return wall(app).query_one("#wall-rotation", QuietLabel).text


def writes(rig: WallRig) -> list[tuple[str, str, int]]:
    """Requests that were not reads (the token grant aside)."""
    return [r for r in rig.script.requests if r[0] != "GET" and r[1] != TOKEN_PATH]


async def test_shows_counters_lists_and_account() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.pause()
        texts = wall(rig.app).query_one(CounterRow).texts()
        totals = rig.app.store.totals
        assert texts["critical"] == f"CRITICAL {totals.alerts_by_rank[0]} ACT NOW"
        assert texts["online"].startswith(f"ONLINE {totals.online} of ")
        newest = wall(rig.app).query_one("#newest", WallList)
        assert len(newest.rows) == len(rig.app.store.alerts) == 12
        text = screen_text(rig.app)
        assert "Northwind IT Services" in text
        assert "NEWEST ALERTS · 12 open" in text and "WORST SITES" in text
        assert "▲ 1 CRITICAL ALERT OPEN" in text
        assert wall(rig.app).query_one("#wall-header").has_class("-critical")
        assert banner_text(rig.app) == ""


async def test_rotation_moves_on_and_pauses_while_keys_are_pressed() -> None:
    rig = make_wall(rotate=30)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        screen = wall(rig.app)
        assert screen.view == "overview"
        await advance(rig, 30, step=10)
        assert screen.view == "alerts"
        assert rotation_text(rig.app) == "○ ● ○  Alerts · rotating every 30 s"
        await pilot.press("x")  # any key: someone is looking
        await advance(rig, 110, step=10)
        assert screen.view == "alerts"
        assert "rotation held (resumes 2 min after the last key)" in rotation_text(rig.app)
        await advance(rig, 40, step=10)  # 2 min idle, then a full interval
        assert screen.view == "sites"
        await pilot.press("p")
        await advance(rig, 300, step=30)
        assert screen.view == "sites"
        assert "rotation PAUSED" in rotation_text(rig.app)
        await pilot.press("p")
        await pilot.press("1")
        assert screen.view == "overview"
        await pilot.press("space")
        assert screen.view == "alerts"
        assert screen.query_one("#wall-views").current == "alerts"  # type: ignore[attr-defined]


async def test_no_key_in_wall_mode_reaches_a_write() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        app = rig.app
        assert not app.ENABLE_COMMAND_PALETTE
        seen: dict[str, str] = {}
        for screen_factory in (lambda: wall(app), lambda: HelpScreen([])):
            screen = screen_factory()
            if isinstance(screen, HelpScreen):
                await app.push_screen(screen)
                await pilot.pause()
            for key, active in app.screen.active_bindings.items():
                seen[key] = active.binding.action
            if isinstance(screen, HelpScreen):
                app.pop_screen()
                await pilot.pause()
        actions = {
            a.removeprefix("app.").removeprefix("screen.").split("(")[0] for a in seen.values()
        }
        # The wall's own actions, plus Textual's scrolling, copying and closing of the help.
        harmless = WALL_ACTIONS | {
            "close", "copy_text", "page_left", "page_right", "scroll_left", "scroll_right"
        }  # fmt: skip
        assert actions <= harmless, actions - harmless
        assert not actions & MUTATING_ACTIONS
        # Every bound key pressed: still only reads (and the token grant) on the wire.
        for key in sorted(seen):
            if key in ("q", "ctrl+q", "ctrl+c"):
                continue
            await pilot.press(key)
            await pilot.pause()
            if not isinstance(app.screen, WallScreen):
                app.pop_screen()
        await pilot.press("ctrl+p")  # the command palette does not exist here
        assert isinstance(app.screen, WallScreen)
        # Write actions called by name are refused.
        for action in sorted(MUTATING_ACTIONS | {"resolve_alert", "quick_job", "command_palette"}):
            assert await app.run_action(action) is False
        await settle(app)
        assert writes(rig) == []
        assert rig.service.log.matching(kind="write") == []


async def test_a_dialog_left_open_closes_when_nobody_is_there() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.press("question_mark")
        assert isinstance(rig.app.screen, HelpScreen)
        await advance(rig, 60, step=30)
        rig.app.close_idle_dialogs()
        assert isinstance(rig.app.screen, HelpScreen)  # someone may still be reading
        await advance(rig, 90, step=30)
        rig.app.close_idle_dialogs()
        await pilot.pause()
        assert isinstance(rig.app.screen, WallScreen)


async def test_resizes_at_random_moments_do_not_break_the_wall() -> None:
    rig = make_wall(frozen=False, alerts=30)
    rng = random.Random(5)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        for _ in range(6):
            size = (rng.randint(20, 220), rng.randint(5, 70))
            await pilot.resize_terminal(*size)
            if rng.random() < 0.5:
                rig.clock.advance(rng.choice((1, 15, 31)))
            await settle(rig.app)
            await pilot.pause()
            assert rig.app.is_running
        await pilot.resize_terminal(80, 24)
        await settle(rig.app)
        await pilot.pause()
        screen = wall(rig.app)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        newest = screen.query_one("#newest", WallList)
        assert 0 < len(newest.lines_text()) <= newest.size.height
        # Nothing scrolls on a wall: every region fits the screen.
        assert all(w.max_scroll_y == 0 for w in screen.query(Widget))


async def test_stale_data_keeps_the_last_rows_and_says_why() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        devices_before = [row[2].text for row in wall(rig.app).query_one("#newest", WallList).rows]
        rig.transport.fail = lambda r: r.url.path == "/api/v2/account/alerts/open"
        await advance(rig, 240, step=10)
        text = banner_text(rig.app)
        assert text.startswith("DATA STALE — alerts last updated 4 min ago: service error 500")
        assert "(retrying in " in text
        # The last good rows stay (their ages move on).
        assert [row[2].text for row in wall(rig.app).query_one("#newest", WallList).rows] == (
            devices_before
        )
        assert "updated 4 min ago · FAILING" in screen_text(rig.app)
        rig.transport.fail = None
        await advance(rig, 240, step=10)  # the backoff (up to 4 min here) runs out
        await pilot.pause()
        assert banner_text(rig.app) == ""
        assert "FAILING" not in screen_text(rig.app)


async def test_refused_credentials_mid_run_show_retry_slowly_and_recover(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="datto_tui")
    rig = make_wall()

    def refuse(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(401, json={"error": "unauthorized", "error_description": "Bad"})

    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        rig.script.answer = refuse
        before = len(rig.script.requests)
        await advance(rig, 1800, step=30)
        assert isinstance(rig.app.screen, WallScreen)  # no dialog on a wall
        assert "credentials refused" in banner_text(rig.app)
        refused = len(rig.script.requests) - before
        # 5 resources backing off to 10 min: a slow pace, not a hammering.
        assert refused < 80, refused
        rig.script.answer = None
        await advance(rig, 660, step=30)
        await pilot.pause()
        assert banner_text(rig.app) == ""
        assert any("poll recovered" in r.getMessage() for r in caplog.records)
        assert "Bad" not in caplog.text or "Bearer" not in caplog.text


async def test_ip_block_is_shown_and_ends_by_itself() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        rig.client.budget.note_rate_limited(None)  # a 429 a moment ago...
        await advance(rig, 61, step=61)
        blocked = True

        def forbid(request: httpx.Request) -> httpx.Response | None:
            return httpx.Response(403, json={"error": "Forbidden"}) if blocked else None

        rig.script.answer = forbid  # ...and now 403s: the service blocks the IP
        rig.app.poller.refresh_now(Resource.ALERTS)
        await advance(rig, 5, step=5)
        assert rig.client.budget.snapshot().ip_blocked
        assert banner_text(rig.app).startswith("IP BLOCKED — the service refuses this IP")
        blocked = False
        await advance(rig, 360, step=30)
        await pilot.pause()
        assert not rig.client.budget.snapshot().ip_blocked
        assert banner_text(rig.app) == ""


async def test_token_is_refreshed_long_before_it_expires() -> None:
    # Tokens living 20 min: refreshed in the last 5 min of their life (a quarter of it), while
    # the wall idles; never used once expired.
    rig = make_wall(token_ttl=1200.0, polls=PollIntervals(alerts=120, devices=600, sites=900))
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await advance(rig, 3600 + 120, step=120)
        await pilot.pause()
        grants = [r for r in rig.script.requests if r[1] == TOKEN_PATH]
        assert len(grants) >= 4  # the first, then one every 15 min or so
        assert all(r[2] == 200 for r in grants)
        assert not [r for r in rig.script.requests if r[2] == 401]
        expires = rig.client.token_expires_at
        assert expires is not None and (expires - rig.clock.now()).total_seconds() > 300


async def test_the_tick_repaints_only_the_clock() -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await pilot.pause()
        wall(rig.app).tick()
        await pilot.pause()
        refreshed: list[Widget] = []
        original = Widget.refresh

        def spy(self: Widget, *args: Any, **kwargs: Any) -> Widget:
            refreshed.append(self)
            return original(self, *args, **kwargs)

        with mock.patch.object(Widget, "refresh", spy):
            for _ in range(5):
                rig.clock.advance(1)
                wall(rig.app).tick()
        ids = {w.id for w in refreshed}
        assert ids == {"clock-seconds", "wall-small-clock"}, ids


async def test_errors_in_rendering_never_escape(caplog: pytest.LogCaptureFixture) -> None:
    rig = make_wall()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        with mock.patch(
            "datto_tui.tui.screens.wall.newest_alerts", side_effect=RuntimeError("boom")
        ):
            rig.transport.fail = lambda r: "alerts" in r.url.path
            await advance(rig, 90, step=30)
            wall(rig.app).tick()
            rig.app.poller.refresh_now()
            await settle(rig.app)
        await pilot.pause()
        assert rig.app.is_running
        assert "could not render" in caplog.text


async def test_memory_stays_bounded_on_a_live_account() -> None:
    polls = PollIntervals(alerts=120, devices=600, sites=900)
    rig = make_wall(frozen=False, alerts=40, devices=120, polls=polls)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        await advance(rig, 3600, step=120)
        await pilot.pause()
        store = rig.app.store
        assert len(store.recent_events()) <= 500
        assert len(store._tombstones) <= 5000
        assert set(store.alert_first_seen) <= set(store.alerts) | set(store.pending_resolves)
        assert len(rig.app._notifications) == 0  # the wall raises no toasts
        for table in wall(rig.app).query(WallList):
            assert len(table._strips) <= max(1, table.size.height)
        assert len(rig.service.log) <= rig.service.config.log_size
