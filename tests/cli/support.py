"""Running the command line against the in-process fake service."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import httpx

from datto_tui import cli
from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService

BASE_URL = "http://fake.localhost"
ENV: dict[str, str] = {
    "DATTO_API_URL": BASE_URL,
    "DATTO_API_KEY": DEMO_API_KEY,
    "DATTO_API_SECRET": DEMO_API_SECRET,
}


class TickingTransport(httpx.AsyncBaseTransport):
    """Moves the fake clock forward before every request, so time passes while paging (a token
    can expire between two pages) without any real waiting."""

    def __init__(self, inner: httpx.AsyncBaseTransport, clock: FakeClock, step: float) -> None:
        self._inner = inner
        self._clock = clock
        self._step = step

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._clock.advance(self._step)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Harness:
    """A fake service on a fake clock, and a way to run ``datto-tui`` against it."""

    service: FakeService
    clock: FakeClock
    env: dict[str, str] = field(default_factory=lambda: dict(ENV))
    tick: float = 0.0

    def transport(self) -> httpx.AsyncBaseTransport:
        inner = httpx.ASGITransport(app=self.service.asgi)
        return TickingTransport(inner, self.clock, self.tick) if self.tick else inner

    def run(self, *argv: str, env: dict[str, str] | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(
            list(argv),
            transport=self.transport(),
            clock=self.clock,
            env=dict(self.env if env is None else env),
            stdout=out,
            stderr=err,
        )
        return Result(code, out.getvalue(), err.getvalue())


def harness(tick: float = 0.0, **config: object) -> Harness:
    options: dict[str, object] = {"seed": 11, "sites": 12, "devices": 600, "alerts": 40}
    options.update(config)
    clock = FakeClock()
    service = FakeService(FakeConfig(**options), clock=clock)  # type: ignore[arg-type]
    return Harness(service, clock, tick=tick)
