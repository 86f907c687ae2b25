"""Pure text functions of the dashboard: durations, gauges, labels, explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from datto_tui.api.errors import AuthError, ConfigurationError, IPBlocked, NetworkError
from datto_tui.api.models import Alert, AlertContext
from datto_tui.monitor.events import Resource
from datto_tui.tui.fmt import ago, countdown, short_duration
from datto_tui.tui.screens.alert_detail import context_fields, field_label
from datto_tui.tui.screens.problem import explain
from datto_tui.tui.widgets.gauges import (
    Gauge,
    ResourceStatus,
    TokenState,
    budget_texts,
    freshness_text,
    token_text,
)
from datto_tui.tui.widgets.site_tree import priority_abbrev

NOW = datetime(2026, 5, 28, 12, 0, 0, tzinfo=UTC)


def test_short_duration_and_ago() -> None:
    assert short_duration(0) == "0 s"
    assert short_duration(59.4) == "59 s"
    assert short_duration(90) == "1 min 30 s"
    assert short_duration(600) == "10 min"
    assert short_duration(3 * 3600 + 5 * 60) == "3 h 5 min"
    assert short_duration(2 * 86400 + 3600) == "2 d 1 h"
    assert ago(0.2) == "just now"
    assert ago(12) == "12 s ago"
    assert ago(200) == "3 min ago"


def test_countdown_is_humanized() -> None:
    assert countdown(0) == "expired"
    assert countdown(42) == "42 seconds"
    assert countdown(100 * 3600) == "4 days"


def test_token_gauge_counts_down_and_says_refreshed() -> None:
    state = TokenState()
    fetched = NOW - timedelta(hours=1)
    expires = fetched + timedelta(hours=100)
    assert token_text(expires, fetched, NOW, state, margin=600) == ("token 4 days", "-ok")
    # Close to expiry: warning, then critical inside the refresh margin.
    late = expires - timedelta(seconds=1000)
    assert token_text(expires, fetched, late, state, margin=600)[1] == "-warn"
    later = expires - timedelta(seconds=300)
    assert token_text(expires, fetched, later, state, margin=600) == (
        "token 5 minutes",
        "-crit",
    )
    # A new fetch replaces the old one: "refreshed" for a minute, then the countdown again.
    refetched = later + timedelta(seconds=1)
    new_expiry = refetched + timedelta(hours=100)
    two_s = refetched + timedelta(seconds=2)
    text, level = token_text(new_expiry, refetched, two_s, state, margin=600)
    assert (text, level) == ("token refreshed 2 s ago", "-ok")
    after = refetched + timedelta(seconds=120)
    assert token_text(new_expiry, refetched, after, state, margin=600)[0] == "token 4 days"
    assert token_text(None, None, NOW, TokenState())[0] == "token …"
    assert token_text(expires, fetched, NOW, state, refreshing=True)[0] == "token refreshing…"


@dataclass(frozen=True)
class Snap:
    reads_used: int = 42
    reads_limit: int = 300
    writes_used: int = 0
    writes_limit: int = 50
    paused_for: float = 0.0
    pause_reason: str | None = None
    ip_blocked: bool = False
    account_reads: int | None = 310
    account_read_limit: int | None = 600


def test_budget_gauges() -> None:
    texts = budget_texts(Snap())
    assert texts["reads"] == ("reads 42/300", "-ok")
    assert texts["writes"] == ("writes 0/50", "-ok")
    assert texts["acct"] == ("acct 310/600", "-ok")
    assert texts["pause"] == ("", "-idle")
    assert budget_texts(Snap(reads_used=280))["reads"][1] == "-crit"
    assert budget_texts(Snap(account_reads=None))["acct"] == ("acct —", "-idle")
    paused = budget_texts(Snap(paused_for=45, pause_reason="429 [/] from service"))["pause"]
    assert paused == ("paused 45 s (429 [/] from service)", "-warn")
    blocked = budget_texts(Snap(paused_for=250, ip_blocked=True))["pause"]
    assert blocked == ("IP blocked 4 min 10 s", "-crit")


def test_freshness_states() -> None:
    assert freshness_text(ResourceStatus("alerts", age=12)) == ("alerts 12 s ago", "-ok")
    assert freshness_text(ResourceStatus("alerts", age=200, stale=True)) == (
        "alerts 3 min ago (stale)",
        "-stale",
    )
    failing = freshness_text(ResourceStatus("alerts", age=70, error="Server error 500\x1b]0;x\x07"))
    assert failing[1] == "-failing"
    assert "\x1b" not in failing[0] and failing[0].startswith("alerts failing: Server error 500")
    message = "The service failed to answer GET /x (500 Internal Server Error) (details)."
    assert freshness_text(ResourceStatus("alerts", error=message)) == (
        "alerts failing: 500 Internal Server Error",
        "-failing",
    )
    loading = ResourceStatus("devices", loading=True, loaded=1250, total=2500)
    assert freshness_text(loading) == ("devices 1,250/2,500", "-loading")
    assert freshness_text(ResourceStatus("sites")) == ("sites …", "-idle")


def test_gauge_keeps_its_width_while_its_figures_tick() -> None:
    gauge = Gauge("fresh-devices")
    assert gauge.show("devices loading…", "-loading")
    assert gauge.show("devices 250/2,500", "-loading")
    assert gauge.padded == "devices 250/2,500"  # no figure before: its own width
    gauge.show("devices 1,250/2,500", "-loading")
    gauge.show("devices   750/2,500", "-loading")
    gauge.show("devices 9/2,500", "-loading")
    assert gauge.padded == "devices 9/2,500    "  # figures ticking: the widest width kept
    gauge.show("devices just now", "-ok")
    assert gauge.padded == "devices just now"  # a new level: its own width
    gauge.show("devices 5 s ago", "-ok")
    assert gauge.padded == "devices 5 s ago"  # no figure before
    gauge.show("devices 50 s ago", "-ok")
    gauge.show("devices 1 min ago", "-ok")
    assert gauge.padded == "devices 1 min ago"
    gauge.show("devices 2 s ago", "-ok")
    assert gauge.padded == "devices 2 s ago  "
    assert not gauge.show("devices 2 s ago", "-ok")


def test_priority_abbrev() -> None:
    assert priority_abbrev(0) == "crit"
    assert priority_abbrev(2) == "mod"
    assert priority_abbrev(None) == ""
    assert priority_abbrev(99) == "unk"


def test_context_fields_known_and_unknown() -> None:
    known = AlertContext.from_api(
        {"@class": "perf_disk_usage_ctx", "diskName": "C:", "freeSpace": 3, "extra": "x"}
    )
    fields = context_fields(known)
    assert fields[0] == ("Kind", "perf_disk_usage_ctx")
    assert ("Disk", "C:") in fields and ("Free space", "3") in fields and ("Extra", "x") in fields
    unknown = AlertContext.from_api({"@class": "brand_new_ctx", "someKey": {"a": 1}})
    assert ("someKey", "a: 1") in context_fields(unknown)
    assert field_label("roundtripTime") == "Round trip (ms)"
    assert field_label("affectedDirectories") == "Affected directories"


def test_alert_type_comes_from_class() -> None:
    alert = Alert.from_api({"alertUid": "a", "alertContext": {"@class": "ping_ctx"}})
    assert alert.context.label == "Ping"


def test_problem_explanations() -> None:
    auth = explain(AuthError("refused"), profile="default", platform="merlot")
    assert "credentials" in auth.title and "DATTO_API_KEY" in auth.fix
    conf = explain(ConfigurationError("bad url"), profile="p", platform="?")
    assert conf.title == "The settings cannot work" and conf.message == "bad url"
    assert "five minutes" in explain(IPBlocked("blocked"), profile="p", platform="x").fix
    assert explain(NetworkError("down"), profile="p", platform="x").fix == "Press r to retry."
    assert Resource.ALERTS.value == "alerts"


def test_panel_titles_and_fields_are_never_markup() -> None:
    from rich.console import Console

    from datto_tui.tui.widgets.fields import FieldsPanel, render_fields

    panel = FieldsPanel("Context · [b]x[/b] \x1b]0;t\x07", [("Key", "[/]value")])
    assert panel.border_title is not None and "\\[b]x" in panel.border_title  # escaped markup
    console = Console(width=60, record=True, color_system=None)
    console.print(render_fields([("Name", "[/]host\x1b[2J"), ("Empty", None)]))
    out = console.export_text()
    assert "[/]host␛[2J" in out and "—" in out
