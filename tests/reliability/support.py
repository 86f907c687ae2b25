"""The dashboard on the seeded fake, with a transport that can replace or rewrite answers.

:class:`ScriptedTransport` sits where the network would be (below the client's retries), so a
scripted answer takes exactly the path a real one would. It also records every request that
reached the wire (URL and whether it carried a bearer token) for the security tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import httpx
from rich.segment import Segment
from textual.strip import Strip

from datto_tui.api.client import DattoClient
from datto_tui.clock import FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.demo import DEMO_BASE_URL, demo_service
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeService
from datto_tui.monitor.events import Resource
from datto_tui.tui.app import DattoApp

#: The fixed instant every test starts at (2026-05-28 20:26:40 UTC).
START = 1_780_000_000.0
SIZE = (160, 45)
DEVICES = "/api/v2/account/devices"
ALERTS = "/api/v2/account/alerts/open"
SITES = "/api/v2/account/sites"

Answer = Callable[[httpx.Request], httpx.Response]
Edit = Callable[[Any, httpx.Request], Any]


@dataclass
class Rule:
    path_glob: str
    page: int | None
    times: int
    answer: Answer | None = None
    edit: Edit | None = None

    def matches(self, request: httpx.Request) -> bool:
        if not fnmatchcase(request.url.path, self.path_glob):
            return False
        return self.page is None or int(request.url.params.get("page", "0")) == self.page


@dataclass
class Sent:
    """One request as it went on the wire."""

    url: str
    host: str
    bearer: bool
    method: str


@dataclass
class ScriptedTransport(httpx.AsyncBaseTransport):
    """The fake's ASGI transport with scripted answers; see the module docstring."""

    inner: httpx.AsyncBaseTransport
    rules: list[Rule] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)

    def answer(
        self, path_glob: str, answer: Answer, *, page: int | None = None, times: int = 1000
    ) -> None:
        """Answer matching requests with ``answer(request)`` instead of the fake."""
        self.rules.append(Rule(path_glob, page, times, answer=answer))

    def edit(
        self, path_glob: str, edit: Edit, *, page: int | None = None, times: int = 1000
    ) -> None:
        """Pass matching requests to the fake and answer with ``edit(json_body, request)``."""
        self.rules.append(Rule(path_glob, page, times, edit=edit))

    def clear(self) -> None:
        self.rules.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        self.sent.append(
            Sent(
                str(request.url),
                request.url.host,
                auth.lower().startswith("bearer "),
                request.method,
            )
        )
        for rule in self.rules:
            if rule.times > 0 and rule.matches(request):
                rule.times -= 1
                if rule.answer is not None:
                    return rule.answer(request)
                real = await self.inner.handle_async_request(request)
                content = await real.aread()
                assert rule.edit is not None
                body = rule.edit(json.loads(content), request)
                return httpx.Response(real.status_code, json=body)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Rig:
    """One dashboard on one fake, sharing one manual clock."""

    app: DattoApp
    service: FakeService
    clock: FakeClock
    transport: ScriptedTransport
    client: DattoClient


def make_rig(
    *,
    sites: int = 8,
    devices: int = 60,
    alerts: int = 12,
    frozen: bool = True,
    hostile: bool = False,
    max_attempts: int = 1,
    seed: int = 7,
) -> Rig:
    """A deterministic dashboard: manual clock at :data:`START`, seeded fake, no retries."""
    clock = FakeClock(START, auto_advance=False)
    service = demo_service(
        clock,
        seed=seed,
        sites=sites,
        devices=devices,
        alerts=alerts,
        frozen=frozen,
        hostile=hostile,
    )
    transport = ScriptedTransport(httpx.ASGITransport(app=service.asgi))
    client = DattoClient(
        DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=transport,
        token_cache=None,
        max_attempts=max_attempts,
    )
    app = DattoApp(
        client, profile=Profile(name="test", polls=PollIntervals()), clock=clock, demo=True
    )
    return Rig(app, service, clock, transport, client)


async def settle(app: DattoApp) -> None:
    """Let the poller finish what is due and the screen render it."""
    await app.poller.wait_idle()
    await app.main_screen.settled()


async def advance(rig: Rig, seconds: float, *, step: float = 1.0) -> None:
    """Move the manual clock forward in steps, letting due polls run and render after each."""
    moved = 0.0
    while moved < seconds:
        delta = min(step, seconds - moved)
        rig.clock.advance(delta)
        moved += delta
        await settle(rig.app)


async def poll_once(rig: Rig, kind: Resource) -> None:
    """Poll ``kind`` now and wait until the attempt finished and the screen showed it."""
    before = rig.app.poller.cycles[kind]
    assert rig.app.poller.refresh_now(kind)
    await rig.app.poller.wait_cycles(kind, before + 1)
    await settle(rig.app)


def strips(app: DattoApp) -> list[Strip]:
    """The current screen as the compositor renders it (what goes to the terminal)."""
    return list(app.screen._compositor.render_strips())


def screen_text(app: DattoApp) -> str:
    return "\n".join(strip.text for strip in strips(app))


#: Characters from the data that must never reach the terminal as they are.
RAW_CONTROLS = ("\x1b", "\x07", "\x08", "\x00", "\x7f", "\x9b", "\u202e", "\r")


def raw_controls_in(lines: list[Strip]) -> list[str]:
    """Every segment text that holds a control character, an escape or a bidi override."""
    found: list[str] = []
    for strip in lines:
        for segment in strip:
            text = segment.text if isinstance(segment, Segment) else str(segment)
            if "\n" in text or any(c in text for c in RAW_CONTROLS):
                found.append(repr(text[:80]))
    return found
