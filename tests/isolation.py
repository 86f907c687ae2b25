"""The isolation fixture: private XDG folders and none of the user's DATTO_* variables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from datto_tui import logs


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "home" / name.lower()
        monkeypatch.setenv(name, str(folder))
    for name in (
        "DATTO_API_KEY",
        "DATTO_API_SECRET",
        "DATTO_PLATFORM",
        "DATTO_API_URL",
        "DATTO_PROFILE",
        "DATTO_TUI_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path / "home"
    logs.shutdown_logging()
    logs.forget_secrets()
