"""A small in-process imitation of Datto RMM for the client's tests (``httpx.MockTransport``).

It behaves like the real service where the client's correctness depends on it: the password
grant with the fixed Basic client, bearer tokens that expire, ``page``/``max`` pagination with
ABSOLUTE ``nextPageUrl`` links that drop filter parameters, a sliding-window rate limit (600 reads
per 60 s, then 429, then 403), and one-off faults. Every request is logged with the clock's time.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

from datto_tui.clock import FakeClock

BASE = "https://merlot-api.centrastage.net"
API_KEY = "K3YK3YK3Y"
API_SECRET = "s3cr3t-Value-Never-Shown"
BASIC = "Basic " + base64.b64encode(b"public-client:public").decode()


@dataclass
class Seen:
    """One request as the service saw it."""

    time: float
    method: str
    path: str
    params: dict[str, str]
    status: int = 0
    token: str | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """Answer ``times`` matching requests with ``status`` (and ``body``/``headers``)."""

    path_glob: str
    status: int
    times: int = 1
    page: int | None = None
    method: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    raise_error: type[Exception] | None = None


def device_record(i: int, *, site: int = 0, hostname: str | None = None) -> dict[str, Any]:
    return {
        "id": 1000 + i,
        "uid": f"dev-{i:06d}",
        "siteId": site,
        "siteUid": f"site-{site:04d}",
        "siteName": f"Site {site}",
        "hostname": hostname or f"host-{i:06d}",
        "deviceType": {"category": "Desktop" if i % 3 else "Server", "type": "Desktop"},
        "deviceClass": "device",
        "online": i % 2 == 0,
        "lastSeen": 1_780_000_000_000 + i,
        "udf": {"udf1": f"value-{i}", "udf2": None},
    }


class MiniService:
    """The imitation; pass ``svc.transport`` to ``DattoClient(transport=...)``."""

    def __init__(
        self,
        clock: FakeClock,
        *,
        devices: int = 0,
        sites: int = 3,
        alerts: int = 0,
        token_ttl: float = 360_000.0,
        advertised_ttl: float | None = None,
        pagination_max: int = 250,
        absolute_links: bool = True,
        base: str = BASE,
        rate_limit: int = 600,
        link_host: str | None = None,
        latency: float = 0.0,
    ) -> None:
        self.clock = clock
        self.base = base
        self.link_base = link_host or base
        self.token_ttl = token_ttl
        # What the grant says a token lives; a shorter real life imitates early expiry.
        self.advertised_ttl = advertised_ttl if advertised_ttl is not None else token_ttl
        self.pagination_max = pagination_max
        self.absolute_links = absolute_links
        self.rate_limit = rate_limit
        self.latency = latency
        self.devices = [device_record(i, site=i % max(1, sites)) for i in range(devices)]
        self.sites = [
            {"id": s, "uid": f"site-{s:04d}", "name": f"Site {s}", "accountUid": "ACC"}
            for s in range(sites)
        ]
        self.alerts = [
            {
                "alertUid": f"alert-{a:05d}",
                "priority": "High",
                "alertSourceInfo": {"deviceUid": f"dev-{a:06d}"},
                "alertContext": {"@class": "online_offline_status_ctx", "status": "OFFLINE"},
            }
            for a in range(alerts)
        ]
        self.tokens: dict[str, float] = {}
        self.token_count = 0
        self.log: list[Seen] = []
        self.faults: list[Fault] = []
        self.read_times: deque[float] = deque()
        self.last_429: float | None = None
        self.resolved: list[str] = []
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # ----------------------------------------------------------------------------------------
    # Queries for assertions

    def api_log(self, path: str | None = None, status: int | None = None) -> list[Seen]:
        return [
            s
            for s in self.log
            if s.path != "/auth/oauth/token"
            and (path is None or s.path == path)
            and (status is None or s.status == status)
        ]

    def token_log(self) -> list[Seen]:
        return [s for s in self.log if s.path == "/auth/oauth/token"]

    def revoke_all(self) -> None:
        self.tokens.clear()

    # ----------------------------------------------------------------------------------------
    # The handler

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            self.clock.advance(self.latency)
        params = {k: v for k, v in request.url.params.items()}
        auth = request.headers.get("authorization", "")
        seen = Seen(
            time=self.clock.time(),
            method=request.method,
            path=request.url.path,
            params=params,
            token=auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None,
            body=request.content,
            headers=dict(request.headers),
        )
        self.log.append(seen)
        response = self._answer(request, seen)
        seen.status = response.status_code
        return response

    def _answer(self, request: httpx.Request, seen: Seen) -> httpx.Response:
        path = seen.path
        if request.url.scheme + "://" + request.url.netloc.decode() != self.base:
            return _json(421, {"error": "Misdirected Request", "path": path})
        for fault in self.faults:
            if fault.times <= 0 or not fnmatch.fnmatch(path, fault.path_glob):
                continue
            if fault.method is not None and fault.method != request.method:
                continue
            if fault.page is not None and seen.params.get("page") != str(fault.page):
                continue
            fault.times -= 1
            if fault.raise_error is not None:
                raise fault.raise_error("injected fault")
            body = fault.body if fault.body is not None else json.dumps({"status": fault.status})
            return httpx.Response(
                fault.status,
                content=body if isinstance(body, bytes) else body.encode(),
                headers={"content-type": fault.content_type, **fault.headers},
            )
        if path == "/auth/oauth/token":
            return self._token(request)
        if path == "/api/v2/system/status":
            return _json(200, {"version": "mini", "status": "OK", "started": 1_780_000_000_000})
        token = seen.token
        if token is None or token not in self.tokens or self.clock.time() >= self.tokens[token]:
            return _json(401, {"error": "invalid_token", "error_description": "expired"})
        limited = self._rate_limit(request.method)
        if limited is not None:
            return limited
        if path in self.routes:
            return self.routes[path](request)
        return self._api(request, seen)

    def _rate_limit(self, method: str) -> httpx.Response | None:
        now = self.clock.time()
        if method != "GET":
            return None
        if (
            self.last_429 is not None
            and now - self.last_429 < 60
            and self._count(now) >= (self.rate_limit)
        ):
            return _json(403, {"error": "Forbidden"})
        if self._count(now) >= self.rate_limit:
            self.last_429 = now
            return _json(429, {"error": "Too Many Requests"})
        self.read_times.append(now)
        return None

    def _count(self, now: float) -> int:
        while self.read_times and self.read_times[0] <= now - 60:
            self.read_times.popleft()
        return len(self.read_times)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.headers.get("authorization") != BASIC:
            return _json(401, {"error": "unauthorized", "error_description": "Bad client"})
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form != {"grant_type": "password", "username": API_KEY, "password": API_SECRET}:
            return _json(400, {"error": "invalid_grant", "error_description": "Bad credentials"})
        self.token_count += 1
        token = f"eyJtoken{self.token_count:04d}.payload.sig"
        self.tokens[token] = self.clock.time() + self.token_ttl
        body = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.advertised_ttl,
            "scope": "default",
            "jti": f"jti-{self.token_count}",
        }
        return _json(200, body)

    def _api(self, request: httpx.Request, seen: Seen) -> httpx.Response:
        path = seen.path
        if path == "/api/v2/system/pagination":
            return _json(200, {"max": self.pagination_max})
        if path == "/api/v2/account/devices":
            rows = self.devices
            for name, key in (("hostname", "hostname"), ("siteName", "siteName")):
                if name in seen.params:
                    rows = [d for d in rows if seen.params[name].lower() in str(d[key]).lower()]
            return self._page(seen, "devices", rows)
        if path == "/api/v2/account/sites":
            return self._page(seen, "sites", self.sites)
        if path in ("/api/v2/account/alerts/open", "/api/v2/account/alerts/resolved"):
            return self._page(seen, "alerts", self.alerts)
        if path.startswith("/api/v2/device/") and path.count("/") == 4:
            uid = path.rsplit("/", 1)[1]
            for d in self.devices:
                if d["uid"] == uid:
                    return _json(200, d)
            return _json(404, {"status": 404, "error": "Not Found", "path": path})
        if path.startswith("/api/v2/alert/") and path.endswith("/resolve"):
            if request.method != "POST":
                return _json(405, {"error": "Method Not Allowed", "path": path})
            self.resolved.append(path.split("/")[4])
            return httpx.Response(200)
        if path == "/api/v2/account":
            return _json(200, {"id": 1, "uid": "ACC", "name": "Mini"})
        return _json(404, {"status": 404, "error": "Not Found", "path": path})

    def _page(self, seen: Seen, key: str, rows: list[dict[str, Any]]) -> httpx.Response:
        try:
            page = int(seen.params.get("page", "0"))
            size = int(seen.params.get("max", "50"))
        except ValueError:
            return _json(400, {"error": "Bad Request", "path": seen.path})
        size = max(1, min(size, self.pagination_max))
        chunk = rows[page * size : (page + 1) * size]
        pages = math.ceil(len(rows) / size)
        link: str | None = None
        if page + 1 < pages:
            # Like the real service: the link keeps page and max, and drops every filter.
            relative = f"{seen.path}?max={size}&page={page + 1}"
            link = f"{self.link_base}{relative}" if self.absolute_links else relative
        details = {
            "count": len(chunk),
            "totalCount": len(rows),
            "prevPageUrl": None,
            "nextPageUrl": link,
        }
        return _json(200, {"pageDetails": details, key: chunk})


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
