"""Pagination as the live service does it: page from 0, max up to 250, absolute page URLs that
keep page/max and drop filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from datto_tui.fakeapi import FakeService

from .conftest import ClientFactory, ServiceFactory, fetch_all


async def test_full_pagination_adds_up(svc: FakeService, http: httpx.AsyncClient) -> None:
    first = (await http.get("/api/v2/account/devices", params={"max": 100})).json()
    total = first["pageDetails"]["totalCount"]
    assert total == len(svc.world.device_list) == 600
    items = await fetch_all(http, "/api/v2/account/devices?max=100", "devices")
    uids = [d["uid"] for d in items]
    assert len(uids) == total
    assert len(set(uids)) == total
    ids = [d["id"] for d in items]
    assert ids == sorted(ids)  # a stable order: by id


async def test_page_details_and_absolute_urls(http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/v2/account/devices", params={"page": 1, "max": 250})).json()
    details = body["pageDetails"]
    assert details["count"] == 250
    assert details["prevPageUrl"] == "http://fake.localhost/api/v2/account/devices?page=0&max=250"
    assert details["nextPageUrl"] == "http://fake.localhost/api/v2/account/devices?page=2&max=250"
    last = (await http.get("/api/v2/account/devices", params={"page": 2, "max": 250})).json()
    assert last["pageDetails"]["count"] == 100
    assert last["pageDetails"]["nextPageUrl"] is None
    beyond = (await http.get("/api/v2/account/devices", params={"page": 9})).json()
    assert beyond["pageDetails"]["count"] == 0
    assert beyond["devices"] == []
    assert beyond["pageDetails"]["nextPageUrl"] is None


async def test_urls_use_the_request_host(svc: FakeService) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=svc.asgi), base_url="https://127.0.0.1:9443"
    ) as http:
        http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
        body = (await http.get("/api/v2/account/sites", params={"max": 5})).json()
    assert body["pageDetails"]["nextPageUrl"].startswith("https://127.0.0.1:9443/api/v2/")


async def test_max_defaults_to_250_and_is_clamped(http: httpx.AsyncClient) -> None:
    default = (await http.get("/api/v2/account/devices")).json()
    assert default["pageDetails"]["count"] == 250
    assert "max=250" in default["pageDetails"]["nextPageUrl"]
    huge = (await http.get("/api/v2/account/devices", params={"max": 10_000})).json()
    assert huge["pageDetails"]["count"] == 250
    assert (await http.get("/api/v2/system/pagination")).json() == {"max": 250}


async def test_bad_page_parameters(http: httpx.AsyncClient) -> None:
    bad: list[dict[str, str | int]] = [{"page": "x"}, {"max": "many"}, {"page": -1}, {"max": 0}]
    for params in bad:
        response = await http.get("/api/v2/account/devices", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"] == "Bad Request"


async def test_next_page_url_drops_filters(svc: FakeService, http: httpx.AsyncClient) -> None:
    params: dict[str, str | int] = {"hostname": "-ws-", "max": 20}
    first = (await http.get("/api/v2/account/devices", params=params)).json()
    total = first["pageDetails"]["totalCount"]
    assert 20 < total < len(svc.world.device_list)
    next_url = first["pageDetails"]["nextPageUrl"]
    query = parse_qs(urlsplit(next_url).query)
    assert query == {"page": ["1"], "max": ["20"]}  # the filter is gone, as on the live service
    unfiltered = (await http.get(next_url)).json()
    assert unfiltered["pageDetails"]["totalCount"] == len(svc.world.device_list)
    # A client that re-adds the filter gets the filtered set, page after page.
    seen: list[str] = []
    url: str | None = next_url
    seen.extend(d["hostname"] for d in first["devices"])
    while url:
        page = (await http.get(f"{url}&hostname=-ws-")).json()
        seen.extend(d["hostname"] for d in page["devices"])
        url = page["pageDetails"]["nextPageUrl"]
    assert len(seen) == total
    assert all("-ws-" in h.lower() for h in seen)


async def test_filters_are_partial_and_case_insensitive(
    svc: FakeService, http: httpx.AsyncClient
) -> None:
    world = svc.world
    site = next(s for s in world.site_list if s.system is None and len(s.device_ixs) > 3)
    needle = site.name.split()[0].upper()
    body = (await http.get("/api/v2/account/devices", params={"siteName": needle})).json()
    expected = {
        d.uid for d in world.device_list if needle.lower() in world.site_list[d.site].name.lower()
    }
    assert {d["uid"] for d in body["devices"]} == expected
    servers = (await http.get("/api/v2/account/devices", params={"deviceType": "serv"})).json()
    assert servers["devices"]
    assert all(d["deviceType"]["category"] == "Server" for d in servers["devices"])
    windows = (
        await http.get("/api/v2/account/devices", params={"operatingSystem": "windows 11"})
    ).json()
    assert all("Windows 11" in d["operatingSystem"] for d in windows["devices"])
    sites = (await http.get("/api/v2/account/sites", params={"siteName": needle.lower()})).json()
    assert site.uid in {s["uid"] for s in sites["sites"]}


async def test_filter_id_alone_decides(svc: FakeService, http: httpx.AsyncClient) -> None:
    printers = next(f for f in svc.world.filters if f.name == "All Printers")
    body = (
        await http.get(
            "/api/v2/account/devices", params={"filterId": printers.id, "hostname": "zzz-none"}
        )
    ).json()
    assert body["devices"]
    assert all(d["deviceClass"] == "printer" for d in body["devices"])
    missing = await http.get("/api/v2/account/devices", params={"filterId": 1})
    assert missing.status_code == 404
    site = next(
        s for s in svc.world.site_list if any(svc.world.device_list[i].online for i in s.device_ixs)
    )
    online = next(f for f in svc.world.filters if f.name == "Online Devices")
    page = (
        await http.get(f"/api/v2/site/{site.uid}/devices", params={"filterId": online.id})
    ).json()
    assert page["devices"]
    assert all(d["online"] and d["siteUid"] == site.uid for d in page["devices"])


async def test_filtered_query_is_computed_once_per_listing(
    make_service: ServiceFactory, make_http: ClientFactory
) -> None:
    svc = make_service(devices=3000, frozen=True)
    http = make_http(svc)
    http.headers["Authorization"] = f"Bearer {svc.issue_token()}"
    before = svc.world.queries.computed
    url: str | None = "/api/v2/account/devices?max=50"
    pages = 0
    while url:
        body = (await http.get(f"{url}&hostname=-lt-")).json()
        url = body["pageDetails"]["nextPageUrl"]
        pages += 1
    assert pages > 5
    assert svc.world.queries.computed - before == 1
