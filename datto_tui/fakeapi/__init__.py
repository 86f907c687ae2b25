"""A headless, faithful fake of the Datto RMM REST API v2.

It answers wire for wire as the live service does (see ``shared/datto-api/NOTES.md``): the
password grant at ``/auth/oauth/token``, ``page``/``max`` pagination with absolute
``nextPageUrl`` that drop filter parameters, epoch-millisecond timestamps, nulls, open enums,
Spring error bodies, per-account sliding-window rate limits with 429 and a 403 IP block. Its data
is seeded and realistic at any scale, its simulation lazy and deterministic on an injectable clock.

In process::

    svc = FakeService(FakeConfig(seed=7), clock=FakeClock())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=svc.asgi),
                                 base_url="http://fake.localhost") as http: ...

On loopback: ``datto-tui fake-api`` (or ``python -m datto_tui.fakeapi``).

This package never imports ``datto_tui.api`` (the fake emulates the wire from its own code, so a
client bug and a fake bug cannot agree and hide each other), nor textual or rich.
"""

from typing import Any

from datto_tui.fakeapi.config import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig
from datto_tui.fakeapi.faults import FAULT_KINDS, connection_reset_fault
from datto_tui.fakeapi.service import Counters, FakeService, RequestLog, RequestRecord


def __getattr__(name: str) -> Any:
    # ConnectionResetFault subclasses httpx.ReadError; it is built on first use because
    # importing httpx loads Rich when it is installed, and the fake must not.
    if name == "ConnectionResetFault":
        return connection_reset_fault()
    raise AttributeError(name)


__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "FAULT_KINDS",
    "ConnectionResetFault",
    "Counters",
    "FakeConfig",
    "FakeService",
    "RequestLog",
    "RequestRecord",
]
