"""Keeping Python's cyclic garbage collector from stalling the UI while a big account loads.

A full (generation 2) collection walks every tracked object: with 100k devices in memory that
is several hundred milliseconds during which nothing is drawn, and CPython runs one each time
the long-lived objects grow by a quarter, so a first load triggers a dozen of them, each longer
than the last. The records of the first load are long-lived by nature, so they are moved to the
permanent generation (``gc.freeze``) as they arrive; later collections walk only what came
after. The youngest generation is collected first so that little cyclic garbage is frozen with
them (a cheap pass: it holds only what was allocated since the last one).
Only the first load is treated this way: freezing is not repeated for the life of the process.
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Collect the youngest generation, then move every object alive now out of the GC's walk."""
    gc.collect(0)
    gc.freeze()
