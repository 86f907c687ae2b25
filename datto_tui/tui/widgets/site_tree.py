"""The site tree: the account at the root, one leaf per site with its counts.

A label reads ``Acme Dental  212 ▼3 ●2 crit``: devices, offline devices, open alerts and the
most severe open priority. Sites are leaves (no device children), which keeps 2,000 sites cheap;
"Deleted Devices" sits at the bottom, dimmed.

Labels are rendered lazily from the current :class:`SiteSummary` of each node (only visible lines
are ever rendered, and Tree caches them per node version): a count change costs one
``node.refresh()``, and the node list is rebuilt only when sites come or go. Colours come from
the component classes below (styled in tcss), never from Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from datto_tui.text import clean_line
from datto_tui.tui.messages import SiteSelected

# Short names of alert priorities, most severe first (index = priority rank).
PRIORITY_ABBREV: tuple[str, ...] = ("crit", "high", "mod", "low", "info", "unk")
NAME_LIMIT = 60
MIN_NAME = 8
#: Rendered lines kept before the widget knows its height.
LINE_CACHE_MIN = 64
#: Mouse metadata styles kept (two per visible line, one per site node drawn).
META_CACHE_MAX = 4096
#: Up to this many sites added or removed at once, nodes are changed one by one.
SMALL_CHANGE = 20


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """What a site's label shows. ``top_rank`` is the best (lowest) open alert priority rank."""

    uid: str
    name: str
    devices: int = 0
    offline: int = 0
    alerts: int = 0
    top_rank: int | None = None
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class _Frame:
    """What every line of one frame depends on (read once per frame)."""

    style: Style
    hover: int = -1
    cursor: int = -1
    focus: bool = False
    root_hover: bool = False
    root_cursor: bool = False
    guide: str = "tree--guides"
    guide_hidden: bool = False
    width: int = 0
    pad_to: int = 0
    scroll: tuple[int, int] = (0, 0)


def _site_order(summary: SiteSummary) -> tuple[bool, str, str]:
    """Sites by name, "Deleted Devices" last."""
    return (summary.deleted, (summary.name or "").casefold(), summary.uid)


def _as_text(label: str | Text) -> Text:
    return Text(label) if isinstance(label, str) else label


def priority_abbrev(rank: int | None) -> str:
    if rank is None:
        return ""
    return PRIORITY_ABBREV[rank] if 0 <= rank < len(PRIORITY_ABBREV) else "unk"


def fit_name(name: str, room: int) -> str:
    """``name`` cut to ``room`` cells with an ellipsis."""
    if cell_len(name) <= room:
        return name
    return set_cell_size(name, max(1, room - 1)) + "…"


class SiteTree(Tree[str | None]):
    """Sites of the account. Enter (or a click) on a node posts :class:`SiteSelected`.

    The root carries ``None`` as data (all sites); a site node carries its uid.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "site-tree--count",
        "site-tree--offline",
        "site-tree--crit",
        "site-tree--high",
        "site-tree--alert",
        "site-tree--deleted",
    }

    DEFAULT_CSS = """
    SiteTree > .site-tree--count { color: $text-muted; }
    SiteTree > .site-tree--offline { color: $warning; }
    SiteTree > .site-tree--crit { color: $error; text-style: bold; }
    SiteTree > .site-tree--high { color: $error; }
    SiteTree > .site-tree--alert { color: $warning; }
    SiteTree > .site-tree--deleted { color: $text-disabled; text-style: italic; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text("Account"), data=None, id=id, classes=classes)
        self.show_root = True
        self.guide_depth = 2
        self.auto_expand = False
        self._site_nodes: dict[str, TreeNode[str | None]] = {}
        self._summaries: dict[str, SiteSummary] = {}
        self._root_summary = SiteSummary(uid="", name="Account")
        self._styles: dict[str, Style] = {}
        self._frame: _Frame | None = None  # set while a frame is drawn
        self._metas: dict[tuple[str, int], Style] = {}
        self._root_version = 0  # the root's totals, in its line's cache key
        # Tree keeps 1,024 rendered lines; counts change all day, so that fills with stale
        # lines over hours. Tree grows it to the widget's height on resize.
        self._line_cache = LRUCache(LINE_CACHE_MIN)
        self.root.expand()

    # ---- labels ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def notify_style_update(self) -> None:
        # Theme or focus changed; Tree re-renders every line after this, with fresh colours.
        self._styles.clear()
        super().notify_style_update()

    def make_label(self, summary: SiteSummary, *, root: bool = False) -> Text:
        """The label of a site (or of the root, with account totals).

        The counts always show; the name is cut (``…``) to leave them room in the tree's
        current width.
        """
        text = Text()
        for part, style in self._label_parts(summary, root=root):
            text.append(part, style)
        return text

    def _label_parts(self, summary: SiteSummary, *, root: bool) -> list[tuple[str, Style | None]]:
        """The label as (text, style) pieces: name, then the counts."""
        counts: list[tuple[str, Style | None]] = [
            ("  ", None),
            (f"{summary.devices:,}", self._style("site-tree--count")),
        ]
        if summary.offline:
            counts.append((f" ▼{summary.offline:,}", self._style("site-tree--offline")))
        if summary.alerts:
            rank = summary.top_rank
            style = (
                "site-tree--crit"
                if rank == 0
                else "site-tree--high"
                if rank == 1
                else "site-tree--alert"
            )
            abbrev = priority_abbrev(rank)
            suffix = f" {abbrev}" if abbrev else ""
            counts.append((f" ●{summary.alerts:,}{suffix}", self._style(style)))
        room = max(MIN_NAME, self._label_width(root) - sum(cell_len(t) for t, _ in counts))
        name = fit_name(clean_line(summary.name or "(unnamed)", NAME_LIMIT), room)
        deleted = self._style("site-tree--deleted") if summary.deleted else None
        return [(name, deleted), *counts]

    def _label_width(self, root: bool) -> int:
        # The root sits after its expand icon, a site after its guide (guide_depth cells).
        width = self.scrollable_content_region.width
        if not width:
            return NAME_LIMIT
        return max(MIN_NAME + 8, width - (2 if root else self.guide_depth))

    def render_label(self, node: TreeNode[str | None], base_style: Style, style: Style) -> Text:
        uid = node.data
        root = node is self.root
        summary = self._root_summary if root else self._summaries.get(uid or "")
        if summary is None:
            label = _as_text(node.label).copy()
        else:
            label = self.make_label(summary, root=root)
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style), label)
        return label

    # ---- lines ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of a frame depends on is read once per frame: the widget's style
        # walks the ancestors (~0.1 ms), and each reactive read costs a few microseconds.
        self._frame = self._read_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _read_frame(self) -> _Frame:
        root_line = self.root.line
        hover, cursor, focus = self.hover_line, self.cursor_line, self.has_focus
        guide = "tree--guides"
        if hover == root_line:
            guide = "tree--guides-hover"
        if cursor == root_line and focus:
            guide = "tree--guides-selected"
        return _Frame(
            style=self.rich_style,
            hover=hover,
            cursor=cursor,
            focus=focus,
            root_hover=hover == root_line,
            root_cursor=cursor == root_line,
            guide=guide,
            guide_hidden=self.get_component_styles(guide).color.a == 0,
            width=self.size.width,
            pad_to=max(self.virtual_size.width, self.size.width),
            scroll=self.scroll_offset,
        )

    def render_line(self, y: int) -> Strip:
        """One line of the tree: what Tree draws, built from segments directly.

        Tree's generic line builder (any depth, any label) costs about half a millisecond a
        line; while devices load every site's counts change each second, so the whole visible
        tree is drawn again: ~25 ms a frame at 50 lines. This tree is one level deep with
        labels made of a few styled pieces, which takes a fraction of that. Same looks, same
        component classes, same mouse metadata (``line`` and ``node``) as Tree.
        """
        # Outside a frame (tests, tools): the live values.
        frame = self._frame or self._read_frame()
        scroll_x, scroll_y = frame.scroll
        number = y + scroll_y
        width = frame.width
        lines = self._tree_lines
        if number >= len(lines):
            return Strip.blank(width, frame.style)
        line = lines[number]
        node = line.node
        key = (
            number,
            width,
            frame.hover == number,
            frame.cursor == number,
            frame.focus,
            frame.root_hover,
            frame.root_cursor,
            self._updates,
            node._updates,
            self._root_version if node is self.root else 0,
            line.last,
            frame.pad_to,
        )
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._line_cache[key] = self._build_line(frame, number, line.node, line.last)
        return strip.crop(scroll_x, scroll_x + width)

    def _meta(self, key: str, value: int) -> Style:
        """The mouse metadata style ``{key: value}``, one object per value: the style sums
        it takes part in are then found in Rich's cache from one frame to the next."""
        cache = self._metas
        style = cache.get((key, value))
        if style is None:
            if len(cache) > META_CACHE_MAX:
                cache.clear()
            style = cache[(key, value)] = Style(meta={key: value})
        return style

    def _build_line(
        self, frame: _Frame, number: int, node: TreeNode[str | None], last: bool
    ) -> Strip:
        hover = frame.hover == number
        line_style = (
            self.get_component_rich_style("tree--highlight-line") if hover else frame.style
        ) + self._meta("line", number)
        label_style = self._style("tree--label")
        if hover:
            label_style += self._style("tree--highlight")
        if frame.cursor == number:
            label_style += self.get_component_rich_style("tree--cursor", partial=False)
        node_meta = self._meta("node", node.id)
        segments: list[Segment] = []
        root = node is self.root
        if not root:
            segments.append(self._guide(frame, last, line_style))
        summary = self._root_summary if root else self._summaries.get(node.data or "")
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            segments.append(Segment(icon, line_style + line_style + node_meta))
        if summary is None:
            parts: list[tuple[str, Style | None]] = [(_as_text(node.label).plain, None)]
        else:
            parts = self._label_parts(summary, root=root)
        for text, style in parts:
            piece = line_style + style if style is not None else line_style
            segments.append(Segment(text, piece + label_style + node_meta))
        used = sum(cell_len(seg.text) for seg in segments)
        pad = frame.pad_to - used
        if pad > 0:
            segments.append(Segment(" " * pad, line_style))
        return Strip(segments)

    def _guide(self, frame: _Frame, last: bool, line_style: Style) -> Segment:
        """The guide before a site: its style follows the root's hover and cursor state."""
        name = frame.guide
        style = self._style("tree--guides")
        if name != "tree--guides":
            style += self._style(name)
        if not self.show_guides or frame.guide_hidden:
            text = "  " + " " * max(0, self.guide_depth - 2)
        else:
            kind = "bold" if style.bold else "double" if style.underline2 else "default"
            glyphs = self.LINES[kind][2 if last else 3]
            text = f"{glyphs[0]}{glyphs[1] * max(0, self.guide_depth - 2)} "
        return Segment(text, line_style + style)

    def get_label_width(self, node: TreeNode[str | None]) -> int:
        # Only used for the horizontal extent, which this tree does not scroll: stay cheap.
        return _as_text(node.label).cell_len

    # ---- data -----------------------------------------------------------------------------

    def set_account(self, name: str | None) -> None:
        self._root_summary = SiteSummary(
            uid="",
            name=name or "Account",
            devices=self._root_summary.devices,
            offline=self._root_summary.offline,
            alerts=self._root_summary.alerts,
            top_rank=self._root_summary.top_rank,
        )
        self.root.set_label(Text(clean_line(name or "Account", NAME_LIMIT)))

    def set_sites(self, summaries: Iterable[SiteSummary]) -> None:
        """Show exactly these sites. Rebuilds the nodes only if the set of uids changed."""
        new = {s.uid: s for s in summaries}
        if new.keys() != self._site_nodes.keys():
            self._rebuild(new)
        else:
            self.update_sites(new.values())
        self._update_root()

    def update_sites(self, summaries: Iterable[SiteSummary]) -> None:
        """Relabel known sites whose summary changed (unknown uids are ignored)."""
        changed = False
        for summary in summaries:
            node = self._site_nodes.get(summary.uid)
            if node is None or self._summaries.get(summary.uid) == summary:
                continue
            old = self._summaries.get(summary.uid)
            self._summaries[summary.uid] = summary
            if old is not None and old.name != summary.name:
                node.set_label(Text(clean_line(summary.name, NAME_LIMIT)))
            else:
                # What node.refresh() does, minus its repaint request: one per node costs
                # ~30 us (a thousand sites change at once while devices load); the single
                # repaint below re-renders only the visible lines whose node changed.
                node._updates += 1
            changed = True
        if changed:
            self._update_root()
            self.refresh()

    def _update_root(self) -> None:
        summaries = self._summaries.values()
        totals = SiteSummary(
            uid="",
            name=self._root_summary.name,
            devices=sum(s.devices for s in summaries),
            offline=sum(s.offline for s in summaries),
            alerts=sum(s.alerts for s in summaries),
            top_rank=min((s.top_rank for s in summaries if s.top_rank is not None), default=None),
        )
        if totals != self._root_summary:
            self._root_summary = totals
            self._refresh_root_line()

    def _refresh_root_line(self) -> None:
        """Repaint the root's line only. ``root.refresh()`` would do it by bumping the root's
        version, which is part of every site line's cache key too: every visible line would be
        rendered again whenever a total changes."""
        self._root_version += 1
        line = self.root.line
        if line >= 0:
            self.refresh(Region(0, line - self.scroll_offset.y, self.size.width, 1))

    def _rebuild(self, summaries: dict[str, SiteSummary]) -> None:
        """Make the nodes match ``summaries``: a few sites come or go -> add/remove those;
        otherwise (the first load) build every node at once."""
        selected = self.cursor_node.data if self.cursor_node is not None else None
        added = summaries.keys() - self._site_nodes.keys()
        removed = self._site_nodes.keys() - summaries.keys()
        self._summaries = dict(summaries)
        if self._site_nodes and len(added) + len(removed) <= SMALL_CHANGE:
            for uid in removed:
                self._site_nodes.pop(uid).remove()
            for summary in sorted((summaries[uid] for uid in added), key=_site_order):
                self._insert(summary)
        else:
            self._build_all(sorted(summaries.values(), key=_site_order))
        self.root.expand()
        if selected is not None and selected in self._site_nodes:
            self.move_cursor(self._site_nodes[selected])

    def _insert(self, summary: SiteSummary) -> None:
        key = _site_order(summary)
        label = Text(clean_line(summary.name, NAME_LIMIT))
        after = next(
            (
                node
                for node in self.root.children
                if (other := self._summaries.get(node.data or "")) is not None
                and _site_order(other) > key
            ),
            None,
        )
        self._site_nodes[summary.uid] = (
            self.root.add_leaf(label, data=summary.uid, before=after)
            if after is not None
            else self.root.add_leaf(label, data=summary.uid)
        )

    def _build_all(self, ordered: list[SiteSummary]) -> None:
        # Tree.add invalidates the whole tree on every call (a repaint request each): with
        # 2,000 sites that alone stalls the UI for a tenth of a second. Textual 8.2.8 has no
        # bulk add, so the leaves are created as add() would, and invalidated once.
        self.clear()
        self._site_nodes.clear()
        root = self.root
        children = root._children
        for summary in ordered:
            node = self._add_node(root, Text(clean_line(summary.name, NAME_LIMIT)), summary.uid)
            node._allow_expand = False
            children.append(node)
            self._site_nodes[summary.uid] = node
        root._updates += 1
        self._invalidate()

    def site_uids(self) -> list[str]:
        """The site uids in display order."""
        return [uid for node in self.root.children if (uid := node.data) is not None]

    def summary(self, uid: str) -> SiteSummary | None:
        return self._summaries.get(uid)

    def label_of(self, uid: str | None) -> str:
        """The plain text of a node's label as rendered now (None: the root)."""
        node = self.root if uid is None else self._site_nodes.get(uid)
        if node is None:
            return ""
        return self.render_label(node, Style(), Style()).plain

    def select_site(self, uid: str | None) -> None:
        """Move the cursor to a site (None: the root)."""
        node = self.root if uid is None else self._site_nodes.get(uid)
        if node is not None:
            self.move_cursor(node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str | None]) -> None:
        event.stop()
        self.post_message(SiteSelected(event.node.data))
