"""The one-line header: account, platform, profile, mode badges and a clock.

The clock is its own small widget, so a tick repaints a dozen cells and never the screen. Its
owner calls :meth:`ClockLabel.tick` once a second, with its other once-a-second updates (one
frame a second, not one per timer). It reads the injected clock: with a frozen ``FakeClock`` it
never changes, which keeps snapshots stable.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from datto_tui.clock import Clock
from datto_tui.text import clean_line


class ClockLabel(Static):
    """``HH:MM:SS`` in local time, from the injected clock, shown when mounted and at each
    :meth:`tick` (the owner ticks it; it has no timer of its own)."""

    DEFAULT_CSS = """
    ClockLabel { width: auto; }
    """

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._clock = clock
        self._shown = ""

    def on_mount(self) -> None:
        self.tick()

    def tick(self) -> None:
        """Show the current time; repaint only when the text changed."""
        text = self._clock.now().astimezone().strftime("%H:%M:%S %Z")
        if text != self._shown:
            # Same width: repaint only (a layout pass would reflow and redraw the screen).
            content = Text(text)
            resize = content.cell_len != Text(self._shown).cell_len
            self._shown = text
            self.update(content, layout=resize)


class HeaderBar(Horizontal):
    """The header line. Strings from the service are neutralised and rendered as plain Text."""

    DEFAULT_CSS = """
    HeaderBar { height: 1; dock: top; }
    """

    def __init__(
        self,
        clock: Clock,
        *,
        platform: str,
        profile: str,
        demo: bool = False,
        read_only: bool = False,
        wall: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._platform = platform
        self._profile = profile
        self._badges = [
            name
            for name, on in (("DEMO", demo), ("READ-ONLY", read_only and not wall), ("WALL", wall))
            if on
        ]

    def compose(self) -> ComposeResult:
        yield Static(Text("datto-tui"), id="header-app")
        yield Static(Text("connecting…"), id="header-account")
        yield Static(Text(clean_line(self._platform, 40)), id="header-platform")
        yield Static(Text(f"profile {clean_line(self._profile, 40)}"), id="header-profile")
        for badge in self._badges:
            yield Static(Text(badge), classes="header-badge")
        yield Static("", id="header-spacer")
        yield ClockLabel(self._clock, id="header-clock")

    def set_account(self, name: str | None) -> None:
        """Show the account name (untrusted: neutralised here)."""
        self.query_one("#header-account", Static).update(Text(clean_line(name or "—", 60)))
