"""The API's routes and their handlers (everything under ``/api``).

Handlers are plain functions of a :class:`Ctx` and the path parameters; they read the world,
render records and raise :class:`~datto_tui.fakeapi.wire.ApiError` for Spring error answers.
Unknown UIDs answer 404. Choices where the live behaviour is not documented:

- Resolving an alert that is already resolved answers 200 with an empty body and changes
  nothing (the operation is idempotent; the first resolve's time and user stay).
- ``POST /v2/alert/{uid}/mute`` and ``/unmute`` are deprecated ("Alerts can no longer be
  muted/un-muted, as of the 8.9.0 release"): they answer 200 with an empty body and change
  nothing (404 for an unknown alert).
- A quick job on a device that has no agent (printer, network device, unknown class) answers
  400, as does an unknown component or a variable the component does not declare. A job for an
  offline device stays ``Pending`` and expires after ``job_expiry_hours``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from datto_tui.fakeapi import activity, render
from datto_tui.fakeapi.config import FakeConfig
from datto_tui.fakeapi.model import PROFILES, AlertRec, DeviceRec, FilterRec, SiteRec
from datto_tui.fakeapi.ratelimit import RateLimiter
from datto_tui.fakeapi.traits import DOCK_MAC, mac_for
from datto_tui.fakeapi.wire import ApiError, Request, Response, json_response, paged
from datto_tui.fakeapi.world import World

SYSTEM_VERSION = "2.0.0 (Build 235)"
_UDF_KEY = re.compile(r"^udf([1-9]\d{0,2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAC = re.compile(r"^[0-9A-F]{12}$")


@dataclass(slots=True)
class Ctx:
    """What a handler may use."""

    world: World
    config: FakeConfig
    req: Request
    now_ms: int
    limiter: RateLimiter


Handler = Callable[[Ctx, dict[str, str]], Response]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: str
    parts: tuple[str, ...]
    handler: Handler
    op: str | None  # write-limit operation

    def match(self, parts: Sequence[str]) -> dict[str, str] | None:
        if len(parts) != len(self.parts):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.parts, parts, strict=True):
            if want.startswith("{"):
                if not got:
                    return None
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params


class Router:
    """Routes by method and path; knows which paths exist for other methods (405)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Handler, op: str | None = None) -> None:
        parts = tuple(pattern.strip("/").split("/"))
        self.routes.append(Route(method, pattern, parts, handler, op))

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], list[str]]:
        """(route, params, allowed methods); route None with methods listed means 405."""
        parts = path.strip("/").split("/")
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(parts)
            if params is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, params, []
            allowed.append(route.method)
        return None, {}, allowed


# ----------------------------------------------------------------------------------- lookups


def _site(ctx: Ctx, uid: str) -> SiteRec:
    site = ctx.world.sites.get(uid)
    if site is None:
        raise ApiError(404)
    return site


def _device(ctx: Ctx, uid: str) -> DeviceRec:
    dev = ctx.world.devices.get(uid)
    if dev is None:
        raise ApiError(404)
    return dev


def _filter_param(ctx: Ctx) -> FilterRec | None:
    raw = ctx.req.arg("filterId")
    if raw in (None, ""):
        return None
    try:
        fid = int(raw)
    except ValueError:
        raise ApiError(400) from None
    flt = ctx.world.filters_by_id.get(fid)
    if flt is None:
        raise ApiError(404)
    return flt


def _muted_param(ctx: Ctx) -> bool | None:
    raw = ctx.req.arg("muted")
    if raw in (None, ""):
        return None
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise ApiError(400)
    return lowered == "true"


def _body_json(ctx: Ctx) -> Any:
    if not ctx.req.body.strip():
        return None
    try:
        return json.loads(ctx.req.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400) from None


def _page(
    ctx: Ctx, items: Sequence[Any], key: str, renderer: Callable[[Any], dict[str, Any]]
) -> Response:
    return paged(ctx.req, items, key, renderer, ctx.config.page_max)


def _alerts_page(ctx: Ctx, alerts: Sequence[AlertRec]) -> Response:
    world = ctx.world
    return _page(ctx, alerts, "alerts", lambda a: render.alert(world, a))


def _select_alerts(
    ctx: Ctx,
    *,
    resolved: bool,
    site: SiteRec | None = None,
    device: DeviceRec | None = None,
) -> list[AlertRec]:
    world = ctx.world
    muted = _muted_param(ctx)
    source = world.resolved_alerts if resolved else world.open_alerts
    out: list[AlertRec] = []
    for a in source.values():
        if muted is not None and a.muted is not muted:
            continue
        if device is not None and a.device != device.ix:
            continue
        if site is not None and world.device_list[a.device].site != site.index:
            continue
        out.append(a)
    return out


# ----------------------------------------------------------------------------------- account


def get_account(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.account(ctx.world))


def get_sites(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    name = (ctx.req.arg("siteName") or "").lower()
    sites = [s for s in world.site_list if name in s.name.lower()] if name else world.site_list
    return _page(ctx, sites, "sites", lambda s: render.site(world, s))


def get_account_devices(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    devices = world.queries.account_devices(
        filter_rec=_filter_param(ctx),
        hostname=ctx.req.arg("hostname"),
        device_type=ctx.req.arg("deviceType"),
        operating_system=ctx.req.arg("operatingSystem"),
        site_name=ctx.req.arg("siteName"),
    )
    return _page(ctx, devices, "devices", lambda d: render.device(world, d))


def get_account_alerts_open(ctx: Ctx, p: dict[str, str]) -> Response:
    return _alerts_page(ctx, _select_alerts(ctx, resolved=False))


def get_account_alerts_resolved(ctx: Ctx, p: dict[str, str]) -> Response:
    return _alerts_page(ctx, _select_alerts(ctx, resolved=True))


def get_users(ctx: Ctx, p: dict[str, str]) -> Response:
    return _page(ctx, ctx.world.users, "users", render.user)


def get_account_variables(ctx: Ctx, p: dict[str, str]) -> Response:
    return _page(ctx, ctx.world.account_variables, "variables", render.variable)


def get_components(ctx: Ctx, p: dict[str, str]) -> Response:
    return _page(ctx, ctx.world.components, "components", render.component)


# -------------------------------------------------------------------------------------- site


def get_site(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.site(ctx.world, _site(ctx, p["siteUid"])))


def get_site_devices(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    site = _site(ctx, p["siteUid"])
    devices = world.queries.site_devices(site.index, _filter_param(ctx))
    return _page(ctx, devices, "devices", lambda d: render.device(world, d))


def get_site_network_interfaces(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    site = _site(ctx, p["siteUid"])
    devices = world.queries.site_devices(site.index, None)
    return _page(ctx, devices, "devices", lambda d: render.network_interfaces(world, d))


def get_site_alerts_open(ctx: Ctx, p: dict[str, str]) -> Response:
    return _alerts_page(ctx, _select_alerts(ctx, resolved=False, site=_site(ctx, p["siteUid"])))


def get_site_alerts_resolved(ctx: Ctx, p: dict[str, str]) -> Response:
    return _alerts_page(ctx, _select_alerts(ctx, resolved=True, site=_site(ctx, p["siteUid"])))


def get_site_settings(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.site_settings(ctx.world, _site(ctx, p["siteUid"])))


def get_site_variables(ctx: Ctx, p: dict[str, str]) -> Response:
    return _page(ctx, _site(ctx, p["siteUid"]).variables, "variables", render.variable)


def get_site_filters(ctx: Ctx, p: dict[str, str]) -> Response:
    site = _site(ctx, p["siteUid"])
    filters = [f for f in ctx.world.filters if f.type == "site" and f.site == site.index]
    return _page(ctx, filters, "filters", render.filter_)


# ------------------------------------------------------------------------------------ device


def get_device(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.device(ctx.world, _device(ctx, p["deviceUid"])))


def get_device_by_id(ctx: Ctx, p: dict[str, str]) -> Response:
    try:
        device_id = int(p["deviceId"])
    except ValueError:
        raise ApiError(400) from None
    dev = ctx.world.devices_by_id.get(device_id)
    if dev is None:
        raise ApiError(404)
    return json_response(render.device(ctx.world, dev))


def _devices_by_mac(ctx: Ctx, raw: str) -> list[DeviceRec]:
    mac = re.sub(r"[:\-.]", "", raw).upper()
    if not _MAC.match(mac):
        raise ApiError(400)
    world = ctx.world
    if mac == DOCK_MAC:
        found = [
            d for d in world.device_list if PROFILES[d.profile].key == "laptop" and d.seed % 50 == 0
        ]
    else:
        dev = world.devices_by_id.get(int(mac[6:], 16))
        docked = dev is not None and PROFILES[dev.profile].key == "laptop" and dev.seed % 50 == 0
        found = [dev] if dev is not None and not docked and mac_for(dev) == mac else []
    if not found:
        raise ApiError(404)
    return found


def get_devices_by_mac(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    return json_response([render.device(world, d) for d in _devices_by_mac(ctx, p["macAddress"])])


def get_device_alerts_open(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _device(ctx, p["deviceUid"])
    return _alerts_page(ctx, _select_alerts(ctx, resolved=False, device=dev))


def get_device_alerts_resolved(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _device(ctx, p["deviceUid"])
    return _alerts_page(ctx, _select_alerts(ctx, resolved=True, device=dev))


def put_quick_job(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    dev = _device(ctx, p["deviceUid"])
    body = _body_json(ctx)
    if not isinstance(body, dict):
        raise ApiError(400)
    job_name = body.get("jobName")
    spec = body.get("jobComponent")
    if not isinstance(job_name, str) or not job_name.strip() or not isinstance(spec, dict):
        raise ApiError(400)
    component = world.components_by_uid.get(str(spec.get("componentUid")))
    if component is None or PROFILES[dev.profile].device_class != "device":
        raise ApiError(400)
    variables = spec.get("variables") or []
    if not isinstance(variables, list) or not all(isinstance(v, dict) for v in variables):
        raise ApiError(400)
    declared = {v["name"] for v in component.variables}
    if any(v.get("name") not in declared for v in variables):
        raise ApiError(400)
    job = world.create_job(dev.uid, job_name, component.uid, variables)
    return json_response(
        {
            "job": render.job(world, job, ctx.now_ms),
            "jobComponents": [render.job_component(world, job)],
        }
    )


def post_udf(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _device(ctx, p["deviceUid"])
    body = _body_json(ctx)
    if not isinstance(body, dict):
        raise ApiError(400)
    values: dict[str, str | None] = {}
    for key, value in body.items():
        m = _UDF_KEY.match(str(key))
        if m is None or int(m.group(1)) > 300 or not (value is None or isinstance(value, str)):
            raise ApiError(400)
        values[str(key)] = value
    ctx.world.set_udfs(dev.uid, values)
    return Response(200, content_type=None)


def post_warranty(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _device(ctx, p["deviceUid"])
    body = _body_json(ctx)
    if not isinstance(body, dict):
        raise ApiError(400)
    date = body.get("warrantyDate")
    if date is not None and (not isinstance(date, str) or not _DATE.match(date)):
        raise ApiError(400)
    ctx.world.set_warranty(dev.uid, date)
    return Response(200, content_type=None)


def put_move_device(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _device(ctx, p["deviceUid"])
    site = _site(ctx, p["siteUid"])
    ctx.world.move_device(dev.uid, site.uid)
    return Response(200, content_type=None)


# ------------------------------------------------------------------------------------- alert


def _alert(ctx: Ctx, uid: str) -> AlertRec:
    found = ctx.world.alerts.get(uid)
    if found is None:
        raise ApiError(404)
    return found


def get_alert(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.alert(ctx.world, _alert(ctx, p["alertUid"])))


def post_resolve(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    found = _alert(ctx, p["alertUid"])
    if not found.resolved:
        world.resolve_alert(found.uid, by=ctx.config.api_username)
        world.log_activity(
            ("USER", "alert", "resolve"),
            device=world.device_list[found.device],
            details=json.dumps({"alertUid": found.uid, "priority": found.priority}),
        )
    return Response(200, content_type=None)


def post_mute(ctx: Ctx, p: dict[str, str]) -> Response:
    _alert(ctx, p["alertUid"])
    return Response(200, content_type=None)


# --------------------------------------------------------------------------------------- job


def _job(ctx: Ctx, uid: str) -> Any:
    found = ctx.world.jobs.get(uid)
    if found is None:
        raise ApiError(404)
    return found


def get_job(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.job(ctx.world, _job(ctx, p["jobUid"]), ctx.now_ms))


def get_job_components(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    found = _job(ctx, p["jobUid"])
    return _page(ctx, [found], "jobComponents", lambda j: render.job_component(world, j))


def _job_for_device(ctx: Ctx, p: dict[str, str]) -> Any:
    found = _job(ctx, p["jobUid"])
    if ctx.world.device_list[found.device].uid != p["deviceUid"]:
        raise ApiError(404)
    return found


def get_job_results(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.job_results(ctx.world, _job_for_device(ctx, p), ctx.now_ms))


def get_job_stdout(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.job_std(ctx.world, _job_for_device(ctx, p), ctx.now_ms, "stdout"))


def get_job_stderr(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.job_std(ctx.world, _job_for_device(ctx, p), ctx.now_ms, "stderr"))


# ------------------------------------------------------------------------------------- audit


def _audited(ctx: Ctx, uid: str, device_class: str) -> DeviceRec:
    dev = _device(ctx, uid)
    if PROFILES[dev.profile].device_class != device_class:
        raise ApiError(400)
    return dev


def get_device_audit(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.device_audit(ctx.world, _audited(ctx, p["deviceUid"], "device")))


def get_device_audit_by_mac(ctx: Ctx, p: dict[str, str]) -> Response:
    world = ctx.world
    found = [
        d
        for d in _devices_by_mac(ctx, p["macAddress"])
        if PROFILES[d.profile].device_class == "device"
    ]
    if not found:
        raise ApiError(404)
    return json_response([render.device_audit(world, d) for d in found])


def get_device_software(ctx: Ctx, p: dict[str, str]) -> Response:
    dev = _audited(ctx, p["deviceUid"], "device")
    return _page(ctx, render.software_list(ctx.world, dev), "software", lambda s: s)


def get_esxi_audit(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.esxi_audit(ctx.world, _audited(ctx, p["deviceUid"], "esxihost")))


def get_printer_audit(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(render.printer_audit(ctx.world, _audited(ctx, p["deviceUid"], "printer")))


# ----------------------------------------------------------------------------------- filters


def get_default_filters(ctx: Ctx, p: dict[str, str]) -> Response:
    filters = [f for f in ctx.world.filters if f.type == "rmm_default"]
    return _page(ctx, filters, "filters", render.filter_)


def get_custom_filters(ctx: Ctx, p: dict[str, str]) -> Response:
    filters = [f for f in ctx.world.filters if f.type == "custom"]
    return _page(ctx, filters, "filters", render.filter_)


# ------------------------------------------------------------------------------------ system


def get_request_rate(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response(ctx.limiter.status(ctx.world.account.uid))


def get_pagination(ctx: Ctx, p: dict[str, str]) -> Response:
    return json_response({"max": ctx.config.page_max})


def system_status(started_ms: int) -> Response:
    return json_response({"version": SYSTEM_VERSION, "status": "OK", "started": started_ms})


def build_router() -> Router:
    """Every implemented route (paths relative to ``/api``)."""
    r = Router()
    r.add("GET", "/v2/account", get_account)
    r.add("GET", "/v2/account/sites", get_sites)
    r.add("GET", "/v2/account/devices", get_account_devices)
    r.add("GET", "/v2/account/alerts/open", get_account_alerts_open)
    r.add("GET", "/v2/account/alerts/resolved", get_account_alerts_resolved)
    r.add("GET", "/v2/account/users", get_users)
    r.add("GET", "/v2/account/variables", get_account_variables)
    r.add("GET", "/v2/account/components", get_components)
    r.add("GET", "/v2/site/{siteUid}", get_site)
    r.add("GET", "/v2/site/{siteUid}/devices", get_site_devices)
    r.add("GET", "/v2/site/{siteUid}/devices/network-interface", get_site_network_interfaces)
    r.add("GET", "/v2/site/{siteUid}/alerts/open", get_site_alerts_open)
    r.add("GET", "/v2/site/{siteUid}/alerts/resolved", get_site_alerts_resolved)
    r.add("GET", "/v2/site/{siteUid}/settings", get_site_settings)
    r.add("GET", "/v2/site/{siteUid}/variables", get_site_variables)
    r.add("GET", "/v2/site/{siteUid}/filters", get_site_filters)
    r.add("GET", "/v2/device/id/{deviceId}", get_device_by_id)
    r.add("GET", "/v2/device/macAddress/{macAddress}", get_devices_by_mac)
    r.add("GET", "/v2/device/{deviceUid}", get_device)
    r.add("GET", "/v2/device/{deviceUid}/alerts/open", get_device_alerts_open)
    r.add("GET", "/v2/device/{deviceUid}/alerts/resolved", get_device_alerts_resolved)
    r.add("PUT", "/v2/device/{deviceUid}/quickjob", put_quick_job, "device-job-create")
    r.add("POST", "/v2/device/{deviceUid}/udf", post_udf, "device-udf-set")
    r.add("POST", "/v2/device/{deviceUid}/warranty", post_warranty, "device-warranty-create")
    r.add("PUT", "/v2/device/{deviceUid}/site/{siteUid}", put_move_device, "device-move")
    r.add("GET", "/v2/alert/{alertUid}", get_alert)
    r.add("POST", "/v2/alert/{alertUid}/resolve", post_resolve, "alert-resolve")
    r.add("POST", "/v2/alert/{alertUid}/mute", post_mute)
    r.add("POST", "/v2/alert/{alertUid}/unmute", post_mute)
    r.add("GET", "/v2/job/{jobUid}", get_job)
    r.add("GET", "/v2/job/{jobUid}/components", get_job_components)
    r.add("GET", "/v2/job/{jobUid}/results/{deviceUid}", get_job_results)
    r.add("GET", "/v2/job/{jobUid}/results/{deviceUid}/stdout", get_job_stdout)
    r.add("GET", "/v2/job/{jobUid}/results/{deviceUid}/stderr", get_job_stderr)
    r.add("GET", "/v2/audit/device/macAddress/{macAddress}", get_device_audit_by_mac)
    r.add("GET", "/v2/audit/device/{deviceUid}", get_device_audit)
    r.add("GET", "/v2/audit/device/{deviceUid}/software", get_device_software)
    r.add("GET", "/v2/audit/esxihost/{deviceUid}", get_esxi_audit)
    r.add("GET", "/v2/audit/printer/{deviceUid}", get_printer_audit)
    r.add("GET", "/v2/filter/default-filters", get_default_filters)
    r.add("GET", "/v2/filter/custom-filters", get_custom_filters)
    r.add("GET", "/v2/activity-logs", activity.get_activity_logs)
    r.add("GET", "/v2/system/request_rate", get_request_rate)
    r.add("GET", "/v2/system/pagination", get_pagination)
    return r
