"""The generated world: realistic shapes, consistency, determinism and the live simulation."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import httpx

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FakeConfig, FakeService
from datto_tui.fakeapi.hostile import CLEAR_SCREEN, OSC_TITLE

from .conftest import ClientFactory, ServiceFactory, fetch_all

TIMESTAMP_FIELDS = ("lastSeen", "lastReboot", "lastAuditDate", "creationDate")
BITLOCKER = re.compile(r"^\d{6}(-\d{6}){7}$")


def _snapshot(svc: FakeService) -> list[Any]:
    world = svc.world
    return [
        [(d.uid, d.hostname, d.online, d.site, world.last_seen_ms(d)) for d in world.device_list],
        [(a.uid, a.priority, a.context, a.timestamp_ms) for a in world.open_alerts.values()],
        [(a.uid, a.resolved_on_ms) for a in world.resolved_alerts.values()],
        [(s.uid, s.name, s.online_count) for s in world.site_list],
    ]


async def test_timestamps_are_epoch_milliseconds(svc: FakeService, http: httpx.AsyncClient) -> None:
    now_ms = int(svc.clock.time() * 1000)
    devices = await fetch_all(http, "/api/v2/account/devices", "devices")
    for device in devices:
        for name in TIMESTAMP_FIELDS:
            value = device[name]
            assert isinstance(value, int) and not isinstance(value, bool), (name, value)
            assert now_ms - 5 * 365 * 86_400_000 < value <= now_ms, (name, value)
    alerts = await fetch_all(http, "/api/v2/account/alerts/resolved", "alerts")
    for alert in alerts:
        assert isinstance(alert["timestamp"], int)
        assert isinstance(alert["resolvedOn"], int)
        assert alert["resolvedOn"] >= alert["timestamp"]


async def test_alerts_point_to_real_devices_and_sites(
    svc: FakeService, http: httpx.AsyncClient
) -> None:
    devices = {d["uid"]: d for d in await fetch_all(http, "/api/v2/account/devices", "devices")}
    sites = {s["uid"]: s for s in await fetch_all(http, "/api/v2/account/sites", "sites")}
    alerts = await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
    assert len(alerts) == len(svc.world.open_alerts)
    for alert in alerts:
        source = alert["alertSourceInfo"]
        device = devices[source["deviceUid"]]
        assert source["deviceName"] == device["hostname"]
        assert source["siteUid"] == device["siteUid"]
        assert sites[source["siteUid"]]["name"] == source["siteName"]
        assert not alert["resolved"]
        assert "hostname" not in alert and "deviceUid" not in alert
    priorities = Counter(a["priority"] for a in alerts)
    assert priorities["Moderate"] + priorities["High"] > len(alerts) / 2


async def test_system_sites_and_site_counts(svc: FakeService, http: httpx.AsyncClient) -> None:
    sites = await fetch_all(http, "/api/v2/account/sites", "sites")
    assert len(sites) == 12
    assert sites[0]["name"] == "Managed"
    account_uid = svc.world.account.uid
    deleted = next(s for s in sites if s["name"] == "Deleted Devices")
    assert deleted["uid"] == f"{account_uid}-00000000"
    assert all(s["accountUid"] == account_uid for s in sites)
    assert [s["id"] for s in sites] == sorted(s["id"] for s in sites)
    devices = await fetch_all(http, "/api/v2/account/devices", "devices")
    per_site = Counter(d["siteUid"] for d in devices)
    online = Counter(d["siteUid"] for d in devices if d["online"])
    for site in sites:
        status = site["devicesStatus"]
        assert status["numberOfDevices"] == per_site[site["uid"]]
        assert status["numberOfOnlineDevices"] == online[site["uid"]]
        assert status["numberOfOfflineDevices"] == per_site[site["uid"]] - online[site["uid"]]
        assert site["portalUrl"] == f"https://merlot.rmm.datto.com/site/{site['id']}"
    assert all(d["deleted"] for d in devices if d["siteUid"] == deleted["uid"])
    account = (await http.get("/api/v2/account")).json()
    assert account["devicesStatus"]["numberOfDevices"] == len(devices)
    assert account["devicesStatus"]["numberOfOnlineDevices"] == sum(online.values())


async def test_devices_look_real(svc: FakeService, http: httpx.AsyncClient) -> None:
    devices = await fetch_all(http, "/api/v2/account/devices", "devices")
    classes = Counter(d["deviceClass"] for d in devices)
    assert {"device", "printer", "esxihost", "rmmnetworkdevice", "unknown"} <= set(classes)
    assert classes["device"] > len(devices) / 2
    hostnames = [d["hostname"] for d in devices]
    # Unique within a site; across clients "Marys-MacBook-Pro" may repeat, as in real accounts.
    in_site = [(d["siteUid"], d["hostname"]) for d in devices]
    assert len(set(in_site)) == len(in_site)
    assert any(re.fullmatch(r"[A-Z0-9]+-WS-\d{4}", h) for h in hostnames)
    assert any(re.fullmatch(r"[A-Z0-9]+-SRV-DC\d{2}", h) for h in hostnames)
    systems = " ".join(d["operatingSystem"] or "" for d in devices)
    for name in ("Windows 10", "Windows 11", "Windows Server", "macOS", "Ubuntu"):
        assert name in systems
    assert any(d["intIpAddress"] and d["intIpAddress"].startswith("10.") for d in devices)
    assert any(d["lastLoggedInUser"] is None for d in devices)
    assert any(d["a64Bit"] is None for d in devices)
    udfs = [v for d in devices for v in d["udf"].values() if v]
    assert all(set(d["udf"]) == {f"udf{i}" for i in range(1, 31)} for d in devices)
    assert any(BITLOCKER.match(v) for v in udfs)  # secrets live in UDFs on real accounts
    for device in devices[:20]:
        assert device["portalUrl"] == f"https://merlot.rmm.datto.com/device/{device['id']}"
        assert device["webRemoteUrl"].startswith("https://merlot.rmm.datto.com/device/")


async def test_context_classes_cover_real_and_unknown(
    make_service: ServiceFactory, make_http: ClientFactory
) -> None:
    svc = make_service(devices=1500, alerts=600, resolved_alerts=600)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    alerts = await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
    alerts += await fetch_all(http, "/api/v2/account/alerts/resolved", "alerts")
    classes = {a["alertContext"]["@class"] for a in alerts}
    for wanted in (
        "online_offline_status_ctx",
        "comp_script_ctx",
        "eventlog_ctx",
        "perf_disk_usage_ctx",
        "antivirus_ctx",
        "patch_ctx",
        "srvc_status_ctx",
        "perf_resource_usage_ctx",
        "ping_ctx",
    ):
        assert wanted in classes, wanted
    assert classes & {"warranty_expiry_ctx", "cloud_backup_sync_ctx"}


def test_same_seed_same_world(clock: FakeClock) -> None:
    config = FakeConfig(seed=11, sites=8, devices=300, alerts=30)
    assert _snapshot(FakeService(config, clock=clock)) == _snapshot(
        FakeService(config, clock=clock)
    )
    other = FakeService(FakeConfig(seed=12, sites=8, devices=300, alerts=30), clock=clock)
    assert _snapshot(other) != _snapshot(FakeService(config, clock=clock))


def test_world_at_a_time_ignores_how_often_it_was_looked_at() -> None:
    config = FakeConfig(seed=3, sites=8, devices=400, alerts=40)
    step_clock, jump_clock = FakeClock(), FakeClock()
    stepped = FakeService(config, clock=step_clock)
    jumped = FakeService(config, clock=jump_clock)
    for _ in range(180):
        step_clock.advance(20)
        stepped.world.sync()
    jump_clock.advance(3600)
    jumped.world.sync()
    assert _snapshot(stepped) == _snapshot(jumped)


def test_simulation_opens_resolves_and_flaps(svc: FakeService, clock: FakeClock) -> None:
    world = svc.world
    before_open = set(world.open_alerts)
    before_online = {d.uid for d in world.device_list if d.online}
    before_resolved = len(world.resolved_alerts)
    clock.advance(4 * 3600)
    world.sync()
    after_open = set(world.open_alerts)
    assert after_open - before_open, "new alerts opened"
    assert before_open - after_open, "some alerts auto-resolved"
    assert len(world.resolved_alerts) > before_resolved
    after_online = {d.uid for d in world.device_list if d.online}
    assert after_online != before_online
    online = next(d for d in world.device_list if d.online)
    assert world.last_seen_ms(online) > int(clock.time() * 1000) - 120_000
    # Offline alerts follow their devices.
    for alert in world.open_alerts.values():
        if alert.context["@class"] == "online_offline_status_ctx":
            assert not world.device_list[alert.device].online


async def test_frozen_world_does_not_move(
    make_service: ServiceFactory, make_http: ClientFactory, clock: FakeClock
) -> None:
    svc = make_service(frozen=True)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    first = (await http.get("/api/v2/account/devices")).json()
    alerts = (await http.get("/api/v2/account/alerts/open")).json()
    clock.advance(6 * 3600)
    assert (await http.get("/api/v2/account/devices")).json() == first
    assert (await http.get("/api/v2/account/alerts/open")).json() == alerts


async def test_hooks(svc: FakeService, http: httpx.AsyncClient, clock: FakeClock) -> None:
    world = svc.world
    device = next(d for d in world.device_list if d.online and not d.deleted)
    alert = world.open_alert(device.uid, context_class="eventlog_ctx", priority="Critical")
    body = (await http.get(f"/api/v2/alert/{alert.uid}")).json()
    assert body["priority"] == "Critical"
    assert body["alertContext"]["@class"] == "eventlog_ctx"
    assert body["alertSourceInfo"]["deviceUid"] == device.uid
    world.set_online(device.uid, False, alert=True)
    assert not (await http.get(f"/api/v2/device/{device.uid}")).json()["online"]
    offline_alert = device.offline_alert
    assert offline_alert is not None
    clock.advance(3 * 3600)
    assert not (await http.get(f"/api/v2/device/{device.uid}")).json()["online"]  # stays down
    world.set_online(device.uid, True)
    assert (await http.get(f"/api/v2/device/{device.uid}")).json()["online"]
    assert (await http.get(f"/api/v2/alert/{offline_alert}")).json()["resolved"]
    added = world.add_device(hostname="NEW-BOX-01")
    found = (await http.get("/api/v2/account/devices", params={"hostname": "new-box"})).json()
    assert [d["uid"] for d in found["devices"]] == [added.uid]
    target = next(s for s in world.site_list if s.system is None and s.index != added.site)
    world.move_device(added.uid, target.uid)
    moved = (await http.get(f"/api/v2/device/{added.uid}")).json()
    assert moved["siteUid"] == target.uid
    world.rename_site(target.uid, "Renamed Site")
    assert (await http.get(f"/api/v2/site/{target.uid}")).json()["name"] == "Renamed Site"


async def test_hostile_strings_are_served(
    make_service: ServiceFactory, make_http: ClientFactory
) -> None:
    svc = make_service(hostile=True, devices=1200, alerts=120)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    response = await http.get("/api/v2/account/devices")
    assert response.status_code == 200
    text = "".join(
        [
            *(s["name"] for s in await fetch_all(http, "/api/v2/account/sites", "sites")),
            *(
                str(d["hostname"]) + str(d["lastLoggedInUser"]) + str(d["udf"])
                for d in await fetch_all(http, "/api/v2/account/devices", "devices")
            ),
            *(
                a["diagnostics"]
                for a in await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
            ),
        ]
    )
    for payload in ("[/]", "[bold red]", OSC_TITLE, CLEAR_SCREEN, "\x00", "\u202e", "東京", "\n"):
        assert payload in text, repr(payload)
    assert "W" * 10_000 in text


def test_the_account_generated_on_first_use_is_the_one_of_creation_time() -> None:
    """The demo draws its first frame before the fake generates its account; generated later,
    it is the same account as of the service's creation, advanced to the clock like any."""
    config = FakeConfig(seed=3, sites=4, devices=40, alerts=6)
    eager_clock, lazy_clock = FakeClock(1_800_000_000.0), FakeClock(1_800_000_000.0)
    eager = FakeService(config, clock=eager_clock)
    eager.generate()
    lazy = FakeService(config, clock=lazy_clock)
    assert lazy._world is None
    eager_clock.advance(600)
    lazy_clock.advance(600)
    assert lazy.world.t0_ms == eager.world.t0_ms == 1_800_000_000_000
    eager.world.sync()
    lazy.world.sync()
    assert _snapshot(lazy) == _snapshot(eager)
