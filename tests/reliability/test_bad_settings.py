"""Bad settings on the command line: one clear line that says what is wrong and how to fix it.

Config files with syntax errors or wrong types, an unknown profile, missing credentials, plain
http to a remote host, a file that cannot be read, a token cache that is garbage or unreadable.
Each case runs the real command (``cli.main``), checks the exit code, that the message names
the file and line where there is one and says what to do, that there is no traceback, and
that no secret is echoed. Then a property test: whatever a profile table holds, loading it
either works or raises ``ConfigError``, never anything else, and never quotes the secret.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datto_tui.api.auth import TokenCache
from datto_tui.config import ConfigError, load_settings
from datto_tui.fakeapi import DEMO_API_KEY
from tests.reliability.support_cli import BASE_URL, SECRET, cli_rig

CASES: list[tuple[str, str, list[str], int, tuple[str, ...]]] = [
    (
        "syntax error",
        '[profiles.main\nplatform = "merlot"\n',
        [],
        2,
        ("config.toml:1:", "is not valid TOML", "Check quotes"),
    ),
    (
        "wrong type",
        '[profiles.main]\nplatform = "merlot"\nread_share = "half"\n',
        [],
        2,
        ("config.toml:3:", "read_share must be a number", 'got "half"'),
    ),
    (
        "wrong poll type",
        '[profiles.main]\nplatform = "merlot"\n[profiles.main.polls]\nalerts = "often"\n',
        [],
        2,
        ("config.toml:4:", "alerts", 'got "often"'),
    ),
    (
        "unknown platform",
        '[profiles.main]\nplatform = "pinot"\n',
        [],
        2,
        ("config.toml:2:", "must be one of pinotage, merlot", 'got "pinot"'),
    ),
    (
        "plain http to a remote host",
        '[profiles.main]\napi_url = "http://10.1.2.3:8787"\n',
        [],
        2,
        ("config.toml:2:", "plain http", "Use https", "loopback addresses only), got"),
    ),
    (
        "unknown profile",
        'default_profile = "main"\n[profiles.main]\nplatform = "merlot"\n',
        ["--profile", "nope"],
        2,
        ("profile 'nope'", "known profiles: main", "Add a [profiles.nope] section"),
    ),
    (
        "secret in the wrong type",
        f'[profiles.main]\nplatform = "merlot"\napi_secret = ["{SECRET}"]\n',
        [],
        2,
        ("config.toml:3:", "api_secret", "must be a string"),
    ),
]


@pytest.mark.parametrize(
    ("text", "extra", "code", "phrases"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_config_files_get_one_clear_line(
    tmp_path: Path, text: str, extra: list[str], code: int, phrases: tuple[str, ...]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    rig = cli_rig()
    env = {"DATTO_API_KEY": DEMO_API_KEY, "DATTO_API_SECRET": SECRET}
    rig.env = env
    result = rig.run("--config", str(path), *extra, "export", "sites")
    assert result.code == code, result.err
    assert result.out == ""
    lines = result.err.strip().splitlines()
    error = [line for line in lines if line.startswith("datto-tui: error:")]
    assert len(error) == 1, result.err
    for phrase in phrases:
        assert phrase in error[0], (phrase, error[0])
    assert "Traceback" not in result.err
    assert SECRET not in result.err


def test_missing_credentials_say_where_to_put_them(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\nplatform = "merlot"\napi_key = "K"\n')
    rig = cli_rig()
    rig.env = {}
    result = rig.run("--config", str(path), "export", "sites")
    assert result.code == 2
    assert "config.toml:1: profiles.main: no API secret" in result.err
    assert "Set DATTO_API_SECRET in the environment" in result.err
    assert "secret_command" in result.err
    no_file = rig.run("export", "sites")
    assert no_file.code == 2
    assert "no API address" in no_file.err and "datto-tui config init" in no_file.err
    assert "or set DATTO_PLATFORM or DATTO_API_URL" in no_file.err


def test_a_config_file_that_cannot_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\nplatform = "merlot"\n')
    path.chmod(0o000)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        real = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    rig = cli_rig()
    result = rig.run("--config", str(path), "export", "sites")
    path.chmod(0o600)
    assert result.code == 2
    assert "cannot be read: Permission denied" in result.err
    assert f"chmod 600 {path}" in result.err
    assert "Traceback" not in result.err


def test_a_world_readable_config_is_made_private_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.main]\napi_url = "{BASE_URL}"\napi_key = "{DEMO_API_KEY}"\n')
    path.chmod(0o644)
    rig = cli_rig()
    rig.env = {"DATTO_API_SECRET": SECRET}
    result = rig.run("--config", str(path), "export", "sites")
    assert result.code == 0, result.err
    assert "was readable by other users (mode 0644); changed it to 0600" in result.err
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("damage", ["garbage", "unreadable", "directory"])
def test_a_broken_token_cache_never_stops_the_tool(
    damage: str, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is only an optimisation: a bad one is ignored, reported by ``doctor`` with a
    fix, and replaced by a private file after the next token fetch."""
    cache = TokenCache()
    path = cache.path_for(BASE_URL, DEMO_API_KEY)
    path.parent.mkdir(parents=True, mode=0o700)
    if damage == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"\x00\xff{not json")
        path.chmod(0o600)
    if damage == "unreadable":
        real_open = os.open

        def refuse(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    rig = cli_rig()
    doctor = rig.run("doctor")
    assert "Traceback" not in doctor.err + doctor.out
    line = next(line for line in doctor.out.splitlines() if "token cache" in line)
    assert line.lstrip().startswith("!"), doctor.out
    assert "cannot be read or is corrupt" in line or "is not a regular file" in line
    assert "fix: rm" in doctor.out
    assert SECRET not in doctor.out + doctor.err
    # The tool works regardless (the test transport bypasses the disk cache, so use the cache
    # directly as the client would).
    assert cache.load(BASE_URL, DEMO_API_KEY) is None
    result = rig.run("export", "sites")
    assert result.code == 0, result.err


# ---------------------------------------------------------------------------------------------
# Property: any profile table loads or raises ConfigError


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["merlot", "https://merlot-api.centrastage.net", "http://127.0.0.1:1"]),
)
#: What ``api_secret`` may hold: the secret in every shape, right or wrong.
_secrets = st.sampled_from([SECRET, [SECRET], {"value": SECRET}, 42, True, ""])
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_keys = st.sampled_from(
    [
        "platform",
        "api_url",
        "api_key",
        "api_secret",
        "api_key_env",
        "api_secret_env",
        "read_share",
        "write_share",
        "read_only",
        "theme",
        "bell",
        "token_refresh_margin",
        "polls",
        "keys",
        "unknown_key",
    ]
)


def _toml_safe(value: Any) -> Any:
    """TOML has no null: drop Nones (tomli_w refuses them)."""
    if isinstance(value, dict):
        return {k: _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_safe(v) for v in value if v is not None]
    return value


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    profile=st.dictionaries(_keys, _values, max_size=6),
    secret=st.one_of(st.none(), _secrets),
    default=st.one_of(st.none(), st.sampled_from(["main", "other", ""]), st.integers()),
)
def test_any_profile_table_loads_or_is_a_config_error(
    tmp_path: Path, profile: dict[str, Any], secret: Any, default: Any
) -> None:
    """Only ``api_secret`` holds the secret; no message or repr may ever quote it."""
    profile.pop("api_secret", None)
    if secret is not None:
        profile["api_secret"] = secret
    document: dict[str, Any] = {"profiles": {"main": _toml_safe(profile)}}
    if default is not None:
        document["default_profile"] = default
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(document))
    try:
        loaded = load_settings(path, None, {}, {}, run_secret_command=False)
    except ConfigError as exc:
        assert SECRET not in str(exc)
        assert str(path) in str(exc) or exc.key is not None
    else:
        assert SECRET not in repr(loaded)
        assert 0 < loaded.read_share <= 1
        assert loaded.polls.alerts >= 5
