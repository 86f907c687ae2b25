"""Rotation between wall views: timing, holding for people at the keyboard, pausing."""

from __future__ import annotations

import pytest

from datto_tui.tui.rotation import Rotation

VIEWS = ("overview", "alerts", "sites")


def test_without_interval_nothing_rotates() -> None:
    r = Rotation(VIEWS, None, now=0)
    assert r.tick(10_000) is None and r.current == "overview"
    assert r.status(0).state == "off"
    assert r.next(1) == "alerts" and r.status(1).dots() == "○ ● ○"


def test_rotates_every_interval_and_wraps() -> None:
    r = Rotation(VIEWS, 30, now=0)
    assert r.tick(29.9) is None
    assert r.tick(30) == "alerts"
    assert r.status(35).seconds == pytest.approx(25)
    assert r.tick(60) == "sites"
    assert r.tick(90) == "overview"
    # A long gap (suspended machine) moves one view, not several.
    assert r.tick(10_000) == "alerts"


def test_key_presses_hold_the_rotation_until_idle() -> None:
    r = Rotation(VIEWS, 30, now=0, idle_resume=120)
    r.activity(20)
    assert r.status(21).state == "held"
    assert r.tick(100) is None and r.tick(139) is None
    assert r.status(139).seconds == pytest.approx(1)
    # Resumes after 2 idle minutes, then gives the view a full interval.
    assert r.tick(141) is None
    assert r.tick(170) == "alerts"
    assert r.status(171).state == "running"


def test_manual_moves_count_as_activity() -> None:
    r = Rotation(VIEWS, 30, now=0, idle_resume=120)
    assert r.previous(10) == "sites"
    assert r.tick(100) is None and r.status(100).state == "held"
    assert r.show(4, 110) == "alerts"  # wraps


def test_pause_holds_until_toggled() -> None:
    r = Rotation(VIEWS, 30, now=0)
    assert r.toggle_pause(5) is True
    assert r.tick(1_000) is None and r.status(1_000).state == "paused"
    assert r.toggle_pause(1_000) is False
    assert r.tick(1_029) is None and r.tick(1_030) == "alerts"


def test_needs_views() -> None:
    with pytest.raises(ValueError):
        Rotation((), 30, now=0)
