"""The headless live model of one Datto RMM account.

- :class:`Store` (``store.py``): sites, devices and open alerts by uid, with incremental indexes
  and counts; applying a poll returns (and publishes) :mod:`change events <.events>`.
- :class:`Poller` (``poller.py``): polls a :class:`PollSource` (the API client) into the store on
  a schedule; never overlapping, backing off, honouring rate limits, tracking
  :class:`Freshness` (``freshness.py``) per resource.
- ``view.py`` / ``query.py``: sorted, filtered views of the store for tables.

Nothing here imports textual or rich: the dashboard, the wall screen, exports and tests share it.
"""

from __future__ import annotations

from datto_tui.monitor.events import SYNC_KINDS, ChangeEvent, Counts, RecentEvent, Resource
from datto_tui.monitor.freshness import Freshness, FreshnessState
from datto_tui.monitor.poller import PageLike, PageStream, Poller, PollSource
from datto_tui.monitor.store import Store, Subscriber

__all__ = [
    "SYNC_KINDS",
    "ChangeEvent",
    "Counts",
    "Freshness",
    "FreshnessState",
    "PageLike",
    "PageStream",
    "PollSource",
    "Poller",
    "RecentEvent",
    "Resource",
    "Store",
    "Subscriber",
]
