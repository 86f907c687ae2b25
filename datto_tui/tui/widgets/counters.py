"""The wall's big counters: a word, a number in large digits, and a caption in words.

Each :class:`CounterBox` shows one :class:`~datto_tui.tui.wall_data.CounterValue`. Colour comes
from its level class in tcss (``-ok``, ``-warn``, ``-high``, ``-crit``, ``-info``, ``-idle``);
the word and the caption say the same for anyone who cannot tell the colours apart. Parts that
did not change are not touched, so an idle wall never repaints a counter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from datto_tui.tui.wall_data import COUNTER_KEYS, CounterValue
from datto_tui.tui.widgets.quiet import QuietLabel

LEVELS = ("-ok", "-warn", "-high", "-crit", "-info", "-idle")


class CounterBox(Vertical):
    """One counter: ``label`` over ``caption`` beside (or over) the digits, by layout."""

    def __init__(self, key: str, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes=f"counter counter-{key} -idle")
        self.key = key
        self._label = label
        self._level = "-idle"
        self._digits = "-"

    def compose(self) -> ComposeResult:
        with Vertical(classes="counter-words"):
            yield QuietLabel(self._label, classes="counter-label")
            yield QuietLabel("loading…", classes="counter-caption")
        yield Digits("-", classes="counter-digits")

    def show(self, value: CounterValue) -> None:
        """Show ``value``; only what changed is repainted."""
        self.query_one(".counter-label", QuietLabel).show(value.label)
        self.query_one(".counter-caption", QuietLabel).show(value.caption)
        if value.digits != self._digits:
            self._digits = value.digits
            self.query_one(Digits).update(value.digits)
        if value.level != self._level:
            self.remove_class(self._level)
            self.add_class(value.level)
            self._level = value.level

    @property
    def level(self) -> str:
        return self._level

    @property
    def digits(self) -> str:
        return self._digits


class CounterRow(Horizontal):
    """The six counters in :data:`~datto_tui.tui.wall_data.COUNTER_KEYS` order."""

    LABELS: ClassVar[dict[str, str]] = {
        "online": "ONLINE",
        "offline": "OFFLINE",
        "critical": "CRITICAL",
        "high": "HIGH",
        "moderate": "MODERATE",
        "low": "LOW+",
    }

    def compose(self) -> ComposeResult:
        for key in COUNTER_KEYS:
            yield CounterBox(key, self.LABELS[key], id=f"counter-{key}")

    def show(self, values: Iterable[CounterValue]) -> None:
        for value in values:
            self.box(value.key).show(value)

    def box(self, key: str) -> CounterBox:
        return self.query_one(f"#counter-{key}", CounterBox)

    def texts(self) -> dict[str, str]:
        """``key -> "CRITICAL 3 open · ACT NOW"`` (for tests and logs)."""
        out: dict[str, str] = {}
        for key in COUNTER_KEYS:
            box = self.box(key)
            label = box.query_one(".counter-label", QuietLabel).text
            caption = box.query_one(".counter-caption", QuietLabel).text
            out[key] = f"{label} {box.digits} {caption}"
        return out
