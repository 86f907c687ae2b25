"""``datto-tui doctor``: check everything needed to talk to Datto RMM, and say how to fix it.

The checks run in order, each building on the previous ones: config file, profile, credentials,
API address, reachability (``GET /api/v2/system/status``, which needs no token), clock skew
(the response's ``Date`` header against the local clock), token, the account's shared request
budget (``GET /api/v2/system/request_rate``), the token cache and the log file. When a check
fails, those that depend on it are skipped.

Each result is one line with a marker (✔ passed, ! warning, ✘ failed, - skipped) and, for a
problem, a ``fix:`` line. The exit code is 0 when nothing failed, else the code of the first
failure: 2 configuration, 3 authentication, 4 API or network. Secrets are never printed.

Cost against the account: one unauthenticated status request, one token request (unless a cached
token is valid) and one read (``request_rate``).
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from datto_tui.api.errors import AuthError, DattoError, PermissionDenied
from datto_tui.config import (
    ENV_API_SECRET,
    MASK,
    ConfigError,
    Profile,
    default_config_path,
    mask_key,
    require_credentials,
)

if TYPE_CHECKING:
    import httpx

    from datto_tui.cli import Context

OK: Final = "ok"
WARN: Final = "warn"
FAIL: Final = "fail"
SKIP: Final = "skip"

CLOCK_SKEW_WARN_SECONDS: Final = 60.0
BUDGET_WARN_RATIO: Final = 0.7
PROBE_TIMEOUT: Final = 15.0

_MARKS: Final = {OK: "✔", WARN: "!", FAIL: "✘", SKIP: "-"}
_ASCII_MARKS: Final = {OK: "ok", WARN: "!!", FAIL: "XX", SKIP: "--"}


@dataclass(frozen=True)
class Check:
    """One result: ``status`` is ok, warn, fail or skip; ``fix`` says what to do about a problem;
    ``exit_code`` is the command's exit code if this is the first failure."""

    name: str
    status: str
    detail: str
    fix: str | None = None
    exit_code: int = 0


@dataclass
class _Probe:
    status: int
    elapsed: float
    date: datetime | None
    received_at: float
    version: str | None


def _fmt_duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest} min"


def _mode(path: Path) -> str:
    try:
        return f"{stat.S_IMODE(path.stat().st_mode):04o}"
    except OSError:
        return "?"


def render(checks: Sequence[Check], *, ascii_only: bool = False) -> str:
    """The report: one aligned line per check, a ``fix:`` line under each problem, a summary."""
    marks = _ASCII_MARKS if ascii_only else _MARKS
    width = max((len(c.name) for c in checks), default=0)
    lines = ["datto-tui doctor", ""]
    for check in checks:
        lines.append(f"  {marks[check.status]} {check.name:<{width}}  {check.detail}")
        if check.fix and check.status in (WARN, FAIL):
            lines.append(f"    {'':<{width}}  fix: {check.fix}")
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    lines.append("")
    if failed:
        plural = "s" if failed != 1 else ""
        lines.append(f"{failed} problem{plural} to fix, {warned} warning(s).")
    elif warned:
        lines.append(f"Everything works; {warned} warning(s).")
    else:
        lines.append("Everything works.")
    return "\n".join(lines) + "\n"


def exit_code(checks: Sequence[Check]) -> int:
    """0 when nothing failed, else the exit code of the first failure."""
    for check in checks:
        if check.status == FAIL:
            return check.exit_code or 1
    return 0


def run_doctor(args: argparse.Namespace, ctx: Context) -> int:
    """Run the checks, print the report on ``ctx.out``, return the exit code."""
    checks = asyncio.run(diagnose(args, ctx))
    encoding = (getattr(ctx.out, "encoding", None) or "utf-8").lower()
    ascii_only = "utf" not in encoding
    ctx.out.write(render(checks, ascii_only=ascii_only))
    ctx.out.flush()
    return exit_code(checks)


async def diagnose(args: argparse.Namespace, ctx: Context) -> list[Check]:
    """Every check, in order; never raises for a problem it is meant to find."""
    from datto_tui import cli

    checks: list[Check] = []
    demo = bool(getattr(args, "demo", False))

    # 1-4: settings ---------------------------------------------------------------------------
    if demo:
        checks.append(Check("config file", SKIP, "not needed for --demo"))
        connection = cli.connect(args, ctx)
        profile = connection.profile
        checks.append(Check("profile", OK, "demo (the built-in fake Datto RMM, in-process)"))
    else:
        explicit: Path | None = getattr(args, "config", None)
        path = explicit or default_config_path(ctx.env)
        try:
            profile = cli.load_profile(args, ctx, announce=False)
        except ConfigError as exc:
            checks.append(_config_failure(exc))
            return checks
        checks.extend(_config_checks(profile, path))
        try:
            creds = require_credentials(profile)
        except ConfigError as exc:
            checks.append(Check("credentials", FAIL, exc.detail, _credential_fix(profile, exc), 2))
            return checks
        checks.append(Check("credentials", OK, _describe_credentials(profile)))
        platform = f" (platform {profile.platform})" if profile.platform else ""
        checks.append(Check("API address", OK, f"{creds.base_url}{platform}"))
        connection = cli.connect(args, ctx)

    client = connection.client
    base_url = profile.base_url or ""

    # 5-6: reachability and clock -------------------------------------------------------------
    transport = ctx.transport
    if connection.service is not None:
        import httpx

        transport = httpx.ASGITransport(app=connection.service.asgi)
    try:
        probe = await _probe_status(base_url, transport)
    except Exception as exc:  # any network failure is a finding, not a crash
        checks.append(
            Check(
                "reachability",
                FAIL,
                f"GET {base_url}/api/v2/system/status failed: {_network_reason(exc)}",
                "check the network, proxy settings (HTTPS_PROXY) and firewall; check that the "
                "platform or api_url matches the API URL in Setup > Users > API",
                4,
            )
        )
        checks.append(Check("clock", SKIP, "needs the service's answer"))
        checks.append(Check("token", SKIP, "needs the service"))
        checks.append(Check("API budget", SKIP, "needs a token"))
        await client.aclose()
        checks.extend(_local_checks(ctx, None if demo else profile))
        return checks
    if probe.status == 200:
        version = f", version {probe.version}" if probe.version else ""
        checks.append(
            Check(
                "reachability",
                OK,
                f"GET /api/v2/system/status: 200 in {probe.elapsed * 1000:.0f} ms{version}",
            )
        )
    else:
        checks.append(
            Check(
                "reachability",
                FAIL if probe.status in (404, 405) or probe.status >= 500 else WARN,
                f"GET /api/v2/system/status answered HTTP {probe.status}",
                "check that the platform or api_url matches the API URL shown in "
                "Setup > Users > API"
                if probe.status in (404, 405)
                else "the service has a problem; try again later (status.datto.com)",
                4,
            )
        )
    checks.append(_clock_check(probe, ctx))

    # 7-8: token and budget -------------------------------------------------------------------
    now = ctx.clock.time if ctx.clock is not None else time.time
    started = now()
    try:
        async with client:
            try:
                rate: Any = await client.request_rate()
                rate_error: DattoError | None = None
            except AuthError:
                raise
            except DattoError as exc:
                rate, rate_error = None, exc
            checks.append(_token_check(client, started, now()))
            checks.append(_budget_check(client, rate, rate_error))
    except AuthError as exc:
        checks.append(
            Check(
                "token",
                FAIL,
                f"the service refused the credentials: {exc.message}",
                "check the API key and secret (Setup > Users > the API user > API); "
                "generate new keys if the secret is lost; the user must not be disabled and "
                "API access must be enabled (Setup > Global Settings > Access Control)",
                3,
            )
        )
        checks.append(Check("API budget", SKIP, "needs a token"))
    except DattoError as exc:
        checks.append(
            Check(
                "token",
                FAIL,
                f"could not get a token: {exc.message}",
                "check the network and the API address; try again in a minute",
                4,
            )
        )
        checks.append(Check("API budget", SKIP, "needs a token"))
    checks.extend(_local_checks(ctx, None if demo else profile))
    return checks


# ---------------------------------------------------------------------------------------------
# Settings checks


def _config_failure(exc: ConfigError) -> Check:
    name = "config file" if exc.path is not None else "settings"
    return Check(
        name,
        FAIL,
        str(exc),
        "edit the file at the line shown, or start afresh with: datto-tui config init --force",
        2,
    )


def _config_checks(profile: Profile, path: Path) -> list[Check]:
    checks: list[Check] = []
    if profile.config_path is not None:
        fixed = [w for w in profile.warnings if "readable by other users" in w]
        detail = f"{profile.config_path} (parsed, mode {_mode(profile.config_path)})"
        if fixed:
            checks.append(Check("config file", WARN, fixed[0], "nothing: it was fixed"))
        else:
            checks.append(Check("config file", OK, detail))
    else:
        checks.append(
            Check("config file", OK, f"none at {path}; using the environment and defaults")
        )
    others = [w for w in profile.warnings if "readable by other users" not in w]
    for warning in others:
        checks.append(Check("config file", WARN, warning, "remove or correct the key"))
    if profile.config_path is None:
        checks.append(Check("profile", OK, f"{profile.name} (no config file)"))
    else:
        chosen = profile.origin("name")
        checks.append(Check("profile", OK, f"{profile.name} ({chosen.detail or chosen.source})"))
    return checks


def _describe_credentials(profile: Profile) -> str:
    key_origin = profile.origin("api_key")
    secret_origin = profile.origins.get("api_secret")
    return (
        f"key {mask_key(profile.api_key)} from {key_origin}; "
        f"secret {MASK} from {secret_origin or 'the profile'}"
    )


def _credential_fix(profile: Profile, exc: ConfigError) -> str:
    key = exc.key or ""
    if key.endswith("platform"):
        return "set the platform (or api_url) in the profile, or DATTO_PLATFORM / DATTO_API_URL"
    if key.endswith("api_key"):
        return "set api_key in the profile, or DATTO_API_KEY"
    if profile.secret_command:
        return "make secret_command print the secret"
    return f"export {profile.api_secret_env or ENV_API_SECRET}=<your API secret>"


# ---------------------------------------------------------------------------------------------
# Network checks


async def _probe_status(base_url: str, transport: httpx.AsyncBaseTransport | None) -> _Probe:
    """``GET /api/v2/system/status`` without a token: is the service there, and what time is it."""
    import httpx

    from datto_tui.api.models import SystemStatus

    async with httpx.AsyncClient(
        base_url=base_url, transport=transport, timeout=PROBE_TIMEOUT, follow_redirects=False
    ) as http:
        sent = time.monotonic()
        response = await http.get("/api/v2/system/status", headers={"Accept": "application/json"})
        elapsed = time.monotonic() - sent
    received_at = time.time()
    date: datetime | None = None
    if header := response.headers.get("date"):
        try:
            date = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            date = None
    version: str | None = None
    if response.status_code == 200:
        try:
            version = SystemStatus.from_api(response.json()).version
        except ValueError:
            version = None
    return _Probe(response.status_code, elapsed, date, received_at - elapsed / 2, version)


def _network_reason(exc: BaseException) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {PROBE_TIMEOUT:g} s"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _clock_check(probe: _Probe, ctx: Context) -> Check:
    if probe.date is None:
        return Check("clock", SKIP, "not measured: the service sent no Date header")
    local = ctx.clock.time() if ctx.clock is not None else probe.received_at
    skew = local - probe.date.timestamp()
    ahead = "ahead of" if skew > 0 else "behind"
    detail = f"local clock {abs(skew):.0f} s {ahead} the service's Date header"
    if abs(skew) > CLOCK_SKEW_WARN_SECONDS:
        return Check(
            "clock",
            WARN,
            detail,
            "turn on time synchronisation (timedatectl set-ntp true); token expiry and "
            "'x min ago' labels depend on it",
        )
    return Check("clock", OK, detail)


def _token_check(client: Any, started: float, now: float) -> Check:
    expires: datetime | None = client.token_expires_at
    fetched: datetime | None = client.token_fetched_at
    if expires is None:
        return Check("token", OK, "accepted")
    cached = fetched is not None and fetched.timestamp() < started - 1
    how = (
        "cached token, fetched " + fetched.isoformat(timespec="seconds")
        if (cached and fetched is not None)
        else "fetched"
    )
    left = expires.timestamp() - now
    return Check(
        "token",
        OK,
        f"{how}; expires {expires.isoformat(timespec='seconds')} (in {_fmt_duration(left)})",
    )


def _budget_check(client: Any, rate: Any, error: DattoError | None) -> Check:
    if error is not None:
        fix = (
            "the API user may lack the right to read the request rate; nothing to do"
            if isinstance(error, PermissionDenied)
            else "try again in a minute"
        )
        return Check("API budget", WARN, f"request_rate failed: {error.message}", fix)
    snap = client.budget.snapshot()
    ours = f"this app may use {snap.reads_limit} reads and {snap.writes_limit} writes per minute"
    count = getattr(rate, "account_count", None)
    limit = getattr(rate, "account_rate_limit", None)
    if count is None or not limit:
        return Check("API budget", OK, f"{ours}; account-wide use unknown")
    writes = getattr(rate, "account_write_count", None)
    write_limit = getattr(rate, "account_write_rate_limit", None)
    write_text = f", {writes}/{write_limit} writes" if writes is not None and write_limit else ""
    window = getattr(rate, "window_seconds", None) or 60
    detail = f"account-wide {count}/{limit} reads{write_text} in the last {window} s; {ours}"
    if snap.ip_blocked:
        return Check(
            "API budget",
            FAIL,
            detail + "; the service is blocking this IP address",
            "wait 5 minutes; lower read_share or poll intervals",
            4,
        )
    if count >= BUDGET_WARN_RATIO * limit:
        return Check(
            "API budget",
            WARN,
            detail,
            "other integrations use much of the shared budget; lower read_share or raise "
            "the poll intervals",
        )
    return Check("API budget", OK, detail)


# ---------------------------------------------------------------------------------------------
# Local files


def _local_checks(ctx: Context, profile: Profile | None) -> list[Check]:
    checks: list[Check] = []
    if profile is None:
        checks.append(Check("token cache", SKIP, "not used for --demo"))
    else:
        checks.append(_token_cache_check(profile))
    if ctx.log_path is not None:
        checks.append(Check("log file", OK, f"{ctx.log_path} (mode {_mode(ctx.log_path)})"))
    else:
        checks.append(Check("log file", WARN, "logging is off", "make the state folder writable"))
    return checks


def _token_cache_check(profile: Profile | None) -> Check:
    from datto_tui import cli

    cache = cli.default_token_cache()
    if profile is None or not profile.api_key or not profile.base_url:
        return Check("token cache", OK, f"{cache.directory}")
    path = cache.path_for(profile.base_url, profile.api_key)
    if not path.exists():
        return Check("token cache", OK, f"{path} (no token cached)")
    if not path.is_file():
        return Check(
            "token cache", WARN, f"{path} is not a regular file; it is ignored", f"rm -r {path}"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        from datto_tui.config import secure_file

        message = secure_file(path) or f"{path} mode {mode:04o}"
        return Check("token cache", WARN, message, f"chmod 600 {path}")
    if cache.load(profile.base_url, profile.api_key) is None:
        return Check(
            "token cache",
            WARN,
            f"{path} cannot be read or is corrupt; it is ignored, and replaced by the next token "
            "fetched",
            f"rm {path}",
        )
    return Check("token cache", OK, f"{path} (mode {mode:04o})")
