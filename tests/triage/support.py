"""The dashboard with its triage features on the seeded fake, for Pilot and snapshot tests.

A manual clock at a fixed instant, a frozen seeded fake (8 sites, 60 devices, 12 alerts), the
real client through the in-process transport, and helpers to read the screen and the fake's log.
"""

from __future__ import annotations

from typing import Any

import httpx

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET
from tests.triage._transition import app_class
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
    profile = Profile(name="test", polls=PollIntervals(), keys=keys or {}, bell=bell)
    app = app_class()(
        client, profile=profile, clock=clock, demo=True, read_only=read_only, wall=wall
    )
    return Rig(app, service, clock, transport)


def main_of(rig: Rig) -> TriageScreen:
    screen = rig.app.main_screen
    assert isinstance(screen, TriageScreen)
    return screen


def writes(rig: Rig, fragment: str = "") -> list[Any]:
    """POST/PUT requests the fake saw (optionally whose path contains ``fragment``)."""
    return [
        r for r in rig.service.log if r.method in ("POST", "PUT") and fragment in r.path
    ]
