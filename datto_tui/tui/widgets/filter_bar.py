"""The ``/`` filter line of a table: an input, the toggles in force, and the match count.

The bar lives at the bottom of its table's pane and is shown while the operator types and for
as long as a filter (typed text or a toggle) is active, so what narrows the table is always in
sight. It only reports what happens: :class:`FilterBar.Changed` on every edit (no debounce: the
table applies a keystroke well within a frame), :class:`FilterBar.Closed` on Enter/Down (keep)
or Esc (clear). The screen applies the filter and calls :meth:`FilterBar.show_status`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from datto_tui.text import clean_line
from datto_tui.tui.fmt import count


class FilterInput(Input):
    """The text field: Esc clears and leaves, Enter or Down keeps and leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave(False)", "Clear filter", id="filter.clear"),
        Binding("down", "leave(True)", "Keep filter", show=False, id="filter.keep_down"),
    ]

    def action_leave(self, keep: bool) -> None:
        bar = self.parent
        if isinstance(bar, FilterBar):
            bar.close(keep=keep)


class FilterBar(Horizontal):
    """One table's filter line (see the module docstring). ``table`` names the table."""

    class Changed(Message):
        """The typed text changed."""

        def __init__(self, bar: FilterBar, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.text = text

        @property
        def control(self) -> FilterBar:
            return self.bar

    class Closed(Message):
        """Editing ended: ``keep`` (Enter/Down) or clear (Esc)."""

        def __init__(self, bar: FilterBar, keep: bool) -> None:
            super().__init__()
            self.bar = bar
            self.keep = keep

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(self, table: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="filter-bar")
        self.table = table
        self._active = False
        self._status: tuple[object, ...] = ()
        self._status_width = 0

    def compose(self) -> ComposeResult:
        yield Static(Text("/"), classes="filter-prompt")
        yield FilterInput(
            placeholder='text, col:value, !inverted, "quoted text"  (Enter keeps, Esc clears)',
            compact=True,
            select_on_focus=False,
            id=f"{self.table}-filter-input",
        )
        yield Static("", classes="filter-status")

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def editing(self) -> bool:
        return self.input.has_focus

    def open(self, text: str) -> None:
        """Show the bar with ``text`` and put the cursor at its end."""
        field = self.input
        if field.value != text:
            with field.prevent(Input.Changed):
                field.value = text
        field.cursor_position = len(text)
        self.add_class("-shown")
        field.focus()

    def close(self, *, keep: bool) -> None:
        if not keep:
            with self.input.prevent(Input.Changed):
                self.input.value = ""
        self.post_message(self.Closed(self, keep))

    def set_active(self, active: bool) -> None:
        """Whether a filter is in force (the bar stays shown while it is)."""
        self._active = active
        self.set_class(active or self.editing, "-shown")

    def show_status(
        self, *, shown: int, total: int, toggles: tuple[str, ...], error: str | None
    ) -> None:
        """``12 of 2,500 · offline only`` or the filter's error (only repaints on change)."""
        state = (shown, total, toggles, error)
        if state == self._status:
            return
        self._status = state
        status = self.query_one(".filter-status", Static)
        self.set_class(error is not None, "-error")
        self.set_class(error is None and shown == 0 and total > 0, "-empty")
        if error is not None:
            text = Text(clean_line(error, 160))
        else:
            text = Text(" · ".join([f"{count(shown)} of {count(total)}", *toggles]))
        # The status is ``width: auto``: only a new width needs a layout pass, and only while
        # the bar is shown (showing it lays the screen out anyway). A layout pass repaints the
        # whole screen: while 100k devices load, the count changes every second.
        resize = self.has_class("-shown") and text.cell_len != self._status_width
        self._status_width = text.cell_len
        status.update(text, layout=resize)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close(keep=True)

    def on_descendant_blur(self) -> None:
        self.set_class(self._active, "-shown")
