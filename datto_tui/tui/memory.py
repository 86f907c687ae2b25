"""Keeping the garbage collector from stalling the UI while a big account loads, and the
process small once it has.

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
during the first load keeps that to a few MB (~8 MB at 100k devices, mostly the lines of a
scrollbar drawn again with every merge). Between freezes the automatic collections are held:
the freezes do their work, in turns of their own.

:func:`freeze_startup` freezes what exists before the app starts (modules, classes, the
stylesheet): the first freeze of a load would otherwise walk all of it, a 100+ ms stall.
:func:`tune_allocator` keeps the C allocator from holding on to the big lists a load makes and
drops.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Sequence
from typing import Any

from rich.cells import cached_cell_len
from rich.segment import Segment

#: Records loaded between two freezes during the first load (each freeze costs ~5 ms).
FREEZE_STEP = 500
#: Loads smaller than this are not frozen: their collections are short anyway.
FREEZE_MIN_TOTAL = 2_000
#: A first load of sites or alerts at least this big is frozen when it ends (see
#: :meth:`LoadFreezer.prepared`).
EARLY_FREEZE_MIN = 500


class LoadFreezer:
    """Call :meth:`loaded` with the running count (and the announced total) of a first load,
    :meth:`aborted` if it fails, :meth:`done` at its end.

    A big load is frozen as soon as it starts (what the app made before it: screens, sites,
    alerts; after collecting only the young generations, a few ms), then every ``step``
    records (a full collection, which walks only those records), and once more at its end.
    In between, the collector's automatic runs are held (threshold 0): they would walk the
    same young records several times over, a few milliseconds each, at moments no one
    chose (in the middle of a frame); the freezes collect what they would have.
    """

    def __init__(self, step: int = FREEZE_STEP, min_total: int = FREEZE_MIN_TOTAL) -> None:
        self._step = step
        self._min_total = min_total
        self._frozen_at: int | None = None
        self._early = False  # frozen by prepared()
        self._finished = False
        self._thresholds: tuple[int, int, int] | None = None  # while automatic runs are held

    @property
    def holding(self) -> bool:
        """Automatic collections are held (a big first load is going on)."""
        return self._thresholds is not None

    def due(self, count: int, total: int | None) -> bool:
        """Whether :meth:`loaded` with these figures would freeze (or start holding)."""
        if self._finished or total is None or total < self._min_total:
            return False
        at = self._frozen_at
        return at is None or count - at >= self._step or count < at or not self.holding

    def loaded(self, count: int, total: int | None) -> None:
        if not self.due(count, total):
            return
        if self._frozen_at is None:
            # What the app made before the load (screens, sites, alerts): a full collection of
            # it would hold the loop ~40 ms, and the collector went over it moments ago anyway.
            self._frozen_at = count
            freeze_long_lived(full=False)
        elif count - self._frozen_at >= self._step or count < self._frozen_at:
            self._frozen_at = count  # (a count going back: the load started over)
            freeze_long_lived()
        self._hold()

    def aborted(self) -> None:
        """The first load failed (it will start over): automatic collections resume."""
        self._let_go()

    def prepared(self, count: int) -> None:
        """A first load that comes before the devices' (sites, alerts) ended with ``count``
        records: if there are many, freeze them with what the app made so far, after
        collecting only the young generations.

        Without this, the collector's first automatic full collection lands just as the
        devices start to load, and walks a thousand sites with their tree nodes and thousands
        of alerts: a 30-45 ms stall. Does nothing once the devices' load has begun (it
        freezes at its own pace).
        """
        if self._frozen_at is None and not self._finished and count >= EARLY_FREEZE_MIN:
            self._early = True
            freeze_long_lived(full=False)

    def done(self, count: int) -> None:
        """The first load ended: freeze once more if it was big enough to matter, then stop."""
        if self._finished:
            return
        self._finished = True
        if count >= self._min_total:
            self._frozen_at = count
            freeze_long_lived()
        self._let_go()

    def release(self) -> None:
        """The app is closing: give what was frozen back to the collector (a process that goes
        on, such as a test run, would otherwise keep every frozen object that dies later)."""
        self._let_go()
        if self._frozen_at is not None or self._early:
            self._frozen_at = None
            self._early = False
            gc.unfreeze()

    def _hold(self) -> None:
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            gc.set_threshold(0, *self._thresholds[1:])

    def _let_go(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None


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


#: Blocks at least this big get a memory mapping of their own (see :func:`tune_allocator`).
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def tune_allocator() -> bool:
    """On glibc, serve every block of :data:`MMAP_THRESHOLD` bytes or more with a mapping of
    its own, returned to the system as soon as it is freed; returns whether it was applied.

    glibc starts with that threshold but raises it each time such a block is freed (up to
    32 MB); from then on, big blocks come from the heap, which keeps the holes they leave.
    A first load of 100k devices makes and drops lists of 100k entries (800 KB) hundreds of
    times: with the moving threshold the process ends ~12 MB bigger than it needs to, and
    peaks higher. A fixed threshold also stops the adaptation (glibc's documented
    behaviour). Elsewhere (macOS, musl) nothing is done. Call it once, before the app runs.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


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
