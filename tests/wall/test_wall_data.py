"""The wall's texts and rankings, without an app: pure functions of the model and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from datto_tui.api.models import Alert, Site
from datto_tui.monitor.events import RANKS, Counts, Resource
from datto_tui.monitor.freshness import Freshness
from datto_tui.tui.wall_data import (
    COUNTER_KEYS,
    age_text,
    banners,
    coarse_ago,
    coarse_in,
    counters,
    error_reason,
    newest_alerts,
    updated_text,
    worst_sites,
)

NOW = datetime(2026, 5, 28, 20, 26, 40, tzinfo=UTC)


def ranks(*values: int) -> tuple[int, ...]:
    return tuple(values) + (0,) * (RANKS - len(values))


def alert(
    uid: str, priority: str, minutes_ago: float, device: str = "PC-1", **extra: object
) -> Alert:
    stamp = int((NOW - timedelta(minutes=minutes_ago)).timestamp() * 1000)
    return Alert.from_api(
        {
            "alertUid": uid,
            "priority": priority,
            "timestamp": stamp,
            "alertSourceInfo": {
                "deviceUid": f"d-{device}",
                "deviceName": device,
                "siteUid": "s1",
                "siteName": "Acme",
            },
            "alertContext": {"@class": "perf_disk_usage_ctx", "diskName": "C:", "freeSpace": 2},
            **extra,
        }
    )


@dataclass(frozen=True)
class Budget:
    paused_for: float = 0.0
    pause_reason: str | None = None
    ip_blocked: bool = False


def fresh(
    kind: Resource,
    *,
    age: float | None,
    failures: int = 0,
    error: str | None = None,
    due_in: float | None = 40.0,
    interval: float = 30.0,
) -> Freshness:
    return Freshness(
        kind,
        interval,
        last_success_at=None if age is None else NOW - timedelta(seconds=age),
        last_error=error,
        consecutive_failures=failures,
        next_due=None if due_in is None else NOW + timedelta(seconds=due_in),
    )


# ---- counters ---------------------------------------------------------------------------------


def test_counters_say_in_words_what_the_colour_says() -> None:
    totals = Counts(
        devices=100, online=90, offline=10, open_alerts=9, alerts_by_rank=ranks(2, 3, 0, 1, 2, 0, 1)
    )
    values = {v.key: v for v in counters(totals, devices_known=True, alerts_known=True)}
    assert [v.key for v in counters(totals, devices_known=True, alerts_known=True)] == list(
        COUNTER_KEYS
    )
    assert (values["critical"].value, values["critical"].level) == (2, "-crit")
    assert values["critical"].caption == "ACT NOW"
    assert (values["high"].value, values["high"].level, values["high"].caption) == (
        3,
        "-high",
        "open",
    )
    assert (values["moderate"].value, values["moderate"].level) == (0, "-ok")
    assert values["moderate"].caption == "none open"
    assert values["low"].value == 4  # low + information + unrecognised
    assert (values["offline"].value, values["offline"].caption) == (10, "10% of all")
    assert (values["online"].value, values["online"].caption) == (90, "of 100")
    assert all(len(v.caption) <= 12 for v in values.values())


def test_counters_are_unknown_until_the_first_complete_sync() -> None:
    values = counters(Counts(), devices_known=False, alerts_known=False)
    assert all(v.value is None and v.level == "-idle" and v.digits == "-" for v in values)
    calm = {
        v.key: v
        for v in counters(Counts(devices=5, online=5), devices_known=True, alerts_known=True)
    }
    assert calm["offline"].caption == "all online" and calm["critical"].level == "-ok"


# ---- lists ------------------------------------------------------------------------------------


def test_newest_alerts_come_first_with_neutralised_text() -> None:
    alerts = [
        alert("a", "Low", 120),
        alert("b", "Critical", 5, device="[/]\x1b]0;pwned\x07X"),
        alert("c", "High", 5),
        alert("d", "Moderate", 30),
    ]
    rows = newest_alerts(alerts, NOW, 3)
    assert [r.uid for r in rows] == ["b", "c", "d"]  # same age: the more severe first
    assert rows[0].priority == "CRITICAL" and rows[0].age == "5 min"
    assert "\x1b" not in rows[0].device and "[/]" in rows[0].device
    assert rows[0].summary.startswith("Disk usage: ")
    assert newest_alerts(alerts, NOW, 0) == []


def test_age_text_is_short_and_coarse() -> None:
    ages = (None, 5, 61, 599, 899, 3599, 3600, 86400 * 3)
    assert [age_text(s) for s in ages] == [
        "—", "now", "1 min", "9 min", "10 min", "55 min", "1 h", "3 d"
    ]  # fmt: skip


def test_worst_sites_rank_critical_then_high_then_offline() -> None:
    sites = {
        uid: Site.from_api({"uid": uid, "name": name})
        for uid, name in (
            ("s1", "Calm"),
            ("s2", "Burning"),
            ("s3", "Smoky"),
            ("s4", "Dark"),
            ("acct-00000000", "Deleted Devices"),
            ("s5", "Quiet"),
        )
    }
    counts = {
        "s1": Counts(devices=3, online=3),
        "s2": Counts(devices=5, offline=1, open_alerts=2, alerts_by_rank=ranks(1, 1)),
        "s3": Counts(devices=5, offline=0, open_alerts=3, alerts_by_rank=ranks(0, 3)),
        "s4": Counts(devices=9, offline=9),
        "acct-00000000": Counts(devices=50, offline=50),
        "s5": Counts(devices=2, offline=0, open_alerts=1, alerts_by_rank=ranks(0, 0, 0, 1)),
    }
    rows = worst_sites(sites, counts, 10)
    assert [r.name for r in rows] == ["Burning", "Smoky", "Dark", "Quiet"]
    assert [r.level for r in rows] == ["critical", "high", "offline", "ok"]
    assert [r.name for r in worst_sites(sites, counts, 2)] == ["Burning", "Smoky"]


# ---- freshness and banners --------------------------------------------------------------------


def test_coarse_ages_and_countdowns_change_rarely() -> None:
    assert [coarse_ago(s) for s in (0, 9, 10, 19, 59, 60, 3599, 7200, 90000)] == [
        "just now",
        "just now",
        "10 s ago",
        "10 s ago",
        "50 s ago",
        "1 min ago",
        "59 min ago",
        "2 h ago",
        "1 d ago",
    ]
    assert [coarse_in(s) for s in (0, 0.2, 9, 41, 55, 61, 3601)] == [
        "now",
        "in 10 s",
        "in 10 s",
        "in 50 s",
        "in 1 min",
        "in 2 min",
        "in 2 h",
    ]
    assert updated_text(None, NOW) == "waiting for data…"
    assert updated_text(fresh(Resource.ALERTS, age=25), NOW) == "updated 20 s ago"
    assert updated_text(fresh(Resource.ALERTS, age=None, failures=1), NOW) == "no data yet"


def test_banner_says_stale_with_age_reason_and_retry() -> None:
    freshness = {
        Resource.ALERTS: fresh(
            Resource.ALERTS,
            age=240,
            failures=3,
            due_in=35,
            error="Could not reach Datto RMM (merlot) for GET /api/v2/account/alerts/open "
            "(ConnectError: [Errno 111] Connection refused). Check the network connection.",
        ),
        Resource.DEVICES: fresh(Resource.DEVICES, age=100, interval=300),
        Resource.SITES: fresh(Resource.SITES, age=100, interval=900),
    }
    lines = banners(freshness, Budget(), NOW)
    assert len(lines) == 1
    assert lines[0].level == "-stale"
    assert lines[0].text == (
        "DATA STALE — alerts last updated 4 min ago: service unreachable (retrying in 40 s)"
    )


def test_banner_for_a_fresh_failure_and_for_no_data() -> None:
    failing = {
        Resource.ALERTS: fresh(
            Resource.ALERTS,
            age=40,
            failures=1,
            due_in=60,
            error="The service failed to answer GET /x (503 Service Unavailable) after 4 attempts.",
        ),
    }
    (line,) = banners(failing, None, NOW)
    assert line.level == "-failing"
    assert line.text.startswith("UPDATE FAILING — alerts last updated 40 s ago: service error 503")
    nothing = {
        Resource.ALERTS: fresh(
            Resource.ALERTS,
            age=None,
            failures=2,
            error="Datto RMM refused the API key and secret (401).",
        )
    }
    (line,) = banners(nothing, None, NOW)
    assert line.text == "NO DATA — alerts: credentials refused (retrying in 40 s)"
    assert banners({Resource.ALERTS: fresh(Resource.ALERTS, age=5)}, Budget(), NOW) == []


def test_ip_block_and_pause_come_first() -> None:
    blocked = banners({}, Budget(paused_for=280, ip_blocked=True), NOW)
    assert blocked[0].level == "-blocked"
    assert "IP BLOCKED" in blocked[0].text and "in 5 min" in blocked[0].text
    paused = banners({}, Budget(paused_for=42, pause_reason="429 from the service"), NOW)
    assert paused[0].text == "RATE LIMITED — 429 from the service; polls resume in 50 s."


def test_error_reasons() -> None:
    assert error_reason(None) == "unknown error"
    assert error_reason("Datto RMM did not answer GET /x in time (ReadTimeout).") == (
        "service not answering (timeout)"
    )
    assert error_reason(
        "The service refused GET /x (403 Forbidden) soon after a 429: the "
        "service blocked this IP address"
    ) == ("this IP address is blocked by the service")
    assert error_reason("The service is rate limiting (429 Too Many Requests)") == (
        "rate limited by the service"
    )
    assert error_reason("weird \x1b[31m" + "x" * 100).startswith("weird ␛[31m")
    assert len(error_reason("x" * 500)) <= 60
