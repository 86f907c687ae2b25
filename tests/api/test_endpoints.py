"""Every client method: the right method, path, parameters and body; parsed answers."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from datto_tui.api import (
    BadRequest,
    DattoClient,
    DattoError,
    Paginated,
    Priority,
    ProtocolError,
)
from datto_tui.api.models import Device

from .conftest import ClientFactory

Answer = Callable[[httpx.Request], Any]


class Recorder:
    """Answers every API call with ``answers[path]`` (JSON) and records what was sent."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tkn-1234", "expires_in": 3600})
        if path == "/api/v2/system/pagination":
            return httpx.Response(200, json={"max": 250})
        self.calls.append(request)
        answer = self.answers.get(path, {})
        if answer is None:
            return httpx.Response(200)
        return httpx.Response(200, content=json.dumps(answer).encode())

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def listing(key: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"pageDetails": {"count": len(items), "nextPageUrl": None}, key: list(items)}


SINGLE_CALLS: list[tuple[str, Callable[[DattoClient], Awaitable[Any]], str, Any]] = [
    ("account", lambda c: c.account(), "/api/v2/account", {"name": "Acme MSP"}),
    ("site", lambda c: c.site("s-1"), "/api/v2/site/s-1", {"uid": "s-1"}),
    ("device", lambda c: c.device("d-1"), "/api/v2/device/d-1", {"uid": "d-1"}),
    ("device_by_id", lambda c: c.device_by_id(42), "/api/v2/device/id/42", {"uid": "d-42"}),
    ("alert", lambda c: c.alert("a-1"), "/api/v2/alert/a-1", {"alertUid": "a-1"}),
    ("job", lambda c: c.job("j-1"), "/api/v2/job/j-1", {"uid": "j-1", "status": "active"}),
    (
        "job_results",
        lambda c: c.job_results("j-1", "d-1"),
        "/api/v2/job/j-1/results/d-1",
        {"jobUid": "j-1", "jobDeploymentStatus": "Success"},
    ),
    (
        "device_audit",
        lambda c: c.device_audit("d-1"),
        "/api/v2/audit/device/d-1",
        {"systemInfo": {"manufacturer": "Dell"}},
    ),
    (
        "system_status",
        lambda c: c.system_status(),
        "/api/v2/system/status",
        {"version": "235", "status": "OK"},
    ),
]


@pytest.mark.parametrize(("name", "call", "path", "answer"), SINGLE_CALLS)
async def test_single_record_endpoints(
    make_client: ClientFactory,
    name: str,
    call: Callable[[DattoClient], Awaitable[Any]],
    path: str,
    answer: Any,
) -> None:
    recorder = Recorder({path: answer})
    client = make_client(transport=recorder.transport)
    record = await call(client)
    (sent,) = recorder.calls
    assert (sent.method, sent.url.path) == ("GET", path)
    assert record is not None


LIST_CALLS: list[tuple[Callable[[DattoClient], Paginated[Any]], str, str, dict[str, str]]] = [
    (lambda c: c.sites(), "/api/v2/account/sites", "sites", {}),
    (lambda c: c.sites("Acme"), "/api/v2/account/sites", "sites", {"siteName": "Acme"}),
    (
        lambda c: c.devices(
            hostname="web", device_type="Server", operating_system="Windows", site_name="A"
        ),
        "/api/v2/account/devices",
        "devices",
        {"hostname": "web", "deviceType": "Server", "operatingSystem": "Windows", "siteName": "A"},
    ),
    (lambda c: c.devices(filter_id=7), "/api/v2/account/devices", "devices", {"filterId": "7"}),
    (lambda c: c.site_devices("s-1"), "/api/v2/site/s-1/devices", "devices", {}),
    (lambda c: c.site_devices("s-1", 9), "/api/v2/site/s-1/devices", "devices", {"filterId": "9"}),
    (lambda c: c.open_alerts(), "/api/v2/account/alerts/open", "alerts", {}),
    (
        lambda c: c.open_alerts(muted=False),
        "/api/v2/account/alerts/open",
        "alerts",
        {"muted": "false"},
    ),
    (lambda c: c.open_alerts(site_uid="s-1"), "/api/v2/site/s-1/alerts/open", "alerts", {}),
    (lambda c: c.open_alerts(device_uid="d-1"), "/api/v2/device/d-1/alerts/open", "alerts", {}),
    (lambda c: c.resolved_alerts(), "/api/v2/account/alerts/resolved", "alerts", {}),
    (
        lambda c: c.resolved_alerts(site_uid="s-1", muted=True),
        "/api/v2/site/s-1/alerts/resolved",
        "alerts",
        {"muted": "true"},
    ),
    (
        lambda c: c.resolved_alerts(device_uid="d-1"),
        "/api/v2/device/d-1/alerts/resolved",
        "alerts",
        {},
    ),
    (lambda c: c.components(), "/api/v2/account/components", "components", {}),
    (lambda c: c.device_software("d-1"), "/api/v2/audit/device/d-1/software", "software", {}),
    (lambda c: c.default_filters(), "/api/v2/filter/default-filters", "filters", {}),
    (lambda c: c.custom_filters(), "/api/v2/filter/custom-filters", "filters", {}),
]


@pytest.mark.parametrize(("call", "path", "key", "filters"), LIST_CALLS)
async def test_list_endpoints(
    make_client: ClientFactory,
    call: Callable[[DattoClient], Paginated[Any]],
    path: str,
    key: str,
    filters: dict[str, str],
) -> None:
    recorder = Recorder({path: listing(key, {"uid": "x-1", "name": "one"})})
    client = make_client(transport=recorder.transport)
    items = await call(client).collect()
    assert len(items) == 1
    (sent,) = recorder.calls
    assert (sent.method, sent.url.path) == ("GET", path)
    assert dict(sent.url.params) == {"page": "0", "max": "250", **filters}


async def test_resolve_alert_is_a_bodyless_post(make_client: ClientFactory) -> None:
    recorder = Recorder({"/api/v2/alert/a-1/resolve": None})
    client = make_client(transport=recorder.transport)
    await client.resolve_alert("a-1")
    (sent,) = recorder.calls
    assert (sent.method, sent.url.path, sent.content) == ("POST", "/api/v2/alert/a-1/resolve", b"")


async def test_quick_job_sends_the_documented_body(make_client: ClientFactory) -> None:
    answer = {
        "job": {"id": 5, "uid": "j-1", "name": "Restart spooler", "status": "active"},
        "jobComponents": [
            {"uid": "c-1", "name": "Restart service", "variables": [{"name": "svc", "value": "x"}]}
        ],
    }
    recorder = Recorder({"/api/v2/device/d-1/quickjob": answer})
    client = make_client(transport=recorder.transport)
    result = await client.quick_job(
        "d-1", job_name="Restart spooler", component_uid="c-1", variables={"svc": "Spooler"}
    )
    (sent,) = recorder.calls
    assert (sent.method, sent.url.path) == ("PUT", "/api/v2/device/d-1/quickjob")
    assert json.loads(sent.content) == {
        "jobName": "Restart spooler",
        "jobComponent": {"componentUid": "c-1", "variables": [{"name": "svc", "value": "Spooler"}]},
    }
    assert result.job.uid == "j-1" and result.job.status == "active"
    assert [c.uid for c in result.components] == ["c-1"]
    assert result.components[0].variables == (("svc", "x"),)
    assert "'x'" not in repr(result)


async def test_devices_by_mac_normalises_and_returns_a_list(make_client: ClientFactory) -> None:
    recorder = Recorder(
        {"/api/v2/device/macAddress/001A2B3C4D5E": [{"uid": "d-1"}, {"uid": "d-2"}]}
    )
    client = make_client(transport=recorder.transport)
    devices = await client.devices_by_mac("00:1a:2b:3c:4d:5e")
    assert [d.uid for d in devices] == ["d-1", "d-2"]
    with pytest.raises(BadRequest):
        await client.devices_by_mac("not-a-mac")
    assert len(recorder.calls) == 1


async def test_job_output_is_a_list(make_client: ClientFactory) -> None:
    out = [{"componentUid": "c-1", "componentName": "Script", "stdData": "hello"}]
    recorder = Recorder(
        {"/api/v2/job/j-1/results/d-1/stdout": out, "/api/v2/job/j-1/results/d-1/stderr": []}
    )
    client = make_client(transport=recorder.transport)
    assert [o.text for o in await client.job_stdout("j-1", "d-1")] == ["hello"]
    assert await client.job_stderr("j-1", "d-1") == []


async def test_identifiers_are_escaped_in_paths(make_client: ClientFactory) -> None:
    recorder = Recorder({})
    client = make_client(transport=recorder.transport)
    await client.device("../../user/resetApiKeys")
    (sent,) = recorder.calls
    assert sent.url.raw_path == b"/api/v2/device/..%2F..%2Fuser%2FresetApiKeys"


async def test_single_record_that_is_not_an_object_is_a_protocol_error(
    make_client: ClientFactory,
) -> None:
    recorder = Recorder({"/api/v2/device/d-1": [1, 2]})
    client = make_client(transport=recorder.transport)
    with pytest.raises(ProtocolError, match="not an object"):
        await client.device("d-1")


async def test_odd_records_parse_without_failing(make_client: ClientFactory) -> None:
    odd = {"uid": None, "hostname": 5, "online": "yes", "lastSeen": "garbage", "udf": [1]}
    recorder = Recorder({"/api/v2/device/d-1": odd})
    client = make_client(transport=recorder.transport)
    device = await client.device("d-1")
    assert isinstance(device, Device)
    assert (device.uid, device.hostname, device.online, device.last_seen) == ("", "5", True, None)


def test_every_public_method_takes_a_priority_keyword() -> None:
    methods = [
        name
        for name, member in inspect.getmembers(DattoClient, inspect.isfunction)
        if not name.startswith("_") and name not in ("aclose",)
    ]
    assert len(methods) >= 24
    for name in methods:
        parameter = inspect.signature(getattr(DattoClient, name)).parameters.get("priority")
        assert parameter is not None, name
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert parameter.default is Priority.INTERACTIVE, name


def test_the_client_never_calls_reset_api_keys() -> None:
    import datto_tui.api.client as module

    assert "/api/v2/user/" not in inspect.getsource(module)


async def test_a_closed_client_raises_a_datto_error(make_client: ClientFactory) -> None:
    client = make_client(transport=Recorder({}).transport)
    await client.aclose()
    with pytest.raises(DattoError, match="closed"):
        await client.account()


@pytest.mark.parametrize("status", [403, 404])
async def test_page_size_falls_back_to_250(make_client: ClientFactory, status: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tkn-1234", "expires_in": 3600})
        if request.url.path == "/api/v2/system/pagination":
            return httpx.Response(status, json={"error": "nope"})
        return httpx.Response(200, json=listing("sites"))

    client = make_client(transport=httpx.MockTransport(handler))
    assert await client.page_size() == 250
    assert await client.sites().collect() == []
    assert calls.count("/api/v2/system/pagination") == 1
