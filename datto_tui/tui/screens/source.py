"""What detail screens need from the app: lookups in the live model and the API client.

A protocol, so screens can be tested against a plain object and never reach into the store.
"""

from __future__ import annotations

from typing import Protocol

from datto_tui.api.models import Alert, Device, DeviceAudit
from datto_tui.clock import Clock


class DetailSource(Protocol):
    """Read access to the live model plus the one fetch a detail screen makes."""

    @property
    def clock(self) -> Clock: ...

    @property
    def portal_url(self) -> str | None:
        """``https://<platform>.rmm.datto.com`` when the platform is known."""
        ...

    def device(self, uid: str) -> Device | None: ...

    def alert(self, uid: str) -> Alert | None: ...

    def device_alerts(self, device_uid: str) -> list[Alert]:
        """Open alerts of a device, most severe first."""
        ...

    async def fetch_audit(self, device_uid: str) -> DeviceAudit:
        """The hardware audit (raises the client's ``DattoError``s, e.g. ``BadRequest``)."""
        ...
