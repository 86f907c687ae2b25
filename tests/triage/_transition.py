"""Until the main screen and app derive from the triage bases: test subclasses that do."""

from __future__ import annotations

from typing import Any

import datto_tui.tui.app as app_module
from datto_tui.tui.app import DattoApp
from datto_tui.tui.screens.main import MainScreen
from datto_tui.tui.triage import TriageApp, TriageScreen


class _Main(MainScreen, TriageScreen):  # type: ignore[misc]
    def _update_titles(self) -> None:
        super()._update_titles()
        self.triage_refresh()


class _App(DattoApp, TriageApp):  # type: ignore[misc]
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return TriageApp.check_action(self, action, parameters)

    def get_default_screen(self) -> Any:
        original = app_module.MainScreen
        app_module.MainScreen = _Main  # type: ignore[misc]
        try:
            return super().get_default_screen()
        finally:
            app_module.MainScreen = original  # type: ignore[misc]


def app_class() -> type[DattoApp]:
    return DattoApp if issubclass(DattoApp, TriageApp) else _App
