"""The log's account of the polls' health: first data, failures that persist, recoveries.

The poller logs every failed attempt; :class:`HealthLog` adds what an operator reading the log
after a night on the wall wants to know: when each resource first loaded, when a failing
resource recovered and after how long, and (through :meth:`HealthLog.budget`) when an IP block or
a rate-limit pause started and ended. Subscribe it to the store
(``store.subscribe(HealthLog(clock))``); it only reads the events and never raises.

Messages carry the poller's error text (a ``DattoError`` message, never a secret) and the
redacting filter of :mod:`datto_tui.logs` applies on top.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from datto_tui.clock import Clock
from datto_tui.monitor.events import ChangeEvent, FreshnessChanged, Resource
from datto_tui.monitor.freshness import Freshness

log = logging.getLogger("datto_tui.health")


class HealthLog:
    """A store subscriber that logs transitions of each resource's freshness."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._failing_since: dict[Resource, datetime] = {}
        self._loaded: set[Resource] = set()
        self._blocked = False
        self._paused = False

    def __call__(self, events: Sequence[ChangeEvent]) -> None:
        try:
            for event in events:
                if isinstance(event, FreshnessChanged):
                    self._freshness(event.freshness)
        except Exception:  # a log helper must never break the store's publishing
            log.debug("health log failed", exc_info=True)

    def _freshness(self, fresh: Freshness) -> None:
        kind = fresh.kind
        if fresh.in_progress:
            return
        if fresh.consecutive_failures:
            if kind not in self._failing_since:
                self._failing_since[kind] = fresh.last_attempt_at or self._clock.now()
            return
        if fresh.last_success_at is None:
            return
        if kind not in self._loaded:
            self._loaded.add(kind)
            log.info("%s loaded (%d items)", kind.value, fresh.loaded)
        since = self._failing_since.pop(kind, None)
        if since is not None:
            down = (fresh.last_success_at - since).total_seconds()
            log.warning("%s poll recovered after %.0f s of failures", kind.value, max(0.0, down))

    def budget(self, ip_blocked: bool, paused_for: float, reason: str | None) -> None:
        """Log the start and end of an IP block or a rate-limit pause (call it on a timer)."""
        if ip_blocked != self._blocked:
            self._blocked = ip_blocked
            if ip_blocked:
                log.warning(
                    "the service blocks this IP address; polls resume in %.0f s", paused_for
                )
            else:
                log.warning("the IP block has ended; polling again")
        paused = paused_for > 0 and not ip_blocked
        if paused != self._paused:
            self._paused = paused
            if paused:
                log.warning("requests paused for %.0f s: %s", paused_for, reason or "rate limited")
            else:
                log.info("the request pause has ended")
