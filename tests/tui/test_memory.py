"""Memory hygiene: Rich's shared text caches stay bounded; first-load freezes are paced."""

from __future__ import annotations

import gc

import pytest
from rich.cells import cached_cell_len
from rich.segment import Segment

from datto_tui.tui import memory
from datto_tui.tui.memory import CacheTrimmer, LoadFreezer, trim_shared_caches


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
