"""A full screen for problems the dashboard cannot work around, with the fix spelled out.

Shown instead of a traceback when the first contact fails on credentials or settings
(``AuthError``, ``ConfigurationError``), or the API user lacks permission. ``r`` retries,
``q`` quits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from datto_tui.api.errors import (
    AuthError,
    ConfigurationError,
    DattoError,
    IPBlocked,
    PermissionDenied,
)
from datto_tui.text import clean_block, clean_line


@dataclass(frozen=True)
class ProblemText:
    title: str
    message: str
    fix: str


def explain(error: BaseException, *, profile: str, platform: str) -> ProblemText:
    """A title, the error's own message and how to fix it, for the person at the keyboard."""
    message = clean_block(str(error) or type(error).__name__, 2_000)
    if isinstance(error, AuthError):
        return ProblemText(
            "Datto RMM refused the credentials",
            message,
            f"Check the API key and secret of profile {profile!r} (platform {platform}):\n"
            "• in Datto RMM, Setup > Users > your API user > API: generate keys, copy both;\n"
            "• give them to datto-tui (profile settings, DATTO_API_KEY / DATTO_API_SECRET, "
            "or the profile's secret command), then press r to retry;\n"
            "• the platform must match your API URL (e.g. merlot for merlot-api...);\n"
            "• `datto-tui doctor` checks the settings step by step.",
        )
    if isinstance(error, ConfigurationError):
        return ProblemText(
            "The settings cannot work",
            message,
            f"Fix profile {profile!r} (`datto-tui config` shows where it is read from),\n"
            "then start datto-tui again. `datto-tui doctor` checks the settings step by step.",
        )
    if isinstance(error, IPBlocked):
        return ProblemText(
            "The service blocks this IP address for a while",
            message,
            "Too many requests went over the account's rate limit. Wait about five minutes,\n"
            "make sure other integrations of the account are not flooding the API, then press\n"
            "r to retry.",
        )
    if isinstance(error, PermissionDenied):
        return ProblemText(
            "The API user may not read this account",
            message,
            "Give the API user a security level that can read sites, devices and alerts\n"
            "(Setup > Users in Datto RMM), then press r to retry.",
        )
    if isinstance(error, DattoError):
        return ProblemText("Datto RMM could not be reached", message, "Press r to retry.")
    return ProblemText("Unexpected problem", message, "Press r to retry, q to quit.")


class ProblemScreen(Screen[str]):
    """The problem, its message and the fix. Dismisses with ``"retry"``; ``q`` quits the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="problem.retry"),
        Binding("q", "app.quit", "Quit", id="problem.quit"),
    ]

    def __init__(self, error: BaseException, *, profile: str, platform: str) -> None:
        super().__init__(id="problem-screen")
        self.error = error
        self.problem = explain(error, profile=profile, platform=platform)

    def compose(self) -> ComposeResult:
        with Vertical(id="problem-dialog"):
            yield Static(Text(self.problem.title), id="problem-title")
            yield Static(Text(self.problem.message), id="problem-message")
            yield Static(Text(self.problem.fix), id="problem-fix")
            yield Static(
                Text(f"{clean_line(type(self.error).__name__, 40)} · r retry · q quit"),
                id="problem-hint",
            )
        yield Footer()

    def action_retry(self) -> None:
        self.dismiss("retry")
