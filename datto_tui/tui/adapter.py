"""Store events -> Textual messages.

The store calls its subscribers synchronously, on the app loop, inside the poller's worker. The
adapter must therefore do nothing but sort the events of one change into at most one message per
kind (alerts, devices, sites, counts, account, sync, freshness) and post them: posting is cheap
and thread-safe, and the handlers render later, in order, on the receiving node.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.message import Message

from datto_tui.monitor.events import (
    AccountUpdated,
    AlertChanged,
    AlertOpened,
    AlertResolved,
    ChangeEvent,
    Counts,
    DeviceAdded,
    DeviceCameOnline,
    DeviceChanged,
    DeviceRemoved,
    DeviceWentOffline,
    FreshnessChanged,
    NewMarksCleared,
    RequestRateUpdated,
    SiteAdded,
    SiteChanged,
    SiteCountsChanged,
    SiteRemoved,
    SyncAborted,
    SyncCompleted,
    SyncProgress,
    SyncStarted,
    TotalsChanged,
)
from datto_tui.tui.messages import (
    AccountInfoUpdated,
    AlertsUpdated,
    CountsUpdated,
    DevicesUpdated,
    FreshnessUpdated,
    SitesUpdated,
    SyncUpdated,
)

_ALERT_EVENTS = (AlertOpened, AlertResolved, AlertChanged, NewMarksCleared)
_DEVICE_EVENTS = (DeviceAdded, DeviceRemoved, DeviceChanged, DeviceWentOffline, DeviceCameOnline)
_SITE_EVENTS = (SiteAdded, SiteRemoved, SiteChanged)


class StoreAdapter:
    """Subscribe with ``store.subscribe(adapter)``; every call posts messages via ``post``."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        self._post = post

    def __call__(self, events: Sequence[ChangeEvent]) -> None:
        for message in to_messages(events):
            self._post(message)


def to_messages(events: Sequence[ChangeEvent]) -> list[Message]:
    """The messages for one list of store events, in a stable order."""
    alerts: list[ChangeEvent] = []
    devices: list[ChangeEvent] = []
    sites: list[ChangeEvent] = []
    counts: dict[str, Counts] = {}
    totals: Counts | None = None
    info: list[Message] = []
    syncs: list[Message] = []
    freshness: list[Message] = []
    for event in events:
        if isinstance(event, _DEVICE_EVENTS):
            devices.append(event)
        elif isinstance(event, _ALERT_EVENTS):
            alerts.append(event)
        elif isinstance(event, SiteCountsChanged):
            counts[event.site_uid] = event.counts
        elif isinstance(event, TotalsChanged):
            totals = event.counts
        elif isinstance(event, _SITE_EVENTS):
            sites.append(event)
        elif isinstance(event, SyncProgress):
            syncs.append(SyncUpdated(event.kind, "progress", event.loaded, event.total))
        elif isinstance(event, SyncStarted):
            syncs.append(SyncUpdated(event.kind, "started"))
        elif isinstance(event, SyncCompleted):
            syncs.append(SyncUpdated(event.kind, "completed"))
        elif isinstance(event, SyncAborted):
            syncs.append(SyncUpdated(event.kind, "aborted"))
        elif isinstance(event, FreshnessChanged):
            freshness.append(FreshnessUpdated(event.freshness))
        elif isinstance(event, AccountUpdated):
            info.append(AccountInfoUpdated(account=event.account))
        elif isinstance(event, RequestRateUpdated):
            info.append(AccountInfoUpdated(rate=event.rate))
    messages: list[Message] = []
    if sites:
        messages.append(SitesUpdated(tuple(sites)))
    if devices:
        messages.append(DevicesUpdated(tuple(devices)))
    if alerts:
        messages.append(AlertsUpdated(tuple(alerts)))
    if counts or totals is not None:
        messages.append(CountsUpdated(counts, totals))
    messages.extend(info)
    messages.extend(syncs)
    messages.extend(freshness)
    return messages
