"""The demo: a seeded fake Datto RMM service in-process, and a client wired to it.

``datto-tui --demo`` runs the dashboard against :func:`demo_service` through :func:`demo_client`:
no account, no network, no files. The fake simulates a live account (alerts open and resolve,
devices go offline) on the given clock; ``frozen=True`` stops that for deterministic pictures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.clock import Clock
    from datto_tui.fakeapi import FakeService

DEMO_BASE_URL = "http://fake.localhost"


def demo_service(
    clock: Clock | None = None,
    *,
    seed: int = 7,
    sites: int = 40,
    devices: int = 2500,
    alerts: int = 120,
    frozen: bool = False,
    hostile: bool = False,
) -> FakeService:
    """A fake service with a generated account of ``sites``/``devices``/``alerts``."""
    from datto_tui.clock import SystemClock
    from datto_tui.fakeapi import FakeConfig, FakeService

    config = FakeConfig(
        seed=seed, sites=sites, devices=devices, alerts=alerts, frozen=frozen, hostile=hostile
    )
    return FakeService(config, clock=clock or SystemClock())


def demo_client(service: FakeService, clock: Clock | None = None) -> DattoClient:
    """A client that talks to ``service`` in-process (ASGI transport), with the demo key.

    Pass the same clock as the service's so tokens, budgets and the simulation agree on time.
    No token is cached on disk.
    """
    import httpx

    from datto_tui.api.client import DattoClient
    from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET

    return DattoClient(
        base_url=DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=httpx.ASGITransport(app=service.asgi),
        token_cache=None,
    )
