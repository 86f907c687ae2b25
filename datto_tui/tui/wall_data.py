"""What the wall screen shows, computed from the live model: counters, rows, banners, ages.

Pure functions of their inputs (the caller passes the current time), without Textual, so the
same state always gives the same text and the logic is tested without an app:

- :func:`counters`: the big numbers (devices online / offline, open alerts by priority), each
  with a word, a caption and a level that tells its colour *and* is spelled out in the caption.
- :func:`newest_alerts` / :func:`worst_sites`: the rows of the two lists, texts neutralised
  with :func:`~datto_tui.text.clean_line` (names and summaries come from the service).
- :func:`banners`: the plain-language lines shown across the screen when something is wrong
  (IP block, rate-limit pause, stale or failing data), most serious first.
- :func:`updated_text`: a panel's "updated 20 s ago", deliberately coarse (10 s steps under a
  minute, then minutes) so an idle wall repaints it rarely.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from datto_tui.api.models import Alert, Site
from datto_tui.monitor.events import Counts, Resource
from datto_tui.monitor.freshness import Freshness
from datto_tui.text import clean_line
from datto_tui.tui.fmt import count

#: The resources whose freshness the wall reports, most important first.
WALL_RESOURCES = (Resource.ALERTS, Resource.DEVICES, Resource.SITES)

#: Longest device, site and summary texts kept for a row (the widget crops to its width).
NAME_LIMIT = 80
SUMMARY_LIMIT = 200

# Priority words as the wall shows them (rank -> word); anything past Low is "LOW+" on the
# counters but keeps its own word in the lists.
_WORDS = ("CRITICAL", "HIGH", "MODERATE", "LOW", "INFO", "UNKNOWN")


class BudgetLike(Protocol):
    """The fields of ``api.budget.BudgetSnapshot`` the banners read."""

    @property
    def paused_for(self) -> float: ...
    @property
    def pause_reason(self) -> str | None: ...
    @property
    def ip_blocked(self) -> bool: ...


# --------------------------------------------------------------------------------------------
# Counters


@dataclass(frozen=True, slots=True)
class CounterValue:
    """One big counter.

    ``value`` is None while unknown (never polled); ``level`` is a CSS class (``-ok``, ``-warn``,
    ``-high``, ``-crit``, ``-info``, ``-idle``); ``caption`` says in words what the colour says
    (at most 12 cells: narrow walls show it beside the digits).
    """

    key: str
    label: str
    value: int | None
    level: str
    caption: str

    @property
    def digits(self) -> str:
        """The value for a ``Digits`` widget (``-`` while unknown)."""
        return "-" if self.value is None else str(self.value)


COUNTER_KEYS = ("critical", "high", "moderate", "low", "offline", "online")


def _alert_counter(key: str, label: str, value: int | None, busy_level: str) -> CounterValue:
    if value is None:
        return CounterValue(key, label, None, "-idle", "loading…")
    if value == 0:
        return CounterValue(key, label, 0, "-ok", "none open")
    if key == "critical":
        return CounterValue(key, label, value, busy_level, "ACT NOW")
    return CounterValue(key, label, value, busy_level, "open")


def counters(totals: Counts, *, devices_known: bool, alerts_known: bool) -> list[CounterValue]:
    """The six counters, in :data:`COUNTER_KEYS` order (most urgent first).

    ``devices_known`` / ``alerts_known``: a complete device / alert sync has happened (before
    that the numbers would be partial, so they show as unknown).
    """
    out: list[CounterValue] = []
    if devices_known:
        total = totals.devices
        out.append(
            CounterValue(
                "online",
                "ONLINE",
                totals.online,
                "-ok" if totals.online else "-idle",
                f"of {count(total)}",
            )
        )
        share = f"{totals.offline / total:.0%} of all" if total else "no devices"
        out.append(
            CounterValue(
                "offline",
                "OFFLINE",
                totals.offline,
                "-warn" if totals.offline else "-ok",
                share if totals.offline else "all online",
            )
        )
    else:
        out.append(CounterValue("online", "ONLINE", None, "-idle", "loading…"))
        out.append(CounterValue("offline", "OFFLINE", None, "-idle", "loading…"))
    ranks = totals.alerts_by_rank
    known = alerts_known
    out.append(_alert_counter("critical", "CRITICAL", ranks[0] if known else None, "-crit"))
    out.append(_alert_counter("high", "HIGH", ranks[1] if known else None, "-high"))
    out.append(_alert_counter("moderate", "MODERATE", ranks[2] if known else None, "-warn"))
    out.append(_alert_counter("low", "LOW+", sum(ranks[3:]) if known else None, "-info"))
    return sorted(out, key=lambda v: COUNTER_KEYS.index(v.key))


# --------------------------------------------------------------------------------------------
# Lists


def priority_word(rank: int) -> str:
    """``CRITICAL`` ... ``UNKNOWN`` by rank; ``OTHER`` for a priority the app does not know."""
    return _WORDS[rank] if rank < len(_WORDS) else "OTHER"


def priority_level(rank: int) -> str:
    """The style name of a priority: ``critical``, ``high``, ``moderate``, ``low`` or ``info``."""
    return ("critical", "high", "moderate", "low")[rank] if rank < 4 else "info"


def age_text(seconds: float | None) -> str:
    """A short age for a list column: ``now``, ``7 min``, ``25 min`` (5-minute steps from 10
    minutes: fewer repaints), ``3 h``, ``5 d`` (``—`` unknown)."""
    if seconds is None:
        return "—"
    s = max(0, int(seconds))
    if s < 60:
        return "now"
    if s < 600:
        return f"{s // 60} min"
    if s < 3600:
        return f"{s // 300 * 5} min"
    if s < 86400:
        return f"{s // 3600} h"
    return f"{s // 86400} d"


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One row of the newest alerts: every text already neutralised."""

    uid: str
    rank: int
    priority: str
    age: str
    device: str
    site: str
    summary: str
    new: bool


def _alert_time(alert: Alert) -> float:
    return alert.timestamp.timestamp() if alert.timestamp is not None else float("-inf")


def newest_alerts(
    alerts: Iterable[Alert],
    now: datetime,
    limit: int,
    *,
    is_new: Callable[[str], bool] = lambda _uid: False,
) -> list[AlertRow]:
    """The ``limit`` most recent open alerts, newest first (ties: most severe, then uid)."""
    if limit <= 0:
        return []
    chosen = heapq.nsmallest(
        limit,
        alerts,
        key=lambda a: (-_alert_time(a), a.priority_rank, a.alert_uid),
    )
    stamp = now.timestamp()
    rows: list[AlertRow] = []
    for alert in chosen:
        rank = alert.priority_rank
        age = None if alert.timestamp is None else stamp - alert.timestamp.timestamp()
        label = alert.context.label
        detail = alert.context.summary() or alert.diagnostics or ""
        summary = f"{label}: {detail}" if detail else label
        rows.append(
            AlertRow(
                uid=alert.alert_uid,
                rank=rank,
                priority=priority_word(rank),
                age=age_text(age),
                device=clean_line(alert.device_name or "—", NAME_LIMIT),
                site=clean_line(alert.site_name or "—", NAME_LIMIT),
                summary=clean_line(summary or "—", SUMMARY_LIMIT),
                new=is_new(alert.alert_uid),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One row of the worst sites."""

    uid: str
    name: str
    critical: int
    high: int
    moderate: int
    low: int
    offline: int
    devices: int

    @property
    def level(self) -> str:
        """The style of the row: its worst open alert, ``offline`` or ``ok``."""
        if self.critical:
            return "critical"
        if self.high:
            return "high"
        if self.moderate:
            return "moderate"
        if self.offline:
            return "offline"
        return "ok"


def _site_key(row: SiteRow) -> tuple[int, int, int, int, int, str, str]:
    return (
        -row.critical,
        -row.high,
        -row.offline,
        -row.moderate,
        -row.low,
        row.name.casefold(),
        row.uid,
    )


def worst_sites(
    sites: Mapping[str, Site], site_counts: Mapping[str, Counts], limit: int
) -> list[SiteRow]:
    """The ``limit`` worst sites: most critical alerts, then high, then offline devices (then
    moderate, low, name). Sites without an open alert or an offline device are left out, and
    so is the system site of deleted devices."""
    if limit <= 0:
        return []
    rows: list[SiteRow] = []
    for uid, c in site_counts.items():
        ranks = c.alerts_by_rank
        if not c.offline and not c.open_alerts:
            continue
        site = sites.get(uid)
        if site is not None and site.is_deleted_devices:
            continue  # offline by definition, and nothing anyone can act on
        name = site.name if site is not None and site.name else uid
        rows.append(
            SiteRow(
                uid=uid,
                name=clean_line(name, NAME_LIMIT),
                critical=ranks[0],
                high=ranks[1],
                moderate=ranks[2],
                low=sum(ranks[3:]),
                offline=c.offline,
                devices=c.devices,
            )
        )
    return heapq.nsmallest(limit, rows, key=_site_key)


# --------------------------------------------------------------------------------------------
# Freshness and banners


def coarse_ago(seconds: float) -> str:
    """``just now`` (< 10 s), ``20 s ago`` (10 s steps), ``3 min ago``, ``2 h ago``, ``4 d ago``."""
    s = max(0, int(seconds))
    if s < 10:
        return "just now"
    if s < 60:
        return f"{s // 10 * 10} s ago"
    if s < 3600:
        return f"{s // 60} min ago"
    if s < 86400:
        return f"{s // 3600} h ago"
    return f"{s // 86400} d ago"


def coarse_in(seconds: float) -> str:
    """A countdown that changes rarely: ``in 40 s`` (10 s steps, rounded up), ``in 4 min``
    (rounded up), ``in 2 h``; ``now`` when due."""
    s = int(-(-max(0.0, seconds) // 1))
    if s <= 0:
        return "now"
    if s <= 50:
        return f"in {-(-s // 10) * 10} s"
    if s < 3600:
        return f"in {-(-s // 60)} min"
    return f"in {-(-s // 3600)} h"


def updated_text(fresh: Freshness | None, now: datetime) -> str:
    """A panel's freshness line: ``updated 20 s ago``, ``waiting for data…``."""
    if fresh is None:
        return "waiting for data…"
    age = fresh.age(now)
    if age is None:
        return "no data yet" if fresh.consecutive_failures else "waiting for data…"
    return f"updated {coarse_ago(age)}"


def oldest(freshes: Iterable[Freshness | None], now: datetime) -> Freshness | None:
    """The least fresh of several (a resource never polled counts as the oldest)."""
    worst: Freshness | None = None
    worst_age = -1.0
    for fresh in freshes:
        if fresh is None:
            return None
        age = fresh.age(now)
        if age is None:
            return fresh
        if age > worst_age:
            worst, worst_age = fresh, age
    return worst


def is_stale(fresh: Freshness, now: datetime) -> bool:
    """Older than the poller's staleness limit (with data), whatever the last attempt did."""
    return fresh.last_success_at is not None and fresh.is_stale(now)


def is_troubled(fresh: Freshness, now: datetime) -> bool:
    """Stale or failing: the panel says so and the banner explains it."""
    return fresh.consecutive_failures > 0 or is_stale(fresh, now)


_STATUS = re.compile(r"\((\d{3})(?: ([A-Za-z][A-Za-z ]{0,40}))?\)")


def error_reason(message: str | None) -> str:
    """A few plain words for a poll error message (``service unreachable``, ``credentials
    refused``, ``service error 503``), else the message's beginning."""
    if not message:
        return "unknown error"
    text = message.casefold()
    if "blocked this ip" in text or "blocks this ip" in text or "ip block" in text:
        return "this IP address is blocked by the service"
    if "refused the api key" in text or "refused to issue an access token" in text:
        return "credentials refused"
    if "rejected the access token" in text:
        return "access token rejected (API user disabled or keys reset?)"
    if "rate limiting" in text or "rate limit" in text or "(429" in text:
        return "rate limited by the service"
    if "did not answer" in text and "in time" in text:
        return "service not answering (timeout)"
    if "could not reach" in text:
        return "service unreachable"
    if "not allowed to" in text:
        return "permission denied for the API user"
    if "html page" in text or "not valid json" in text or "empty body" in text:
        return "unusable answer from the service"
    found = _STATUS.search(message)
    if found and found.group(1).startswith("5"):
        return clean_line(f"service error {found.group(1)} {found.group(2) or ''}".strip(), 60)
    return clean_line(message, 60)


@dataclass(frozen=True, slots=True)
class Banner:
    """One line across the wall: ``level`` is a CSS class (``-blocked``, ``-paused``,
    ``-failing``, ``-stale``), ``text`` says everything without colour."""

    level: str
    text: str


def _retry_text(fresh: Freshness, now: datetime) -> str:
    if fresh.in_progress:
        return "retrying now"
    if fresh.paused:
        return "polling paused"
    if fresh.next_due is None:
        return "retry pending"
    left = (fresh.next_due - now).total_seconds()
    return f"retrying {coarse_in(left)}"


def _why(fresh: Freshness) -> str:
    if fresh.consecutive_failures:
        return error_reason(fresh.last_error)
    if fresh.paused:
        return "polling paused"
    if fresh.in_progress:
        return "update still running"
    return "no update since"


def _trouble(fresh: Freshness, now: datetime) -> str:
    age = fresh.age(now)
    name = fresh.kind.value
    if age is None:
        return f"{name}: {_why(fresh)} ({_retry_text(fresh, now)})"
    return f"{name} last updated {coarse_ago(age)}: {_why(fresh)} ({_retry_text(fresh, now)})"


def banners(
    freshness: Mapping[Resource, Freshness], budget: BudgetLike | None, now: datetime
) -> list[Banner]:
    """What is wrong, most serious first; empty when all is well.

    The data line names every stale or failing resource (alerts first) with its age, the
    reason and when the next attempt is due, e.g. ``DATA STALE — alerts last updated 4 min
    ago: service unreachable (retrying in 40 s)``.
    """
    out: list[Banner] = []
    if budget is not None and budget.ip_blocked:
        out.append(
            Banner(
                "-blocked",
                "IP BLOCKED — the service refuses this IP address after too many requests; "
                f"polls resume {coarse_in(budget.paused_for)}. Showing the last good "
                "data.",
            )
        )
    elif budget is not None and budget.paused_for > 0:
        reason = clean_line(budget.pause_reason or "the account is over its request limit", 80)
        out.append(
            Banner(
                "-paused",
                f"RATE LIMITED — {reason}; polls resume {coarse_in(budget.paused_for)}.",
            )
        )
    troubled = [
        fresh
        for kind in WALL_RESOURCES
        if (fresh := freshness.get(kind)) is not None and is_troubled(fresh, now)
    ]
    if troubled:
        if any(f.last_success_at is None for f in troubled):
            head, level = "NO DATA", "-failing"
        elif any(is_stale(f, now) for f in troubled):
            head, level = "DATA STALE", "-stale"
        else:
            head, level = "UPDATE FAILING", "-failing"
        out.append(Banner(level, f"{head} — " + "; ".join(_trouble(f, now) for f in troubled)))
    return out
