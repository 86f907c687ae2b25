"""Change events: what the live model says happened, as immutable values.

The :class:`~datto_tui.monitor.store.Store` returns a list of these from every change it applies
and hands the same list to its subscribers; the :class:`~datto_tui.monitor.poller.Poller` adds
:class:`FreshnessChanged`. A consumer (the dashboard, the wall screen, an exporter) reacts by key:
it never has to diff anything itself.

Ordering within one list: item events (alerts, devices, sites) first, in the order the items were
applied, then :class:`SiteCountsChanged` (one per site whose counts moved), :class:`TotalsChanged`,
then the sync bookkeeping (:class:`SyncStarted`, :class:`SyncProgress`, :class:`SyncCompleted`,
:class:`SyncAborted`).

A device whose ``online`` flag flipped yields :class:`DeviceChanged` *and then*
:class:`DeviceWentOffline` or :class:`DeviceCameOnline`: tables listen to the first, notifiers to
the second. Only ``True -> False`` and ``False -> True`` count as flips; ``None`` means unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from datto_tui.api.models import PRIORITIES, Account, Alert, Device, RequestRate, Site

if TYPE_CHECKING:
    from datto_tui.monitor.freshness import Freshness


class Resource(StrEnum):
    """What the poller fetches; the first three are collections the store syncs."""

    SITES = "sites"
    DEVICES = "devices"
    ALERTS = "alerts"
    ACCOUNT = "account"
    REQUEST_RATE = "request_rate"


#: The collections that :meth:`Store.begin_sync` / ``apply_page`` / ``end_sync`` accept.
SYNC_KINDS: frozenset[Resource] = frozenset({Resource.SITES, Resource.DEVICES, Resource.ALERTS})

#: Length of :attr:`Counts.alerts_by_rank`: one slot per known priority plus "unrecognised".
RANKS = len(PRIORITIES) + 1


class Counts(NamedTuple):
    """Device and open-alert counts of one site (or of the whole account, for totals).

    ``alerts_by_rank[r]`` counts open alerts whose :func:`~datto_tui.api.models.priority_rank` is
    ``r`` (0 Critical ... 5 Unknown, 6 unrecognised). ``online``/``offline`` leave out devices
    whose state is unknown (``online is None``). An immutable value (a named tuple, because the
    store builds one per touched site per page, and tuples are several times cheaper to make).
    """

    devices: int = 0
    online: int = 0
    offline: int = 0
    open_alerts: int = 0
    alerts_by_rank: tuple[int, ...] = (0,) * RANKS

    @property
    def top_priority_rank(self) -> int | None:
        """Rank of the most severe open alert, or None without open alerts."""
        for rank, count in enumerate(self.alerts_by_rank):
            if count:
                return rank
        return None

    @property
    def top_priority(self) -> str | None:
        """Name of the most severe open alert's priority ("Critical", ...), or None."""
        rank = self.top_priority_rank
        if rank is None:
            return None
        return PRIORITIES[rank] if rank < len(PRIORITIES) else "Other"


ZERO_COUNTS = Counts()


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """Base of every event; carries nothing itself."""


# --- alerts -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertOpened(ChangeEvent):
    """An open alert entered the store.

    ``is_new``: it opened after the first complete alert sync (alerts already open when the app
    started are not new). ``returned``: it had been marked resolved locally and the service still
    reports it open, so it came back.
    """

    alert: Alert
    is_new: bool = False
    returned: bool = False


@dataclass(frozen=True, slots=True)
class AlertResolved(ChangeEvent):
    """An alert left the open set: resolved by someone, auto-resolved, or resolved locally.

    ``alert`` is the last known state. ``local``: removed by :meth:`Store.mark_alert_resolved`
    (optimistic; the next alert poll confirms it or brings it back).
    """

    alert_uid: str
    alert: Alert
    local: bool = False


@dataclass(frozen=True, slots=True)
class AlertChanged(ChangeEvent):
    old: Alert
    new: Alert


@dataclass(frozen=True, slots=True)
class NewMarksCleared(ChangeEvent):
    """These alerts are no longer "new" (see :meth:`Store.clear_new`)."""

    alert_uids: frozenset[str]


# --- devices ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceAdded(ChangeEvent):
    device: Device


@dataclass(frozen=True, slots=True)
class DeviceRemoved(ChangeEvent):
    device: Device


@dataclass(frozen=True, slots=True)
class DeviceChanged(ChangeEvent):
    old: Device
    new: Device


@dataclass(frozen=True, slots=True)
class DeviceWentOffline(ChangeEvent):
    """Follows the :class:`DeviceChanged` of a device whose ``online`` went True -> False."""

    device: Device


@dataclass(frozen=True, slots=True)
class DeviceCameOnline(ChangeEvent):
    """Follows the :class:`DeviceChanged` of a device whose ``online`` went False -> True."""

    device: Device


# --- sites and counts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteAdded(ChangeEvent):
    site: Site


@dataclass(frozen=True, slots=True)
class SiteRemoved(ChangeEvent):
    site: Site


@dataclass(frozen=True, slots=True)
class SiteChanged(ChangeEvent):
    old: Site
    new: Site


@dataclass(frozen=True, slots=True)
class SiteCountsChanged(ChangeEvent):
    """The device or open-alert counts of ``site_uid`` moved; ``counts`` are the new ones."""

    site_uid: str
    counts: Counts = ZERO_COUNTS


@dataclass(frozen=True, slots=True)
class TotalsChanged(ChangeEvent):
    """The account-wide counts (sum over every site, and devices/alerts without one) moved."""

    counts: Counts


@dataclass(frozen=True, slots=True)
class AccountUpdated(ChangeEvent):
    account: Account


@dataclass(frozen=True, slots=True)
class RequestRateUpdated(ChangeEvent):
    rate: RequestRate


# --- syncs and freshness ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncStarted(ChangeEvent):
    kind: Resource


@dataclass(frozen=True, slots=True)
class SyncProgress(ChangeEvent):
    """``loaded`` items so far in the running sync of ``kind``, of ``total`` (None: unknown)."""

    kind: Resource
    loaded: int
    total: int | None


@dataclass(frozen=True, slots=True)
class SyncCompleted(ChangeEvent):
    """A sync of ``kind`` read every page.

    ``pruned``: items it did not see were removed. False when the sync looked short (fewer
    distinct items than the service's own ``totalCount``, a sign that the list shifted under the
    page offsets): nothing is removed on the strength of such a sync, unless the previous complete
    sync of the same kind was short too.
    """

    kind: Resource
    pruned: bool = True


@dataclass(frozen=True, slots=True)
class SyncAborted(ChangeEvent):
    """A sync of ``kind`` stopped early (error, cancel); nothing was removed."""

    kind: Resource


@dataclass(frozen=True, slots=True)
class FreshnessChanged(ChangeEvent):
    """The poller's :class:`~datto_tui.monitor.freshness.Freshness` of ``kind`` changed."""

    kind: Resource
    freshness: Freshness


@dataclass(frozen=True, slots=True)
class RecentEvent:
    """An entry of the store's bounded history: when the change was applied, and what it was."""

    at: datetime
    event: ChangeEvent
