"""The app's :class:`~datto_tui.tui.screens.source.DetailSource`: the store plus the client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datto_tui.api.models import Alert, Device, DeviceAudit
from datto_tui.clock import Clock

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.monitor.store import Store


class StoreSource:
    """Lookups in the live model; the audit is fetched with interactive priority."""

    def __init__(self, store: Store, client: DattoClient, clock: Clock) -> None:
        self._store = store
        self._client = client
        self._clock = clock

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def portal_url(self) -> str | None:
        return self._client.portal_url

    def device(self, uid: str) -> Device | None:
        return self._store.devices.get(uid)

    def alert(self, uid: str) -> Alert | None:
        return self._store.alerts.get(uid)

    def device_alerts(self, device_uid: str) -> list[Alert]:
        return self._store.alerts_for_device(device_uid)

    async def fetch_audit(self, device_uid: str) -> DeviceAudit:
        return await self._client.device_audit(device_uid)
