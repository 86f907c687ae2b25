"""A one-line label that repaints only when its text or level changes, and only itself.

``Static.update`` asks for a layout pass by default, which re-renders far more than the label
on a screen that updates every second. :class:`QuietLabel` skips the update when nothing changed
and asks for a layout only when the width can change (auto width and a new cell length).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static


class QuietLabel(Static):
    """``show(text, level)``: the text (plain, never markup) and one level class at a time.

    ``wraps``: the label is allowed several lines (``height: auto``), so a new text may change
    its height and always asks for a layout.
    """

    DEFAULT_CSS = """
    QuietLabel { height: 1; }
    """

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str = "", wraps: bool = False
    ) -> None:
        super().__init__(Text(text), id=id, classes=classes)
        self._text = text
        self._level = ""
        self._wraps = wraps  # its height follows the text: every change needs a layout

    @property
    def text(self) -> str:
        return self._text

    @property
    def level(self) -> str:
        return self._level

    def show(self, text: str, level: str | None = None) -> None:
        """Set the text and (if given) the level class; nothing happens when both are equal."""
        if text != self._text:
            width = self.styles.width
            fixed = width is not None and not width.is_auto
            layout = self._wraps or (not fixed and cell_len(text) != cell_len(self._text))
            self._text = text
            self.update(Text(text), layout=layout)
        if level is not None and level != self._level:
            if self._level:
                self.remove_class(self._level)
            if level:
                self.add_class(level)
            self._level = level
