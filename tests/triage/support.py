"""The dashboard with its triage features on the seeded fake, for Pilot and snapshot tests.

A manual clock at a fixed instant, a frozen seeded fake (8 sites, 60 devices, 12 alerts), the
real client through the in-process transport, and helpers to read the screen and the fake's log.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET
from datto_tui.tui.app import DattoApp
from datto_tui.tui.triage import TriageScreen
from tests.tui.support import START, ControlledTransport, Rig, screen_lines, screen_text

__all__ = ["START", "Rig", "make_rig", "screen_lines", "screen_text"]

SIZE = (160, 45)


def make_rig(
    *,
    sites: int = 8,
    devices: int = 60,
    alerts: int = 12,
    read_only: bool = False,
    wall: bool = False,
    keys: dict[str, str] | None = None,
    bell: bool = False,
    write_share: float = 0.5,
    auto_advance: bool = False,
    hostile: bool = False,
    profile_read_only: bool = False,
) -> Rig:
    """A deterministic dashboard (see the module docstring)."""
    clock = FakeClock(START, auto_advance=auto_advance)
    service = demo_service(
        clock, sites=sites, devices=devices, alerts=alerts, frozen=True, hostile=hostile
    )
    transport = ControlledTransport(httpx.ASGITransport(app=service.asgi))
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=transport,
        token_cache=None,
        max_attempts=1,
        write_share=write_share,
    )
    profile = Profile(
        name="test",
        polls=PollIntervals(),
        keys=keys or {},
        bell=bell,
        read_only=profile_read_only,
    )
    app = DattoApp(client, profile=profile, clock=clock, demo=True, read_only=read_only, wall=wall)
    return Rig(app, service, clock, transport)


def main_of(rig: Rig) -> TriageScreen:
    screen = rig.app.main_screen
    assert isinstance(screen, TriageScreen)
    return screen


def writes(rig: Rig, fragment: str = "") -> list[Any]:
    """POST/PUT requests the fake saw (optionally whose path contains ``fragment``)."""
    return [
        r
        for r in rig.service.log
        if r.method in ("POST", "PUT") and r.path.startswith("/api/") and fragment in r.path
    ]


async def finish_workers(rig: Rig, group: str, *, step: float = 1.0, limit: float = 900.0) -> None:
    """Await the app's workers of ``group``, moving the manual clock while they wait on it."""
    from tests.tui.support import settle

    moved = 0.0
    while True:
        running = [w for w in rig.app.workers if w.group == group and not w.is_finished]
        if not running:
            break
        await settle(rig.app)
        for _ in range(5):  # let in-flight requests (no clock involved) complete
            await asyncio.sleep(0)
        running = [w for w in rig.app.workers if w.group == group and not w.is_finished]
        if not running:
            break
        if moved >= limit:
            raise AssertionError(f"workers of {group!r} still running after {limit} s")
        rig.clock.advance(step)
        moved += step
    await settle(rig.app)


def top(rig: Rig) -> str:
    """The class name of the screen on top (a string: no type narrowing in the tests)."""
    return type(rig.app.screen).__name__
