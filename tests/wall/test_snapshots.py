"""Pictures of the wall (pytest-textual-snapshot), deterministic by construction.

A manual clock frozen at a fixed instant (shown by the wall's clock), a frozen seeded fake (8
sites, 60 devices, 12 alerts), fixed terminal sizes, and ``run_before`` hooks that wait for the
poller (awaitables, never sleeps). Update with ``pytest tests/wall --snapshot-update`` after
looking at every picture.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from datto_tui.monitor.events import Resource
from tests.wall.support import WallRig, advance, make_wall, settle

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def ready(rig: WallRig) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        rig.app.wall_screen.tick()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (160, 45), (300, 90)])
def test_wall(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    rig = make_wall()
    assert snap_compare(rig.app, terminal_size=size, run_before=ready(rig))


def test_wall_no_alerts(snap_compare: SnapCompare) -> None:
    rig = make_wall(alerts=0)
    assert snap_compare(rig.app, terminal_size=(120, 36), run_before=ready(rig))


def test_wall_stale(snap_compare: SnapCompare) -> None:
    """Twelve minutes on: alerts fail (500) and are stale; the last rows stay on screen."""
    rig = make_wall()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        rig.transport.fail = lambda r: r.url.path == "/api/v2/account/alerts/open"
        rig.clock.advance(720)
        await settle(rig.app)
        rig.app.wall_screen.tick()
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(160, 45), run_before=run_before)


def test_wall_ip_blocked(snap_compare: SnapCompare) -> None:
    """A 429, then 403s: the service blocks the IP; the wall says so and keeps the data."""
    rig = make_wall()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        rig.client.budget.note_rate_limited(None)
        await advance(rig, 61, step=61)
        rig.script.answer = lambda r: httpx.Response(403, json={"error": "Forbidden"})
        rig.app.poller.refresh_now(Resource.ALERTS)
        await advance(rig, 5, step=5)
        assert rig.client.budget.snapshot().ip_blocked
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(120, 36), run_before=run_before)
