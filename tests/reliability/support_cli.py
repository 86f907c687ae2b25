"""Running ``datto-tui`` (``cli.main``) against the in-process fake, capturing everything."""

from __future__ import annotations

import io
from dataclasses import dataclass

import httpx

from datto_tui import cli
from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, FakeConfig, FakeService

BASE_URL = "http://fake.localhost"
#: A secret only these tests know: every output is searched for it.
SECRET = "Reliability-Secret-7f3c9a1e-not-public"


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class CliRig:
    service: FakeService
    clock: FakeClock
    env: dict[str, str]

    def run(self, *argv: str, transport: httpx.AsyncBaseTransport | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(
            list(argv),
            transport=transport or httpx.ASGITransport(app=self.service.asgi),
            clock=self.clock,
            env=dict(self.env),
            stdout=out,
            stderr=err,
        )
        return Result(code, out.getvalue(), err.getvalue())

    @property
    def tokens(self) -> list[str]:
        """Every token the fake issued."""
        return list(self.service.auth._tokens)


def cli_rig(**config: object) -> CliRig:
    """A frozen fake (secret :data:`SECRET`) and the environment that points the CLI at it."""
    options: dict[str, object] = {
        "seed": 11,
        "sites": 12,
        "devices": 300,
        "alerts": 40,
        "frozen": True,
        "api_secret": SECRET,
    }
    options.update(config)
    clock = FakeClock()
    service = FakeService(FakeConfig(**options), clock=clock)  # type: ignore[arg-type]
    env = {"DATTO_API_URL": BASE_URL, "DATTO_API_KEY": DEMO_API_KEY, "DATTO_API_SECRET": SECRET}
    return CliRig(service, clock, env)
