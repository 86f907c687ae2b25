"""The wall on the seeded fake for tests: manual clock, small world, fixed sizes, no retries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeService
from datto_tui.tui.wall_app import WallApp
from tests.tui.support import START, ControlledTransport

__all__ = [
    "START",
    "ScriptedTransport",
    "WallRig",
    "advance",
    "make_wall",
    "screen_text",
    "settle",
]


class ScriptedTransport(httpx.AsyncBaseTransport):
    """Answers a request itself when ``answer(request)`` returns a response, else passes it on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.answer: Callable[[httpx.Request], httpx.Response | None] | None = None
        self.requests: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = self.answer(request) if self.answer is not None else None
        if response is None:
            response = await self.inner.handle_async_request(request)
        self.requests.append((request.method, request.url.path, response.status_code))
        return response


@dataclass
class WallRig:
    """One wall on one fake, sharing one manual clock."""

    app: WallApp
    service: FakeService
    clock: FakeClock
    transport: ControlledTransport
    client: DattoClient
    script: ScriptedTransport


def make_wall(
    *,
    sites: int = 8,
    devices: int = 60,
    alerts: int = 12,
    frozen: bool = True,
    hostile: bool = False,
    rotate: float | None = None,
    api_secret: str = DEMO_API_SECRET,
    polls: PollIntervals | None = None,
    token_ttl: float | None = None,
) -> WallRig:
    """A deterministic wall: manual clock at :data:`START`, seeded fake, no client retries."""
    clock = FakeClock(START, auto_advance=False)
    service = demo_service(
        clock, sites=sites, devices=devices, alerts=alerts, frozen=frozen, hostile=hostile
    )
    if token_ttl is not None:
        from dataclasses import replace

        from datto_tui.fakeapi import FakeService as Service

        service = Service(replace(service.config, token_ttl=token_ttl), clock=clock)
    transport = ControlledTransport(httpx.ASGITransport(app=service.asgi))
    script = ScriptedTransport(transport)
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=api_secret,
        clock=clock,
        transport=script,
        token_cache=None,
        max_attempts=1,
    )
    profile = Profile(name="test", polls=polls or PollIntervals())
    app = WallApp(client, profile=profile, clock=clock, demo=True, rotate=rotate)
    return WallRig(app, service, clock, transport, client, script)


async def settle(app: WallApp) -> None:
    """Let the poller finish what is due and the wall render it."""
    await app.poller.wait_idle()
    await app.wall_screen.settled()


async def advance(rig: WallRig, seconds: float, *, step: float = 1.0) -> None:
    """Move the manual clock forward in steps; due polls run and the wall ticks after each."""
    moved = 0.0
    while moved < seconds:
        delta = min(step, seconds - moved)
        rig.clock.advance(delta)
        moved += delta
        await settle(rig.app)
        rig.app.wall_screen.tick()


def screen_text(app: WallApp) -> str:
    """The plain text of the current screen, as the compositor renders it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
