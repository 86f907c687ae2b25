"""Pictures of the triage features (pytest-textual-snapshot), deterministic by construction:
a manual clock at a fixed instant, the frozen seeded fake, fixed sizes, awaitable conditions.
Update with ``pytest tests/triage --snapshot-update`` after looking at the pictures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from datto_tui.tui.triage import TriageApp
from tests.triage.support import Rig, finish_workers, main_of, make_rig

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
SIZE = (120, 40)


def ready(rig: Rig, then: Callable[[Rig], Awaitable[None]] | None = None) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        await pilot.pause()
        if then is not None:
            await then(rig)
        await pilot.pause()

    return run_before


def test_filter_active(snap_compare: SnapCompare) -> None:
    """A typed filter with a toggle: the bar shows the text, the toggle and the count."""
    rig = make_rig()
    assert snap_compare(
        rig.app, terminal_size=SIZE, run_before=ready(rig), press=["O", "/", *"win", "enter"]
    )


def test_filter_invalid(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(
        rig.app, terminal_size=SIZE, run_before=ready(rig), press=["3", "/", *"prio:>=urgent"]
    )


def test_confirm_resolve(snap_compare: SnapCompare) -> None:
    """Two marked alerts: the confirmation lists them, Cancel is the default."""
    rig = make_rig()
    assert snap_compare(
        rig.app, terminal_size=SIZE, run_before=ready(rig), press=["3", "space", "space", "x"]
    )


async def _pick_restart_service(rig: Rig) -> None:
    main = main_of(rig)
    store = rig.app.store
    online = [
        u
        for u in main.devices_view.keys
        if store.devices[u].online and store.devices[u].device_class == "device"
    ][:3]
    main.device_table.set_marks(online)


def test_quick_job_form(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(
        rig.app,
        terminal_size=SIZE,
        run_before=ready(rig, _pick_restart_service),
        press=["J", *"restart", "down", "down", "enter"],
    )


def test_job_results(snap_compare: SnapCompare) -> None:
    """Three devices ran 'Flush DNS Cache'; the results list, then one device's output."""
    rig = make_rig()

    async def run(rig: Rig) -> None:
        await _pick_restart_service(rig)
        app = rig.app
        assert isinstance(app, TriageApp)
        components = await app.load_components()
        component = next(c for c in components if c.name == "Flush DNS Cache")
        from datto_tui.monitor.jobs import QuickJobPlan, QuickJobRun

        main = main_of(rig)
        devices = tuple(app.store.devices[u] for u in sorted(main.device_table.marked))
        app.start_quick_job(QuickJobRun.start(QuickJobPlan(component, "Flush DNS", {}, devices)))
        await finish_workers(rig, "quick-job", step=5.0)

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=ready(rig, run))


def test_job_output(snap_compare: SnapCompare) -> None:
    rig = make_rig()

    async def run(rig: Rig) -> None:
        app = rig.app
        assert isinstance(app, TriageApp)
        components = await app.load_components()
        component = next(c for c in components if c.name == "Check Disk Health (SMART)")
        from datto_tui.monitor.jobs import QuickJobPlan, QuickJobRun

        device = next(
            d
            for d in sorted(app.store.devices.values(), key=lambda d: d.uid)
            if d.online and d.device_class == "device"
        )
        app.start_quick_job(QuickJobRun.start(QuickJobPlan(component, "SMART", {}, (device,))))
        await finish_workers(rig, "quick-job", step=5.0)

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=ready(rig, run), press=["enter"])


def test_help_with_triage_keys(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(rig.app, terminal_size=(120, 48), run_before=ready(rig), press=["3", "?"])


def test_help_read_only(snap_compare: SnapCompare) -> None:
    """Read-only: no resolve, no quick job in the list of keys."""
    rig = make_rig(read_only=True)
    assert snap_compare(rig.app, terminal_size=(120, 48), run_before=ready(rig), press=["3", "?"])
