"""Records the fake world is made of.

Records hold what the simulation changes and what lists filter or sort on; everything else about
a device (addresses, hardware, patch and antivirus state, UDFs) is derived on demand from its
``seed`` (see :mod:`datto_tui.fakeapi.traits`), which keeps 100,000 devices cheap. Times are epoch
milliseconds, as on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Profile:
    """A kind of device: its class and type as the service reports them."""

    key: str
    device_class: str
    category: str
    weight: float


PROFILES: tuple[Profile, ...] = (
    Profile("desktop", "device", "Desktop", 38.0),
    Profile("laptop", "device", "Laptop", 30.0),
    Profile("server", "device", "Server", 7.0),
    Profile("mac", "device", "Laptop", 7.0),
    Profile("linux", "device", "Server", 2.0),
    Profile("esxi", "esxihost", "ESXi Host", 1.0),
    Profile("printer", "printer", "Printer", 5.0),
    Profile("network", "rmmnetworkdevice", "Network Device", 8.0),
    Profile("unknown", "unknown", "Unknown", 2.0),
)
PROFILE_INDEX: dict[str, int] = {p.key: i for i, p in enumerate(PROFILES)}


@dataclass(slots=True)
class AccountRec:
    id: int
    uid: str
    name: str
    currency: str
    billing_email: str
    device_limit: int
    time_zone: str


@dataclass(slots=True)
class SiteRec:
    """A site. ``system`` is ``"managed"`` or ``"deleted"`` for the two system sites."""

    index: int
    id: int
    uid: str
    name: str
    description: str | None
    notes: str | None
    on_demand: bool
    splashtop_auto_install: bool
    proxy: dict[str, Any] | None
    autotask_name: str | None
    autotask_id: str | None
    prefix: str
    domain: str | None
    ext_ip: str
    created_ms: int
    system: str | None = None
    device_ixs: list[int] = field(default_factory=list)
    online_count: int = 0
    variables: list[VariableRec] = field(default_factory=list)


@dataclass(slots=True)
class DeviceRec:
    """A device. ``ix`` is its position in ``World.device_list`` (sorted by ``id``)."""

    ix: int
    id: int
    uid: str
    site: int
    hostname: str
    profile: int
    os: str | None
    display_version: str | None
    seed: int
    online: bool
    last_seen_ms: int
    created_ms: int
    deleted: bool = False
    token: int = 0
    offline_alert: str | None = None
    overrides: dict[str, Any] | None = None


@dataclass(slots=True)
class AlertRec:
    """An alert; ``device`` is the index of its device in ``World.device_list``."""

    seq: int
    uid: str
    device: int
    priority: str
    context: dict[str, Any]
    diagnostics: str
    timestamp_ms: int
    resolve_at_ms: int | None
    muted: bool
    sends_emails: bool
    creates_ticket: bool
    ticket_number: str | None
    autoresolve_mins: int | None
    response_actions: list[dict[str, Any]]
    resolved: bool = False
    resolved_on_ms: int | None = None
    resolved_by: str | None = None


@dataclass(slots=True)
class VariableRec:
    id: int
    name: str
    value: str
    masked: bool


@dataclass(slots=True)
class ComponentRec:
    id: int
    uid: str
    name: str
    description: str
    category_code: str
    credentials_required: bool
    variables: list[dict[str, Any]]


@dataclass(slots=True)
class UserRec:
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    telephone: str | None
    status: str
    created_ms: int
    last_access_ms: int | None
    disabled: bool


@dataclass(slots=True)
class FilterRec:
    """A device filter; ``rule`` names the predicate in :mod:`datto_tui.fakeapi.queries`."""

    id: int
    name: str
    description: str
    type: str
    rule: str
    arg: str
    created_ms: int
    updated_ms: int
    site: int | None = None


@dataclass(slots=True)
class JobRec:
    """A quick job on one device; its progress is computed from the clock, never stored."""

    id: int
    uid: str
    name: str
    device: int
    component: int
    variables: list[dict[str, str]]
    created_ms: int
    start_delay_ms: int
    duration_ms: int
    outcome: str
    warnings: int
    device_online_at_create: bool


@dataclass(slots=True)
class ActivityRec:
    id: str
    entity: str
    category: str
    action: str
    date_ms: int
    site: int | None
    device: int | None
    user: int | None
    details: str
    has_stdout: bool
    has_stderr: bool
