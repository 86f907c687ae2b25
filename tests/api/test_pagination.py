"""Pagination: page from 0, max from the service, links followed safely, filters kept."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest

from datto_tui.api import Priority, ProtocolError, UnsafeRedirect
from datto_tui.api.models import Device

from .conftest import ClientFactory
from .miniservice import BASE, Fault, MiniService, device_record


async def test_pages_start_at_zero_with_max_from_the_service(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    devices = [d async for d in client.devices()]
    assert len(devices) == 600
    pages = svc.api_log("/api/v2/account/devices")
    assert [p.params["page"] for p in pages] == ["0", "1", "2"]
    assert {p.params["max"] for p in pages} == {"250"}
    assert len(svc.api_log("/api/v2/system/pagination")) == 1


@pytest.mark.parametrize(("service_max", "used"), [(100, 100), (250, 250), (1000, 250)])
async def test_max_is_the_smaller_of_250_and_the_services_maximum(
    clock: Any, make_client: ClientFactory, service_max: int, used: int
) -> None:
    svc = MiniService(clock, devices=1001, alerts=260, pagination_max=service_max)
    client = make_client(transport=svc.transport)
    assert await client.page_size() == used
    assert len([d async for d in client.devices()]) == 1001
    assert len(svc.api_log("/api/v2/account/devices")) == math.ceil(1001 / used)
    assert len([a async for a in client.open_alerts()]) == 260  # alerts use the same max
    assert {s.params["max"] for s in svc.api_log("/api/v2/account/alerts/open")} == {str(used)}
    assert len(svc.api_log("/api/v2/system/pagination")) == 1  # read once per client


async def test_absolute_links_that_drop_filters_get_them_back(
    clock: Any, make_client: ClientFactory
) -> None:
    svc = MiniService(clock, devices=0)
    svc.devices = [
        device_record(i, hostname=f"{'web' if i % 2 else 'db'}-{i}") for i in range(1200)
    ]
    client = make_client(transport=svc.transport)
    found = [d async for d in client.devices(hostname="web", site_name="Site 0")]
    assert len(found) == 600 and all("web" in (d.hostname or "") for d in found)
    pages = svc.api_log("/api/v2/account/devices")
    assert len(pages) == math.ceil(600 / 250)
    for page in pages:
        assert page.params["hostname"] == "web"
        assert page.params["siteName"] == "Site 0"
        assert page.params["max"] == "250"
    assert len({d.uid for d in found}) == 600


async def test_relative_links_are_accepted(clock: Any, make_client: ClientFactory) -> None:
    svc = MiniService(clock, devices=700, absolute_links=False)
    client = make_client(transport=svc.transport)
    assert len([d async for d in client.devices()]) == 700
    assert len(svc.api_log("/api/v2/account/devices")) == 3


async def test_a_link_to_another_host_is_refused(clock: Any, make_client: ClientFactory) -> None:
    svc = MiniService(clock, devices=700, link_host="https://evil.example.net")
    client = make_client(transport=svc.transport)
    got: list[Device] = []
    with pytest.raises(UnsafeRedirect, match=r"evil\.example\.net"):
        async for device in client.devices():
            got.append(device)
    assert len(got) == 250  # the first page was fine
    assert all(s.path != "/api/v2/account/devices" or s.params["page"] == "0" for s in svc.log)


@pytest.mark.parametrize(
    "link",
    [
        "http://merlot-api.centrastage.net/api/v2/account/devices?page=1&max=250",
        "https://merlot-api.centrastage.net:8443/api/v2/account/devices?page=1&max=250",
        "https://merlot-api.centrastage.net.evil.net/api/v2/account/devices?page=1",
        "//evil.net/api/v2/account/devices?page=1",
    ],
)
async def test_scheme_port_and_lookalike_hosts_are_refused(
    make_client: ClientFactory, link: str
) -> None:
    client = make_client(transport=pages_transport([page("devices", 2, link)]))
    with pytest.raises(UnsafeRedirect):
        await client.devices().collect()


async def test_the_default_port_written_out_is_the_same_host(make_client: ClientFactory) -> None:
    link = "https://MERLOT-api.centrastage.net:443/api/v2/account/devices?page=1&max=250"
    client = make_client(transport=pages_transport([page("devices", 2, link), page("devices", 1)]))
    assert len(await client.devices().collect()) == 3


async def test_a_repeated_link_stops_the_walk(make_client: ClientFactory) -> None:
    link0 = f"{BASE}/api/v2/account/devices?max=250&page=0"
    client = make_client(transport=pages_transport([page("devices", 2, link0)] * 5))
    with pytest.raises(UnsafeRedirect, match="repeats a page"):
        await client.devices().collect()


async def test_a_loop_over_two_pages_stops_the_walk(make_client: ClientFactory) -> None:
    link0 = f"{BASE}/api/v2/account/devices?page=0&max=250"
    link1 = f"{BASE}/api/v2/account/devices?page=1&max=250"
    transport = pages_transport([page("devices", 2, link1), page("devices", 2, link0)] * 3)
    client = make_client(transport=transport)
    with pytest.raises(UnsafeRedirect):
        await client.devices().collect()


async def test_last_page_has_a_null_link_and_the_walk_stops(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    pages = [p async for p in client.devices().pages()]
    assert [p.index for p in pages] == [0, 1, 2]
    assert [len(p.items) for p in pages] == [250, 250, 100]
    assert {p.total_count for p in pages} == {600}


async def test_an_empty_page_ends_the_walk(make_client: ClientFactory) -> None:
    link = f"{BASE}/api/v2/account/devices?page=1&max=250"
    client = make_client(transport=pages_transport([page("devices", 0, link)]))
    assert await client.devices().collect() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pageDetails": {}}, "has no 'devices' list"),
        ({"pageDetails": {}, "devices": {"a": 1}}, "has a dict as its 'devices' list"),
        ({"pageDetails": {}, "devices": None}, "has a NoneType as its 'devices' list"),
        ({"pageDetails": {}, "sites": []}, "has no 'devices' list"),
        ([], "is a JSON list"),
        ("text", "is a JSON str"),
    ],
)
async def test_a_malformed_page_is_a_protocol_error(
    make_client: ClientFactory, body: Any, message: str
) -> None:
    client = make_client(transport=pages_transport([body]))
    with pytest.raises(ProtocolError) as caught:
        await client.devices().collect()
    assert message in str(caught.value)
    assert not isinstance(caught.value, UnsafeRedirect)


async def test_a_link_that_is_not_a_string_is_a_protocol_error(make_client: ClientFactory) -> None:
    body = {"pageDetails": {"nextPageUrl": 5}, "devices": [device_record(1)]}
    client = make_client(transport=pages_transport([body]))
    with pytest.raises(ProtocolError, match="nextPageUrl"):
        await client.devices().collect()


async def test_entries_that_are_not_objects_are_skipped(make_client: ClientFactory) -> None:
    body = {"pageDetails": {}, "devices": [device_record(1), None, 5, "x", device_record(2)]}
    client = make_client(transport=pages_transport([body]))
    assert [d.uid for d in await client.devices().collect()] == ["dev-000001", "dev-000002"]


async def test_each_iteration_walks_again_from_page_zero(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    devices = client.devices()
    assert len(await devices.collect()) == 600
    assert len(await devices.collect()) == 600
    assert [p.params["page"] for p in svc.api_log("/api/v2/account/devices")] == ["0", "1", "2"] * 2


async def test_pages_are_fetched_only_when_asked_for(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    async for first in client.devices().pages():
        assert first.index == 0
        break
    assert len(svc.api_log("/api/v2/account/devices")) == 1


async def test_a_failing_page_is_retried_without_refetching_others(
    make_client: ClientFactory, svc: MiniService
) -> None:
    svc.faults.append(Fault("/api/v2/account/devices", 500, page=1))
    svc.faults.append(Fault("/api/v2/account/devices", 504, page=2))
    client = make_client()
    assert len({d.uid async for d in client.devices()}) == 600
    ok = svc.api_log("/api/v2/account/devices", status=200)
    assert [p.params["page"] for p in ok] == ["0", "1", "2"]


async def test_activity_logs_use_size_order_and_time_range(make_client: ClientFactory) -> None:
    from datetime import UTC, datetime

    seen: list[httpx.URL] = []
    cursor_link = f"{BASE}/api/v2/activity-logs?searchAfter=abc&page=next"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tkn-1", "expires_in": 3600})
        if request.url.path == "/api/v2/system/pagination":
            return httpx.Response(200, json={"max": 250})
        seen.append(request.url)
        link = cursor_link if len(seen) == 1 else None
        body = {
            "pageDetails": {"count": 1, "nextPageUrl": link},
            "activities": [{"id": f"a{len(seen)}", "date": 1_780_000_000}],
        }
        return httpx.Response(200, json=body)

    client = make_client(transport=httpx.MockTransport(handler))
    since = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    until = datetime(2026, 5, 1, 13, 30, 15, tzinfo=UTC)
    items = await client.activity_logs(since, until, priority=Priority.BACKGROUND).collect()
    assert [a.id for a in items] == ["a1", "a2"]
    first, second = (dict(url.params) for url in seen)
    assert first == {
        "size": "250",
        "order": "asc",
        "from": "2026-05-01T12:00:00Z",
        "until": "2026-05-01T13:30:15Z",
    }
    assert "page" not in first
    assert second == {**first, "searchAfter": "abc", "page": "next"}


# ---------------------------------------------------------------------------------------------


def page(key: str, count: int, link: str | None = None) -> dict[str, Any]:
    return {
        "pageDetails": {"count": count, "totalCount": None, "nextPageUrl": link},
        key: [device_record(i) for i in range(count)],
    }


def pages_transport(bodies: list[Any]) -> httpx.MockTransport:
    """A service that answers list requests with ``bodies`` in order (and grants tokens)."""
    queue = list(bodies)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tkn-1", "expires_in": 3600})
        if request.url.path == "/api/v2/system/pagination":
            return httpx.Response(200, json={"max": 250})
        assert request.url.host == "merlot-api.centrastage.net", "token sent to another host"
        body = queue.pop(0)
        return httpx.Response(200, content=json.dumps(body).encode())

    return httpx.MockTransport(handler)
