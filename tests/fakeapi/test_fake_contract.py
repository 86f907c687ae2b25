"""Contract: every endpoint the fake implements answers in the shape of Datto's OpenAPI document.

The document is read from ``<repo>/../shared/datto-api/`` (never copied into the repo). Its
200-response schemas are validated with jsonschema after the documented deviations of the live
service are applied (see NOTES.md section 1): any field may be null; ``date-time`` strings are
epoch-millisecond integers; ``alertContext`` is tagged by a snake_case ``@class`` the document
never maps (checked separately, class by class); the v2 ``Device`` carries ``udf``. Objects are
otherwise closed: a field the document does not name fails the test, so typos cannot hide.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from datto_tui.clock import FakeClock
from datto_tui.fakeapi import FakeService
from datto_tui.fakeapi.model import PROFILES
from datto_tui.fakeapi.routes import build_router

from .conftest import ClientFactory, ServiceFactory, fetch_all

SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "datto-api"
    / "kaseya-datto-rmm-openapi-original.json"
)

# @class -> the document's schema for it (the mapping the document leaves out).
CONTEXT_SCHEMAS = {
    "online_offline_status_ctx": "OnlineOfflineStatusContext",
    "comp_script_ctx": "ScriptContext",
    "eventlog_ctx": "EventLogContext",
    "perf_disk_usage_ctx": "DiskUsageContext",
    "disk_usage_ctx": "DiskUsageContext",
    "process_status_ctx": "StatusContext",
    "status_ctx": "StatusContext",
    "patch_ctx": "PatchContext",
    "antivirus_ctx": "AntivirusContext",
    "ping_ctx": "PingContext",
    "custom_snmp_ctx": "CustomSNMPContext",
    "snmp_probe_ctx": "SNMPProbeContext",
    "action_ctx": "ActionContext",
    "backup_management_ctx": "BackupManagementContext",
    "seccenter_ctx": "SecCenterContext",
    "security_management_ctx": "SecurityManagementContext",
    "temperature_ctx": "TemperatureContext",
    "fan_ctx": "FanContext",
    "psu_ctx": "PsuContext",
    "disk_health_ctx": "DiskHealthContext",
    "windows_performance_ctx": "WindowsPerformanceContext",
    "wmi_ctx": "WmiContext",
    "network_monitor_ctx": "NetworkMonitorContext",
    "printer_ctx": "PrinterContext",
    "fs_object_ctx": "FileSystemContext",
    "ransomware_ctx": "RansomWareContext",
}
# Classes real alerts carry that the document lacks: their fields per NOTES.md section 5.3.
CONTEXT_FIELDS_OUTSIDE_SPEC = {
    "perf_resource_usage_ctx": {"type", "percentage"},
    "srvc_status_ctx": {"serviceName", "status"},
}
UDF_SCHEMA = {
    "type": ["object", "null"],
    "patternProperties": {"^udf[0-9]+$": {"type": ["string", "null"]}},
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        message = f"OpenAPI document missing: {SPEC_PATH}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"{message} (the contract tests read Datto's document from ../shared)")
    document: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return document


def _resolve(node: Any, components: dict[str, Any], depth: int = 0) -> Any:
    if depth > 40:
        raise RecursionError("schema nesting too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _resolve(copy.deepcopy(components[name]), components, depth + 1)
        return {k: _resolve(v, components, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, components, depth + 1) for v in node]
    return node


def loosen(schema: Any) -> Any:
    """Apply the live service's documented deviations to a resolved schema."""
    if not isinstance(schema, dict):
        return schema
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(part.get("properties", {}))
        return loosen(merged)
    if "oneOf" in schema or "anyOf" in schema:
        return {"type": ["object", "null"], "required": ["@class"]}
    out = {k: v for k, v in schema.items() if k not in ("description", "example", "pattern")}
    kind = out.get("type")
    if out.get("format") == "date-time":
        out.pop("format")
        kind = "integer"
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif "properties" in out and kind is None:
        out["type"] = ["object", "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "properties" in out:
        out["properties"] = {name: loosen(sub) for name, sub in out["properties"].items()}
        out.setdefault("additionalProperties", False)
        if "alertContext" in out["properties"]:
            out["properties"]["alertContext"] = {"type": ["object", "null"], "required": ["@class"]}
        if "deviceClass" in out["properties"] and "lastSeen" in out["properties"]:
            out["properties"]["udf"] = UDF_SCHEMA
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = loosen(out["additionalProperties"])
    if "items" in out:
        out["items"] = loosen(out["items"])
    return out


class Contract:
    """200-response schemas of the document, by (method, path template)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components = document["components"]["schemas"]
        self.paths: dict[tuple[str, str], Any] = {}
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                ok = operation.get("responses", {}).get("200", {})
                content = ok.get("content", {}).get("application/json", {})
                schema = content.get("schema")
                self.paths[(method.upper(), path)] = (
                    None if schema is None else loosen(_resolve(schema, self.components))
                )
        self._validators: dict[str, Any] = {}

    def schema(self, name: str) -> Any:
        return loosen(_resolve(copy.deepcopy(self.components[name]), self.components))

    def validator(self, key: str, schema: Any) -> Any:
        """A compiled validator per schema (``jsonschema.validate`` recompiles on every call)."""
        found = self._validators.get(key)
        if found is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            found = self._validators[key] = cls(schema)
        return found

    def check(self, method: str, template: str, body: Any) -> None:
        assert (method, template) in self.paths, f"{method} {template} is not in the document"
        schema = self.paths[(method, template)]
        assert schema is not None, f"{method} {template} documents no 200 body"
        self.validator(f"{method} {template}", schema).validate(body)

    def check_named(self, name: str, body: Any) -> None:
        self.validator(name, self.schema(name)).validate(body)


@pytest.fixture(scope="module")
def contract(spec: dict[str, Any]) -> Contract:
    return Contract(spec)


async def _world_handles(svc: FakeService, http: httpx.AsyncClient) -> dict[str, str]:
    """UIDs the endpoint URLs need, one of each kind."""
    world = svc.world
    by_class: dict[str, str] = {}
    for dev in world.device_list:
        if dev.online and not dev.deleted:
            by_class.setdefault(PROFILES[dev.profile].device_class, dev.uid)
    device_uid = by_class["device"]
    device = (await http.get(f"/api/v2/device/{device_uid}")).json()
    component = world.components[0]
    job = await http.put(
        f"/api/v2/device/{device_uid}/quickjob",
        json={
            "jobName": "contract",
            "jobComponent": {"componentUid": component.uid, "variables": []},
        },
    )
    assert job.status_code == 200, job.text
    resolved = next(iter(world.resolved_alerts))
    return {
        "siteUid": device["siteUid"],
        "deviceUid": device_uid,
        "deviceId": str(device["id"]),
        "macAddress": svc.world.traits(world.devices[device_uid]).mac,
        "printerUid": by_class["printer"],
        "esxiUid": by_class["esxihost"],
        "alertUid": next(iter(world.open_alerts)),
        "resolvedUid": resolved,
        "jobUid": job.json()["job"]["uid"],
        "jobResponse": job.text,
    }


# (method, document template, URL template, list key or None)
READS: list[tuple[str, str, str | None]] = [
    ("/v2/account", "/v2/account", None),
    ("/v2/account/sites", "/v2/account/sites", "sites"),
    ("/v2/account/devices", "/v2/account/devices", "devices"),
    ("/v2/account/alerts/open", "/v2/account/alerts/open", "alerts"),
    ("/v2/account/alerts/resolved", "/v2/account/alerts/resolved", "alerts"),
    ("/v2/account/users", "/v2/account/users", "users"),
    ("/v2/account/variables", "/v2/account/variables", "variables"),
    ("/v2/account/components", "/v2/account/components", "components"),
    ("/v2/site/{siteUid}", "/v2/site/{siteUid}", None),
    ("/v2/site/{siteUid}/devices", "/v2/site/{siteUid}/devices", "devices"),
    (
        "/v2/site/{siteUid}/devices/network-interface",
        "/v2/site/{siteUid}/devices/network-interface",
        "devices",
    ),
    ("/v2/site/{siteUid}/alerts/open", "/v2/site/{siteUid}/alerts/open", "alerts"),
    ("/v2/site/{siteUid}/alerts/resolved", "/v2/site/{siteUid}/alerts/resolved", "alerts"),
    ("/v2/site/{siteUid}/settings", "/v2/site/{siteUid}/settings", None),
    ("/v2/site/{siteUid}/variables", "/v2/site/{siteUid}/variables", "variables"),
    ("/v2/site/{siteUid}/filters", "/v2/site/{siteUid}/filters", "filters"),
    ("/v2/device/{deviceUid}", "/v2/device/{deviceUid}", None),
    ("/v2/device/id/{deviceId}", "/v2/device/id/{deviceId}", None),
    ("/v2/device/macAddress/{macAddress}", "/v2/device/macAddress/{macAddress}", None),
    ("/v2/device/{deviceUid}/alerts/open", "/v2/device/{deviceUid}/alerts/open", "alerts"),
    ("/v2/device/{deviceUid}/alerts/resolved", "/v2/device/{deviceUid}/alerts/resolved", "alerts"),
    ("/v2/alert/{alertUid}", "/v2/alert/{alertUid}", None),
    ("/v2/alert/{alertUid}", "/v2/alert/{resolvedUid}", None),
    ("/v2/job/{jobUid}", "/v2/job/{jobUid}", None),
    ("/v2/job/{jobUid}/components", "/v2/job/{jobUid}/components", "jobComponents"),
    ("/v2/job/{jobUid}/results/{deviceUid}", "/v2/job/{jobUid}/results/{deviceUid}", None),
    (
        "/v2/job/{jobUid}/results/{deviceUid}/stdout",
        "/v2/job/{jobUid}/results/{deviceUid}/stdout",
        None,
    ),
    (
        "/v2/job/{jobUid}/results/{deviceUid}/stderr",
        "/v2/job/{jobUid}/results/{deviceUid}/stderr",
        None,
    ),
    ("/v2/audit/device/{deviceUid}", "/v2/audit/device/{deviceUid}", None),
    ("/v2/audit/device/{deviceUid}/software", "/v2/audit/device/{deviceUid}/software", "software"),
    (
        "/v2/audit/device/macAddress/{macAddress}",
        "/v2/audit/device/macAddress/{macAddress}",
        None,
    ),
    ("/v2/audit/esxihost/{deviceUid}", "/v2/audit/esxihost/{esxiUid}", None),
    ("/v2/audit/printer/{deviceUid}", "/v2/audit/printer/{printerUid}", None),
    ("/v2/filter/default-filters", "/v2/filter/default-filters", "filters"),
    ("/v2/filter/custom-filters", "/v2/filter/custom-filters", "filters"),
    ("/v2/activity-logs", "/v2/activity-logs", "activities"),
    ("/v2/system/status", "/v2/system/status", None),
    ("/v2/system/request_rate", "/v2/system/request_rate", None),
    ("/v2/system/pagination", "/v2/system/pagination", None),
]
EMPTY_WRITES: list[tuple[str, str, str, Any]] = [
    ("POST", "/v2/alert/{alertUid}/resolve", "/v2/alert/{alertUid}/resolve", None),
    ("POST", "/v2/alert/{alertUid}/mute", "/v2/alert/{alertUid}/mute", None),
    ("POST", "/v2/alert/{alertUid}/unmute", "/v2/alert/{alertUid}/unmute", None),
    ("POST", "/v2/device/{deviceUid}/udf", "/v2/device/{deviceUid}/udf", {"udf7": "x"}),
    (
        "POST",
        "/v2/device/{deviceUid}/warranty",
        "/v2/device/{deviceUid}/warranty",
        {"warrantyDate": "2027-01-31"},
    ),
    (
        "PUT",
        "/v2/device/{deviceUid}/site/{siteUid}",
        "/v2/device/{deviceUid}/site/{siteUid}",
        None,
    ),
]


def _fill(template: str, handles: dict[str, str]) -> str:
    return "/api" + re.sub(r"\{(\w+)\}", lambda m: handles[m.group(1)], template)


def test_every_route_is_covered_and_documented(contract: Contract) -> None:
    implemented = {(r.method, r.pattern) for r in build_router().routes}
    covered = {("GET", template) for template, _, _ in READS}
    covered |= {(method, template) for method, template, _, _ in EMPTY_WRITES}
    covered.add(("PUT", "/v2/device/{deviceUid}/quickjob"))
    assert implemented - covered == set(), "routes without a contract check"
    assert covered - {("GET", "/v2/system/status")} <= implemented
    undocumented = {key for key in implemented if key not in contract.paths}
    assert undocumented == set(), "the fake must not invent endpoints"


@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
async def test_reads_match_the_document(
    contract: Contract,
    make_service: ServiceFactory,
    make_http: ClientFactory,
    clock: FakeClock,
    hostile: bool,
) -> None:
    svc = make_service(hostile=hostile)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    handles = await _world_handles(svc, http)
    contract.check("PUT", "/v2/device/{deviceUid}/quickjob", json.loads(handles["jobResponse"]))
    clock.advance(600)  # the job has finished: results, stdout and stderr have content
    for template, url_template, key in READS:
        response = await http.get(_fill(url_template, handles))
        assert response.status_code == 200, (url_template, response.text)
        body = response.json()
        contract.check("GET", template, body)
        if key is not None:
            assert isinstance(body[key], list)
            assert set(body) <= {"pageDetails", key, "error"}


async def test_every_device_and_alert_matches(
    contract: Contract, svc: FakeService, http: httpx.AsyncClient
) -> None:
    devices = await fetch_all(http, "/api/v2/account/devices?max=250", "devices")
    assert len(devices) == len(svc.world.device_list)
    for device in devices:
        contract.check("GET", "/v2/device/{deviceUid}", device)
    alerts = await fetch_all(http, "/api/v2/account/alerts/open", "alerts")
    alerts += await fetch_all(http, "/api/v2/account/alerts/resolved", "alerts")
    seen: set[str] = set()
    for alert in alerts:
        contract.check("GET", "/v2/alert/{alertUid}", alert)
        ctx = alert["alertContext"]
        kind = ctx["@class"]
        assert re.fullmatch(r"[a-z0-9_]+_ctx", kind), kind
        seen.add(kind)
        if kind in CONTEXT_SCHEMAS:
            contract.check_named(CONTEXT_SCHEMAS[kind], ctx)
        elif kind in CONTEXT_FIELDS_OUTSIDE_SPEC:
            assert set(ctx) - {"@class"} == CONTEXT_FIELDS_OUTSIDE_SPEC[kind]
    assert {"online_offline_status_ctx", "perf_disk_usage_ctx", "eventlog_ctx"} <= seen


async def test_empty_writes_and_error_bodies(
    contract: Contract, svc: FakeService, http: httpx.AsyncClient
) -> None:
    handles = await _world_handles(svc, http)
    for method, template, url_template, body in EMPTY_WRITES:
        assert (method, template) in contract.paths
        response = await http.request(method, _fill(url_template, handles), json=body)
        assert response.status_code == 200, (template, response.text)
        assert response.content == b""
    for url in ("/api/v2/device/nope", "/api/v2/nothing/here", "/api/v2/alert/nope"):
        response = await http.get(url)
        assert response.status_code == 404
        contract.check_named("ErrorResponse", response.json())
        assert response.json()["path"] == url
    response = await http.get(f"/api/v2/audit/device/{handles['printerUid']}")
    assert response.status_code == 400
    contract.check_named("ErrorResponse", response.json())
