"""Endpoint behaviour: resolve, quick jobs, audits, lookups, activity logs, errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FakeService
from datto_tui.fakeapi.model import PROFILES, DeviceRec

from .conftest import ServiceFactory, fetch_all


def _device_of_class(svc: FakeService, device_class: str, *, online: bool = True) -> DeviceRec:
    return next(
        d
        for d in svc.world.device_list
        if PROFILES[d.profile].device_class == device_class and d.online is online and not d.deleted
    )


async def test_resolve_moves_an_alert_from_open_to_resolved(
    svc: FakeService, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    open_before = await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
    target = open_before[0]
    uid = target["alertUid"]
    device_uid = target["alertSourceInfo"]["deviceUid"]
    clock.advance(5)
    response = await http.post(f"/api/v2/alert/{uid}/resolve")
    assert response.status_code == 200
    assert response.content == b""
    open_after = await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
    assert uid not in {a["alertUid"] for a in open_after}
    resolved = await fetch_all(http, "/api/v2/account/alerts/resolved", "alerts")
    entry = next(a for a in resolved if a["alertUid"] == uid)
    assert entry["resolved"] is True
    assert entry["resolvedBy"] == svc.config.api_username
    assert entry["resolvedOn"] == int(clock.time() * 1000)
    device_open = (await http.get(f"/api/v2/device/{device_uid}/alerts/open")).json()
    assert uid not in {a["alertUid"] for a in device_open["alerts"]}
    single = (await http.get(f"/api/v2/alert/{uid}")).json()
    assert single["resolved"] is True
    # Resolving again: 200, nothing changes (the first resolve's time stays).
    clock.advance(30)
    again = await http.post(f"/api/v2/alert/{uid}/resolve")
    assert again.status_code == 200
    assert (await http.get(f"/api/v2/alert/{uid}")).json()["resolvedOn"] == entry["resolvedOn"]
    assert (await http.post("/api/v2/alert/not-an-alert/resolve")).status_code == 404
    rate = (await http.get("/api/v2/system/request_rate")).json()
    # Three resolve calls (the unknown one too: the limiter counts before the lookup).
    assert rate["operationWriteStatus"]["alert-resolve"]["count"] == 3
    assert rate["accountWriteCount"] == 3


async def test_mute_is_a_no_op(svc: FakeService, http: httpx.AsyncClient) -> None:
    uid = next(iter(svc.world.open_alerts))
    before = (await http.get(f"/api/v2/alert/{uid}")).json()
    for action in ("mute", "unmute"):
        response = await http.post(f"/api/v2/alert/{uid}/{action}")
        assert response.status_code == 200
        assert response.content == b""
    assert (await http.get(f"/api/v2/alert/{uid}")).json() == before


async def test_muted_filter(svc: FakeService, http: httpx.AsyncClient) -> None:
    everything = await fetch_all(http, "/api/v2/account/alerts/resolved", "alerts")
    muted = (await http.get("/api/v2/account/alerts/resolved", params={"muted": "true"})).json()
    unmuted = (await http.get("/api/v2/account/alerts/resolved", params={"muted": "false"})).json()
    assert all(a["muted"] for a in muted["alerts"])
    assert not any(a["muted"] for a in unmuted["alerts"])
    total = muted["pageDetails"]["totalCount"] + unmuted["pageDetails"]["totalCount"]
    assert total == len(everything)
    bad = await http.get("/api/v2/account/alerts/open", params={"muted": "maybe"})
    assert bad.status_code == 400


async def test_site_and_device_alerts(svc: FakeService, http: httpx.AsyncClient) -> None:
    world = svc.world
    alert = next(iter(world.open_alerts.values()))
    device = world.device_list[alert.device]
    site = world.site_list[device.site]
    site_alerts = await fetch_all(http, f"/api/v2/site/{site.uid}/alerts/open", "alerts")
    assert alert.uid in {a["alertUid"] for a in site_alerts}
    assert all(a["alertSourceInfo"]["siteUid"] == site.uid for a in site_alerts)
    device_alerts = await fetch_all(http, f"/api/v2/device/{device.uid}/alerts/open", "alerts")
    assert all(a["alertSourceInfo"]["deviceUid"] == device.uid for a in device_alerts)
    assert (await http.get("/api/v2/site/nope/alerts/open")).status_code == 404


async def test_quick_job_runs_to_completion(
    svc: FakeService, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    device = _device_of_class(svc, "device")
    component = next(c for c in svc.world.components if c.name == "Restart Print Spooler")
    response = await http.put(
        f"/api/v2/device/{device.uid}/quickjob",
        json={
            "jobName": "Fix printing",
            "jobComponent": {
                "componentUid": component.uid,
                "variables": [{"name": "clearQueue", "value": "true"}],
            },
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    job = body["job"]
    assert job["name"] == "Fix printing"
    assert job["status"] == "active"
    assert body["jobComponents"][0]["uid"] == component.uid
    assert body["jobComponents"][0]["variables"] == [{"name": "clearQueue", "value": "true"}]
    results_url = f"/api/v2/job/{job['uid']}/results/{device.uid}"
    pending = (await http.get(results_url)).json()
    assert pending["jobDeploymentStatus"] == "Pending"
    assert pending["componentResults"] == []
    assert (await http.get(f"{results_url}/stdout")).json() == []
    clock.advance(300)
    done = (await http.get(results_url)).json()
    assert done["jobDeploymentStatus"] in ("Success", "Warning", "Failure")
    assert isinstance(done["ranOn"], int)
    assert (await http.get(f"/api/v2/job/{job['uid']}")).json()["status"] == "completed"
    stdout = (await http.get(f"{results_url}/stdout")).json()
    assert stdout and stdout[0]["componentUid"] == component.uid
    assert "Restart Print Spooler" in stdout[0]["stdData"]
    stderr = (await http.get(f"{results_url}/stderr")).json()
    assert isinstance(stderr, list)
    components = (await http.get(f"/api/v2/job/{job['uid']}/components")).json()
    assert components["jobComponents"][0]["name"] == component.name
    other = next(d for d in svc.world.device_list if d.uid != device.uid)
    assert (await http.get(f"/api/v2/job/{job['uid']}/results/{other.uid}")).status_code == 404
    assert (await http.get("/api/v2/job/nope")).status_code == 404


async def test_quick_job_outcome_is_deterministic(make_service: ServiceFactory) -> None:
    outcomes = []
    for _ in range(2):
        svc = make_service()
        device = _device_of_class(svc, "device")
        jobs = [
            svc.world.create_job(device.uid, f"job {i}", svc.world.components[i % 5].uid, [])
            for i in range(12)
        ]
        outcomes.append([j.outcome for j in jobs])
    assert outcomes[0] == outcomes[1]
    assert len(set(outcomes[0])) > 1


async def test_quick_job_validation(svc: FakeService, http: httpx.AsyncClient) -> None:
    device = _device_of_class(svc, "device")
    component = svc.world.components[0]
    url = f"/api/v2/device/{device.uid}/quickjob"
    good = {"jobName": "x", "jobComponent": {"componentUid": component.uid, "variables": []}}
    assert (await http.put(url, json=good)).status_code == 200
    bad_bodies = [
        {},
        {"jobName": "", "jobComponent": good["jobComponent"]},
        {"jobName": "x", "jobComponent": {"componentUid": "nope"}},
        {
            "jobName": "x",
            "jobComponent": {
                "componentUid": component.uid,
                "variables": [{"name": "notAVariable", "value": "1"}],
            },
        },
    ]
    for body in bad_bodies:
        assert (await http.put(url, json=body)).status_code == 400, body
    assert (await http.put(url, content=b"{not json")).status_code == 400
    printer = _device_of_class(svc, "printer")
    response = await http.put(f"/api/v2/device/{printer.uid}/quickjob", json=good)
    assert response.status_code == 400  # no agent on a printer
    assert (await http.put("/api/v2/device/nope/quickjob", json=good)).status_code == 404
    assert (await http.get(url)).status_code == 405


async def test_job_for_offline_device_stays_pending_then_expires(
    svc: FakeService, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    device = _device_of_class(svc, "device", online=False)
    component = svc.world.components[1]
    body = {"jobName": "later", "jobComponent": {"componentUid": component.uid}}
    job = (await http.put(f"/api/v2/device/{device.uid}/quickjob", json=body)).json()["job"]
    url = f"/api/v2/job/{job['uid']}/results/{device.uid}"
    clock.advance(3600)
    assert (await http.get(url)).json()["jobDeploymentStatus"] == "Pending"
    clock.advance(24 * 3600)
    assert (await http.get(url)).json()["jobDeploymentStatus"] == "Expired"


async def test_audits(svc: FakeService, http: httpx.AsyncClient) -> None:
    device = _device_of_class(svc, "device")
    audit = (await http.get(f"/api/v2/audit/device/{device.uid}")).json()
    detail = (await http.get(f"/api/v2/device/{device.uid}")).json()
    assert audit["nics"][0]["ipv4"] == detail["intIpAddress"]
    assert audit["portalUrl"] == detail["portalUrl"]
    software = await fetch_all(http, f"/api/v2/audit/device/{device.uid}/software", "software")
    assert software and all(set(s) == {"name", "version"} for s in software)
    for device_class in ("printer", "esxihost", "rmmnetworkdevice"):
        other = _device_of_class(svc, device_class)
        response = await http.get(f"/api/v2/audit/device/{other.uid}")
        assert response.status_code == 400
        assert response.json()["error"] == "Bad Request"
    printer = _device_of_class(svc, "printer")
    assert (await http.get(f"/api/v2/audit/printer/{printer.uid}")).status_code == 200
    assert (await http.get(f"/api/v2/audit/esxihost/{printer.uid}")).status_code == 400
    assert (await http.get("/api/v2/audit/device/nope")).status_code == 404


async def test_device_lookups(svc: FakeService, http: httpx.AsyncClient) -> None:
    device = _device_of_class(svc, "device")
    by_uid = (await http.get(f"/api/v2/device/{device.uid}")).json()
    assert (await http.get(f"/api/v2/device/id/{device.id}")).json() == by_uid
    mac = svc.world.traits(device).mac
    by_mac = (await http.get(f"/api/v2/device/macAddress/{mac}")).json()
    assert isinstance(by_mac, list)
    assert [d["uid"] for d in by_mac] == [device.uid] or device.uid in {d["uid"] for d in by_mac}
    colons = ":".join(mac[i : i + 2] for i in range(0, 12, 2))
    assert (await http.get(f"/api/v2/device/macAddress/{colons}")).status_code == 200
    assert (await http.get("/api/v2/device/macAddress/FFFFFFFFFFFF")).status_code == 404
    assert (await http.get("/api/v2/device/macAddress/not-a-mac")).status_code == 400
    assert (await http.get("/api/v2/device/id/123")).status_code == 404
    assert (await http.get("/api/v2/device/id/abc")).status_code == 400


async def test_device_writes(svc: FakeService, http: httpx.AsyncClient) -> None:
    device = _device_of_class(svc, "device")
    url = f"/api/v2/device/{device.uid}"
    assert (await http.post(f"{url}/udf", json={"udf7": "Rack 4", "udf1": None})).status_code == 200
    body = (await http.get(url)).json()
    assert body["udf"]["udf7"] == "Rack 4"
    assert body["udf"]["udf1"] is None
    assert (await http.post(f"{url}/udf", json={"udf301": "x"})).status_code == 400
    assert (
        await http.post(f"{url}/warranty", json={"warrantyDate": "2029-05-01"})
    ).status_code == 200
    assert (await http.get(url)).json()["warrantyDate"] == "2029-05-01"
    assert (await http.post(f"{url}/warranty", json={"warrantyDate": "May"})).status_code == 400
    site = next(s for s in svc.world.site_list if s.system is None and s.index != device.site)
    assert (await http.put(f"{url}/site/{site.uid}")).status_code == 200
    assert (await http.get(url)).json()["siteUid"] == site.uid


async def test_errors_are_spring_bodies(svc: FakeService, http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v2/site/does-not-exist")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"timestamp", "status", "error", "path"}
    assert body == {
        "timestamp": int(svc.clock.time() * 1000),
        "status": 404,
        "error": "Not Found",
        "path": "/api/v2/site/does-not-exist",
    }
    wrong = await http.delete("/api/v2/account/sites")
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "Method Not Allowed"
    assert (await http.get("/api/v3/account/devices")).status_code == 404
    assert (await http.get("/elsewhere")).status_code == 404


async def test_users_variables_components_filters(http: httpx.AsyncClient) -> None:
    users = (await http.get("/api/v2/account/users")).json()["users"]
    assert users and all(isinstance(u["created"], int) for u in users)
    variables = (await http.get("/api/v2/account/variables")).json()["variables"]
    assert any(v["masked"] for v in variables)
    components = (await http.get("/api/v2/account/components")).json()["components"]
    assert any(c["variables"] for c in components)
    defaults = (await http.get("/api/v2/filter/default-filters")).json()["filters"]
    custom = (await http.get("/api/v2/filter/custom-filters")).json()["filters"]
    assert {f["type"] for f in defaults} == {"rmm_default"}
    assert {f["type"] for f in custom} == {"custom"}


async def test_activity_logs_follow_search_after(svc: FakeService, http: httpx.AsyncClient) -> None:
    first = (await http.get("/api/v2/activity-logs", params={"size": 5})).json()
    total = first["pageDetails"]["totalCount"]
    assert total > 5
    dates = [a["date"] for a in first["activities"]]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    next_url = first["pageDetails"]["nextPageUrl"]
    query = parse_qs(urlsplit(next_url).query)
    assert query["page"] == ["next"]
    assert "searchAfter" in query and {"from", "until", "size"} <= set(query)
    seen = [a["id"] for a in first["activities"]]
    url: str | None = next_url
    while url:
        page = (await http.get(url)).json()
        seen.extend(a["id"] for a in page["activities"])
        url = page["pageDetails"]["nextPageUrl"]
    assert len(seen) == len(set(seen)) == total
    ascending = (await http.get("/api/v2/activity-logs", params={"order": "asc", "size": 3})).json()
    asc_dates = [a["date"] for a in ascending["activities"]]
    assert asc_dates == sorted(asc_dates)
    day = (
        await http.get(
            "/api/v2/activity-logs",
            params={"from": "2026-05-27T00:00:00Z", "until": "2026-06-01T00:00:00Z", "size": 1},
        )
    ).json()
    assert day["pageDetails"]["totalCount"] > total  # a wider window than the last 15 minutes
    users = (
        await http.get("/api/v2/activity-logs", params={"entities": "user", "size": 1000})
    ).json()
    assert all(a["entity"] == "USER" for a in users["activities"])
    bad = await http.get("/api/v2/activity-logs", params={"from": "yesterday"})
    assert bad.status_code == 400
