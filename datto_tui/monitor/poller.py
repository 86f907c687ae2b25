"""The poller: keeps the store current on a schedule, within the API budget, through failures.

Contract:

- One asyncio task per resource (sites, devices, open alerts, account, request rate) on the
  caller's loop; :meth:`Poller.start` needs a running loop. Polls of one resource never overlap:
  the next one is armed only after the previous one finished.
- Priorities (see :class:`~datto_tui.api.budget.Priority`): open alerts, the account and the
  request rate poll as ``LIVE``, ahead of the ``BACKGROUND`` syncs of devices and sites in the
  client's budget queue, so a long device sync never leaves the alert pane stale.
- Start-up order: sites, alerts and the account poll at once (small lists, so the screen has
  something quickly); devices (the big list, applied page by page with progress) and the request
  rate wait until sites and alerts have each had their first attempt.
- After a success the next poll is due one interval later. After a failure it is due
  ``min(interval * 2**failures, max(backoff_cap, interval))`` later (so 30 s alerts retry after
  60 s, 120 s, ... up to 10 min), and the next success resets it. A ``retry_after`` the service
  or the client gives is honoured; a rate limit (``RateLimited``: 60 s without a hint;
  ``IPBlocked``: 5 min) holds *every* resource, since the limit is per account.
- An error in a poll never escapes: it becomes the resource's :class:`Freshness` error state and
  a log record (the message is a ``DattoError``'s user-readable text; no secrets). The store
  keeps the last good data (an aborted sync removes nothing).
- :meth:`Poller.pause` stops starting polls (a running one finishes); :meth:`Poller.resume`
  restarts them, overdue ones at once. :meth:`Poller.refresh_now` polls now (even while paused,
  since the user asked), except where a poll is already running (coalesced) or a rate limit
  holds. :meth:`Poller.stop` cancels cleanly; a cancelled sync removes nothing.
- Every freshness change is published through the store's subscribers as
  :class:`~datto_tui.monitor.events.FreshnessChanged`; sync progress comes as the store's own
  ``SyncProgress``.

Time comes only from the injected :class:`~datto_tui.clock.Clock`. With
``FakeClock(auto_advance=False)`` a test moves time with ``clock.advance(...)`` and then awaits
:meth:`Poller.wait_idle` (every task parked and none due) or :meth:`Poller.wait_cycles`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType, TracebackType
from typing import Protocol, Self, TypeVar

from datto_tui.api.budget import Priority
from datto_tui.api.errors import DattoError, IPBlocked, RateLimited
from datto_tui.api.models import Account, Alert, Device, RequestRate, Site
from datto_tui.clock import Clock, SystemClock
from datto_tui.config import PollIntervals
from datto_tui.monitor.events import SYNC_KINDS, FreshnessChanged, Resource
from datto_tui.monitor.freshness import Freshness
from datto_tui.monitor.store import Store

log = logging.getLogger(__name__)

T_co = TypeVar("T_co", covariant=True)

#: Default ceiling of the failure backoff, in seconds.
BACKOFF_CAP = 600.0
#: No resource is polled more often than this, whatever the settings say.
MIN_INTERVAL = 5.0
#: Hold after a 429 that came without a retry hint (Datto's own advice: at least 60 s).
RATE_LIMIT_HOLD = 60.0
#: Hold after an IP block without a hint (the service blocks for about five minutes).
IP_BLOCK_HOLD = 300.0

# Resources that wait for the first attempt of sites and alerts before their own first poll.
_FIRST_ROUND = (Resource.SITES, Resource.ALERTS)
_AFTER_FIRST_ROUND = frozenset({Resource.DEVICES, Resource.REQUEST_RATE})


class PageLike(Protocol[T_co]):
    """One page of a list, as the client yields it."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def total_count(self) -> int | None: ...


class PageStream(Protocol[T_co]):
    """A list endpoint: ``pages()`` fetches and yields pages one by one."""

    def pages(self) -> AsyncIterator[PageLike[T_co]]: ...


class PollSource(Protocol):
    """What the poller needs from the API client (``DattoClient`` satisfies it)."""

    def sites(self, *, priority: Priority) -> PageStream[Site]: ...

    def devices(self, *, priority: Priority) -> PageStream[Device]: ...

    def open_alerts(self, *, priority: Priority) -> PageStream[Alert]: ...

    async def account(self, *, priority: Priority) -> Account: ...

    async def request_rate(self, *, priority: Priority) -> RequestRate: ...


class _Slot:
    """The scheduling state of one resource (private; :class:`Freshness` is the public face)."""

    __slots__ = (
        "due",
        "failures",
        "fresh",
        "in_progress",
        "interval",
        "kind",
        "parked",
        "refresh",
        "task",
        "wake",
    )

    def __init__(self, kind: Resource, interval: float) -> None:
        self.kind = kind
        self.interval = interval
        self.due = 0.0  # monotonic time of the next poll
        self.failures = 0
        self.in_progress = False
        self.parked = False  # waiting for its turn (not polling)
        self.refresh = False  # refresh_now asked for a poll
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.fresh = Freshness(kind, interval)


class Poller:
    """Polls ``source`` into ``store``; see the module docstring for the contract."""

    def __init__(
        self,
        source: PollSource,
        store: Store,
        *,
        clock: Clock | None = None,
        intervals: PollIntervals | None = None,
        backoff_cap: float = BACKOFF_CAP,
        resources: Iterable[Resource] = tuple(Resource),
    ) -> None:
        self._source = source
        self._store = store
        self._clock: Clock = clock or SystemClock()
        polls = intervals or PollIntervals()
        seconds = {
            Resource.SITES: polls.sites,
            Resource.DEVICES: polls.devices,
            Resource.ALERTS: polls.alerts,
            Resource.ACCOUNT: polls.sites,
            Resource.REQUEST_RATE: polls.request_rate,
        }
        self._slots: dict[Resource, _Slot] = {
            kind: _Slot(kind, max(MIN_INTERVAL, float(seconds[kind])))
            for kind in Resource
            if kind in set(resources)
        }
        self._backoff_cap = backoff_cap
        self._cycles: dict[Resource, int] = dict.fromkeys(self._slots, 0)
        self._first_round_pending = {k for k in _FIRST_ROUND if k in self._slots}
        self._paused = False
        self._stopping = False
        self._hold_until = 0.0  # monotonic: no poll starts before (a rate limit)
        self._changed = asyncio.Event()

    # ------------------------------------------------------------------------------------------
    # Control

    def start(self) -> None:
        """Start the tasks on the running loop; every resource is due at once. Idempotent."""
        if self._stopping:
            raise RuntimeError("a stopped poller cannot start again")
        loop = asyncio.get_running_loop()
        now = self._clock.monotonic()
        for slot in self._slots.values():
            if slot.task is None:
                slot.due = now
                slot.task = loop.create_task(self._run(slot), name=f"poll-{slot.kind}")

    async def stop(self) -> None:
        """Cancel every task and wait for them; a running sync ends as aborted."""
        self._stopping = True
        tasks = [slot.task for slot in self._slots.values() if slot.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for slot in self._slots.values():
            slot.task = None
        self._notify()

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def pause(self) -> None:
        """Start no new polls until :meth:`resume` (a running poll finishes)."""
        if self._paused:
            return
        self._paused = True
        for slot in self._slots.values():
            self._set(slot, replace(slot.fresh, paused=True, next_due=None))
        self._notify()

    def resume(self) -> None:
        """Poll again; resources whose poll fell due while paused poll at once."""
        if not self._paused:
            return
        self._paused = False
        for slot in self._slots.values():
            due = None if slot.in_progress else self._wall_due(slot)
            self._set(slot, replace(slot.fresh, paused=False, next_due=due))
            slot.wake.set()
        self._notify()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def in_progress(self) -> frozenset[Resource]:
        """The resources whose poll is running now."""
        return frozenset(kind for kind, slot in self._slots.items() if slot.in_progress)

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return any(slot.task is not None and not slot.task.done() for slot in self._slots.values())

    def refresh_now(self, kind: Resource | None = None) -> bool:
        """Poll ``kind`` (every resource when None) now; True if any poll was scheduled.

        A resource whose poll is running is left alone (the running poll is the refresh). A
        rate-limit hold still applies. A failure backoff does not: the user asked.
        """
        scheduled = False
        for slot in self._slots.values():
            if (kind is None or slot.kind is kind) and not slot.in_progress:
                slot.refresh = True
                slot.wake.set()
                scheduled = True
        self._notify()
        return scheduled

    # ------------------------------------------------------------------------------------------
    # State

    @property
    def freshness(self) -> Mapping[Resource, Freshness]:
        """The current :class:`Freshness` of every polled resource."""
        return MappingProxyType({kind: slot.fresh for kind, slot in self._slots.items()})

    def freshness_of(self, kind: Resource) -> Freshness:
        return self._slots[kind].fresh

    @property
    def cycles(self) -> Mapping[Resource, int]:
        """Finished poll attempts (successes and failures) per resource."""
        return MappingProxyType(self._cycles)

    @property
    def rate_limited_for(self) -> float:
        """Seconds left of a rate-limit hold (0 when none)."""
        return max(0.0, self._hold_until - self._clock.monotonic())

    async def wait_idle(self) -> None:
        """Return once every task waits for its turn and none is due now.

        For tests on a manual ``FakeClock``: advance the clock, then await this. It does not
        return while a poll is blocked inside the source, including on the clock itself (a
        client's retry backoff): see :attr:`in_progress`.
        """
        while not self._is_idle():
            self._changed.clear()
            await self._changed.wait()

    async def wait_cycles(self, kind: Resource, count: int) -> None:
        """Return once ``kind`` has finished ``count`` poll attempts in total."""
        while self._cycles[kind] < count:
            self._changed.clear()
            await self._changed.wait()

    # ------------------------------------------------------------------------------------------
    # The task of one resource

    async def _run(self, slot: _Slot) -> None:
        while True:
            try:
                await self._wait_turn(slot)
                await self._poll(slot)
            except asyncio.CancelledError:
                slot.parked = False
                raise
            except Exception:
                # _poll contains its own errors; reaching here is a bug in the scheduling itself.
                # Keep the task alive, and do not spin.
                log.exception("poller task for %s failed; retrying later", slot.kind)
                slot.in_progress = False
                slot.fresh = replace(slot.fresh, in_progress=False)
                slot.due = self._clock.monotonic() + slot.interval

    def _is_ready(self, slot: _Slot, now: float) -> bool:
        if self._stopping:
            return False
        if slot.kind in _AFTER_FIRST_ROUND and self._first_round_pending:
            return False
        if now < self._hold_until:
            return False
        if slot.refresh:
            return True
        return not self._paused and now >= slot.due

    def _deadline(self, slot: _Slot) -> float | None:
        """When a parked slot should look again (None: only when woken)."""
        if self._stopping or (slot.kind in _AFTER_FIRST_ROUND and self._first_round_pending):
            return None
        if slot.refresh:
            return self._hold_until
        if self._paused:
            return None
        return max(slot.due, self._hold_until)

    def _is_idle(self) -> bool:
        now = self._clock.monotonic()
        return all(
            slot.task is None or (slot.parked and not self._is_ready(slot, now))
            for slot in self._slots.values()
        )

    async def _wait_turn(self, slot: _Slot) -> None:
        while True:
            if self._is_ready(slot, self._clock.monotonic()):
                slot.parked = False
                return
            if not slot.parked:
                slot.parked = True
                self._notify()
            await self._sleep_or_wake(slot, self._deadline(slot))

    async def _sleep_or_wake(self, slot: _Slot, deadline: float | None) -> None:
        """Wait until ``slot.wake`` is set or the monotonic ``deadline`` passes."""
        if slot.wake.is_set():
            slot.wake.clear()
            return
        waiters: list[asyncio.Task[object]] = [asyncio.ensure_future(slot.wake.wait())]
        if deadline is not None:
            waiters.append(asyncio.ensure_future(self._sleep_until(deadline)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
        slot.wake.clear()

    async def _sleep_until(self, deadline: float) -> None:
        # The remaining time is computed when this task first runs, not when it was created:
        # the clock may have moved in between (a test advancing a FakeClock, a busy loop).
        await self._clock.sleep(max(0.0, deadline - self._clock.monotonic()))

    async def _poll(self, slot: _Slot) -> None:
        kind = slot.kind
        slot.refresh = False
        slot.in_progress = True
        self._set(
            slot,
            replace(
                slot.fresh,
                in_progress=True,
                last_attempt_at=self._clock.now(),
                next_due=None,
                loaded=0,
                total=None,
            ),
        )
        self._notify()
        try:
            if kind in SYNC_KINDS:
                await self._sync(slot)
            elif kind is Resource.ACCOUNT:
                self._store.set_account(await self._source.account(priority=Priority.LIVE))
            else:
                rate = await self._source.request_rate(priority=Priority.LIVE)
                self._store.set_request_rate(rate)
        except asyncio.CancelledError:
            slot.in_progress = False
            slot.fresh = replace(slot.fresh, in_progress=False)
            raise
        except DattoError as error:
            self._failed(slot, error.message or type(error).__name__, error)
        except Exception as error:
            log.error("%s poll failed unexpectedly", kind, exc_info=True)
            self._failed(slot, f"Unexpected error ({type(error).__name__}); see the log.", None)
        else:
            self._succeeded(slot)
        self._cycles[kind] += 1
        if kind in self._first_round_pending:
            self._first_round_pending.discard(kind)
            if not self._first_round_pending:
                for other in self._slots.values():
                    if other.kind in _AFTER_FIRST_ROUND:
                        other.wake.set()
        self._notify()

    async def _sync(self, slot: _Slot) -> None:
        kind = slot.kind
        store = self._store
        stream: PageStream[Site] | PageStream[Device] | PageStream[Alert]
        if kind is Resource.SITES:
            stream = self._source.sites(priority=Priority.BACKGROUND)
        elif kind is Resource.DEVICES:
            stream = self._source.devices(priority=Priority.BACKGROUND)
        else:
            stream = self._source.open_alerts(priority=Priority.LIVE)
        store.begin_sync(kind)
        complete = False
        pages = stream.pages()
        try:
            async for page in pages:
                store.apply_page(kind, page.items, total=page.total_count)
                loaded, total = store.sync_progress(kind)
                slot.fresh = replace(slot.fresh, loaded=loaded, total=total)
                await asyncio.sleep(0)  # let the UI breathe between pages
            complete = True
        finally:
            aclose = getattr(pages, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except Exception:
                    log.debug("closing the %s page stream failed", kind, exc_info=True)
            store.end_sync(kind, complete)

    # ------------------------------------------------------------------------------------------
    # Outcomes

    def _succeeded(self, slot: _Slot) -> None:
        now = self._clock.monotonic()
        slot.failures = 0
        slot.in_progress = False
        slot.due = now + slot.interval
        self._set(
            slot,
            replace(
                slot.fresh,
                in_progress=False,
                last_success_at=self._clock.now(),
                last_error=None,
                consecutive_failures=0,
                retry_after=None,
                next_due=self._wall_due(slot),
            ),
        )

    def _failed(self, slot: _Slot, message: str, error: DattoError | None) -> None:
        now = self._clock.monotonic()
        slot.failures += 1
        slot.in_progress = False
        delay = min(slot.interval * 2.0**slot.failures, max(self._backoff_cap, slot.interval))
        retry_after = error.retry_after if error is not None else None
        if isinstance(error, IPBlocked | RateLimited):
            default = IP_BLOCK_HOLD if isinstance(error, IPBlocked) else RATE_LIMIT_HOLD
            hold = retry_after if retry_after is not None and retry_after > 0 else default
            self._hold_until = max(self._hold_until, now + hold)
            retry_after = hold
        if retry_after is not None and retry_after > delay:
            delay = retry_after
        slot.due = now + delay
        log.warning(
            "%s poll failed (%d in a row); next attempt in %.0f s: %s",
            slot.kind,
            slot.failures,
            max(delay, self._hold_until - now),
            message,
        )
        self._set(
            slot,
            replace(
                slot.fresh,
                in_progress=False,
                last_error=message,
                consecutive_failures=slot.failures,
                retry_after=retry_after,
                next_due=self._wall_due(slot),
            ),
        )

    def _wall_due(self, slot: _Slot) -> datetime | None:
        """When the next poll of ``slot`` is planned, on the wall clock (None while paused)."""
        if self._paused and not slot.refresh:
            return None
        due = max(slot.due, self._hold_until)
        return self._clock.now() + timedelta(seconds=max(0.0, due - self._clock.monotonic()))

    def _set(self, slot: _Slot, fresh: Freshness) -> None:
        """Replace the freshness of ``slot``, publishing the change."""
        if fresh != slot.fresh:
            slot.fresh = fresh
            self._store.publish([FreshnessChanged(slot.kind, fresh)])

    def _notify(self) -> None:
        self._changed.set()
