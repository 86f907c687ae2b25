"""Static traits of a device, derived from its seed on demand.

Only what the simulation changes (online state, last seen, site, hostname) is stored on
:class:`~datto_tui.fakeapi.model.DeviceRec`. Everything else (addresses, hardware, patch and
antivirus state, UDFs) is recomputed from ``DeviceRec.seed`` whenever a response needs it, which is
deterministic and keeps a 100,000-device world small. The device JSON and its audit use the same
traits, so they agree (IP, MAC, user, serial).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from datto_tui.fakeapi import names
from datto_tui.fakeapi.hostile import hostile_text
from datto_tui.fakeapi.model import PROFILES, DeviceRec, SiteRec

T = TypeVar("T")
DAY_MS = 86_400_000
# A USB-C dock NIC many laptops report as their primary adapter: a MAC shared by several devices.
DOCK_MAC = "00E04C680001"
_OUIS = ("3C7C3F", "F8B156", "D4BED9", "A4BB6D", "00155D", "005056", "B8CA3A", "6C2B59")
_DEPARTMENTS = (
    "Front Desk", "Accounting", "Reception", "Server Room", "Operations", "Sales", "Warehouse",
    "Exec Suite", "Lab", "Conference Room", "HR", "Shipping",
)  # fmt: skip
_CONTRACTS = ("Managed Gold", "Managed Silver", "Managed Bronze", "Break-fix", "Co-managed")
_PASSWORD_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%"  # noqa: S105
_COMPUTERS = frozenset(("desktop", "laptop", "server", "mac", "linux"))
_WINDOWS = frozenset(("desktop", "laptop", "server"))
_NO_UDFS: dict[str, str | None] = {f"udf{i}": None for i in range(1, 31)}
_CAG_VERSIONS = ("4.5.3201.3201", "4.5.3185.3185", "4.4.2210.2210", "4.4.2193.2193")
_PATCH_STATUS = (
    ("FullyPatched", 45), ("ApprovedPending", 25), ("RebootRequired", 8), ("InstallError", 5),
    ("NoPolicy", 7), ("NoData", 10),
)  # fmt: skip
_AV_STATUS = (
    ("RunningAndUpToDate", 80), ("RunningAndNotUpToDate", 8), ("NotRunning", 4),
    ("NotDetected", 8),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Traits:
    """Everything about a device that does not change unless a client writes to it."""

    int_ip: str | None
    ext_ip: str | None
    mac: str
    ipv6: str | None
    last_user: str | None
    description: str | None
    domain: str | None
    cag_version: str | None
    a64: bool | None
    manufacturer: str | None
    model: str | None
    serial: str | None
    cpu: str | None
    cores: int | None
    ram_bytes: int | None
    disk_total_bytes: int | None
    disk_free_bytes: int | None
    av_product: str | None
    av_status: str | None
    patch_status: str | None
    patches_pending: int | None
    patches_not_approved: int | None
    patches_installed: int | None
    reboot_required: bool | None
    suspended: bool
    warranty_date: str | None
    software_status: str | None
    snmp_enabled: bool | None
    network_probe: bool | None
    onboarded_via_network_monitor: bool | None
    last_reboot_age_ms: int
    last_audit_age_ms: int
    udf: dict[str, str | None]


def quick_reboot_required(dev: DeviceRec) -> bool:
    """Whether a computer waits for a reboot; cheap (no generator) for filters over 100k devices."""
    key = PROFILES[dev.profile].key
    if key not in ("desktop", "laptop", "server", "mac", "linux"):
        return False
    return (dev.seed >> 7) % 100 < 12


def quick_av_status(dev: DeviceRec) -> str | None:
    """The antivirus status as reported for the device: cheap, for filters over 100k devices."""
    key = PROFILES[dev.profile].key
    if key in ("desktop", "laptop", "server"):
        bucket = (dev.seed >> 13) % 100
        for status, weight in _AV_STATUS:
            if bucket < weight:
                return status
            bucket -= weight
        return _AV_STATUS[-1][0]
    if key == "mac":
        return "RunningAndUpToDate" if (dev.seed >> 13) % 2 else "NotDetected"
    if key == "linux":
        return "NotDetected"
    return None


def mac_for(dev: DeviceRec) -> str:
    """The primary MAC (12 upper-case hex digits): an OUI and the device id's low 24 bits."""
    oui = _OUIS[dev.seed % len(_OUIS)]
    return f"{oui}{dev.id & 0xFFFFFF:06X}"


class _Draw:
    """Fast draws over one generator (``random()`` only: ~10x cheaper than ``choice``)."""

    __slots__ = ("rnd",)

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed).random

    def below(self, n: int) -> int:
        return int(self.rnd() * n)

    def between(self, lo: int, hi: int) -> int:
        """An int in [lo, hi)."""
        return lo + int(self.rnd() * (hi - lo))

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.rnd() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.rnd() < p


def derive(dev: DeviceRec, site: SiteRec, *, hostile: bool) -> Traits:
    """The traits of ``dev`` (which sits in ``site``); pure function of the seed and site."""
    r = _Draw(dev.seed)
    key = PROFILES[dev.profile].key
    computer = key in _COMPUTERS
    windows = key in _WINDOWS
    roaming = key in ("laptop", "mac")
    int_ip = f"10.{1 + (site.index * 7) % 250}.{r.below(4)}.{r.between(10, 250)}"
    if roaming and r.chance(0.3):
        int_ip = f"192.168.{r.pick((0, 1, 1, 50, 86))}.{r.between(2, 250)}"
    ext_ip: str | None = site.ext_ip
    if roaming and r.chance(0.25):
        first_octet = r.pick((73, 98, 174, 24, 67))
        ext_ip = f"{first_octet}.{r.between(1, 255)}.{r.below(255)}.{r.between(1, 255)}"
    if key in ("printer", "network", "unknown") and r.chance(0.5):
        ext_ip = None
    mac = DOCK_MAC if key == "laptop" and dev.seed % 50 == 0 else mac_for(dev)
    ipv6 = f"fe80::{r.below(65536):x}:{r.below(65536):x}:{r.below(65536):x}" if computer else None

    first = r.pick(names.FIRST_NAMES)
    last = r.pick(names.LAST_NAMES)
    last_user: str | None = None
    if windows:
        user = names.username(first, last)
        if key == "server":
            user = r.pick(("administrator", "svc_backup", user))
        last_user = f"{site.domain}\\{user}" if site.domain else f"{dev.hostname}\\{user}"
        if r.chance(0.04):
            last_user = None
    elif key == "mac":
        last_user = names.username(first, last)
    elif key == "linux":
        last_user = r.pick(("root", "ubuntu", names.username(first, last), None))
    if hostile and last_user is not None and dev.seed % 23 == 0:
        last_user = hostile_text(last_user, dev.seed // 23)

    description: str | None = r.pick((None, "", "", f"{first} {last}", "Reception PC"))
    if key == "server":
        description = r.pick(("Domain controller", "File server", "", None, "Line of business app"))
    if hostile and dev.seed % 29 == 0:
        description = hostile_text(description or "desc", dev.seed // 29)

    manufacturer: str | None
    model: str | None
    if key in ("desktop", "laptop"):
        manufacturer, model = r.pick(names.PC_MODELS)
    elif key in ("server", "linux"):
        manufacturer, model = r.pick(names.SERVER_MODELS)
    elif key == "mac":
        manufacturer, model = r.pick(names.MAC_MODELS)
    elif key == "esxi":
        manufacturer, model = r.pick(names.SERVER_MODELS[:3])
    elif key == "printer":
        model = r.pick(names.PRINTER_MODELS)
        manufacturer = model.split()[0]
    else:
        manufacturer, model = None, None
    hardware = computer or key == "esxi"
    big = key in ("server", "esxi")
    cores = r.pick((8, 16, 24, 32) if big else (4, 6, 8, 8, 12, 16))
    ram_gb = r.pick((32, 64, 128, 256) if big else (8, 16, 16, 32))
    disk_gb = r.pick((500, 1000, 2000) if big else (256, 512, 512, 1024))
    disk_free = int(disk_gb * (1 << 30) * (0.03 + 0.67 * r.rnd()))

    av_status = quick_av_status(dev)
    av_product: str | None = None
    if av_status is not None and av_status != "NotDetected":
        av_product = r.pick(names.ANTIVIRUS_PRODUCTS) if windows else "SentinelOne"

    patch_status: str | None
    if windows:
        patch_status = _pick_fast(r, _PATCH_STATUS)
    elif key in ("mac", "linux"):
        patch_status = r.pick(("NoPolicy", "NoData"))
    elif key == "esxi":
        patch_status = "NoData"
    else:
        patch_status = None
    reboot_required: bool | None = None
    if computer:
        reboot_required = quick_reboot_required(dev)
        if patch_status == "RebootRequired" and not reboot_required:
            patch_status = "ApprovedPending"
    elif key == "esxi":
        reboot_required = False
    pending = not_approved = installed = None
    if patch_status not in (None, "NoData"):
        pending = 0 if patch_status in ("FullyPatched", "NoPolicy") else r.between(1, 14)
        not_approved = 0 if patch_status == "NoPolicy" else r.below(6)
        installed = r.between(20, 400) if windows else 0

    warranty: str | None = None
    if computer and key != "linux" and r.chance(0.6):
        warranty = f"{r.between(2024, 2030)}-{r.between(1, 13):02d}-{r.between(1, 29):02d}"

    udf: dict[str, str | None] = dict(_NO_UDFS)
    if computer or key in ("printer", "network"):
        if r.chance(0.7):
            udf["udf1"] = f"AT-{dev.id % 1_000_000:06d}"
        if r.chance(0.5):
            udf["udf2"] = r.pick(_DEPARTMENTS)
        udf["udf3"] = _CONTRACTS[site.index % len(_CONTRACTS)]
    if key in ("desktop", "laptop") and r.chance(0.45):
        udf["udf5"] = "-".join(f"{r.below(65536) * 11:06d}" for _ in range(8))
    if windows and r.chance(0.06):
        udf["udf6"] = "LAPS: " + "".join(r.pick(_PASSWORD_CHARS) for _ in range(16))
    if warranty is not None and manufacturer is not None and r.chance(0.5):
        udf["udf10"] = f"{manufacturer.split()[0]} warranty until {warranty}"
    if windows and r.chance(0.3):
        udf["udf12"] = r.pick(
            ("Huntress: installed", "Huntress: missing", "Backup: OK", "Backup: FAILED")
        )
    if hostile and dev.seed % 17 == 0:
        udf["udf20"] = hostile_text("note", dev.seed // 17)

    return Traits(
        int_ip=int_ip,
        ext_ip=ext_ip,
        mac=mac,
        ipv6=ipv6,
        last_user=last_user,
        description=description,
        domain=site.domain if windows else None,
        cag_version=r.pick(_CAG_VERSIONS) if key != "unknown" else None,
        a64=r.chance(0.97) if computer else None,
        manufacturer=manufacturer,
        model=model,
        serial=f"{r.below(1 << 32):08X}" if hardware or key == "printer" else None,
        cpu=r.pick(names.CPU_NAMES) if hardware else None,
        cores=cores if hardware else None,
        ram_bytes=ram_gb << 30 if hardware else None,
        disk_total_bytes=disk_gb << 30 if computer else None,
        disk_free_bytes=disk_free if computer else None,
        av_product=av_product,
        av_status=av_status,
        patch_status=patch_status,
        patches_pending=pending,
        patches_not_approved=not_approved,
        patches_installed=installed,
        reboot_required=reboot_required,
        suspended=r.chance(0.005),
        warranty_date=warranty,
        software_status=r.pick(("Compliant", "Compliant", "Not Compliant", None))
        if computer
        else None,
        snmp_enabled=key in ("printer", "network") or (key == "server" and r.chance(0.2)),
        network_probe=key == "server" and r.chance(0.3),
        onboarded_via_network_monitor=key in ("printer", "network", "unknown") and r.chance(0.7),
        last_reboot_age_ms=r.between(600_000, 40 * DAY_MS),
        last_audit_age_ms=r.between(60_000, 2 * DAY_MS),
        udf=udf,
    )


def _pick_fast(r: _Draw, table: tuple[tuple[str, int], ...]) -> str:
    point = r.rnd() * sum(w for _, w in table)
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    return table[-1][0]
