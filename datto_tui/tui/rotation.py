"""Rotation of the wall screen between its views, yielding to the people in the room.

Contract of :class:`Rotation` (pure; times are the caller's monotonic clock, in seconds):

- Without an interval there is no rotation: the view changes only when asked.
- With one, :meth:`Rotation.tick` moves to the next view once ``interval`` seconds have passed
  on the current view (wrapping around).
- Someone pressing keys (:meth:`Rotation.activity`, also implied by :meth:`next`, :meth:`previous`
  and :meth:`show`) holds the rotation until ``idle_resume`` seconds pass without a key; the view
  then stays for a full interval before moving on.
- :meth:`Rotation.toggle_pause` pauses it until toggled again, whatever the activity.
- :meth:`Rotation.status` says what the screen shows: position, paused or not and why, and the
  seconds until the next change or the resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Seconds without a key press after which a held rotation resumes.
IDLE_RESUME = 120.0


@dataclass(frozen=True, slots=True)
class RotationStatus:
    """What the position indicator shows.

    ``state`` is ``off`` (no interval), ``running``, ``held`` (by key presses; resumes by itself
    in ``seconds``) or ``paused`` (by the pause key). ``seconds`` is the time to the next view
    while running, to the resume while held, and 0 otherwise.
    """

    index: int
    count: int
    name: str
    state: str
    seconds: float

    def dots(self) -> str:
        """``● ○ ○``: the position among the views."""
        return " ".join("●" if i == self.index else "○" for i in range(self.count))


class Rotation:
    """Which view is shown, and when the next one comes; see the module docstring."""

    def __init__(
        self,
        views: Sequence[str],
        interval: float | None,
        *,
        now: float,
        idle_resume: float = IDLE_RESUME,
    ) -> None:
        if not views:
            raise ValueError("a rotation needs at least one view")
        self.views = tuple(views)
        self.interval = interval if interval and interval > 0 else None
        self.idle_resume = idle_resume
        self.index = 0
        self.paused = False
        self._since = now  # when the current view started counting
        self._held_until = float("-inf")

    @property
    def current(self) -> str:
        return self.views[self.index]

    def held(self, now: float) -> bool:
        """True while recent key presses hold the rotation."""
        return now < self._held_until

    def activity(self, now: float) -> None:
        """A key was pressed: hold the rotation for ``idle_resume`` seconds from now."""
        self._held_until = now + self.idle_resume
        self._since = max(self._since, self._held_until)

    def toggle_pause(self, now: float) -> bool:
        """Pause, or resume; returns the new ``paused``. Resuming restarts the interval."""
        self.paused = not self.paused
        if not self.paused:
            self._held_until = float("-inf")
            self._since = now
        return self.paused

    def show(self, index: int, now: float) -> str:
        """Show view ``index`` (wrapped) because someone asked; returns its name."""
        self.index = index % len(self.views)
        self.activity(now)
        return self.current

    def next(self, now: float) -> str:
        return self.show(self.index + 1, now)

    def previous(self, now: float) -> str:
        return self.show(self.index - 1, now)

    def tick(self, now: float) -> str | None:
        """Advance if it is time; returns the new view's name, or None when nothing changed."""
        if self.interval is None or self.paused or self.held(now) or len(self.views) < 2:
            return None
        if now - self._since < self.interval:
            return None
        # After a long gap (a suspended laptop) move one view on, not several.
        self.index = (self.index + 1) % len(self.views)
        self._since = now
        return self.current

    def status(self, now: float) -> RotationStatus:
        count = len(self.views)
        if self.interval is None or count < 2:
            state, seconds = "off", 0.0
        elif self.paused:
            state, seconds = "paused", 0.0
        elif self.held(now):
            state, seconds = "held", self._held_until - now
        else:
            state, seconds = "running", max(0.0, self._since + self.interval - now)
        return RotationStatus(self.index, count, self.current, state, seconds)
