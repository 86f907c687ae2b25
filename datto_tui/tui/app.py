"""The dashboard application: wiring only.

It owns the live model (:class:`~datto_tui.monitor.store.Store`), the
:class:`~datto_tui.monitor.poller.Poller` that keeps it current (started in an async worker on
the app's loop), and the adapter that turns store events into messages for the main screen.
Screens render; the app handles the global keys (quit, help, refresh) and the problem screen;
the triage actions (resolve, quick jobs, portal, copy, palette, alert toasts) come from its base,
:class:`~datto_tui.tui.triage.TriageApp`.
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen

from datto_tui.api.platforms import platform_of_base_url
from datto_tui.clock import Clock, SystemClock
from datto_tui.monitor.events import Resource
from datto_tui.monitor.poller import Poller
from datto_tui.monitor.store import Store
from datto_tui.tui import keys
from datto_tui.tui.adapter import StoreAdapter
from datto_tui.tui.health_log import HealthLog
from datto_tui.tui.memory import CacheTrimmer
from datto_tui.tui.messages import ProblemFound
from datto_tui.tui.poll_source import WatchedSource
from datto_tui.tui.recovery import RetryOnRecovery
from datto_tui.tui.screens.help import HelpScreen, collect_keys
from datto_tui.tui.screens.main import MainScreen
from datto_tui.tui.screens.problem import ProblemScreen
from datto_tui.tui.source import StoreSource
from datto_tui.tui.triage import TriageApp

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.config import Profile

#: Actions that change something at Datto: hidden in read-only and wall modes.
MUTATING_ACTIONS: frozenset[str] = keys.MUTATING_ACTIONS

#: The resources whose first poll makes the dashboard "ready" (see :meth:`DattoApp.data_ready`).
READY_RESOURCES = (Resource.SITES, Resource.ALERTS, Resource.DEVICES, Resource.ACCOUNT)


class DattoApp(TriageApp):
    """The dashboard of one Datto RMM account.

    ``clock`` defaults to the client's clock; ``demo`` only changes a badge; ``read_only`` and
    ``wall`` hide every mutating action (``check_action``). Key bindings carry ids
    (``app.refresh``, ``devices.focus``, ...) that the profile's ``keys`` table can remap.
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "styles/app.tcss",
        "styles/screens.tcss",
        "styles/triage.tcss",
    ]
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (declared by Textual as an instance attribute)
        (0, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]
    TITLE = "datto-tui"
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
        read_only: bool = False,
        wall: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.profile = profile
        self.clock: Clock = clock or getattr(client, "clock", None) or SystemClock()
        self.demo = demo
        self.read_only = read_only or wall or profile.read_only
        self.wall = wall
        self.rotate: float | None = None  # seconds between wall views (wall mode, later)
        self.store = Store(clock=self.clock)
        self.poll_source = WatchedSource(client, self._problem_found)
        self.poller = Poller(
            self.poll_source, self.store, clock=self.clock, intervals=profile.polls
        )
        self.details = StoreSource(self.store, client, self.clock)
        self.platform = (
            ("fake service" if demo else None)
            or getattr(client, "platform", None)
            or profile.platform
            or platform_of_base_url(getattr(client, "base_url", ""))
            or "custom API URL"
        )
        self._problem: BaseException | None = None
        if profile.keys:
            self.set_keymap(dict(profile.keys))

    # ---- screens --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(
            store=self.store,
            poller=self.poller,
            client=self.client,
            clock=self.clock,
            details=self.details,
            platform=self.platform,
            profile_name=self.profile.name,
            token_margin=self.profile.token_refresh_margin,
            demo=self.demo,
            read_only=self.read_only,
            wall=self.wall,
        )

    @property
    def main_screen(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        if self.profile.theme and self.profile.theme in self.available_themes:
            self.theme = self.profile.theme
        self.store.subscribe(StoreAdapter(self.main_screen.post_message))
        # The log says when polls recover; a recovery retries the other failing polls at once.
        self.store.subscribe(HealthLog(self.clock))
        self.store.subscribe(RetryOnRecovery(self.poller))
        self.store.subscribe(CacheTrimmer())  # Rich's text caches, on a screen up for weeks
        # The first frame (the loading state) goes out before the first poll takes the loop:
        # the poller starts once the main screen has been painted.
        self.main_screen.call_after_refresh(self.run_poller)

    @work(group="poller", exclusive=True, exit_on_error=False)
    async def run_poller(self) -> None:
        """Run the poller until the app ends (cancelling this worker stops it cleanly)."""
        try:
            async with self.poller:
                await asyncio.Event().wait()
        finally:
            await asyncio.shield(self.client.aclose())

    async def data_ready(self) -> None:
        """Return once sites, alerts, devices and the account have each been polled once and
        the main screen has rendered the outcome (for tests and the startup benchmark)."""
        for kind in READY_RESOURCES:
            await self.poller.wait_cycles(kind, 1)
        await self.main_screen.settled()

    # ---- problems -------------------------------------------------------------------------

    def _problem_found(self, error: BaseException) -> None:
        # Called from the poller's task: only post, never touch the screen here.
        self.post_message(ProblemFound(error))

    def on_problem_found(self, message: ProblemFound) -> None:
        if self._problem is not None:
            return
        self._problem = message.error
        self.poller.pause()  # bad credentials: stop knocking until the user retries
        self.clear_notifications()  # the poll failures it caused say the same, less clearly
        screen = ProblemScreen(message.error, profile=self.profile.name, platform=self.platform)
        self.push_screen(screen, self._after_problem)

    @property
    def has_problem(self) -> bool:
        """True while the problem screen is up (poll failure toasts are then redundant)."""
        return self._problem is not None

    def _after_problem(self, result: str | None) -> None:
        self._problem = None
        self.poll_source.contacted = False
        self.poller.resume()
        self.poller.refresh_now()

    # ---- actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        active = self.screen.active_bindings
        display = {key: self.get_key_display(b.binding) for key, b in active.items()}
        self.push_screen(HelpScreen(collect_keys(active, display)))

    def action_refresh(self) -> None:
        held = self.poller.rate_limited_for
        if held > 0:
            self.notify(
                f"Rate limited: polls resume in {held:.0f} s.", severity="warning", markup=False
            )
            return
        if self.poller.refresh_now():
            self.notify("Refreshing…", timeout=2, markup=False)
