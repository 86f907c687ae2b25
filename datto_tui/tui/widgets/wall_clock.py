"""The wall's clock: hours and minutes in large digits, the seconds and the date in small text.

Only the seconds change every second, and they are a two-cell label: a ticking wall writes a few
dozen bytes a second, not a repainted screen. The big digits change once a minute. Time comes
from the injected clock (a frozen ``FakeClock`` keeps snapshots still), shown in local time.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from datto_tui.clock import Clock
from datto_tui.tui.widgets.quiet import QuietLabel


class WallClock(Horizontal):
    """``HH:MM`` in digits, ``:SS`` beside them, the weekday, date and zone below the seconds."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._minute = ""

    def compose(self) -> ComposeResult:
        yield Digits("--:--", id="clock-digits")
        with Vertical(id="clock-side"):
            yield QuietLabel("", id="clock-seconds")
            yield QuietLabel("", id="clock-date")
            yield QuietLabel("", id="clock-zone")

    def on_mount(self) -> None:
        self.tick()

    def tick(self, now: datetime | None = None) -> None:
        """Show the time (``now``, or the clock's); repaint only the parts that changed."""
        local = (now or self._clock.now()).astimezone()
        minute = local.strftime("%H:%M")
        if minute != self._minute:
            self._minute = minute
            self.query_one("#clock-digits", Digits).update(minute)
        self.query_one("#clock-seconds", QuietLabel).show(local.strftime(":%S"))
        self.query_one("#clock-date", QuietLabel).show(local.strftime("%a %d %b"))
        self.query_one("#clock-zone", QuietLabel).show(local.strftime("%Z") or "local")


class SmallClock(QuietLabel):
    """``HH:MM:SS ZONE`` on one line (narrow or short screens)."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._clock = clock

    def on_mount(self) -> None:
        self.tick()

    def tick(self, now: datetime | None = None) -> None:
        local = (now or self._clock.now()).astimezone()
        self.show(local.strftime("%H:%M:%S %Z").strip())
