"""A confirmation for actions that change something at Datto.

The dialog names what will happen and lists what it applies to (at most ``cap`` lines, then
"… and N more"); the focused, default button is **Cancel**, so Enter alone never confirms.
Tab (or ←/→) reaches the confirm button. Esc cancels. Dismisses with True only when confirmed.
Every text is shown as plain text (callers pass neutralised strings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from datto_tui.tui.fmt import count

DEFAULT_CAP = 12


def capped_lines(lines: Sequence[Text | str], total: int, cap: int = DEFAULT_CAP) -> Text:
    """The first ``cap`` lines, then ``… and N more`` when ``total`` is larger."""
    out = Text(end="")
    for index, line in enumerate(lines[:cap]):
        if index:
            out.append("\n")
        out.append_text(line if isinstance(line, Text) else Text(line))
    rest = total - min(len(lines), cap)
    if rest > 0:
        out.append(f"\n… and {count(rest)} more", "dim")
    return out


class ConfirmScreen(ModalScreen[bool]):
    """Confirm or cancel (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(
        self,
        title: str,
        lines: Sequence[Text | str],
        *,
        total: int | None = None,
        confirm_label: str = "Confirm",
        note: str | None = None,
        cap: int = DEFAULT_CAP,
        id: str | None = "confirm-screen",
    ) -> None:
        super().__init__(id=id)
        self._title = title
        self._lines = list(lines)
        self._total = len(self._lines) if total is None else total
        self._confirm_label = confirm_label
        self._note = note
        self._cap = cap

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Text(self._title), id="confirm-title")
            yield Static(capped_lines(self._lines, self._total, self._cap), id="confirm-items")
            if self._note:
                yield Static(Text(self._note), id="confirm-note")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel", variant="default", compact=True)
                yield Button(self._confirm_label, id="confirm", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)
