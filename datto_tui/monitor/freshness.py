"""How fresh each polled resource is: the badge every panel shows.

:class:`Freshness` is an immutable record the poller replaces after every attempt;
:meth:`Freshness.state` turns it into one of five states for a given instant:

- ``NEVER``: no poll has been attempted yet.
- ``LOADING``: the first poll is running; there is no data yet.
- ``FAILING``: the last attempt failed (the last good data, if any, is still shown).
- ``STALE``: the last success is older than twice the interval (paused, or slow to come back).
- ``FRESH``: otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from datto_tui.monitor.events import Resource

#: A success older than this many intervals is stale.
STALE_AFTER_INTERVALS = 2.0


class FreshnessState(StrEnum):
    NEVER = "never"
    LOADING = "loading"
    FRESH = "fresh"
    STALE = "stale"
    FAILING = "failing"


@dataclass(frozen=True, slots=True)
class Freshness:
    """The polling state of one resource.

    ``last_error`` is a message for the person at the keyboard (a ``DattoError``'s text): it never
    holds a secret. ``next_due`` is when the next attempt is planned (None while one runs or while
    paused). ``loaded``/``total`` are the progress of the running or last sync (``total`` None:
    unknown). ``retry_after``: the service asked us to wait at least this long (rate limit).
    """

    kind: Resource
    interval: float
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    next_due: datetime | None = None
    in_progress: bool = False
    loaded: int = 0
    total: int | None = None
    paused: bool = False
    retry_after: float | None = None

    def age(self, now: datetime) -> float | None:
        """Seconds since the last success, or None if there never was one."""
        if self.last_success_at is None:
            return None
        return max(0.0, (now - self.last_success_at).total_seconds())

    def is_stale(self, now: datetime) -> bool:
        """True once the last success is older than twice the interval (or never happened)."""
        age = self.age(now)
        return age is None or age > STALE_AFTER_INTERVALS * self.interval

    def state(self, now: datetime) -> FreshnessState:
        if self.last_success_at is None:
            if self.consecutive_failures:
                return FreshnessState.FAILING
            return FreshnessState.LOADING if self.in_progress else FreshnessState.NEVER
        if self.consecutive_failures:
            return FreshnessState.FAILING
        if self.is_stale(now):
            return FreshnessState.STALE
        return FreshnessState.FRESH
