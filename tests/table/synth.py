"""Deterministic synthetic devices and alerts for table tests and benchmarks.

Built directly as :class:`Device`/:class:`Alert` (no JSON round trip) so 100k rows take about a
second. Values look like a real account: few sites and OS names shared by many devices, unique
hostnames and addresses, some missing values, some offline devices.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from datto_tui.api.models import NO_UDFS, Alert, AlertContext, Device

#: The instant synthetic data is relative to (and the FakeClock start used with it).
EPOCH = datetime(2026, 5, 28, 12, 0, tzinfo=UTC)

_OS = (
    "Microsoft Windows 11 Pro 23H2",
    "Microsoft Windows 10 Pro 22H2",
    "Microsoft Windows Server 2019 Standard",
    "Microsoft Windows Server 2022 Datacenter",
    "macOS Sonoma 14.5",
    "Ubuntu 22.04.4 LTS",
)
_CATEGORIES = ("Desktop", "Laptop", "Server", "ESXi Host", "Printer", "Network Device")
_CLASSES = ("device", "device", "device", "esxihost", "printer", "rmmnetworkdevice")
_PATCH = ("FullyPatched", "ApprovedPending", "InstallError", "NoPolicy", None)
_AV = ("RunningAndUpToDate", "RunningAndNotUpToDate", "NotRunning", "NotDetected", None)
_SITE_WORDS = ("Acme", "Dental", "Harbor", "Legal", "Summit", "Clinic", "Bakery", "Metro")
_NO_UDFS = NO_UDFS


def site_name(i: int) -> str:
    a = _SITE_WORDS[i % len(_SITE_WORDS)]
    b = _SITE_WORDS[(i // len(_SITE_WORDS)) % len(_SITE_WORDS)]
    return f"{a} {b} {i:03d}"


def make_device(i: int, rng: random.Random, *, sites: int = 400, **overrides: object) -> Device:
    r = rng.random
    s = int(r() * sites)
    cat = int(r() * len(_CATEGORIES))
    online = r() > 0.2
    seen = EPOCH - timedelta(seconds=int(r() * 90 * 86400)) if r() > 0.01 else None
    values: dict[str, object] = dict(
        id=i,
        uid=f"dev-{i:07d}",
        site_id=s,
        site_uid=f"site-{s:04d}",
        site_name=site_name(s),
        hostname=f"{('WS', 'LT', 'SRV', 'DC', 'PRN')[cat % 5]}-{rng.getrandbits(28):07X}",
        description=None,
        domain="corp.local",
        device_category=_CATEGORIES[cat],
        device_type=_CATEGORIES[cat],
        device_class=_CLASSES[cat],
        int_ip_address=f"10.{s % 256}.{int(r() * 256)}.{1 + int(r() * 254)}",
        ext_ip_address=f"81.{s % 200}.{s % 17}.{s % 250 + 1}",
        operating_system=_OS[int(r() * len(_OS))],
        a64_bit=True,
        last_logged_in_user=f"CORP\\user{int(r() * 5000):04d}",
        cag_version="4.4.2",
        display_version="4.4.2",
        online=online,
        suspended=False,
        deleted=False,
        reboot_required=r() < 0.1,
        last_seen=seen,
        last_reboot=None,
        last_audit_date=None,
        creation_date=None,
        patch_status=_PATCH[int(r() * len(_PATCH))],
        patches_approved_pending=int(r() * 5),
        patches_not_approved=0,
        patches_installed=int(r() * 100),
        antivirus_product="Datto AV",
        antivirus_status=_AV[int(r() * len(_AV))],
        warranty_date=None,
        software_status=None,
        snmp_enabled=False,
        network_probe=False,
        onboarded_via_network_monitor=False,
        portal_url=None,
        web_remote_url=None,
        udf=_NO_UDFS,
    )
    values.update(overrides)
    return Device(**values)  # type: ignore[arg-type]


def make_devices(n: int, *, seed: int = 7, sites: int = 400) -> dict[str, Device]:
    """``n`` devices by uid, the same for the same seed."""
    rng = random.Random(seed)
    out: dict[str, Device] = {}
    for i in range(n):
        d = make_device(i, rng, sites=sites)
        out[d.uid] = d
    return out


_PRIORITIES = ("Critical", "High", "Moderate", "Low", "Information")
_CONTEXTS = (
    {"@class": "disk_usage_ctx", "diskName": "C:", "freeSpace": 2.5, "unitOfMeasure": "GB"},
    {"@class": "online_offline_status_ctx", "status": "offline"},
    {"@class": "srvc_status_ctx", "serviceName": "Spooler", "status": "stopped"},
    {"@class": "antivirus_ctx", "productName": "Datto AV", "status": "NotRunning"},
    {"@class": "brand_new_ctx", "detail": "something new"},
)


def make_alert(i: int, device: Device, rng: random.Random, **overrides: object) -> Alert:
    ctx = _CONTEXTS[i % len(_CONTEXTS)]
    values: dict[str, object] = dict(
        alert_uid=f"alert-{i:07d}",
        priority=_PRIORITIES[rng.randrange(len(_PRIORITIES))],
        diagnostics=f"Check failed on {device.hostname}",
        resolved=False,
        resolved_by=None,
        resolved_on=None,
        muted=False,
        ticket_number=None,
        timestamp=EPOCH - timedelta(minutes=rng.randrange(0, 20000)),
        autoresolve_mins=None,
        sends_emails=False,
        creates_ticket=False,
        device_uid=device.uid,
        device_name=device.hostname,
        site_uid=device.site_uid,
        site_name=device.site_name,
        context=AlertContext.from_api(ctx),
        response_actions=(),
    )
    values.update(overrides)
    return Alert(**values)  # type: ignore[arg-type]


def make_alerts(devices: dict[str, Device], n: int, *, seed: int = 11) -> dict[str, Alert]:
    rng = random.Random(seed)
    pool = list(devices.values())
    out: dict[str, Alert] = {}
    for i in range(n):
        a = make_alert(i, pool[rng.randrange(len(pool))], rng)
        out[a.alert_uid] = a
    return out
