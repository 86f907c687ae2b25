"""Pacing user-started write runs (bulk resolve, quick jobs) within the client's write share.

The client's :class:`~datto_tui.api.budget.Budget` already makes every request wait for a slot,
so a run can never exceed the share. This module adds what a *run* of writes needs on top:

- :func:`wait_for_write_slot` waits, before a write is sent, until the budget would grant it
  at once (the write share has a free slot and no pause holds), in steps of at most a second,
  reporting how long is left, and giving up as soon as the run is cancelled. Waiting here rather
  than inside the transport keeps a cancel instant and safe: nothing has been sent yet.
- :class:`CancelToken` is the run's cancel flag, set from the UI, read between writes. A write
  already sent is never interrupted (its outcome would be unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from datto_tui.api.budget import BudgetSnapshot
from datto_tui.clock import Clock

#: Longest single sleep while waiting, so progress and cancel stay responsive.
WAIT_STEP = 1.0


class BudgetLike(Protocol):
    def snapshot(self) -> BudgetSnapshot: ...


class CancelToken:
    """A flag a UI sets to stop a run between two writes."""

    def __init__(self) -> None:
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True


def write_wait(snapshot: BudgetSnapshot) -> float:
    """Seconds until the budget would grant a write at once (0: now)."""
    wait = snapshot.paused_for
    if snapshot.writes_used >= snapshot.writes_limit:
        wait = max(wait, snapshot.writes_reset_in, 0.001)
    return max(0.0, wait)


async def wait_for_write_slot(
    budget: BudgetLike,
    clock: Clock,
    cancel: CancelToken,
    on_wait: Callable[[float], None] | None = None,
) -> bool:
    """Wait until a write can go out at once; False if the run was cancelled meanwhile.

    ``on_wait(seconds_left)`` is called before each sleep, and with 0 when the wait is over
    (only if there was a wait).
    """
    waited = False
    while not cancel.cancelled:
        left = write_wait(budget.snapshot())
        if left <= 0:
            if waited and on_wait is not None:
                on_wait(0.0)
            return True
        waited = True
        if on_wait is not None:
            on_wait(left)
        await clock.sleep(min(left, WAIT_STEP))
    return False
