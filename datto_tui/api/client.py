"""The Datto RMM API v2 client: one method per endpoint the dashboard uses.

::

    async with DattoClient("https://merlot-api.centrastage.net", api_key=k, api_secret=s) as client:
        account = await client.account()
        async for device in client.devices(site_name="Acme"):
            ...

Layers, outside in: :class:`DattoClient` (URLs, parsing, errors) -> ``httpx.AsyncClient`` with
:class:`~datto_tui.api.auth.DattoAuth` (tokens) -> :class:`~datto_tui.api.transport.RetryTransport`
(budget, retries, 429/403) -> the wire (``httpx.AsyncHTTPTransport``, or an injected transport
such as the fake service's ``httpx.ASGITransport``).

Contract:

- Every method takes ``priority=`` (default :attr:`Priority.INTERACTIVE`); background syncs pass
  :attr:`Priority.BACKGROUND` so the person at the keyboard always goes first.
- Single records come back as models (:mod:`datto_tui.api.models`); lists as :class:`Paginated`
  (iterate for records, ``.pages()`` for pages). Parsing never fails on odd data.
- Only the :mod:`datto_tui.api.errors` tree is raised; httpx exceptions never escape. A GET whose
  body is not JSON is fetched once more before :class:`ProtocolError` is raised.
- Writes (``resolve_alert``, ``quick_job``) are never retried automatically.
- ``resetApiKeys`` is never called: it would rotate the user's own keys.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from datto_tui import __version__
from datto_tui.api.auth import NO_AUTH_EXTENSION, DattoAuth, TokenCache, describe_service
from datto_tui.api.budget import Budget, Priority
from datto_tui.api.coerce import as_dict, as_int
from datto_tui.api.errors import (
    BadRequest,
    ConfigurationError,
    DattoError,
    IPBlocked,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
)
from datto_tui.api.models import (
    Account,
    Activity,
    Alert,
    Component,
    Device,
    DeviceAudit,
    Filter,
    Job,
    JobComponent,
    JobOutput,
    JobResult,
    RequestRate,
    Site,
    Software,
    SystemStatus,
)
from datto_tui.api.pagination import Page, PagePlan, Paginated, build_url
from datto_tui.api.platforms import (
    api_base_url,
    is_loopback_host,
    normalise_base_url,
    platform_of_base_url,
    portal_base_url,
)
from datto_tui.api.responses import decode_json_off_loop, error_for_response, scrub
from datto_tui.api.transport import RetryTransport, extensions
from datto_tui.clock import Clock, SystemClock

__all__ = ["DattoClient", "Page", "Paginated", "QuickJobResult"]

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = f"datto-tui/{__version__}"
MAX_PAGE_SIZE = 250
_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_MAC = re.compile(r"[0-9A-F]{12}")


@dataclass(frozen=True, slots=True)
class QuickJobResult:
    """The answer to a quick job: the job that was created and its components."""

    job: Job
    components: tuple[JobComponent, ...]

    @classmethod
    def from_api(cls, data: Any) -> QuickJobResult:
        d = as_dict(data)
        components = d.get("jobComponents")
        return cls(
            job=Job.from_api(d.get("job")),
            components=tuple(
                JobComponent.from_api(c)
                for c in (components if isinstance(components, list) else [])
            ),
        )


def _segment(value: str | int) -> str:
    """A path segment from an untrusted identifier: every reserved character escaped."""
    return quote(str(value), safe="")


def _utc_text(moment: datetime) -> str:
    """Activity-log time format: ``yyyy-MM-ddTHH:mm:ssZ`` in UTC (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def _default_transport(base_url: str) -> httpx.AsyncBaseTransport:
    """The real network, through the proxy the environment names (the transport is explicit, so
    httpx would not look at the environment itself)."""
    url = httpx.URL(base_url)
    proxy: str | None = None
    if not is_loopback_host(url.host) and not urllib.request.proxy_bypass(url.host):
        proxies = urllib.request.getproxies()
        proxy = proxies.get(url.scheme) or proxies.get("all")
    return httpx.AsyncHTTPTransport(proxy=proxy, trust_env=True)


class DattoClient:
    """An async client of one Datto RMM account's API; see the module docstring."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str,
        api_secret: str,
        platform: str | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        token_cache: TokenCache | None = None,
        read_share: float = 0.5,
        write_share: float = 0.5,
        token_refresh_margin: float = 600.0,
        timeout: float = 30.0,
        budget: Budget | None = None,
        rng: random.Random | None = None,
        max_attempts: int = 4,
    ) -> None:
        if base_url is None:
            if platform is None:
                raise ConfigurationError(
                    "No Datto RMM platform or API URL configured; give the platform (e.g. merlot) "
                    "or the API URL shown in Setup > Users."
                )
            base_url = api_base_url(platform)
        self.base_url = normalise_base_url(base_url)
        self.platform = (platform.strip().lower() if platform else None) or platform_of_base_url(
            self.base_url
        )
        if not api_key or not api_key.strip():
            raise ConfigurationError("No API key configured (Setup > Users > API keys).")
        if not api_secret or not api_secret.strip():
            raise ConfigurationError("No API secret key configured (Setup > Users > API keys).")
        self.clock: Clock = clock or SystemClock()
        self.budget = budget or Budget(
            read_share=read_share, write_share=write_share, clock=self.clock
        )
        self._service = describe_service(self.base_url, self.platform)
        self._transport = RetryTransport(
            transport or _default_transport(self.base_url),
            budget=self.budget,
            clock=self.clock,
            rng=rng,
            max_attempts=max_attempts,
        )
        self._timeout = httpx.Timeout(timeout)
        self._auth = DattoAuth(
            base_url=self.base_url,
            api_key=api_key,
            api_secret=api_secret,
            clock=self.clock,
            cache=token_cache,
            refresh_margin=token_refresh_margin,
            timeout=self._timeout,
            platform=self.platform,
            user_agent=USER_AGENT,
        )
        self._http = httpx.AsyncClient(
            transport=self._transport,
            auth=self._auth,
            timeout=self._timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        self._page_size: int | None = None
        self._page_size_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"DattoClient({self.base_url!r}, platform={self.platform!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (and the injected transport)."""
        await self._http.aclose()

    # -----------------------------------------------------------------------------------------
    # State

    @property
    def portal_url(self) -> str | None:
        """``https://<platform>.rmm.datto.com`` when the platform is known."""
        return portal_base_url(self.platform)

    @property
    def token_expires_at(self) -> datetime | None:
        return self._auth.token_expires_at

    @property
    def token_fetched_at(self) -> datetime | None:
        return self._auth.token_fetched_at

    @property
    def token_fetches(self) -> int:
        """Tokens fetched from the service by this client (disk-cache hits do not count)."""
        return self._auth.fetch_count

    @property
    def wire_attempts(self) -> int:
        """Every request attempt that went on the wire, token fetches and retries included."""
        return self._transport.attempts

    # -----------------------------------------------------------------------------------------
    # Account and system

    async def account(self, *, priority: Priority = Priority.INTERACTIVE) -> Account:
        """``GET /api/v2/account``."""
        return Account.from_api(await self._get_object("/api/v2/account", priority=priority))

    async def request_rate(self, *, priority: Priority = Priority.INTERACTIVE) -> RequestRate:
        """``GET /api/v2/system/request_rate`` (costs a read); also calibrates the budget."""
        data = await self._get_object("/api/v2/system/request_rate", priority=priority)
        rate = RequestRate.from_api(data)
        self.budget.record_account_rate(rate)
        return rate

    async def system_status(self, *, priority: Priority = Priority.INTERACTIVE) -> SystemStatus:
        """``GET /api/v2/system/status`` (needs no token, so it works with bad credentials)."""
        data = await self._get_object("/api/v2/system/status", priority=priority, auth=False)
        return SystemStatus.from_api(data)

    async def page_size(self, *, priority: Priority = Priority.INTERACTIVE) -> int:
        """Records per page: ``min(250, GET /api/v2/system/pagination max)``, read once."""
        if self._page_size is not None:
            return self._page_size
        async with self._page_size_lock:
            if self._page_size is None:
                try:
                    data = await self._get("/api/v2/system/pagination", priority=priority)
                except (NotFound, BadRequest, ProtocolError, PermissionDenied) as exc:
                    if isinstance(exc, IPBlocked):
                        raise
                    log.warning("Could not read the page size (%s); using %d", exc, MAX_PAGE_SIZE)
                    data = None
                value = as_int(as_dict(data).get("max"))
                self._page_size = (
                    min(MAX_PAGE_SIZE, value) if value and value > 0 else MAX_PAGE_SIZE
                )
            return self._page_size

    # -----------------------------------------------------------------------------------------
    # Sites and devices

    def sites(
        self, site_name: str | None = None, *, priority: Priority = Priority.INTERACTIVE
    ) -> Paginated[Site]:
        """``GET /api/v2/account/sites`` (``siteName`` is a partial match)."""
        return self._list(
            "/api/v2/account/sites", "sites", Site.from_api, {"siteName": site_name}, priority
        )

    async def site(self, uid: str, *, priority: Priority = Priority.INTERACTIVE) -> Site:
        """``GET /api/v2/site/{uid}``."""
        return Site.from_api(
            await self._get_object(f"/api/v2/site/{_segment(uid)}", priority=priority)
        )

    def devices(
        self,
        *,
        hostname: str | None = None,
        device_type: str | None = None,
        operating_system: str | None = None,
        site_name: str | None = None,
        filter_id: int | None = None,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Paginated[Device]:
        """``GET /api/v2/account/devices``; the text filters are partial matches, and a
        ``filter_id`` alone decides the result."""
        params = {
            "hostname": hostname,
            "deviceType": device_type,
            "operatingSystem": operating_system,
            "siteName": site_name,
            "filterId": filter_id,
        }
        return self._list("/api/v2/account/devices", "devices", Device.from_api, params, priority)

    def site_devices(
        self,
        site_uid: str,
        filter_id: int | None = None,
        *,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Paginated[Device]:
        """``GET /api/v2/site/{uid}/devices``."""
        path = f"/api/v2/site/{_segment(site_uid)}/devices"
        return self._list(path, "devices", Device.from_api, {"filterId": filter_id}, priority)

    async def device(self, uid: str, *, priority: Priority = Priority.INTERACTIVE) -> Device:
        """``GET /api/v2/device/{uid}``."""
        path = f"/api/v2/device/{_segment(uid)}"
        return Device.from_api(await self._get_object(path, priority=priority))

    async def device_by_id(
        self, device_id: int, *, priority: Priority = Priority.INTERACTIVE
    ) -> Device:
        """``GET /api/v2/device/id/{id}``."""
        path = f"/api/v2/device/id/{_segment(int(device_id))}"
        return Device.from_api(await self._get_object(path, priority=priority))

    async def devices_by_mac(
        self, mac: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> list[Device]:
        """``GET /api/v2/device/macAddress/{mac}`` (an array). Separators in ``mac`` are ignored."""
        normal = _MAC_SEPARATORS.sub("", mac).upper()
        if not _MAC.fullmatch(normal):
            raise BadRequest(
                f"{mac!r} is not a MAC address (12 hex digits, e.g. 00:1A:2B:3C:4D:5E)."
            )
        data = await self._get(f"/api/v2/device/macAddress/{normal}", priority=priority)
        if isinstance(data, dict) and isinstance(data.get("devices"), list):
            data = data["devices"]
        if not isinstance(data, list):
            raise ProtocolError(
                f"The service answered GET /api/v2/device/macAddress/{normal} with a JSON "
                f"{type(data).__name__}, not a list of devices."
            )
        return [Device.from_api(item) for item in data if isinstance(item, dict)]

    async def device_audit(
        self, uid: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> DeviceAudit:
        """``GET /api/v2/audit/device/{uid}`` (400 unless the device's class is ``device``)."""
        path = f"/api/v2/audit/device/{_segment(uid)}"
        return DeviceAudit.from_api(await self._get_object(path, priority=priority))

    def device_software(
        self, uid: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> Paginated[Software]:
        """``GET /api/v2/audit/device/{uid}/software``."""
        path = f"/api/v2/audit/device/{_segment(uid)}/software"
        return self._list(path, "software", Software.from_api, {}, priority)

    # -----------------------------------------------------------------------------------------
    # Alerts

    def open_alerts(
        self,
        site_uid: str | None = None,
        device_uid: str | None = None,
        muted: bool | None = None,
        *,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Paginated[Alert]:
        """Open alerts of the account, or of one site or device (``muted`` None: both)."""
        return self._alerts("open", site_uid, device_uid, muted, priority)

    def resolved_alerts(
        self,
        site_uid: str | None = None,
        device_uid: str | None = None,
        muted: bool | None = None,
        *,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Paginated[Alert]:
        """Resolved alerts of the account, or of one site or device."""
        return self._alerts("resolved", site_uid, device_uid, muted, priority)

    async def alert(self, uid: str, *, priority: Priority = Priority.INTERACTIVE) -> Alert:
        """``GET /api/v2/alert/{uid}``."""
        path = f"/api/v2/alert/{_segment(uid)}"
        return Alert.from_api(await self._get_object(path, priority=priority))

    async def resolve_alert(self, uid: str, *, priority: Priority = Priority.INTERACTIVE) -> None:
        """``POST /api/v2/alert/{uid}/resolve`` (a write; never retried automatically)."""
        path = f"/api/v2/alert/{_segment(uid)}/resolve"
        await self._request("POST", path, priority=priority, parse=False)

    # -----------------------------------------------------------------------------------------
    # Jobs and components

    def components(self, *, priority: Priority = Priority.INTERACTIVE) -> Paginated[Component]:
        """``GET /api/v2/account/components``."""
        return self._list(
            "/api/v2/account/components", "components", Component.from_api, {}, priority
        )

    async def quick_job(
        self,
        device_uid: str,
        *,
        job_name: str,
        component_uid: str,
        variables: Mapping[str, str] | None = None,
        priority: Priority = Priority.INTERACTIVE,
    ) -> QuickJobResult:
        """``PUT /api/v2/device/{uid}/quickjob`` (a write; never retried automatically)."""
        body = {
            "jobName": job_name,
            "jobComponent": {
                "componentUid": component_uid,
                "variables": [
                    {"name": name, "value": value} for name, value in (variables or {}).items()
                ],
            },
        }
        path = f"/api/v2/device/{_segment(device_uid)}/quickjob"
        data = await self._request("PUT", path, body=body, priority=priority)
        return QuickJobResult.from_api(data)

    async def job(self, uid: str, *, priority: Priority = Priority.INTERACTIVE) -> Job:
        """``GET /api/v2/job/{uid}``."""
        return Job.from_api(
            await self._get_object(f"/api/v2/job/{_segment(uid)}", priority=priority)
        )

    async def job_results(
        self, job_uid: str, device_uid: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> JobResult:
        """``GET /api/v2/job/{uid}/results/{deviceUid}``."""
        path = f"/api/v2/job/{_segment(job_uid)}/results/{_segment(device_uid)}"
        return JobResult.from_api(await self._get_object(path, priority=priority))

    async def job_stdout(
        self, job_uid: str, device_uid: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> list[JobOutput]:
        """``GET /api/v2/job/{uid}/results/{deviceUid}/stdout`` (an array)."""
        return await self._job_output(job_uid, device_uid, "stdout", priority)

    async def job_stderr(
        self, job_uid: str, device_uid: str, *, priority: Priority = Priority.INTERACTIVE
    ) -> list[JobOutput]:
        """``GET /api/v2/job/{uid}/results/{deviceUid}/stderr`` (an array)."""
        return await self._job_output(job_uid, device_uid, "stderr", priority)

    # -----------------------------------------------------------------------------------------
    # Filters and activity

    def default_filters(self, *, priority: Priority = Priority.INTERACTIVE) -> Paginated[Filter]:
        """``GET /api/v2/filter/default-filters``."""
        return self._list(
            "/api/v2/filter/default-filters", "filters", Filter.from_api, {}, priority
        )

    def custom_filters(self, *, priority: Priority = Priority.INTERACTIVE) -> Paginated[Filter]:
        """``GET /api/v2/filter/custom-filters``."""
        return self._list("/api/v2/filter/custom-filters", "filters", Filter.from_api, {}, priority)

    def activity_logs(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        priority: Priority = Priority.INTERACTIVE,
    ) -> Paginated[Activity]:
        """``GET /api/v2/activity-logs``, oldest first. Without ``since`` the service returns
        the last 15 minutes. Pages follow ``nextPageUrl`` (it carries the ``searchAfter``
        cursor); the size, order and time range are added back when a link drops them."""

        async def plan() -> PagePlan:
            keep = {"size": str(await self.page_size(priority=priority)), "order": "asc"}
            if since is not None:
                keep["from"] = _utc_text(since)
            if until is not None:
                keep["until"] = _utc_text(until)
            return PagePlan(build_url(self.base_url, "/api/v2/activity-logs", keep), keep)

        return Paginated(
            what="GET /api/v2/activity-logs",
            plan=plan,
            fetch=lambda url: self._get(url, priority=priority),
            array_key="activities",
            parse=Activity.from_api,
            base_url=self.base_url,
        )

    # -----------------------------------------------------------------------------------------
    # Internals

    def _alerts(
        self,
        state: str,
        site_uid: str | None,
        device_uid: str | None,
        muted: bool | None,
        priority: Priority,
    ) -> Paginated[Alert]:
        if site_uid is not None and device_uid is not None:
            raise BadRequest("Give a site or a device for an alert list, not both.")
        if device_uid is not None:
            path = f"/api/v2/device/{_segment(device_uid)}/alerts/{state}"
        elif site_uid is not None:
            path = f"/api/v2/site/{_segment(site_uid)}/alerts/{state}"
        else:
            path = f"/api/v2/account/alerts/{state}"
        return self._list(path, "alerts", Alert.from_api, {"muted": muted}, priority)

    async def _job_output(
        self, job_uid: str, device_uid: str, stream: str, priority: Priority
    ) -> list[JobOutput]:
        path = f"/api/v2/job/{_segment(job_uid)}/results/{_segment(device_uid)}/{stream}"
        data = await self._get(path, priority=priority)
        if data is None:
            return []
        if not isinstance(data, list):
            data = [data] if isinstance(data, dict) else None
        if data is None:
            raise ProtocolError(
                f"The service answered GET {path} with neither a list nor an object."
            )
        return [JobOutput.from_api(item) for item in data if isinstance(item, dict)]

    def _list(
        self,
        path: str,
        array_key: str,
        parse: Callable[[Any], T],
        filters: Mapping[str, str | int | bool | None],
        priority: Priority,
    ) -> Paginated[T]:
        """A paginated list endpoint: ``page`` from 0, ``max``, and the non-None filters."""
        keep: dict[str, str] = {}
        for name, value in filters.items():
            if value is None:
                continue
            keep[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)

        async def plan() -> PagePlan:
            size = await self.page_size(priority=priority)
            pinned = {"max": str(size), **keep}
            return PagePlan(build_url(self.base_url, path, {"page": "0", **pinned}), pinned)

        return Paginated(
            what=f"GET {path}",
            plan=plan,
            fetch=lambda url: self._get(url, priority=priority),
            array_key=array_key,
            parse=parse,
            base_url=self.base_url,
        )

    async def _get_object(
        self, path: str, *, priority: Priority, auth: bool = True
    ) -> Mapping[str, Any]:
        data = await self._get(path, priority=priority, auth=auth)
        if not isinstance(data, dict):
            raise ProtocolError(
                f"The service answered GET {path} with a JSON {type(data).__name__}, not an object."
            )
        return data

    async def _get(self, path_or_url: str, *, priority: Priority, auth: bool = True) -> Any:
        return await self._request("GET", path_or_url, priority=priority, auth=auth)

    async def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        priority: Priority,
        body: Any = None,
        parse: bool = True,
        auth: bool = True,
    ) -> Any:
        """Send one request and return its JSON (None when ``parse`` is false).

        A GET whose answer is not JSON is sent once more (a proxy hiccup or a cut-off body),
        then :class:`ProtocolError` is raised.
        """
        url = path_or_url if "://" in path_or_url else f"{self.base_url}{path_or_url}"
        tries = 2 if method == "GET" and parse else 1
        for attempt in range(1, tries + 1):
            response = await self._send(method, url, body=body, priority=priority, auth=auth)
            what = f"{method} {response.request.url.path}"
            if not response.is_success:
                raise error_for_response(response, what, self._auth.secrets())
            if not parse:
                return None
            try:
                return await decode_json_off_loop(response, what)
            except ProtocolError:
                if attempt == tries:
                    raise
                log.warning("%s answered a body that is not JSON; asking once more", what)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self, method: str, url: str, *, body: Any, priority: Priority, auth: bool
    ) -> httpx.Response:
        if self._http.is_closed:
            raise DattoError(f"The client of {self._service} was closed; {method} not sent.")
        ext = extensions(priority)
        if not auth:
            ext[NO_AUTH_EXTENSION] = True
        try:
            request = self._http.build_request(method, url, json=body, extensions=ext)
            return await self._http.send(request)
        except DattoError:
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise self._network_error(method, url, exc) from exc

    def _network_error(self, method: str, url: str, exc: Exception) -> DattoError:
        try:
            path = httpx.URL(url).path
        except httpx.InvalidURL:
            path = "(an invalid URL)"
        what = f"{method} {path}"
        reason = scrub(str(exc) or type(exc).__name__, self._auth.secrets())
        write_note = (
            ""
            if method == "GET"
            else " The write may or may not have reached the service; check before repeating it."
        )
        if isinstance(exc, httpx.TimeoutException):
            return NetworkError(
                f"{self._service} did not answer {what} in time ({type(exc).__name__}).{write_note}"
            )
        if isinstance(exc, httpx.DecodingError | httpx.TooManyRedirects | httpx.InvalidURL):
            return ProtocolError(f"{self._service} sent an unusable answer to {what}: {reason}")
        if isinstance(exc, httpx.UnsupportedProtocol):
            return ConfigurationError(f"Cannot send {what}: {reason}")
        return NetworkError(
            f"Could not reach {self._service} for {what} ({type(exc).__name__}: {reason}). "
            f"Check the network connection and the API URL.{write_note}"
        )
