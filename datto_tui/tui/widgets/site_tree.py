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
from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from datto_tui.text import clean_line
from datto_tui.tui.messages import SiteSelected

# Short names of alert priorities, most severe first (index = priority rank).
PRIORITY_ABBREV: tuple[str, ...] = ("crit", "high", "mod", "low", "info", "unk")
NAME_LIMIT = 60
MIN_NAME = 8
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
        counts = Text("  ")
        counts.append(f"{summary.devices:,}", self._style("site-tree--count"))
        if summary.offline:
            counts.append(f" ▼{summary.offline:,}", self._style("site-tree--offline"))
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
            counts.append(f" ●{summary.alerts:,}{suffix}", self._style(style))
        room = max(MIN_NAME, self._label_width(root) - counts.cell_len)
        text = Text(fit_name(clean_line(summary.name or "(unnamed)", NAME_LIMIT), room))
        if summary.deleted:
            text.stylize(self._style("site-tree--deleted"))
        text.append_text(counts)
        return text

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
                node.refresh()
            changed = True
        if changed:
            self._update_root()

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
            self.root.refresh()

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
