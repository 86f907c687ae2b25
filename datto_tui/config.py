"""Settings: named profiles in a TOML file, environment overrides, and the API secret lookup.

The file is ``config.toml`` in ``platformdirs.user_config_dir("datto-tui")``
(``~/.config/datto-tui`` on Linux, honouring ``XDG_CONFIG_HOME``), or the file named by
``DATTO_TUI_CONFIG`` / ``--config``::

    default_profile = "main"

    [profiles.main]
    platform = "merlot"                 # or: api_url = "https://merlot-api.centrastage.net"
    api_key = "ABC..."                  # or: api_key_env = "ACME_DATTO_KEY"
    api_secret_env = "DATTO_API_SECRET" # the secret comes from the environment ...
    secret_command = "pass show datto/secret"   # ... or from a command's stdout
    read_share = 0.5                    # share of the account's 600 reads / 60 s this app may use
    write_share = 0.5
    read_only = false
    theme = "textual-dark"
    bell = false
    token_refresh_margin = 600

    [profiles.main.polls]               # seconds between polls
    alerts = 30
    devices = 300
    sites = 900
    request_rate = 120

    [profiles.main.keys]                # binding id -> keys (Textual keymap syntax)
    "app.refresh" = "f5,ctrl+r"

Precedence, highest first: command-line flags, environment (``DATTO_API_KEY``, ``DATTO_API_SECRET``,
``DATTO_PLATFORM``, ``DATTO_API_URL``, ``DATTO_PROFILE``), the profile, built-in defaults. The API
address (platform or URL) is taken as one unit from the highest source that sets it.

Contracts:

- Every problem is a :class:`ConfigError` whose text names the file, the line and the key, and says
  what to write instead. Unknown keys are warnings (``Profile.warnings``), not errors.
- The API secret never appears in ``repr(Profile)``, in an error message or in a warning; we never
  write it to disk (``config init`` writes ``api_secret_env`` instead).
- A config file readable by other users is changed to mode 0600, with a warning that says so.
- Files are written atomically (temporary file in the same folder, then ``os.replace``) with mode
  0600; a folder we create gets mode 0700.

This module never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import stat
import subprocess
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import platformdirs
import tomli_w

from datto_tui.api.errors import ConfigurationError
from datto_tui.api.platforms import (
    PLATFORMS,
    api_base_url,
    normalise_base_url,
    platform_of_base_url,
)

APP_NAME: Final = "datto-tui"
CONFIG_FILENAME: Final = "config.toml"

ENV_CONFIG: Final = "DATTO_TUI_CONFIG"
ENV_API_KEY: Final = "DATTO_API_KEY"
ENV_API_SECRET: Final = "DATTO_API_SECRET"  # noqa: S105 (a variable name)
ENV_PLATFORM: Final = "DATTO_PLATFORM"
ENV_API_URL: Final = "DATTO_API_URL"
ENV_PROFILE: Final = "DATTO_PROFILE"

SECRET_COMMAND_TIMEOUT: Final = 15.0
MASK: Final = "••••••"

# Polling faster than this would spend the account-wide budget that other integrations share.
MIN_POLL_SECONDS: Final[Mapping[str, float]] = MappingProxyType(
    {"alerts": 10.0, "devices": 60.0, "sites": 60.0, "request_rate": 30.0}
)


# ---------------------------------------------------------------------------------------------
# The settings


@dataclass(frozen=True)
class PollIntervals:
    """Seconds between polls of each list (and of the account-wide request rate)."""

    alerts: float = 30.0
    devices: float = 300.0
    sites: float = 900.0
    request_rate: float = 120.0


@dataclass(frozen=True)
class Origin:
    """Where an effective setting came from: ``source`` is flag, env, profile, secret_command or
    default; ``detail`` names the flag, variable or ``file:line``."""

    source: str
    detail: str = ""
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.source} ({self.detail})" if self.detail else self.source


@dataclass(frozen=True)
class Profile:
    """The effective settings of one profile after every source is applied.

    ``api_secret`` is never shown by ``repr``. ``base_url`` is the validated API address (from
    ``api_url``, else from ``platform``), or None when neither is known. ``origins`` maps a field
    name to where its value came from; ``warnings`` holds what the user should hear about (unknown
    keys, permissions fixed). ``config_path`` is the file read, when one was.
    """

    name: str = "default"
    platform: str | None = None
    api_url: str | None = None
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)
    api_key_env: str | None = None
    api_secret_env: str | None = None
    secret_command: str | None = None
    read_share: float = 0.5
    write_share: float = 0.5
    polls: PollIntervals = field(default_factory=PollIntervals)
    theme: str | None = None
    read_only: bool = False
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    bell: bool = False
    token_refresh_margin: float = 600.0
    config_path: Path | None = field(default=None, compare=False)
    origins: Mapping[str, Origin] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def base_url(self) -> str | None:
        """``scheme://host[:port]`` of the API, or None when no platform or URL is configured."""
        if self.api_url:
            return self.api_url
        if self.platform:
            return api_base_url(self.platform)
        return None

    def origin(self, name: str) -> Origin:
        return self.origins.get(name, Origin("default"))


class ConfigError(ConfigurationError):
    """A setting that cannot work, located as precisely as possible.

    ``str(error)`` reads ``<file>:<line>: <key> <what is wrong and what to write>``; ``path``,
    ``line`` and ``key`` are also attributes (each None when unknown or not applicable, e.g. for a
    value that came from the environment). The message never contains a secret.
    """

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.detail = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.key = key
        location = ""
        if self.path is not None:
            location = f"{self.path}:{line}: " if line else f"{self.path}: "
        super().__init__(location + message)


# ---------------------------------------------------------------------------------------------
# Paths


def default_config_path(env: Mapping[str, str] = os.environ) -> Path:
    """``$DATTO_TUI_CONFIG``, else ``config.toml`` in the user's config folder for datto-tui."""
    named = env.get(ENV_CONFIG, "").strip()
    if named:
        return Path(named).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / CONFIG_FILENAME


def secure_file(path: Path) -> str | None:
    """Make ``path`` private (0600) if other users may read or write it; say what was done.

    Returns a warning for the user, or None when the file was already private (or is missing).
    """
    try:
        st = path.stat()
    except OSError:
        return None
    mode = stat.S_IMODE(st.st_mode)
    if not mode & 0o077:
        return None
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return (
            f"{path} is readable by other users (mode {mode:04o}) and owned by someone else; "
            f"fix: chmod 600 {shlex.quote(str(path))}"
        )
    try:
        os.chmod(path, 0o600)
    except OSError as exc:
        return f"{path} is readable by other users (mode {mode:04o}) and could not be fixed: {exc}"
    return f"{path} was readable by other users (mode {mode:04o}); changed it to 0600"


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600.

    A missing parent folder is created with mode 0700. The bytes go to a temporary file in the
    same folder, are flushed to disk, then renamed over ``path``: readers see the old file or the
    new one, never half of one. On any failure the temporary file is removed and ``path`` is
    untouched.
    """
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, mode=0o700)
        os.chmod(parent, 0o700)  # mkdir's mode is filtered by the umask
    fd, tmp_name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def write_config(path: Path, data: Mapping[str, Any]) -> None:
    """Serialise ``data`` as TOML and write it with :func:`write_private_file`."""
    write_private_file(path, tomli_w.dumps(dict(data)).encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Finding the line of a key in the TOML text (tomllib does not say where values came from)

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_TABLE_RE = re.compile(rf"^\s*\[\[?\s*({_DOTTED_KEY})\s*\]\]?")
_ASSIGN_RE = re.compile(rf"^\s*({_DOTTED_KEY})\s*=")
_KEY_PART_RE = re.compile(_KEY)
_TOML_ERROR_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _split_key(dotted: str) -> tuple[str, ...]:
    parts: list[str] = []
    for token in _KEY_PART_RE.findall(dotted):
        if token.startswith('"'):
            try:
                parts.append(str(json.loads(token)))
            except ValueError:
                parts.append(token[1:-1])
        elif token.startswith("'"):
            parts.append(token[1:-1])
        else:
            parts.append(token)
    return tuple(parts)


class KeyLines:
    """Maps dotted keys of a TOML text to the line (1-based) where each is defined.

    A plain line scan, good enough for hand-written config files: table headers and ``key =``
    lines are recorded; lines inside multi-line strings are skipped. :meth:`line` falls back to
    the nearest enclosing key or table (a value inside an inline table points at its key).
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        in_multiline = False
        for number, raw in enumerate(text.splitlines(), start=1):
            quotes = raw.count('"""') + raw.count("'''")
            if in_multiline:
                if quotes % 2:
                    in_multiline = False
                continue
            if match := _TABLE_RE.match(raw):
                table = _split_key(match.group(1))
                self._lines.setdefault(table, number)
            elif match := _ASSIGN_RE.match(raw):
                self._lines.setdefault(table + _split_key(match.group(1)), number)
            if quotes % 2:
                in_multiline = True

    def line(self, key: tuple[str, ...]) -> int | None:
        for size in range(len(key), 0, -1):
            found = self._lines.get(key[:size])
            if found is not None:
                return found
        return None


# ---------------------------------------------------------------------------------------------
# Reading the file


@dataclass
class _File:
    path: Path
    data: dict[str, Any]
    lines: KeyLines

    def error(self, key: tuple[str, ...], message: str) -> ConfigError:
        dotted = ".".join(key)
        return ConfigError(f"{dotted} {message}", self.path, self.lines.line(key), dotted)

    def warning(self, key: tuple[str, ...], message: str) -> str:
        line = self.lines.line(key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return f"{where}: {'.'.join(key)} {message}"


def read_config_file(path: Path) -> tuple[dict[str, Any], KeyLines, list[str]]:
    """Parse ``path``; return its data, its key lines and warnings (permissions fixed).

    Raises ConfigError for unreadable files and TOML syntax errors (with the line tomllib gives).
    """
    warnings: list[str] = []
    if fixed := secure_file(path):
        warnings.append(fixed)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"cannot be read: {exc.strerror or exc}. It should be a file you own, mode 0600 "
            f"(chmod 600 {shlex.quote(str(path))})",
            path,
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text; TOML files must be UTF-8", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line: int | None = getattr(exc, "lineno", None)
        if match := _TOML_ERROR_LINE_RE.search(message):
            line = line or int(match.group(1))
            message = message[: match.start()].rstrip()
        raise ConfigError(
            f"is not valid TOML: {message}. Check quotes around strings and '=' between key and "
            "value (see https://toml.io).",
            path,
            line,
        ) from None
    return data, KeyLines(text), warnings


# ---------------------------------------------------------------------------------------------
# Validation of single values


class _Invalid(Exception):
    """A value of the wrong type or range; the text completes '<key> must be ...'."""


def _describe(value: Any, *, secret: bool = False) -> str:
    if secret:
        return f"a {_toml_type(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return f"a {_toml_type(value)}"


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a string in double quotes")
    return value


def _nonempty_string(value: Any) -> str:
    text = _string(value).strip()
    if not text:
        raise _Invalid("must not be empty")
    return text


_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _env_name(value: Any) -> str:
    text = _string(value)
    if not _ENV_NAME_RE.match(text):
        raise _Invalid('must be the name of an environment variable, like "DATTO_API_SECRET"')
    return text


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false (without quotes)")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("must be a number")
    return float(value)


def _share(value: Any) -> float:
    try:
        share = _number(value)
    except _Invalid:
        share = -1.0
    if not 0.0 < share <= 1.0:
        raise _Invalid(
            "must be a number above 0 and at most 1 (the share of the account's API budget "
            "this app may use)"
        )
    return share


def _margin(value: Any) -> float:
    try:
        seconds = _number(value)
    except _Invalid:
        seconds = -1.0
    if not 0.0 <= seconds <= 86_400.0:
        raise _Invalid("must be a number of seconds between 0 and 86400")
    return seconds


def _poll(name: str) -> Callable[[Any], float]:
    minimum = MIN_POLL_SECONDS[name]

    def check(value: Any) -> float:
        try:
            seconds = _number(value)
        except _Invalid:
            seconds = -1.0
        if not minimum <= seconds <= 86_400.0:
            raise _Invalid(
                f"must be a number of seconds >= {minimum:g} (faster polling spends the API "
                "budget shared with other integrations)"
            )
        return seconds

    return check


def _platform(value: Any) -> str:
    text = _nonempty_string(value).lower()
    if text not in PLATFORMS:
        raise _Invalid(
            f"must be one of {', '.join(PLATFORMS)} (the part before -api.centrastage.net in "
            "your API URL, Setup > Users > API)"
        )
    return text


def _api_url(value: Any) -> str:
    try:
        return normalise_base_url(_nonempty_string(value))
    except ConfigurationError as exc:
        raise _Invalid(f"is not usable: {exc.message.rstrip('.')}") from None


_PROFILE_KEYS: Final[Mapping[str, Callable[[Any], Any]]] = MappingProxyType(
    {
        "platform": _platform,
        "api_url": _api_url,
        "api_key": _nonempty_string,
        "api_secret": _nonempty_string,
        "api_key_env": _env_name,
        "api_secret_env": _env_name,
        "secret_command": _nonempty_string,
        "read_share": _share,
        "write_share": _share,
        "read_only": _boolean,
        "theme": _nonempty_string,
        "bell": _boolean,
        "token_refresh_margin": _margin,
    }
)
_SECRET_KEYS: Final = frozenset({"api_secret"})
_POLL_KEYS: Final = tuple(MIN_POLL_SECONDS)


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


# ---------------------------------------------------------------------------------------------
# Profiles


@dataclass
class _Layer:
    """Values of one source (already validated), with the origin of each."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)

    def set(self, name: str, value: Any, origin: Origin) -> None:
        self.values[name] = value
        self.origins[name] = origin


def _profile_layer(cfg: _File, name: str, warnings: list[str]) -> _Layer:
    base = ("profiles", name)
    table = cfg.data["profiles"][name]
    layer = _Layer()
    where = cfg.path.name

    def origin(key: tuple[str, ...]) -> Origin:
        line = cfg.lines.line(key)
        return Origin("profile", f"{name}, {where}:{line}" if line else name, line)

    for key, value in table.items():
        path = (*base, key)
        if key in _PROFILE_KEYS:
            try:
                checked = _PROFILE_KEYS[key](value)
            except _Invalid as exc:
                got = _describe(value, secret=key in _SECRET_KEYS)
                raise cfg.error(path, f"{exc}, got {got}") from None
            layer.set(key, checked, origin(path))
        elif key == "polls":
            if not isinstance(value, dict):
                raise cfg.error(path, f"must be a table of seconds, got {_describe(value)}")
            for poll, seconds in value.items():
                poll_path = (*path, poll)
                if poll not in MIN_POLL_SECONDS:
                    warnings.append(
                        cfg.warning(
                            poll_path,
                            f"is not a known poll (ignored); known: {', '.join(_POLL_KEYS)}",
                        )
                    )
                    continue
                try:
                    checked_seconds = _poll(poll)(seconds)
                except _Invalid as exc:
                    raise cfg.error(poll_path, f"{exc}, got {_describe(seconds)}") from None
                layer.set(f"polls.{poll}", checked_seconds, origin(poll_path))
        elif key == "keys":
            if not isinstance(value, dict):
                raise cfg.error(path, f"must be a table of binding = keys, got {_describe(value)}")
            bindings: dict[str, str] = {}
            for binding, keys in value.items():
                if not isinstance(keys, str) or not keys.strip():
                    raise cfg.error(
                        (*path, binding),
                        f'must be a string of keys like "f5,ctrl+r", got {_describe(keys)}',
                    )
                bindings[binding] = keys.strip()
            layer.set("keys", bindings, origin(path))
        else:
            warnings.append(
                cfg.warning(
                    path,
                    f"is not a known setting (ignored); known: "
                    f"{_known([*_PROFILE_KEYS, 'polls', 'keys'])}",
                )
            )
    return layer


def _select_profile(
    cfg: _File | None, requested: str | None, requested_from: str, warnings: list[str]
) -> tuple[str, _File | None, Origin]:
    """The profile name to use, checked against the file's profiles, and why it was chosen."""
    if cfg is None:
        if requested is not None:
            raise ConfigError(
                f"profile {requested!r} ({requested_from}) needs a config file, and there is "
                "none; create one with: datto-tui config init --profile "
                f"{shlex.quote(requested)} --platform <platform> --api-key <key>",
                key="profiles",
            )
        return "default", None, Origin("default", "no config file")
    data = cfg.data
    for key in data:
        if key not in ("default_profile", "profiles"):
            hint = (
                " (put it under [profiles.<name>])"
                if key in _PROFILE_KEYS or key in ("polls", "keys")
                else ""
            )
            warnings.append(
                cfg.warning((key,), f"is not a known top-level setting (ignored){hint}")
            )
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise cfg.error(("profiles",), "must be a table: write [profiles.<name>] sections")
    for name, table in profiles.items():
        if not isinstance(table, dict):
            raise cfg.error(
                ("profiles", name), f"must be a table: write it as a [profiles.{name}] section"
            )
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise cfg.error(("default_profile",), f"must be a profile name, got {_describe(default)}")
    known = ", ".join(sorted(profiles)) or "(none)"
    if requested is not None:
        if requested not in profiles:
            raise ConfigError(
                f"profile {requested!r} ({requested_from}) is not in the file; known profiles: "
                f"{known}. Add a [profiles.{requested}] section or pick one of those.",
                cfg.path,
                None,
                f"profiles.{requested}",
            )
        source = "flag" if requested_from.startswith("--") else "env"
        return requested, cfg, Origin(source, requested_from)
    if default is not None:
        if default not in profiles:
            raise cfg.error(
                ("default_profile",),
                f"names profile {default!r}, which is not in the file; known profiles: {known}",
            )
        return (
            default,
            cfg,
            Origin("profile", "default_profile", cfg.lines.line(("default_profile",))),
        )
    if len(profiles) == 1:
        return next(iter(profiles)), cfg, Origin("profile", "the only profile")
    if "default" in profiles or not profiles:
        return "default", cfg, Origin("default")
    raise ConfigError(
        f"has several profiles ({known}) and no default_profile; add default_profile = "
        f'"{sorted(profiles)[0]}" at the top, or pass --profile',
        cfg.path,
        None,
        "default_profile",
    )


def _env_layer(env: Mapping[str, str]) -> _Layer:
    layer = _Layer()
    for name, var, check in (
        ("api_key", ENV_API_KEY, _nonempty_string),
        ("platform", ENV_PLATFORM, _platform),
        ("api_url", ENV_API_URL, _api_url),
    ):
        value = env.get(var, "").strip()
        if not value:
            continue
        try:
            layer.set(name, check(value), Origin("env", var))
        except _Invalid as exc:
            raise ConfigError(f"{var} {exc}, got {_describe(value)}", key=var) from None
    return layer


_FLAG_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "api_url": "--api-url",
        "platform": "--platform",
        "api_key": "--api-key",
        "read_only": "--read-only",
        "theme": "--theme",
    }
)


def _flag_layer(overrides: Mapping[str, Any]) -> _Layer:
    layer = _Layer()
    for name, value in overrides.items():
        if value is None:
            continue
        flag = _FLAG_NAMES.get(name, f"--{name.replace('_', '-')}")
        check = _PROFILE_KEYS.get(name)
        if name.startswith("polls."):
            check = _poll(name.removeprefix("polls."))
        if check is None and name != "keys":
            raise ValueError(f"unknown override {name!r}")
        try:
            checked = check(value) if check is not None else dict(value)
        except _Invalid as exc:
            got = _describe(value, secret=name in _SECRET_KEYS)
            raise ConfigError(f"{flag} {exc}, got {got}", key=flag) from None
        layer.set(name, checked, Origin("flag", flag))
    return layer


def _merge(layers: list[_Layer]) -> tuple[dict[str, Any], dict[str, Origin]]:
    """Lowest precedence first. The API address (platform / api_url) moves as one unit."""
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for layer in layers:
        if "platform" in layer.values or "api_url" in layer.values:
            for key in ("platform", "api_url"):
                values.pop(key, None)
                origins.pop(key, None)
        values.update(layer.values)
        origins.update(layer.origins)
    return values, origins


def run_secret_command(command: str, timeout: float = SECRET_COMMAND_TIMEOUT) -> str:
    """Run ``command`` (split like a shell would, but without a shell) and return its stdout.

    Raises :class:`_SecretCommandFailed` with a message that never includes the command's output.
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise _SecretCommandFailed(f"cannot be split into words ({exc})") from None
    if not argv:
        raise _SecretCommandFailed("is empty")
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise _SecretCommandFailed(f"failed: program {argv[0]!r} not found") from None
    except PermissionError:
        raise _SecretCommandFailed(f"failed: program {argv[0]!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise _SecretCommandFailed(f"did not finish within {timeout:g} s") from None
    except OSError as exc:
        raise _SecretCommandFailed(f"could not start: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise _SecretCommandFailed(
            f"failed with exit status {done.returncode}; run it yourself to see why"
        )
    secret = done.stdout.decode("utf-8", errors="replace").strip()
    if not secret:
        raise _SecretCommandFailed("printed nothing; it must print the API secret on stdout")
    return secret


class _SecretCommandFailed(Exception):
    pass


def load_settings(
    path: Path | str | None = None,
    profile: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] = os.environ,
    *,
    run_secret_command: bool = True,
) -> Profile:
    """The effective :class:`Profile`: flags (``overrides``) > ``env`` > the profile > defaults.

    ``path``: the config file (default: ``$DATTO_TUI_CONFIG`` or the user config folder). A file
    named explicitly must exist; the default one may be missing (then settings come from the
    environment and defaults only). ``profile``: the profile name (default: ``$DATTO_PROFILE``,
    then the file's ``default_profile``, then its only profile). ``overrides``: values from
    command-line flags, by field name (``api_url``, ``platform``, ``api_key``, ``read_only``,
    ``theme``, ``polls.alerts``, ...); None values are ignored.

    The API secret is looked up in this order: ``overrides["api_secret"]``, ``$DATTO_API_SECRET``,
    the variable named by ``api_secret_env``, ``secret_command`` (run only when
    ``run_secret_command`` and nothing earlier gave one), ``api_secret`` in the file. Missing
    credentials are not an error here; see :func:`require_credentials`.

    Raises :class:`ConfigError` (file, line, key, fix) for anything unusable.
    """
    warnings: list[str] = []
    explicit = path is not None or bool(env.get(ENV_CONFIG, "").strip())
    config_path = Path(path).expanduser() if path is not None else default_config_path(env)
    cfg: _File | None = None
    if config_path.exists():
        if config_path.is_dir():
            raise ConfigError("is a folder; expected a TOML file", config_path)
        data, lines, file_warnings = read_config_file(config_path)
        warnings.extend(file_warnings)
        cfg = _File(config_path, data, lines)
    elif explicit:
        raise ConfigError(
            "does not exist; create it with: datto-tui config init --config "
            f"{shlex.quote(str(config_path))} --platform <platform> --api-key <key>",
            config_path,
        )

    requested = profile
    requested_from = "--profile"
    if requested is None and env.get(ENV_PROFILE, "").strip():
        requested = env[ENV_PROFILE].strip()
        requested_from = ENV_PROFILE
    name, cfg, name_origin = _select_profile(cfg, requested, requested_from, warnings)

    layers = [_Layer()]
    if cfg is not None and name in cfg.data.get("profiles", {}):
        layers.append(_profile_layer(cfg, name, warnings))
    profile_values = dict(layers[-1].values)

    # Variables named by the profile sit between the profile and the standard variables.
    named_env = _Layer()
    key_var = profile_values.get("api_key_env")
    if key_var and env.get(key_var, "").strip():
        named_env.set("api_key", env[key_var].strip(), Origin("env", key_var))
    layers.append(named_env)
    layers.append(_env_layer(env))
    layers.append(_flag_layer(overrides or {}))
    values, origins = _merge(layers)

    secret, secret_origin = _lookup_secret(
        values, origins, profile_values, env, overrides or {}, cfg, name, run_secret_command
    )
    if secret_origin is not None:
        origins["api_secret"] = secret_origin

    api_url = values.get("api_url")
    platform = values.get("platform")
    if api_url and not platform:
        platform = platform_of_base_url(api_url)
    polls = PollIntervals(
        **{poll: values[f"polls.{poll}"] for poll in _POLL_KEYS if f"polls.{poll}" in values}
    )
    for poll in _POLL_KEYS:
        if f"polls.{poll}" in origins:
            origins.setdefault("polls", origins[f"polls.{poll}"])
    origins["name"] = name_origin
    return Profile(
        name=name,
        platform=platform,
        api_url=api_url,
        api_key=values.get("api_key"),
        api_secret=secret,
        api_key_env=values.get("api_key_env"),
        api_secret_env=values.get("api_secret_env"),
        secret_command=values.get("secret_command"),
        read_share=values.get("read_share", 0.5),
        write_share=values.get("write_share", 0.5),
        polls=polls,
        theme=values.get("theme"),
        read_only=values.get("read_only", False),
        keys=MappingProxyType(dict(values.get("keys", {}))),
        bell=values.get("bell", False),
        token_refresh_margin=values.get("token_refresh_margin", 600.0),
        config_path=cfg.path if cfg is not None else None,
        origins=MappingProxyType(origins),
        warnings=tuple(warnings),
    )


def _lookup_secret(
    values: Mapping[str, Any],
    origins: Mapping[str, Origin],
    profile_values: Mapping[str, Any],
    env: Mapping[str, str],
    overrides: Mapping[str, Any],
    cfg: _File | None,
    name: str,
    run_command: bool,
) -> tuple[str | None, Origin | None]:
    flagged = overrides.get("api_secret")
    if isinstance(flagged, str) and flagged.strip():
        return flagged.strip(), Origin("flag", "--api-secret")
    if env.get(ENV_API_SECRET, "").strip():
        return env[ENV_API_SECRET].strip(), Origin("env", ENV_API_SECRET)
    secret_var = values.get("api_secret_env")
    if secret_var and env.get(secret_var, "").strip():
        return env[secret_var].strip(), Origin("env", secret_var)
    command = values.get("secret_command")
    if command:
        origin = origins.get("secret_command", Origin("profile"))
        if not run_command:
            return None, Origin("secret_command", "not run")
        try:
            secret = run_secret_command(command)
        except _SecretCommandFailed as exc:
            key = f"profiles.{name}.secret_command"
            line = origin.line
            raise ConfigError(
                f"{key} {exc}", cfg.path if cfg is not None else None, line, key
            ) from None
        return secret, Origin("secret_command", origin.detail, origin.line)
    if "api_secret" in profile_values:
        return str(profile_values["api_secret"]), origins.get("api_secret", Origin("profile"))
    return None, None


# ---------------------------------------------------------------------------------------------
# Using the settings


@dataclass(frozen=True)
class Credentials:
    """What a client needs to connect; ``api_secret`` is never shown by ``repr``."""

    base_url: str
    api_key: str
    api_secret: str = field(repr=False)
    platform: str | None


def require_credentials(profile: Profile) -> Credentials:
    """The address, key and secret of ``profile``, or a ConfigError saying exactly what to set."""
    path = profile.config_path
    section = f"profiles.{profile.name}"
    line: int | None = None
    if path is not None:
        try:
            line = KeyLines(path.read_text("utf-8")).line(("profiles", profile.name))
        except OSError:
            line = None
    where = f"in [{section}] of the config file, or " if path is not None else "or "
    init = "" if path is not None else "; or create a config file with: datto-tui config init"
    try:
        base_url = profile.base_url
    except ConfigurationError as exc:
        raise ConfigError(exc.message, path, line, f"{section}.platform") from None
    if base_url is None:
        raise ConfigError(
            f'{section}: no API address. Set platform = "merlot" (one of '
            f'{", ".join(PLATFORMS)}) or api_url = "https://<platform>-api.centrastage.net" '
            f"{where}set {ENV_PLATFORM} or {ENV_API_URL}{init}",
            path,
            line,
            f"{section}.platform",
        )
    if not profile.api_key:
        named = (
            f" (api_key_env names {profile.api_key_env}, which is not set)"
            if (profile.api_key_env)
            else ""
        )
        raise ConfigError(
            f'{section}: no API key{named}. Set api_key = "..." {where}set {ENV_API_KEY}'
            f"{init}. The key is shown in Setup > Users > API.",
            path,
            line,
            f"{section}.api_key",
        )
    if not profile.api_secret:
        named = (
            f" ({profile.api_secret_env}, named by api_secret_env, is not set)"
            if profile.api_secret_env
            else ""
        )
        command = (
            ' or set secret_command = "pass show datto/secret" in the profile'
            if path is not None
            else ""
        )
        raise ConfigError(
            f"{section}: no API secret{named}. Set {ENV_API_SECRET} in the environment{command}"
            f"{init}. The secret is shown once, when the API keys are generated.",
            path,
            line,
            f"{section}.api_secret_env",
        )
    return Credentials(base_url, profile.api_key, profile.api_secret, profile.platform)


def mask_key(value: str | None) -> str:
    """An API key shown safely: its first 4 characters and its length."""
    if not value:
        return "(not set)"
    if len(value) <= 8:
        return f"{MASK} ({len(value)} characters)"
    return f"{value[:4]}… ({len(value)} characters)"


# ---------------------------------------------------------------------------------------------
# Writing a new file


def init_config(
    path: Path,
    *,
    profile: str = "main",
    platform: str | None = None,
    api_url: str | None = None,
    api_key: str | None = None,
    force: bool = False,
    env: Mapping[str, str] = os.environ,
) -> dict[str, Any]:
    """Write a config file with one profile and return what was written.

    The secret is never written: the profile gets ``api_secret_env = "DATTO_API_SECRET"``. A key
    given only through ``$DATTO_API_KEY`` is referenced (``api_key_env``), not copied. An existing
    file is refused unless ``force``; with ``force`` its other profiles are kept (comments are
    not). Raises ConfigError with the fix.
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", profile):
        raise ConfigError(
            f"profile name {profile!r} must use only letters, digits, '-' and '_'", key="--profile"
        )
    existing: dict[str, Any] = {}
    if path.exists():
        if not force:
            raise ConfigError(
                "already exists; pass --force to replace this profile in it, or edit it by hand",
                path,
            )
        existing, _, _ = read_config_file(path)
    if platform is None and api_url is None:
        platform = env.get(ENV_PLATFORM, "").strip() or None
        api_url = env.get(ENV_API_URL, "").strip() or None
        if platform and api_url:
            platform = None
    if platform is None and api_url is None:
        raise ConfigError(
            f"needs the API address: pass --platform ({', '.join(PLATFORMS)}) or --api-url",
            key="--platform",
        )
    table: dict[str, Any] = {}
    try:
        if api_url is not None:
            table["api_url"] = _api_url(api_url)
        else:
            table["platform"] = _platform(platform)
    except _Invalid as exc:
        flag = "--api-url" if api_url is not None else "--platform"
        raise ConfigError(f"{flag} {exc}", key=flag) from None
    if api_key:
        table["api_key"] = api_key.strip()
    else:
        table["api_key_env"] = ENV_API_KEY
    table["api_secret_env"] = ENV_API_SECRET
    defaults = PollIntervals()
    table["read_share"] = 0.5
    table["write_share"] = 0.5
    table["read_only"] = False
    table["polls"] = {
        "alerts": int(defaults.alerts),
        "devices": int(defaults.devices),
        "sites": int(defaults.sites),
        "request_rate": int(defaults.request_rate),
    }
    profiles = (
        dict(existing.get("profiles", {})) if isinstance(existing.get("profiles"), dict) else {}
    )
    profiles[profile] = table
    data: dict[str, Any] = {"default_profile": existing.get("default_profile", profile)}
    if not isinstance(data["default_profile"], str) or data["default_profile"] not in profiles:
        data["default_profile"] = profile
    data["profiles"] = profiles
    write_config(path, data)
    return data
