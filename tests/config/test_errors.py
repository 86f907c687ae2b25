"""Every configuration problem names the file, the line and the key, says how to fix it, and
never shows a secret."""

from __future__ import annotations

import json
import shlex
import stat
import sys
from pathlib import Path

import pytest

from datto_tui.config import (
    ConfigError,
    KeyLines,
    load_settings,
    require_credentials,
    run_secret_command,
)

SECRET = "TopSecretValue-12345"


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def error_of(path: Path, **kwargs: object) -> ConfigError:
    env = kwargs.pop("env", {})
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[profiles.main]\nplatform = "merlot"\napi_key = \n')
    error = error_of(path)
    assert error.path == path
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: ")
    assert "not valid TOML" in str(error)


def test_wrong_type_names_file_line_key_and_value(tmp_path: Path) -> None:
    text = '[profiles.main]\nplatform = "merlot"\n\n[profiles.main.polls]\nalerts = "fast"\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 5
    assert error.key == "profiles.main.polls.alerts"
    assert str(error) == (
        f"{tmp_path / 'config.toml'}:5: profiles.main.polls.alerts must be a number of seconds "
        '>= 10 (faster polling spends the API budget shared with other integrations), got "fast"'
    )


@pytest.mark.parametrize(
    ("line", "key", "needle"),
    [
        ("read_share = 2", "read_share", "above 0 and at most 1"),
        ('read_only = "yes"', "read_only", "true or false"),
        ("bell = 1", "bell", "true or false"),
        ("theme = 3", "theme", "string"),
        ('api_key_env = "not a name"', "api_key_env", "environment variable"),
        ("token_refresh_margin = -5", "token_refresh_margin", "between 0 and 86400"),
        ('polls = "often"', "polls", "table"),
        ('keys = ["f5"]', "keys", "table"),
    ],
)
def test_each_setting_is_checked(tmp_path: Path, line: str, key: str, needle: str) -> None:
    text = f'[profiles.main]\nplatform = "merlot"\n{line}\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 3
    assert error.key == f"profiles.main.{key}"
    assert needle in str(error)


def test_poll_minimums_protect_the_shared_budget(tmp_path: Path) -> None:
    text = "[profiles.main]\npolls = { alerts = 30, devices = 5 }\n"
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.key == "profiles.main.polls.devices"
    assert error.line == 2  # inline table: the line of its key
    assert ">= 60" in str(error)


def test_binding_values_must_be_strings(tmp_path: Path) -> None:
    text = '[profiles.main.keys]\n"app.refresh" = 5\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.key == "profiles.main.keys.app.refresh"
    assert error.line == 2


def test_bad_platform_lists_the_platforms(tmp_path: Path) -> None:
    error = error_of(write(tmp_path / "config.toml", '[profiles.x]\n\nplatform = "merlott"\n'))
    assert error.line == 3
    assert error.key == "profiles.x.platform"
    assert "pinotage, merlot, concord" in str(error)
    assert '"merlott"' in str(error)


def test_plain_http_to_a_remote_host_is_refused(tmp_path: Path) -> None:
    text = '[profiles.x]\napi_url = "http://merlot-api.centrastage.net"\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 2
    assert error.key == "profiles.x.api_url"
    assert "https" in str(error)


def test_bad_environment_value_names_the_variable(isolated_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"DATTO_PLATFORM": "mars"})
    assert caught.value.key == "DATTO_PLATFORM"
    assert str(caught.value).startswith("DATTO_PLATFORM must be one of")


def test_bad_flag_value_names_the_flag() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(overrides={"api_url": "ftp://x"}, env={})
    assert caught.value.key == "--api-url"
    assert "--api-url" in str(caught.value)


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    text = '[profiles.main]\nplatform = "merlot"\n[profiles.lab]\nplatform = "syrah"\n'
    path = write(tmp_path / "config.toml", text)
    error = error_of(path, profile="prod")
    assert error.path == path
    assert error.key == "profiles.prod"
    assert "known profiles: lab, main" in str(error)
    from_env = error_of(path, env={"DATTO_PROFILE": "prod"})
    assert "DATTO_PROFILE" in str(from_env)


def test_default_profile_must_exist(tmp_path: Path) -> None:
    text = 'default_profile = "nope"\n[profiles.main]\nplatform = "merlot"\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 1
    assert error.key == "default_profile"
    assert "known profiles: main" in str(error)


def test_several_profiles_without_a_default(tmp_path: Path) -> None:
    text = '[profiles.a]\nplatform = "merlot"\n[profiles.b]\nplatform = "syrah"\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.key == "default_profile"
    assert "--profile" in str(error)


def test_a_profile_needs_a_file(isolated_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(profile="main", env={})
    assert "config init" in str(caught.value)


def test_missing_credentials_name_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '# header\n\n[profiles.main]\napi_key = "K"\n')
    with pytest.raises(ConfigError) as caught:
        require_credentials(load_settings(path, env={}))
    assert (caught.value.line, caught.value.key) == (3, "profiles.main.platform")
    assert str(caught.value).startswith(f"{path}:3: ")
    assert "DATTO_PLATFORM" in str(caught.value)

    path = write(tmp_path / "config.toml", '[profiles.main]\nplatform = "merlot"\n')
    with pytest.raises(ConfigError) as caught:
        require_credentials(load_settings(path, env={}))
    assert (caught.value.line, caught.value.key) == (1, "profiles.main.api_key")
    assert "DATTO_API_KEY" in str(caught.value)

    text = '[profiles.main]\nplatform = "merlot"\napi_key = "K"\napi_secret_env = "ACME"\n'
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        require_credentials(load_settings(path, env={}))
    assert caught.value.key == "profiles.main.api_secret_env"
    assert "ACME, named by api_secret_env, is not set" in str(caught.value)
    assert "secret_command" in str(caught.value)


def test_missing_credentials_without_a_file_suggest_init(isolated_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        require_credentials(load_settings(env={"DATTO_PLATFORM": "merlot"}))
    assert caught.value.path is None
    assert "DATTO_API_KEY" in str(caught.value)
    assert "config init" in str(caught.value)


def test_failing_secret_command_is_clear_and_hides_its_output(tmp_path: Path) -> None:
    script = f"import sys; print('{SECRET}'); print('{SECRET}', file=sys.stderr); sys.exit(3)"
    text = (
        f'[profiles.main]\nplatform = "merlot"\napi_key = "K"\n'
        f"secret_command = {json.dumps(f'{sys.executable} -c {shlex.quote(script)}')}\n"
    )
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 4
    assert error.key == "profiles.main.secret_command"
    assert "exit status 3" in str(error)
    assert SECRET not in str(error)
    assert SECRET not in repr(error)


def test_secret_command_not_found(tmp_path: Path) -> None:
    text = '[profiles.main]\nsecret_command = "no-such-program-xyz --flag"\n'
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.line == 2
    assert "'no-such-program-xyz' not found" in str(error)


def test_secret_command_that_prints_nothing(tmp_path: Path) -> None:
    text = f"[profiles.main]\nsecret_command = {json.dumps(f'{sys.executable} -c pass')}\n"
    error = error_of(write(tmp_path / "config.toml", text))
    assert "printed nothing" in str(error)


def test_secret_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    # With a shell, '; touch' would run a second command; without one it is just arguments.
    command = f'{sys.executable} -c "import sys; print(sys.argv[1:])" ; touch {marker}'
    assert run_secret_command(command) == f"[';', 'touch', '{marker}']"
    assert not marker.exists()


def test_secret_command_timeout() -> None:
    with pytest.raises(Exception, match=r"did not finish within 0\.3 s"):
        run_secret_command(f'{sys.executable} -c "import time; time.sleep(30)"', timeout=0.3)


def test_wrong_type_of_secret_does_not_echo_it(tmp_path: Path) -> None:
    text = "[profiles.main]\napi_secret = 123456789012\n"
    error = error_of(write(tmp_path / "config.toml", text))
    assert error.key == "profiles.main.api_secret"
    assert "123456789012" not in str(error)
    assert "got a number" in str(error)


def test_unknown_keys_are_warnings_with_lines(tmp_path: Path) -> None:
    text = (
        'colour = "red"\n'
        "[profiles.main]\n"
        'platform = "merlot"\n'
        "paging = 4\n"
        "[profiles.main.polls]\n"
        "jobs = 20\n"
    )
    path = write(tmp_path / "config.toml", text)
    profile = load_settings(path, env={})
    assert profile.platform == "merlot"
    assert len(profile.warnings) == 3
    assert profile.warnings[0].startswith(f"{path}:1: colour is not a known top-level setting")
    assert profile.warnings[1].startswith(f"{path}:4: profiles.main.paging is not a known")
    assert profile.warnings[2].startswith(f"{path}:6: profiles.main.polls.jobs is not a known")


def test_world_readable_config_is_fixed_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[profiles.main]\nplatform = "merlot"\n', 0o644)
    profile = load_settings(path, env={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert any("mode 0644" in w and "changed it to 0600" in w for w in profile.warnings)
    again = load_settings(path, env={})
    assert again.warnings == ()


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[profiles.main]\nplatform = "\xff"\n')
    path.chmod(0o600)
    assert "UTF-8" in str(error_of(path))


def test_key_lines_understand_dotted_and_quoted_keys() -> None:
    text = (
        "top = 1\n"
        "[profiles.main]\n"
        "polls.alerts = 30\n"
        '"quoted.key" = 2\n'
        'text = """\n'
        "fake = 3\n"
        '"""\n'
        "[ profiles . 'other' ]\n"
        "inline = { a = 1 }\n"
    )
    lines = KeyLines(text)
    assert lines.line(("top",)) == 1
    assert lines.line(("profiles", "main")) == 2
    assert lines.line(("profiles", "main", "polls", "alerts")) == 3
    assert lines.line(("profiles", "main", "quoted.key")) == 4
    assert lines.line(("profiles", "main", "fake")) == 2  # inside a string: falls back
    assert lines.line(("profiles", "other")) == 8
    assert lines.line(("profiles", "other", "inline", "a")) == 9
    assert lines.line(("nowhere",)) is None
