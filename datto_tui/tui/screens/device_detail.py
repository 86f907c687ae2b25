"""Everything about one device: identity, network, status, patch, antivirus, agent, its open
alerts, UDFs (masked until revealed), links, and the hardware audit on demand.

The audit is fetched in a worker (``a``); the worker posts the result as a message and the
handler renders it. Devices whose class has no audit (printers, network devices) answer 400
(``BadRequest``): shown as a note, not an error.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from datto_tui.api.errors import BadRequest, DattoError, NotFound
from datto_tui.api.models import MASK, Alert, Device, DeviceAudit
from datto_tui.monitor.view import humanise
from datto_tui.text import clean_line
from datto_tui.tui.fmt import age_between, count, size_bytes, when, yes_no
from datto_tui.tui.screens.source import DetailSource
from datto_tui.tui.widgets.fields import Block, Field, FieldsPanel


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return ""
    return when(value, now)


def online_text(online: bool | None) -> Text:
    if online is None:
        return Text("unknown", "dim")
    return Text("online") if online else Text("OFFLINE", "bold")


def device_sections(device: Device, now: datetime) -> dict[str, list[Field]]:
    """The grouped fields of a device (titles in display order)."""
    d = device
    category = " / ".join(x for x in (d.device_category, d.device_type) if x)
    return {
        "Identity": [
            ("Hostname", d.hostname),
            ("Description", d.description),
            ("Site", d.site_name),
            ("Domain", d.domain),
            ("Type", category),
            ("Class", d.device_class),
            ("Created", _when(d.creation_date, now)),
            ("UID", d.uid),
            ("ID", str(d.id) if d.id is not None else None),
        ],
        "Status": [
            ("State", online_text(d.online)),
            ("Last seen", _when(d.last_seen, now)),
            ("Last reboot", _when(d.last_reboot, now)),
            ("Reboot required", yes_no(d.reboot_required)),
            ("Suspended", yes_no(d.suspended)),
            ("Deleted", yes_no(d.deleted)),
            ("Last audit", _when(d.last_audit_date, now)),
            ("Software", humanise(d.software_status)),
            ("Warranty", d.warranty_date),
        ],
        "Network": [
            ("Internal IP", d.int_ip_address),
            ("External IP", d.ext_ip_address),
            ("Last user", d.last_logged_in_user),
            ("SNMP", yes_no(d.snmp_enabled)),
            ("Network probe", yes_no(d.network_probe)),
            ("Via net. monitor", yes_no(d.onboarded_via_network_monitor)),
        ],
        "Patch": [
            ("Status", humanise(d.patch_status)),
            ("Approved pending", count(d.patches_approved_pending)),
            ("Not approved", count(d.patches_not_approved)),
            ("Installed", count(d.patches_installed)),
        ],
        "Antivirus": [
            ("Product", d.antivirus_product),
            ("Status", humanise(d.antivirus_status)),
        ],
        "Agent": [
            ("OS", d.operating_system),
            ("64-bit", yes_no(d.a64_bit)),
            ("Agent version", d.cag_version),
            ("Display version", d.display_version),
        ],
    }


def alert_lines(alerts: list[Alert], now: datetime) -> Text:
    """One line per open alert: priority, age, type, diagnostics."""
    if not alerts:
        return Text("No open alerts.", "dim")
    out = Text(end="")
    for i, alert in enumerate(alerts):
        if i:
            out.append("\n")
        out.append(f"{clean_line(alert.priority or 'Unknown', 12):<12}", "bold")
        out.append(f"{age_between(alert.timestamp, now):>9}  ")
        out.append(f"{clean_line(alert.context.label, 24):<24} ")
        out.append(clean_line(alert.diagnostics or alert.context.summary(), 160))
    return out


def udf_fields(device: Device, reveal: bool) -> list[Field]:
    if not device.udf:
        return [("UDFs", Text("none set", "dim"))]
    return [(name, device.udf[name] if reveal else MASK) for name in device.udf]


def audit_fields(audit: DeviceAudit) -> list[Field]:
    disks = [
        f"{clean_line(d.identifier or d.description or '?', 20)} "
        f"{size_bytes(d.free_space)} free of {size_bytes(d.size)}"
        for d in audit.logical_disks
    ]
    return [
        ("Manufacturer", audit.manufacturer),
        ("Model", audit.model),
        ("Serial", audit.serial_number),
        ("Processors", Block("\n".join(audit.processors))),
        ("CPU cores", count(audit.total_cpu_cores)),
        ("Memory", size_bytes(audit.total_physical_memory)),
        (".NET", audit.dot_net_version),
        ("User", audit.username),
        ("Disks", Block("\n".join(disks))),
        ("MAC addresses", Block("\n".join(audit.mac_addresses))),
    ]


class DeviceDetailScreen(Screen[None]):
    """One device. Esc/q returns; ``u`` reveals UDFs; ``a`` loads the hardware audit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="detail.close"),
        Binding("u", "reveal_udfs", "Reveal UDFs", id="detail.reveal_udfs"),
        Binding("a", "audit", "Audit", id="detail.audit"),
    ]

    class AuditLoaded(Message):
        """The audit worker's outcome: an audit, or a message explaining why there is none."""

        def __init__(self, audit: DeviceAudit | None, note: str | None, failed: bool) -> None:
            super().__init__()
            self.audit = audit
            self.note = note
            self.failed = failed

    def __init__(self, source: DetailSource, device: Device) -> None:
        super().__init__(classes="detail-screen")
        self._source = source
        self._device = device
        self._reveal = False
        self._audit_state = "idle"

    @property
    def device(self) -> Device:
        return self._device

    @property
    def udfs_revealed(self) -> bool:
        return self._reveal

    def compose(self) -> ComposeResult:
        now = self._source.clock.now()
        d = self._device
        yield Static(self._title(), id="detail-title")
        with VerticalScroll(id="detail-body"):
            with Grid(id="detail-grid"):
                for title, fields in device_sections(d, now).items():
                    yield FieldsPanel(title, fields, classes=f"section-{title.lower()}")
            yield FieldsPanel("Open alerts", (), id="device-alerts", classes="wide-panel")
            with Grid(id="detail-grid-2"):
                yield FieldsPanel("UDFs", udf_fields(d, False), id="device-udfs")
                yield FieldsPanel("Links", self._links(), id="device-links")
            yield FieldsPanel(
                "Hardware audit",
                [("Audit", Text("press a to load the hardware audit", "dim"))],
                id="device-audit",
                classes="wide-panel",
            )
        yield Footer()

    def on_mount(self) -> None:
        self._show_alerts()
        self.query_one("#detail-body").focus()

    def _title(self) -> Text:
        d = self._device
        text = Text("Device  ", "bold")
        text.append(clean_line(d.hostname or d.uid, 80), "bold")
        if d.site_name:
            text.append(f"  ·  {clean_line(d.site_name, 60)}")
        text.append("  ·  ")
        text.append_text(online_text(d.online))
        text.append("  ·  times in UTC", "dim")
        return text

    def _links(self) -> list[Field]:
        base = self._source.portal_url
        return [
            ("Portal", self._device.portal_url or base),
            ("Web remote", self._device.web_remote_url),
        ]

    def _show_alerts(self) -> None:
        alerts = self._source.device_alerts(self._device.uid)
        panel = self.query_one("#device-alerts", FieldsPanel)
        panel.set_title(f"Open alerts ({len(alerts)})")
        panel.set_text(alert_lines(alerts, self._source.clock.now()))

    def refresh_device(self) -> None:
        """Re-read the device and its alerts from the live model (called after a poll)."""
        device = self._source.device(self._device.uid)
        if device is not None and device != self._device:
            self._device = device
            now = self._source.clock.now()
            for title, fields in device_sections(device, now).items():
                self.query_one(f".section-{title.lower()}", FieldsPanel).set_fields(fields)
            self.query_one("#detail-title", Static).update(self._title())
            self.query_one("#device-udfs", FieldsPanel).set_fields(udf_fields(device, self._reveal))
        self._show_alerts()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reveal_udfs(self) -> None:
        self._reveal = not self._reveal
        panel = self.query_one("#device-udfs", FieldsPanel)
        panel.set_fields(udf_fields(self._device, self._reveal))
        panel.set_title("UDFs (revealed)" if self._reveal else "UDFs")

    def action_audit(self) -> None:
        if self._audit_state == "loading":
            return
        self._audit_state = "loading"
        self.query_one("#device-audit", FieldsPanel).set_fields(
            [("Audit", Text("loading…", "dim"))]
        )
        self.load_audit()

    @work(group="audit", exclusive=True, exit_on_error=False)
    async def load_audit(self) -> None:
        """Fetch the audit; the outcome travels as :class:`AuditLoaded`."""
        try:
            audit = await self._source.fetch_audit(self._device.uid)
        except BadRequest:
            cls = clean_line(self._device.device_class or "this device", 40)
            note = f"No hardware audit for {cls} (the service has none for this class)."
            self.post_message(self.AuditLoaded(None, note, failed=False))
        except NotFound:
            self.post_message(self.AuditLoaded(None, "No audit found for this device.", False))
        except DattoError as error:
            self.post_message(self.AuditLoaded(None, f"Audit failed: {error}", failed=True))
        else:
            self.post_message(self.AuditLoaded(audit, None, failed=False))

    def on_device_detail_screen_audit_loaded(self, message: AuditLoaded) -> None:
        panel = self.query_one("#device-audit", FieldsPanel)
        if message.audit is not None:
            self._audit_state = "loaded"
            panel.set_fields(audit_fields(message.audit))
        else:
            self._audit_state = "failed" if message.failed else "none"
            panel.set_fields([("Audit", Text(clean_line(message.note, 300), "dim"))])
