"""Pictures of hostile data: the main screen, a device detail and an alert detail.

Deterministic like every snapshot here: a manual clock frozen at a fixed instant, a frozen
seeded fake with every hostile payload planted (:mod:`tests.reliability.hostile_world`), a
fixed terminal size, and ``run_before`` hooks that wait on awaitables, never on time. Update
with ``pytest tests/reliability --snapshot-update`` after looking at the pictures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tests.reliability.hostile_world import hostile_rig
from tests.reliability.support import SIZE

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


def test_hostile_main_screen(snap_compare: SnapCompare) -> None:
    rig, planted = hostile_rig()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        await pilot.pause()
        rig.app.main_screen.device_table.move_cursor(key=planted.device_uids[2])
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=run_before)


def test_hostile_device_detail(snap_compare: SnapCompare) -> None:
    rig, planted = hostile_rig()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        rig.app.main_screen.device_table.move_cursor(key=planted.combo_device)
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=run_before, press=["enter"])


def test_hostile_alert_detail(snap_compare: SnapCompare) -> None:
    rig, planted = hostile_rig()

    async def run_before(pilot: Pilot[Any]) -> None:
        await rig.app.data_ready()
        table = rig.app.main_screen.alert_table
        table.focus()
        table.move_cursor(key=planted.combo_alert)
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=SIZE, run_before=run_before, press=["enter"])
