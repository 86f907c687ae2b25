"""The Textual dashboard. :func:`run_dashboard` is what the CLI calls.

Importing this package is cheap: Textual and the app are imported when the dashboard runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient
    from datto_tui.clock import Clock
    from datto_tui.config import Profile

_COLOR_SYSTEMS = {"truecolor": "truecolor", "256": "256", "16": "standard", "auto": "auto"}


def _apply_color(color: str | None) -> None:
    """Honour ``--color`` even if Textual was imported before (its constants are read then)."""
    import os

    if color is None:
        return
    if color == "none":
        os.environ["NO_COLOR"] = "1"
        return
    system = _COLOR_SYSTEMS.get(color)
    if system is None:
        return
    os.environ["TEXTUAL_COLOR_SYSTEM"] = system
    os.environ.pop("NO_COLOR", None)
    import textual.constants

    textual.constants.COLOR_SYSTEM = system  # type: ignore[misc]


def run_dashboard(
    client: DattoClient,
    *,
    profile: Profile,
    clock: Clock | None = None,
    demo: bool = False,
    read_only: bool = False,
    wall: bool = False,
    rotate: float | None = None,
    color: str | None = None,
) -> int:
    """Run the dashboard in the terminal until the user quits; returns the exit code.

    ``rotate`` (seconds between views on a wall screen) is kept for the wall mode; ``color``
    is ``truecolor``/``256``/``16``/``none``/``auto`` (None: the terminal's own).
    """
    _apply_color(color)
    from datto_tui.tui.app import DattoApp

    app = DattoApp(
        client, profile=profile, clock=clock, demo=demo, read_only=read_only, wall=wall
    )
    app.rotate = rotate
    app.run(mouse=not wall)
    return app.return_code or 0
