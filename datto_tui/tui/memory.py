"""Keeping Python's cyclic garbage collector from stalling the UI while a big account loads.

A full (generation 2) collection walks every tracked object: with 100k devices in memory that
is several hundred milliseconds during which nothing is drawn, and CPython runs one each time
the long-lived objects grow by a quarter, so a first load triggers a dozen of them, each longer
than the last. The records of the first load are long-lived by nature, so every
:data:`FREEZE_STEP` records they are moved to the permanent generation (``gc.freeze``): later
collections walk only what came after. Each freeze is preceded by a full collection, which is
cheap then (it walks only what is not frozen yet, a few thousand records), so garbage is not
frozen with the records; the first one, at the start of the load, collects only the young
generations (the collector has just walked the rest). What is alive at a freeze and dies
afterwards in a cycle (rendered lines evicted from caches) is never collected: freezing only
during the first load keeps that to a few MB.

:func:`freeze_startup` freezes what exists before the app starts (modules, classes, the
stylesheet): the first freeze of a load would otherwise walk all of it, a 100+ ms stall.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any

from rich.cells import cached_cell_len
from rich.segment import Segment

#: Records loaded between two freezes during the first load (each freeze costs ~10 ms).
FREEZE_STEP = 2_500
#: Loads smaller than this are not frozen: their collections are short anyway.
FREEZE_MIN_TOTAL = 2_000


class LoadFreezer:
    """Call :meth:`loaded` with the running count (and the announced total) of a first load,
    :meth:`done` at its end.

    A big load is frozen as soon as it starts (what the app made before it: screens, sites,
    alerts; after collecting only the young generations, a few ms), then every ``step``
    records (a full collection, which walks only those records), and once more at its end.
    """

    def __init__(self, step: int = FREEZE_STEP, min_total: int = FREEZE_MIN_TOTAL) -> None:
        self._step = step
        self._min_total = min_total
        self._frozen_at: int | None = None
        self._finished = False

    def loaded(self, count: int, total: int | None) -> None:
        if self._finished or total is None or total < self._min_total:
            return
        if self._frozen_at is None:
            # What the app made before the load (screens, sites, alerts): a full collection of
            # it would hold the loop ~40 ms, and the collector went over it moments ago anyway.
            self._frozen_at = count
            freeze_long_lived(full=False)
        elif count - self._frozen_at >= self._step:
            self._frozen_at = count
            freeze_long_lived()

    def done(self, count: int) -> None:
        """The first load ended: freeze once more if it was big enough to matter, then stop."""
        if self._finished:
            return
        self._finished = True
        if count >= self._min_total:
            self._frozen_at = count
            freeze_long_lived()

    def release(self) -> None:
        """The app is closing: give what was frozen back to the collector (a process that goes
        on, such as a test run, would otherwise keep every frozen object that dies later)."""
        if self._frozen_at is not None:
            self._frozen_at = None
            gc.unfreeze()


def freeze_long_lived(*, full: bool = True) -> None:
    """Collect every generation not frozen yet (only the two young ones unless ``full``), then
    move every object alive now out of the GC's walk."""
    if full:
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()


def freeze_startup() -> None:
    """Move every object alive now out of the GC's walk, without collecting first (the
    garbage of imports is small, and a collection of everything would be the stall this
    avoids). Call it once, just before the app runs; not from tests, where it would keep the
    objects of earlier tests alive."""
    gc.freeze()


#: Entries kept in Rich's process-wide text caches before they are emptied (see
#: :func:`trim_shared_caches`).
SHARED_CACHE_LIMIT = 2048


def trim_shared_caches(limit: int | None = None) -> bool:
    """Empty Rich's process-wide caches of cell widths and segment splits once they hold more
    than ``limit`` (default :data:`SHARED_CACHE_LIMIT`) entries; returns whether any was
    emptied.

    They are bounded (4,096 and 16,384 entries) but fill slowly with every new piece of text
    drawn: on a screen that runs for weeks, with names that change all day, they grow for days
    and end up holding several MB of old text. Emptying them costs a few re-measured strings.
    """
    bound = SHARED_CACHE_LIMIT if limit is None else limit
    trimmed = False
    for cache in _shared_caches():
        if cache.cache_info().currsize > bound:
            cache.cache_clear()
            trimmed = True
    return trimmed


def _shared_caches() -> tuple[Any, ...]:
    return (cached_cell_len, Segment._split_cells)


class CacheTrimmer:
    """A store subscriber: :func:`trim_shared_caches` after every batch of changes (a check of
    two counters; the caches are emptied a few times a day at most)."""

    def __call__(self, _events: Sequence[object]) -> None:
        trim_shared_caches()
