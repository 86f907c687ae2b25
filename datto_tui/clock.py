"""Injectable clocks.

Every component that reads the time or waits (auth expiry, the request budget, retries, the poller,
"x seconds ago" labels, the fake service's simulation) takes a :class:`Clock`, so tests and
snapshots can run on a :class:`FakeClock` that only moves when told to.

Contract of a clock:

- ``time()``: wall-clock seconds since the epoch (float).
- ``now()``: the same instant as an aware UTC ``datetime``.
- ``monotonic()``: seconds from an arbitrary origin, never going backwards; use it for intervals.
- ``await sleep(seconds)``: returns once ``monotonic()`` has advanced by at least ``seconds``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time as _time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What components need from a clock."""

    def time(self) -> float: ...

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return _time.time()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return _time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that moves only when advanced.

    Wall time and monotonic time move together: ``time() == start + monotonic()``.

    With ``auto_advance=True`` (the default) ``sleep(s)`` moves the clock forward to the sleeper's
    deadline at once (if it is not already past it) and yields to the loop, so code that waits runs
    instantly in tests while still observing time passing. Concurrent sleepers move the clock to the
    latest deadline among them, not the sum, as real parallel sleepers would.

    With ``auto_advance=False`` a sleeper blocks until :meth:`advance` (or :meth:`set`) moves the
    clock past its deadline; sleepers wake in deadline order. Use it to step a poller or a
    simulation deterministically.
    """

    def __init__(self, start: float = 1_780_000_000.0, *, auto_advance: bool = True) -> None:
        self._start = float(start)
        self._mono = 0.0
        self.auto_advance = auto_advance
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self._start + self._mono

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def monotonic(self) -> float:
        return self._mono

    async def sleep(self, seconds: float) -> None:
        deadline = self._mono + max(0.0, seconds)
        if self.auto_advance:
            if deadline > self._mono:
                self._move_to(deadline)
            await asyncio.sleep(0)
            return
        if deadline <= self._mono:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (deadline, next(self._seq), future))
        await future

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` and wake every sleeper whose deadline has passed."""
        if seconds < 0:
            raise ValueError("a clock never goes backwards")
        self._move_to(self._mono + seconds)

    def set(self, epoch_seconds: float) -> None:
        """Move wall time to ``epoch_seconds`` (never backwards)."""
        self.advance(max(0.0, epoch_seconds - self.time()))

    @property
    def pending_sleepers(self) -> int:
        """How many sleepers are still waiting (manual mode only)."""
        return sum(1 for _, _, f in self._sleepers if not f.done())

    def next_deadline(self) -> float | None:
        """Monotonic deadline of the earliest waiting sleeper, or None."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    def _move_to(self, mono: float) -> None:
        self._mono = max(self._mono, mono)
        while self._sleepers and self._sleepers[0][0] <= self._mono:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
