"""Textual messages of the dashboard: what the adapter and widgets tell the screens.

The ``*Updated`` messages carry store events (immutable values) from the poller's worker to the
handlers that render them; a worker never touches a widget. The others are user intents raised
by widgets (a site chosen in the tree, a row opened in a table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from datto_tui.api.models import Account, RequestRate
    from datto_tui.monitor.events import ChangeEvent, Counts, Resource
    from datto_tui.monitor.freshness import Freshness


class AlertsUpdated(Message):
    """Alerts opened, changed, resolved or lost their "new" mark (events in store order)."""

    def __init__(self, events: tuple[ChangeEvent, ...]) -> None:
        super().__init__()
        self.events = events


class DevicesUpdated(Message):
    """Devices added, changed, removed, or went offline/online (events in store order)."""

    def __init__(self, events: tuple[ChangeEvent, ...]) -> None:
        super().__init__()
        self.events = events


class SitesUpdated(Message):
    """Sites added, changed or removed (events in store order)."""

    def __init__(self, events: tuple[ChangeEvent, ...]) -> None:
        super().__init__()
        self.events = events


class CountsUpdated(Message):
    """Per-site counts that moved (``site uid -> Counts``) and, if they moved, the totals."""

    def __init__(self, sites: dict[str, Counts], totals: Counts | None) -> None:
        super().__init__()
        self.sites = sites
        self.totals = totals


class SyncUpdated(Message):
    """A sync of ``kind`` started, progressed, completed or aborted."""

    def __init__(
        self, kind: Resource, phase: str, loaded: int = 0, total: int | None = None
    ) -> None:
        super().__init__()
        self.kind = kind
        self.phase = phase  # "started" | "progress" | "completed" | "aborted"
        self.loaded = loaded
        self.total = total


class FreshnessUpdated(Message):
    """The poller's freshness of one resource changed."""

    def __init__(self, freshness: Freshness) -> None:
        super().__init__()
        self.freshness = freshness


class AccountInfoUpdated(Message):
    """The account record, or the account-wide request rate, arrived."""

    def __init__(self, account: Account | None = None, rate: RequestRate | None = None) -> None:
        super().__init__()
        self.account = account
        self.rate = rate


class ProblemFound(Message):
    """A problem the dashboard cannot work around (bad credentials, unusable settings)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class SiteSelected(Message):
    """The user chose a site in the tree (None: the account root, i.e. all sites)."""

    def __init__(self, site_uid: str | None) -> None:
        super().__init__()
        self.site_uid = site_uid
