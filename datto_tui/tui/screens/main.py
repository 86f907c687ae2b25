"""The main screen: header, site tree, device table, alert pane, gauges.

Handlers here receive the adapter's ``*Updated`` messages and render them incrementally: table
views are refreshed with the keys that changed, tree labels by site uid, gauges by text. A tick
once a second updates only the gauges (token countdown, budget, freshness ages).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from datto_tui.api.models import Alert, Device
from datto_tui.clock import Clock
from datto_tui.monitor.events import (
    AlertChanged,
    AlertOpened,
    AlertResolved,
    Counts,
    DeviceAdded,
    DeviceChanged,
    DeviceRemoved,
    NewMarksCleared,
    Resource,
)
from datto_tui.monitor.freshness import Freshness, FreshnessState
from datto_tui.monitor.poller import Poller
from datto_tui.monitor.store import Store
from datto_tui.monitor.view import ALERT_COLUMNS, TableView, device_view
from datto_tui.text import clean_line
from datto_tui.tui.fmt import count
from datto_tui.tui.memory import LoadFreezer
from datto_tui.tui.messages import (
    AccountInfoUpdated,
    AlertsUpdated,
    CountsUpdated,
    DevicesUpdated,
    FreshnessUpdated,
    SiteSelected,
    SitesUpdated,
    SyncUpdated,
)
from datto_tui.tui.screens.alert_detail import AlertDetailScreen
from datto_tui.tui.screens.device_detail import DeviceDetailScreen
from datto_tui.tui.screens.source import DetailSource
from datto_tui.tui.triage import TriageApp, TriageScreen
from datto_tui.tui.widgets.gauges import ResourceStatus, StatusBar
from datto_tui.tui.widgets.header import ClockLabel, HeaderBar
from datto_tui.tui.widgets.site_tree import SiteSummary, SiteTree
from datto_tui.tui.widgets.virtual_table import VirtualTable, layout_columns

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient

PANES = ("sites", "devices", "alerts")
#: Seconds between applications of device and count changes while many arrive (a poll).
FLUSH_INTERVAL = 0.2
#: The same during the first load of the devices, when every page adds rows: the pages of a
#: second are merged into the table's order together.
LOAD_FLUSH_INTERVAL = 1.0
#: Pause between the chunks of one flush: a timer, so input and frames get the loop between.
FLUSH_REST_DELAY = 0.001
#: At most this many device rows are merged into the table per turn of the event loop; the
#: rest follow on the next turns (500 new rows into 100k: ~12 ms; 4,000 at once: ~60 ms).
FLUSH_CHUNK = 250
FRESHNESS_KINDS = (Resource.ALERTS, Resource.DEVICES, Resource.SITES)


class Settled(Message):
    """A marker: once handled, every message posted before it has been handled too."""

    def __init__(self, done: asyncio.Future[None]) -> None:
        super().__init__()
        self.done = done


def _alert_tie(alert: Alert) -> str:
    ms = int(alert.timestamp.timestamp() * 1000) if alert.timestamp is not None else 0
    return f"{10**15 - ms:016d}{alert.device_name or ''}"


class MainScreen(TriageScreen):
    """The dashboard. ``1``/``2``/``3`` focus tree/devices/alerts; Enter opens details.

    Filtering, quick toggles, jumps and the selection for app actions come from
    :class:`~datto_tui.tui.triage.TriageScreen`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus_pane('sites')", "Sites", id="sites.focus"),
        Binding("2", "focus_pane('devices')", "Devices", id="devices.focus"),
        Binding("3", "focus_pane('alerts')", "Alerts", id="alerts.focus"),
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="app.prev_pane"),
        Binding("s", "sort_next", "Sort", id="table.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="table.reverse"),
        Binding("escape", "all_sites", "All sites", show=False, id="sites.all"),
    ]

    def __init__(
        self,
        *,
        store: Store,
        poller: Poller,
        client: DattoClient,
        clock: Clock,
        details: DetailSource,
        platform: str,
        profile_name: str,
        token_margin: float,
        demo: bool,
        read_only: bool,
        wall: bool,
    ) -> None:
        super().__init__(id="main")
        self.store = store
        self.poller = poller
        self.client = client
        self.clock = clock
        self.details = details
        self._platform = platform
        self._profile_name = profile_name
        self._token_margin = token_margin
        self._flags = (demo, read_only, wall)
        self.site_scope: str | None = None
        self.devices_view: TableView[Device] = device_view(
            store.devices, alert_count=self._alert_count, clock=clock
        )
        self.alerts_view: TableView[Alert] = TableView(
            ALERT_COLUMNS,
            key=lambda a: a.alert_uid,
            source=store.alerts,
            tie_key=_alert_tie,
            sort="priority",
            clock=clock,
        )
        self._loading: dict[Resource, tuple[int, int | None]] = {}
        self._synced: set[Resource] = set()
        self._states: dict[Resource, FreshnessState] = {}
        self._minute = int(clock.time() // 60)
        self._pending_changed: set[str] = set()
        self._pending_removed: set[str] = set()
        # Device keys merged by the chunks of a flush still going on (see _flush).
        self._flushed_devices: set[str] = set()
        self._tree_pending = False
        self._pending_alert_devices: set[str] = set()
        self._pending_counts: dict[str, Counts] = {}
        self._pending_sites = False
        self._freezer = LoadFreezer()
        self._titles: dict[str, str] = {}
        self._flush_pending = False
        self._last_flush = 0.0
        self._flush_timer: Timer | None = None
        self._last_tree = 0.0
        self._progress_due = 0.0  # when the status bar may show the first load's progress

    def _alert_count(self, device_uid: str) -> int:
        return len(self.store.alert_uids_for_device(device_uid))

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        demo, read_only, wall = self._flags
        yield HeaderBar(
            self.clock,
            platform=self._platform,
            profile=self._profile_name,
            demo=demo,
            read_only=read_only,
            wall=wall,
            id="header",
        )
        with Horizontal(id="body"):
            with Vertical(id="sites-pane", classes="pane"):
                yield SiteTree(id="sites")
            with Vertical(id="tables"):
                with Vertical(id="devices-pane", classes="pane"):
                    yield VirtualTable(
                        self.devices_view,
                        clock=self.clock,
                        empty_text="Loading devices…",
                        id="devices",
                    )
                with Vertical(id="alerts-pane", classes="pane"):
                    yield VirtualTable(
                        self.alerts_view,
                        clock=self.clock,
                        empty_text="Loading alerts…",
                        is_new=self.store.is_new,
                        id="alerts",
                    )
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(SiteTree).set_account(None)
        self._update_titles()
        self._tick()
        self.set_interval(1.0, self._tick, name="gauges")
        self.query_one("#devices", VirtualTable).focus()

    @property
    def device_table(self) -> VirtualTable[Device]:
        table: VirtualTable[Device] = self.query_one("#devices", VirtualTable)
        return table

    @property
    def alert_table(self) -> VirtualTable[Alert]:
        table: VirtualTable[Alert] = self.query_one("#alerts", VirtualTable)
        return table

    @property
    def site_tree(self) -> SiteTree:
        return self.query_one(SiteTree)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_unmount(self) -> None:
        self._freezer.release()

    async def settled(self) -> None:
        """Return once every message posted to this screen so far has been handled (and the
        gauges show the current state)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.post_message(Settled(done))
        await done

    def on_settled(self, message: Settled) -> None:
        # Everything posted before the marker is applied, not queued. A big backlog (the end
        # of a 100k load) goes chunk by chunk as usual, the marker checking again after each
        # chunk, so a caller waiting for it never causes the long stall chunks avoid.
        if len(self._pending_changed) + len(self._pending_removed) > FLUSH_CHUNK:
            self._flush()
            self.set_timer(FLUSH_REST_DELAY, lambda: self.post_message(Settled(message.done)))
            return
        self._flush(whole=True)
        # The gauges too: request counts move with every request, between the clock's ticks.
        self._show_gauges()
        if not message.done.done():
            message.done.set_result(None)

    # ---- focus ----------------------------------------------------------------------------

    def _pane_widget(self, name: str) -> Widget:
        return self.query_one(f"#{name}")

    def action_focus_pane(self, name: str) -> None:
        if name == "sites":
            self.query_one("#sites-pane").add_class("-shown")
        self._pane_widget(name).focus()

    def action_cycle_pane(self, step: int) -> None:
        focusable = [n for n in PANES if self._pane_widget(n).focusable]
        if not focusable:
            return
        focused = self.focused
        current = next((i for i, n in enumerate(focusable) if focused is self._pane_widget(n)), -1)
        self._pane_widget(focusable[(current + step) % len(focusable)]).focus()

    def action_all_sites(self) -> None:
        if self.site_scope is not None:
            self._set_scope(None)
            self.site_tree.select_site(None)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # On narrow screens the tree shows only while it has the focus.
        if isinstance(event.widget, SiteTree):
            self.query_one("#sites-pane").remove_class("-shown")

    # ---- sorting --------------------------------------------------------------------------

    def _focused_table(self) -> VirtualTable[Any]:
        focused = self.focused
        if isinstance(focused, VirtualTable):
            return focused
        return self.device_table

    def action_sort_next(self) -> None:
        """Sort the focused table by its next shown column (the cursor keeps its row)."""
        table = self._focused_table()
        shown = [p.column.key for p in layout_columns(table.view.columns, table.size.width)]
        if not shown:
            return
        current = table.view.sort_column
        following = shown[(shown.index(current) + 1) % len(shown)] if current in shown else shown[0]
        table.action_sort_by(following)

    def action_sort_reverse(self) -> None:
        self._focused_table().action_toggle_sort_direction()

    # ---- scope ----------------------------------------------------------------------------

    def on_site_selected(self, message: SiteSelected) -> None:
        self._set_scope(message.site_uid)
        if self.has_class("-narrow"):
            self.device_table.focus()

    def _set_scope(self, site_uid: str | None) -> None:
        self.site_scope = site_uid
        if site_uid is None:
            self.devices_view.set_scope(None)
            self.alerts_view.set_scope(None)
        else:
            self.devices_view.set_scope(lambda d: d.site_uid == site_uid)
            self.alerts_view.set_scope(lambda a: a.site_uid == site_uid)
        self.device_table.refresh_view()
        self.alert_table.refresh_view()
        self._update_empty_texts()
        self._update_titles()

    def _update_empty_texts(self) -> None:
        where = " in this site" if self.site_scope is not None else ""
        if Resource.DEVICES in self._synced:
            self.device_table.empty_text = f"No devices{where}."
        if Resource.ALERTS in self._synced:
            self.alert_table.empty_text = f"No open alerts{where}."

    def _scope_name(self) -> str:
        if self.site_scope is None:
            return "All sites"
        site = self.store.sites.get(self.site_scope)
        return clean_line(site.name if site and site.name else self.site_scope, 40)

    def _update_titles(self) -> None:
        scope = self._scope_name()
        devices = self.devices_view
        shown = count(len(devices))
        progress = self._loading.get(Resource.DEVICES)
        device_title = f"Devices · {scope} · {shown}"
        if self.site_scope is not None or self.table_filters["devices"].is_active:
            device_title += f" of {count(devices.total)}"
        device_title += self.marks_suffix("devices")
        if progress is not None:
            loaded, total = progress
            device_title += f" · loading {count(loaded)}/{count(total)}" if total else " · loading…"
        elif Resource.DEVICES not in self._synced:
            device_title += " · loading…"
        device_title += self._mark_freshness("#devices-pane", Resource.DEVICES)
        self._set_title("#devices-pane", device_title)
        alerts = self.alerts_view
        alert_title = f"Open alerts · {scope} · {count(len(alerts))}"
        if self.table_filters["alerts"].is_active:
            alert_title += f" of {count(self.scoped_total('alerts'))}"
        alert_title += self.marks_suffix("alerts")
        if Resource.ALERTS not in self._synced:
            alert_title += " · loading…"
        new = len(self.store.new_alert_uids)
        if new:
            alert_title += f" · {count(new)} new"
        alert_title += self._mark_freshness("#alerts-pane", Resource.ALERTS)
        self._set_title("#alerts-pane", alert_title)
        sites_title = "Sites"
        if Resource.SITES not in self._synced:
            sites_title += " · loading…"
        else:
            sites_title += f" · {count(len(self.store.sites))}"
        self._set_title("#sites-pane", sites_title)
        self.triage_refresh()

    def _set_title(self, pane_id: str, title: str) -> None:
        """Set a pane title (plain text: site names are untrusted, a str would be markup)."""
        if self._titles.get(pane_id) != title:  # avoid a repaint every tick
            self._titles[pane_id] = title
            self.query_one(pane_id).border_title = Text(title)

    def _mark_freshness(self, pane_id: str, kind: Resource) -> str:
        """Flag a pane whose data is stale or failing (class for colour, words for the title)."""
        if kind not in self.poller.freshness:
            return ""
        state = self.poller.freshness_of(kind).state(self.clock.now())
        pane = self.query_one(pane_id)
        pane.set_class(state is FreshnessState.STALE, "-stale")
        pane.set_class(state is FreshnessState.FAILING, "-failing")
        if state is FreshnessState.FAILING:
            return " · update failing"
        if state is FreshnessState.STALE:
            return " · stale"
        return ""

    # ---- data -----------------------------------------------------------------------------

    def _site_summary(self, uid: str, counts: Counts | None = None) -> SiteSummary | None:
        site = self.store.sites.get(uid)
        if site is None:
            return None
        c = counts if counts is not None else self.store.site_counts(uid)
        return SiteSummary(
            uid=uid,
            name=site.name or uid,
            devices=c.devices,
            offline=c.offline,
            alerts=c.open_alerts,
            top_rank=c.top_priority_rank,
            deleted=site.is_deleted_devices,
        )

    def _all_summaries(self) -> Iterable[SiteSummary]:
        for uid in self.store.sites:
            summary = self._site_summary(uid)
            if summary is not None:
                yield summary

    def on_sites_updated(self, message: SitesUpdated) -> None:
        self._pending_sites = True
        self._schedule_flush()

    def on_counts_updated(self, message: CountsUpdated) -> None:
        self._pending_counts.update(message.sites)
        self._schedule_flush()

    def on_devices_updated(self, message: DevicesUpdated) -> None:
        changed, removed = self._pending_changed, self._pending_removed
        for event in message.events:
            if isinstance(event, DeviceAdded | DeviceChanged):
                uid = event.device.uid if isinstance(event, DeviceAdded) else event.new.uid
                changed.add(uid)
                removed.discard(uid)
            elif isinstance(event, DeviceRemoved):
                removed.add(event.device.uid)
                changed.discard(event.device.uid)
        self._schedule_flush()

    def on_alerts_updated(self, message: AlertsUpdated) -> None:
        changed: list[str] = []
        removed: list[str] = []
        devices: set[str] = set()
        fresh_critical: list[Alert] = []
        for event in message.events:
            if isinstance(event, AlertOpened):
                changed.append(event.alert.alert_uid)
                if event.alert.device_uid:
                    devices.add(event.alert.device_uid)
                if event.is_new and not event.returned and event.alert.priority_rank <= 1:
                    fresh_critical.append(event.alert)
            elif isinstance(event, AlertChanged):
                changed.append(event.new.alert_uid)
                devices.update(u for u in (event.old.device_uid, event.new.device_uid) if u)
            elif isinstance(event, AlertResolved):
                removed.append(event.alert_uid)
                if event.alert.device_uid:
                    devices.add(event.alert.device_uid)
            elif isinstance(event, NewMarksCleared):
                changed.extend(u for u in event.alert_uids if u in self.store.alerts)
        self.alerts_view.refresh(changed_keys=changed, removed_keys=removed)
        self.alert_table.refresh_view()
        # The Alerts column (count and order) of these devices moved.
        self._pending_changed.update(u for u in devices if u in self.store.devices)
        self._pending_alert_devices.update(devices)
        self._schedule_flush()
        self._update_titles()
        self._notify_alerts(fresh_critical)

    # ---- coalescing -----------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        """Apply pending device and count changes soon, at most every FLUSH_INTERVAL.

        A load of 100k devices arrives as 400 pages: merging each into the 100k-row order and
        repainting would spend the loop on rendering. The first change after a quiet spell
        is applied right after the messages already queued (leading edge); changes that
        follow within the interval are applied together when it ends (trailing edge). During
        the first load the interval is LOAD_FLUSH_INTERVAL, but a full chunk of rows is merged
        as soon as it is there: they are merged a chunk a turn anyway, and a second's pages
        left waiting would all be merged after the last one, delaying the complete table.
        """
        if self._flush_timer is not None and self._backlog() >= FLUSH_CHUNK and self._first_load():
            self._flush_soon()
        if self._flush_pending:
            return
        self._flush_pending = True
        if self._first_load():
            interval = LOAD_FLUSH_INTERVAL if self._backlog() < FLUSH_CHUNK else 0.0
        else:
            interval = FLUSH_INTERVAL
        wait = self._last_flush + interval - time.monotonic()
        if wait <= 0:
            self.call_later(self._flush)
        else:
            self._flush_timer = self.set_timer(wait, self._flush, name="flush")

    def _flush_soon(self) -> None:
        """Apply pending changes right after the messages already queued, whatever the
        interval."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        self._flush_pending = True
        self.call_later(self._flush)

    def _first_load(self) -> bool:
        """The devices are being loaded for the first time."""
        return Resource.DEVICES in self._loading and Resource.DEVICES not in self._synced

    def _backlog(self) -> int:
        return len(self._pending_changed) + len(self._pending_removed)

    def _flush(self, *, whole: bool = False) -> None:
        """Apply pending changes: table views by key (:data:`FLUSH_CHUNK` rows a turn unless
        ``whole``), then tree labels by site uid."""
        self._flush_pending = False
        self._flush_timer = None
        self._last_flush = time.monotonic()
        changed, removed = self._take_chunk(FLUSH_CHUNK if not whole else None)
        self._flushed_devices |= changed | removed
        if changed or removed:
            self.devices_view.refresh(changed_keys=changed, removed_keys=removed)
            self.device_table.refresh_view()
        if self._pending_changed or self._pending_removed:
            # More rows than a turn should merge: the rest after the loop has breathed (a
            # timer, not call_later: callbacks queued with call_later run in the same turn).
            self._flush_pending = True
            self.set_timer(FLUSH_REST_DELAY, self._flush, name="flush-rest")
            return
        touched = self._flushed_devices | self._pending_alert_devices
        self._flushed_devices = set()
        self._pending_alert_devices = set()
        self._update_titles()
        if touched:
            self._refresh_detail(device_uids=touched)
        if whole:
            self._flush_tree()
        elif (self._pending_sites or self._pending_counts) and not self._tree_pending:
            # The tree after the table has been drawn: a thousand site labels and the rows
            # of a merge drawn in one frame would hold the loop twice as long. While the
            # devices load, every site's counts change with every chunk: the visible tree is
            # redrawn at most every LOAD_FLUSH_INTERVAL, not with each chunk.
            self._tree_pending = True
            wait = self._last_tree + LOAD_FLUSH_INTERVAL - time.monotonic()
            if self._first_load() and wait > 0:
                self.set_timer(wait, self._flush_tree_after_refresh, name="flush-tree")
            else:
                self.call_after_refresh(self._flush_tree)

    def _flush_tree(self) -> None:
        """Apply pending site changes to the tree: labels by site uid, nodes if sites came or
        went."""
        self._tree_pending = False
        self._last_tree = time.monotonic()
        if self._pending_sites:
            # Sites came, went or changed: the tree takes every current summary (it rebuilds
            # nodes only if the set of sites changed); counts pending are included.
            self._pending_sites = False
            self._pending_counts = {}
            self.site_tree.set_sites(self._all_summaries())
        if self._pending_counts:
            counts, self._pending_counts = self._pending_counts, {}
            summaries = [
                s for uid, c in counts.items() if (s := self._site_summary(uid, c)) is not None
            ]
            self.site_tree.update_sites(summaries)

    def _flush_tree_after_refresh(self) -> None:
        self.call_after_refresh(self._flush_tree)

    def _take_chunk(self, limit: int | None) -> tuple[set[str], set[str]]:
        """Up to ``limit`` (None: all) pending (changed, removed) device keys, taken out of the
        pending sets."""
        changed, removed = self._pending_changed, self._pending_removed
        if limit is None or len(changed) + len(removed) <= limit:
            self._pending_changed, self._pending_removed = set(), set()
            return changed, removed
        take_removed = set(islice(removed, limit))
        take_changed = set(islice(changed, limit - len(take_removed)))
        removed -= take_removed
        changed -= take_changed
        return take_changed, take_removed

    def _notify_alerts(self, alerts: list[Alert]) -> None:
        """Toast new Critical/High alerts, rate-limited (see :mod:`datto_tui.tui.notify`)."""
        app = self.app
        if alerts and isinstance(app, TriageApp):
            app.alert_toaster.alerts_opened(alerts)

    def _refresh_detail(self, *, device_uids: set[str]) -> None:
        screen = self.app.screen
        if isinstance(screen, DeviceDetailScreen) and screen.device.uid in device_uids:
            screen.refresh_device()

    def on_account_info_updated(self, message: AccountInfoUpdated) -> None:
        if message.account is not None:
            name = message.account.name
            self.query_one(HeaderBar).set_account(name)
            self.site_tree.set_account(name)

    def on_sync_updated(self, message: SyncUpdated) -> None:
        kind = message.kind
        first_load = kind is Resource.DEVICES and kind not in self._synced
        if message.phase == "progress":
            self._loading[kind] = (message.loaded, message.total)
            if first_load and self._freezer.due(message.loaded, message.total):
                # In a turn of its own: a freeze is a collection of the last records (~5 ms),
                # not to be added to the merge this same message schedules.
                self.set_timer(
                    FLUSH_REST_DELAY,
                    partial(self._freeze_step, message.loaded, message.total),
                    name="freeze",
                )
        elif message.phase in ("completed", "aborted"):
            self._loading.pop(kind, None)
            if first_load and message.phase == "aborted":
                self._freezer.aborted()
            if message.phase == "completed":
                if kind is Resource.SITES and kind not in self._synced:
                    self._freezer.prepared(len(self.store.sites))
                elif kind is Resource.ALERTS and kind not in self._synced:
                    self._freezer.prepared(len(self.store.alerts))
                if first_load:
                    self._freezer.done(len(self.store.devices))
                    # The last pages would wait for the load's flush interval: show them now.
                    if self._backlog():
                        self._flush_soon()
                self._synced.add(kind)
                self._update_empty_texts()
        if message.phase == "progress":
            self._schedule_flush()  # progress shows at the pace of the rows it counts
        else:
            self._update_titles()
        if first_load and message.phase == "progress":
            # The first load's progress is in the table's title with every merge, and in the
            # status bar at most every LOAD_FLUSH_INTERVAL: redrawn with each page, the bar
            # would pull the whole screen between it and the table into every frame.
            now = time.monotonic()
            if now >= self._progress_due:
                self._progress_due = now + LOAD_FLUSH_INTERVAL
                self._show_freshness()
        else:
            self._show_freshness()

    def _freeze_step(self, loaded: int, total: int | None) -> None:
        """A step of the first load's freezes (see :class:`LoadFreezer`).

        The device table's scrollbar is drawn again with every merge (its range grows), and
        the lines it drew last would be frozen alive and never collected once replaced (a
        line refers to itself through its caches): ~6 MB over a 100k load. Dropped from its
        cache before the freeze, they are collected by it; the next frame draws new ones.
        """
        self.device_table.vertical_scrollbar.refresh()
        self._freezer.loaded(loaded, total)

    def on_freshness_updated(self, message: FreshnessUpdated) -> None:
        fresh = message.freshness
        state = fresh.state(self.clock.now())
        before = self._states.get(fresh.kind)
        self._states[fresh.kind] = state
        quiet = bool(getattr(self.app, "has_problem", False))
        if state is FreshnessState.FAILING and before is not FreshnessState.FAILING and not quiet:
            self.app.notify(
                f"{fresh.kind.value} poll failed: {clean_line(fresh.last_error, 200)}",
                title="Poll failed",
                severity="error",
                markup=False,
            )
        elif before is FreshnessState.FAILING and state is FreshnessState.FRESH:
            self.app.notify(f"{fresh.kind.value} poll recovered.", markup=False, timeout=3)
        self._show_gauges()
        self._update_titles()

    # ---- gauges ---------------------------------------------------------------------------

    def _resource_status(self, fresh: Freshness) -> ResourceStatus:
        now = self.clock.now()
        state = fresh.state(now)
        loading = self._loading.get(fresh.kind)
        return ResourceStatus(
            name=fresh.kind.value,
            age=fresh.age(now),
            stale=state is FreshnessState.STALE,
            error=fresh.last_error if state is FreshnessState.FAILING else None,
            loading=fresh.in_progress and fresh.kind not in self._synced,
            loaded=loading[0] if loading else fresh.loaded,
            total=loading[1] if loading else fresh.total,
        )

    def _show_freshness(self) -> None:
        statuses = [
            self._resource_status(self.poller.freshness_of(kind))
            for kind in FRESHNESS_KINDS
            if kind in self.poller.freshness
        ]
        self.status_bar.show_freshness(statuses)

    def _tick(self) -> None:
        app = self.app
        if isinstance(app, TriageApp):
            app.alert_toaster.flush()  # the summary of toasts held back in an alert storm
        if self._first_load():
            # The clock first, the status bar in the next frame: the two lines are at the top
            # and the bottom of the screen, and a frame redraws every widget between its
            # changes (~20 ms while the devices load, each frame already busy).
            self.query_one(ClockLabel).tick()
            self.call_after_refresh(self._show_status)
        else:
            self._show_gauges()  # one frame a second when idle: less to send over SSH
        self._update_titles()  # "stale" arrives with time, not with an event
        minute = int(self.clock.time() // 60)
        if minute != self._minute:
            # Relative times ("5 min ago") move on: repaint the visible rows once a minute.
            self._minute = minute
            self.device_table.refresh()
            self.alert_table.refresh()

    def _show_gauges(self) -> None:
        """The clock, and the token, budget and freshness gauges from the current state
        (cheap; no repaint unless a text changed)."""
        self.query_one(ClockLabel).tick()
        self._show_status()

    def _show_status(self) -> None:
        """The status bar's gauges: token, budget, freshness."""
        bar = self.status_bar
        client = self.client
        bar.show_token(
            client.token_expires_at,
            client.token_fetched_at,
            self.clock.now(),
            margin=self._token_margin,
            refreshing=bool(getattr(client, "token_refreshing", False)),
        )
        bar.show_budget(client.budget.snapshot())
        self._show_freshness()

    # ---- details --------------------------------------------------------------------------

    @on(VirtualTable.Selected, "#devices")
    def _open_device(self, message: VirtualTable.Selected) -> None:
        device = self.store.devices.get(message.key)
        if device is not None:
            self.app.push_screen(DeviceDetailScreen(self.details, device))

    @on(VirtualTable.Selected, "#alerts")
    def _open_alert(self, message: VirtualTable.Selected) -> None:
        alert = self.store.alerts.get(message.key)
        if alert is not None:
            self.app.push_screen(AlertDetailScreen(self.details, alert))

    def scope_text(self) -> Text:
        return Text(self._scope_name())
