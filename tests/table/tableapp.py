"""A tiny app around VirtualTable for Pilot and snapshot tests (deterministic data and time)."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.message import Message

from datto_tui.api.models import Alert, Device
from datto_tui.clock import FakeClock
from datto_tui.monitor.view import TableView, alert_view, device_view
from datto_tui.tui.widgets.virtual_table import VirtualTable

from .synth import EPOCH, make_alerts, make_devices

HOSTILE_HOST = "[/]evil\x1b]0;pwned\x07[bold]"


def demo_devices(n: int = 200) -> dict[str, Device]:
    devices = make_devices(n, seed=21, sites=12)
    first = sorted(devices.values(), key=lambda d: (d.hostname or "").lower())[0]
    devices[first.uid] = dataclasses.replace(first, hostname=HOSTILE_HOST, site_name="[red]x[/]")
    return devices


def alert_counts(alerts: dict[str, Alert]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for alert in alerts.values():
        if alert.device_uid:
            counts[alert.device_uid] = counts.get(alert.device_uid, 0) + 1
    return counts


class TableApp(App[None]):
    """One device table, optionally an alert table under it; records the table messages."""

    CSS = "VirtualTable { height: 1fr; }"

    def __init__(self, devices: int = 200, *, alerts: int = 0) -> None:
        super().__init__()
        self.clock = FakeClock(EPOCH.timestamp())
        self.devices = demo_devices(devices)
        self.alerts = make_alerts(self.devices, alerts, seed=5) if alerts else {}
        counts = alert_counts(self.alerts)
        self.device_view: TableView[Device] = device_view(
            self.devices, alert_count=lambda uid: counts.get(uid, 0), clock=self.clock
        )
        self.alert_view: TableView[Alert] = alert_view(self.alerts, clock=self.clock)
        new = set(sorted(self.alerts)[:3])
        self.messages: list[Message] = []
        self.table = VirtualTable(self.device_view, clock=self.clock, id="devices")
        self.alert_table = VirtualTable(
            self.alert_view, clock=self.clock, id="alerts", is_new=new.__contains__
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.table
            if self.alerts:
                yield self.alert_table

    def on_mount(self) -> None:
        self.table.focus()

    def _record(self, message: Any) -> None:
        self.messages.append(message)

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self._record(message)

    def on_virtual_table_selected(self, message: VirtualTable.Selected) -> None:
        self._record(message)

    def on_virtual_table_marks_changed(self, message: VirtualTable.MarksChanged) -> None:
        self._record(message)

    def on_virtual_table_sort_changed(self, message: VirtualTable.SortChanged) -> None:
        self._record(message)
