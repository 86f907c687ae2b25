"""One alert: what, where, since when; its context fields by kind; response actions; and a
summary of its device with a key to jump to the device's own screen.

Context kinds (``@class``) are an open set: known kinds show their documented fields first with
readable labels, every other field follows as key/value, and unknown kinds show all fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from datto_tui.api.models import Alert, AlertContext, Device
from datto_tui.text import clean_line
from datto_tui.tui.fmt import timestamp, when, yes_no
from datto_tui.tui.screens.device_detail import DeviceDetailScreen, online_text
from datto_tui.tui.screens.source import DetailSource
from datto_tui.tui.widgets.fields import Block, Field, FieldsPanel

# Labels of context field names where the plain de-camel-cased name reads badly.
FIELD_LABELS: dict[str, str] = {
    "diskName": "Disk",
    "diskNameDesignation": "Disk label",
    "freeSpace": "Free space",
    "totalVolume": "Total volume",
    "unitOfMeasure": "Unit",
    "processName": "Process",
    "serviceName": "Service",
    "productName": "Product",
    "logName": "Log",
    "code": "Event ID",
    "triggerCount": "Trigger count",
    "lastTriggered": "Last triggered",
    "causedSuspension": "Caused suspension",
    "instanceName": "Target",
    "roundtripTime": "Round trip (ms)",
    "displayName": "Name",
    "currentValue": "Current value",
    "responseValue": "Response value",
    "ruleName": "Rule",
    "packageName": "Package",
    "actionType": "Action",
    "prevVersion": "Previous version",
    "confidenceFactor": "Confidence",
    "errorMessage": "Error",
    "esAlertId": "Security alert ID",
    "ipAddress": "IP address",
    "macAddress": "MAC address",
    "currentLevel": "Current level",
    "markerSupplyIndex": "Supply index",
    "oid": "OID",
    "OID": "OID",
    "patchUid": "Patch UID",
    "policyUid": "Policy UID",
    "virusName": "Virus",
    "infectedFiles": "Infected files",
    "objectType": "Object type",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def field_label(key: str) -> str:
    """``freeSpace`` -> ``Free space`` (with overrides for the documented fields)."""
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    words = _CAMEL.sub(" ", key).replace("_", " ").strip()
    return (words[:1].upper() + words[1:].lower()) if words else key


def value_text(value: Any) -> str:
    """A context value as text: mappings as ``key: value`` lines, lists one item per line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Mapping):
        return "\n".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(value_text(v) for v in value)
    return str(value)


def context_fields(context: AlertContext, *, label_known: bool = True) -> list[Field]:
    """Known kinds: documented fields first, with labels; then the rest; unknown: raw keys."""
    fields = dict(context.fields)
    out: list[Field] = [("Kind", context.kind or "—")]
    if context.is_known and label_known and context.kind is not None:
        for key in AlertContext.KNOWN[context.kind][1]:
            if key in fields:
                out.append((field_label(key), Block(value_text(fields.pop(key)))))
        out.extend((field_label(k), Block(value_text(v))) for k, v in fields.items())
    else:
        out.extend((clean_line(k, 40), Block(value_text(v))) for k, v in fields.items())
    return out


def alert_fields(alert: Alert, now: datetime) -> list[Field]:
    raised = when(alert.timestamp, now) if alert.timestamp else None
    if alert.resolved:
        state = f"resolved by {alert.resolved_by or '?'} {timestamp(alert.resolved_on)}"
    else:
        state = "open"
    return [
        ("Priority", Text(clean_line(alert.priority or "Unknown", 20), "bold")),
        ("Type", alert.context.label),
        ("Raised", raised),
        ("State", state),
        ("Diagnostics", Block(alert.diagnostics) if alert.diagnostics else None),
        ("Muted", yes_no(alert.muted)),
        ("Ticket", alert.ticket_number),
        ("Auto-resolve", f"{alert.autoresolve_mins} min" if alert.autoresolve_mins else None),
        ("Sends emails", yes_no(alert.sends_emails)),
        ("Creates ticket", yes_no(alert.creates_ticket)),
        ("UID", alert.alert_uid),
    ]


def response_text(alert: Alert) -> Text:
    if not alert.response_actions:
        return Text("No response actions.", "dim")
    out = Text(end="")
    for i, action in enumerate(alert.response_actions):
        if i:
            out.append("\n")
        out.append(f"{timestamp(action.action_time):<22}", "dim")
        kind = clean_line(action.action_type or "?", 24).replace("_", " ").capitalize()
        out.append(f"{kind:<24} ")
        out.append(clean_line(action.description or "", 200))
        if action.action_reference:
            out.append(f"  [{clean_line(action.action_reference, 60)}]", "dim")
    return out


def device_fields(alert: Alert, device: Device | None, now: datetime) -> list[Field]:
    if device is None:
        return [
            ("Hostname", alert.device_name),
            ("Site", alert.site_name),
            ("Device", Text("not in the live model (yet)", "dim")),
        ]
    seen = when(device.last_seen, now) if device.last_seen else None
    return [
        ("Hostname", device.hostname),
        ("Site", device.site_name),
        ("State", online_text(device.online)),
        ("Last seen", seen),
        ("OS", device.operating_system),
        ("Internal IP", device.int_ip_address),
        ("Last user", device.last_logged_in_user),
    ]


class AlertDetailScreen(Screen[None]):
    """One alert. Esc/q returns; ``d`` opens the device's detail screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="detail.close"),
        Binding("d", "open_device", "Device", id="detail.device"),
    ]

    def __init__(self, source: DetailSource, alert: Alert) -> None:
        super().__init__(classes="detail-screen")
        self._source = source
        self._alert = alert

    @property
    def alert(self) -> Alert:
        return self._alert

    def compose(self) -> ComposeResult:
        now = self._source.clock.now()
        alert = self._alert
        device = self._source.device(alert.device_uid) if alert.device_uid else None
        yield Static(self._title(), id="detail-title")
        with VerticalScroll(id="detail-body"):
            with Grid(id="detail-grid", classes="two-col"):
                yield FieldsPanel("Alert", alert_fields(alert, now), id="alert-main")
                yield FieldsPanel(
                    f"Context · {alert.context.label}",
                    context_fields(alert.context),
                    id="alert-context",
                )
            yield FieldsPanel("Response actions", (), id="alert-responses", classes="wide-panel")
            yield FieldsPanel(
                "Device (d to open)",
                device_fields(alert, device, now),
                id="alert-device",
                classes="wide-panel",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#alert-responses", FieldsPanel).set_text(response_text(self._alert))
        self.query_one("#detail-body").focus()

    def _title(self) -> Text:
        a = self._alert
        text = Text("Alert  ", "bold")
        text.append(clean_line(a.priority or "Unknown", 20), "bold")
        text.append(f"  ·  {clean_line(a.context.label, 40)}")
        if a.device_name:
            text.append(f"  ·  {clean_line(a.device_name, 60)}")
        if a.site_name:
            text.append(f"  ·  {clean_line(a.site_name, 60)}")
        text.append("  ·  times in UTC", "dim")
        return text

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open_device(self) -> None:
        uid = self._alert.device_uid
        device = self._source.device(uid) if uid else None
        if device is None:
            self.notify("This alert's device is not loaded yet.", severity="warning", markup=False)
            return
        self.app.push_screen(DeviceDetailScreen(self._source, device))
