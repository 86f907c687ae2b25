"""What a table shows within its scope: the typed filter plus the quick toggles.

A :class:`TableFilter` is an immutable value: the text the operator typed after ``/`` and three
toggles (only offline devices, only devices with open alerts, alerts at or above a priority).
:meth:`TableFilter.query_text` turns it into one filter text of the language in
:mod:`datto_tui.monitor.query`, so a :class:`~datto_tui.monitor.view.TableView` applies typed text
and toggles in one pass with the same caches (each toggle is an ordinary column term).

The toggle terms come first: an unterminated quote in the typed text then runs to the end of the
typed text, never over a toggle. Toggle terms are always valid, so a query's ``error`` only ever
speaks of what the operator typed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Lowercase priority levels the threshold toggle steps through, after "all" (None).
PRIORITY_STEPS: tuple[str | None, ...] = ("critical", "high", "moderate", None)

_OFFLINE_TERM = "online:no"
_ALERTS_TERM = "alerts:>0"


@dataclass(frozen=True, slots=True)
class TableFilter:
    """The filter of one table. ``min_priority`` is a lowercase level (``"high"``) or None."""

    text: str = ""
    offline_only: bool = False
    with_alerts: bool = False
    min_priority: str | None = None

    @property
    def is_active(self) -> bool:
        """True when anything narrows the table (typed text or a toggle)."""
        return bool(self.text.strip()) or bool(self.toggle_terms())

    def toggle_terms(self) -> tuple[str, ...]:
        terms: list[str] = []
        if self.offline_only:
            terms.append(_OFFLINE_TERM)
        if self.with_alerts:
            terms.append(_ALERTS_TERM)
        if self.min_priority is not None:
            terms.append(f"priority:>={self.min_priority}")
        return tuple(terms)

    def query_text(self) -> str:
        """The filter text for :meth:`TableView.set_query`: toggle terms, then the typed text."""
        return " ".join((*self.toggle_terms(), self.text)).strip()

    def toggle_labels(self) -> tuple[str, ...]:
        """Short human labels of the active toggles, for a title or a status line."""
        labels: list[str] = []
        if self.offline_only:
            labels.append("offline only")
        if self.with_alerts:
            labels.append("with open alerts")
        if self.min_priority is not None:
            level = self.min_priority.capitalize()
            labels.append(f"{level} only" if self.min_priority == "critical" else f"{level}+")
        return tuple(labels)

    def with_text(self, text: str) -> TableFilter:
        return replace(self, text=text)

    def cleared(self) -> TableFilter:
        """No text and no toggles."""
        return TableFilter()

    def next_priority(self) -> TableFilter:
        """The next threshold: all -> Critical -> High+ -> Moderate+ -> all."""
        if self.min_priority is None:
            following: str | None = PRIORITY_STEPS[0]
        elif self.min_priority in PRIORITY_STEPS:
            index = PRIORITY_STEPS.index(self.min_priority)
            following = PRIORITY_STEPS[(index + 1) % len(PRIORITY_STEPS)]
        else:
            following = None
        return replace(self, min_priority=following)
