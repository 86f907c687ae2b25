"""Reliability tests run in UTC, with private XDG folders and no DATTO_* variables of the user."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datto_tui import logs


@pytest.fixture(autouse=True, scope="session")
def _utc() -> Iterator[None]:
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "home" / name.lower()))
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
