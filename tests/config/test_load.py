"""Loading settings: defaults, profiles, precedence (flags > env > profile > defaults), secrets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from datto_tui.config import (
    ConfigError,
    PollIntervals,
    Profile,
    default_config_path,
    load_settings,
    require_credentials,
)

SECRET = "s3cr3t-Value-Nobody-Sees"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


MAIN = """\
default_profile = "main"

[profiles.main]
platform = "merlot"
api_key = "PROFILEKEY1234"
api_secret_env = "ACME_SECRET"
read_share = 0.25
theme = "nord"
bell = true

[profiles.main.polls]
alerts = 45
devices = 600

[profiles.main.keys]
"app.refresh" = "f5,ctrl+r"

[profiles.eu]
platform = "concord"
api_key = "EUKEY"
"""


def test_defaults_without_a_file_or_environment(isolated_home: Path) -> None:
    profile = load_settings(env={})
    assert profile == Profile()
    assert profile.polls == PollIntervals(30.0, 300.0, 900.0, 120.0)
    assert profile.config_path is None
    assert profile.base_url is None
    assert profile.origin("read_share").source == "default"


def test_default_path_honours_xdg_and_the_override_variable(isolated_home: Path) -> None:
    assert default_config_path({}) == isolated_home / "xdg_config_home/datto-tui/config.toml"
    assert default_config_path({"DATTO_TUI_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")


def test_profile_values_are_read(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", MAIN)
    profile = load_settings(path, env={"ACME_SECRET": SECRET})
    assert profile.name == "main"
    assert profile.platform == "merlot"
    assert profile.base_url == "https://merlot-api.centrastage.net"
    assert profile.api_key == "PROFILEKEY1234"
    assert profile.api_secret == SECRET
    assert profile.read_share == 0.25
    assert profile.write_share == 0.5
    assert profile.theme == "nord"
    assert profile.bell is True
    assert profile.polls == PollIntervals(alerts=45.0, devices=600.0)
    assert dict(profile.keys) == {"app.refresh": "f5,ctrl+r"}
    assert profile.config_path == path
    assert profile.origin("read_share").line == 7
    assert profile.origin("api_secret").detail == "ACME_SECRET"
    assert profile.warnings == ()


def test_profile_is_picked_by_argument_then_env_then_default(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", MAIN)
    assert load_settings(path, env={}).name == "main"
    assert load_settings(path, env={"DATTO_PROFILE": "eu"}).name == "eu"
    assert load_settings(path, "main", env={"DATTO_PROFILE": "eu"}).name == "main"


def test_a_single_profile_needs_no_default(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[profiles.only]\nplatform = "syrah"\n')
    assert load_settings(path, env={}).name == "only"


def test_precedence_flags_over_env_over_profile_over_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", MAIN)
    env = {"DATTO_API_KEY": "ENVKEY99", "DATTO_PLATFORM": "vidal", "ACME_SECRET": SECRET}

    from_profile = load_settings(path, env={"ACME_SECRET": SECRET})
    assert (from_profile.api_key, from_profile.platform) == ("PROFILEKEY1234", "merlot")
    assert from_profile.origin("api_key").source == "profile"

    from_env = load_settings(path, env=env)
    assert (from_env.api_key, from_env.platform) == ("ENVKEY99", "vidal")
    assert str(from_env.origin("platform")) == "env (DATTO_PLATFORM)"

    flagged = load_settings(
        path, overrides={"platform": "syrah", "read_only": True, "api_url": None}, env=env
    )
    assert flagged.platform == "syrah"
    assert flagged.read_only is True
    assert str(flagged.origin("platform")) == "flag (--platform)"
    assert flagged.origin("read_only").source == "flag"
    # a value nobody set stays at its default
    assert flagged.write_share == 0.5
    assert flagged.origin("write_share").source == "default"


def test_the_api_address_moves_as_one_unit(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml", '[profiles.p]\napi_url = "https://zinfandel-api.centrastage.net/api"\n'
    )
    from_file = load_settings(path, env={})
    assert from_file.api_url == "https://zinfandel-api.centrastage.net"
    assert from_file.platform == "zinfandel"  # derived, for portal links
    # a platform from the environment replaces the file's URL entirely
    from_env = load_settings(path, env={"DATTO_PLATFORM": "pinotage"})
    assert from_env.api_url is None
    assert from_env.base_url == "https://pinotage-api.centrastage.net"
    # and a URL flag replaces the environment's platform
    flagged = load_settings(path, overrides={"api_url": "http://127.0.0.1:8787"}, env={})
    assert flagged.base_url == "http://127.0.0.1:8787"
    assert flagged.platform is None


def test_api_key_env_sits_between_the_profile_and_datto_api_key(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", '[profiles.p]\napi_key = "FILEKEY"\napi_key_env = "K"\n')
    assert load_settings(path, env={}).api_key == "FILEKEY"
    assert load_settings(path, env={"K": "NAMEDKEY"}).api_key == "NAMEDKEY"
    both = {"K": "NAMEDKEY", "DATTO_API_KEY": "STDKEY"}
    assert load_settings(path, env=both).api_key == "STDKEY"


def test_secret_lookup_order(tmp_path: Path) -> None:
    command = f"{sys.executable} -c \"print('from-command')\""
    text = (
        '[profiles.p]\napi_secret_env = "NAMED"\n'
        f"secret_command = {json.dumps(command)}\n"
        'api_secret = "from-file"\n'
    )
    path = write(tmp_path / "c.toml", text)
    everything = {"DATTO_API_SECRET": "from-std-env", "NAMED": "from-named-env"}
    assert load_settings(path, env=everything).api_secret == "from-std-env"
    assert load_settings(path, env={"NAMED": "from-named-env"}).api_secret == "from-named-env"
    by_command = load_settings(path, env={})
    assert by_command.api_secret == "from-command"
    assert by_command.origin("api_secret").source == "secret_command"
    not_run = load_settings(path, env={}, run_secret_command=False)
    assert not_run.api_secret is None
    no_command = write(tmp_path / "d.toml", '[profiles.p]\napi_secret = "from-file"\n')
    assert load_settings(no_command, env={}).api_secret == "from-file"
    flagged = load_settings(no_command, overrides={"api_secret": "from-flag"}, env={})
    assert flagged.api_secret == "from-flag"


def test_the_secret_is_never_in_repr_or_str(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", MAIN)
    profile = load_settings(path, env={"ACME_SECRET": SECRET})
    assert SECRET not in repr(profile)
    assert SECRET not in str(profile)
    creds = require_credentials(profile)
    assert creds.api_secret == SECRET
    assert SECRET not in repr(creds)


def test_require_credentials_gives_what_a_client_needs(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", MAIN)
    creds = require_credentials(load_settings(path, env={"ACME_SECRET": SECRET}))
    assert creds.base_url == "https://merlot-api.centrastage.net"
    assert creds.api_key == "PROFILEKEY1234"
    assert creds.platform == "merlot"


def test_environment_alone_is_enough(isolated_home: Path) -> None:
    env = {
        "DATTO_API_URL": "http://127.0.0.1:9999",
        "DATTO_API_KEY": "K1",
        "DATTO_API_SECRET": SECRET,
    }
    creds = require_credentials(load_settings(env=env))
    assert (creds.base_url, creds.api_key, creds.api_secret) == (
        "http://127.0.0.1:9999",
        "K1",
        SECRET,
    )


def test_profile_is_frozen() -> None:
    profile = Profile()
    with pytest.raises(AttributeError):
        profile.name = "x"  # type: ignore[misc]


def test_explicit_config_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "missing.toml", env={})
    assert "missing.toml" in str(caught.value)
    assert "config init" in str(caught.value)


def test_config_variable_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.toml", MAIN)
    profile = load_settings(env={"DATTO_TUI_CONFIG": str(path), "ACME_SECRET": SECRET})
    assert profile.config_path == path
    with pytest.raises(ConfigError):
        load_settings(env={"DATTO_TUI_CONFIG": str(tmp_path / "nope.toml")})
