"""Starting the dashboard: what the CLI hands to ``run_dashboard`` (recorded, not run), and the
credential check that happens before the terminal is taken over."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import datto_tui.tui
from datto_tui import cli
from datto_tui.fakeapi import DEMO_API_SECRET

from .support import ENV, harness


@dataclass
class Recorder:
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, client: Any, **kwargs: Any) -> int:
        self.calls.append({"client": client, **kwargs})
        return 0


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    record = Recorder()
    monkeypatch.setattr(datto_tui.tui, "run_dashboard", record)
    return record


def test_demo_needs_no_configuration(recorder: Recorder, isolated_home: Path) -> None:
    h = harness()
    env: dict[str, str] = {}
    result = h.run("--demo", "--wall", "--rotate", "30s", "--read-only", "--color", "256", env=env)
    assert result.code == 0, result.err
    (call,) = recorder.calls
    assert call["demo"] is True
    assert call["read_only"] is True
    assert call["wall"] is True
    assert call["rotate"] == 30.0
    assert call["color"] == "256"
    assert call["profile"].name == "demo"
    assert call["client"].base_url == "http://fake.localhost"
    assert DEMO_API_SECRET not in repr(call["profile"])


def test_color_is_set_before_textual_starts(recorder: Recorder) -> None:
    shared: dict[str, str] = {}
    assert cli.main(["--demo", "--color", "16"], env=shared) == 0
    assert shared["TEXTUAL_COLOR_SYSTEM"] == "standard"
    assert cli.main(["--demo", "--color", "none"], env=shared) == 0
    assert shared["NO_COLOR"] == "1"


def test_demo_uses_the_look_of_the_config_file(recorder: Recorder, isolated_home: Path) -> None:
    config = isolated_home / "xdg_config_home" / "datto-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[profiles.main]\ntheme = "nord"\n[profiles.main.keys]\n"app.quit" = "q"\n')
    config.chmod(0o600)
    assert harness().run("--demo", env={}).code == 0
    profile = recorder.calls[0]["profile"]
    assert profile.theme == "nord"
    assert dict(profile.keys) == {"app.quit": "q"}


def test_demo_ignores_a_broken_default_config(recorder: Recorder, isolated_home: Path) -> None:
    config = isolated_home / "xdg_config_home" / "datto-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("this is not toml")
    assert harness().run("--demo", env={}).code == 0
    assert recorder.calls[0]["profile"].name == "demo"


def test_real_service_starts_after_the_credentials_check(recorder: Recorder) -> None:
    h = harness()
    result = h.run("--read-only")
    assert result.code == 0, result.err
    (call,) = recorder.calls
    assert call["demo"] is False
    assert call["read_only"] is True
    assert call["wall"] is False
    assert call["profile"].api_secret == DEMO_API_SECRET
    assert h.service.counters.token_grants == 1  # the check fetched a token


def test_refused_credentials_exit_3_before_the_dashboard(recorder: Recorder) -> None:
    h = harness()
    result = h.run(env=dict(ENV, DATTO_API_SECRET="nope-nope-nope"))
    assert result.code == 3
    assert "refused" in result.err
    assert recorder.calls == []
    assert "nope-nope-nope" not in result.err


def test_unreachable_service_still_starts_the_dashboard(recorder: Recorder) -> None:
    h = harness()
    h.service.faults.once("/api/v2/account", "reset", times=20)
    result = h.run()
    assert result.code == 0
    assert len(recorder.calls) == 1
