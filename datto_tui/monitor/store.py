"""The live model: sites, devices and open alerts by uid, kept current by syncs.

Contract:

- One copy of each record: the store holds the newest object per uid (an unchanged record keeps
  its old object, so identity is stable). Secondary indexes (devices by site, open alerts by
  device and by site) and counts (per site and account-wide) are kept incrementally, never
  recomputed from scratch.
- A poll applies as ``begin_sync(kind)``, ``apply_page(kind, items, total)`` per page as it
  arrives, then ``end_sync(kind, complete)``. A complete sync removes what it did not see (a
  device gone, an alert resolved); an aborted one (``complete=False``) removes nothing, so the
  last good data stays.
- Every method that changes something returns the list of :mod:`~datto_tui.monitor.events` it
  caused and hands the same list to every subscriber, synchronously, on the caller's thread.
  An empty list is not published.
- Alerts opened after the first complete alert sync are "new" (:meth:`Store.is_new`); the ones
  already open at start are not. :attr:`Store.alert_first_seen` says when each open alert was
  first seen by this process.
- :meth:`Store.mark_alert_resolved` removes an alert at once (optimistic); the first alert sync
  that *starts after* the mark confirms it (the alert stays gone) or brings it back
  (:class:`AlertOpened` with ``returned=True``). Syncs that began before the mark cannot bring
  it back: their pages may predate the resolve.
- Memory stays bounded by the data: the history of recent events is a bounded deque, and the
  memory of recently removed alerts (so an alert that reappears after a list shift keeps its
  first-seen time and is not "new" again) is a bounded LRU.

Not thread-safe: use it from one thread (the app's event loop).
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import cast

from datto_tui.api.models import Account, Alert, Device, RequestRate, Site, priority_rank
from datto_tui.clock import Clock, SystemClock
from datto_tui.monitor.events import (
    RANKS,
    SYNC_KINDS,
    ZERO_COUNTS,
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
    NewMarksCleared,
    RecentEvent,
    RequestRateUpdated,
    Resource,
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

log = logging.getLogger(__name__)

Subscriber = Callable[[Sequence[ChangeEvent]], None]

#: The key under which devices and alerts without a site uid are indexed and counted.
NO_SITE = ""

# Events worth keeping in the short history once a collection has loaded (changes are too noisy).
_RECENT_TYPES = (
    AlertOpened,
    AlertResolved,
    DeviceWentOffline,
    DeviceCameOnline,
    DeviceAdded,
    DeviceRemoved,
    SiteAdded,
    SiteRemoved,
)

_EMPTY: frozenset[str] = frozenset()


class _Tally:
    """Mutable counters behind :class:`Counts` (one per site, one for the account)."""

    __slots__ = ("alerts", "devices", "offline", "online")

    def __init__(self) -> None:
        self.devices = 0
        self.online = 0
        self.offline = 0
        self.alerts = [0] * RANKS

    def snapshot(self) -> Counts:
        return Counts(self.devices, self.online, self.offline, sum(self.alerts), tuple(self.alerts))

    def is_empty(self) -> bool:
        return self.devices == 0 and not any(self.alerts)


@dataclass(slots=True)
class _Sync:
    seq: int
    seen: set[str] = field(default_factory=set)
    # Listed but not kept (alerts flagged resolved in the open list): they count towards the
    # service's totalCount, so the short-sync check must count them too.
    ignored: set[str] = field(default_factory=set)
    unkeyed: int = 0
    total: int | None = None


@dataclass(frozen=True, slots=True)
class _Pending:
    """An alert resolved locally, waiting for an alert sync to confirm it."""

    alert: Alert
    seq: int


class _Batch:
    """The events and touched counters of one store operation."""

    __slots__ = ("events", "kind", "tail", "totals_touched", "touched")

    def __init__(self, kind: Resource) -> None:
        self.kind = kind
        self.events: list[ChangeEvent] = []
        self.tail: list[ChangeEvent] = []
        self.touched: dict[str, None] = {}  # an ordered set: events come in a stable order
        self.totals_touched = False


class Store:
    """Sites, devices and open alerts of one account, with indexes, counts and change events."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        recent_limit: int = 500,
        tombstone_limit: int = 1000,
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        # Ordered by when each record was last seen (applied): the records a complete sync did
        # not see are then exactly the ones before the first record it saw, so the end of a sync
        # costs O(removed), not a scan of 100k devices.
        self._sites: OrderedDict[str, Site] = OrderedDict()
        self._devices: OrderedDict[str, Device] = OrderedDict()
        self._alerts: OrderedDict[str, Alert] = OrderedDict()
        self._devices_by_site: dict[str, set[str]] = {}
        self._alerts_by_device: dict[str, set[str]] = {}
        self._alerts_by_site: dict[str, set[str]] = {}
        self._tallies: dict[str, _Tally] = {}
        self._total = _Tally()
        # The counts last published per site (and account-wide): a cache for readers, and the
        # "before" that tells whether a touched site's counts really moved.
        self._counts: dict[str, Counts] = {}
        self._totals = ZERO_COUNTS
        self._versions: dict[Resource, int] = dict.fromkeys(Resource, 0)
        self._syncs: dict[Resource, _Sync] = {}
        self._synced: set[Resource] = set()
        self._last_short: dict[Resource, bool] = {}
        self._seq = 0
        self._first_seen: dict[str, datetime] = {}
        self._new: set[str] = set()
        self._pending: dict[str, _Pending] = {}
        self._tombstones: OrderedDict[str, tuple[datetime, bool]] = OrderedDict()
        self._tombstone_limit = tombstone_limit
        self._recent: deque[RecentEvent] = deque(maxlen=recent_limit)
        self._subscribers: list[Subscriber] = []
        self.account: Account | None = None
        self.request_rate: RequestRate | None = None

    # ------------------------------------------------------------------------------------------
    # Reading

    @property
    def sites(self) -> Mapping[str, Site]:
        """Sites by uid (a read-only live view; its iteration order means nothing)."""
        return MappingProxyType(self._sites)

    @property
    def devices(self) -> Mapping[str, Device]:
        """Devices by uid (a read-only live view; its iteration order means nothing)."""
        return MappingProxyType(self._devices)

    @property
    def alerts(self) -> Mapping[str, Alert]:
        """Open alerts by alert uid (a read-only live view; its iteration order means nothing)."""
        return MappingProxyType(self._alerts)

    def version(self, kind: Resource) -> int:
        """Grows by one with every operation that changed the ``kind`` collection (or value)."""
        return self._versions[kind]

    def device_uids_in_site(self, site_uid: str) -> AbstractSet[str]:
        """Uids of the devices of a site (a live view: do not keep it across changes)."""
        return self._devices_by_site.get(site_uid, _EMPTY)

    def alert_uids_for_device(self, device_uid: str) -> AbstractSet[str]:
        """Uids of a device's open alerts (a live view)."""
        return self._alerts_by_device.get(device_uid, _EMPTY)

    def alert_uids_for_site(self, site_uid: str) -> AbstractSet[str]:
        """Uids of a site's open alerts, by the alert's own site (a live view)."""
        return self._alerts_by_site.get(site_uid, _EMPTY)

    def alerts_for_device(self, device_uid: str) -> list[Alert]:
        """A device's open alerts, most severe first, then oldest first."""
        alerts = [self._alerts[u] for u in self._alerts_by_device.get(device_uid, _EMPTY)]
        alerts.sort(key=_alert_order)
        return alerts

    def site_counts(self, site_uid: str) -> Counts:
        """Counts of one site (all zero for a site without devices or alerts)."""
        return self._counts.get(site_uid, ZERO_COUNTS)

    def all_site_counts(self) -> dict[str, Counts]:
        """Counts of every site that has devices or open alerts."""
        return {uid: c for uid, c in self._counts.items() if uid != NO_SITE}

    @property
    def totals(self) -> Counts:
        """Account-wide counts over everything in the store."""
        return self._totals

    def has_synced(self, kind: Resource) -> bool:
        """True once a complete sync of ``kind`` has ended."""
        return kind in self._synced

    def sync_in_progress(self, kind: Resource) -> bool:
        return kind in self._syncs

    def sync_progress(self, kind: Resource) -> tuple[int, int | None]:
        """(distinct items loaded, total announced) of the running sync; (0, None) if none."""
        sync = self._syncs.get(kind)
        return (len(sync.seen), sync.total) if sync is not None else (0, None)

    def is_new(self, alert_uid: str) -> bool:
        """True for an open alert that opened after the first complete alert sync."""
        return alert_uid in self._new

    @property
    def new_alert_uids(self) -> AbstractSet[str]:
        return frozenset(self._new)

    @property
    def alert_first_seen(self) -> Mapping[str, datetime]:
        """When each open (or locally resolved, unconfirmed) alert was first seen."""
        return MappingProxyType(self._first_seen)

    @property
    def pending_resolves(self) -> AbstractSet[str]:
        """Alerts resolved locally that no alert sync has confirmed yet."""
        return frozenset(self._pending)

    def recent_events(self) -> list[RecentEvent]:
        """The bounded history of notable changes, oldest first (never the initial load)."""
        return list(self._recent)

    # ------------------------------------------------------------------------------------------
    # Subscribers

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(events)`` after every change; returns a function that unsubscribes.

        A callback that raises is logged and skipped; it never breaks the store or the poller.
        """
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, events: Sequence[ChangeEvent]) -> None:
        """Hand ``events`` to every subscriber (the poller uses it for freshness changes)."""
        if not events:
            return
        for callback in tuple(self._subscribers):
            try:
                callback(events)
            except Exception:
                log.exception("a store subscriber failed; the change is applied regardless")

    # ------------------------------------------------------------------------------------------
    # Syncs

    def begin_sync(self, kind: Resource) -> list[ChangeEvent]:
        """Start a sync of ``kind`` (sites, devices or alerts); restarts a running one."""
        _check_sync_kind(kind)
        self._seq += 1
        self._syncs[kind] = _Sync(self._seq)
        batch = _Batch(kind)
        batch.tail.append(SyncStarted(kind))
        return self._finish(batch, counts=False)

    def apply_page(
        self,
        kind: Resource,
        items: Iterable[Site] | Iterable[Device] | Iterable[Alert],
        total: int | None = None,
    ) -> list[ChangeEvent]:
        """Apply one page of the running sync of ``kind``; ``total`` is the page's totalCount.

        Records without a uid are skipped. In an alert sync, alerts flagged resolved are skipped
        (the open set never holds them).
        """
        sync = self._syncs.get(kind)
        if sync is None:
            raise RuntimeError(f"apply_page({kind}) without begin_sync")
        batch = self._batch(kind)
        seen = sync.seen
        if kind is Resource.DEVICES:
            put_device = self._put_device
            for device in cast("Iterable[Device]", items):
                if device.uid:
                    seen.add(device.uid)
                    put_device(batch, device)
                else:
                    sync.unkeyed += 1
        elif kind is Resource.ALERTS:
            put_alert = self._put_alert
            for alert in cast("Iterable[Alert]", items):
                if not alert.alert_uid:
                    sync.unkeyed += 1
                    continue
                if alert.resolved is True:
                    sync.ignored.add(alert.alert_uid)
                    continue
                seen.add(alert.alert_uid)
                put_alert(batch, alert, sync.seq)
        else:
            put_site = self._put_site
            for site in cast("Iterable[Site]", items):
                if site.uid:
                    seen.add(site.uid)
                    put_site(batch, site)
                else:
                    sync.unkeyed += 1
        if total is not None:
            sync.total = total
        batch.tail.append(SyncProgress(kind, len(seen), sync.total))
        return self._finish(batch)

    def end_sync(self, kind: Resource, complete: bool) -> list[ChangeEvent]:
        """End the running sync of ``kind``.

        ``complete``: every page was read, so records not seen are removed (see
        :class:`SyncCompleted` for the one exception, a short sync). Otherwise nothing is removed.
        Without a running sync this does nothing.
        """
        _check_sync_kind(kind)
        sync = self._syncs.pop(kind, None)
        if sync is None:
            return []
        batch = self._batch(kind)
        if not complete:
            batch.tail.append(SyncAborted(kind))
            return self._finish(batch)
        listed = len(sync.seen) + len(sync.ignored - sync.seen) + sync.unkeyed
        short = sync.total is not None and listed < sync.total
        prune = not short or self._last_short.get(kind, False)
        self._last_short[kind] = short
        if short:
            log.info(
                "%s sync saw %d of %d items%s", kind, listed, sync.total,
                "; pruning anyway (short twice)" if prune else "; keeping unseen items",
            )  # fmt: skip
        if prune:
            if kind is Resource.DEVICES:
                for uid in _unseen(self._devices, sync.seen):
                    self._drop_device(batch, uid)
            elif kind is Resource.ALERTS:
                for uid in _unseen(self._alerts, sync.seen):
                    self._drop_alert(batch, uid, local=False)
                self._confirm_pending(sync)
            else:
                for uid in _unseen(self._sites, sync.seen):
                    self._drop_site(batch, uid)
        self._synced.add(kind)
        batch.tail.append(SyncCompleted(kind, pruned=prune))
        return self._finish(batch)

    # ------------------------------------------------------------------------------------------
    # Single changes

    def apply_alert(self, alert: Alert) -> list[ChangeEvent]:
        """Apply one alert read on its own: open -> added or updated; resolved -> removed."""
        uid = alert.alert_uid
        if not uid:
            return []
        batch = self._batch(Resource.ALERTS)
        if alert.resolved is True:
            if uid in self._alerts:
                self._drop_alert(batch, uid, local=False)
            elif self._pending.pop(uid, None) is not None:
                self._forget_alert(uid)
        else:
            self._mark_seen(Resource.ALERTS, uid)
            self._put_alert(batch, alert, None)
        return self._finish(batch)

    def mark_alert_resolved(self, alert_uid: str) -> list[ChangeEvent]:
        """Remove an open alert now because the user resolved it (see the module docstring)."""
        if alert_uid not in self._alerts:
            return []
        self._seq += 1
        self._pending[alert_uid] = _Pending(self._alerts[alert_uid], self._seq)
        batch = self._batch(Resource.ALERTS)
        self._drop_alert(batch, alert_uid, local=True)
        return self._finish(batch)

    def revert_alert_resolved(self, alert_uid: str) -> list[ChangeEvent]:
        """Undo :meth:`mark_alert_resolved` (the resolve request failed): the alert returns."""
        pending = self._pending.pop(alert_uid, None)
        if pending is None:
            return []
        self._mark_seen(Resource.ALERTS, alert_uid)
        batch = self._batch(Resource.ALERTS)
        self._put_alert(batch, pending.alert, None, returned=True)
        return self._finish(batch)

    def apply_device(self, device: Device) -> list[ChangeEvent]:
        """Apply one device read on its own (added or updated)."""
        if not device.uid:
            return []
        self._mark_seen(Resource.DEVICES, device.uid)
        batch = self._batch(Resource.DEVICES)
        self._put_device(batch, device)
        return self._finish(batch)

    def clear_new(self, alert_uids: Iterable[str] | None = None) -> list[ChangeEvent]:
        """Drop the "new" mark of these alerts (all of them when None)."""
        cleared = frozenset(self._new if alert_uids is None else self._new.intersection(alert_uids))
        if not cleared:
            return []
        self._new -= cleared
        batch = self._batch(Resource.ALERTS)
        batch.events.append(NewMarksCleared(cleared))
        return self._finish(batch)

    def set_account(self, account: Account) -> list[ChangeEvent]:
        if account == self.account:
            return []
        self.account = account
        batch = _Batch(Resource.ACCOUNT)
        batch.events.append(AccountUpdated(account))
        return self._finish(batch, counts=False)

    def set_request_rate(self, rate: RequestRate) -> list[ChangeEvent]:
        if rate == self.request_rate:
            return []
        self.request_rate = rate
        batch = _Batch(Resource.REQUEST_RATE)
        batch.events.append(RequestRateUpdated(rate))
        return self._finish(batch, counts=False)

    # ------------------------------------------------------------------------------------------
    # Internals: batches

    def _batch(self, kind: Resource) -> _Batch:
        return _Batch(kind)

    def _finish(self, batch: _Batch, *, counts: bool = True) -> list[ChangeEvent]:
        events = batch.events
        if events:
            # Only records of the batch's own collection produce events up to here.
            self._versions[batch.kind] += 1
        if counts:
            published = self._counts
            for site_key in batch.touched:
                before = published.get(site_key, ZERO_COUNTS)
                tally = self._tallies.get(site_key)
                if tally is None or tally.is_empty():
                    self._tallies.pop(site_key, None)
                    published.pop(site_key, None)
                    after = ZERO_COUNTS
                else:
                    after = published[site_key] = tally.snapshot()
                if after != before and site_key != NO_SITE:
                    events.append(SiteCountsChanged(site_key, after))
            if batch.totals_touched:
                totals = self._total.snapshot()
                if totals != self._totals:
                    self._totals = totals
                    events.append(TotalsChanged(totals))
        if batch.kind in self._synced and events:
            now = self._clock.now()
            self._recent.extend(
                RecentEvent(now, event) for event in events if isinstance(event, _RECENT_TYPES)
            )
        events.extend(batch.tail)
        self.publish(events)
        return events

    def _mark_seen(self, kind: Resource, uid: str) -> None:
        # A record applied on its own during a sync counts as seen: the sync may have passed
        # the page it would be on, and must not remove it at the end. (It also keeps _unseen
        # exact: every record moved to the end during a sync is in its seen set.)
        sync = self._syncs.get(kind)
        if sync is not None:
            sync.seen.add(uid)

    # ------------------------------------------------------------------------------------------
    # Internals: devices

    def _put_device(self, batch: _Batch, device: Device) -> None:
        # The hot path of a 100k-device sync: keep it flat.
        uid = device.uid
        devices = self._devices
        old = devices.get(uid)
        if old is None:
            devices[uid] = device
            self._count_device(batch, device, 1)
            batch.events.append(DeviceAdded(device))
        else:
            devices.move_to_end(uid)
            if old is device or old == device:
                return
            devices[uid] = device
            if old.site_uid != device.site_uid or old.online is not device.online:
                self._count_device(batch, old, -1)
                self._count_device(batch, device, 1)
            batch.events.append(DeviceChanged(old, device))
            if old.online is True and device.online is False:
                batch.events.append(DeviceWentOffline(device))
            elif old.online is False and device.online is True:
                batch.events.append(DeviceCameOnline(device))

    def _drop_device(self, batch: _Batch, uid: str) -> None:
        old = self._devices.pop(uid)
        self._count_device(batch, old, -1)
        batch.events.append(DeviceRemoved(old))

    def _count_device(self, batch: _Batch, device: Device, sign: int) -> None:
        """Add (sign 1) or take away (-1) a device's share of the indexes and counts."""
        key = device.site_uid or NO_SITE
        batch.touched[key] = None
        batch.totals_touched = True
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = _Tally()
        total = self._total
        tally.devices += sign
        total.devices += sign
        online = device.online
        if online is True:
            tally.online += sign
            total.online += sign
        elif online is False:
            tally.offline += sign
            total.offline += sign
        _index(self._devices_by_site, key, device.uid, sign)

    # ------------------------------------------------------------------------------------------
    # Internals: alerts

    def _put_alert(
        self, batch: _Batch, alert: Alert, sync_seq: int | None, *, returned: bool = False
    ) -> None:
        uid = alert.alert_uid
        pending = self._pending.get(uid)
        if pending is not None:
            if sync_seq is not None and sync_seq < pending.seq:
                return  # this sync began before the local resolve: its page may predate it
            del self._pending[uid]
            returned = True
        old = self._alerts.get(uid)
        if old is None:
            self._alerts[uid] = alert
            self._count_alert(batch, alert, 1)
            if uid not in self._first_seen:
                tomb = self._tombstones.pop(uid, None)
                if tomb is not None:
                    self._first_seen[uid], was_new = tomb
                else:
                    self._first_seen[uid] = self._clock.now()
                    was_new = Resource.ALERTS in self._synced
                if was_new:
                    self._new.add(uid)
            batch.events.append(AlertOpened(alert, is_new=uid in self._new, returned=returned))
        else:
            self._alerts.move_to_end(uid)
            if old is alert or old == alert:
                return
            self._alerts[uid] = alert
            if (
                old.priority != alert.priority
                or old.site_uid != alert.site_uid
                or old.device_uid != alert.device_uid
            ):
                self._count_alert(batch, old, -1)
                self._count_alert(batch, alert, 1)
            batch.events.append(AlertChanged(old, alert))

    def _drop_alert(self, batch: _Batch, uid: str, *, local: bool) -> None:
        old = self._alerts.pop(uid)
        self._count_alert(batch, old, -1)
        if not local:
            # Remember when it was first seen: if a later page shows it again (the list shifted
            # under the page offsets), it is the same alert, not a new one.
            first = self._first_seen.get(uid)
            if first is not None:
                self._tombstones[uid] = (first, uid in self._new)
                while len(self._tombstones) > self._tombstone_limit:
                    self._tombstones.popitem(last=False)
            self._forget_alert(uid)
        batch.events.append(AlertResolved(uid, old, local=local))

    def _forget_alert(self, uid: str) -> None:
        self._first_seen.pop(uid, None)
        self._new.discard(uid)

    def _confirm_pending(self, sync: _Sync) -> None:
        confirmed = [
            uid for uid, p in self._pending.items() if p.seq < sync.seq and uid not in sync.seen
        ]
        for uid in confirmed:
            del self._pending[uid]
            self._forget_alert(uid)

    def _count_alert(self, batch: _Batch, alert: Alert, sign: int) -> None:
        """Add (sign 1) or take away (-1) an alert's share of the indexes and counts."""
        key = alert.site_uid or NO_SITE
        batch.touched[key] = None
        batch.totals_touched = True
        tally = self._tallies.get(key)
        if tally is None:
            tally = self._tallies[key] = _Tally()
        rank = priority_rank(alert.priority)
        tally.alerts[rank] += sign
        self._total.alerts[rank] += sign
        _index(self._alerts_by_site, key, alert.alert_uid, sign)
        if alert.device_uid:
            _index(self._alerts_by_device, alert.device_uid, alert.alert_uid, sign)

    # ------------------------------------------------------------------------------------------
    # Internals: sites

    def _put_site(self, batch: _Batch, site: Site) -> None:
        old = self._sites.get(site.uid)
        if old is None:
            self._sites[site.uid] = site
            batch.events.append(SiteAdded(site))
        else:
            self._sites.move_to_end(site.uid)
            if old is site or old == site:
                return
            self._sites[site.uid] = site
            batch.events.append(SiteChanged(old, site))

    def _drop_site(self, batch: _Batch, uid: str) -> None:
        # Its devices stay until a device sync removes them: sites and devices sync apart.
        old = self._sites.pop(uid)
        batch.events.append(SiteRemoved(old))


def _index(index: dict[str, set[str]], key: str, uid: str, sign: int) -> None:
    if sign > 0:
        members = index.get(key)
        if members is None:
            index[key] = {uid}
        else:
            members.add(uid)
    else:
        members = index.get(key)
        if members is not None:
            members.discard(uid)
            if not members:
                del index[key]


def _unseen(records: Mapping[str, object], seen: AbstractSet[str]) -> list[str]:
    """The uids of ``records`` not in ``seen``, given that every seen record was moved to the end
    (as ``_put_*`` do): they are exactly the ones before the first seen record."""
    unseen: list[str] = []
    for uid in records:
        if uid in seen:
            break
        unseen.append(uid)
    return unseen


def _alert_order(alert: Alert) -> tuple[int, float]:
    return (alert.priority_rank, alert.timestamp.timestamp() if alert.timestamp else 0.0)


def _check_sync_kind(kind: Resource) -> None:
    if kind not in SYNC_KINDS:
        raise ValueError(f"{kind} is not a synced collection")
