"""Small formatters for durations, ages and counts as the dashboard shows them.

Pure functions of their arguments (the caller passes the current time from its clock), so the
same input always renders the same text: snapshots stay stable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import humanize

from datto_tui.monitor.view import relative_time


def short_duration(seconds: float) -> str:
    """A compact duration: ``12 s``, ``3 min``, ``2 h 5 min``, ``4 d 3 h``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    minutes, secs = divmod(s, 60)
    if minutes < 60:
        return f"{minutes} min" if minutes >= 10 or not secs else f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def ago(seconds: float) -> str:
    """``12 s ago``, ``3 min ago``, ``2 h 5 min ago``; ``just now`` under a second."""
    if seconds < 1:
        return "just now"
    if 60 <= seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    return f"{short_duration(seconds)} ago"


def countdown(seconds: float) -> str:
    """A humanized time left: ``4 days``, ``59 minutes``, ``42 seconds`` (``expired`` at 0)."""
    if seconds <= 0:
        return "expired"
    return humanize.naturaldelta(timedelta(seconds=seconds))


def age_between(then: datetime | None, now: datetime) -> str:
    """The age of ``then`` at ``now`` in compact form, or ``—`` when unknown."""
    if then is None:
        return "—"
    return short_duration((now - then).total_seconds())


def when(value: datetime | None, now: datetime) -> str:
    """``2026-05-28 14:03 (3 h ago)``: an absolute time (UTC, no suffix) and its coarse age,
    as the tables show ages; empty for ``None``."""
    if value is None:
        return ""
    return f"{timestamp(value, utc=False)} ({relative_time(value, now)})"


def timestamp(value: datetime | None, *, utc: bool = True) -> str:
    """``2026-05-28 14:03 UTC`` (always UTC: the account may span time zones), or ``—``.

    ``utc=False`` leaves the suffix out where the screen says once that times are UTC.
    """
    if value is None:
        return "—"
    text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return f"{text} UTC" if utc else text


def count(value: int | None) -> str:
    """``1,250``; ``—`` for unknown."""
    return "—" if value is None else humanize.intcomma(value)


def yes_no(value: bool | None) -> str:
    """``yes`` / ``no`` / ``—``."""
    if value is None:
        return "—"
    return "yes" if value else "no"


def size_bytes(value: int | None) -> str:
    """``465.8 GiB`` style sizes, or ``—``."""
    if value is None:
        return "—"
    return humanize.naturalsize(value, binary=True)
