"""A titled panel of ``label  value`` lines, used by the detail screens.

Values are untrusted and rendered as plain ``Text``, never as markup. A ``str`` is one line
(``clean_line``: a line break in a hostname shows as ``⏎``, so it cannot fake a second field,
and a 10k-character value is capped); a :class:`Block` keeps its line breaks (``clean_block``,
indented under the value column), for values that are multi-line by nature (diagnostics,
lists). A ``Text`` value is taken as already safe (built by our own code from cleaned parts).
Labels are neutralised too (context field names come from the service).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from datto_tui.text import clean_block, clean_line

Field = tuple[str, "str | Text | None"]

LABEL_WIDTH = 16
EMPTY = "—"
#: Characters shown of a single-line value (it folds over several screen lines when long).
LINE_LIMIT = 1_000
BLOCK_LIMIT = 4_000


class Block(str):
    """A multi-line value: its line breaks are kept (a plain ``str`` value is one line)."""

    __slots__ = ()


def render_fields(fields: Iterable[Field], *, label_width: int = LABEL_WIDTH) -> Table:
    """A two-column grid: labels (dim, fixed width), values wrapping in their own column.

    Every cell is a ``Text``: nothing is parsed as markup.
    """
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(width=label_width, no_wrap=True, style="dim")
    grid.add_column(ratio=1, overflow="fold")
    for label, value in fields:
        if value is None or (isinstance(value, str) and value == ""):
            cell = Text(EMPTY, "dim")
        elif isinstance(value, Text):
            cell = value
        elif isinstance(value, Block):
            cell = Text(clean_block(value, BLOCK_LIMIT))
        else:
            cell = Text(clean_line(value, LINE_LIMIT))
        grid.add_row(Text(clean_line(label, 60)), cell)
    return grid


class FieldsPanel(Static):
    """A bordered section with a title and aligned fields."""

    DEFAULT_CSS = """
    FieldsPanel { height: auto; }
    """

    def __init__(
        self,
        title: str,
        fields: Sequence[Field] = (),
        *,
        id: str | None = None,
        classes: str = "",
        label_width: int = LABEL_WIDTH,
    ) -> None:
        super().__init__(
            render_fields(fields, label_width=label_width), id=id, classes=f"panel {classes}"
        )
        self.set_title(title)
        self._label_width = label_width

    def set_title(self, title: str) -> None:
        """The border title, as plain text (it may name untrusted things: never markup)."""
        self.border_title = Text(clean_line(title, 120))

    def set_fields(self, fields: Sequence[Field]) -> None:
        self.update(render_fields(fields, label_width=self._label_width))

    def set_text(self, text: Text) -> None:
        """Replace the fields with free text (lists of alerts, notes)."""
        self.update(text)
