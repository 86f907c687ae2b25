"""Alert contexts (``alertContext`` with its Jackson ``@class`` tag) and diagnostics text.

The ``@class`` values and their fields follow what real alerts carry (snake_case ``*_ctx`` names,
several not in the OpenAPI document), plus two classes no client knows yet, because the set is
open on the live service.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

from datto_tui.fakeapi import names

UNKNOWN_CLASSES = ("warranty_expiry_ctx", "cloud_backup_sync_ctx")

# Context classes by device profile, with weights.
_BY_PROFILE: dict[str, tuple[tuple[str, int], ...]] = {
    "workstation": (
        ("comp_script_ctx", 14), ("eventlog_ctx", 14), ("perf_disk_usage_ctx", 15),
        ("antivirus_ctx", 10), ("patch_ctx", 12), ("srvc_status_ctx", 8),
        ("perf_resource_usage_ctx", 12), ("online_offline_status_ctx", 2), ("disk_health_ctx", 2),
        ("security_management_ctx", 3), ("action_ctx", 3), ("seccenter_ctx", 2),
        ("warranty_expiry_ctx", 1), ("cloud_backup_sync_ctx", 1), ("process_status_ctx", 1),
    ),
    "server": (
        ("online_offline_status_ctx", 12), ("srvc_status_ctx", 15), ("perf_disk_usage_ctx", 18),
        ("eventlog_ctx", 14), ("perf_resource_usage_ctx", 10), ("comp_script_ctx", 9),
        ("backup_management_ctx", 6), ("patch_ctx", 7), ("windows_performance_ctx", 3),
        ("wmi_ctx", 2), ("fs_object_ctx", 2), ("ransomware_ctx", 1),
        ("cloud_backup_sync_ctx", 1),
    ),
    "mac": (
        ("comp_script_ctx", 30), ("perf_disk_usage_ctx", 30), ("perf_resource_usage_ctx", 20),
        ("online_offline_status_ctx", 8), ("antivirus_ctx", 10), ("action_ctx", 2),
    ),
    "linux": (
        ("comp_script_ctx", 30), ("perf_disk_usage_ctx", 30), ("perf_resource_usage_ctx", 20),
        ("online_offline_status_ctx", 20),
    ),
    "esxi": (
        ("online_offline_status_ctx", 30), ("temperature_ctx", 15), ("fan_ctx", 10),
        ("psu_ctx", 10), ("disk_health_ctx", 15), ("custom_snmp_ctx", 20),
    ),
    "printer": (("printer_ctx", 60), ("ping_ctx", 30), ("snmp_probe_ctx", 10)),
    "network": (
        ("ping_ctx", 40), ("snmp_probe_ctx", 20), ("custom_snmp_ctx", 15),
        ("network_monitor_ctx", 15), ("online_offline_status_ctx", 10),
    ),
    "unknown": (("ping_ctx", 50), ("network_monitor_ctx", 50)),
}  # fmt: skip

_PRIORITY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "online_offline_status_ctx": (("Critical", 30), ("High", 60), ("Moderate", 10)),
    "ransomware_ctx": (("Critical", 100),),
    "security_management_ctx": (("Critical", 40), ("High", 60)),
    "antivirus_ctx": (("High", 70), ("Moderate", 30)),
    "disk_health_ctx": (("Critical", 20), ("High", 70), ("Moderate", 10)),
    "perf_disk_usage_ctx": (("High", 45), ("Moderate", 45), ("Critical", 10)),
    "srvc_status_ctx": (("High", 50), ("Moderate", 40), ("Critical", 10)),
    "backup_management_ctx": (("High", 60), ("Critical", 20), ("Moderate", 20)),
    "patch_ctx": (("Moderate", 40), ("Low", 50), ("Information", 10)),
    "eventlog_ctx": (("Moderate", 45), ("Low", 25), ("High", 20), ("Information", 10)),
    "printer_ctx": (("Low", 50), ("Information", 30), ("Moderate", 20)),
    "action_ctx": (("Information", 70), ("Low", 30)),
    "ping_ctx": (("High", 60), ("Critical", 20), ("Moderate", 20)),
}
_DEFAULT_PRIORITY = (
    ("Moderate", 42), ("High", 30), ("Low", 13), ("Critical", 8), ("Information", 6),
    ("Unknown", 1),
)  # fmt: skip


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in table)
    point = rng.random() * total
    for value, weight in table:
        point -= weight
        if point < 0:
            return value
    return table[-1][0]


def profile_group(profile_key: str) -> str:
    """The context table a device profile draws from."""
    if profile_key in ("desktop", "laptop"):
        return "workstation"
    return profile_key


def pick_class(rng: random.Random, profile_key: str) -> str:
    """A context class for a new alert on a device of this profile."""
    return _pick(rng, _BY_PROFILE[profile_group(profile_key)])


def pick_priority(rng: random.Random, ctx_class: str, *, server: bool) -> str:
    """A priority, weighted towards Moderate and High, heavier for servers."""
    priority = _pick(rng, _PRIORITY_WEIGHTS.get(ctx_class, _DEFAULT_PRIORITY))
    if server and priority in ("Low", "Moderate") and rng.random() < 0.3:
        return "High"
    return priority


def build(
    rng: random.Random,
    ctx_class: str,
    *,
    hostname: str,
    address: Callable[[], tuple[str | None, str]],
    now_ms: int,
) -> tuple[dict[str, Any], str]:
    """The ``alertContext`` dict and the diagnostics text for an alert of ``ctx_class``.

    ``address()`` gives the device's (IP, MAC); it is called only by the classes that carry them.
    """
    ctx: dict[str, Any] = {"@class": ctx_class}
    diag: str
    if ctx_class == "online_offline_status_ctx":
        ctx["status"] = "OFFLINE"
        diag = f"Device {hostname} is offline."
    elif ctx_class in ("comp_script_ctx",):
        check, value = rng.choice(
            (
                ("Uptime", f"{rng.randrange(31, 190)} days"),
                ("BitLocker", "C: protection OFF"),
                ("Backup", "Last successful backup 3 days ago"),
                ("Local admins", "Unexpected member: DESKTOP\\tempadmin"),
                ("Certificate", f"Expires in {rng.randrange(1, 14)} days"),
                ("Pending reboot", "True"),
            )
        )
        ctx["samples"] = {"Result": value, "Check": check}
        diag = f"Component monitor '{check}' returned: {value}"
    elif ctx_class == "eventlog_ctx":
        log, code, etype, source, text = rng.choice(names.EVENT_LOG_ENTRIES)
        count = rng.randrange(1, 40)
        ctx.update(
            logName=log,
            code=code,
            type=etype,
            source=source,
            description=text,
            triggerCount=count,
            lastTriggered=now_ms - rng.randrange(0, 3_600_000),
            causedSuspension=rng.random() < 0.05,
        )
        diag = f"{log} event {code} from {source} occurred {count} time(s): {text}"
    elif ctx_class in ("perf_disk_usage_ctx", "disk_usage_ctx"):
        total = round(rng.choice((118.5, 237.9, 475.7, 931.5, 1862.9)), 1)
        free = round(total * rng.uniform(0.01, 0.09), 1)
        disk = rng.choice(("C:", "C:", "C:", "D:", "E:"))
        ctx.update(
            totalVolume=total,
            unitOfMeasure=rng.choice(("PERCENT", "FREE")),
            diskName=disk,
            diskNameDesignation="SINGLE_VOLUME",
            freeSpace=free,
        )
        diag = f"Disk {disk} has {free} GB free of {total} GB ({free / total:.1%})."
    elif ctx_class == "perf_resource_usage_ctx":
        kind = rng.choice(("CPU", "MEMORY"))
        pct = rng.randrange(90, 101)
        ctx.update(type=kind, percentage=pct)
        diag = f"{kind} usage at {pct}% for more than 15 minutes."
    elif ctx_class in ("srvc_status_ctx", "process_status_ctx"):
        service, display = rng.choice(names.MONITORED_SERVICES)
        if ctx_class == "srvc_status_ctx":
            ctx.update(serviceName=service, status="STOPPED")
        else:
            ctx.update(processName=f"{service}.exe", status="STOPPED")
        diag = f"Service '{display}' ({service}) is stopped."
    elif ctx_class == "patch_ctx":
        kb = f"KB50{rng.randrange(30000, 52000)}"
        code = rng.choice(("0x80070643", "0x800f0922", "0x80073712", "0x8024402c"))
        ctx.update(
            patchUid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            policyUid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            result="FAILED",
            info=f"{kb} failed to install with error {code}",
        )
        diag = f"Patch {kb} failed to install ({code})."
    elif ctx_class == "antivirus_ctx":
        status = rng.choice(("NOTRUNNING", "RUNNINGNOTUPTODATE", "NOTDETECTED"))
        product = rng.choice(names.ANTIVIRUS_PRODUCTS)
        ctx.update(status=status, productName=product if status != "NOTDETECTED" else None)
        diag = {
            "NOTRUNNING": f"{product} is not running.",
            "RUNNINGNOTUPTODATE": f"{product} definitions are out of date.",
            "NOTDETECTED": "No antivirus product detected.",
        }[status]
    elif ctx_class == "ping_ctx":
        ctx.update(
            instanceName=hostname,
            roundtripTime=rng.choice((0, 0, rng.randrange(250, 2000))),
            reasons=rng.choice((["Timeout"], ["Packet loss 100%"], ["Roundtrip time above 200ms"])),
        )
        diag = f"Ping to {address()[0] or hostname} failed."
    elif ctx_class == "custom_snmp_ctx":
        value = str(rng.randrange(85, 100))
        ctx.update(
            displayName="Interface utilisation", currentValue=value, monitorInstance="ge-0/0/1"
        )
        diag = f"SNMP value Interface utilisation is {value}%."
    elif ctx_class == "snmp_probe_ctx":
        ctx.update(
            ipAddress=address()[0],
            oid="1.3.6.1.2.1.1.3.0",
            ruleName="Uptime reset",
            responseValue=str(rng.randrange(100, 9000)),
            deviceName=hostname,
            monitorName="SNMP uptime",
        )
        diag = f"SNMP probe on {hostname}: uptime counter reset (device rebooted)."
    elif ctx_class == "action_ctx":
        package, versions = rng.choice(names.SOFTWARE)
        action = rng.choice(("INSTALLED", "UNINSTALLED", "VERSION_CHANGED"))
        ctx.update(
            packageName=package,
            actionType=action,
            prevVersion=versions[-1] if action == "VERSION_CHANGED" else None,
            version=versions[0],
        )
        diag = f"Software {action.lower().replace('_', ' ')}: {package} {versions[0]}"
    elif ctx_class == "backup_management_ctx":
        ctx.update(errorMessage="Backup job did not complete within the window", timeout=240)
        diag = "Backup job did not complete in 240 minutes."
    elif ctx_class == "seccenter_ctx":
        product = rng.choice(names.ANTIVIRUS_PRODUCTS)
        alert_type = rng.choice(("DISABLED", "NOT_UPTODATE"))
        ctx.update(productName=product, alertType=alert_type)
        diag = f"Security Center reports {product} {alert_type.lower().replace('_', ' ')}."
    elif ctx_class == "security_management_ctx":
        virus = rng.choice(("Trojan:Win32/Wacatac.B!ml", "PUA:Win32/Presenoker", "EICAR-Test-File"))
        ctx.update(
            status=rng.randrange(1, 4),
            productName="Datto AV",
            infoTime=rng.randrange(1, 60),
            virusName=virus,
            infectedFiles=["C:\\Users\\Public\\Downloads\\invoice.pdf.exe"],
            productNotUpdatedForDays=0,
            systemRemainsInfectedForHours=rng.randrange(0, 5),
            expiryLicenseForDays=rng.randrange(30, 300),
        )
        diag = f"Threat detected: {virus}"
    elif ctx_class in ("temperature_ctx",):
        degree = float(rng.randrange(75, 96))
        ctx.update(degree=degree, type="TEMPERATURE")
        diag = f"Temperature sensor reads {degree:.0f} °C."
    elif ctx_class in ("fan_ctx", "psu_ctx", "disk_health_ctx"):
        kind = {"fan_ctx": "FAN", "psu_ctx": "PSU", "disk_health_ctx": "DISKHEALTH"}[ctx_class]
        reason = {
            "FAN": "Fan 2 speed below threshold",
            "PSU": "Power supply 1 redundancy lost",
            "DISKHEALTH": "SMART predictive failure on Disk 0",
        }[kind]
        ctx.update(reason=reason, type=kind)
        diag = reason
    elif ctx_class == "windows_performance_ctx":
        counter = round(rng.uniform(85.0, 100.0), 2)
        ctx["value"] = counter
        diag = f"Performance counter \\Processor(_Total)\\% Processor Time = {counter}"
    elif ctx_class == "wmi_ctx":
        ctx["value"] = rng.choice(("Degraded", "Pred Fail", "Error"))
        diag = f"WMI query returned status {ctx['value']}."
    elif ctx_class == "network_monitor_ctx":
        ctx["description"] = f"{hostname} stopped responding to network probes"
        diag = ctx["description"]
    elif ctx_class == "printer_ctx":
        level = rng.randrange(0, 10)
        ip, mac = address()
        ctx.update(
            ipAddress=ip, macAddress=mac, markerSupplyIndex=rng.randrange(1, 5), currentLevel=level
        )
        diag = f"Toner level low ({level}%)."
    elif ctx_class == "fs_object_ctx":
        threshold = float(rng.choice((10, 20, 50)))
        ctx.update(
            path="D:\\Shares\\Scans",
            sample=threshold * rng.uniform(1.1, 3.0),
            threshold=threshold,
            objectType="DIRECTORY",
            condition="ABOVE_THRESHOLD",
        )
        diag = f"D:\\Shares\\Scans is above {threshold:.0f} GB."
    elif ctx_class == "ransomware_ctx":
        ctx.update(
            state=1,
            confidenceFactor=rng.randrange(70, 100),
            affectedDirectories=["C:\\Users\\Public\\Documents"],
            watchPaths=["C:\\Users"],
            rwextension=".lockbit",
            metaAlertTime=now_ms,
            alertTime=now_ms,
        )
        diag = "Possible ransomware activity detected."
    elif ctx_class == "warranty_expiry_ctx":
        ctx.update(
            expiryDate="2025-03-31", vendor=rng.choice(("Dell", "HP", "Lenovo")), daysLeft=12
        )
        diag = "Hardware warranty expires in 12 days."
    elif ctx_class == "cloud_backup_sync_ctx":
        ctx.update(
            jobName=f"{hostname} - Cloud",
            lastSuccess=now_ms - rng.randrange(2, 9) * 86_400_000,
            errorCode=rng.choice(("E1021", "E2040", "E3003")),
        )
        diag = f"Cloud backup for {hostname} has not synced for several days."
    else:
        diag = f"Alert raised by {ctx_class}."
    return ctx, diag
