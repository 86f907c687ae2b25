"""Keyboard triage: the base classes of the main screen and of the app that add it.

:class:`TriageScreen` (the main screen's base) owns what narrows and moves the tables: the ``/``
filter bar of each table, the quick toggles (offline devices, devices with open alerts, an alert
priority threshold), jumping between an alert and its device with a history to go back, and the
current selection (marked rows, else the cursor row) that app-wide actions act on.

:class:`TriageApp` (the app's base) owns the actions that reach Datto or the desktop: resolve
alerts (confirm, then a paced run), quick jobs (component, form, confirm, run, results), open in
the portal, copy, the command palette's commands and providers, and the rate-limited toasts for
new alerts. Mutating actions are refused in read-only mode at every door: keys, footer and help
(``check_action``), palette (not offered), and the action methods themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import Provider
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget

from datto_tui.api.models import Alert, Component, Device, Site
from datto_tui.monitor.bulk import ResolveProgress, alert_label, resolve_alerts, summarise
from datto_tui.monitor.events import Resource
from datto_tui.monitor.jobs import (
    DeviceJob,
    JobState,
    QuickJobPlan,
    QuickJobRun,
    job_refusal,
    run_quick_job,
)
from datto_tui.monitor.pacing import CancelToken
from datto_tui.monitor.table_filter import TableFilter
from datto_tui.monitor.view import TableView
from datto_tui.text import clean_line
from datto_tui.tui import keys
from datto_tui.tui.clipboard import copy_text, open_link, portal_link
from datto_tui.tui.commands import PROVIDERS
from datto_tui.tui.notify import AlertToaster
from datto_tui.tui.screens.alert_detail import AlertDetailScreen
from datto_tui.tui.screens.confirm import ConfirmScreen
from datto_tui.tui.screens.copy import CopyChoice, CopyScreen, copy_choices
from datto_tui.tui.screens.device_detail import DeviceDetailScreen
from datto_tui.tui.screens.job_results import JobRunScreen
from datto_tui.tui.screens.quick_job import ComponentPickerScreen, QuickJobFormScreen
from datto_tui.tui.screens.resolve import ResolveScreen
from datto_tui.tui.widgets.filter_bar import FilterBar
from datto_tui.tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.clock import Clock
    from datto_tui.config import Profile
    from datto_tui.monitor.store import Store
    from datto_tui.tui.widgets.site_tree import SiteTree

log = logging.getLogger(__name__)

TableName = Literal["devices", "alerts"]
TABLES: tuple[TableName, ...] = ("devices", "alerts")
#: App actions that act on the current selection.
SELECTION_ACTIONS = frozenset({"resolve_alerts", "quick_job", "open_portal", "copy_menu"})
#: Columns whose filter text is built ahead, in idle steps: those the toggles use and those
#: most typed after a colon. Without it the first ``site:x`` on 100k devices builds 100k texts.
WARM_COLUMNS: dict[TableName, tuple[str, ...]] = {
    "devices": ("online", "alerts", "site", "hostname", "os", "type"),
    "alerts": ("priority", "device", "site", "type"),
}
WARM_ROWS = 2000  # rows per idle step (a few ms)
WARM_EVERY = 0.05
#: Jump points remembered for "jump back".
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Selection:
    """What app-wide actions act on: marked rows of the focused table, else its cursor row."""

    kind: Literal["device", "alert", "site"]
    items: tuple[Device | Alert | Site, ...]
    marked: bool = False

    @property
    def devices(self) -> list[Device]:
        return [i for i in self.items if isinstance(i, Device)]

    @property
    def alerts(self) -> list[Alert]:
        return [i for i in self.items if isinstance(i, Alert)]


@dataclass(frozen=True)
class JumpPoint:
    """Where the operator was: focused table, site scope and cursor rows."""

    table: TableName
    scope: str | None
    device_key: str | None
    alert_key: str | None


class TriageScreen(Screen[None]):
    """Base of the main screen (see the module docstring).

    The subclass provides ``store``, ``devices_view``, ``alerts_view``, ``site_scope`` and the
    hooks below (its tables, tree, scope setter and title refresh).
    """

    BINDINGS: ClassVar[list[BindingType]] = keys.SCREEN_BINDINGS

    store: Store
    devices_view: TableView[Device]
    alerts_view: TableView[Alert]
    site_scope: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table_filters: dict[TableName, TableFilter] = {t: TableFilter() for t in TABLES}
        self.jump_history: list[JumpPoint] = []
        self._warmed: tuple[int, int] = (-1, -1)  # store versions whose texts are built
        self._warm_target = self._warmed
        self._warm_queue: list[tuple[TableName, str]] = []
        self._warming = False

    # ---- hooks of the subclass -----------------------------------------------------------

    @property
    def device_table(self) -> VirtualTable[Device]:
        raise NotImplementedError

    @property
    def alert_table(self) -> VirtualTable[Alert]:
        raise NotImplementedError

    @property
    def site_tree(self) -> SiteTree:
        raise NotImplementedError

    def _set_scope(self, site_uid: str | None) -> None:
        raise NotImplementedError

    def _update_titles(self) -> None:
        """Refresh the pane titles (the subclass calls :meth:`triage_refresh` from it)."""

    # ---- tables ----------------------------------------------------------------------------

    def triage_table(self, name: TableName) -> VirtualTable[Any]:
        return self.device_table if name == "devices" else self.alert_table

    def triage_view(self, name: TableName) -> TableView[Any]:
        return self.devices_view if name == "devices" else self.alerts_view

    def focused_table_name(self) -> TableName:
        """The table the operator works in: the focused one, else the device table."""
        focused = self.focused
        if focused is self.alert_table:
            return "alerts"
        bar = focused.parent if focused is not None else None
        if isinstance(bar, FilterBar):
            return "alerts" if bar.table == "alerts" else "devices"
        return "devices"

    def marks_suffix(self, name: TableName) -> str:
        """`` · 3 marked`` for a pane title (empty without marks)."""
        marked = len(self.triage_table(name).marked)
        return f" · {marked} marked" if marked else ""

    def scoped_total(self, name: TableName) -> int:
        """Rows of ``name`` in the current scope before any filter."""
        if self.site_scope is None:
            return self.triage_view(name).total
        if name == "devices":
            return len(self.store.device_uids_in_site(self.site_scope))
        return len(self.store.alert_uids_for_site(self.site_scope))

    # ---- filter ----------------------------------------------------------------------------

    def filter_bar(self, name: TableName) -> FilterBar | None:
        try:
            return self.query_one(f"#{name}-filter", FilterBar)
        except NoMatches:
            return None

    async def ensure_filter_bar(self, name: TableName) -> FilterBar:
        """The table's filter bar, mounted at the bottom of its pane on first use."""
        bar = self.filter_bar(name)
        if bar is None:
            bar = FilterBar(name, id=f"{name}-filter")
            parent = self.triage_table(name).parent
            pane = parent if isinstance(parent, Widget) else self
            await pane.mount(bar)
        return bar

    @on(events.Mount)
    async def _triage_mounted(self) -> None:
        # Mounted (hidden) up front: the first mount of an Input restyles the screen, a cost
        # better paid at start than on the first "/".
        for name in TABLES:
            await self.ensure_filter_bar(name)
        self._warm_later()

    def _data_version(self) -> tuple[int, int]:
        return (self.store.version(Resource.DEVICES), self.store.version(Resource.ALERTS))

    def _warm_later(self) -> None:
        """Build column filter texts in idle steps when the data changed since the last time."""
        if self._warmed != self._data_version() and not self._warming:
            self._warming = True
            self._warm_queue = [(n, c) for n in TABLES for c in WARM_COLUMNS[n]]
            self._warm_target = self._data_version()
            self.set_timer(WARM_EVERY, self._warm_step)

    def _warm_step(self) -> None:
        """One small step (one column, up to :data:`WARM_ROWS` rows) per idle slot."""
        while self._warm_queue:
            name, column = self._warm_queue[0]
            if self.triage_view(name).warm_column(column, WARM_ROWS):
                break
            self._warm_queue.pop(0)
            break
        if self._warm_queue:
            self.set_timer(WARM_EVERY, self._warm_step)
            return
        self._warmed = self._warm_target
        self._warming = False

    async def action_filter(self) -> None:
        """``/``: edit the focused table's filter."""
        name = self.focused_table_name()
        bar = await self.ensure_filter_bar(name)
        bar.open(self.table_filters[name].text)

    def set_table_filter(self, name: TableName, value: TableFilter) -> None:
        """Apply ``value`` to table ``name`` now (no debounce) and show it."""
        self.table_filters[name] = value
        view = self.triage_view(name)
        view.set_query(value.query_text())
        self.triage_table(name).refresh_view()
        self._show_filter(name)
        self._update_titles()

    def _show_filter(self, name: TableName) -> None:
        bar = self.filter_bar(name)
        if bar is None:
            return
        value = self.table_filters[name]
        view = self.triage_view(name)
        bar.set_active(value.is_active)
        bar.show_status(
            shown=len(view),
            total=self.scoped_total(name),
            toggles=value.toggle_labels(),
            error=view.filter_error,
        )

    def triage_refresh(self) -> None:
        """Bring the filter bars' counts up to date (call after data or scope changes)."""
        for name in TABLES:
            self._show_filter(name)
        self._warm_later()

    @on(FilterBar.Changed)
    def _filter_typed(self, event: FilterBar.Changed) -> None:
        event.stop()
        name: TableName = "alerts" if event.bar.table == "alerts" else "devices"
        self.set_table_filter(name, self.table_filters[name].with_text(event.text))

    @on(FilterBar.Closed)
    def _filter_closed(self, event: FilterBar.Closed) -> None:
        event.stop()
        name: TableName = "alerts" if event.bar.table == "alerts" else "devices"
        if not event.keep:
            self.set_table_filter(name, self.table_filters[name].with_text(""))
        self.triage_table(name).focus()
        self._show_filter(name)

    async def _toggle(self, name: TableName, value: TableFilter) -> None:
        await self.ensure_filter_bar(name)
        self.set_table_filter(name, value)

    async def action_toggle_offline(self) -> None:
        """Only offline devices (again: all)."""
        current = self.table_filters["devices"]
        await self._toggle("devices", replace(current, offline_only=not current.offline_only))

    async def action_toggle_with_alerts(self) -> None:
        """Only devices with open alerts (again: all)."""
        current = self.table_filters["devices"]
        await self._toggle("devices", replace(current, with_alerts=not current.with_alerts))

    async def action_cycle_priority(self) -> None:
        """Alerts at or above a priority: Critical -> High+ -> Moderate+ -> all."""
        await self._toggle("alerts", self.table_filters["alerts"].next_priority())

    # ---- marks -----------------------------------------------------------------------------

    def on_virtual_table_marks_changed(self, message: VirtualTable.MarksChanged) -> None:
        self._update_titles()

    # ---- selection -------------------------------------------------------------------------

    def triage_selection(self) -> Selection | None:
        """Marked rows of the focused table, else its cursor row (a site in the tree)."""
        focused = self.focused
        try:
            tree = self.site_tree
        except NoMatches:
            tree = None
        if tree is not None and focused is tree:
            node = tree.cursor_node
            uid = node.data if node is not None else None
            site = self.store.sites.get(uid) if uid else None
            return Selection("site", (site,)) if site is not None else None
        name = self.focused_table_name()
        table = self.triage_table(name)
        source = self.store.alerts if name == "alerts" else self.store.devices
        marked = [k for k in table.view.keys if k in table.marked] if table.marked else []
        keys_ = marked or ([table.cursor_key] if table.cursor_key else [])
        items = tuple(item for k in keys_ if (item := source.get(k)) is not None)
        if not items:
            return None
        kind: Literal["device", "alert"] = "alert" if name == "alerts" else "device"
        return Selection(kind, items, marked=bool(marked))

    # ---- jumps -----------------------------------------------------------------------------

    def _here(self) -> JumpPoint:
        return JumpPoint(
            self.focused_table_name(),
            self.site_scope,
            self.device_table.cursor_key,
            self.alert_table.cursor_key,
        )

    def _remember(self) -> None:
        self.jump_history.append(self._here())
        del self.jump_history[:-HISTORY_LIMIT]

    def _show_scope(self, site_uid: str | None) -> None:
        if site_uid != self.site_scope:
            self._set_scope(site_uid)
            self.site_tree.select_site(site_uid)

    def _reveal(self, name: TableName, key: str, site_uid: str | None) -> None:
        """Make row ``key`` visible (scope, then filter) and put the cursor on it."""
        view = self.triage_view(name)
        if self.site_scope is not None and self.site_scope != site_uid:
            self._show_scope(site_uid)
        if view.index_of(key) is None and self.table_filters[name].is_active:
            self.set_table_filter(name, TableFilter())
            self.notify("Filter cleared to show it.", timeout=3, markup=False)
        if view.index_of(key) is None and self.site_scope is not None:
            self._show_scope(None)
        table = self.triage_table(name)
        table.focus()
        table.move_cursor(key=key)

    def jump_to_device(self, uid: str) -> bool:
        device = self.store.devices.get(uid)
        if device is None:
            self.notify("That device is not loaded (yet).", severity="warning", markup=False)
            return False
        self._remember()
        self._reveal("devices", uid, device.site_uid)
        return True

    def jump_to_alert(self, uid: str) -> bool:
        alert = self.store.alerts.get(uid)
        if alert is None:
            self.notify("That alert is no longer open.", severity="warning", markup=False)
            return False
        self._remember()
        self._reveal("alerts", uid, alert.site_uid)
        return True

    def jump_to_site(self, uid: str) -> bool:
        if uid not in self.store.sites:
            return False
        self._remember()
        self._show_scope(uid)
        self.device_table.focus()
        return True

    def action_jump(self) -> None:
        """``g``: from an alert to its device; from a device to its most severe alert."""
        if self.focused_table_name() == "alerts":
            alert = self.store.alerts.get(self.alert_table.cursor_key or "")
            if alert is None or not alert.device_uid:
                self.notify("No alert with a device under the cursor.", markup=False)
                return
            self.jump_to_device(alert.device_uid)
            return
        uid = self.device_table.cursor_key
        alerts = self.store.alerts_for_device(uid) if uid else []
        if not alerts:
            self.notify("This device has no open alerts.", markup=False)
            return
        self.jump_to_alert(alerts[0].alert_uid)

    def action_jump_back(self) -> None:
        """``ctrl+o``/backspace: back to where the last jump started."""
        if not self.jump_history:
            self.notify("Nothing to go back to.", timeout=2, markup=False)
            return
        point = self.jump_history.pop()
        self._show_scope(point.scope)
        for name, key in (("devices", point.device_key), ("alerts", point.alert_key)):
            if key is not None:
                self.triage_table(name).move_cursor(key=key)  # type: ignore[arg-type]
        self.triage_table(point.table).focus()


def _confirm_resolve_lines(alerts: Sequence[Alert]) -> list[str]:
    return [alert_label(a) for a in alerts]


class TriageApp(App[int]):
    """Base of the dashboard app (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = keys.APP_BINDINGS
    COMMANDS: ClassVar[set[type[Provider] | Any]] = App.COMMANDS | set(PROVIDERS)

    client: DattoClient
    store: Store
    clock: Clock
    profile: Profile
    read_only: bool
    wall: bool

    _components: list[Component] | None = None
    _toaster: AlertToaster | None = None
    _job_run: tuple[QuickJobRun, CancelToken] | None = None
    _job_view: JobRunScreen | None = None

    # ---- read-only -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only and wall modes remove mutating actions from keys, footer and help."""
        if action in keys.MUTATING_ACTIONS and self.read_only:
            return False
        if action in SELECTION_ACTIONS:
            # Only where there is a selection to act on (not on job results, wall views, ...).
            # Modals above do not count: the keys of the screen beneath stay as they were.
            under = next((s for s in reversed(self.screen_stack) if not s.is_modal), None)
            return isinstance(under, TriageScreen | AlertDetailScreen | DeviceDetailScreen)
        return True

    def _refuse_read_only(self) -> bool:
        if self.read_only:
            self.notify(keys.READ_ONLY_MESSAGE, severity="warning", markup=False)
            return True
        return False

    # ---- startup ---------------------------------------------------------------------------

    def triage_keymap_warnings(self, known: Iterable[str]) -> list[str]:
        """Binding ids of the profile's keymap that match nothing (reported at start)."""
        return keys.unknown_binding_ids(dict(self.profile.keys), known)

    @property
    def alert_toaster(self) -> AlertToaster:
        if self._toaster is None:
            self._toaster = AlertToaster(self, self.clock, bell=self.profile.bell)
        return self._toaster

    # ---- selection and navigation ----------------------------------------------------------

    @property
    def triage_screen(self) -> TriageScreen | None:
        """The main screen (bottom of the stack), when it is a :class:`TriageScreen`."""
        screen = self.screen_stack[0] if self.screen_stack else None
        return screen if isinstance(screen, TriageScreen) else None

    def triage_selection(self) -> Selection | None:
        screen = self.screen
        if isinstance(screen, AlertDetailScreen):
            alert = self.store.alerts.get(screen.alert.alert_uid, screen.alert)
            return Selection("alert", (alert,))
        if isinstance(screen, DeviceDetailScreen):
            device = self.store.devices.get(screen.device.uid, screen.device)
            return Selection("device", (device,))
        if isinstance(screen, TriageScreen):
            return screen.triage_selection()
        return None

    def goto(self, kind: str, uid: str) -> None:
        """Show ``kind`` (site/device/alert) ``uid`` on the main screen (from the palette)."""
        main = self.triage_screen
        if main is None:
            return
        while len(self.screen_stack) > 1 and self.screen is not main:
            self.pop_screen()
        if kind == "site":
            main.jump_to_site(uid)
        elif kind == "device":
            main.jump_to_device(uid)
        elif kind == "alert":
            main.jump_to_alert(uid)

    # ---- resolve ---------------------------------------------------------------------------

    def alerts_to_resolve(self, selection: Selection | None) -> list[Alert]:
        """Open alerts of the selection: the alerts themselves, or the devices' open alerts."""
        if selection is None:
            return []
        if selection.kind == "alert":
            return [a for a in selection.alerts if a.alert_uid in self.store.alerts]
        if selection.kind == "device":
            out: list[Alert] = []
            for device in selection.devices:
                out.extend(self.store.alerts_for_device(device.uid))
            return out
        return []

    def action_resolve_alerts(self) -> None:
        """``x``: confirm, then resolve the selected alerts (or the selected devices' alerts)."""
        if self._refuse_read_only():
            return
        alerts = self.alerts_to_resolve(self.triage_selection())
        if not alerts:
            self.notify("No open alert selected to resolve.", markup=False)
            return
        n = len(alerts)
        plural = "s" if n != 1 else ""
        screen = ConfirmScreen(
            f"Resolve {n} alert{plural}?",
            _confirm_resolve_lines(alerts),
            total=n,
            confirm_label=f"Resolve {n}",
            note=(
                "Each alert is resolved with its own request, paced within this app's share of "
                "the account's write limit. Resolved alerts leave the list at once; the next "
                "poll confirms. Nothing is retried."
            ),
        )

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.start_resolve(alerts)

        self.push_screen(screen, confirmed)

    def start_resolve(self, alerts: Sequence[Alert]) -> ResolveScreen | None:
        """Run the resolve of ``alerts`` (confirmed) with its progress dialog."""
        if self._refuse_read_only():
            return None
        token = CancelToken()
        screen = ResolveScreen(len(alerts), token)
        self.push_screen(screen)
        self._resolve_worker(list(alerts), screen, token)
        return screen

    @work(group="resolve", exit_on_error=False)
    async def _resolve_worker(
        self, alerts: list[Alert], screen: ResolveScreen, token: CancelToken
    ) -> None:
        def progress(p: ResolveProgress) -> None:
            screen.post_message(ResolveScreen.Progressed(p))

        try:
            outcomes = await resolve_alerts(
                self.client, self.store, alerts, clock=self.clock, cancel=token, progress=progress
            )
        except Exception as error:  # a bug, not a service answer: keep the app alive
            log.exception("resolving alerts failed")
            screen.post_message(ResolveScreen.Finished((), error=f"Stopped: {error!r}"))
            return
        screen.post_message(ResolveScreen.Finished(outcomes))
        failed = any(o.status.value in ("failed", "not sent") for o in outcomes)
        self.notify(
            summarise(outcomes),
            title="Resolve",
            severity="warning" if failed else "information",
            markup=False,
        )

    # ---- quick jobs ------------------------------------------------------------------------

    async def load_components(self) -> list[Component]:
        """The account's components, fetched once and kept."""
        if self._components is None:
            self._components = [c async for c in self.client.components()]
        return self._components

    def devices_for_job(self, selection: Selection | None) -> list[Device]:
        if selection is None:
            return []
        if selection.kind == "device":
            return selection.devices
        if selection.kind == "alert":
            seen: dict[str, Device] = {}
            for alert in selection.alerts:
                device = self.store.devices.get(alert.device_uid or "")
                if device is not None:
                    seen.setdefault(device.uid, device)
            return list(seen.values())
        return []

    def action_quick_job(self) -> None:
        """``J``: pick a component, fill its variables, confirm the devices, run, follow."""
        if self._refuse_read_only():
            return
        devices = self.devices_for_job(self.triage_selection())
        if not devices:
            self.notify("No device selected for a quick job.", markup=False)
            return
        reasons = [r for d in devices if (r := job_refusal(d)) is not None]
        if len(reasons) == len(devices):
            self.notify(
                f"None of the selected devices can run a job: {reasons[0]}.",
                severity="warning",
                markup=False,
            )
            return
        self._quick_job_flow(devices)

    @work(group="quick-job-flow", exclusive=True, exit_on_error=False)
    async def _quick_job_flow(self, devices: list[Device]) -> None:
        n = len(devices)
        component = await self.push_screen_wait(
            ComponentPickerScreen(self.load_components, devices=n)
        )
        if component is None:
            return
        form = await self.push_screen_wait(QuickJobFormScreen(component, devices=n))
        if form is None:
            return
        run = QuickJobRun.start(
            QuickJobPlan(component, form.job_name, dict(form.variables), tuple(devices))
        )
        runnable = [j for j in run.jobs if j.state is not JobState.REFUSED]
        refused = [j for j in run.jobs if j.state is JobState.REFUSED]
        lines: list[Text | str] = [j.hostname for j in runnable]
        lines.extend(Text(f"{j.hostname} — refused: {j.reason}", "dim") for j in refused)
        name = clean_line(component.name or component.uid, 60)
        count = len(runnable)
        note = "One request per device, paced within the write budget; never retried."
        offline = [d for d in devices if d.online is False and job_refusal(d) is None]
        if offline:
            note += f" {len(offline)} offline: their jobs wait until they come online."
        ok = await self.push_screen_wait(
            ConfirmScreen(
                f"Run '{clean_line(form.job_name, 60)}'"
                + (f" ({name})" if clean_line(form.job_name, 60) != name else "")
                + f" on {count} device{'s' if count != 1 else ''}?",
                lines,
                total=len(lines),
                confirm_label=f"Run on {count}",
                note=note,
            )
        )
        if not ok or self._refuse_read_only():
            return
        self.start_quick_job(run)

    def start_quick_job(self, run: QuickJobRun) -> JobRunScreen | None:
        """Send a confirmed run and show it; the run is followed by an app worker."""
        if self._refuse_read_only():
            return None
        token = CancelToken()
        self._job_run = (run, token)
        screen = JobRunScreen(run, token)
        self._job_view = screen
        self.push_screen(screen)
        self._job_worker(run, token)
        return screen

    @work(group="quick-job", exit_on_error=False)
    async def _job_worker(self, run: QuickJobRun, token: CancelToken) -> None:
        def changed(job: DeviceJob) -> None:
            view = self._job_view
            if view is not None and view.job_run is run:
                view.post_message(JobRunScreen.JobChanged(replace(job)))

        error: str | None = None
        try:
            await run_quick_job(self.client, run, clock=self.clock, cancel=token, on_change=changed)
        except Exception as exc:  # a bug, not a service answer: keep the app alive
            log.exception("the quick job run failed")
            error = f"Stopped: {exc!r}"
        view = self._job_view
        if view is not None and view.job_run is run:
            view.post_message(JobRunScreen.RunFinished(error))
        counts = ", ".join(f"{n} {k.lower()}" for k, n in sorted(run.counts().items()))
        self.notify(
            f"Quick job '{clean_line(run.plan.job_name, 40)}': {counts}",
            title="Quick job",
            markup=False,
        )

    def action_show_last_job(self) -> None:
        """Show the last quick job run again (it keeps running when its screen is closed)."""
        if self._job_run is None:
            self.notify("No quick job has run yet.", markup=False)
            return
        run, token = self._job_run
        screen = JobRunScreen(run, token)
        self._job_view = screen
        self.push_screen(screen)

    # ---- portal and clipboard --------------------------------------------------------------

    def action_open_portal(self) -> None:
        """``o``: open the selected device, alert or site in the Datto portal."""
        selection = self.triage_selection()
        if selection is None:
            self.notify("Nothing selected to open.", markup=False)
            return
        item = selection.items[0]
        url = portal_link(item, self.client.portal_url)
        if url is None:
            self.notify("No portal link is known for this record.", markup=False)
            return
        open_link(self, url, f"this {selection.kind}")

    def action_copy_menu(self) -> None:
        """``c``: choose what to copy of the selection."""
        selection = self.triage_selection()
        if selection is None:
            self.notify("Nothing selected to copy.", markup=False)
            return
        choices = copy_choices(selection.items, self.client.portal_url)
        if not choices:
            self.notify("Nothing to copy here.", markup=False)
            return
        n = len(selection.items)
        title = f"{n} {selection.kind}s" if n > 1 else selection.kind

        def chosen(choice: CopyChoice | None) -> None:
            if choice is not None:
                copy_text(self, choice.label, choice.value)

        self.push_screen(CopyScreen(title, choices), chosen)

    def copy_field(self, letter: str) -> bool:
        """Copy one field of the selection without the menu (palette commands)."""
        selection = self.triage_selection()
        if selection is None:
            return False
        for choice in copy_choices(selection.items, self.client.portal_url):
            if choice.letter == letter:
                copy_text(self, choice.label, choice.value)
                return True
        return False

    # ---- palette ---------------------------------------------------------------------------

    def _copy_command(self, letter: str) -> Callable[[], None]:
        def run() -> None:
            if not self.copy_field(letter):
                self.notify("Nothing of that kind to copy here.", markup=False)

        return run

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from self.triage_commands(screen)

    def triage_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The triage actions by name; mutating ones only when allowed."""
        main = self.triage_screen

        def screen_action(name: str) -> Any:
            async def run() -> None:
                if main is not None:
                    while len(self.screen_stack) > 1 and self.screen is not main:
                        self.pop_screen()
                    await main.run_action(name)

            return run

        if not self.read_only:
            yield SystemCommand(
                "Resolve selected alerts", "Confirm, then resolve (x)", self.action_resolve_alerts
            )
            yield SystemCommand(
                "Quick job on selected devices", "Run a component (J)", self.action_quick_job
            )
        yield SystemCommand(
            "Open in the Datto portal", "The selected device, alert or site (o)",
            self.action_open_portal,
        )  # fmt: skip
        yield SystemCommand("Copy…", "Hostname, UID, IP or link (c)", self.action_copy_menu)
        for letter, what in (("h", "hostname"), ("u", "UID"), ("i", "internal IP")):
            yield SystemCommand(
                f"Copy {what}", f"Of the selection (c then {letter})",
                self._copy_command(letter), discover=False,
            )  # fmt: skip
        yield SystemCommand(
            "Show the last quick job", "Its devices and output", self.action_show_last_job,
            discover=self._job_run is not None,
        )  # fmt: skip
        if main is not None:
            yield SystemCommand("Filter the table", "Type a filter (/)", screen_action("filter"))
            yield SystemCommand(
                "Toggle: only offline devices", "(O)", screen_action("toggle_offline")
            )
            yield SystemCommand(
                "Toggle: only devices with open alerts", "(A)", screen_action("toggle_with_alerts")
            )
            yield SystemCommand(
                "Cycle the alert priority threshold", "Critical, High+, Moderate+, all (P)",
                screen_action("cycle_priority"),
            )  # fmt: skip
            yield SystemCommand(
                "Go to the device of the alert", "Or the device's top alert (g)",
                screen_action("jump"),
            )  # fmt: skip
            yield SystemCommand("Jump back", "(ctrl+o)", screen_action("jump_back"))
