"""The dashboard as a NOC wall screen (``datto-tui --wall``): read-only by construction.

:class:`WallApp` is the dashboard's app (same store, poller and client wiring) with a different
face and fewer powers:

- its only keys are quit, help, refresh (a read) and the wall screen's view keys; bindings of the
  dashboard are not inherited and the command palette does not exist, so no key can reach a
  write. :meth:`WallApp.check_action` refuses every action outside :data:`WALL_ACTIONS` too,
  so a write action called by name is refused as well;
- problems a person must fix (refused credentials, unusable settings) do not stop the wall
  behind a dialog nobody is there to dismiss: the wall says what is wrong in its banner, keeps
  the last good data and keeps retrying at the poller's slow failure pace (up to every 10 min),
  so it recovers by itself once the cause is fixed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen

from datto_tui.tui.adapter import StoreAdapter
from datto_tui.tui.app import DattoApp
from datto_tui.tui.health_log import HealthLog
from datto_tui.tui.messages import ProblemFound
from datto_tui.tui.recovery import RetryOnRecovery
from datto_tui.tui.screens.wall import WallScreen

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.clock import Clock
    from datto_tui.config import Profile

log = logging.getLogger(__name__)

#: Every action a key can trigger on the wall. Nothing here writes to Datto.
WALL_ACTIONS: frozenset[str] = frozenset(
    {"quit", "help", "refresh", "dismiss", "pop_screen", "scroll_up", "scroll_down"}
    | WallScreen.ACTIONS
    | {"scroll_home", "scroll_end", "page_up", "page_down", "focus_next", "focus_previous"}
)


class WallApp(DattoApp, inherit_bindings=False):
    """``--wall``: see the module docstring. ``rotate``: seconds per view, or None."""

    ENABLE_COMMAND_PALETTE: ClassVar[bool] = False
    CSS_PATH = [*DattoApp.CSS_PATH, "styles/wall.tcss"]  # noqa: RUF012 (Textual's type)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help", key_display="?"),
        Binding("r,f5", "refresh", "Refresh", id="app.refresh"),
    ]

    def __init__(
        self,
        client: DattoClient,
        *,
        profile: Profile,
        clock: Clock | None = None,
        demo: bool = False,
        rotate: float | None = None,
    ) -> None:
        super().__init__(client, profile=profile, clock=clock, demo=demo, read_only=True, wall=True)
        self.rotate = rotate
        self.health = HealthLog(self.clock)
        self._problem_logged = False

    def get_default_screen(self) -> Screen[None]:
        return WallScreen(
            store=self.store,
            poller=self.poller,
            client=self.client,
            clock=self.clock,
            platform=self.platform,
            profile_name=self.profile.name,
            demo=self.demo,
            rotate=self.rotate,
            token_margin=self.profile.token_refresh_margin,
            health=self.health,
        )

    @property
    def wall_screen(self) -> WallScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, WallScreen)
        return screen

    def _on_mount(self, event: events.Mount) -> None:
        # Replaces the dashboard's on_mount (prevent_default stops it): the adapter feeds the
        # wall screen instead of the main screen.
        event.prevent_default()
        if self.profile.theme and self.profile.theme in self.available_themes:
            self.theme = self.profile.theme
        self.store.subscribe(StoreAdapter(self.wall_screen.post_message))
        self.store.subscribe(self.health)
        self.store.subscribe(RetryOnRecovery(self.poller))
        self.set_interval(5.0, self.close_idle_dialogs, name="wall-idle")
        self.call_after_refresh(self.run_poller)

    def on_key(self, event: events.Key) -> None:
        # Any key, on the wall or in a dialog over it, holds the rotation.
        self.wall_screen.rotation.activity(self.clock.monotonic())

    def close_idle_dialogs(self) -> None:
        """Back to the wall once nobody has pressed a key for a while (help left open)."""
        rotation = self.wall_screen.rotation
        while len(self.screen_stack) > 1 and not rotation.held(self.clock.monotonic()):
            log.info("closing %s: no key for a while", type(self.screen).__name__)
            self.pop_screen()

    async def data_ready(self) -> None:
        """Return once sites, alerts, devices and the account have each been polled once and
        the wall has rendered the outcome."""
        from datto_tui.tui.app import READY_RESOURCES

        for kind in READY_RESOURCES:
            await self.poller.wait_cycles(kind, 1)
        await self.wall_screen.settled()

    def on_problem_found(self, message: ProblemFound) -> None:
        # No dialog on a wall: the banner shows the failing polls, which keep retrying.
        message.prevent_default()
        if not self._problem_logged:
            self._problem_logged = True
            log.warning(
                "the wall cannot reach the data (%s: %s); retrying at the poller's pace",
                type(message.error).__name__,
                message.error,
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the wall's own actions run; anything else (a write) is refused."""
        return action in WALL_ACTIONS
