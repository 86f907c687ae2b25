"""Typed, immutable views of the service's records, parsed leniently.

Every ``from_api`` classmethod accepts any JSON value: a missing field, a null, a value of the
wrong type or an unknown enum member never raises; it becomes ``None`` (or the raw string, for
enums, which the service keeps extending). Timestamps become aware UTC datetimes whatever their
wire form. ``to_api`` renders a record back with the API's own field names and wire types
(epoch-millisecond timestamps), so exports round-trip with other Datto tooling.

UDF values are kept but masked: :class:`Udfs` never shows a value in ``repr``/``str``, and
``to_api`` masks them unless asked not to.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any, ClassVar

from datto_tui.api.coerce import (
    as_bool,
    as_datetime,
    as_dict,
    as_epoch_ms_datetime,
    as_float,
    as_int,
    as_list,
    as_str,
    to_epoch_ms,
)

MASK = "••••••"

_second = itemgetter(1)

# Priorities from most to least severe; the service may send others (kept as given, ranked last).
PRIORITIES: tuple[str, ...] = ("Critical", "High", "Moderate", "Low", "Information", "Unknown")


def priority_rank(priority: str | None) -> int:
    """0 for Critical ... 5 for Unknown; unknown or missing priorities rank after all of them."""
    if priority is None:
        return len(PRIORITIES)
    try:
        return PRIORITIES.index(priority.capitalize())
    except ValueError:
        return len(PRIORITIES)


# ---------------------------------------------------------------------------------------------
# Account and system


@dataclass(frozen=True, slots=True)
class Account:
    id: int | None
    uid: str | None
    name: str | None
    currency: str | None
    device_limit: int | None
    time_zone: str | None
    number_of_devices: int | None
    number_of_online_devices: int | None
    number_of_offline_devices: int | None

    @classmethod
    def from_api(cls, data: Any) -> Account:
        d = as_dict(data)
        desc = as_dict(d.get("descriptor"))
        status = as_dict(d.get("devicesStatus"))
        return cls(
            id=as_int(d.get("id")),
            uid=as_str(d.get("uid")),
            name=as_str(d.get("name")),
            currency=as_str(d.get("currency")),
            device_limit=as_int(desc.get("deviceLimit")),
            time_zone=as_str(desc.get("timeZone")),
            number_of_devices=as_int(status.get("numberOfDevices")),
            number_of_online_devices=as_int(status.get("numberOfOnlineDevices")),
            number_of_offline_devices=as_int(status.get("numberOfOfflineDevices")),
        )


@dataclass(frozen=True, slots=True)
class OperationRate:
    limit: int | None
    count: int | None


@dataclass(frozen=True, slots=True)
class RequestRate:
    """``GET /v2/system/request_rate``: the account-wide use of the API by every integration."""

    window_seconds: int | None
    account_uid: str | None
    account_count: int | None
    account_rate_limit: int | None
    account_cutoff_ratio: float | None
    account_write_count: int | None
    account_write_rate_limit: int | None
    operations: Mapping[str, OperationRate]

    @classmethod
    def from_api(cls, data: Any) -> RequestRate:
        d = as_dict(data)
        ops: dict[str, OperationRate] = {}
        for name, value in as_dict(d.get("operationWriteStatus")).items():
            v = as_dict(value)
            ops[str(name)] = OperationRate(as_int(v.get("limit")), as_int(v.get("count")))
        return cls(
            window_seconds=as_int(d.get("slidingTimeWindowSizeSeconds")),
            account_uid=as_str(d.get("accountUid")),
            account_count=as_int(d.get("accountCount")),
            account_rate_limit=as_int(d.get("accountRateLimit")),
            account_cutoff_ratio=as_float(d.get("accountCutOffRatio")),
            account_write_count=as_int(d.get("accountWriteCount")),
            account_write_rate_limit=as_int(d.get("accountWriteRateLimit")),
            operations=ops,
        )


@dataclass(frozen=True, slots=True)
class SystemStatus:
    version: str | None
    status: str | None
    started: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> SystemStatus:
        d = as_dict(data)
        return cls(as_str(d.get("version")), as_str(d.get("status")), as_datetime(d.get("started")))


# ---------------------------------------------------------------------------------------------
# Sites


@dataclass(frozen=True, slots=True)
class Site:
    id: int | None
    uid: str
    account_uid: str | None
    name: str | None
    description: str | None
    notes: str | None
    on_demand: bool | None
    splashtop_auto_install: bool | None
    number_of_devices: int | None
    number_of_online_devices: int | None
    number_of_offline_devices: int | None
    autotask_company_name: str | None
    autotask_company_id: str | None
    portal_url: str | None

    @property
    def is_deleted_devices(self) -> bool:
        """The system site that holds deleted devices (uid ``<accountUid>-00000000``)."""
        return self.uid.endswith("-00000000") or (self.name or "") == "Deleted Devices"

    @classmethod
    def from_api(cls, data: Any) -> Site:
        d = as_dict(data)
        status = as_dict(d.get("devicesStatus"))
        return cls(
            id=as_int(d.get("id")),
            uid=as_str(d.get("uid")) or "",
            account_uid=as_str(d.get("accountUid")),
            name=as_str(d.get("name")),
            description=as_str(d.get("description")),
            notes=as_str(d.get("notes")),
            on_demand=as_bool(d.get("onDemand")),
            splashtop_auto_install=as_bool(d.get("splashtopAutoInstall")),
            number_of_devices=as_int(status.get("numberOfDevices")),
            number_of_online_devices=as_int(status.get("numberOfOnlineDevices")),
            number_of_offline_devices=as_int(status.get("numberOfOfflineDevices")),
            autotask_company_name=as_str(d.get("autotaskCompanyName")),
            autotask_company_id=as_str(d.get("autotaskCompanyId")),
            portal_url=as_str(d.get("portalUrl")),
        )

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "accountUid": self.account_uid,
            "name": self.name,
            "description": self.description,
            "notes": self.notes,
            "onDemand": self.on_demand,
            "splashtopAutoInstall": self.splashtop_auto_install,
            "devicesStatus": {
                "numberOfDevices": self.number_of_devices,
                "numberOfOnlineDevices": self.number_of_online_devices,
                "numberOfOfflineDevices": self.number_of_offline_devices,
            },
            "autotaskCompanyName": self.autotask_company_name,
            "autotaskCompanyId": self.autotask_company_id,
            "portalUrl": self.portal_url,
        }


# ---------------------------------------------------------------------------------------------
# Devices


class Udfs(Mapping[str, str]):
    """User-defined fields ``udf1..udf300``, non-null values only.

    They can hold secrets (BitLocker keys, passwords), so nothing here ever prints a value:
    ``repr`` and ``str`` list the names only. Read a value explicitly with ``udfs["udf7"]``.

    Stored as one flat tuple ``(name, value, name, value, ...)`` in udf order, names and values
    interned: a device has a handful of fields, most values (department, contract, location)
    are shared by many devices, and a dict per device costs three times as much (about
    30 MB at 100k devices).
    """

    __slots__ = ("_flat",)

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._flat: tuple[str, ...] = _flatten(values.items() if values else ())

    @classmethod
    def from_api(cls, data: Any) -> Udfs:
        source = as_dict(data)
        # Hot path (a device page carries up to 300 udf keys per device, mostly null): drop the
        # falsy values at C speed, then convert the few survivors. False, 0 and 0.0 are falsy
        # but become "false"/"0" below, so a mapping holding one takes the slow path.
        if False in source.values():
            items: Iterable[tuple[str, Any]] = source.items()
        else:
            items = filter(_second, source.items())
        values: list[tuple[str, str]] = []
        for key, value in items:
            text = value if type(value) is str else as_str(value)
            if text is not None and text != "":
                values.append((str(key), text))
        if not values:
            return NO_UDFS
        udfs = cls.__new__(cls)
        udfs._flat = _flatten(values)
        return udfs

    def __getitem__(self, key: str) -> str:
        flat = self._flat
        for i in range(0, len(flat), 2):
            if flat[i] == key:
                return flat[i + 1]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._flat[0::2])

    def __len__(self) -> int:
        return len(self._flat) // 2

    def __eq__(self, other: object) -> bool:
        # The flat form is canonical (names unique, in udf order): equal mappings, equal tuples.
        return isinstance(other, Udfs) and self._flat == other._flat

    def __hash__(self) -> int:
        return hash(self._flat)

    def __repr__(self) -> str:
        return f"Udfs({', '.join(f'{k}={MASK}' for k in self)})"

    __str__ = __repr__

    def to_api(self, *, reveal: bool = False) -> dict[str, str]:
        flat = self._flat
        return {flat[i]: (flat[i + 1] if reveal else MASK) for i in range(0, len(flat), 2)}


def _flatten(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """``(name, value, ...)`` in udf order, each string interned (see :class:`Udfs`)."""
    intern = sys.intern
    flat: list[str] = []
    for name, value in sorted(pairs, key=_pair_order):
        flat.append(intern(str(name)))
        flat.append(intern(value) if type(value) is str else value)
    return tuple(flat)


def _pair_order(pair: tuple[str, str]) -> tuple[int, str]:
    return _udf_order(pair[0])


def _udf_order(name: str) -> tuple[int, str]:
    digits = name[3:] if name.startswith("udf") else ""
    return (int(digits), name) if digits.isdigit() else (10_000, name)


#: The UDFs of a device that has none (shared: most devices of most accounts).
NO_UDFS = Udfs()


@dataclass(frozen=True, slots=True)
class Device:
    id: int | None
    uid: str
    site_id: int | None
    site_uid: str | None
    site_name: str | None
    hostname: str | None
    description: str | None
    domain: str | None
    device_category: str | None  # deviceType.category, e.g. "Desktop", "Server"
    device_type: str | None  # deviceType.type
    device_class: str | None  # device | printer | esxihost | rmmnetworkdevice | unknown | ...
    int_ip_address: str | None
    ext_ip_address: str | None
    operating_system: str | None
    a64_bit: bool | None
    last_logged_in_user: str | None
    cag_version: str | None
    display_version: str | None
    online: bool | None
    suspended: bool | None
    deleted: bool | None
    reboot_required: bool | None
    last_seen: datetime | None
    last_reboot: datetime | None
    last_audit_date: datetime | None
    creation_date: datetime | None
    patch_status: str | None
    patches_approved_pending: int | None
    patches_not_approved: int | None
    patches_installed: int | None
    antivirus_product: str | None
    antivirus_status: str | None
    warranty_date: str | None
    software_status: str | None
    snmp_enabled: bool | None
    network_probe: bool | None
    onboarded_via_network_monitor: bool | None
    portal_url: str | None
    web_remote_url: str | None
    udf: Udfs = field(default=NO_UDFS, compare=True)

    @classmethod
    def from_api(cls, data: Any) -> Device:
        # Hot path: 250 devices per page, tens of thousands per sync. Each field takes the
        # common wire type directly and falls back to the lenient reader for anything else, so
        # the result is exactly what the coerce readers give, at about half the cost.
        d = as_dict(data)
        get = d.get
        dtype = as_dict(get("deviceType"))
        patch = as_dict(get("patchManagement"))
        av = as_dict(get("antivirus"))
        s, b, i = str, bool, int
        # Low-cardinality strings (site, OS, agent version, statuses) are shared, not copied
        # per device: about a third less memory for a large account.
        n = sys.intern
        v: Any
        return cls(
            id=v if type(v := get("id")) is i else as_int(v),
            uid=(v if type(v := get("uid")) is s else as_str(v)) or "",
            site_id=v if type(v := get("siteId")) is i else as_int(v),
            site_uid=n(v) if type(v := get("siteUid")) is s else as_str(v),
            site_name=n(v) if type(v := get("siteName")) is s else as_str(v),
            hostname=v if type(v := get("hostname")) is s else as_str(v),
            description=v if type(v := get("description")) is s else as_str(v),
            domain=n(v) if type(v := get("domain")) is s else as_str(v),
            device_category=n(v) if type(v := dtype.get("category")) is s else as_str(v),
            device_type=n(v) if type(v := dtype.get("type")) is s else as_str(v),
            device_class=n(v) if type(v := get("deviceClass")) is s else as_str(v),
            int_ip_address=v if type(v := get("intIpAddress")) is s else as_str(v),
            ext_ip_address=n(v) if type(v := get("extIpAddress")) is s else as_str(v),
            operating_system=n(v) if type(v := get("operatingSystem")) is s else as_str(v),
            a64_bit=v if type(v := get("a64Bit")) is b else as_bool(v),
            last_logged_in_user=v if type(v := get("lastLoggedInUser")) is s else as_str(v),
            cag_version=n(v) if type(v := get("cagVersion")) is s else as_str(v),
            display_version=n(v) if type(v := get("displayVersion")) is s else as_str(v),
            online=v if type(v := get("online")) is b else as_bool(v),
            suspended=v if type(v := get("suspended")) is b else as_bool(v),
            deleted=v if type(v := get("deleted")) is b else as_bool(v),
            reboot_required=v if type(v := get("rebootRequired")) is b else as_bool(v),
            last_seen=as_epoch_ms_datetime(get("lastSeen")),
            last_reboot=as_epoch_ms_datetime(get("lastReboot")),
            last_audit_date=as_epoch_ms_datetime(get("lastAuditDate")),
            creation_date=as_epoch_ms_datetime(get("creationDate")),
            patch_status=n(v) if type(v := patch.get("patchStatus")) is s else as_str(v),
            patches_approved_pending=(
                v if type(v := patch.get("patchesApprovedPending")) is i else as_int(v)
            ),
            patches_not_approved=(
                v if type(v := patch.get("patchesNotApproved")) is i else as_int(v)
            ),
            patches_installed=v if type(v := patch.get("patchesInstalled")) is i else as_int(v),
            antivirus_product=n(v) if type(v := av.get("antivirusProduct")) is s else as_str(v),
            antivirus_status=n(v) if type(v := av.get("antivirusStatus")) is s else as_str(v),
            warranty_date=n(v) if type(v := get("warrantyDate")) is s else as_str(v),
            software_status=n(v) if type(v := get("softwareStatus")) is s else as_str(v),
            snmp_enabled=v if type(v := get("snmpEnabled")) is b else as_bool(v),
            network_probe=v if type(v := get("networkProbe")) is b else as_bool(v),
            onboarded_via_network_monitor=(
                v if type(v := get("onboardedViaNetworkMonitor")) is b else as_bool(v)
            ),
            portal_url=v if type(v := get("portalUrl")) is s else as_str(v),
            web_remote_url=v if type(v := get("webRemoteUrl")) is s else as_str(v),
            udf=Udfs.from_api(get("udf")),
        )

    def to_api(self, *, reveal_udfs: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "siteId": self.site_id,
            "siteUid": self.site_uid,
            "siteName": self.site_name,
            "deviceType": {"category": self.device_category, "type": self.device_type},
            "hostname": self.hostname,
            "intIpAddress": self.int_ip_address,
            "extIpAddress": self.ext_ip_address,
            "operatingSystem": self.operating_system,
            "lastLoggedInUser": self.last_logged_in_user,
            "domain": self.domain,
            "cagVersion": self.cag_version,
            "displayVersion": self.display_version,
            "description": self.description,
            "a64Bit": self.a64_bit,
            "rebootRequired": self.reboot_required,
            "online": self.online,
            "suspended": self.suspended,
            "deleted": self.deleted,
            "lastSeen": to_epoch_ms(self.last_seen),
            "lastReboot": to_epoch_ms(self.last_reboot),
            "lastAuditDate": to_epoch_ms(self.last_audit_date),
            "creationDate": to_epoch_ms(self.creation_date),
            "udf": self.udf.to_api(reveal=reveal_udfs),
            "snmpEnabled": self.snmp_enabled,
            "deviceClass": self.device_class,
            "portalUrl": self.portal_url,
            "warrantyDate": self.warranty_date,
            "antivirus": {
                "antivirusProduct": self.antivirus_product,
                "antivirusStatus": self.antivirus_status,
            },
            "patchManagement": {
                "patchStatus": self.patch_status,
                "patchesApprovedPending": self.patches_approved_pending,
                "patchesNotApproved": self.patches_not_approved,
                "patchesInstalled": self.patches_installed,
            },
            "softwareStatus": self.software_status,
            "webRemoteUrl": self.web_remote_url,
            "networkProbe": self.network_probe,
            "onboardedViaNetworkMonitor": self.onboarded_via_network_monitor,
        }


class _IdLink:
    """Where a device URL ends in the device's id (``https://x.rmm.datto.com/device/1227083``
    and its ``/webremote`` twin): the shared text around the id, one object per platform."""

    __slots__ = ("head", "tail")

    def __init__(self, head: str, tail: str) -> None:
        self.head = head
        self.tail = tail


_ID_LINKS: dict[tuple[str, str], _IdLink] = {}
#: Longest text after the id that is still shared (``/webremote``).
_LINK_TAIL_MAX = 24


class _LinkField:
    """The ``portal_url`` and ``web_remote_url`` slots of :class:`Device`, stored compactly.

    Both are unique per device (about 200 bytes of text, 20 MB at 100k devices) but differ
    only by the device id, which the device holds anyway: a URL of the form head + id + tail
    is stored as a shared :class:`_IdLink` and rebuilt on read, exactly as it came. Any other
    value is stored as it is. Reads and writes go through the dataclass's own slot.
    """

    def __init__(self, slot: Any) -> None:
        self._slot = slot

    def __get__(self, obj: Device | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._slot.__get__(obj, owner)
        if type(value) is _IdLink:
            return f"{value.head}{obj.id}{value.tail}"
        return value

    def __set__(self, obj: Device, value: str | None) -> None:
        self._slot.__set__(obj, _compact_link(value, obj.id))


def _compact_link(url: str | None, device_id: int | None) -> str | _IdLink | None:
    if url is None or device_id is None or type(url) is not str:
        return url
    digits = str(device_id)
    at = url.rfind(digits)
    if at < 0 or len(url) - at - len(digits) > _LINK_TAIL_MAX:
        return url
    key = (url[:at], url[at + len(digits) :])
    link = _ID_LINKS.get(key)
    if link is None:
        if len(_ID_LINKS) >= 64:  # a fixed set of platforms; never let odd data grow it
            return url
        link = _ID_LINKS[key] = _IdLink(*key)
    return link


# ``id`` is the first field, so it is set before these by the dataclass's __init__.
for _name in ("portal_url", "web_remote_url"):
    setattr(Device, _name, _LinkField(Device.__dict__[_name]))


# ---------------------------------------------------------------------------------------------
# Alerts


@dataclass(frozen=True, slots=True)
class AlertContext:
    """An alert's ``alertContext``: its kind (the ``@class`` tag) and its fields.

    The set of kinds is open. Known kinds get a human label and a one-line summary built from
    their documented fields; unknown kinds keep every field as key/value pairs and are summarised
    generically. ``fields`` never contains ``@class``.
    """

    kind: str | None
    fields: Mapping[str, Any]

    # @class -> (label, fields that make the one-line summary, in order)
    KNOWN: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "online_offline_status_ctx": ("Online status", ("status",)),
        "comp_script_ctx": ("Component monitor", ("samples",)),
        "eventlog_ctx": ("Event log", ("logName", "source", "code", "description")),
        "disk_usage_ctx": ("Disk usage", ("diskName", "freeSpace", "unitOfMeasure")),
        "perf_disk_usage_ctx": ("Disk usage", ("diskName", "freeSpace", "unitOfMeasure")),
        "resource_usage_ctx": ("Resource usage", ("processName", "type", "sample")),
        "process_resource_usage_ctx": ("Process resources", ("processName", "type", "sample")),
        "perf_resource_usage_ctx": ("Resource usage", ("type", "percentage")),
        "status_ctx": ("Process status", ("processName", "status")),
        "process_status_ctx": ("Process status", ("processName", "status")),
        "srvc_status_ctx": ("Service status", ("serviceName", "status")),
        "srvc_resource_usage_ctx": ("Service resources", ("serviceName", "type", "sample")),
        "patch_ctx": ("Patch", ("result", "info")),
        "antivirus_ctx": ("Antivirus", ("productName", "status")),
        "filesystem_ctx": ("File system", ("path", "condition", "sample")),
        "fs_object_ctx": ("File system", ("path", "condition", "sample")),
        "ransomware_ctx": ("Ransomware", ("state", "confidenceFactor")),
        "ping_ctx": ("Ping", ("instanceName", "roundtripTime")),
        "custom_snmp_ctx": ("SNMP", ("displayName", "currentValue")),
        "snmp_probe_ctx": ("SNMP probe", ("ruleName", "responseValue")),
        "action_ctx": ("Software change", ("packageName", "actionType", "version")),
        "endpoint_security_threat_ctx": ("Endpoint security", ("description",)),
        "endpoint_security_windows_defender_ctx": ("Windows Defender", ("description",)),
        "backup_management_ctx": ("Backup", ("errorMessage",)),
        "seccenter_ctx": ("Security center", ("productName", "alertType")),
        "security_management_ctx": ("Security", ("productName", "status", "virusName")),
        "temperature_ctx": ("Temperature", ("type", "degree")),
        "fan_ctx": ("Fan", ("type", "reason")),
        "psu_ctx": ("Power supply", ("type", "reason")),
        "disk_health_ctx": ("Disk health", ("type", "reason")),
        "windows_performance_ctx": ("Performance", ("value",)),
        "perf_mon_ctx": ("Performance", ("value",)),
        "wmi_ctx": ("WMI", ("value",)),
        "network_monitor_ctx": ("Network monitor", ("description",)),
        "printer_ctx": ("Printer", ("ipAddress", "currentLevel")),
    }

    @classmethod
    def from_api(cls, data: Any) -> AlertContext:
        d = as_dict(data)
        return cls(
            kind=as_str(d.get("@class")),
            fields={str(k): v for k, v in d.items() if k != "@class"},
        )

    @property
    def is_known(self) -> bool:
        return self.kind in self.KNOWN

    @property
    def label(self) -> str:
        """A human name of the kind: "Disk usage"; for unknown kinds, the tag tidied up."""
        if self.kind in self.KNOWN:
            return self.KNOWN[self.kind][0]
        if not self.kind:
            return "Alert"
        return self.kind.removesuffix("_ctx").replace("_", " ").strip().capitalize() or "Alert"

    def summary(self, limit: int = 200) -> str:
        """One line from the kind's main fields (or every scalar field, for unknown kinds)."""
        keys = self.KNOWN[self.kind][1] if self.kind in self.KNOWN else tuple(self.fields)
        parts: list[str] = []
        for key in keys:
            value = self.fields.get(key)
            if value is None or value == "" or value == {} or value == []:
                continue
            if isinstance(value, dict):
                text = ", ".join(f"{k}={v}" for k, v in value.items())
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value)
            else:
                text = str(value)
            parts.append(f"{key}={text}")
        line = " ".join(parts)
        return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class ResponseAction:
    action_time: datetime | None
    action_type: str | None
    description: str | None
    action_reference: str | None

    @classmethod
    def from_api(cls, data: Any) -> ResponseAction:
        d = as_dict(data)
        return cls(
            as_datetime(d.get("actionTime")),
            as_str(d.get("actionType")),
            as_str(d.get("description")),
            as_str(d.get("actionReference")),
        )


@dataclass(frozen=True, slots=True)
class Alert:
    alert_uid: str
    priority: str | None
    diagnostics: str | None
    resolved: bool | None
    resolved_by: str | None
    resolved_on: datetime | None
    muted: bool | None
    ticket_number: str | None
    timestamp: datetime | None
    autoresolve_mins: int | None
    sends_emails: bool | None
    creates_ticket: bool | None
    device_uid: str | None  # alertSourceInfo.deviceUid: the only link to the device
    device_name: str | None
    site_uid: str | None
    site_name: str | None
    context: AlertContext
    response_actions: tuple[ResponseAction, ...]

    @property
    def priority_rank(self) -> int:
        return priority_rank(self.priority)

    @classmethod
    def from_api(cls, data: Any) -> Alert:
        d = as_dict(data)
        monitor = as_dict(d.get("alertMonitorInfo"))
        source = as_dict(d.get("alertSourceInfo"))
        return cls(
            alert_uid=as_str(d.get("alertUid")) or "",
            priority=as_str(d.get("priority")),
            diagnostics=as_str(d.get("diagnostics")),
            resolved=as_bool(d.get("resolved")),
            resolved_by=as_str(d.get("resolvedBy")),
            resolved_on=as_datetime(d.get("resolvedOn")),
            muted=as_bool(d.get("muted")),
            ticket_number=as_str(d.get("ticketNumber")),
            timestamp=as_datetime(d.get("timestamp")),
            autoresolve_mins=as_int(d.get("autoresolveMins")),
            sends_emails=as_bool(monitor.get("sendsEmails")),
            creates_ticket=as_bool(monitor.get("createsTicket")),
            device_uid=as_str(source.get("deviceUid")),
            device_name=as_str(source.get("deviceName")),
            site_uid=as_str(source.get("siteUid")),
            site_name=as_str(source.get("siteName")),
            context=AlertContext.from_api(d.get("alertContext")),
            response_actions=tuple(
                ResponseAction.from_api(a) for a in as_list(d.get("responseActions"))
            ),
        )

    def to_api(self) -> dict[str, Any]:
        context: dict[str, Any] = {"@class": self.context.kind, **self.context.fields}
        return {
            "alertUid": self.alert_uid,
            "priority": self.priority,
            "diagnostics": self.diagnostics,
            "resolved": self.resolved,
            "resolvedBy": self.resolved_by,
            "resolvedOn": to_epoch_ms(self.resolved_on),
            "muted": self.muted,
            "ticketNumber": self.ticket_number,
            "timestamp": to_epoch_ms(self.timestamp),
            "alertMonitorInfo": {
                "sendsEmails": self.sends_emails,
                "createsTicket": self.creates_ticket,
            },
            "alertContext": context,
            "alertSourceInfo": {
                "deviceUid": self.device_uid,
                "deviceName": self.device_name,
                "siteUid": self.site_uid,
                "siteName": self.site_name,
            },
            "responseActions": [
                {
                    "actionTime": to_epoch_ms(a.action_time),
                    "actionType": a.action_type,
                    "description": a.description,
                    "actionReference": a.action_reference,
                }
                for a in self.response_actions
            ],
            "autoresolveMins": self.autoresolve_mins,
        }


# ---------------------------------------------------------------------------------------------
# Jobs and components


@dataclass(frozen=True, slots=True)
class ComponentVariable:
    name: str | None
    default_value: str | None
    type: str | None
    direction: bool | None  # True: input variable
    description: str | None
    index: int | None

    @classmethod
    def from_api(cls, data: Any) -> ComponentVariable:
        d = as_dict(data)
        return cls(
            as_str(d.get("name")),
            as_str(d.get("defaultVal")),
            as_str(d.get("type")),
            as_bool(d.get("direction")),
            as_str(d.get("description")),
            as_int(d.get("variablesIdx")),
        )


@dataclass(frozen=True, slots=True)
class Component:
    id: int | None
    uid: str
    name: str | None
    description: str | None
    category_code: str | None
    credentials_required: bool | None
    variables: tuple[ComponentVariable, ...]

    @classmethod
    def from_api(cls, data: Any) -> Component:
        d = as_dict(data)
        return cls(
            id=as_int(d.get("id")),
            uid=as_str(d.get("uid")) or "",
            name=as_str(d.get("name")),
            description=as_str(d.get("description")),
            category_code=as_str(d.get("categoryCode")),
            credentials_required=as_bool(d.get("credentialsRequired")),
            variables=tuple(ComponentVariable.from_api(v) for v in as_list(d.get("variables"))),
        )


@dataclass(frozen=True, slots=True)
class Job:
    id: int | None
    uid: str
    name: str | None
    date_created: datetime | None
    status: str | None  # active | completed | ...

    @classmethod
    def from_api(cls, data: Any) -> Job:
        d = as_dict(data)
        return cls(
            as_int(d.get("id")),
            as_str(d.get("uid")) or "",
            as_str(d.get("name")),
            as_datetime(d.get("dateCreated")),
            as_str(d.get("status")),
        )


@dataclass(frozen=True, slots=True)
class JobComponent:
    """A component of a job (``jobComponents`` of a quick job's answer).

    Variable values may be credentials, so ``repr`` lists variable names only.
    """

    uid: str | None
    name: str | None
    variables: tuple[tuple[str, str | None], ...] = field(repr=False)

    @classmethod
    def from_api(cls, data: Any) -> JobComponent:
        d = as_dict(data)
        variables: list[tuple[str, str | None]] = []
        for item in as_list(d.get("variables")):
            v = as_dict(item)
            name = as_str(v.get("name"))
            if name is not None:
                variables.append((name, as_str(v.get("value"))))
        return cls(as_str(d.get("uid")), as_str(d.get("name")), tuple(variables))

    def __repr__(self) -> str:
        names = ", ".join(name for name, _ in self.variables)
        return f"JobComponent(uid={self.uid!r}, name={self.name!r}, variables=[{names}])"


@dataclass(frozen=True, slots=True)
class ComponentResult:
    component_uid: str | None
    component_name: str | None
    component_status: str | None
    number_of_warnings: int | None
    has_std_out: bool | None
    has_std_err: bool | None

    @classmethod
    def from_api(cls, data: Any) -> ComponentResult:
        d = as_dict(data)
        return cls(
            as_str(d.get("componentUid")),
            as_str(d.get("componentName")),
            as_str(d.get("componentStatus")),
            as_int(d.get("numberOfWarnings")),
            as_bool(d.get("hasStdOut")),
            as_bool(d.get("hasStdErr")),
        )


@dataclass(frozen=True, slots=True)
class JobResult:
    job_uid: str | None
    device_uid: str | None
    ran_on: datetime | None
    deployment_status: str | None  # Expired|Pending|Running|Success|Warning|Retired|Failure
    component_results: tuple[ComponentResult, ...]

    @classmethod
    def from_api(cls, data: Any) -> JobResult:
        d = as_dict(data)
        return cls(
            as_str(d.get("jobUid")),
            as_str(d.get("deviceUid")),
            as_datetime(d.get("ranOn")),
            as_str(d.get("jobDeploymentStatus")),
            tuple(ComponentResult.from_api(c) for c in as_list(d.get("componentResults"))),
        )


@dataclass(frozen=True, slots=True)
class JobOutput:
    """One component's stdout or stderr of a job run on a device."""

    component_uid: str | None
    component_name: str | None
    text: str

    @classmethod
    def from_api(cls, data: Any) -> JobOutput:
        d = as_dict(data)
        return cls(
            as_str(d.get("componentUid")),
            as_str(d.get("componentName")),
            as_str(d.get("stdData")) or "",
        )


# ---------------------------------------------------------------------------------------------
# Audit, filters, activity


@dataclass(frozen=True, slots=True)
class LogicalDisk:
    description: str | None
    identifier: str | None
    free_space: int | None
    size: int | None

    @classmethod
    def from_api(cls, data: Any) -> LogicalDisk:
        d = as_dict(data)
        return cls(
            as_str(d.get("description")),
            as_str(d.get("diskIdentifier")),
            as_int(d.get("freespace")),
            as_int(d.get("size")),
        )


@dataclass(frozen=True, slots=True)
class DeviceAudit:
    """A summary of ``GET /v2/audit/device/{uid}`` (hardware audit)."""

    portal_url: str | None
    web_remote_url: str | None
    manufacturer: str | None
    model: str | None
    total_physical_memory: int | None
    username: str | None
    dot_net_version: str | None
    total_cpu_cores: int | None
    serial_number: str | None
    processors: tuple[str, ...]
    logical_disks: tuple[LogicalDisk, ...]
    mac_addresses: tuple[str, ...]

    @classmethod
    def from_api(cls, data: Any) -> DeviceAudit:
        d = as_dict(data)
        info = as_dict(d.get("systemInfo"))
        bios = as_dict(d.get("bios"))
        return cls(
            portal_url=as_str(d.get("portalUrl")),
            web_remote_url=as_str(d.get("webRemoteUrl")),
            manufacturer=as_str(info.get("manufacturer")),
            model=as_str(info.get("model")),
            total_physical_memory=as_int(info.get("totalPhysicalMemory")),
            username=as_str(info.get("username")),
            dot_net_version=as_str(info.get("dotNetVersion")),
            total_cpu_cores=as_int(info.get("totalCpuCores")),
            serial_number=as_str(bios.get("serialNumber")),
            processors=tuple(
                name
                for p in as_list(d.get("processors"))
                if (name := as_str(as_dict(p).get("name")))
            ),
            logical_disks=tuple(LogicalDisk.from_api(x) for x in as_list(d.get("logicalDisks"))),
            mac_addresses=tuple(
                mac for n in as_list(d.get("nics")) if (mac := as_str(as_dict(n).get("macAddress")))
            ),
        )


@dataclass(frozen=True, slots=True)
class Software:
    name: str | None
    version: str | None

    @classmethod
    def from_api(cls, data: Any) -> Software:
        d = as_dict(data)
        return cls(as_str(d.get("name")), as_str(d.get("version")))


@dataclass(frozen=True, slots=True)
class Filter:
    id: int | None
    name: str | None
    description: str | None
    type: str | None  # rmm_default | custom | site
    date_created: datetime | None
    last_updated: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> Filter:
        d = as_dict(data)
        return cls(
            as_int(d.get("id")),
            as_str(d.get("name")),
            as_str(d.get("description")),
            as_str(d.get("type")),
            as_datetime(d.get("dateCreate")),
            as_datetime(d.get("lastUpdated")),
        )


@dataclass(frozen=True, slots=True)
class Activity:
    id: str | None
    entity: str | None
    category: str | None
    action: str | None
    date: datetime | None
    site_id: int | None
    site_name: str | None
    device_id: int | None
    hostname: str | None
    user_name: str | None
    details: str | None

    @classmethod
    def from_api(cls, data: Any) -> Activity:
        d = as_dict(data)
        site = as_dict(d.get("site"))
        user = as_dict(d.get("user"))
        return cls(
            id=as_str(d.get("id")),
            entity=as_str(d.get("entity")),
            category=as_str(d.get("category")),
            action=as_str(d.get("action")),
            date=as_datetime(d.get("date")),
            site_id=as_int(site.get("id")),
            site_name=as_str(site.get("name")),
            device_id=as_int(d.get("deviceId")),
            hostname=as_str(d.get("hostname")),
            user_name=as_str(user.get("userName")),
            details=as_str(d.get("details")),
        )
