"""A table that shows 100,000 rows as fast as 100: only visible lines are ever drawn.

:class:`VirtualTable` renders a :class:`~datto_tui.monitor.view.TableView` through Textual's
Line API. The view owns order, scope and filter; the table owns presentation: the cursor (held
by *key*, so it follows its row through refreshes and re-sorts), marks (a set of keys that
survives refreshes and filters), column widths, and a small LRU cache of rendered lines.

Contracts:

- Cell text is plain text: every cell becomes a :class:`~rich.segment.Segment` of the column's
  neutralised text; nothing is parsed as markup, so ``[/]`` and escapes show as typed.
- Colours come only from component classes styled with theme variables (see ``DEFAULT_CSS``);
  a column's ``style(item)`` names a class suffix (``severity-critical`` ->
  ``virtual-table--severity-critical``); unknown names are ignored.
- After changing the view (refresh, sort, scope, filter) call :meth:`VirtualTable.refresh_view`;
  it keeps the cursor on its key (or at the same index, clamped, if the row left), keeps the
  cursor's screen line when rows appear above it, and repaints only lines whose content changed.
- Narrow tables hide the columns with the highest ``priority`` number first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from datto_tui.clock import Clock, SystemClock
from datto_tui.monitor.view import Column, TableView

T = TypeVar("T")

_GUTTER = 2  # mark glyph + space
_WARM_ROWS = 1500  # search texts built per idle step (about 5-10 ms)
_WARM_DELAY = 0.2
_WARM_PAUSE = 0.02
_CLOCK_CHECK = 10.0  # seconds between checks of the minute (relative times)
_MARK_GLYPH = "✓"
_SORT_UP = "▲"
_SORT_DOWN = "▼"
_STYLE_NAMES = frozenset(
    {
        "severity-critical",
        "severity-high",
        "severity-moderate",
        "severity-low",
        "severity-information",
        "offline",
        "online",
        "alerts",
        "new",
        "muted",
    }
)


#: Rendered lines kept: a few screens' worth, enough to scroll back and forth without
#: rendering again. Every data change makes new lines; a bigger cache only fills up with stale
#: ones over the hours (a few MB per table on a wall screen that runs for weeks).
LINE_CACHE_SCREENS = 3
LINE_CACHE_MIN = 64


@dataclass(frozen=True, slots=True)
class PlacedColumn:
    """A column as laid out: its left edge (after the gutter) and its width in cells."""

    column: Column[Any]
    x: int
    width: int


def layout_columns(columns: Iterable[Column[Any]], width: int) -> tuple[PlacedColumn, ...]:
    """Fit ``columns`` into ``width`` cells (gutter included).

    Columns are admitted by ascending ``priority`` until the next one does not fit; the
    admitted ones keep their declared order and share the spare width by ``grow`` weight (up to
    ``max_width``). The most important column is always shown, shrunk if need be.
    """
    cols = list(columns)
    available = max(1, width - _GUTTER)
    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(cols)), key=lambda i: cols[i].priority):
        need = cols[index].width + (1 if chosen else 0)
        if used + need > available:
            if not chosen:
                chosen.add(index)
                used = available
            break
        chosen.add(index)
        used += need
    shown = [cols[i] for i in sorted(chosen)]
    widths = [min(c.width, available) for c in shown]
    spare = available - used
    while spare > 0:
        growable = [
            i
            for i, c in enumerate(shown)
            if c.grow > 0 and (c.max_width is None or widths[i] < c.max_width)
        ]
        if not growable:
            break
        weight = sum(shown[i].grow for i in growable)
        given = 0
        for i in growable:
            share = max(1, spare * shown[i].grow // weight)
            cap = shown[i].max_width
            if cap is not None:
                share = min(share, cap - widths[i])
            share = min(share, spare - given)
            widths[i] += share
            given += share
            if given >= spare:
                break
        if given == 0:
            break
        spare -= given
    placed: list[PlacedColumn] = []
    x = _GUTTER
    for col, w in zip(shown, widths, strict=True):
        placed.append(PlacedColumn(col, x, w))
        x += w + 1
    return tuple(placed)


def fit_cell(text: str, width: int, align: str = "left") -> str:
    """``text`` padded or cut (with ``…``) to exactly ``width`` terminal cells."""
    if width <= 0:
        return ""
    if text.isascii():  # the common case: one cell per character
        length = len(text)
        if length > width:
            return text[: width - 1] + "…" if width > 1 else text[:1]
    else:
        length = cell_len(text)
        if length > width:
            if width == 1:
                return set_cell_size(text, 1)
            return set_cell_size(text, width - 1) + "…"
    pad = width - length
    if not pad:
        return text
    if align == "right":
        return " " * pad + text
    if align == "center":
        left = pad // 2
        return " " * left + text + " " * (pad - left)
    return text + " " * pad


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """A keyboard-first table over a :class:`TableView` of ``T`` (see module docstring)."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--header-sorted",
        "virtual-table--cursor",
        "virtual-table--zebra",
        "virtual-table--marked",
        "virtual-table--mark-glyph",
        "virtual-table--empty",
        "virtual-table--severity-critical",
        "virtual-table--severity-high",
        "virtual-table--severity-moderate",
        "virtual-table--severity-low",
        "virtual-table--severity-information",
        "virtual-table--offline",
        "virtual-table--online",
        "virtual-table--alerts",
        "virtual-table--new",
        "virtual-table--muted",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;

        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--header-sorted {
            color: $accent;
            text-style: bold;
        }
        & > .virtual-table--zebra {
            background: $surface-lighten-1 40%;
        }
        & > .virtual-table--marked {
            background: $secondary 25%;
        }
        & > .virtual-table--mark-glyph {
            color: $secondary;
            text-style: bold;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .virtual-table--severity-critical {
            color: $error;
            text-style: bold;
        }
        & > .virtual-table--severity-high {
            color: $warning;
            text-style: bold;
        }
        & > .virtual-table--severity-moderate {
            color: $warning-lighten-2;
        }
        & > .virtual-table--severity-low {
            color: $primary-lighten-1;
        }
        & > .virtual-table--severity-information {
            color: $text-muted;
        }
        & > .virtual-table--offline {
            color: $text-muted;
        }
        & > .virtual-table--online {
            color: $success;
        }
        & > .virtual-table--alerts {
            color: $warning;
            text-style: bold;
        }
        & > .virtual-table--new {
            text-style: bold;
        }
        & > .virtual-table--muted {
            color: $text-muted;
        }
        &:ansi > .virtual-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("down", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "cursor_home", "First", show=False, id="table.home"),
        Binding("end", "cursor_end", "Last", show=False, id="table.end"),
        Binding("enter", "select", "Open", show=False, id="table.select"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding("ctrl+a", "mark_all_visible", "Mark all", show=False, id="table.mark_all"),
        Binding("ctrl+backslash", "clear_marks", "Clear marks", show=False, id="table.clear_marks"),
    ]

    class CursorMoved(Message):
        """The cursor is on another row (``key`` is ``None`` when the table is empty)."""

        def __init__(self, table: VirtualTable[Any], key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class Selected(Message):
        """Enter (or a click on the cursor row) on the row of ``key``."""

        def __init__(self, table: VirtualTable[Any], key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class MarksChanged(Message):
        """The set of marked keys changed."""

        def __init__(self, table: VirtualTable[Any], marked: frozenset[str]) -> None:
            super().__init__()
            self.table = table
            self.marked = marked

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class SortChanged(Message):
        """The table was sorted by ``column`` (from a header click or a sort action)."""

        def __init__(self, table: VirtualTable[Any], column: str, descending: bool) -> None:
            super().__init__()
            self.table = table
            self.column = column
            self.descending = descending

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    def __init__(
        self,
        view: TableView[T],
        *,
        clock: Clock | None = None,
        empty_text: str = "Nothing to show",
        is_new: Callable[[str], bool] | None = None,
        zebra: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._view: TableView[T] = view
        self.clock: Clock = clock or SystemClock()
        self._empty_text = empty_text
        self.is_new = is_new
        self.zebra = zebra
        self._cursor_key: str | None = None
        self._cursor_index = 0
        self._marks: set[str] = set()
        self._placed: tuple[PlacedColumn, ...] = ()
        self._placed_width = -1
        self._layout_id = 0
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(LINE_CACHE_MIN)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._row_style_cache: dict[tuple[object, ...], tuple[Style, Style, Style]] = {}
        self._cell_style_cache: dict[tuple[Style, str, bool], Style] = {}
        self._header: tuple[tuple[object, ...], Strip] | None = None
        self._painted: dict[int, tuple[object, ...]] = {}
        self._frame_now = self.clock.now()
        self._frame_minute = 0
        self._frame_base = Style()
        self._frame_focus = False
        self._frame: tuple[int, tuple[PlacedColumn, ...], int] | None = None
        self._seen_version = -1
        self._warming = False

    # ------------------------------------------------------------------------------------------
    # Public state

    @property
    def view(self) -> TableView[T]:
        return self._view

    @property
    def cursor_key(self) -> str | None:
        """The key under the cursor, or ``None`` when nothing is shown."""
        return self._cursor_key

    @property
    def cursor_index(self) -> int:
        return self._cursor_index

    @property
    def marked(self) -> frozenset[str]:
        return frozenset(self._marks)

    @property
    def empty_text(self) -> str:
        """The line shown when no row is visible (``Loading…``, ``No devices match 'x'``)."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, value: str) -> None:
        if value != self._empty_text:
            self._empty_text = value
            if not len(self._view):
                self.refresh()

    def move_cursor(self, *, key: str | None = None, index: int | None = None) -> None:
        """Put the cursor on ``key`` (if visible) or at ``index`` (clamped)."""
        if key is not None:
            found = self._view.index_of(key)
            if found is None:
                return
            index = found
        if index is not None:
            self._move_to(index)

    def set_marks(self, keys: Iterable[str]) -> None:
        """Replace the marks (keys unknown to the view are dropped)."""
        view = self._view
        marks = {k for k in keys if k in view}
        if marks != self._marks:
            self._marks = marks
            self._post_marks()
            self.refresh()

    # ------------------------------------------------------------------------------------------
    # Following the view

    def refresh_view(self) -> None:
        """Show the view's current state (call after changing it).

        Keeps the cursor on its key; if that row left, the cursor stays at the same index,
        clamped. Keeps the cursor on the same screen line when rows were inserted above it.
        Repaints only lines whose content or state changed.
        """
        view = self._view
        count = len(view)
        old_key = self._cursor_key
        old_index = self._cursor_index
        screen_line = old_index - self.scroll_offset.y
        index = view.index_of(old_key) if old_key is not None else None
        if index is None:
            index = min(old_index, max(0, count - 1))
        dropped = {k for k in self._marks if k not in view}
        if dropped:
            self._marks -= dropped
        self._cursor_index = index
        self._cursor_key = view.key_at(index) if count else None
        self._seen_version = view.version
        if not self.is_mounted:
            return
        self._update_virtual_size()
        if count and 0 <= screen_line < self._body_height():
            target = max(0, min(index - screen_line, self._max_scroll(count)))
            if target != self.scroll_offset.y:
                self.scroll_to(y=target, animate=False)
        self._scroll_cursor_into_view()
        self._repaint_changed()
        self._schedule_warm()
        if dropped:
            self._post_marks()
        if self._cursor_key != old_key:
            self.post_message(self.CursorMoved(self, self._cursor_key))

    def _repaint_changed(self) -> None:
        """Refresh the lines whose painted state differs from what they would show now."""
        if self._header is not None and self._header[0] != self._header_state():
            self.refresh(Region(0, 0, self.size.width, 1))
        top = self.scroll_offset.y
        width = self.size.width
        for y in range(1, self.size.height):
            state = self._line_state(top + y - 1)
            if self._painted.get(y) != state:
                self.refresh(Region(0, y, width, 1))

    def _update_virtual_size(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self._view) + 1)
        old = self.virtual_size
        if size == old:
            return
        container = self.container_size
        if (
            size.width == old.width
            and container.height
            and self.show_vertical_scrollbar == (size.height > container.height)
        ):
            # Only the scrollbar's extent changed: update it as Textual does for a resize
            # without layout. Assigning ``virtual_size`` would lay out and repaint the whole
            # screen, once a second while a big account loads.
            self.set_reactive(VirtualTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _max_scroll(self, count: int) -> int:
        return max(0, count + 1 - self.scrollable_content_region.height)

    # ------------------------------------------------------------------------------------------
    # Cursor

    def _move_to(self, index: int) -> None:
        view = self._view
        count = len(view)
        if not count:
            if self._cursor_key is not None:
                self._cursor_key = None
                self.post_message(self.CursorMoved(self, None))
            self._cursor_index = 0
            return
        index = max(0, min(index, count - 1))
        old_index, old_key = self._cursor_index, self._cursor_key
        self._cursor_index = index
        self._cursor_key = view.key_at(index)
        top = self.scroll_offset.y
        if not self._scroll_cursor_into_view():
            self._refresh_row(old_index, top)
            self._refresh_row(index, top)
        if self._cursor_key != old_key:
            self.post_message(self.CursorMoved(self, self._cursor_key))

    def _refresh_row(self, index: int, top: int) -> None:
        y = index - top + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row is visible; True if the view scrolled."""
        index = self._cursor_index
        top = self.scroll_offset.y
        body = self._body_height()
        target = top
        if index < top:
            target = index
        elif index >= top + body:
            target = index - body + 1
        if target != top:
            self.scroll_to(y=target, animate=False)
            return True
        return False

    def action_cursor_up(self) -> None:
        self._move_to(self._cursor_index - 1)

    def action_cursor_down(self) -> None:
        self._move_to(self._cursor_index + 1)

    def action_page_down(self) -> None:
        page = self._body_height()
        count = len(self._view)
        top = min(self.scroll_offset.y + page, self._max_scroll(count))
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        self._move_to(self._cursor_index + page)

    def action_page_up(self) -> None:
        page = self._body_height()
        top = max(0, self.scroll_offset.y - page)
        if top != self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        self._move_to(self._cursor_index - page)

    def action_cursor_home(self) -> None:
        self._move_to(0)

    def action_cursor_end(self) -> None:
        self._move_to(len(self._view) - 1)

    def action_select(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.Selected(self, self._cursor_key))

    # ------------------------------------------------------------------------------------------
    # Marks

    def action_toggle_mark(self) -> None:
        """Mark or unmark the cursor row, then move down one row."""
        key = self._cursor_key
        if key is None:
            return
        if key in self._marks:
            self._marks.remove(key)
        else:
            self._marks.add(key)
        self._refresh_row(self._cursor_index, self.scroll_offset.y)
        self._post_marks()
        self._move_to(self._cursor_index + 1)

    def action_mark_all_visible(self) -> None:
        """Mark every visible row (rows hidden by the filter keep their marks)."""
        before = len(self._marks)
        self._marks.update(self._view.keys)
        if len(self._marks) != before:
            self._post_marks()
            self.refresh()

    def action_clear_marks(self) -> None:
        if self._marks:
            self._marks.clear()
            self._post_marks()
            self.refresh()

    def _post_marks(self) -> None:
        self.post_message(self.MarksChanged(self, frozenset(self._marks)))

    # ------------------------------------------------------------------------------------------
    # Sorting

    def action_sort_by(self, column: str) -> None:
        """Sort by ``column``; again on the same column reverses the direction.

        Unknown column keys are ignored (a key binding may name a column another table lacks).
        """
        view = self._view
        if all(c.key != column for c in view.columns):
            return
        if view.sort_column == column:
            view.toggle_direction()
        else:
            view.set_sort(column)
        self.refresh_view()
        self.post_message(self.SortChanged(self, view.sort_column, view.descending))

    def action_toggle_sort_direction(self) -> None:
        self.action_sort_by(self._view.sort_column)

    # ------------------------------------------------------------------------------------------
    # Mouse

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        event.stop()
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self.action_sort_by(column)
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._view):
            if index == self._cursor_index:
                self.action_select()
            else:
                self._move_to(index)

    def _column_at(self, x: int) -> str | None:
        for placed in self._placed:
            if placed.x <= x < placed.x + placed.width + 1:
                return placed.column.key
        return None

    # ------------------------------------------------------------------------------------------
    # Rendering

    def notify_style_update(self) -> None:
        """Theme or CSS changed: rendered lines carry old colours."""
        super().notify_style_update()
        self._styles.clear()
        self._row_style_cache.clear()
        self._cell_style_cache.clear()
        self._lines.clear()
        self._header = None
        self._painted.clear()
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self._lines.grow(LINE_CACHE_SCREENS * event.size.height)
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def on_mount(self) -> None:
        self._update_virtual_size()
        if self._cursor_key is None and len(self._view):
            self._cursor_key = self._view.key_at(0)
        self._seen_version = self._view.version
        self._schedule_warm()
        self.set_interval(_CLOCK_CHECK, self.refresh_clock)

    def refresh_clock(self) -> None:
        """Repaint when relative times ("5 min ago") may read differently: once a minute of
        the table's clock. Called by a timer; cheap when nothing changed."""
        if int(self.clock.time() // 60) != self._frame_minute:
            self.refresh()

    def _schedule_warm(self) -> None:
        """Build the view's search text in small idle steps, so the first ``/`` keystroke is
        as quick as the rest (each step stays well under a frame)."""
        if not self._warming:
            self._warming = True
            self.set_timer(_WARM_DELAY, self._warm_step)

    def _warm_step(self) -> None:
        if self._view.warm_search(_WARM_ROWS):
            self.set_timer(_WARM_PAUSE, self._warm_step)
        else:
            self._warming = False

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def _style(self, name: str, *, partial: bool = False) -> Style:
        """A component's style: full (background blended over the table's), or partial (only
        what the class sets: its colour, resolved against the table's background, and its
        text style), for layering a foreground over a row."""
        cached = self._styles.get((name, partial))
        if cached is None:
            full = self.get_component_rich_style(name)
            if partial:
                cached = self.get_component_rich_style(name, partial=True)
                if cached.color is not None:
                    # The partial colour ignores alpha ("$foreground 60%"); the full one is
                    # blended, so take the colour from it.
                    cached = cached + Style.from_color(full.color)
            else:
                cached = full
            self._styles[(name, partial)] = cached
        return cached

    def _columns_for(self, width: int) -> tuple[PlacedColumn, ...]:
        if width != self._placed_width:
            self._placed = layout_columns(self._view.columns, width)
            self._placed_width = width
            self._layout_id += 1
        return self._placed

    def render_lines(self, crop: Region) -> list[Strip]:
        # Per-frame values, read once rather than per line.
        self._frame_now = self.clock.now()
        self._frame_minute = int(self._frame_now.timestamp() // 60)
        self._frame_base = self.rich_style
        self._frame_focus = self.has_focus
        if self._view.version != self._seen_version:
            # The view changed without refresh_view(): follow it anyway.
            self._seen_version = self._view.version
            index = self._view.index_of(self._cursor_key) if self._cursor_key else None
            count = len(self._view)
            if index is None:
                index = min(self._cursor_index, max(0, count - 1))
            self._cursor_index = index
            self._cursor_key = self._view.key_at(index) if count else None
        width = self.size.width
        placed = self._columns_for(self.scrollable_content_region.width)
        self._frame = (width, placed, self.scroll_offset.y)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _header_state(self) -> tuple[object, ...]:
        view = self._view
        return (self._layout_id, view.sort_column, view.descending, self._placed_width)

    def _line_state(self, index: int) -> tuple[object, ...]:
        view = self._view
        if index >= len(view):
            return ("blank", index == 0 and not len(view), self._empty_text)
        key = view.key_at(index)
        return (
            key,
            view.row_version(key),
            index == self._cursor_index,
            key in self._marks,
            bool(self.is_new and self.is_new(key)),
            index & 1,
        )

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:  # called outside a frame (tests, tools): read the live values
            frame = (
                self.size.width,
                self._columns_for(self.scrollable_content_region.width),
                self.scroll_offset.y,
            )
        width, placed, top = frame
        if y == 0:
            return self._render_header(placed, width)
        index = top + y - 1
        state = self._line_state(index)
        self._painted[y] = state
        if state[0] == "blank":
            return self._render_blank(width, show_empty=bool(state[1]))
        cache_key = (*state, self._layout_id, self._frame_focus, self._frame_minute)
        strip = self._lines.get(cache_key)
        if strip is None:
            strip = self._render_row(index, state, placed, width)
            self._lines[cache_key] = strip
        return strip

    def _render_blank(self, width: int, *, show_empty: bool) -> Strip:
        base = self.rich_style
        if not show_empty:
            return Strip.blank(width, base)
        text = fit_cell(" " * _GUTTER + self._empty_text, width)
        return Strip([Segment(text, base + self._style("virtual-table--empty"))], width)

    def _render_header(self, placed: tuple[PlacedColumn, ...], width: int) -> Strip:
        state = self._header_state()
        if self._header is not None and self._header[0] == state:
            return self._header[1]
        view = self._view
        style = self._style("virtual-table--header")
        sorted_style = style + self._style("virtual-table--header-sorted", partial=True)
        segments = [Segment(" " * _GUTTER, style)]
        for i, p in enumerate(placed):
            col = p.column
            title = col.title
            if col.key == view.sort_column:
                arrow = _SORT_DOWN if view.descending else _SORT_UP
                text = fit_cell(f"{title} {arrow}", p.width, col.align)
                segments.append(Segment(text, sorted_style))
            else:
                segments.append(Segment(fit_cell(title, p.width, col.align), style))
            if i < len(placed) - 1:
                segments.append(Segment(" ", style))
        strip = Strip(segments).adjust_cell_length(width, style)
        self._header = (state, strip)
        return strip

    def _row_styles(
        self, odd: bool, marked: bool, row_name: str | None, new: bool, cursor: bool
    ) -> tuple[Style, Style, Style]:
        """(row, line, glyph) styles of one kind of row; cached until the theme changes."""
        cache_key = (odd, marked, row_name, new, cursor, self._frame_base)
        cached = self._row_style_cache.get(cache_key)
        if cached is not None:
            return cached
        style_of = self._style
        row = self._frame_base
        if odd and self.zebra:
            row = row + style_of("virtual-table--zebra")
        if marked:
            row = row + style_of("virtual-table--marked")
        if row_name in _STYLE_NAMES:
            row = row + style_of(f"virtual-table--{row_name}", partial=True)
        if new:
            row = row + style_of("virtual-table--new", partial=True)
        line = row + style_of("virtual-table--cursor") if cursor else row
        glyph = row + style_of("virtual-table--mark-glyph", partial=True)
        if cursor:
            glyph = glyph + style_of("virtual-table--cursor")
        cached = self._row_style_cache[cache_key] = (row, line, glyph)
        return cached

    def _cell_style(self, row: Style, name: str, cursor: bool) -> Style:
        cache_key = (row, name, cursor)
        style = self._cell_style_cache.get(cache_key)
        if style is None:
            style = row + self._style(f"virtual-table--{name}", partial=True)
            if cursor:
                style = style + self._style("virtual-table--cursor")
            self._cell_style_cache[cache_key] = style
        return style

    def _render_row(
        self,
        index: int,
        state: tuple[object, ...],
        placed: tuple[PlacedColumn, ...],
        width: int,
    ) -> Strip:
        view = self._view
        item = view.item_at(index)
        _key, _version, is_cursor, is_marked, is_new, odd = state
        cursor = bool(is_cursor)
        row, line_style, glyph_style = self._row_styles(
            bool(odd), bool(is_marked), view.row_style(item), bool(is_new), cursor
        )
        now = self._frame_now
        # Cells sharing the line's style are joined into one segment: fewer segments, cheaper
        # frames. Each cell is followed by one space. A cut cell's "…" gets a segment of its
        # own, so the joined text stays within the characters Rich measures in C (one "…" in
        # a 150-character run makes every later measure of it walk the run in Python).
        segments = [Segment(_MARK_GLYPH if is_marked else " ", glyph_style)]
        run: list[str] = [" "]
        for p in placed:
            col = p.column
            text = col.text(item, now)
            w = p.width
            style_name = col.style(item) if col.style is not None else None
            if style_name not in _STYLE_NAMES:
                style_name = None
            if style_name is None and col.align == "left" and text.isascii():
                n = len(text)
                if n <= w:
                    run.append(text + " " * (w - n))
                else:
                    run.append(text[: w - 1])
                    segments.append(Segment("".join(run), line_style))
                    segments.append(Segment("…", line_style))
                    run = []
                run.append(" ")
                continue
            text = fit_cell(text, w, col.align)
            if style_name is not None:
                segments.append(Segment("".join(run), line_style))
                segments.append(Segment(text, self._cell_style(row, style_name, cursor)))
                run = [" "]
            else:
                run.append(text)
                run.append(" ")
        used = placed[-1].x + placed[-1].width + 1 if placed else _GUTTER
        segments.append(Segment("".join(run), line_style))
        if width > used:
            # The pad apart: the compositor cuts the line where the scrollbar starts, and a
            # cut inside blanks is cheap.
            segments.append(Segment(" " * (width - used), line_style))
        # Every cell was fitted to its width, so the length is known without measuring.
        return Strip(segments, max(width, used))
