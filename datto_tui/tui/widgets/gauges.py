"""The status line: token expiry, request budget, pause/IP block, per-resource freshness.

Each gauge computes its text from plain inputs (the caller passes the current time) and has a
level (``-ok``, ``-warn``, ``-crit``, ``-stale``, ``-failing``, ``-loading``, ``-idle``) whose
colour lives in tcss; the line repaints only when a text or level changes. The text functions
are pure, so they are tested without an app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from datto_tui.text import clean_line
from datto_tui.tui.fmt import ago, count, countdown, short_duration

LEVELS = ("-ok", "-warn", "-crit", "-stale", "-failing", "-loading", "-idle")


class BudgetLike(Protocol):
    """The fields of ``api.budget.BudgetSnapshot`` the gauges read."""

    @property
    def reads_used(self) -> int: ...
    @property
    def reads_limit(self) -> int: ...
    @property
    def writes_used(self) -> int: ...
    @property
    def writes_limit(self) -> int: ...
    @property
    def paused_for(self) -> float: ...
    @property
    def pause_reason(self) -> str | None: ...
    @property
    def ip_blocked(self) -> bool: ...
    @property
    def account_reads(self) -> int | None: ...
    @property
    def account_read_limit(self) -> int | None: ...


def _has_figure(text: str) -> bool:
    return any(c.isdigit() for c in text)


class Gauge:
    """One gauge of the status line: its text and level; the width it keeps within a level.

    Within one level the gauge keeps the widest text it had (shorter texts are padded), so the
    gauges after it do not jump left and right as a count or an age ticks; a new level, or a
    text with no figure in it or after one ("devices loading…" -> "devices 250/600"), starts
    from the text's own width.
    """

    __slots__ = ("_level", "_padded", "_text", "_width", "name")

    def __init__(self, name: str, text: str = "", level: str = "") -> None:
        self.name = name
        self._text = text
        self._width = cell_len(text)
        self._padded = text
        self._level = level

    @property
    def text(self) -> str:
        return self._text

    @property
    def level(self) -> str:
        return self._level

    @property
    def padded(self) -> str:
        """The text padded to the width kept within the level."""
        return self._padded

    def show(self, text: str, level: str = "-ok") -> bool:
        """Set text and level; returns whether anything changed."""
        if text == self._text and level == self._level:
            return False
        width = cell_len(text)
        ticking = level == self._level and _has_figure(text) and _has_figure(self._text)
        target = max(width, self._width) if ticking else width
        self._text, self._width, self._level = text, target, level
        self._padded = text + " " * (target - width)
        return True


# --------------------------------------------------------------------------------------------
# Pure text functions


@dataclass
class TokenState:
    """What the token gauge remembers between ticks to say "refreshed 2 s ago"."""

    fetched_at: datetime | None = None
    refreshed_at: datetime | None = None


REFRESHED_SHOWN_FOR = 60.0
ERROR_LIMIT = 36


def token_text(
    expires_at: datetime | None,
    fetched_at: datetime | None,
    now: datetime,
    state: TokenState,
    *,
    margin: float = 600.0,
    refreshing: bool = False,
) -> tuple[str, str]:
    """Text and level of the token gauge.

    ``state`` tracks the previous fetch time: when a later fetch replaces an earlier one, the
    gauge says ``token refreshed N s ago`` for a minute. Within ``margin`` of expiry it is
    ``-crit`` (the client refreshes on its next request), within twice the margin ``-warn``.
    """
    if fetched_at is not None and fetched_at != state.fetched_at:
        if state.fetched_at is not None:
            state.refreshed_at = fetched_at
        state.fetched_at = fetched_at
    if refreshing:
        return "token refreshing…", "-warn"
    if expires_at is None:
        return "token …", "-idle"
    left = (expires_at - now).total_seconds()
    if state.refreshed_at is not None:
        since = (now - state.refreshed_at).total_seconds()
        if 0 <= since < REFRESHED_SHOWN_FOR:
            return f"token refreshed {ago(since)}", "-ok"
    if left <= 0:
        return "token expired", "-crit"
    level = "-crit" if left <= margin else "-warn" if left <= 2 * margin else "-ok"
    return f"token {countdown(left)}", level


def ratio_level(used: int | None, limit: int | None, warn: float = 0.75, crit: float = 0.9) -> str:
    """``-ok``/``-warn``/``-crit`` for a usage ratio; ``-idle`` when unknown."""
    if used is None or not limit:
        return "-idle"
    ratio = used / limit
    return "-crit" if ratio >= crit else "-warn" if ratio >= warn else "-ok"


def budget_texts(snap: BudgetLike) -> dict[str, tuple[str, str]]:
    """The reads, writes, account and pause gauges from a budget snapshot."""
    acct_used, acct_limit = snap.account_reads, snap.account_read_limit
    acct = (
        f"acct {acct_used}/{acct_limit}"
        if acct_used is not None and acct_limit is not None
        else "acct —"
    )
    if snap.ip_blocked:
        pause = (f"IP blocked {short_duration(snap.paused_for)}", "-crit")
    elif snap.paused_for > 0:
        reason = clean_line(snap.pause_reason or "rate limited", 40)
        pause = (f"paused {short_duration(snap.paused_for)} ({reason})", "-warn")
    else:
        pause = ("", "-idle")
    return {
        "reads": (
            f"reads {snap.reads_used}/{snap.reads_limit}",
            ratio_level(snap.reads_used, snap.reads_limit),
        ),
        "writes": (
            f"writes {snap.writes_used}/{snap.writes_limit}",
            ratio_level(snap.writes_used, snap.writes_limit),
        ),
        "acct": (acct, ratio_level(acct_used, acct_limit, warn=0.75, crit=0.9)),
        "pause": pause,
    }


@dataclass(frozen=True)
class ResourceStatus:
    """The freshness of one polled resource, as the status line needs it.

    ``age`` is seconds since the last successful poll (None: never succeeded); ``loaded`` and
    ``total`` describe a load in progress (``total`` None when unknown); ``error`` is the reason
    of the last failure while it persists.
    """

    name: str
    age: float | None = None
    stale: bool = False
    error: str | None = None
    loading: bool = False
    loaded: int = 0
    total: int | None = None


_HTTP_STATUS = re.compile(r"\((\d{3} [^()]{1,40})\)")


def error_gist(message: str) -> str:
    """The short form of an error message: its HTTP status when it names one
    (``500 Internal Server Error``), else its beginning."""
    found = _HTTP_STATUS.search(message)
    if found:
        return clean_line(found.group(1), ERROR_LIMIT)
    return clean_line(message, ERROR_LIMIT)


def freshness_text(status: ResourceStatus) -> tuple[str, str]:
    """``alerts 12 s ago`` (-ok), ``… (stale)`` (-stale), ``failing: reason`` (-failing)."""
    name = status.name
    if status.error is not None:
        # The toast carries the whole message; the gauge keeps to the gist.
        return f"{name} failing: {error_gist(status.error)}", "-failing"
    if status.loading and (status.age is None or status.loaded):
        if status.total:
            # The count is padded to the total's width: a gauge whose width changes forces a
            # layout pass (a whole-screen repaint) on every page of a big first load.
            total = count(status.total)
            return f"{name} {count(status.loaded):>{len(total)}}/{total}", "-loading"
        if status.loaded:
            return f"{name} {count(status.loaded)}…", "-loading"
        return f"{name} loading…", "-loading"
    if status.age is None:
        return f"{name} …", "-idle"
    if status.stale:
        return f"{name} {ago(status.age)} (stale)", "-stale"
    return f"{name} {ago(status.age)}", "-ok"


# --------------------------------------------------------------------------------------------
# Widgets


class StatusBar(Widget):
    """The gauges line, drawn as one line of text. Call :meth:`show_token`,
    :meth:`show_budget`, :meth:`show_freshness`; :meth:`gauge` reads one gauge.

    One widget rather than one per gauge: a gauge whose text grows or shrinks only moves text
    within this line, where separate widgets would change size and make Textual lay out and
    repaint the whole screen (tens of milliseconds with 100k devices on it). Colours come
    from the component classes ``status-bar--ok``, ``--warn``, ``--crit``, ``--stale``,
    ``--failing``, ``--loading``, ``--idle`` and ``--sep`` (see ``app.tcss``).
    """

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"status-bar-{level}" for level in (*LEVELS, "-sep")}

    RESOURCES = ("alerts", "devices", "sites")
    #: The line, most important first: what is stale or failing, then the budget, then the
    #: token; ``|`` is a separator.
    LAYOUT = (
        "fresh-alerts",
        "fresh-devices",
        "fresh-sites",
        "|",
        "gauge-pause",
        "gauge-reads",
        "gauge-writes",
        "gauge-acct",
        "|",
        "gauge-token",
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token_state = TokenState()
        self._gauges: dict[str, Gauge] = {
            f"fresh-{name}": Gauge(f"fresh-{name}", f"{name} …") for name in self.RESOURCES
        }
        self._gauges["gauge-pause"] = Gauge("gauge-pause")
        self._gauges["gauge-reads"] = Gauge("gauge-reads", "reads —")
        self._gauges["gauge-writes"] = Gauge("gauge-writes", "writes —")
        self._gauges["gauge-acct"] = Gauge("gauge-acct", "acct —")
        self._gauges["gauge-token"] = Gauge("gauge-token", "token …")
        self._styles: dict[str, Style] = {}  # by level, until the theme or CSS changes

    def gauge(self, name: str) -> Gauge:
        """The gauge ``name`` (one of :attr:`LAYOUT`); KeyError if unknown."""
        return self._gauges[name]

    def _show(self, name: str, text: str, level: str) -> None:
        if self._gauges[name].show(text, level):
            self.refresh()

    def _hidden(self, gauge: Gauge) -> bool:
        """What a narrow or medium screen leaves out, and gauges with nothing to say."""
        name, level = gauge.name, gauge.level
        if not gauge.text or (name == "gauge-pause" and level == "-idle"):
            return True
        screen = self.screen
        if screen.has_class("-narrow"):
            if name == "gauge-writes" or (name == "gauge-acct" and level == "-idle"):
                return True
            return name in ("fresh-sites", "fresh-devices") and level == "-ok"
        return screen.has_class("-medium") and name == "gauge-writes"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render(self) -> RenderResult:
        line = Text(no_wrap=True, overflow="crop", end="")
        styles = self._styles

        def style(level: str) -> Style:
            if level not in styles:
                styles[level] = self.get_component_rich_style(f"status-bar-{level}")
            return styles[level]

        for name in self.LAYOUT:
            if name == "|":
                line.append("│", style("-sep"))
                line.append(" ")
                continue
            gauge = self._gauges[name]
            if self._hidden(gauge):
                continue
            line.append(gauge.padded, style(gauge.level or "-ok"))
            line.append(" ")
        return line

    def on_resize(self) -> None:
        # The screen's width classes (-narrow, -medium) decide which gauges show.
        self.refresh()

    def show_token(
        self,
        expires_at: datetime | None,
        fetched_at: datetime | None,
        now: datetime,
        *,
        margin: float,
        refreshing: bool = False,
    ) -> None:
        text, level = token_text(
            expires_at, fetched_at, now, self._token_state, margin=margin, refreshing=refreshing
        )
        self._show("gauge-token", text, level)

    def show_budget(self, snap: BudgetLike) -> None:
        for name, (text, level) in budget_texts(snap).items():
            self._show(f"gauge-{name}", text, level)

    def show_freshness(self, statuses: Iterable[ResourceStatus]) -> None:
        for status in statuses:
            if status.name in self.RESOURCES:
                text, level = freshness_text(status)
                self._show(f"fresh-{status.name}", text, level)
