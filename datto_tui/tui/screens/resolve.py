"""Progress and outcome of resolving alerts.

The run itself is an app worker (:func:`datto_tui.monitor.bulk.resolve_alerts`); this dialog only
renders the messages it posts: a progress bar ("Resolving 12/40"), the wait for the write budget
when the share is used up, and at the end one line per alert (resolved, already resolved, failed
with the reason, not sent). Esc or Stop cancels the run between two requests (a request already
sent is never interrupted); once finished, Esc or Close dismisses. A run where every alert was
resolved closes by itself (the app shows the summary as a toast).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from datto_tui.monitor.bulk import ResolveOutcome, ResolveProgress, ResolveStatus, summarise
from datto_tui.monitor.pacing import CancelToken
from datto_tui.text import clean_line

_MARKS = {
    ResolveStatus.RESOLVED: ("✓", "resolved"),
    ResolveStatus.ALREADY: ("·", "already resolved"),
    ResolveStatus.FAILED: ("✗", "failed"),
    ResolveStatus.NOT_SENT: ("–", "not sent"),
}


def outcome_lines(outcomes: Sequence[ResolveOutcome]) -> Text:
    """One line per alert, failures first."""
    order = {ResolveStatus.FAILED: 0, ResolveStatus.NOT_SENT: 1}
    ranked = sorted(outcomes, key=lambda o: order.get(o.status, 2))
    out = Text(end="")
    for index, outcome in enumerate(ranked):
        if index:
            out.append("\n")
        glyph, word = _MARKS[outcome.status]
        style = "bold" if outcome.status is ResolveStatus.FAILED else ""
        out.append(f"{glyph} {word:<17}", style)
        out.append(clean_line(outcome.label, 80))
        if outcome.reason and outcome.status is not ResolveStatus.RESOLVED:
            out.append(f"\n    {clean_line(outcome.reason, 200)}", "dim")
    return out


class ResolveScreen(ModalScreen[None]):
    """The resolve run's dialog (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Stop / close", id="resolve.stop"),
    ]

    class Progressed(Message):
        def __init__(self, progress: ResolveProgress) -> None:
            super().__init__()
            self.progress = progress

    class Finished(Message):
        def __init__(self, outcomes: Sequence[ResolveOutcome], error: str | None = None) -> None:
            super().__init__()
            self.outcomes = tuple(outcomes)
            self.error = error

    def __init__(self, total: int, cancel: CancelToken) -> None:
        super().__init__(id="resolve-screen")
        self.total = total
        self.cancel = cancel
        self.outcomes: tuple[ResolveOutcome, ...] = ()
        self.finished = False

    def compose(self) -> ComposeResult:
        plural = "s" if self.total != 1 else ""
        with Vertical(id="resolve-dialog"):
            yield Static(Text(f"Resolving {self.total} alert{plural}"), id="resolve-title")
            yield ProgressBar(total=self.total, show_eta=False, id="resolve-bar")
            yield Static(Text(f"resolving 0/{self.total}"), id="resolve-status")
            with VerticalScroll(id="resolve-results"):
                yield Static("", id="resolve-lines")
            with Horizontal(id="resolve-buttons"):
                yield Button("Stop", id="stop", compact=True)
                yield Button("Close", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#stop", Button).focus()

    def on_resolve_screen_progressed(self, message: Progressed) -> None:
        p = message.progress
        self.query_one(ProgressBar).update(progress=p.done)
        if self.cancel.cancelled:
            text = f"stopping… ({p.done}/{p.total} answered)"
        elif p.waiting > 0:
            text = (
                f"resolving {p.done}/{p.total} · waiting {p.waiting:.0f} s for the write budget"
                " (Datto allows 100 writes a minute per account; we keep to our share)"
            )
        else:
            text = f"resolving {p.done}/{p.total}"
        self.query_one("#resolve-status", Static).update(Text(text))

    def on_resolve_screen_finished(self, message: Finished) -> None:
        self.finished = True
        self.outcomes = message.outcomes
        clean = message.error is None and all(
            o.status in (ResolveStatus.RESOLVED, ResolveStatus.ALREADY) for o in message.outcomes
        )
        if clean:
            self.dismiss(None)  # the app's toast carries the summary
            return
        self.query_one(ProgressBar).update(progress=len(message.outcomes))
        summary = message.error or summarise(message.outcomes)
        self.query_one("#resolve-title", Static).update(Text(summary))
        self.query_one("#resolve-status", Static).update(Text("Esc or Close to return"))
        self.query_one("#resolve-lines", Static).update(outcome_lines(message.outcomes))
        self.add_class("-finished")
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#stop")
    def _stop(self) -> None:
        self.action_stop_or_close()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    def action_stop_or_close(self) -> None:
        if self.finished:
            self.dismiss(None)
        elif not self.cancel.cancelled:
            self.cancel.cancel()
            self.query_one("#resolve-status", Static).update(
                Text("stopping after the request in flight…")
            )
