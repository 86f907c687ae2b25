"""The status line: token expiry, request budget, pause/IP block, per-resource freshness.

Each gauge is a one-line ``Static`` that computes its text from plain inputs (the caller passes
the current time), repaints only when its text changes, and exposes its state as CSS classes
(``-ok``, ``-warn``, ``-crit``, ``-stale``, ``-failing``, ``-loading``) so colours live in tcss.
The text functions are pure, so they are tested without an app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

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


class GaugeLabel(Static):
    """A one-line label whose text and level class change only when they differ."""

    DEFAULT_CSS = """
    GaugeLabel { width: auto; height: 1; margin: 0 1 0 0; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str = "") -> None:
        super().__init__(Text(text), id=id, classes=classes)
        self._text = text
        self._width = cell_len(text)
        self._level = ""

    @property
    def text(self) -> str:
        return self._text

    @property
    def level(self) -> str:
        return self._level

    def show(self, text: str, level: str = "-ok") -> None:
        """Set text and level class; no repaint when nothing changed.

        Within one level the label keeps the widest width it had (shorter texts are padded):
        a new width needs a layout pass, which reflows and repaints the whole screen (most of
        the idle CPU and terminal bytes, and a 50 ms stall while 100k devices load). A new
        level starts from the text's own width.
        """
        if text != self._text or level != self._level:
            width = cell_len(text)
            target = max(width, self._width) if level == self._level else width
            content = Text(text + " " * (target - width))
            resize = target != self._width
            self._text, self._width = text, target
            self.update(content, layout=resize)
        if level != self._level:
            if self._level:
                self.remove_class(self._level)
            if level:
                self.add_class(level)
            self._level = level


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


class StatusBar(Horizontal):
    """The gauges line. Call :meth:`show_token`, :meth:`show_budget`, :meth:`show_freshness`."""

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    RESOURCES = ("alerts", "devices", "sites")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._token_state = TokenState()

    # Each gauge also carries its name as a class: Textual's style cache keys siblings by
    # classes, so rules that combine an id with a state class must select by class instead.

    def compose(self) -> ComposeResult:
        # Most important first: what is stale or failing, then the budget, then the token.
        for name in self.RESOURCES:
            yield GaugeLabel(
                f"{name} …", id=f"fresh-{name}", classes=f"gauge freshness fresh-{name}"
            )
        yield Static("│", classes="gauge-sep")
        yield GaugeLabel("", id="gauge-pause", classes="gauge gauge-pause")
        yield GaugeLabel("reads —", id="gauge-reads", classes="gauge gauge-reads")
        yield GaugeLabel("writes —", id="gauge-writes", classes="gauge gauge-writes")
        yield GaugeLabel("acct —", id="gauge-acct", classes="gauge gauge-acct")
        yield Static("│", classes="gauge-sep")
        yield GaugeLabel("token …", id="gauge-token", classes="gauge gauge-token")

    def gauge(self, name: str) -> GaugeLabel:
        return self.query_one(f"#{name}", GaugeLabel)

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
        self.gauge("gauge-token").show(text, level)

    def show_budget(self, snap: BudgetLike) -> None:
        for name, (text, level) in budget_texts(snap).items():
            self.gauge(f"gauge-{name}").show(text, level)

    def show_freshness(self, statuses: Iterable[ResourceStatus]) -> None:
        for status in statuses:
            if status.name in self.RESOURCES:
                text, level = freshness_text(status)
                self.gauge(f"fresh-{status.name}").show(text, level)
