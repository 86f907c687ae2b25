"""Memory hygiene: Rich's shared text caches stay bounded; first-load freezes are paced."""

from __future__ import annotations

import gc
import platform
import sys
from collections.abc import Iterator

import pytest
from rich.cells import cached_cell_len
from rich.segment import Segment

from datto_tui.tui import memory
from datto_tui.tui.memory import CacheTrimmer, LoadFreezer, trim_shared_caches, tune_allocator


def test_trim_empties_a_cache_only_past_the_limit() -> None:
    cached_cell_len.cache_clear()
    Segment._split_cells.cache_clear()
    for i in range(50):
        cached_cell_len(f"name {i}")
    assert not trim_shared_caches(limit=100)
    assert cached_cell_len.cache_info().currsize == 50
    assert trim_shared_caches(limit=20)
    assert cached_cell_len.cache_info().currsize == 0


def test_trim_covers_segment_splits() -> None:
    cached_cell_len.cache_clear()
    Segment._split_cells.cache_clear()
    for cut in range(1, 30):
        Segment("名前の長いホスト名前の長いホスト名前の長い").split_cells(cut)
    assert Segment._split_cells.cache_info().currsize > 20
    assert trim_shared_caches(limit=20)
    assert Segment._split_cells.cache_info().currsize == 0


def test_the_store_subscriber_trims_at_the_module_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "SHARED_CACHE_LIMIT", 5)
    cached_cell_len.cache_clear()
    Segment._split_cells.cache_clear()
    for i in range(4):
        cached_cell_len(f"x{i}")
    CacheTrimmer()([])
    assert cached_cell_len.cache_info().currsize == 4
    for i in range(4, 8):
        cached_cell_len(f"x{i}")
    CacheTrimmer()([])
    assert cached_cell_len.cache_info().currsize == 0


def test_big_loads_freeze_at_the_start_every_step_and_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []

    def freeze(*, full: bool = True) -> None:
        calls.append(full)

    monkeypatch.setattr(memory, "freeze_long_lived", freeze)
    freezer = LoadFreezer(step=100, min_total=500)
    for loaded in range(50, 1001, 50):
        freezer.loaded(loaded, 1000)
    assert len(calls) == 10  # at 50 (the start), then at 150, 250, ... 950
    # The start collects only the young generations; the steps collect everything.
    assert calls[0] is False and all(calls[1:])
    freezer.done(1000)
    assert len(calls) == 11
    freezer.loaded(5000, 5000)
    freezer.done(5000)
    assert len(calls) == 11  # only the first load is frozen


def test_small_loads_are_never_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(memory, "freeze_long_lived", lambda **_: calls.append(1))
    freezer = LoadFreezer(step=100, min_total=500)
    for loaded in range(50, 401, 50):
        freezer.loaded(loaded, 400)
    freezer.loaded(450, None)
    freezer.done(450)
    assert calls == []


def test_release_gives_frozen_objects_back(monkeypatch: pytest.MonkeyPatch) -> None:
    unfrozen: list[int] = []
    monkeypatch.setattr(memory, "freeze_long_lived", lambda **_: None)
    monkeypatch.setattr(gc, "unfreeze", lambda: unfrozen.append(1))
    idle = LoadFreezer(step=100, min_total=500)
    idle.release()
    assert unfrozen == []  # nothing was frozen
    freezer = LoadFreezer(step=100, min_total=500)
    freezer.loaded(50, 1000)
    freezer.release()
    freezer.release()
    assert unfrozen == [1]


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    """The collector's thresholds, put back after the test whatever it did."""
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def _holding(freezer: LoadFreezer) -> bool:
    return freezer.holding  # (a call: each check reads it afresh, for mypy too)


def test_automatic_collections_are_held_while_a_big_first_load_runs(
    monkeypatch: pytest.MonkeyPatch, thresholds: tuple[int, int, int]
) -> None:
    monkeypatch.setattr(memory, "freeze_long_lived", lambda **_: None)
    freezer = LoadFreezer(step=100, min_total=500)
    assert freezer.due(50, 1000) and not _holding(freezer)
    freezer.loaded(50, 1000)
    assert _holding(freezer) and gc.get_threshold() == (0, *thresholds[1:])
    assert not freezer.due(100, 1000) and freezer.due(150, 1000)
    freezer.aborted()  # the load failed: collections resume until it starts over
    assert not _holding(freezer) and gc.get_threshold() == thresholds
    assert freezer.due(40, 1000)  # starting over
    freezer.loaded(40, 1000)
    assert gc.get_threshold()[0] == 0
    freezer.done(1000)
    assert gc.get_threshold() == thresholds and not freezer.due(1100, 1000)
    held = LoadFreezer(step=100, min_total=500)
    held.loaded(600, 1000)
    held.release()  # the app closed in the middle of the load
    assert gc.get_threshold() == thresholds


def test_a_load_that_starts_over_freezes_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(memory, "freeze_long_lived", lambda *, full=True: calls.append(full))
    freezer = LoadFreezer(step=100, min_total=500)
    try:
        freezer.loaded(50, 1000)
        freezer.loaded(400, 1000)
        freezer.loaded(20, 1000)  # the count went back: a new walk
        assert calls == [False, True, True]
    finally:
        freezer.release()


def test_the_allocator_is_tuned_on_glibc() -> None:
    applied = tune_allocator()
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert applied is True
    else:
        assert applied is False
