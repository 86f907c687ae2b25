"""Records to wire JSON, field for field as the service sends them.

Field names and order follow the OpenAPI document; values follow the live service where it
differs from the document: timestamps are epoch-millisecond integers, many fields are null,
``alertContext`` carries a snake_case ``@class``, device JSON has the v2 ``udf`` object.
"""

from __future__ import annotations

import random
from typing import Any

from datto_tui.fakeapi import names
from datto_tui.fakeapi.hostile import hostile_text
from datto_tui.fakeapi.model import (
    PROFILES,
    ActivityRec,
    AlertRec,
    ComponentRec,
    DeviceRec,
    FilterRec,
    JobRec,
    SiteRec,
    UserRec,
    VariableRec,
)
from datto_tui.fakeapi.queries import device_type_name
from datto_tui.fakeapi.world import World

DAY_MS = 86_400_000


def portal(world: World) -> str:
    return f"https://{world.config.platform}.rmm.datto.com"


def account(world: World) -> dict[str, Any]:
    acc = world.account
    total = len(world.device_list)
    on_demand = sum(len(s.device_ixs) for s in world.site_list if s.on_demand)
    return {
        "id": acc.id,
        "uid": acc.uid,
        "name": acc.name,
        "currency": acc.currency,
        "descriptor": {
            "bilingEmail": acc.billing_email,
            "deviceLimit": acc.device_limit,
            "timeZone": acc.time_zone,
        },
        "devicesStatus": {
            "numberOfDevices": total,
            "numberOfOnlineDevices": world.online_total,
            "numberOfOfflineDevices": total - world.online_total,
            "numberOfOnDemandDevices": on_demand,
            "numberOfManagedDevices": total - on_demand,
        },
    }


def site(world: World, s: SiteRec) -> dict[str, Any]:
    total = len(s.device_ixs)
    return {
        "id": s.id,
        "uid": s.uid,
        "accountUid": world.account.uid,
        "name": s.name,
        "description": s.description,
        "notes": s.notes,
        "onDemand": s.on_demand,
        "splashtopAutoInstall": s.splashtop_auto_install,
        "proxySettings": dict(s.proxy) if s.proxy else None,
        "devicesStatus": {
            "numberOfDevices": total,
            "numberOfOnlineDevices": s.online_count,
            "numberOfOfflineDevices": total - s.online_count,
        },
        "autotaskCompanyName": s.autotask_name,
        "autotaskCompanyId": s.autotask_id,
        "portalUrl": f"{portal(world)}/site/{s.id}",
    }


def device(world: World, d: DeviceRec) -> dict[str, Any]:
    s = world.site_list[d.site]
    t = world.traits(d)
    profile = PROFILES[d.profile]
    last_seen = world.last_seen_ms(d)
    floor = d.created_ms
    base = portal(world)
    return {
        "id": d.id,
        "uid": d.uid,
        "siteId": s.id,
        "siteUid": s.uid,
        "siteName": s.name,
        "deviceType": {"category": profile.category, "type": device_type_name(d)},
        "hostname": d.hostname,
        "intIpAddress": t.int_ip,
        "operatingSystem": d.os,
        "lastLoggedInUser": t.last_user,
        "domain": t.domain,
        "cagVersion": t.cag_version,
        "displayVersion": d.display_version,
        "extIpAddress": t.ext_ip,
        "description": t.description,
        "a64Bit": t.a64,
        "rebootRequired": t.reboot_required,
        "online": d.online,
        "suspended": t.suspended,
        "deleted": d.deleted,
        "lastSeen": last_seen,
        "lastReboot": max(floor, min(last_seen, world.t0_ms - t.last_reboot_age_ms)),
        "lastAuditDate": max(floor, min(last_seen, world.t0_ms - t.last_audit_age_ms)),
        "creationDate": d.created_ms,
        "udf": dict(t.udf),
        "snmpEnabled": t.snmp_enabled,
        "deviceClass": profile.device_class,
        "portalUrl": f"{base}/device/{d.id}",
        "warrantyDate": t.warranty_date,
        "antivirus": {"antivirusProduct": t.av_product, "antivirusStatus": t.av_status},
        "patchManagement": {
            "patchStatus": t.patch_status,
            "patchesApprovedPending": t.patches_pending,
            "patchesNotApproved": t.patches_not_approved,
            "patchesInstalled": t.patches_installed,
        },
        "softwareStatus": t.software_status,
        "webRemoteUrl": f"{base}/device/{d.id}/webremote",
        "networkProbe": t.network_probe,
        "onboardedViaNetworkMonitor": t.onboarded_via_network_monitor,
    }


def alert(world: World, a: AlertRec) -> dict[str, Any]:
    d = world.device_list[a.device]
    s = world.site_list[d.site]
    return {
        "alertUid": a.uid,
        "priority": a.priority,
        "diagnostics": a.diagnostics,
        "resolved": a.resolved,
        "resolvedBy": a.resolved_by,
        "resolvedOn": a.resolved_on_ms,
        "muted": a.muted,
        "ticketNumber": a.ticket_number,
        "timestamp": a.timestamp_ms,
        "alertMonitorInfo": {"sendsEmails": a.sends_emails, "createsTicket": a.creates_ticket},
        "alertContext": dict(a.context),
        "alertSourceInfo": {
            "deviceUid": d.uid,
            "deviceName": d.hostname,
            "siteUid": s.uid,
            "siteName": s.name,
        },
        "responseActions": [dict(r) for r in a.response_actions],
        "autoresolveMins": a.autoresolve_mins,
    }


def user(u: UserRec) -> dict[str, Any]:
    return {
        "firstName": u.first_name,
        "lastName": u.last_name,
        "username": u.username,
        "email": u.email,
        "telephone": u.telephone,
        "status": u.status,
        "created": u.created_ms,
        "lastAccess": u.last_access_ms,
        "disabled": u.disabled,
    }


def variable(v: VariableRec) -> dict[str, Any]:
    return {"id": v.id, "name": v.name, "value": v.value, "masked": v.masked}


def component(c: ComponentRec) -> dict[str, Any]:
    return {
        "id": c.id,
        "credentialsRequired": c.credentials_required,
        "uid": c.uid,
        "name": c.name,
        "description": c.description,
        "categoryCode": c.category_code,
        "variables": [dict(v) for v in c.variables],
    }


def filter_(f: FilterRec) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "description": f.description,
        "type": f.type,
        "dateCreate": f.created_ms,
        "lastUpdated": f.updated_ms,
    }


def job(world: World, j: JobRec, now_ms: int) -> dict[str, Any]:
    state = world.job_state(j, now_ms)
    return {
        "id": j.id,
        "uid": j.uid,
        "name": j.name,
        "dateCreated": j.created_ms,
        "status": state.status,
    }


def job_component(world: World, j: JobRec) -> dict[str, Any]:
    c = world.components[j.component]
    return {"uid": c.uid, "name": c.name, "variables": [dict(v) for v in j.variables]}


def _job_output(world: World, j: JobRec) -> tuple[str, str]:
    c = world.components[j.component]
    host = world.device_list[j.device].hostname
    out = [f"Starting component '{c.name}' on {host}"]
    err = ""
    if j.outcome == "Success":
        out.append("Completed successfully.")
    elif j.outcome == "Warning":
        out.append(f"Completed with {j.warnings} warning(s).")
        err = "WARNING: some items were skipped (in use)."
    else:
        out.append("Component failed.")
        err = "ERROR: Access is denied. (Exception from HRESULT: 0x80070005)"
    if world.config.hostile and j.id % 3 == 0:
        out.append(hostile_text("output", j.id))
    return "\n".join(out), err


def job_results(world: World, j: JobRec, now_ms: int) -> dict[str, Any]:
    state = world.job_state(j, now_ms)
    c = world.components[j.component]
    finished = state.deployment in ("Success", "Warning", "Failure")
    out, err = _job_output(world, j)
    results = []
    if finished:
        results.append(
            {
                "componentUid": c.uid,
                "componentName": c.name,
                "componentStatus": "Failure" if state.deployment == "Failure" else "Success",
                "numberOfWarnings": j.warnings,
                "hasStdOut": bool(out),
                "hasStdErr": bool(err),
            }
        )
    return {
        "jobUid": j.uid,
        "deviceUid": world.device_list[j.device].uid,
        "ranOn": state.ran_on_ms,
        "jobDeploymentStatus": state.deployment,
        "componentResults": results,
    }


def job_std(world: World, j: JobRec, now_ms: int, stream: str) -> list[dict[str, Any]]:
    state = world.job_state(j, now_ms)
    if state.deployment not in ("Success", "Warning", "Failure"):
        return []
    out, err = _job_output(world, j)
    data = out if stream == "stdout" else err
    if not data:
        return []
    c = world.components[j.component]
    return [{"componentUid": c.uid, "componentName": c.name, "stdData": data}]


def device_audit(world: World, d: DeviceRec) -> dict[str, Any]:
    t = world.traits(d)
    rng = random.Random(d.seed ^ 0xA0D17)
    mac = ":".join(t.mac[i : i + 2] for i in range(0, 12, 2))
    nics = [
        {
            "instance": "Ethernet",
            "ipv4": t.int_ip,
            "ipv6": t.ipv6,
            "macAddress": mac,
            "type": "Ethernet",
        }
    ]
    if PROFILES[d.profile].key in ("laptop", "mac"):
        wifi = f"{rng.getrandbits(48):012X}"
        nics.append(
            {
                "instance": "Wi-Fi",
                "ipv4": None,
                "ipv6": None,
                "macAddress": ":".join(wifi[i : i + 2] for i in range(0, 12, 2)),
                "type": "Wireless",
            }
        )
    ram = t.ram_bytes or 0
    modules = 2 if ram >= 16 << 30 else 1
    base = portal(world)
    user_name = t.last_user.split("\\")[-1] if t.last_user else None
    return {
        "portalUrl": f"{base}/device/{d.id}",
        "webRemoteUrl": f"{base}/device/{d.id}/webremote",
        "systemInfo": {
            "manufacturer": t.manufacturer,
            "model": t.model,
            "totalPhysicalMemory": t.ram_bytes,
            "username": user_name,
            "dotNetVersion": "4.8.09032" if d.os and "Windows" in d.os else None,
            "totalCpuCores": t.cores,
        },
        "nics": nics,
        "bios": {
            "instance": "Default System BIOS",
            "releaseDate": world.t0_ms - rng.randrange(100, 1500) * DAY_MS,
            "serialNumber": t.serial,
            "smBiosVersion": f"{rng.randrange(1, 3)}.{rng.randrange(0, 30)}.0",
        },
        "baseBoard": {"manufacturer": t.manufacturer, "product": f"0{rng.randrange(10000, 99999)}"},
        "displays": [
            {"instance": "Generic PnP Monitor", "screenHeight": 1080, "screenWidth": 1920}
        ],
        "logicalDisks": [
            {
                "description": "Local Fixed Disk",
                "diskIdentifier": "C:",
                "freespace": t.disk_free_bytes,
                "size": t.disk_total_bytes,
            }
        ],
        "mobileInfo": [],
        "processors": [{"name": t.cpu}],
        "videoBoards": [{"displayAdapter": "Intel(R) UHD Graphics"}],
        "attachedDevices": [],
        "snmpInfo": None,
        "physicalMemory": [
            {
                "module": f"DIMM{i}",
                "size": ram // modules,
                "type": "DDR4",
                "speed": "3200",
                "serialNumber": f"{rng.getrandbits(32):08X}",
                "partNumber": "M471A1K43DB1-CWE",
                "bank": f"BANK {i}",
            }
            for i in range(modules)
        ],
    }


def esxi_audit(world: World, d: DeviceRec) -> dict[str, Any]:
    t = world.traits(d)
    rng = random.Random(d.seed ^ 0xE5C1)
    guests = [
        {
            "guestName": f"{world.site_list[d.site].prefix}-VM{i:02d}",
            "processorSpeedTotal": rng.choice((2400, 4800, 9600)),
            "memorySizeTotal": rng.choice((4, 8, 16, 32)) << 30,
            "numberOfSnapshots": rng.randrange(0, 3),
            "datastores": "datastore1",
        }
        for i in range(1, rng.randrange(2, 8))
    ]
    size = rng.choice((2, 4, 8)) << 40
    return {
        "portalUrl": f"{portal(world)}/device/{d.id}",
        "systemInfo": {
            "manufacturer": t.manufacturer,
            "model": t.model,
            "name": d.hostname,
            "numberOfSnapshots": sum(g["numberOfSnapshots"] for g in guests),
            "serviceTag": t.serial,
        },
        "guests": guests,
        "processors": [{"frequency": 2400.0, "name": t.cpu, "numberOfCores": t.cores}],
        "nics": [
            {
                "name": "vmnic0",
                "ipv4": t.int_ip,
                "ipv6": None,
                "macAddress": t.mac,
                "speed": "10000",
                "type": "Ethernet",
            }
        ],
        "physicalMemory": [],
        "datastores": [
            {
                "datastoreName": "datastore1",
                "subscriptionPercent": rng.randrange(40, 140),
                "freeSpace": int(size * rng.uniform(0.05, 0.6)),
                "size": size,
                "fileSystem": "VMFS-6",
                "status": "normal",
                "dataExtents": [
                    {"name": "naa.6000c29", "size": size, "mediaType": "SSD", "status": "ok"}
                ],
            }
        ],
    }


def printer_audit(world: World, d: DeviceRec) -> dict[str, Any]:
    t = world.traits(d)
    rng = random.Random(d.seed ^ 0x9817)
    return {
        "portalUrl": f"{portal(world)}/device/{d.id}",
        "snmpInfo": {
            "snmpName": d.hostname,
            "snmpContact": "helpdesk@northwind-it.example",
            "snmpDescription": t.model,
            "snmpLocation": "Front office",
            "snmpUptime": f"{rng.randrange(1, 90)} days",
            "nicManufacturer": t.manufacturer,
            "objectId": "1.3.6.1.4.1.11.2.3.9.1",
            "snmpSerial": t.serial,
        },
        "printerMarkerSupplies": [
            {
                "description": colour,
                "maxCapacity": "100",
                "suppliesLevel": str(rng.randrange(0, 101)),
            }
            for colour in ("Black Toner", "Cyan Toner", "Magenta Toner", "Yellow Toner")
        ],
        "printer": {"printedPageCount": rng.randrange(1_000, 400_000)},
        "systemInfo": {"manufacturer": t.manufacturer, "model": t.model},
        "nics": [
            {
                "instance": "Ethernet",
                "ipv4": t.int_ip,
                "ipv6": None,
                "macAddress": t.mac,
                "type": "Ethernet",
            }
        ],
    }


def software_list(world: World, d: DeviceRec) -> list[dict[str, Any]]:
    """Installed software of a device (name, version), sorted by name; stable per device."""
    key = PROFILES[d.profile].key
    if key not in ("desktop", "laptop", "server", "mac", "linux"):
        return []
    rng = random.Random(d.seed ^ 0x50F7)
    picks = rng.sample(names.SOFTWARE, rng.randrange(8, len(names.SOFTWARE)))
    items = [{"name": name, "version": rng.choice(versions)} for name, versions in picks]
    if world.config.hostile and d.seed % 19 == 0:
        items.append({"name": hostile_text("Toolbar", d.seed), "version": "1.0"})
    items.sort(key=lambda i: str(i["name"]).lower())
    return items


def activity(world: World, a: ActivityRec) -> dict[str, Any]:
    s = world.site_list[a.site] if a.site is not None else None
    d = world.device_list[a.device] if a.device is not None else None
    u = world.users[a.user] if a.user is not None else None
    return {
        "id": a.id,
        "entity": a.entity,
        "category": a.category,
        "action": a.action,
        "date": a.date_ms / 1000.0,
        "site": {"id": s.id, "name": s.name} if s is not None else None,
        "deviceId": d.id if d is not None else None,
        "hostname": d.hostname if d is not None else None,
        "user": (
            {"id": u.id, "userName": u.username, "firstName": u.first_name, "lastName": u.last_name}
            if u is not None
            else None
        ),
        "details": a.details,
        "hasStdOut": a.has_stdout,
        "hasStdErr": a.has_stderr,
    }


def network_interfaces(world: World, d: DeviceRec) -> dict[str, Any]:
    s = world.site_list[d.site]
    t = world.traits(d)
    profile = PROFILES[d.profile]
    return {
        "id": d.id,
        "uid": d.uid,
        "siteId": s.id,
        "siteUid": s.uid,
        "siteName": s.name,
        "deviceType": {"category": profile.category, "type": device_type_name(d)},
        "hostname": d.hostname,
        "intIpAddress": t.int_ip,
        "extIpAddress": t.ext_ip,
        "nics": [
            {
                "instance": "Ethernet",
                "ipv4": t.int_ip,
                "ipv6": t.ipv6,
                "macAddress": t.mac,
                "type": "Ethernet",
            }
        ],
    }


def site_settings(world: World, s: SiteRec) -> dict[str, Any]:
    return {
        "generalSettings": {
            "name": s.name,
            "uid": s.uid,
            "description": s.description,
            "onDemand": s.on_demand,
        },
        "proxySettings": dict(s.proxy) if s.proxy else None,
        "mailRecipients": [
            {
                "name": "Service desk",
                "email": "alerts@northwind-it.example",
                "type": "email",
                "receivesNewDevices": True,
                "receivesAlerts": True,
                "receivesReports": False,
            }
        ],
    }
