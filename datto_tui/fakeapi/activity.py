"""``GET /v2/activity-logs``: a search-after cursor over (date, id), newest first by default.

Parameters as documented: ``size`` (default 100, at most 1000), ``order`` (``asc``/``desc``),
``from``/``until`` (UTC ``yyyy-MM-ddTHH:mm:ssZ``; default: the last 15 minutes), ``searchAfter``
(``<date ms>,<id>``) with ``page`` (``next``/``previous``), and the filters ``entities``,
``categories``, ``actions``, ``siteIds``, ``userIds``, ``searchQuery`` (a substring of the
details or hostname here). ``nextPageUrl``/``prevPageUrl`` are absolute and carry the cursor, the
window pinned to absolute times, and every parameter given (unlike the page/max lists).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from datto_tui.fakeapi import render
from datto_tui.fakeapi.model import ActivityRec
from datto_tui.fakeapi.wire import ApiError, Response, json_response

if TYPE_CHECKING:
    from datto_tui.fakeapi.routes import Ctx

DEFAULT_SIZE = 100
MAX_SIZE = 1000


def _parse_time(raw: str) -> int:
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def _format_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv(ctx: Ctx, name: str) -> list[str]:
    out: list[str] = []
    for value in ctx.req.query.get(name, []):
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def get_activity_logs(ctx: Ctx, p: dict[str, str]) -> Response:
    """``/v2/activity-logs``: a search-after cursor over (date, id), newest first by default."""
    world = ctx.world
    req = ctx.req
    try:
        size = int(req.arg("size") or DEFAULT_SIZE)
    except ValueError:
        raise ApiError(400) from None
    if size < 1:
        raise ApiError(400)
    size = min(size, MAX_SIZE)
    order = (req.arg("order") or "desc").lower()
    direction = (req.arg("page") or "next").lower()
    if order not in ("asc", "desc") or direction not in ("next", "previous"):
        raise ApiError(400)
    until = _parse_time(req.arg("until") or "") if req.arg("until") else world.now_ms
    since = _parse_time(req.arg("from") or "") if req.arg("from") else until - 15 * 60_000
    entities = {e.upper() for e in _csv(ctx, "entities")}
    categories = {c.lower() for c in _csv(ctx, "categories")}
    actions = {a.lower() for a in _csv(ctx, "actions")}
    try:
        site_ids = {int(s) for s in _csv(ctx, "siteIds")}
        user_ids = {int(u) for u in _csv(ctx, "userIds")}
    except ValueError:
        raise ApiError(400) from None
    search = (req.arg("searchQuery") or "").lower()

    def keep(a: ActivityRec) -> bool:
        if not since <= a.date_ms <= until:
            return False
        if entities and a.entity not in entities:
            return False
        if categories and a.category not in categories:
            return False
        if actions and a.action not in actions:
            return False
        if site_ids and (a.site is None or world.site_list[a.site].id not in site_ids):
            return False
        if user_ids and (a.user is None or world.users[a.user].id not in user_ids):
            return False
        if search:
            host = world.device_list[a.device].hostname if a.device is not None else ""
            if search not in a.details.lower() and search not in host.lower():
                return False
        return True

    selected = [a for a in world.activities if keep(a)]
    if order == "desc":
        selected.reverse()
    cursor_raw = _csv(ctx, "searchAfter")
    start, end = 0, len(selected)
    if len(cursor_raw) >= 2:
        try:
            cursor = (int(cursor_raw[0]), cursor_raw[1])
        except ValueError:
            raise ApiError(400) from None
        keys = [(a.date_ms, a.id) for a in selected]
        if order == "desc":
            after = [i for i, k in enumerate(keys) if k < cursor]
            before = [i for i, k in enumerate(keys) if k > cursor]
        else:
            after = [i for i, k in enumerate(keys) if k > cursor]
            before = [i for i, k in enumerate(keys) if k < cursor]
        if direction == "next":
            start = after[0] if after else len(selected)
        else:
            end = before[-1] + 1 if before else 0
            start = max(0, end - size)
    chunk = selected[start : min(end, start + size)]
    base = {
        "size": str(size),
        "order": order,
        "from": _format_time(since),
        "until": _format_time(until),
    }
    for name in ("entities", "categories", "actions", "siteIds", "userIds", "searchQuery"):
        values = req.query.get(name)
        if values:
            base[name] = ",".join(values)

    def link(anchor: ActivityRec, page: str) -> str:
        query = {**base, "searchAfter": f"{anchor.date_ms},{anchor.id}", "page": page}
        return f"{req.origin}{quote(req.path)}?{urlencode(query)}"

    last = start + len(chunk)
    body = {
        "pageDetails": {
            "count": len(chunk),
            "totalCount": len(selected),
            "prevPageUrl": link(chunk[0], "previous") if chunk and start > 0 else None,
            "nextPageUrl": link(chunk[-1], "next") if chunk and last < len(selected) else None,
        },
        "activities": [render.activity(world, a) for a in chunk],
        "error": None,
    }
    return json_response(body)
