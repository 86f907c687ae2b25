"""Keeping the decoding of big answers off the event loop.

A 250-device page is ~400 KB of JSON: decoding it and building its records holds the thread
that does it for 15-25 ms. On the app's loop that is a stall of every frame and key press, once
per page, 400 times during a 100k-device load. Big answers are therefore decoded and parsed on
a worker thread (:func:`off_loop`); the loop awaits the result and stays free meanwhile. Small
answers (most requests, every test with a handful of records) are handled inline, where a
thread hop would cost more than it saves.

The work moved off the loop is pure: bytes in, new objects out, nothing shared is mutated
(the records' interning tables are append-only dicts, safe under the GIL).

:func:`gc_paused` holds the cyclic garbage collector while such a burst of allocation runs; it
may be entered from several threads at once, and the collector runs again when the last one
leaves.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

#: Bodies at least this long are decoded on a worker thread (a 250-device page: ~400 KB).
OFF_LOOP_BYTES = 64 * 1024
#: Pages with at least this many records are parsed on a worker thread.
OFF_LOOP_ITEMS = 100


_executor: ThreadPoolExecutor | None = None
_in_flight = 0


async def off_loop(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` on the worker thread (one for the process, started on first use).

    One thread is enough: the work holds the interpreter lock, so two would not run faster,
    and each thread that allocates gets a malloc arena of its own (several MB of resident
    memory kept after the load). Exceptions propagate to the awaiting task. If that task is
    cancelled, the call still runs to its end on its thread and its result is dropped (it has
    no side effects).
    """
    global _executor, _in_flight
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="datto-decode")
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_executor, func, *args)
    finally:
        _in_flight -= 1


def in_flight() -> int:
    """How many :func:`off_loop` calls have not returned to their caller yet.

    For simulations that advance a fake clock whenever the event loop has nothing to run: a
    task waiting on the worker thread is not runnable, yet its work is not done.
    """
    return _in_flight


_lock = threading.Lock()
_holders = 0
_restore = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a page is decoded and parsed.

    A 250-device page makes tens of thousands of small containers, none of them in a cycle;
    the collector would otherwise run dozens of times per page over them (and over the whole
    store's objects when it reaches the old generation) for nothing: about a third of the
    parse time. Nested and concurrent uses (threads) count: the collector is enabled again when
    the last one ends, and only if it was enabled when the first one began. Nothing here awaits.
    """
    global _holders, _restore
    with _lock:
        if _holders == 0:
            _restore = gc.isenabled()
            if _restore:
                gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _restore:
                gc.enable()
