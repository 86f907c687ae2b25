"""The command line without a service: parsing, config commands, exit codes, messages."""

from __future__ import annotations

import argparse
import io
import stat
import tomllib
from pathlib import Path

import pytest

from datto_tui import cli
from datto_tui.api.errors import (
    AuthError,
    ConfigurationError,
    IPBlocked,
    NetworkError,
    ServerError,
)
from datto_tui.config import ConfigError

SECRET = "Cli-Secret-Never-Shown-55"


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, env=env if env is not None else {}, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    for word in ("export", "doctor", "config", "fake-api", "--demo", "--wall", "--rotate"):
        assert word in text
    assert "exit codes: 0 ok, 1 unexpected error, 2 usage/config, 3 authentication" in text


def test_export_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--help"]) == 0
    text = capsys.readouterr().out
    for word in ("--resolved", "--site", "--format", "--output", "--reveal-udfs", "--profile"):
        assert word in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--no-such-flag"]) == 2
    assert cli.main(["export", "users"]) == 2
    assert cli.main(["--rotate", "fast"]) == 2
    assert "not a duration" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("datto-tui ")


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30.0), ("2m", 120.0), ("1h", 3600.0), ("45", 45.0)]
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert cli.parse_duration(text) == seconds


def test_parse_duration_refuses_nonsense() -> None:
    for text in ("soon", "1s", "-5s", "3d"):
        with pytest.raises(argparse.ArgumentTypeError):
            cli.parse_duration(text)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConfigError("x"), 2),
        (ConfigurationError("x"), 2),
        (AuthError("x"), 3),
        (NetworkError("x"), 4),
        (ServerError("x"), 4),
        (IPBlocked("x"), 4),
        (RuntimeError("x"), 1),
    ],
)
def test_exit_codes(error: BaseException, code: int) -> None:
    assert cli.exit_code_for(error) == code


def test_color_choices_set_textual_variables() -> None:
    env: dict[str, str] = {"NO_COLOR": "1"}
    cli.apply_color("16", env)
    assert env == {"TEXTUAL_COLOR_SYSTEM": "standard"}
    cli.apply_color("truecolor", env)
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
    cli.apply_color("none", env)
    assert env["NO_COLOR"] == "1"
    untouched: dict[str, str] = {}
    cli.apply_color("auto", untouched)
    assert untouched == {}


def test_config_path(isolated_home: Path, tmp_path: Path) -> None:
    code, out, _ = run(["config", "path"])
    assert code == 0
    assert out.strip() == str(isolated_home / "xdg_config_home" / "datto-tui" / "config.toml")
    assert run(["config", "path"], {"DATTO_TUI_CONFIG": "/a/b.toml"})[1].strip() == "/a/b.toml"


def test_config_init_writes_a_private_file_without_the_secret(isolated_home: Path) -> None:
    env = {"DATTO_API_SECRET": SECRET}
    code, out, err = run(["config", "init", "--platform", "merlot", "--api-key", "KEY1"], env)
    assert code == 0, err
    path = isolated_home / "xdg_config_home" / "datto-tui" / "config.toml"
    assert str(path) in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET not in path.read_text("utf-8")
    assert SECRET not in out + err
    profile = tomllib.loads(path.read_text("utf-8"))["profiles"]["main"]
    assert profile["api_secret_env"] == "DATTO_API_SECRET"

    code, _, err = run(["config", "init", "--platform", "syrah"], env)
    assert code == 2
    assert "--force" in err
    assert "Traceback" not in err
    code, _, _ = run(["config", "init", "--platform", "syrah", "--force"], env)
    assert code == 0
    assert 'platform = "syrah"' in path.read_text("utf-8")


def test_config_init_needs_an_address(tmp_path: Path) -> None:
    code, _, err = run(["config", "init", "--config", str(tmp_path / "c.toml")])
    assert code == 2
    assert "--platform" in err


def test_config_show_masks_secrets_and_says_where_values_came_from(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.main]\nplatform = "merlot"\napi_key = "ABCDEFGHIJKLMNOP"\n'
        f'api_secret = "{SECRET}"\n[profiles.main.polls]\nalerts = 60\n'
    )
    path.chmod(0o600)
    code, out, err = run(["config", "show", "--config", str(path)], {"DATTO_PLATFORM": "vidal"})
    assert code == 0, err
    assert SECRET not in out + err
    assert "ABCDEFGHIJKLMNOP" not in out
    assert "ABCD… (16 characters)" in out
    assert "••••••" in out
    lines = {line.split()[0]: line for line in out.splitlines()[2:] if line.strip()}
    assert "vidal" in lines["platform"] and "env (DATTO_PLATFORM)" in lines["platform"]
    assert "60 s" in lines["polls.alerts"] and "config.toml:6" in lines["polls.alerts"]
    assert "default" in lines["polls.devices"]


def test_config_show_does_not_run_the_secret_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.main]\nsecret_command = "touch {marker}"\n')
    path.chmod(0o600)
    code, out, _ = run(["config", "show", "--config", str(path)])
    assert code == 0
    assert not marker.exists()
    assert "from secret_command" in out


def test_missing_credentials_exit_2_with_a_clear_message(isolated_home: Path) -> None:
    for argv in (["export", "devices"], ["--read-only"], ["doctor"]):
        code, out, err = run(argv, {"DATTO_API_URL": "http://127.0.0.1:9"})
        assert code == 2, (argv, out, err)
        text = out + err
        assert "no API key" in text
        assert "DATTO_API_KEY" in text
        assert "Traceback" not in text


def test_config_syntax_error_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.main\n")
    path.chmod(0o600)
    code, _, err = run(["export", "sites", "--config", str(path)])
    assert code == 2
    assert f"{path}:1:" in err
    assert "Traceback" not in err


def test_unknown_profile_exits_2_listing_profiles(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\nplatform = "merlot"\n[profiles.lab]\nplatform = "syrah"\n')
    path.chmod(0o600)
    code, _, err = run(["--profile", "prod", "export", "sites", "--config", str(path)])
    assert code == 2
    assert "known profiles: lab, main" in err


def test_resolved_applies_to_alerts_only(isolated_home: Path) -> None:
    code, _, err = run(["export", "devices", "--resolved", "--demo"])
    assert code == 2
    assert "--resolved applies to alerts only" in err


def test_keyboard_interrupt_exits_130_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: argparse.Namespace, ctx: cli.Context) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_dispatch", interrupted)
    code, out, err = run(["export", "sites"])
    assert (code, out, err) == (130, "", "")


def test_unexpected_errors_are_one_line_and_logged(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    def broken(args: argparse.Namespace, ctx: cli.Context) -> int:
        cli._setup_logging(args, ctx)
        raise ValueError(f"bad thing with password={SECRET}")

    monkeypatch.setattr(cli, "_dispatch", broken)
    code, _, err = run(["export", "sites"])
    assert code == 1
    assert "unexpected ValueError" in err
    assert SECRET not in err
    log = isolated_home / "xdg_state_home" / "datto-tui" / "datto-tui.log"
    assert "Traceback" in log.read_text("utf-8")
    assert SECRET not in log.read_text("utf-8")


def test_error_messages_cannot_drive_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\nplatform = "\\u001b]0;owned\\u0007merlot"\n')
    path.chmod(0o600)
    code, _, err = run(["export", "sites", "--config", str(path)])
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err
    assert '"\\u001b]0;owned' in err  # shown escaped

    def hostile(args: argparse.Namespace, ctx: cli.Context) -> int:
        raise ConfigError("bad value \x1b[2J\x9b here")

    monkeypatch.setattr(cli, "_dispatch", hostile)
    code, _, err = run(["export", "sites"])
    assert code == 2
    assert "\x1b" not in err and "\x9b" not in err
    assert "bad value ␛[2J" in err
