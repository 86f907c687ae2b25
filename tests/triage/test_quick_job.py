"""A quick job end to end on the fake: component -> form -> confirm -> run -> results."""

from __future__ import annotations

from datto_tui.monitor.jobs import JobState
from datto_tui.tui.screens.job_results import JobRunScreen
from datto_tui.tui.screens.quick_job import QuickJobFormScreen
from tests.triage.support import SIZE, finish_workers, main_of, make_rig, screen_text, top, writes


async def test_quick_job_end_to_end() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = main_of(rig)
        store = rig.app.store
        online = [
            u
            for u in main.devices_view.keys
            if store.devices[u].online and store.devices[u].device_class == "device"
        ][:2]
        printer = next(u for u, d in store.devices.items() if d.device_class != "device")
        main.device_table.set_marks([*online, printer])
        await pilot.press("J")
        await pilot.pause()
        assert top(rig) == "ComponentPickerScreen"
        await pilot.press(*"restart serv")
        await pilot.pause()
        assert "1 of" in screen_text(rig.app)
        await pilot.press("enter")
        await pilot.pause()
        form = rig.app.screen
        assert isinstance(form, QuickJobFormScreen)
        assert form.component.name == "Restart Service"
        # serviceName has no default: the form refuses to go on without it.
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert top(rig) == "QuickJobFormScreen"
        assert "serviceName needs a value" in screen_text(rig.app)
        await pilot.press(*"Spooler", "enter")
        await pilot.pause()
        assert top(rig) == "ConfirmScreen"
        text = screen_text(rig.app)
        assert "on 2 devices?" in text and "refused" in text
        await pilot.press("tab", "enter")
        await pilot.pause()
        screen = rig.app.screen
        assert isinstance(screen, JobRunScreen)
        await finish_workers(rig, "quick-job", step=2.0)
        await pilot.pause()
        puts = writes(rig, "/quickjob")
        assert len(puts) == 2
        jobs = {u: screen.job(u) for u in [*online, printer]}
        assert {j.state for u, j in jobs.items() if j and u != printer} == {JobState.DONE}
        refused = jobs[printer]
        assert refused is not None and refused.state is JobState.REFUSED
        text = screen_text(rig.app)
        assert "finished" in text and "refused" in text
        await pilot.press("enter")
        await pilot.pause()
        assert top(rig) == "JobOutputScreen"
        text = screen_text(rig.app)
        assert "Starting component 'Restart Service'" in text
        assert "── stdout ──" in text
        assert any("Quick job" in n.title for n in rig.app._notifications)
