"""When one resource recovers, retry the others that are still failing, now.

Failures usually share one cause (the network, refused credentials, an outage). The poller backs
each resource off on its own, up to 10 or 15 minutes, so after the cause clears the first
resource to succeed may be followed by the others only many minutes later: a wall would show
"stale" long after the problem went away. :class:`RetryOnRecovery` (a store subscriber) watches
for a resource whose poll succeeded after failures and asks the poller to poll every other
failing resource at once. A rate-limit hold still applies (``Poller.refresh_now`` honours it),
so this never adds load while the service asks us to wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from datto_tui.monitor.events import ChangeEvent, FreshnessChanged, Resource
from datto_tui.monitor.freshness import Freshness

log = logging.getLogger(__name__)


class PollerLike(Protocol):
    """What is needed of the :class:`~datto_tui.monitor.poller.Poller`."""

    def refresh_now(self, kind: Resource | None = None) -> bool: ...


class RetryOnRecovery:
    """Subscribe with ``store.subscribe(RetryOnRecovery(poller))``."""

    def __init__(self, poller: PollerLike) -> None:
        self._poller = poller
        self._failing: set[Resource] = set()

    def __call__(self, events: Sequence[ChangeEvent]) -> None:
        try:
            for event in events:
                if isinstance(event, FreshnessChanged):
                    self._seen(event.freshness)
        except Exception:  # a helper must never break the store's publishing
            log.debug("retry on recovery failed", exc_info=True)

    def _seen(self, fresh: Freshness) -> None:
        if fresh.in_progress:
            return
        if fresh.consecutive_failures:
            self._failing.add(fresh.kind)
            return
        if fresh.kind not in self._failing:
            return
        self._failing.discard(fresh.kind)
        others = sorted(self._failing)
        if not others:
            return
        log.info("%s recovered; retrying %s now", fresh.kind.value, ", ".join(others))
        # Not from inside the poller's own bookkeeping: on the next turn of the loop.
        asyncio.get_running_loop().call_soon(self._retry, others)

    def _retry(self, kinds: list[Resource]) -> None:
        for kind in kinds:
            self._poller.refresh_now(kind)
