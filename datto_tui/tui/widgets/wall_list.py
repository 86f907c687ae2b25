"""A fixed list for the wall: as many rows as fit, no scrolling, only changed lines repainted.

:class:`WallList` draws a header line and rows of cells through the Line API. It never scrolls:
rows that do not fit are left out (the caller says how many in its title, using
:meth:`WallList.capacity`). :meth:`WallList.set_rows` compares each line with what is on screen
and refreshes only the lines whose text or style changed, so a wall that polls every 30 s writes
a handful of lines, not the panel.

Cells are plain text (already neutralised by the caller) with a style *name*; the styles are
component classes (``wall-list--critical``, ...) set in tcss with theme variables. Columns have
a fixed width or a share of the rest; when the width runs out, columns with the highest ``drop``
go first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

Align = Literal["left", "right"]

STYLE_NAMES = frozenset(
    {
        "header",
        "critical",
        "high",
        "moderate",
        "low",
        "info",
        "muted",
        "offline",
        "ok",
        "new",
        "strong",
    }
)


@dataclass(frozen=True, slots=True)
class ListColumn:
    """A column: ``width`` cells (0: a ``flex`` share of what is left, at least ``min_width``).

    ``drop``: columns with a higher value are hidden first on narrow lists (0: never hidden).
    """

    key: str
    header: str
    width: int = 0
    flex: int = 1
    min_width: int = 6
    align: Align = "left"
    drop: int = 0


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    style: str = ""


Row = tuple[Cell, ...]


def layout(columns: Sequence[ListColumn], width: int) -> list[tuple[int, int]]:
    """``(column index, width)`` of the shown columns for a list ``width`` cells wide.

    Columns are separated by one space. Droppable columns go (highest ``drop`` first) until the
    fixed widths plus the minimum of the flexible ones fit.
    """
    shown = list(range(len(columns)))

    def need(indexes: list[int]) -> int:
        cells = sum(columns[i].width or columns[i].min_width for i in indexes)
        return cells + max(0, len(indexes) - 1)

    for drop_index in sorted(
        (i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop
    ):
        if need(shown) <= width:
            break
        shown.remove(drop_index)
    fixed = sum(columns[i].width for i in shown if columns[i].width)
    gaps = max(0, len(shown) - 1)
    flexible = [i for i in shown if not columns[i].width]
    room = max(0, width - fixed - gaps)
    widths: dict[int, int] = {i: columns[i].width for i in shown if columns[i].width}
    if flexible:
        shares = sum(columns[i].flex for i in flexible) or 1
        given = 0
        for n, i in enumerate(flexible):
            last = n == len(flexible) - 1
            w = room - given if last else room * columns[i].flex // shares
            widths[i] = max(0, w)
            given += widths[i]
    return [(i, widths[i]) for i in shown]


def fit(text: str, width: int, align: Align) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = width - cell_len(text)
    return " " * pad + text if align == "right" else text + " " * pad


def _changed_span(
    before: tuple[tuple[str, str], ...] | None,
    after: tuple[tuple[str, str], ...] | None,
    width: int,
) -> tuple[int, int]:
    """The cells ``[start, end)`` of a line that differ between two renderings (cell runs of
    the same layout compare run by run; anything else is the whole line)."""
    if before is None or after is None or len(before) != len(after):
        return 0, width
    if any(cell_len(a[0]) != cell_len(b[0]) for a, b in zip(before, after, strict=True)):
        return 0, width
    start = end = None
    x = 0
    for a, b in zip(before, after, strict=True):
        w = cell_len(a[0])
        if a != b:
            if start is None:
                start = x
            end = x + w
        x += w
    if start is None or end is None:
        return 0, 0
    return start, end


class WallList(Widget):
    """A header and rows; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"wall-list--{name}" for name in STYLE_NAMES}

    DEFAULT_CSS = """
    WallList { height: 1fr; }
    """

    def __init__(
        self,
        columns: Sequence[ListColumn],
        *,
        empty_text: str = "Nothing to show.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self._rows: list[Row] = []
        self._empty = empty_text
        # What each screen line shows: (text, style name) per cell, by line number.
        self._lines: list[tuple[tuple[str, str], ...]] = []
        self._strips: dict[int, Strip] = {}
        self._layout_width = -1
        self._styles_key: object = None

    # ---- data -----------------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        """How many rows fit below the header (0 before the first layout)."""
        return max(0, self.size.height - 1)

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    @property
    def shown(self) -> int:
        """How many of the rows are on screen."""
        return min(len(self._rows), self.capacity)

    @property
    def empty_text(self) -> str:
        return self._empty

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty:
            self._empty = text
            if not self._rows:
                self._update_lines()

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` (the first :attr:`capacity` of them); repaint only changed lines.

        Give at least as many rows as could fit (e.g. the screen's height): a list that was
        hidden has no size until it is laid out again, and keeps what it was given.
        """
        self._rows = list(rows)
        self._update_lines()

    def lines_text(self) -> list[str]:
        """The plain text of every line as drawn (for tests)."""
        return ["".join(text for text, _ in line).rstrip() for line in self._lines]

    # ---- rendering ------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._update_lines(force=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self.refresh()

    def _compute_lines(self) -> list[tuple[tuple[str, str], ...]]:
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            return []
        shown = layout(self.columns, width)
        lines: list[tuple[tuple[str, str], ...]] = []

        def line_of(cells: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
            out: list[tuple[str, str]] = []
            used = 0
            for n, (text, style) in enumerate(cells):
                if n:
                    out.append((" ", ""))
                    used += 1
                out.append((text, style))
                used += cell_len(text)
            if used < width:
                out.append((" " * (width - used), ""))
            return tuple(out)

        header = [
            (fit(self.columns[i].header, w, self.columns[i].align), "header") for i, w in shown
        ]
        lines.append(line_of(header))
        if not self._rows:
            lines.append(((fit(self._empty, width, "left"), "muted"),))
        for row in self._rows[: max(0, height - 1)]:
            cells = []
            for i, w in shown:
                cell = row[i] if i < len(row) else Cell("")
                cells.append((fit(cell.text, w, self.columns[i].align), cell.style))
            lines.append(line_of(cells))
        return lines

    def _update_lines(self, *, force: bool = False) -> None:
        new = self._compute_lines()
        old = self._lines
        self._lines = new
        width = self.size.width
        if force or width != self._layout_width:
            self._layout_width = width
            self._strips.clear()
            self.refresh()
            return
        gutter = self.styles.padding.left
        for y in range(max(len(old), len(new))):
            before = old[y] if y < len(old) else None
            after = new[y] if y < len(new) else None
            if before == after:
                continue
            self._strips.pop(y, None)
            start, end = _changed_span(before, after, self.content_size.width)
            self.refresh(Region(gutter + start, y, end - start, 1))

    def _style(self, name: str) -> Style:
        if name in STYLE_NAMES:
            return self.get_component_rich_style(f"wall-list--{name}", partial=True)
        return Style()

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        width = self.size.width
        base = self.rich_style
        if y >= len(self._lines):
            strip = Strip([Segment(" " * width, base)], width)
        else:
            segments = [
                Segment(text, base + self._style(style) if style else base)
                for text, style in self._lines[y]
            ]
            # One escape sequence per run of equal style, not per cell: fewer bytes on the wire.
            strip = Strip(Segment.simplify(segments)).crop_extend(0, width, base)
        self._strips[y] = strip
        return strip

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines) or 1
