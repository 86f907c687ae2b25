"""Record factories for the monitor tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from datto_tui.api.models import Account, Alert, Device, RequestRate, Site

_BASE_DEVICE = Device.from_api(
    {
        "id": 1,
        "uid": "d-template",
        "siteUid": "s-1",
        "siteName": "Site one",
        "hostname": "HOST",
        "deviceType": {"category": "Desktop", "type": "Desktop"},
        "deviceClass": "device",
        "operatingSystem": "Microsoft Windows 11 Pro",
        "online": True,
        "suspended": False,
        "deleted": False,
        "lastSeen": 1_780_000_000_000,
        "patchManagement": {"patchStatus": "FullyPatched"},
        "udf": {"udf1": "alpha"},
    }
)

_BASE_ALERT = Alert.from_api(
    {
        "alertUid": "a-template",
        "priority": "High",
        "diagnostics": "disk nearly full",
        "resolved": False,
        "muted": False,
        "timestamp": 1_780_000_000_000,
        "alertContext": {"@class": "disk_usage_ctx", "diskName": "C:", "freeSpace": 1},
        "alertSourceInfo": {
            "deviceUid": "d-1",
            "deviceName": "HOST-1",
            "siteUid": "s-1",
            "siteName": "Site one",
        },
    }
)


def site(uid: str, name: str | None = None, **changes: Any) -> Site:
    base = Site.from_api({"uid": uid, "name": name or f"Site {uid}", "accountUid": "acc"})
    return replace(base, **changes) if changes else base


def device(
    uid: str, site_uid: str | None = "s-1", online: bool | None = True, **changes: Any
) -> Device:
    return replace(
        _BASE_DEVICE, uid=uid, hostname=f"HOST-{uid}", site_uid=site_uid, online=online, **changes
    )


def alert(
    uid: str,
    device_uid: str | None = "d-1",
    site_uid: str | None = "s-1",
    priority: str | None = "High",
    **changes: Any,
) -> Alert:
    return replace(
        _BASE_ALERT,
        alert_uid=uid,
        device_uid=device_uid,
        site_uid=site_uid,
        priority=priority,
        **changes,
    )


def account(devices: int = 3) -> Account:
    return Account.from_api(
        {"uid": "acc", "name": "Acme MSP", "devicesStatus": {"numberOfDevices": devices}}
    )


def request_rate(count: int = 10) -> RequestRate:
    return RequestRate.from_api({"accountCount": count, "accountRateLimit": 600})


WHEN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
