"""Marks and resolving alerts through the UI: confirm, progress, outcomes, budget, store."""

from __future__ import annotations

from datto_tui.monitor.events import Resource
from datto_tui.tui.screens.resolve import ResolveScreen
from tests.triage.headless_support import posts_per_window
from tests.triage.support import SIZE, finish_workers, main_of, make_rig, screen_text, top, writes
from tests.tui.support import advance


async def test_marked_alerts_are_confirmed_resolved_and_leave_the_pane() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        await pilot.press("3", "space", "space")
        table = main.alert_table
        marked = set(table.marked)
        assert len(marked) == 2
        await pilot.pause()
        assert "2 marked" in screen_text(rig.app)
        await pilot.press("x")
        assert top(rig) == "ConfirmScreen"
        text = screen_text(rig.app)
        assert "Resolve 2 alerts?" in text
        # Enter alone hits the default button: Cancel. Nothing is sent.
        await pilot.press("enter")
        assert top(rig) != "ConfirmScreen"
        assert not writes(rig, "/resolve")
        assert marked <= set(rig.app.store.alerts)
        # Again, and this time confirm (Tab to the Resolve button).
        await pilot.press("x", "tab", "enter")
        await finish_workers(rig, "resolve")
        await pilot.pause()
        assert len(writes(rig, "/resolve")) == 2
        for uid in marked:
            assert uid not in rig.app.store.alerts
            assert uid not in main.alerts_view
        assert not table.marked
        assert top(rig) != "ResolveScreen"  # all resolved: closes itself
        assert any("Resolved 2 alerts" in n.message for n in rig.app._notifications)
        # The next poll confirms: they stay gone.
        await advance(rig, 30)
        assert rig.app.poller.cycles[Resource.ALERTS] >= 2
        assert not marked & set(rig.app.store.alerts)


async def test_partial_failure_is_shown_and_the_failed_alert_stays() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        view = main.alerts_view
        first, second, third = view.key_at(0), view.key_at(1), view.key_at(2)
        rig.service.faults.once(f"/api/v2/alert/{second}/resolve", "500", method="POST")
        rig.service.world.resolve_alert(third)  # resolved elsewhere: the service still says 200
        rig.service.world.alerts.pop(third)  # ... or forgets it: 404
        await pilot.press("3", "space", "space", "space", "x", "tab", "enter")
        await finish_workers(rig, "resolve")
        await pilot.pause()
        screen = rig.app.screen
        assert isinstance(screen, ResolveScreen)  # kept open: something failed
        text = screen_text(rig.app)
        assert "Resolved 1 alert; 1 already resolved; 1 failed" in text
        assert "✗ failed" in text and "✓ resolved" in text and "already resolved" in text
        assert second in rig.app.store.alerts and second in view
        assert first not in rig.app.store.alerts and third not in rig.app.store.alerts
        assert len(writes(rig, "/resolve")) == 3  # one each, the failure not retried
        await pilot.press("escape")
        assert top(rig) != "ResolveScreen"


async def test_bulk_resolve_respects_the_write_share_and_shows_progress() -> None:
    rig = make_rig(alerts=12, write_share=0.05)  # 5 writes per 60 s
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        alerts = list(main.alerts_view.keys)[:8]
        await pilot.press("3")
        main.alert_table.set_marks(alerts)
        await pilot.press("x", "tab", "enter")
        await pilot.pause()
        seen_waiting = False
        for _ in range(200):
            running = [w for w in rig.app.workers if w.group == "resolve" and not w.is_finished]
            if not running:
                break
            rig.clock.advance(1.0)
            await pilot.pause()
            if "waiting" in screen_text(rig.app) and "write budget" in screen_text(rig.app):
                seen_waiting = True
        await finish_workers(rig, "resolve")
        times = [r.time for r in writes(rig, "/resolve")]
        assert len(times) == 8
        assert posts_per_window(times) <= 5
        assert seen_waiting
        assert not [r for r in rig.service.log if r.status == 429]


async def test_resolving_from_the_device_table_covers_its_alerts() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        store = rig.app.store
        uid = next(d for d in main.devices_view.keys if store.alert_uids_for_device(d))
        expected = set(store.alert_uids_for_device(uid))
        main.device_table.move_cursor(key=uid)
        await pilot.press("x")
        assert top(rig) == "ConfirmScreen"
        await pilot.press("tab", "enter")
        await finish_workers(rig, "resolve")
        assert {r.path.split("/")[4] for r in writes(rig, "/resolve")} == expected
        assert not store.alert_uids_for_device(uid)
