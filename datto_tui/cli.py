"""The ``datto-tui`` command: the dashboard (default), export, doctor, config and fake-api.

Exit codes: 0 ok; 1 unexpected failure; 2 usage or configuration; 3 authentication; 4 API or
network; 130 interrupted. Problems found before the dashboard starts are printed as one clear
message on stderr, never as a traceback (the traceback goes to the log file).

Importing this module is cheap: textual is imported only when the dashboard starts, and the API
client only when a command needs it, so ``export``, ``doctor`` and ``config`` start fast.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from datto_tui import __version__, logs
from datto_tui.api.errors import AuthError, ConfigurationError, DattoError
from datto_tui.config import (
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_API_URL,
    ENV_PLATFORM,
    ENV_PROFILE,
    MASK,
    ConfigError,
    Credentials,
    Profile,
    default_config_path,
    init_config,
    load_settings,
    mask_key,
    require_credentials,
)
from datto_tui.text import clean_line

if TYPE_CHECKING:
    import httpx

    from datto_tui.api.auth import TokenCache
    from datto_tui.api.client import DattoClient
    from datto_tui.clock import Clock
    from datto_tui.fakeapi import FakeService

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_CONFIG: Final = 2
EXIT_AUTH: Final = 3
EXIT_API: Final = 4
EXIT_INTERRUPTED: Final = 130

COLOR_CHOICES: Final = ("auto", "truecolor", "256", "16", "none")
_PROG: Final = "datto-tui"

log = logging.getLogger("datto_tui.cli")


def exit_code_for(error: BaseException) -> int:
    """The exit code of an error: 2 configuration, 3 authentication, 4 any other API problem."""
    if isinstance(error, ConfigurationError):
        return EXIT_CONFIG
    if isinstance(error, AuthError):
        return EXIT_AUTH
    if isinstance(error, DattoError):
        return EXIT_API
    return EXIT_FAILURE


def parse_duration(text: str) -> float:
    """``"30s"``, ``"2m"``, ``"1h"`` or ``"45"`` (seconds) -> seconds; at least 5 s."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30s, 2m or 1h")
    value = float(match.group(1)) * {"m": 60, "min": 60, "h": 3600}.get(match.group(2) or "s", 1)
    if value < 5:
        raise argparse.ArgumentTypeError(f"{text!r} is too short; use at least 5s")
    return value


# ---------------------------------------------------------------------------------------------
# The parser


_EPILOG: Final = f"""\
environment:
  {ENV_API_KEY}, {ENV_API_SECRET}    credentials (override the profile)
  {ENV_PLATFORM} or {ENV_API_URL}    API address (overrides the profile)
  {ENV_PROFILE}                      profile to use
  DATTO_TUI_CONFIG                   config file to use

exit codes: 0 ok, 1 unexpected error, 2 usage/config, 3 authentication, 4 API/network,
130 interrupted
"""


def _add_common(parser: argparse.ArgumentParser, *, nested: bool) -> None:
    """Options every command understands; on subcommands they may also follow the command."""
    suppress: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    group = parser.add_argument_group("settings")
    group.add_argument("--profile", metavar="NAME", help="profile in the config file", **suppress)
    group.add_argument(
        "--config", metavar="FILE", type=Path, help="config file to read", **suppress
    )
    group.add_argument(
        "--api-url",
        metavar="URL",
        help="API base URL, e.g. https://merlot-api.centrastage.net",
        **suppress,
    )
    group.add_argument(
        "--platform",
        metavar="NAME",
        help="platform: pinotage, merlot, concord, vidal, ...",
        **suppress,
    )
    group.add_argument(
        "--log-level",
        metavar="LEVEL",
        type=str.upper,
        choices=logs.LEVELS,
        help="log file level: DEBUG, INFO, WARNING (default), ERROR",
        **suppress,
    )


def _add_demo(parser: argparse.ArgumentParser, *, nested: bool, what: str) -> None:
    suppress: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"{what} against the built-in fake Datto RMM (no account, no network)",
        **suppress,
    )


def build_parser(*, with_fake_api_options: bool = True) -> argparse.ArgumentParser:
    """The whole command line. ``with_fake_api_options=False`` skips importing the fake server
    (its options are only needed when the ``fake-api`` command runs)."""
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="A keyboard-driven terminal dashboard for the Datto RMM REST API v2. "
        "Without a command, starts the dashboard.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common(parser, nested=False)
    _add_demo(parser, nested=False, what="run")
    dash = parser.add_argument_group("dashboard")
    dash.add_argument(
        "--wall",
        action="store_true",
        help="NOC wall screen: large and glanceable from across the room",
    )
    dash.add_argument(
        "--rotate",
        metavar="DURATION",
        type=parse_duration,
        help="on the wall screen, cycle views every DURATION (e.g. 30s, 2m)",
    )
    dash.add_argument(
        "--read-only", action="store_true", help="no writes (alert resolve, jobs) at all"
    )
    dash.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour system of the terminal (default: auto; none also honours NO_COLOR)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = commands.add_parser(
        "export",
        help="write sites, devices or alerts as JSON, NDJSON or CSV",
        description="Stream sites, devices or alerts from the API to a file or stdout, page by "
        "page. JSON and NDJSON keep the API's field names (timestamps in epoch ms); CSV has "
        "friendly columns and ISO timestamps. UDF values are masked unless --reveal-udfs.",
    )
    export.add_argument("kind", choices=("sites", "devices", "alerts"), help="what to export")
    export.add_argument(
        "--resolved", action="store_true", help="alerts: resolved ones instead of open ones"
    )
    export.add_argument("--site", metavar="UID", help="only this site's devices or alerts")
    export.add_argument(
        "--format", choices=("json", "ndjson", "csv"), default="json", help="default: json"
    )
    export.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        type=Path,
        help="write here (atomically) instead of stdout",
    )
    export.add_argument(
        "--reveal-udfs",
        action="store_true",
        help="include UDF values (they can hold secrets; masked by default)",
    )
    _add_demo(export, nested=True, what="export")
    _add_common(export, nested=True)

    doctor = commands.add_parser(
        "doctor",
        help="check config, credentials, reachability, token, clock and budget",
        description="Check everything needed to talk to Datto RMM and say how to fix what fails.",
    )
    _add_demo(doctor, nested=True, what="check")
    _add_common(doctor, nested=True)

    config = commands.add_parser("config", help="create or inspect the config file")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    init = config_commands.add_parser(
        "init",
        help="write a config file with one profile",
        description="Write a config file (mode 0600) with one profile. The API secret is never "
        f"written: the profile reads it from ${ENV_API_SECRET} (or add a secret_command).",
    )
    init.add_argument(
        "--profile", metavar="NAME", default="main", help="profile name (default: main)"
    )
    address = init.add_mutually_exclusive_group()
    address.add_argument("--platform", metavar="NAME", help="pinotage, merlot, concord, ...")
    address.add_argument("--api-url", metavar="URL", help="API base URL instead of a platform")
    init.add_argument("--api-key", metavar="KEY", help="the API key (not the secret)")
    init.add_argument(
        "--force", action="store_true", help="replace the profile in an existing file"
    )
    init.add_argument("--config", metavar="FILE", type=Path, help="file to write")
    config_path = config_commands.add_parser("path", help="print the config file's path")
    config_path.add_argument("--config", metavar="FILE", type=Path, help=argparse.SUPPRESS)
    show = config_commands.add_parser(
        "show",
        help="print the effective settings (secrets masked) and where each came from",
        description="Print the effective settings of a profile after flags, environment and "
        "file are applied, with secrets masked and the source of each value. A secret_command "
        "is not run.",
    )
    _add_common(show, nested=True)

    fake = commands.add_parser(
        "fake-api",
        help="serve a fake Datto RMM API on loopback (for trying integrations and tests)",
        description="Serve a faithful fake of the Datto RMM API v2 on a loopback address.",
    )
    if with_fake_api_options:
        from datto_tui.fakeapi.serve import add_arguments

        add_arguments(fake)
    return parser


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Context:
    """What a command needs from outside; tests replace any of it."""

    env: MutableMapping[str, str] = field(default_factory=lambda: os.environ)
    transport: httpx.AsyncBaseTransport | None = None
    clock: Clock | None = None
    stdout: TextIO | None = None
    stderr: TextIO | None = None
    log_path: Path | None = None

    @property
    def out(self) -> TextIO:
        return self.stdout or sys.stdout

    @property
    def err(self) -> TextIO:
        return self.stderr or sys.stderr


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    env: MutableMapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line and return the exit code.

    ``transport``/``clock``/``env``/``stdout``/``stderr`` exist for tests: with a transport
    (e.g. ``httpx.ASGITransport(app=FakeService(...).asgi)``) every API call goes there instead
    of the network.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    ctx = Context(
        env=os.environ if env is None else env,
        transport=transport,
        clock=clock,
        stdout=stdout,
        stderr=stderr,
    )
    try:
        parser = build_parser(with_fake_api_options=_wants_fake_api(args_list))
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_CONFIG
        return _dispatch(args, ctx)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (DattoError, ConfigError) as exc:
        log.info("command failed: %s", exc)
        _error(ctx, str(exc))
        return exit_code_for(exc)
    except Exception as exc:
        log.exception("unexpected failure")
        where = f"; details in {ctx.log_path}" if ctx.log_path else ""
        _error(ctx, f"unexpected {type(exc).__name__}: {exc}{where}")
        return EXIT_FAILURE
    finally:
        logs.shutdown_logging()


def _wants_fake_api(argv: Sequence[str]) -> bool:
    """True when the command is ``fake-api`` (the first word that is not an option)."""
    takes_value = {
        "--profile",
        "--config",
        "--api-url",
        "--platform",
        "--log-level",
        "--rotate",
        "--color",
    }
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word in takes_value:
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word == "fake-api"
    return False


def _say(ctx: Context, kind: str, message: str) -> None:
    # Messages can quote the service or the config file: mask anything secret-shaped and make
    # control characters visible before they reach the terminal.
    text = clean_line(logs.redact(message), limit=4000)
    ctx.err.write(f"{_PROG}: {kind}: {text}\n")
    ctx.err.flush()


def _error(ctx: Context, message: str) -> None:
    _say(ctx, "error", message)


def _warn(ctx: Context, message: str) -> None:
    _say(ctx, "warning", message)


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    command = args.command
    if command == "fake-api":
        from datto_tui.fakeapi.serve import run

        return run(args)
    if command == "config" and args.config_command in ("init", "path"):
        return _config_file_command(args, ctx)
    _setup_logging(args, ctx)
    if command == "export":
        return _run_export(args, ctx)
    if command == "doctor":
        from datto_tui.doctor import run_doctor

        return run_doctor(args, ctx)
    if command == "config":
        return _config_show(args, ctx)
    return _run_dashboard(args, ctx)


def _setup_logging(args: argparse.Namespace, ctx: Context) -> None:
    level = getattr(args, "log_level", None) or "WARNING"
    try:
        ctx.log_path = logs.setup_logging(level)
    except OSError as exc:
        _warn(ctx, f"cannot open the log file ({exc.strerror or exc}); logging is off")


def settings_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Flag values by setting name, for :func:`load_settings` (None: not given)."""
    return {
        "api_url": getattr(args, "api_url", None),
        "platform": getattr(args, "platform", None),
        "read_only": True if getattr(args, "read_only", False) else None,
    }


def load_profile(args: argparse.Namespace, ctx: Context, *, announce: bool = True) -> Profile:
    """The effective profile for ``args``; registers its secret for the log; prints its
    warnings on stderr when ``announce``."""
    profile = load_settings(
        getattr(args, "config", None),
        getattr(args, "profile", None),
        settings_overrides(args),
        ctx.env,
    )
    if announce:
        for warning in profile.warnings:
            _warn(ctx, warning)
    logs.register_secret(profile.api_secret)
    return profile


def demo_profile(args: argparse.Namespace, ctx: Context) -> Profile:
    """Settings for ``--demo``: the config file's look and feel when it is usable, else defaults.

    The demo never needs a config file, credentials or an address.
    """
    from datto_tui.demo import DEMO_BASE_URL
    from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET

    overrides = {"read_only": True if getattr(args, "read_only", False) else None}
    try:
        base = load_settings(
            getattr(args, "config", None),
            getattr(args, "profile", None),
            overrides,
            {},
            run_secret_command=False,
        )
    except ConfigError as exc:
        if getattr(args, "config", None) is not None or getattr(args, "profile", None):
            raise
        log.info("demo ignores the config file: %s", exc)
        base = Profile(read_only=bool(getattr(args, "read_only", False)))
    from dataclasses import replace

    return replace(
        base,
        name="demo",
        platform=None,
        api_url=DEMO_BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        api_key_env=None,
        api_secret_env=None,
        secret_command=None,
        warnings=(),
    )


def default_token_cache() -> TokenCache:
    """The on-disk token cache (``tokens/`` in the user's cache folder for datto-tui)."""
    from datto_tui.api.auth import TokenCache

    return TokenCache()


def make_client(
    profile: Profile,
    creds: Credentials,
    ctx: Context,
    *,
    token_cache: TokenCache | None = None,
) -> DattoClient:
    """A DattoClient for ``creds`` with the profile's budget shares and token margin."""
    from datto_tui.api.client import DattoClient

    return DattoClient(
        base_url=creds.base_url,
        api_key=creds.api_key,
        api_secret=creds.api_secret,
        platform=creds.platform,
        clock=ctx.clock,
        transport=ctx.transport,
        token_cache=token_cache,
        read_share=profile.read_share,
        write_share=profile.write_share,
        token_refresh_margin=profile.token_refresh_margin,
    )


@dataclass
class Connection:
    """A client ready to use, the profile it was built from, and either the credentials (real
    service) or the in-process demo service."""

    profile: Profile
    client: DattoClient
    creds: Credentials | None = None
    service: FakeService | None = None


def connect(args: argparse.Namespace, ctx: Context, *, cache_token: bool = True) -> Connection:
    """The profile and client a command runs with: the in-process demo, or the configured API.

    Raises ConfigError (exit 2) when settings or credentials are missing or unusable. Tokens of
    the real service are cached on disk (mode 0600) unless a test transport is injected.
    """
    if getattr(args, "demo", False):
        from datto_tui.demo import demo_client, demo_service

        profile = demo_profile(args, ctx)
        service = demo_service(ctx.clock)
        return Connection(profile, demo_client(service, ctx.clock), service=service)
    profile = load_profile(args, ctx)
    creds = require_credentials(profile)
    cache = default_token_cache() if cache_token and ctx.transport is None else None
    return Connection(profile, make_client(profile, creds, ctx, token_cache=cache), creds)


# ---------------------------------------------------------------------------------------------
# The dashboard


def apply_color(choice: str, env: MutableMapping[str, str]) -> None:
    """Set the variables Textual reads at import: ``TEXTUAL_COLOR_SYSTEM`` and ``NO_COLOR``."""
    systems = {"truecolor": "truecolor", "256": "256", "16": "standard"}
    if choice in systems:
        env["TEXTUAL_COLOR_SYSTEM"] = systems[choice]
        env.pop("NO_COLOR", None)
    elif choice == "none":
        env["NO_COLOR"] = "1"


def _run_dashboard(args: argparse.Namespace, ctx: Context) -> int:
    apply_color(args.color, ctx.env)
    connection = connect(args, ctx)
    if connection.creds is not None:
        preflight(connection, ctx)
    from datto_tui.tui import run_dashboard  # textual is imported here, not earlier

    result = run_dashboard(
        connection.client,
        profile=connection.profile,
        clock=ctx.clock,
        demo=bool(args.demo),
        read_only=connection.profile.read_only,
        wall=bool(args.wall or args.rotate),
        rotate=args.rotate,
        color=args.color,
    )
    return result if isinstance(result, int) else EXIT_OK


def preflight(connection: Connection, ctx: Context) -> None:
    """Check the credentials before the dashboard takes over the terminal.

    Costs one read (``GET /api/v2/account``) and, unless one is cached, one token fetch (cached
    on disk for the dashboard's client). Refused credentials raise AuthError (exit 3) while a
    plain message can still be printed; an unreachable service only logs a warning, since the
    dashboard shows the connection state and keeps retrying.
    """
    creds = connection.creds
    assert creds is not None
    cache = default_token_cache() if ctx.transport is None else None

    async def check() -> None:
        async with make_client(connection.profile, creds, ctx, token_cache=cache) as client:
            await client.account()

    if ctx.err.isatty():
        ctx.err.write(f"Connecting to {creds.base_url} ...\n")
        ctx.err.flush()
    try:
        asyncio.run(check())
    except (AuthError, ConfigurationError):
        raise
    except DattoError as exc:
        log.warning("Starting the dashboard although the service did not answer: %s", exc)


# ---------------------------------------------------------------------------------------------
# export


def _run_export(args: argparse.Namespace, ctx: Context) -> int:
    if args.resolved and args.kind != "alerts":
        _error(ctx, "--resolved applies to alerts only")
        return EXIT_CONFIG
    connection = connect(args, ctx)
    return asyncio.run(_export(args, ctx, connection))


async def _export(args: argparse.Namespace, ctx: Context, connection: Connection) -> int:
    from datto_tui.export import Progress, atomic_output, make_writer, single_page, write_pages

    client = connection.client
    progress = Progress(args.kind, ctx.err) if ctx.err.isatty() else None
    async with client:
        pages: Any
        if args.kind == "sites":
            if args.site:
                site_uid = args.site
                pages = single_page(lambda: client.site(site_uid))
            else:
                pages = client.sites().pages()
        elif args.kind == "devices":
            pages = (client.site_devices(args.site) if args.site else client.devices()).pages()
        elif args.resolved:
            pages = client.resolved_alerts(site_uid=args.site).pages()
        else:
            pages = client.open_alerts(site_uid=args.site).pages()
        try:
            with atomic_output(args.output, ctx.out, private=args.reveal_udfs) as out:
                writer = make_writer(args.kind, args.format, out, reveal_udfs=args.reveal_udfs)
                result = await write_pages(pages, writer, progress)
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, and keep Python from complaining
            # about the unflushed stdout at exit.
            if args.output is None and ctx.stdout is None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            return EXIT_FAILURE
        except OSError as exc:
            _error(ctx, f"cannot write {args.output or 'stdout'}: {exc.strerror or exc}")
            return EXIT_CONFIG
    if result.duplicates:
        log.warning(
            "export %s: %d records appeared on more than one page and were written once",
            args.kind,
            result.duplicates,
        )
    if progress is not None:
        where = f" to {args.output}" if args.output else ""
        progress.finish(f"Exported {result.written:,} {args.kind}{where}.")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# config


def _config_file_command(args: argparse.Namespace, ctx: Context) -> int:
    path = args.config.expanduser() if args.config else default_config_path(ctx.env)
    if args.config_command == "path":
        ctx.out.write(f"{path}\n")
        return EXIT_OK
    data = init_config(
        path,
        profile=args.profile,
        platform=args.platform,
        api_url=args.api_url,
        api_key=args.api_key,
        force=args.force,
        env=ctx.env,
    )
    table = data["profiles"][args.profile]
    ctx.out.write(f"Wrote {path} (mode 0600) with profile {args.profile!r}.\n")
    if "api_key_env" in table:
        ctx.out.write(
            f'The API key is read from ${table["api_key_env"]}; or add api_key = "..." to the '
            "profile.\n"
        )
    ctx.out.write(
        f"The API secret is read from ${ENV_API_SECRET} (never stored). To use a password "
        'manager instead, add for example: secret_command = "pass show datto/api-secret"\n'
        f"Check the setup with: {_PROG} doctor\n"
    )
    return EXIT_OK


def describe_settings(profile: Profile) -> list[tuple[str, str, str]]:
    """``(setting, value, where it came from)`` rows, secrets masked."""
    secret_origin = profile.origins.get("api_secret")
    if profile.api_secret:
        secret = f"{MASK} (set)"
    elif secret_origin is not None and secret_origin.source == "secret_command":
        secret = "(from secret_command, run when needed)"  # noqa: S105 (a label)
    else:
        secret = "(not set)"  # noqa: S105 (a label)
    base_url: str
    try:
        base_url = profile.base_url or "(not set)"
    except ConfigurationError as exc:
        base_url = f"(invalid: {exc.message})"
    rows: list[tuple[str, str, str]] = [
        ("profile", profile.name, str(profile.origin("name"))),
        ("platform", profile.platform or "(not set)", str(profile.origin("platform"))),
        ("api_url", base_url, str(profile.origin("api_url" if profile.api_url else "platform"))),
        ("api_key", mask_key(profile.api_key), str(profile.origin("api_key"))),
        ("api_secret", secret, str(secret_origin or "default")),
        ("api_key_env", profile.api_key_env or "", str(profile.origin("api_key_env"))),
        ("api_secret_env", profile.api_secret_env or "", str(profile.origin("api_secret_env"))),
        ("secret_command", profile.secret_command or "", str(profile.origin("secret_command"))),
        ("read_share", f"{profile.read_share:g}", str(profile.origin("read_share"))),
        ("write_share", f"{profile.write_share:g}", str(profile.origin("write_share"))),
        ("read_only", _bool(profile.read_only), str(profile.origin("read_only"))),
        ("theme", profile.theme or "(default)", str(profile.origin("theme"))),
        ("bell", _bool(profile.bell), str(profile.origin("bell"))),
        (
            "token_refresh_margin",
            f"{profile.token_refresh_margin:g} s",
            str(profile.origin("token_refresh_margin")),
        ),
    ]
    for poll in ("alerts", "devices", "sites", "request_rate"):
        rows.append(
            (
                f"polls.{poll}",
                f"{getattr(profile.polls, poll):g} s",
                str(profile.origin(f"polls.{poll}")),
            )
        )
    for binding, keys in sorted(profile.keys.items()):
        rows.append((f"keys.{binding}", keys, str(profile.origin("keys"))))
    return rows


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _config_show(args: argparse.Namespace, ctx: Context) -> int:
    profile = load_settings(
        getattr(args, "config", None),
        getattr(args, "profile", None),
        settings_overrides(args),
        ctx.env,
        run_secret_command=False,
    )
    for warning in profile.warnings:
        _warn(ctx, warning)
    path = profile.config_path or default_config_path(ctx.env)
    state = "read" if profile.config_path else "not found; using the environment and defaults"
    ctx.out.write(f"Config file: {path} ({state})\n\n")
    rows = describe_settings(profile)
    width = max(len(r[0]) for r in rows)
    value_width = min(48, max(len(r[1]) for r in rows))
    for name, value, origin in rows:
        ctx.out.write(f"  {name:<{width}}  {value:<{value_width}}  {origin}\n")
    return EXIT_OK
