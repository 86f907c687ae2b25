"""Writing config files: atomic, private (0600 file, 0700 new folder), never a secret."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from datto_tui.config import (
    ConfigError,
    init_config,
    load_settings,
    write_config,
    write_private_file,
)

SECRET = "EnvOnlySecret-987654321"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_writes_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "datto-tui" / "config.toml"
    old_umask = os.umask(0o022)
    try:
        init_config(path, platform="merlot", api_key="KEY123", env={})
    finally:
        os.umask(old_umask)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    data = tomllib.loads(path.read_text("utf-8"))
    assert data["default_profile"] == "main"
    assert data["profiles"]["main"]["platform"] == "merlot"
    assert data["profiles"]["main"]["api_key"] == "KEY123"
    assert data["profiles"]["main"]["api_secret_env"] == "DATTO_API_SECRET"
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


def test_init_never_writes_a_secret_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    env = {"DATTO_API_SECRET": SECRET, "DATTO_API_KEY": "ENVKEY", "DATTO_PLATFORM": "syrah"}
    init_config(path, env=env)
    text = path.read_text("utf-8")
    assert SECRET not in text
    assert "ENVKEY" not in text  # referenced by name, not copied
    data = tomllib.loads(text)["profiles"]["main"]
    assert data["api_key_env"] == "DATTO_API_KEY"
    assert data["api_secret_env"] == "DATTO_API_SECRET"
    assert data["platform"] == "syrah"
    # and the file works with that environment
    profile = load_settings(path, env=env)
    assert (profile.api_key, profile.api_secret, profile.platform) == ("ENVKEY", SECRET, "syrah")


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    init_config(path, platform="merlot", env={})
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        init_config(path, platform="syrah", env={})
    assert "--force" in str(caught.value)
    assert path.read_bytes() == before


def test_init_with_force_keeps_other_profiles(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    init_config(path, profile="main", platform="merlot", env={})
    init_config(path, profile="lab", api_url="http://127.0.0.1:8787", force=True, env={})
    data = tomllib.loads(path.read_text("utf-8"))
    assert sorted(data["profiles"]) == ["lab", "main"]
    assert data["default_profile"] == "main"
    assert data["profiles"]["lab"]["api_url"] == "http://127.0.0.1:8787"
    assert load_settings(path, "lab", env={}).base_url == "http://127.0.0.1:8787"


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({}, "--platform"),
        ({"platform": "mars"}, "--platform must be one of"),
        ({"api_url": "http://example.com"}, "--api-url"),
        ({"platform": "merlot", "profile": "bad name"}, "profile name"),
    ],
)
def test_init_refuses_bad_input(tmp_path: Path, kwargs: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        init_config(tmp_path / "config.toml", env={}, **kwargs)  # type: ignore[arg-type]
    assert needle in str(caught.value)
    assert not (tmp_path / "config.toml").exists()


def test_a_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    write_config(path, {"profiles": {"main": {"platform": "merlot"}}})
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_private_file(path, b"new content")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_write_private_file_replaces_a_public_file_with_a_private_one(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("old")
    path.chmod(0o644)
    write_private_file(path, b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o600


def test_cli_and_config_do_not_import_textual() -> None:
    # textual is imported only when the dashboard starts, so export/doctor/config start fast.
    # (rich is not checked here: httpx itself imports it whenever it is installed.)
    code = (
        "import sys\n"
        "import datto_tui.config, datto_tui.logs, datto_tui.export, datto_tui.cli\n"
        "import datto_tui.doctor\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
