"""The client's share of the account's request budget.

Datto RMM limits requests per ACCOUNT, shared by every integration of that account: 600 reads and
(per operation) 100 writes in any sliding 60 s window. Past 90 % it slows every answer by a second,
past 100 % it answers 429, and if the client keeps going it answers 403 and blocks the IP address
for about five minutes. The service sends no rate-limit headers, so the client keeps its own count.

Contract of :class:`Budget`:

- Two lanes, ``"read"`` and ``"write"``, each a sliding window of ``window`` seconds (60). A lane
  grants at most ``limit`` slots in any window, where ``limit`` is the configured share of the
  account's figure (default 50 % of 600 reads and of 100 writes: 300 and 50). The guarantee holds
  for any number of concurrent callers and whatever the network latency: a slot counts from the
  moment it is granted until ``window`` seconds after its request completed, so however late a
  request reaches the service it falls inside a window the client has already counted.
- Three priorities. An :attr:`Priority.INTERACTIVE` waiter always goes before the others, and
  they (:attr:`Priority.LIVE` polls, then :attr:`Priority.BACKGROUND` syncs, in that order) may
  use only ``limit - reserve`` slots (reserve = 10 % of the limit, at least one slot unless the
  limit is a single slot), so a sync can never starve the person at the keyboard, nor a bulk
  sync the live polls. Within a priority, first come, first served.
- Pauses. :meth:`note_rate_limited` (a 429) pauses every lane for at least 60 s (longer if the
  service said ``Retry-After``). :meth:`note_forbidden` (a 403) within 10 minutes of a 429 is taken
  as the service's IP block: every lane pauses for 5 minutes. Waiters wait out a pause; nothing is
  dropped. When a pause ends, one request goes alone (a probe); the others follow once the service
  answered it with something else than a 429 (:meth:`note_answer`), so a crowd of queued requests
  never meets a service that is still limiting the account (which would block the IP).
- Calibration. :meth:`record_account_rate` takes ``GET /v2/system/request_rate``. Its figures are
  shown by :meth:`snapshot` and also slow the client when other integrations use the account:
  until the next measurement, but for ``calibration_ttl`` seconds (300) at most, a lane's limit is
  at most ``floor(cutoff x account_limit) - others`` (cutoff 0.9 unless the service says
  otherwise; others = the account's count minus the client's own count at that moment), but
  never below one slot and never above the configured share. The account limit it reports also
  replaces the default 600 (reads) as the base of the share. So together with everyone else the
  account stays under the service's 90 % slow-down line whenever the client can help it.
- Headers. The service is not known to send ``X-RateLimit-*``; if it ever does,
  :meth:`observe_limits` only ever tightens: ``remaining <= 0`` pauses the lane until the reset,
  a small ``remaining`` caps the next grants, a ``limit`` caps the share of it.

All waiting goes through the injected clock's ``sleep``; nothing here reads the real time.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from datto_tui.api.errors import ConfigurationError
from datto_tui.api.models import RequestRate
from datto_tui.clock import Clock, SystemClock

Kind = Literal["read", "write"]

ACCOUNT_READ_LIMIT = 600
ACCOUNT_WRITE_LIMIT = 100
DEFAULT_CUTOFF_RATIO = 0.9
# A freed slot is granted this long after its window ended, so float rounding never lets a slot
# go one instant early.
_EPSILON = 0.001


class Priority(enum.IntEnum):
    """Who is waiting. Lower goes first.

    - ``INTERACTIVE``: the person at the keyboard (may use the whole share).
    - ``LIVE``: small background polls whose age shows on screen (open alerts, the account,
      the request rate): queued ahead of bulk syncs, so a 100k-device sync never leaves the
      alert pane stale or the budget unmeasured.
    - ``BACKGROUND``: bulk syncs (devices, sites).
    """

    INTERACTIVE = 0
    LIVE = 1
    BACKGROUND = 2


@dataclass(frozen=True, slots=True)
class BudgetSnapshot:
    """The budget at one instant, for the status bar's gauge.

    ``*_used`` counts slots in the current window (including requests in flight); ``*_reset_in`` is
    the number of seconds until the oldest of them leaves the window (0 when none). ``paused_for``
    is the remaining pause (0 when not paused). ``account_*`` are the last figures measured with
    ``request_rate`` (None before the first measurement). ``queued`` is the number of requests
    waiting for a slot.
    """

    reads_used: int
    reads_limit: int
    writes_used: int
    writes_limit: int
    window_seconds: float
    reads_reset_in: float
    writes_reset_in: float
    paused_for: float
    pause_reason: str | None
    ip_blocked: bool
    account_reads: int | None
    account_read_limit: int | None
    account_writes: int | None
    account_write_limit: int | None
    account_measured_at: datetime | None
    queued: int


class _Waiter:
    __slots__ = ("cancelled", "granted", "priority", "slot", "wake")

    def __init__(self, priority: Priority) -> None:
        self.priority = priority
        self.granted = False
        self.cancelled = False
        self.slot: Slot | None = None
        self.wake = asyncio.Event()


class _Lane:
    """One sliding window (reads or writes) and the queue of its waiters."""

    def __init__(self, name: Kind, share: float, account_limit: int) -> None:
        self.name: Kind = name
        self.share = share
        self.account_limit = account_limit
        self.completed: deque[float] = deque()  # completion times, oldest first
        self.in_flight = 0
        self.queue: list[tuple[int, int, _Waiter]] = []
        self.woken_head: _Waiter | None = None
        # Tightening from request_rate calibration or headers: (limit, valid until monotonic).
        self.calibrated: tuple[int, float] | None = None
        self.header_cap: tuple[int, float] | None = None
        # Slots the service says are used by others: (count, valid until monotonic).
        self.external: tuple[int, float] | None = None

    def configured_limit(self) -> int:
        return max(1, math.floor(self.account_limit * self.share))

    def limit(self, now: float) -> int:
        value = self.configured_limit()
        for cap in (self.calibrated, self.header_cap):
            if cap is not None and now < cap[1]:
                value = min(value, cap[0])
        return max(1, value)

    def reserve(self, limit: int) -> int:
        return max(1, math.ceil(limit * 0.1)) if limit > 1 else 0

    def cap_for(self, priority: Priority, now: float) -> int:
        limit = self.limit(now)
        return limit if priority is Priority.INTERACTIVE else limit - self.reserve(limit)

    def external_count(self, now: float) -> int:
        if self.external is None:
            return 0
        if now >= self.external[1]:
            self.external = None
            return 0
        return self.external[0]

    def prune(self, now: float, window: float) -> None:
        completed = self.completed
        while completed and completed[0] + window < now:
            completed.popleft()

    def own_used(self, now: float, window: float) -> int:
        self.prune(now, window)
        return self.in_flight + len(self.completed)

    def head(self) -> _Waiter | None:
        queue = self.queue
        while queue and queue[0][2].cancelled:
            heapq.heappop(queue)
        return queue[0][2] if queue else None


class Slot:
    """A granted slot; :meth:`Budget.release` it once the request is done (whatever happened)."""

    __slots__ = ("_lane", "_probe", "_released")

    def __init__(self, lane: _Lane, probe: bool) -> None:
        self._lane = lane
        self._probe = probe
        self._released = False


class Budget:
    """The client-side request budget; see the module docstring for the contract."""

    def __init__(
        self,
        *,
        read_share: float = 0.5,
        write_share: float = 0.5,
        clock: Clock | None = None,
        window: float = 60.0,
        rate_limit_pause: float = 60.0,
        ip_block_pause: float = 300.0,
        ip_block_after_429: float = 600.0,
        calibration_ttl: float = 300.0,
    ) -> None:
        for name, share in (("read_share", read_share), ("write_share", write_share)):
            if not 0.0 < share <= 1.0:
                raise ConfigurationError(
                    f"{name} must be a fraction of the account's rate limit between 0 and 1 "
                    f"(e.g. 0.5 for half); got {share!r}."
                )
        self._clock: Clock = clock or SystemClock()
        self.window = window
        self._rate_limit_pause = rate_limit_pause
        self._ip_block_pause = ip_block_pause
        self._ip_block_after_429 = ip_block_after_429
        self._calibration_ttl = calibration_ttl
        self._lanes: dict[Kind, _Lane] = {
            "read": _Lane("read", read_share, ACCOUNT_READ_LIMIT),
            "write": _Lane("write", write_share, ACCOUNT_WRITE_LIMIT),
        }
        self._seq = itertools.count()
        self._pause_until = 0.0
        self._pause_reason: str | None = None
        self._ip_block_until = 0.0
        self._last_429: float | None = None
        # After a 429 or an IP block, the first request after the pause goes alone (a probe);
        # the others wait until it got an answer that was not a 429.
        self._probing = False
        self._probe_out = False
        self._account: RequestRate | None = None
        self._account_measured_at: datetime | None = None

    # -----------------------------------------------------------------------------------------
    # Slots

    async def acquire(self, kind: Kind, priority: Priority = Priority.INTERACTIVE) -> Slot:
        """Wait until ``kind`` has a slot for ``priority`` and take it.

        Cancelling the wait gives nothing up: the slot is not taken and the queue moves on.
        """
        lane = self._lanes[kind]
        waiter = _Waiter(priority)
        heapq.heappush(lane.queue, (int(priority), next(self._seq), waiter))
        try:
            self._pump(lane)
            while not waiter.granted:
                waiter.wake.clear()
                delay = self._head_delay(lane, waiter) if lane.head() is waiter else None
                if delay is None:
                    await waiter.wake.wait()
                else:
                    await self._sleep_or_wake(waiter, delay)
                self._pump(lane)
        except BaseException:
            waiter.cancelled = True
            if waiter.slot is not None:
                lane.in_flight -= 1
                if waiter.slot._probe:
                    self._probe_out = False
                    self._wake_all()
            self._pump(lane)
            raise
        assert waiter.slot is not None
        return waiter.slot

    def release(self, slot: Slot) -> None:
        """The request of ``slot`` is done: it keeps counting until it leaves the window."""
        if slot._released:
            return
        slot._released = True
        lane = slot._lane
        lane.in_flight -= 1
        lane.completed.append(self._clock.monotonic())
        if slot._probe:
            self._probe_out = False
            self._wake_all()
        else:
            # The head may have been waiting for an in-flight request to get a completion time.
            self._wake_head(lane, force=True)

    @asynccontextmanager
    async def slot(
        self, kind: Kind, priority: Priority = Priority.INTERACTIVE
    ) -> AsyncIterator[None]:
        """``async with budget.slot("read"): send()``: acquire, and release whatever happens."""
        granted = await self.acquire(kind, priority)
        try:
            yield
        finally:
            self.release(granted)

    # -----------------------------------------------------------------------------------------
    # What the service told us

    def note_answer(self) -> None:
        """The service answered something other than a 429 or an IP block: stop probing."""
        if self._probing:
            self._probing = False
            self._wake_all()

    def note_rate_limited(self, retry_after: float | None = None) -> float:
        """A 429: pause every lane for 60 s, or ``retry_after`` if longer. Returns the pause.

        When the pause is over, one request goes first, alone; the rest follow once it was
        answered with something other than a 429.
        """
        now = self._clock.monotonic()
        self._last_429 = now
        self._probing = True
        seconds = max(self._rate_limit_pause, retry_after or 0.0)
        self.pause(seconds, "the service answered 429 Too Many Requests")
        return self.paused_for

    def note_forbidden(self) -> bool:
        """A 403. True (and a 5-minute pause) if it came within 10 minutes of a 429."""
        now = self._clock.monotonic()
        if self._last_429 is None or now - self._last_429 > self._ip_block_after_429:
            return False
        self._ip_block_until = max(self._ip_block_until, now + self._ip_block_pause)
        self._probing = True
        self.pause(
            self._ip_block_pause,
            "the service blocked this IP for about 5 minutes after too many requests",
        )
        return True

    def pause(self, seconds: float, reason: str) -> None:
        """Hold every lane for ``seconds`` (a pause only ever gets longer)."""
        now = self._clock.monotonic()
        until = now + max(0.0, seconds)
        if until > self._pause_until:
            self._pause_until = until
            self._pause_reason = reason
        self._wake_all()

    def observe_limits(
        self,
        kind: Kind,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_in: float | None = None,
    ) -> None:
        """Honour ``X-RateLimit-Limit/Remaining/Reset`` if the service sends them (tighten only)."""
        lane = self._lanes[kind]
        now = self._clock.monotonic()
        until = now + (reset_in if reset_in is not None and reset_in > 0 else self.window)
        if limit is not None and limit > 0:
            cap = max(1, math.floor(limit * lane.share))
            if cap < lane.configured_limit():
                lane.header_cap = (cap, now + self._calibration_ttl)
        if remaining is not None:
            if remaining <= 0:
                self.pause(until - now, "the service reports no requests left in this window")
            else:
                headroom = lane.limit(now) - lane.own_used(now, self.window)
                if remaining < headroom:
                    lane.external = (headroom - remaining, until)
        self._wake_head(lane, force=True)

    def record_account_rate(self, rate: RequestRate) -> None:
        """Take the account-wide figures of ``request_rate`` (gauge and calibration)."""
        now = self._clock.monotonic()
        self._account = rate
        self._account_measured_at = self._clock.now()
        cutoff = rate.account_cutoff_ratio
        if cutoff is None or not 0.0 < cutoff <= 1.0:
            cutoff = DEFAULT_CUTOFF_RATIO
        read_lane = self._lanes["read"]
        if rate.account_rate_limit is not None and rate.account_rate_limit > 0:
            read_lane.account_limit = rate.account_rate_limit
        figures = (
            (read_lane, rate.account_count, rate.account_rate_limit),
            (self._lanes["write"], rate.account_write_count, rate.account_write_rate_limit),
        )
        for lane, count, account_limit in figures:
            if count is None:
                continue
            limit = account_limit if account_limit and account_limit > 0 else lane.account_limit
            others = max(0, count - lane.own_used(now, self.window))
            allowed = math.floor(cutoff * limit) - others
            lane.calibrated = (max(1, allowed), now + self._calibration_ttl)
            self._wake_head(lane, force=True)

    # -----------------------------------------------------------------------------------------
    # Reading

    @property
    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when not paused)."""
        return max(0.0, self._pause_until - self._clock.monotonic())

    def snapshot(self) -> BudgetSnapshot:
        now = self._clock.monotonic()
        reads, writes = self._lanes["read"], self._lanes["write"]
        paused_for = max(0.0, self._pause_until - now)
        account = self._account
        return BudgetSnapshot(
            reads_used=reads.own_used(now, self.window) + reads.external_count(now),
            reads_limit=reads.limit(now),
            writes_used=writes.own_used(now, self.window) + writes.external_count(now),
            writes_limit=writes.limit(now),
            window_seconds=self.window,
            reads_reset_in=self._reset_in(reads, now),
            writes_reset_in=self._reset_in(writes, now),
            paused_for=paused_for,
            pause_reason=self._pause_reason if paused_for > 0 else None,
            ip_blocked=now < self._ip_block_until,
            account_reads=account.account_count if account else None,
            account_read_limit=account.account_rate_limit if account else None,
            account_writes=account.account_write_count if account else None,
            account_write_limit=account.account_write_rate_limit if account else None,
            account_measured_at=self._account_measured_at,
            queued=sum(
                1 for lane in self._lanes.values() for _, _, w in lane.queue if not w.cancelled
            ),
        )

    # -----------------------------------------------------------------------------------------
    # Internals

    def _reset_in(self, lane: _Lane, now: float) -> float:
        lane.prune(now, self.window)
        return max(0.0, lane.completed[0] + self.window - now) if lane.completed else 0.0

    def _fits(self, lane: _Lane, priority: Priority, now: float) -> bool:
        if now < self._pause_until or (self._probing and self._probe_out):
            return False
        used = lane.own_used(now, self.window) + lane.external_count(now)
        return used < lane.cap_for(priority, now)

    def _pump(self, lane: _Lane) -> None:
        """Grant slots to the head of the queue for as long as they fit."""
        now = self._clock.monotonic()
        while (head := lane.head()) is not None:
            if not self._fits(lane, head.priority, now):
                self._wake_head(lane)
                return
            heapq.heappop(lane.queue)
            head.granted = True
            head.slot = Slot(lane, probe=self._probing)
            if self._probing:
                self._probe_out = True
            lane.in_flight += 1
            head.wake.set()

    def _wake_all(self) -> None:
        for lane in self._lanes.values():
            self._wake_head(lane, force=True)

    def _wake_head(self, lane: _Lane, *, force: bool = False) -> None:
        """Let the head of the queue (re)compute how long it must wait."""
        head = lane.head()
        if head is not None and (force or head is not lane.woken_head):
            lane.woken_head = head
            head.wake.set()

    def _head_delay(self, lane: _Lane, waiter: _Waiter) -> float | None:
        """Seconds until the head may fit, or None if it must wait for a request to finish."""
        now = self._clock.monotonic()
        if now < self._pause_until:
            return self._pause_until - now
        if self._probing and self._probe_out:
            return None
        cap = lane.cap_for(waiter.priority, now)
        external = lane.external_count(now)
        excess = lane.own_used(now, self.window) + external - cap + 1
        if excess <= 0:
            return 0.0
        candidates: list[float] = []
        if excess <= len(lane.completed):
            candidates.append(lane.completed[excess - 1] + self.window + _EPSILON - now)
        if external and lane.external is not None:
            candidates.append(lane.external[1] - now)
        for cap_entry in (lane.calibrated, lane.header_cap):
            if cap_entry is not None and cap_entry[1] > now:
                candidates.append(cap_entry[1] - now)
        if not candidates:
            return None
        return max(_EPSILON, min(candidates))

    async def _sleep_or_wake(self, waiter: _Waiter, delay: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(delay))
        waker = asyncio.ensure_future(waiter.wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                if not task.done():
                    task.cancel()
