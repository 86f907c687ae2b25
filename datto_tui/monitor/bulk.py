"""Resolving alerts, one or many, as the operator asked: paced, cancellable, never retried.

:func:`resolve_alerts` sends one ``POST /alert/{uid}/resolve`` per alert, in order, each with
interactive priority and only when the write share has room (see :mod:`.pacing`). Contract:

- Each alert gets exactly one :class:`ResolveOutcome`:
  ``RESOLVED`` (the service accepted it), ``ALREADY`` (the service answered 404, or the alert had
  already left the open set before its turn: nothing was sent), ``FAILED`` (any other error; the
  reason is the error's user-readable text) or ``NOT_SENT`` (the run was cancelled first).
- A request is sent at most once: the client never retries writes and neither does this loop.
- The store is told at once: a resolved (or already gone) alert is removed with
  :meth:`Store.mark_alert_resolved`, so it leaves every view immediately; the next alert poll
  confirms it. A failed one stays.
- After a rate-limit answer the next write waits for the budget's pause instead of meeting the
  limit again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from datto_tui.api.budget import Priority
from datto_tui.api.errors import DattoError, NotFound
from datto_tui.api.models import Alert
from datto_tui.clock import Clock
from datto_tui.monitor.pacing import BudgetLike, CancelToken, wait_for_write_slot
from datto_tui.monitor.store import Store
from datto_tui.text import clean_line


class ResolveClient(Protocol):
    @property
    def budget(self) -> BudgetLike: ...

    async def resolve_alert(self, uid: str, *, priority: Priority = ...) -> None: ...


class ResolveStatus(StrEnum):
    RESOLVED = "resolved"
    ALREADY = "already resolved"
    FAILED = "failed"
    NOT_SENT = "not sent"


@dataclass(frozen=True, slots=True)
class ResolveOutcome:
    """What happened to one alert. ``reason`` explains ``FAILED`` (and ``ALREADY``)."""

    alert_uid: str
    label: str
    status: ResolveStatus
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ResolveProgress:
    """Where a run stands: ``done`` of ``total`` answered; ``waiting`` seconds left for the
    write budget (0: not waiting); ``current`` is the label of the alert being sent."""

    total: int
    done: int
    current: str | None
    waiting: float
    outcomes: tuple[ResolveOutcome, ...]


def alert_label(alert: Alert) -> str:
    """``High · Disk usage · HOST-01`` (neutralised, one line)."""
    parts = [alert.priority or "Unknown", alert.context.label, alert.device_name or "?"]
    return clean_line(" · ".join(parts), 120)


def summarise(outcomes: Sequence[ResolveOutcome]) -> str:
    """``Resolved 3; 1 already resolved; 1 failed`` (only the non-zero parts)."""
    counts = {status: 0 for status in ResolveStatus}
    for outcome in outcomes:
        counts[outcome.status] += 1
    parts: list[str] = []
    if counts[ResolveStatus.RESOLVED]:
        n = counts[ResolveStatus.RESOLVED]
        parts.append(f"Resolved {n} alert{'s' if n != 1 else ''}")
    if counts[ResolveStatus.ALREADY]:
        parts.append(f"{counts[ResolveStatus.ALREADY]} already resolved")
    if counts[ResolveStatus.FAILED]:
        parts.append(f"{counts[ResolveStatus.FAILED]} failed")
    if counts[ResolveStatus.NOT_SENT]:
        parts.append(f"{counts[ResolveStatus.NOT_SENT]} not sent (cancelled)")
    return "; ".join(parts) if parts else "Nothing to resolve"


async def resolve_alerts(
    client: ResolveClient,
    store: Store,
    alerts: Sequence[Alert],
    *,
    clock: Clock,
    cancel: CancelToken | None = None,
    progress: Callable[[ResolveProgress], None] | None = None,
) -> list[ResolveOutcome]:
    """Resolve ``alerts`` in order (see the module docstring); returns one outcome each."""
    token = cancel or CancelToken()
    outcomes: list[ResolveOutcome] = []
    total = len(alerts)

    def report(current: str | None, waiting: float = 0.0) -> None:
        if progress is not None:
            progress(ResolveProgress(total, len(outcomes), current, waiting, tuple(outcomes)))

    for alert in alerts:
        uid = alert.alert_uid
        label = alert_label(alert)
        if token.cancelled:
            outcomes.append(ResolveOutcome(uid, label, ResolveStatus.NOT_SENT))
            continue
        report(label)

        def waiting(left: float, label: str = label) -> None:
            report(label, left)

        ready = await wait_for_write_slot(client.budget, clock, token, waiting)
        if not ready:
            outcomes.append(ResolveOutcome(uid, label, ResolveStatus.NOT_SENT))
            continue
        if uid not in store.alerts:
            # Resolved meanwhile (by someone else, or auto-resolved): nothing to send.
            outcomes.append(ResolveOutcome(uid, label, ResolveStatus.ALREADY, "no longer open"))
            continue
        try:
            await client.resolve_alert(uid, priority=Priority.INTERACTIVE)
        except NotFound:
            store.mark_alert_resolved(uid)
            outcomes.append(
                ResolveOutcome(uid, label, ResolveStatus.ALREADY, "the service no longer has it")
            )
        except DattoError as error:
            outcomes.append(
                ResolveOutcome(uid, label, ResolveStatus.FAILED, clean_line(str(error), 300))
            )
        else:
            store.mark_alert_resolved(uid)
            outcomes.append(ResolveOutcome(uid, label, ResolveStatus.RESOLVED))
    report(None)
    return outcomes
