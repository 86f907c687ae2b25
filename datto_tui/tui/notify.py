"""Toasts for new Critical and High alerts, rate-limited so an alert storm stays readable.

:class:`ToastLimiter` (no Textual) decides: at most ``limit`` toasts in any ``window`` seconds of
the injected clock; what does not fit is counted, and :meth:`ToastLimiter.due_summary` hands the
count out once the window has room again, for one summary toast ("12 more new alerts").

:class:`AlertToaster` applies it to the dashboard: :meth:`AlertToaster.alerts_opened` takes the
alerts that just opened (the store's ``AlertOpened`` events with ``is_new``, i.e. after the first
sync), keeps the Critical and High ones, and shows one toast each while the limit allows. With
the profile's ``bell`` it also rings the terminal bell, at most once per window. Call
:meth:`AlertToaster.flush` regularly (the main screen's one-second tick) to deliver summaries.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Protocol

from textual.notifications import SeverityLevel

from datto_tui.api.models import Alert
from datto_tui.clock import Clock
from datto_tui.text import clean_line

#: Priorities (ranks) that raise a toast: Critical (0) and High (1).
TOAST_MAX_RANK = 1


class Notifier(Protocol):
    """What the toaster needs from the app (``App.notify`` and ``App.bell``)."""

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...

    def bell(self) -> None: ...


class ToastLimiter:
    """At most ``limit`` toasts per ``window`` seconds; the rest are counted for a summary."""

    def __init__(self, clock: Clock, *, limit: int = 3, window: float = 10.0) -> None:
        self._clock = clock
        self.limit = limit
        self.window = window
        self._shown: deque[float] = deque()
        self._held = 0

    def _prune(self) -> float:
        now = self._clock.monotonic()
        while self._shown and now - self._shown[0] >= self.window:
            self._shown.popleft()
        return now

    def allow(self) -> bool:
        """True (and counted) if a toast may be shown now; otherwise it is held for a summary."""
        now = self._prune()
        if len(self._shown) < self.limit:
            self._shown.append(now)
            return True
        self._held += 1
        return False

    @property
    def held(self) -> int:
        return self._held

    def due_summary(self) -> int:
        """The number of held toasts once a summary may be shown (then counted), else 0."""
        if not self._held:
            return 0
        now = self._prune()
        if len(self._shown) >= self.limit:
            return 0
        held, self._held = self._held, 0
        self._shown.append(now)
        return held


def alert_toast_text(alert: Alert) -> str:
    """``Critical: Disk usage on HOST-01 · Acme`` (neutralised, one line)."""
    text = (
        f"{clean_line(alert.priority or 'Unknown', 20)}: {clean_line(alert.context.label, 40)}"
        f" on {clean_line(alert.device_name or '?', 60)}"
    )
    if alert.site_name:
        text += f" · {clean_line(alert.site_name, 40)}"
    return text


class AlertToaster:
    """New Critical/High alert toasts for one app (see the module docstring)."""

    def __init__(
        self,
        app: Notifier,
        clock: Clock,
        *,
        bell: bool = False,
        limit: int = 3,
        window: float = 10.0,
    ) -> None:
        self._app = app
        self._clock = clock
        self.bell = bell
        self.limiter = ToastLimiter(clock, limit=limit, window=window)
        self._last_bell: float | None = None

    def alerts_opened(self, alerts: Iterable[Alert]) -> int:
        """Toast the Critical/High ones among ``alerts``; returns how many were shown now."""
        shown = 0
        rang = False
        for alert in alerts:
            if alert.priority_rank > TOAST_MAX_RANK:
                continue
            if not rang:
                self._ring()
                rang = True
            if self.limiter.allow():
                severity: SeverityLevel = "error" if alert.priority_rank == 0 else "warning"
                self._app.notify(
                    alert_toast_text(alert), title="New alert", severity=severity, markup=False
                )
                shown += 1
        return shown

    def flush(self) -> None:
        """Show the summary of held toasts when the window has room for it."""
        held = self.limiter.due_summary()
        if held:
            self._app.notify(
                f"{held} more new critical/high alert{'s' if held != 1 else ''}"
                " (see the alert pane)",
                title="New alerts",
                severity="warning",
                markup=False,
            )

    def _ring(self) -> None:
        if not self.bell:
            return
        now = self._clock.monotonic()
        if self._last_bell is None or now - self._last_bell >= self.limiter.window:
            self._last_bell = now
            self._app.bell()
