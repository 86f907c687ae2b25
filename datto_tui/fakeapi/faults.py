"""Injected faults: seeded profiles and single faults for tests.

Kinds (``FAULT_KINDS``):

- ``"500"``, ``"503"``: Spring error body with that status.
- ``"502"``, ``"html"``: 502 with an HTML page, as a load balancer sends it.
- ``"504"``: 504 with an HTML gateway-timeout page.
- ``"reset"``: the connection drops before any response. In process the ASGI app raises
  ``ConnectionResetFault``, a subclass of ``httpx.ReadError``, which ``httpx.ASGITransport``
  passes through unchanged (``raise_app_exceptions=True``, its default), so a client sees the
  same transport error as for a real reset. Under uvicorn the dropped connection surfaces as
  ``httpx.RemoteProtocolError``. (The class is built on first use: importing httpx loads Rich
  when it is installed, and the fake itself must not.)
- ``"reset_after"``: the request is processed (a write takes effect), then the connection drops.
- ``"truncated"``: 200 whose JSON body is cut in half (well-formed HTTP, broken JSON).
- ``"latency:<seconds>"``: the answer is delayed on the service clock, then served normally.
- ``"revoke_token"``: the bearer token of the request is revoked; the request gets 401.
- ``"429"``: one 429 (does not count towards the IP block).

Profiles (``FakeConfig.faults``) draw faults per API request from a generator seeded by the seed
and the request's sequence number, so the same sequence of requests meets the same faults:
``flaky`` (about 5 %: 500, 503, 504, latency) and ``chaos`` (about 20 %: also resets, truncated
JSON, HTML pages, token revocation and bursts of 429). The token endpoint is left alone by the
profiles; single faults may target it.

Single faults: ``svc.faults.once(path_glob="/api/v2/account/devices", page=2, kind="500")`` fires
on the next request whose path matches the glob (and whose ``page`` parameter equals ``page``
when given; absent counts as 0), ``times`` times, before any profile fault.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from datto_tui.clock import Clock
from datto_tui.fakeapi.wire import Request

FAULT_KINDS = (
    "500",
    "502",
    "503",
    "504",
    "reset",
    "reset_after",
    "truncated",
    "html",
    "latency:<seconds>",
    "revoke_token",
    "429",
)

_FLAKY: tuple[tuple[str, float], ...] = (
    ("500", 0.015),
    ("503", 0.005),
    ("504", 0.01),
    ("latency", 0.02),
)
_CHAOS: tuple[tuple[str, float], ...] = (
    ("500", 0.03),
    ("502", 0.015),
    ("html", 0.01),
    ("503", 0.01),
    ("504", 0.02),
    ("reset", 0.02),
    ("reset_after", 0.005),
    ("truncated", 0.02),
    ("latency", 0.03),
    ("revoke_token", 0.003),
    ("429burst", 0.01),
)


@cache
def connection_reset_fault() -> type[Exception]:
    """``ConnectionResetFault``: the ``httpx.ReadError`` the app raises to drop a connection."""
    import httpx

    class ConnectionResetFault(httpx.ReadError):
        """Raised by the ASGI app to drop the connection (``reset`` faults)."""

    return ConnectionResetFault


def __getattr__(name: str) -> Any:
    if name == "ConnectionResetFault":
        return connection_reset_fault()
    raise AttributeError(name)


def validate_kind(kind: str) -> str:
    """``kind`` if it names a fault, else ValueError."""
    if kind.startswith("latency:"):
        float(kind.split(":", 1)[1])
        return kind
    if kind not in FAULT_KINDS or kind == "latency:<seconds>":
        raise ValueError(f"unknown fault kind {kind!r}; kinds: {', '.join(FAULT_KINDS)}")
    return kind


@dataclass(slots=True)
class OnceFault:
    path_glob: str
    kind: str
    page: int | None
    method: str | None
    remaining: int


@dataclass(frozen=True, slots=True)
class FiredFault:
    time: float
    method: str
    path: str
    kind: str


class Faults:
    """Decides which fault, if any, a request meets."""

    def __init__(self, profile: str, seed: int, clock: Clock) -> None:
        self.profile = profile
        self._seed = seed
        self._clock = clock
        self._once: list[OnceFault] = []
        self._sequence = 0
        self._burst = 0
        self.fired: deque[FiredFault] = deque(maxlen=1000)
        """The most recent faults that fired (time, method, path, kind)."""

    def once(
        self,
        path_glob: str,
        kind: str,
        *,
        page: int | None = None,
        method: str | None = None,
        times: int = 1,
    ) -> None:
        """Fire ``kind`` on the next ``times`` requests matching ``path_glob`` (and ``page``)."""
        self._once.append(OnceFault(path_glob, validate_kind(kind), page, method, times))

    def clear(self) -> None:
        """Drop pending single faults and any running burst."""
        self._once.clear()
        self._burst = 0

    @property
    def pending(self) -> int:
        return sum(f.remaining for f in self._once)

    def decide(self, req: Request, *, profile_applies: bool) -> str | None:
        """The fault ``req`` meets, or None. Consumes single faults; advances the profile."""
        kind = self._match_once(req)
        if kind is None and profile_applies and self.profile != "none":
            kind = self._from_profile()
        if kind is not None:
            self.fired.append(FiredFault(self._clock.time(), req.method, req.path, kind))
        return kind

    def _match_once(self, req: Request) -> str | None:
        for fault in self._once:
            if not fnmatchcase(req.path, fault.path_glob):
                continue
            if fault.method is not None and fault.method.upper() != req.method:
                continue
            if fault.page is not None:
                try:
                    page = int(req.arg("page") or 0)
                except ValueError:
                    continue
                if page != fault.page:
                    continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._once.remove(fault)
            return fault.kind
        return None

    def _from_profile(self) -> str | None:
        self._sequence += 1
        if self._burst > 0:
            self._burst -= 1
            return "429"
        rng = random.Random((self._seed << 32) ^ self._sequence ^ 0xFA17)
        table = _CHAOS if self.profile == "chaos" else _FLAKY
        point = rng.random()
        for kind, p in table:
            point -= p
            if point < 0:
                if kind == "latency":
                    return (
                        f"latency:{rng.uniform(0.5, 3.0 if self.profile == 'flaky' else 8.0):.2f}"
                    )
                if kind == "429burst":
                    self._burst = rng.randrange(2, 6)
                    return "429"
                return kind
        return None


HTML_PAGES = {
    502: (
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
    ),
    504: (
        b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
        b"<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n"
    ),
}
