"""Property: whatever next-page links a service sends, the walk is safe and bounded.

A scripted service (``httpx.MockTransport``) serves a device list whose pages carry links drawn
at random: correct (absolute or relative), missing the filters, null too early, pointing at
another host, scheme or port, looping back to a page already fetched, or not a string. For any
such script the client:

- sends the bearer token only to the configured origin (every request is recorded);
- never fetches the same page twice and stops within ``pages + 1`` requests;
- keeps the filter on every page request;
- yields every item exactly once, in order, when the links are good, and otherwise stops with
  a ``DattoError`` (never another exception) after yielding a prefix of the items.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from datto_tui.api.client import DattoClient
from datto_tui.api.errors import DattoError
from datto_tui.clock import FakeClock

BASE = "https://merlot-api.centrastage.net"
PATH = "/api/v2/account/devices"

LINKS = st.sampled_from(
    [
        "absolute",
        "relative",
        "no-filter",
        "null",
        "other-host",
        "other-scheme",
        "other-port",
        "lookalike",
        "loop",
        "number",
    ]
)


@dataclass
class Script:
    items: int
    size: int
    links: list[str]
    seen: list[httpx.Request] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.items // self.size))

    def link(self, page: int) -> Any:
        if page + 1 >= self.pages:
            return None
        kind = self.links[page % len(self.links)]
        nxt = page + 1
        query = f"page={nxt}&max={self.size}&hostname=pc"
        return {
            "absolute": f"{BASE}{PATH}?{query}",
            "relative": f"{PATH}?{query}",
            "no-filter": f"{BASE}{PATH}?page={nxt}",
            "null": None,
            "other-host": f"https://evil.example{PATH}?{query}",
            "other-scheme": f"http://merlot-api.centrastage.net{PATH}?{query}",
            "other-port": f"https://merlot-api.centrastage.net:8443{PATH}?{query}",
            "lookalike": f"https://merlot-api.centrastage.net.evil.example{PATH}?{query}",
            "loop": f"{BASE}{PATH}?page={max(0, page - 1) if page else 0}&max={self.size}"
            "&hostname=pc",
            "number": 7,
        }[kind]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-123", "expires_in": 3600})
        if path == "/api/v2/system/pagination":
            return httpx.Response(200, json={"max": self.size})
        assert path == PATH
        page = int(request.url.params.get("page", "0"))
        start = page * self.size
        chunk = [
            {"uid": f"d{i}", "hostname": f"pc{i}"}
            for i in range(start, min(self.items, start + self.size))
        ]
        details = {"count": len(chunk), "totalCount": self.items, "nextPageUrl": self.link(page)}
        return httpx.Response(200, json={"pageDetails": details, "devices": chunk})


async def walk(script: Script) -> tuple[list[str], BaseException | None]:
    client = DattoClient(
        BASE,
        api_key="key",
        api_secret="secret-value",
        clock=FakeClock(),
        transport=httpx.MockTransport(script.handle),
        rng=random.Random(1),
    )
    got: list[str] = []
    error: BaseException | None = None
    async with client:
        try:
            async for device in client.devices(hostname="pc"):
                got.append(device.uid)
        except Exception as exc:
            error = exc
    return got, error


@settings(max_examples=300, deadline=None)
@given(
    items=st.integers(min_value=0, max_value=40),
    size=st.integers(min_value=1, max_value=9),
    links=st.lists(LINKS, min_size=1, max_size=6),
)
def test_any_links_give_a_safe_bounded_walk(items: int, size: int, links: list[str]) -> None:
    script = Script(items, size, links)
    got, error = asyncio.run(walk(script))
    listed = [r for r in script.seen if r.url.path == PATH]
    origins = {(r.url.scheme, r.url.host, r.url.port) for r in script.seen}
    assert origins == {("https", "merlot-api.centrastage.net", None)}
    assert all(r.headers.get("authorization") == "Bearer tok-123" for r in listed)
    keys = [(r.url.params.get("page"), r.url.params.get("max")) for r in listed]
    assert len(keys) == len(set(keys)), keys  # no page fetched twice
    assert len(listed) <= script.pages + 1
    assert all(r.url.params.get("hostname") == "pc" for r in listed)
    expected = [f"d{i}" for i in range(items)]
    assert got == expected[: len(got)]  # a prefix, in order, no duplicates
    if error is not None:
        assert isinstance(error, DattoError), repr(error)
        assert "tok-123" not in str(error) and "secret-value" not in str(error)
    used = [links[p % len(links)] for p in range(script.pages - 1)]
    if all(kind in ("absolute", "relative", "no-filter") for kind in used):
        assert error is None and got == expected
