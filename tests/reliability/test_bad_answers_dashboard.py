"""A bad answer from the service never costs the dashboard its data.

The dashboard loads the seeded fake, then the next poll of a list meets one kind of bad answer
(not JSON, cut off, an HTML error page, the wrong shape, a next-page link that loops or leaves
the service, a persistent 500, a dropped connection). Each time: the table still shows every
row it showed, the store is unchanged, the pane title and the status line say the update is
failing, and the message (in the toast and the freshness record) names what went wrong. When
the service answers properly again, the next poll recovers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from datto_tui.monitor.events import Resource
from tests.reliability.support import (
    ALERTS,
    DEVICES,
    SITES,
    SIZE,
    make_rig,
    poll_once,
    screen_text,
)

Answer = Callable[[httpx.Request], httpx.Response]


def status(code: int, content: bytes, content_type: str = "application/json") -> Answer:
    return lambda _r: httpx.Response(code, content=content, headers={"content-type": content_type})


def page_of(array_key: str, items: Any, next_url: Any = None) -> Answer:
    body = {"pageDetails": {"count": 0, "totalCount": 0, "nextPageUrl": next_url}, array_key: items}
    return lambda _r: httpx.Response(200, json=body)


def reset(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadError("connection reset by peer", request=request)


HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
PORTAL = b"<!DOCTYPE html><html><body>Please log in to the hotel Wi-Fi</body></html>"


@dataclass(frozen=True)
class Case:
    name: str
    answer: Answer | None  # replaces the answer
    edit: Callable[[Any, httpx.Request], Any] | None  # or rewrites the real one
    expect: str  # in the message


def next_link(url: str | int) -> Callable[[Any, httpx.Request], Any]:
    def edit(body: Any, _r: httpx.Request) -> Any:
        body["pageDetails"]["nextPageUrl"] = url
        return body

    return edit


def self_link(body: Any, request: httpx.Request) -> Any:
    body["pageDetails"]["nextPageUrl"] = str(request.url)
    return body


CASES = [
    Case("not json", status(200, b"Service Unavailable"), None, "not valid JSON"),
    Case("cut off", status(200, b'{"pageDetails":{"count":2},"devi'), None, "cut off"),
    Case("empty body", status(200, b""), None, "empty body"),
    Case("html 502", status(502, HTML_502, "text/html"), None, "HTML page"),
    Case("html 200 portal", status(200, PORTAL, "text/html"), None, "captive portal"),
    Case("array missing", page_of("sites", []), None, "has no 'devices' list"),
    Case("array is an object", page_of("devices", {"a": 1}), None, "has a dict as its"),
    Case("body is a list", status(200, b"[1, 2, 3]"), None, "is a JSON list, not an object"),
    Case("link loops", None, self_link, "repeats a page already fetched"),
    Case(
        "link to another host",
        None,
        next_link("https://evil.example/api/v2/account/devices?page=1"),
        "not at the configured API address",
    ),
    Case("link is a number", None, next_link(7), "nextPageUrl that is a int"),
    Case("link is not a URL", None, next_link("http://[::1"), "not a valid URL"),
    Case(
        "persistent 500",
        status(500, json.dumps({"status": 500, "error": "Internal Server Error"}).encode()),
        None,
        "failed to answer",
    ),
    Case("connection reset", reset, None, "Could not reach"),
]


async def test_each_bad_devices_answer_keeps_the_devices() -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE, notifications=True) as pilot:
        await rig.app.data_ready()
        main = rig.app.main_screen
        before = dict(rig.app.store.devices)
        shown = len(main.devices_view)
        assert shown == 60
        for case in CASES:
            if case.answer is not None:
                rig.transport.answer(DEVICES, case.answer)
            else:
                assert case.edit is not None
                rig.transport.edit(DEVICES, case.edit, page=0)
            await poll_once(rig, Resource.DEVICES)
            await pilot.pause()
            error = rig.app.poller.freshness_of(Resource.DEVICES).last_error
            assert error is not None and case.expect in error, (case.name, error)
            assert dict(rig.app.store.devices) == before, case.name
            assert len(main.devices_view) == shown, case.name
            text = screen_text(rig.app)
            assert "update failing" in text, case.name
            assert "devices failing:" in text, case.name
            assert "Poll failed" in text, case.name  # the toast
            assert rig.app.is_running, case.name
            # The service recovers: so does the dashboard.
            rig.transport.clear()
            await poll_once(rig, Resource.DEVICES)
            assert rig.app.poller.freshness_of(Resource.DEVICES).last_error is None, case.name
            assert "update failing" not in screen_text(rig.app), case.name


async def test_a_failure_on_a_later_page_removes_nothing() -> None:
    """Page 0 arrives fine, page 1 is an HTML error page: the sync aborts and keeps all 600."""
    rig = make_rig(devices=600)
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        before = set(rig.app.store.devices)
        rig.transport.answer(DEVICES, status(502, HTML_502, "text/html"), page=1)
        await poll_once(rig, Resource.DEVICES)
        await pilot.pause()
        assert set(rig.app.store.devices) == before
        assert len(rig.app.main_screen.devices_view) == 600
        assert "HTML page" in (rig.app.poller.freshness_of(Resource.DEVICES).last_error or "")


@pytest.mark.parametrize(
    ("path", "kind", "array_key"),
    [(ALERTS, Resource.ALERTS, "alerts"), (SITES, Resource.SITES, "sites")],
)
async def test_bad_alert_and_site_answers_keep_their_data(
    path: str, kind: Resource, array_key: str
) -> None:
    rig = make_rig()
    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        store = rig.app.store
        before = dict(store.alerts) if kind is Resource.ALERTS else dict(store.sites)
        for answer, expect in (
            (status(200, b'{"alerts": [{"alertUid": "x"'), "not valid JSON"),
            (status(503, PORTAL, "text/html"), "HTML page"),
            (page_of("other", []), f"has no '{array_key}' list"),
        ):
            rig.transport.clear()
            rig.transport.answer(path, answer)
            await poll_once(rig, kind)
            await pilot.pause()
            after = dict(store.alerts) if kind is Resource.ALERTS else dict(store.sites)
            assert after == before
            assert expect in (rig.app.poller.freshness_of(kind).last_error or "")
            assert "update failing" in screen_text(rig.app) or kind is Resource.SITES


async def test_odd_fields_are_tolerated_not_fatal() -> None:
    """Wrong types, nulls and junk entries in a page: the good parts show, nothing crashes."""
    rig = make_rig()

    def odd(body: Any, _r: httpx.Request) -> Any:
        devices = body["devices"]
        devices[0]["hostname"] = 12345
        devices[1]["online"] = "yes"
        devices[2]["lastSeen"] = "yesterday"
        devices[3]["udf"] = ["not", "a", "map"]
        devices[4]["siteUid"] = None
        devices[5]["patchManagement"] = 7
        devices.extend([None, "junk", 3, [], True])
        body["pageDetails"]["totalCount"] = "many"
        return body

    async with rig.app.run_test(size=SIZE) as pilot:
        await rig.app.data_ready()
        rig.transport.edit(DEVICES, odd)
        await poll_once(rig, Resource.DEVICES)
        await pilot.pause()
        assert rig.app.poller.freshness_of(Resource.DEVICES).last_error is None
        assert len(rig.app.store.devices) == 60
        assert "12345" in {d.hostname for d in rig.app.store.devices.values()}
        assert rig.app.is_running
