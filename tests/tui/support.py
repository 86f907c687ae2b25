"""Building the dashboard on the seeded fake for tests: frozen clock, small world, fixed size."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeService
from datto_tui.tui.app import DattoApp

#: The fixed instant every test starts at (2026-05-28 20:26:40 UTC).
START = 1_780_000_000.0

Predicate = Callable[[httpx.Request], bool]


class ControlledTransport(httpx.AsyncBaseTransport):
    """The fake's ASGI transport, with requests that can be held or failed on demand.

    ``hold``: matching requests wait until :meth:`release` (``held`` is set when one arrives).
    ``fail``: matching requests get a 500 without reaching the fake.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold: Predicate | None = None
        self.fail: Predicate | None = None
        self.held = asyncio.Event()
        self._released = asyncio.Event()

    def release(self) -> None:
        self.hold = None
        self._released.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail is not None and self.fail(request):
            return httpx.Response(
                500,
                json={"status": 500, "error": "Internal Server Error", "path": request.url.path},
            )
        if self.hold is not None and self.hold(request):
            self.held.set()
            await self._released.wait()
        return await self.inner.handle_async_request(request)


def path_is(path: str, *, min_page: int | None = None) -> Predicate:
    """A predicate on the request path (and optionally the page number)."""

    def check(request: httpx.Request) -> bool:
        if request.url.path != path:
            return False
        if min_page is None:
            return True
        return int(request.url.params.get("page", "0")) >= min_page

    return check


@dataclass
class Rig:
    """One dashboard on one fake, sharing one manual clock."""

    app: DattoApp
    service: FakeService
    clock: FakeClock
    transport: ControlledTransport


def make_rig(
    *,
    sites: int = 8,
    devices: int = 60,
    alerts: int = 12,
    frozen: bool = True,
    hostile: bool = False,
    api_secret: str = DEMO_API_SECRET,
    max_attempts: int = 1,
    polls: PollIntervals | None = None,
) -> Rig:
    """A deterministic dashboard: manual clock at :data:`START`, seeded fake, no retries."""
    clock = FakeClock(START, auto_advance=False)
    service = demo_service(
        clock, sites=sites, devices=devices, alerts=alerts, frozen=frozen, hostile=hostile
    )
    transport = ControlledTransport(httpx.ASGITransport(app=service.asgi))
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=api_secret,
        clock=clock,
        transport=transport,
        token_cache=None,
        max_attempts=max_attempts,
    )
    profile = Profile(name="test", polls=polls or PollIntervals())
    app = DattoApp(client, profile=profile, clock=clock, demo=True)
    return Rig(app, service, clock, transport)


async def settle(app: DattoApp) -> None:
    """Let the poller finish what is due and the screen render it."""
    await app.poller.wait_idle()
    await app.main_screen.settled()


async def advance(rig: Rig, seconds: float, *, step: float | None = None) -> None:
    """Move the manual clock forward (in steps, if given), letting due polls run and render
    after each move. One step is enough unless a poll must run several times."""
    moved = 0.0
    step = seconds if step is None else step
    while moved < seconds:
        delta = min(step, seconds - moved)
        rig.clock.advance(delta)
        moved += delta
        await settle(rig.app)


def screen_lines(app: DattoApp) -> list[str]:
    """The plain text of the current screen, line by line, as the compositor renders it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: DattoApp) -> str:
    return "\n".join(screen_lines(app))
