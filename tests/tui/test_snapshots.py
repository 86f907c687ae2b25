"""Pictures of the dashboard (pytest-textual-snapshot), deterministic by construction.

A manual clock frozen at a fixed instant, a frozen seeded fake (8 sites, 60 devices, 12
alerts), fixed terminal sizes, and ``run_before`` hooks that wait for the poller's first cycle
(an awaitable, never a sleep). Update with ``pytest tests/tui --snapshot-update`` after
looking at the pictures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from datto_tui.monitor.events import Resource
from tests.tui.support import Rig, make_rig, path_is

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def ready(rig: Rig) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
def test_main_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    rig = make_rig()
    assert snap_compare(rig.app, terminal_size=size, run_before=ready(rig))


def test_site_selected(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(
        rig.app,
        terminal_size=(120, 40),
        run_before=ready(rig),
        press=["1", "down", "down", "down", "enter"],
    )


def test_device_detail(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(
        rig.app, terminal_size=(120, 40), run_before=ready(rig), press=["down", "down", "enter"]
    )


def test_alert_detail(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(
        rig.app, terminal_size=(120, 40), run_before=ready(rig), press=["3", "enter"]
    )


def test_help(snap_compare: SnapCompare) -> None:
    rig = make_rig()
    assert snap_compare(rig.app, terminal_size=(120, 40), run_before=ready(rig), press=["?"])


def test_loading(snap_compare: SnapCompare) -> None:
    """Sites and alerts are in; devices stopped after their first page (250 of 600)."""
    rig = make_rig(devices=600)
    rig.transport.hold = path_is("/api/v2/account/devices", min_page=1)

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.transport.held.wait()
        await rig.app.poller.wait_cycles(Resource.REQUEST_RATE, 1)
        await rig.app.main_screen.settled()
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(120, 40), run_before=run_before)


def test_stale_and_failing_polls(snap_compare: SnapCompare) -> None:
    """Twelve minutes later: alerts fail (500), devices hang (stale), sites are fresh."""
    rig = make_rig()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        rig.transport.fail = path_is("/api/v2/account/alerts/open")
        rig.transport.hold = path_is("/api/v2/account/devices")
        rig.clock.advance(720)
        await rig.app.poller.wait_cycles(Resource.ALERTS, 2)
        await rig.app.poller.wait_cycles(Resource.REQUEST_RATE, 2)
        await rig.transport.held.wait()
        await rig.app.main_screen.settled()
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(120, 40), run_before=run_before)


def test_auth_error(snap_compare: SnapCompare) -> None:
    rig = make_rig(api_secret="not-the-secret")

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.poller.wait_cycles(Resource.ACCOUNT, 1)
        await pilot.pause()
        assert type(rig.app.screen).__name__ == "ProblemScreen"

    assert snap_compare(rig.app, terminal_size=(100, 30), run_before=run_before)


def test_hostile_names(snap_compare: SnapCompare) -> None:
    """The hostile fake: markup, escapes and huge values render as inert text."""
    rig = make_rig(hostile=True)
    world = rig.service.world
    world.set_hostname(world.device_list[0].uid, "[/]\x1b]0;pwned\x07[bold]X")
    assert snap_compare(rig.app, terminal_size=(160, 45), run_before=ready(rig))
