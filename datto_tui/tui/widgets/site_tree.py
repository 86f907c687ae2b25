"""The site tree: the account at the root, one leaf per site with its counts.

A label reads ``Acme Dental  212 ▼3 ●2 crit``: devices, offline devices, open alerts and the
most severe open priority. Sites are leaves (no device children), which keeps 2,000 sites cheap;
"Deleted Devices" sits at the bottom, dimmed. Labels update by site uid and only when their text
changed; the node list is rebuilt only when sites come or go. Colours come from the component
classes below (styled in tcss), never from Python.
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
from datto_tui.tui.fmt import count
from datto_tui.tui.messages import SiteSelected

# Short names of alert priorities, most severe first (index = priority rank).
PRIORITY_ABBREV: tuple[str, ...] = ("crit", "high", "mod", "low", "info", "unk")
NAME_LIMIT = 60
MIN_NAME = 8


def fit_name(name: str, room: int) -> str:
    """``name`` cut to ``room`` cells with an ellipsis."""
    if cell_len(name) <= room:
        return name
    return set_cell_size(name, max(1, room - 1)) + "…"


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


def priority_abbrev(rank: int | None) -> str:
    if rank is None:
        return ""
    return PRIORITY_ABBREV[rank] if 0 <= rank < len(PRIORITY_ABBREV) else "unk"


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
        self._site_nodes: dict[str, TreeNode[str | None]] = {}
        self._summaries: dict[str, SiteSummary] = {}
        self._account = "Account"
        self._root_summary = SiteSummary(uid="", name="Account")
        self._labelled_width = 0
        self.auto_expand = False
        self.root.expand()

    # ---- labels ---------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def make_label(self, summary: SiteSummary, *, root: bool = False) -> Text:
        """The label of a site (or of the root, with account totals).

        The counts always show; the name is cut (``…``) to leave them room in the tree's
        current width.
        """
        counts = Text()
        counts.append("  ")
        counts.append(count(summary.devices), self._style("site-tree--count"))
        if summary.offline:
            counts.append(f" ▼{count(summary.offline)}", self._style("site-tree--offline"))
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
            counts.append(f" ●{count(summary.alerts)}{suffix}", self._style(style))
        room = max(MIN_NAME, self._label_width - counts.cell_len)
        text = Text(fit_name(clean_line(summary.name or "(unnamed)", NAME_LIMIT), room))
        if summary.deleted:
            text.stylize(self._style("site-tree--deleted"))
        text.append_text(counts)
        return text

    @property
    def _label_width(self) -> int:
        # Guides take two cells per level, the scrollbar one; a site label sits one level deep.
        width = self.scrollable_content_region.width or self.size.width
        return max(MIN_NAME + 8, width - 2 * self.guide_depth - 1) if width else NAME_LIMIT

    def _relabel_all(self) -> None:
        for uid, node in self._site_nodes.items():
            summary = self._summaries.get(uid)
            if summary is not None:
                node.set_label(self.make_label(summary))
        self.root.set_label(self.make_label(self._root_summary, root=True))

    def on_resize(self) -> None:
        width = self._label_width
        if width != self._labelled_width:
            self._labelled_width = width
            self._relabel_all()

    def notify_style_update(self) -> None:
        """Theme changed: the counts' colours are baked into the labels, so rebuild them."""
        super().notify_style_update()
        if self.is_mounted:
            self._relabel_all()

    # ---- data -----------------------------------------------------------------------------

    def set_account(self, name: str | None) -> None:
        self._account = name or "Account"
        self._root_summary = SiteSummary(
            uid="",
            name=self._account,
            devices=self._root_summary.devices,
            offline=self._root_summary.offline,
            alerts=self._root_summary.alerts,
            top_rank=self._root_summary.top_rank,
        )
        self.root.set_label(self.make_label(self._root_summary, root=True))

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
        for summary in summaries:
            node = self._site_nodes.get(summary.uid)
            if node is None or self._summaries.get(summary.uid) == summary:
                continue
            self._summaries[summary.uid] = summary
            node.set_label(self.make_label(summary))
        self._update_root()

    def _update_root(self) -> None:
        totals = SiteSummary(
            uid="",
            name=self._account,
            devices=sum(s.devices for s in self._summaries.values()),
            offline=sum(s.offline for s in self._summaries.values()),
            alerts=sum(s.alerts for s in self._summaries.values()),
            top_rank=min(
                (s.top_rank for s in self._summaries.values() if s.top_rank is not None),
                default=None,
            ),
        )
        if totals != self._root_summary:
            self._root_summary = totals
            self.root.set_label(self.make_label(totals, root=True))

    def _rebuild(self, summaries: dict[str, SiteSummary]) -> None:
        selected = self.cursor_node.data if self.cursor_node is not None else None
        self.root.remove_children()
        self._site_nodes.clear()
        ordered = sorted(
            summaries.values(), key=lambda s: (s.deleted, (s.name or "").casefold(), s.uid)
        )
        for summary in ordered:
            node = self.root.add_leaf(self.make_label(summary), data=summary.uid)
            self._site_nodes[summary.uid] = node
        self._summaries = dict(summaries)
        self.root.expand()
        if selected is not None and selected in self._site_nodes:
            self.move_cursor(self._site_nodes[selected])

    def site_uids(self) -> list[str]:
        """The site uids in display order."""
        return [uid for node in self.root.children if (uid := node.data) is not None]

    def summary(self, uid: str) -> SiteSummary | None:
        return self._summaries.get(uid)

    def select_site(self, uid: str | None) -> None:
        """Move the cursor to a site (None: the root)."""
        node = self.root if uid is None else self._site_nodes.get(uid)
        if node is not None:
            self.move_cursor(node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str | None]) -> None:
        event.stop()
        self.post_message(SiteSelected(event.node.data))
