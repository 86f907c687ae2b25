"""The NOC wall screen: large, glanceable, read-only, honest about stale data.

Views (rotated with ``--rotate``, or by hand with space / 1-3):

- ``overview``: big counters (devices online / offline, open alerts by priority), the newest
  alerts and the worst sites;
- ``alerts``: the newest alerts, full height;
- ``sites``: the worst sites, full height.

Contracts:

- Nothing here writes to Datto: the screen's keys only change the view or the rotation.
- Data comes from the adapter's ``*Updated`` messages; a burst of them (one poll) recomputes the
  counters and lists once (coalesced), and the lists repaint only the lines that changed.
- One timer ticks every second: the clock's seconds (a two-cell label), the rotation, and the
  coarse ages and banners, each repainted only when its text changed. Nothing else moves on an
  idle wall.
- When data is stale or failing, a banner says so in words (age, reason, next retry) and the
  last good data stays on screen; an IP block or a rate-limit pause gets its own line.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from datto_tui.clock import Clock
from datto_tui.monitor.events import Resource
from datto_tui.monitor.freshness import Freshness
from datto_tui.monitor.poller import Poller
from datto_tui.monitor.store import Store
from datto_tui.text import clean_line
from datto_tui.tui.fmt import count
from datto_tui.tui.health_log import HealthLog
from datto_tui.tui.messages import (
    AccountInfoUpdated,
    AlertsUpdated,
    CountsUpdated,
    DevicesUpdated,
    FreshnessUpdated,
    SitesUpdated,
    SyncUpdated,
)
from datto_tui.tui.rotation import Rotation
from datto_tui.tui.screens.main import Settled
from datto_tui.tui.wall_data import (
    AlertRow,
    SiteRow,
    banners,
    counters,
    is_stale,
    newest_alerts,
    oldest,
    priority_level,
    updated_text,
    worst_sites,
)
from datto_tui.tui.widgets.counters import CounterRow
from datto_tui.tui.widgets.gauges import TokenState, token_text
from datto_tui.tui.widgets.quiet import QuietLabel
from datto_tui.tui.widgets.wall_clock import SmallClock, WallClock
from datto_tui.tui.widgets.wall_list import Cell, ListColumn, Row, WallList

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient

log = logging.getLogger(__name__)

VIEWS = ("overview", "alerts", "sites")
VIEW_TITLES = {"overview": "Overview", "alerts": "Alerts", "sites": "Sites"}
MAX_BANNERS = 2

ALERT_COLUMNS = (
    ListColumn("priority", "PRIORITY", width=8),
    ListColumn("age", "AGE", width=6, align="right"),
    ListColumn("device", "DEVICE", flex=3, min_width=10),
    ListColumn("site", "SITE", flex=3, min_width=10, drop=2),
    ListColumn("summary", "ALERT", flex=5, min_width=12, drop=1),
)
SITE_COLUMNS = (
    ListColumn("site", "SITE", flex=1, min_width=12),
    ListColumn("critical", "CRIT", width=5, align="right"),
    ListColumn("high", "HIGH", width=5, align="right"),
    ListColumn("moderate", "MOD", width=5, align="right", drop=2),
    ListColumn("low", "LOW+", width=5, align="right", drop=3),
    ListColumn("offline", "OFFLINE", width=11, align="right", drop=1),
)


def alert_cells(row: AlertRow) -> Row:
    level = priority_level(row.rank)
    # Few styles per line: every change of style costs escape sequences on the wire.
    return (
        Cell(row.priority, level),
        Cell(row.age),
        Cell(row.device, "strong"),
        Cell(row.site),
        Cell(row.summary),
    )


def site_cells(row: SiteRow) -> Row:
    def num(value: int, style: str) -> Cell:
        return Cell(str(value), style if value else "")

    offline = f"{count(row.offline)}/{count(row.devices)}"
    return (
        Cell(row.name, "strong" if row.level in ("critical", "high") else ""),
        num(row.critical, "critical"),
        num(row.high, "high"),
        num(row.moderate, "moderate"),
        Cell(str(row.low)),
        Cell(offline, "offline" if row.offline else ""),
    )


class PanelHead(Horizontal):
    """A panel's title line: the title on the left, how fresh its data is on the right."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel-head")
        self._title = title

    def compose(self) -> ComposeResult:
        yield QuietLabel(self._title, classes="panel-title")
        yield QuietLabel("waiting for data…", classes="panel-updated")

    def show(self, title: str, updated: str, level: str) -> None:
        self.query_one(".panel-title", QuietLabel).show(title)
        self.query_one(".panel-updated", QuietLabel).show(updated, level)


class WallScreen(Screen[None]):
    """The wall; see the module docstring. ``rotate``: seconds per view (None: no rotation)."""

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (typed by Textual as an instance variable)
        (0, "-narrow"),
        (120, "-medium"),
        (200, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (36, "-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,n,right", "next_view", "Next view", id="wall.next"),
        Binding("b,left", "previous_view", "Previous view", show=False, id="wall.previous"),
        Binding("1", "show_view(0)", "Overview", show=False, id="wall.overview"),
        Binding("2", "show_view(1)", "Alerts", show=False, id="wall.alerts"),
        Binding("3", "show_view(2)", "Sites", show=False, id="wall.sites"),
        Binding("p", "toggle_rotation", "Pause rotation", id="wall.pause"),
    ]

    #: Every action the wall's own keys can reach (a test checks none of them writes).
    ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"next_view", "previous_view", "show_view", "toggle_rotation"}
    )

    def __init__(
        self,
        *,
        store: Store,
        poller: Poller,
        client: DattoClient,
        clock: Clock,
        platform: str,
        profile_name: str,
        demo: bool,
        rotate: float | None,
        token_margin: float = 600.0,
        health: HealthLog | None = None,
    ) -> None:
        super().__init__(id="wall")
        self.store = store
        self.poller = poller
        self.client = client
        self.clock = clock
        self._platform = platform
        self._profile_name = profile_name
        self._demo = demo
        self._token_margin = token_margin
        self._token_state = TokenState()
        self.rotation = Rotation(VIEWS, rotate, now=clock.monotonic())
        self._data_pending = False
        self._minute = int(clock.time() // 60)
        self._critical = 0
        self._health = health

    # ---- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="wall-header"):
            with Vertical(id="wall-title"):
                yield QuietLabel("connecting…", id="wall-account")
                yield QuietLabel(self._subtitle(), id="wall-sub")
                yield QuietLabel("", id="wall-rotation")
            yield QuietLabel("", id="wall-escalation")
            yield SmallClock(self.clock, id="wall-small-clock")
            yield WallClock(self.clock, id="wall-clock")
        with Vertical(id="wall-banners"):
            for i in range(MAX_BANNERS):
                yield QuietLabel("", id=f"banner-{i}", classes="banner", wraps=True)
        with ContentSwitcher(id="wall-views", initial="overview"):
            with Vertical(id="overview"):
                yield PanelHead("Totals", id="totals-head")
                yield CounterRow(id="counters")
                with Horizontal(id="overview-lists"):
                    with Vertical(id="newest-panel", classes="panel"):
                        yield PanelHead("Newest alerts", id="newest-head")
                        yield WallList(ALERT_COLUMNS, empty_text="Loading alerts…", id="newest")
                    with Vertical(id="worst-panel", classes="panel"):
                        yield PanelHead("Worst sites", id="worst-head")
                        yield WallList(SITE_COLUMNS, empty_text="Loading sites…", id="worst")
            with Vertical(id="alerts", classes="panel"):
                yield PanelHead("Newest alerts", id="alerts-head")
                yield WallList(ALERT_COLUMNS, empty_text="Loading alerts…", id="all-alerts")
            with Vertical(id="sites", classes="panel"):
                yield PanelHead("Worst sites", id="sites-head")
                yield WallList(SITE_COLUMNS, empty_text="Loading sites…", id="all-sites")
        with Horizontal(id="wall-status"):
            yield QuietLabel("", id="status-fresh")
            yield QuietLabel("", id="status-budget")
            yield QuietLabel("space next view · p pause · ? keys · q quit", id="status-keys")

    def _subtitle(self) -> str:
        parts = ["Datto RMM", clean_line(self._platform, 40), "WALL"]
        if self._demo:
            parts.append("DEMO")
        if self._profile_name not in ("default", "demo"):
            parts.append(f"profile {clean_line(self._profile_name, 30)}")
        return " · ".join(parts)

    def on_mount(self) -> None:
        self._refresh_data()
        self.tick()
        self.set_interval(1.0, self.tick, name="wall-tick")

    def on_resize(self, event: events.Resize) -> None:
        # The lists hold as many rows as fit: a new size means new rows (after the layout).
        self.call_after_refresh(self._schedule_data)

    async def settled(self) -> None:
        """Return once every message posted to this screen so far has been handled, and the
        data refresh they scheduled has run."""
        for _ in range(2):
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.post_message(Settled(done))
            await done

    def on_settled(self, message: Settled) -> None:
        if not message.done.done():
            message.done.set_result(None)

    # ---- keys and rotation -----------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Someone is at the keyboard: hold the rotation (``p`` toggles it instead).
        if event.key != "p":
            self.rotation.activity(self.clock.monotonic())
            self._show_rotation()

    def _switch(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = name
        self._schedule_data()
        self._show_rotation()

    def action_next_view(self) -> None:
        self._switch(self.rotation.next(self.clock.monotonic()))

    def action_previous_view(self) -> None:
        self._switch(self.rotation.previous(self.clock.monotonic()))

    def action_show_view(self, index: int) -> None:
        self._switch(self.rotation.show(index, self.clock.monotonic()))

    def action_toggle_rotation(self) -> None:
        self.rotation.toggle_pause(self.clock.monotonic())
        self._show_rotation()

    @property
    def view(self) -> str:
        """The view shown now."""
        return self.rotation.current

    def _show_rotation(self) -> None:
        status = self.rotation.status(self.clock.monotonic())
        title = VIEW_TITLES[status.name]
        interval = self.rotation.interval
        if status.state == "off":
            text = f"{status.dots()}  {title} · space: next view"
        elif status.state == "paused":
            text = f"{status.dots()}  {title} · rotation PAUSED (p resumes)"
        elif status.state == "held":
            idle = coarse_seconds(self.rotation.idle_resume)
            text = f"{status.dots()}  {title} · rotation held (resumes {idle} after the last key)"
        else:
            text = f"{status.dots()}  {title} · rotating every {coarse_seconds(interval)}"
        self.query_one("#wall-rotation", QuietLabel).show(text, f"-{status.state}")

    # ---- the tick -------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: clock, rotation, ages, banners, budget (each repainted only when its
        text changed). Never raises: a wall must keep running."""
        try:
            now = self.clock.now()
            self.query_one(WallClock).tick(now)
            self.query_one(SmallClock).tick(now)
            minute = int(self.clock.time() // 60)
            if minute != self._minute:
                # Ages in the lists ("12 min") move on with time, not only with data.
                self._minute = minute
                self._schedule_data()
            moved = self.rotation.tick(self.clock.monotonic())
            if moved is not None:
                self._switch(moved)
            else:
                self._show_rotation()
            self._show_freshness()
        except Exception:
            log.exception("the wall's tick failed; it will try again in a second")

    # ---- data -----------------------------------------------------------------------------

    def _schedule_data(self) -> None:
        if not self._data_pending:
            self._data_pending = True
            self.call_later(self._refresh_data)

    def on_alerts_updated(self, message: AlertsUpdated) -> None:
        self._schedule_data()

    def on_devices_updated(self, message: DevicesUpdated) -> None:
        # Device changes matter to the wall only through counts (CountsUpdated).
        return

    def on_sites_updated(self, message: SitesUpdated) -> None:
        self._schedule_data()

    def on_counts_updated(self, message: CountsUpdated) -> None:
        self._schedule_data()

    def on_sync_updated(self, message: SyncUpdated) -> None:
        if message.phase in ("completed", "aborted"):
            self._schedule_data()
            self._show_freshness()

    def on_freshness_updated(self, message: FreshnessUpdated) -> None:
        self._show_freshness()

    def on_account_info_updated(self, message: AccountInfoUpdated) -> None:
        if message.account is not None:
            self.query_one("#wall-account", QuietLabel).show(
                clean_line(message.account.name or "—", 80)
            )

    def _refresh_data(self) -> None:
        """Recompute counters and the visible lists from the store."""
        self._data_pending = False
        try:
            self._render_data()
        except Exception:
            log.exception("the wall could not render the data; showing the previous state")

    def _render_data(self) -> None:
        store = self.store
        now = self.clock.now()
        totals = store.totals
        values = counters(
            totals,
            devices_known=store.has_synced(Resource.DEVICES),
            alerts_known=store.has_synced(Resource.ALERTS),
        )
        self.query_one(CounterRow).show(values)
        critical = totals.alerts_by_rank[0] if store.has_synced(Resource.ALERTS) else 0
        self._critical = critical
        # On the header only: a class on the screen would restyle every widget.
        self.query_one("#wall-header").set_class(critical > 0, "-critical")
        self.query_one("#wall-escalation", QuietLabel).show(
            f"▲ {count(critical)} CRITICAL ALERT{'S' if critical != 1 else ''} OPEN"
            if critical
            else ""
        )
        view = self.view
        lists: list[tuple[str, bool]] = []
        if view == "overview":
            lists = [("#newest", True), ("#worst", False)]
        elif view == "alerts":
            lists = [("#all-alerts", True)]
        else:
            lists = [("#all-sites", False)]
        alerts_known = store.has_synced(Resource.ALERTS)
        for selector, is_alerts in lists:
            table = self.query_one(selector, WallList)
            # Enough for any height: a list just switched in has no size before its layout.
            limit = max(table.capacity, self.size.height)
            if is_alerts:
                rows = newest_alerts(store.alerts.values(), now, limit, is_new=store.is_new)
                table.set_rows([alert_cells(r) for r in rows])
                if alerts_known:
                    table.empty_text = "No open alerts."
            else:
                sites = worst_sites(store.sites, store.all_site_counts(), limit)
                table.set_rows([site_cells(r) for r in sites])
                if alerts_known and store.has_synced(Resource.DEVICES):
                    table.empty_text = "No site has open alerts or offline devices."
        self._show_freshness()

    # ---- freshness, banners, budget -------------------------------------------------------

    def _fresh(self, kind: Resource) -> Freshness | None:
        return self.poller.freshness.get(kind)

    def _panel_state(self, freshes: list[Freshness | None], now_text: str) -> tuple[str, str]:
        now = self.clock.now()
        known = [f for f in freshes if f is not None]
        if any(f.consecutive_failures for f in known):
            return f"{now_text} · FAILING", "-failing"
        if any(is_stale(f, now) for f in known):
            return f"{now_text} · STALE", "-stale"
        return now_text, "-ok"

    def _show_freshness(self) -> None:
        """Panels' ages, banners and the status line; never raises (a wall keeps running)."""
        try:
            self._render_freshness()
        except Exception:
            log.exception("the wall could not show the freshness; it will try again")

    def _render_freshness(self) -> None:
        now = self.clock.now()
        alerts = self._fresh(Resource.ALERTS)
        devices = self._fresh(Resource.DEVICES)
        sites = self._fresh(Resource.SITES)
        store = self.store
        n_alerts = len(store.alerts)
        alerts_known = store.has_synced(Resource.ALERTS)
        open_text = f" · {count(n_alerts)} open" if alerts_known else ""
        # Panels.
        alert_updated, alert_level = self._panel_state([alerts], updated_text(alerts, now))
        for head, title_base, table_id in (
            ("#newest-head", "NEWEST ALERTS", "#newest"),
            ("#alerts-head", "NEWEST ALERTS", "#all-alerts"),
        ):
            shown = self.query_one(table_id, WallList).shown
            title = f"{title_base}{open_text}"
            if alerts_known and shown < n_alerts and shown:
                title += f" · newest {shown} shown"
            self.query_one(head, PanelHead).show(title, alert_updated, alert_level)
        site_fresh = oldest([alerts, devices], now)
        site_updated, site_level = self._panel_state(
            [alerts, devices, sites], updated_text(site_fresh, now)
        )
        for head in ("#worst-head", "#sites-head"):
            self.query_one(head, PanelHead).show("WORST SITES", site_updated, site_level)
        parts: list[str] = []
        for name, fresh in (("alerts", alerts), ("devices", devices)):
            part, _ = self._panel_state([fresh], f"{name} {updated_text(fresh, now)}")
            parts.append(part)
        _, totals_level = self._panel_state([alerts, devices], "")
        self.query_one("#totals-head", PanelHead).show(
            "TOTALS · devices and open alerts", " · ".join(parts), totals_level
        )
        for panel_id, level in (
            ("#newest-panel", alert_level),
            ("#alerts", alert_level),
            ("#worst-panel", site_level),
            ("#sites", site_level),
            ("#counters", totals_level),
        ):
            widget = self.query_one(panel_id)
            widget.set_class(level == "-stale", "-stale")
            widget.set_class(level == "-failing", "-failing")
        # Banners (most serious first) and the status line.
        budget = self.client.budget.snapshot()
        lines = banners(self.poller.freshness, budget, now)
        for i in range(MAX_BANNERS):
            label = self.query_one(f"#banner-{i}", QuietLabel)
            if i < len(lines):
                label.show(lines[i].text, lines[i].level)
            else:
                label.show("", "-none")
        self.query_one("#wall-banners").set_class(bool(lines), "-shown")
        if self._health is not None:
            self._health.budget(budget.ip_blocked, budget.paused_for, budget.pause_reason)
        status = "updated: " + " · ".join(
            f"{kind.value} {updated_text(fresh, now).removeprefix('updated ')}"
            for kind, fresh in (
                (Resource.ALERTS, alerts),
                (Resource.DEVICES, devices),
                (Resource.SITES, sites),
            )
        )
        self.query_one("#status-fresh", QuietLabel).show(status)
        token, token_level = token_text(
            self.client.token_expires_at,
            self.client.token_fetched_at,
            now,
            self._token_state,
            margin=self._token_margin,
        )
        reads = f"reads {budget.reads_used}/{budget.reads_limit}"
        self.query_one("#status-budget", QuietLabel).show(f"{reads} · {token}", token_level)


def coarse_seconds(seconds: float | None) -> str:
    """``30 s``, ``2 min``, ``1 h``: an interval as people say it."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60 or s % 60:
        return f"{s} s"
    if s < 3600 or s % 3600:
        return f"{s // 60} min"
    return f"{s // 3600} h"
