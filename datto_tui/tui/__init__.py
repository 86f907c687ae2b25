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

    if color is None or color == "auto":
        return  # the terminal's own (and NO_COLOR, when the environment sets it)
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

    ``wall``: the read-only NOC wall screen (:class:`~datto_tui.tui.wall_app.WallApp`), which
    rotates its views every ``rotate`` seconds when given; ``color`` is
    ``truecolor``/``256``/``16``/``none``/``auto`` (None: the terminal's own). SIGTERM, SIGHUP
    and a terminal that goes away end it with status 0 (:mod:`datto_tui.tui.terminal`).
    """
    _apply_color(color)
    from datto_tui.tui.app import DattoApp
    from datto_tui.tui.terminal import run_app

    app: DattoApp
    if wall:
        from datto_tui.tui.wall_app import WallApp

        app = WallApp(client, profile=profile, clock=clock, demo=demo, rotate=rotate)
    else:
        app = DattoApp(client, profile=profile, clock=clock, demo=demo, read_only=read_only)
    # SIGTERM/SIGHUP and a lost terminal end the app cleanly; the wall captures no mouse.
    return run_app(app, mouse=not wall)
