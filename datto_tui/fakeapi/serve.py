"""``datto-tui fake-api``: serve the fake Datto RMM API on loopback with uvicorn.

The CLI wires it with :func:`add_arguments` and :func:`run`; ``python -m datto_tui.fakeapi`` does
the same on its own. The server binds 127.0.0.1 by default and refuses any other address unless
``--allow-remote`` is given (it accepts a fixed demo credential and serves over plain HTTP).
Port 0 picks a free port; the real address is printed once the socket is bound.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
import sys
from typing import TextIO

from datto_tui.clock import SystemClock
from datto_tui.fakeapi.config import FAULT_PROFILES, FakeConfig
from datto_tui.fakeapi.faults import connection_reset_fault
from datto_tui.fakeapi.service import FakeService

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``fake-api`` options to ``parser``."""
    defaults = FakeConfig()
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port (default: %(default)s; 0: any free port)",
    )
    parser.add_argument(
        "--seed", type=int, default=defaults.seed, help="data seed (default: %(default)s)"
    )
    parser.add_argument(
        "--sites", type=int, default=defaults.sites, help="sites (default: %(default)s)"
    )
    parser.add_argument(
        "--devices", type=int, default=defaults.devices, help="devices (default: %(default)s)"
    )
    parser.add_argument(
        "--alerts", type=int, default=defaults.alerts, help="open alerts (default: %(default)s)"
    )
    parser.add_argument(
        "--faults",
        choices=FAULT_PROFILES,
        default=defaults.faults,
        help="injected faults (default: %(default)s)",
    )
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=defaults.token_ttl,
        help="token lifetime in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--background-load",
        type=float,
        default=defaults.background_load,
        help="reads/minute other integrations take from the account budget (default: %(default)s)",
    )
    parser.add_argument(
        "--hostile", action="store_true", help="plant escapes, markup and huge strings in the data"
    )
    parser.add_argument("--frozen", action="store_true", help="stop the live simulation")
    parser.add_argument(
        "--rate-limit-headers",
        action="store_true",
        help="send X-RateLimit-* and Retry-After headers",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding a non-loopback address (plain HTTP, demo credentials)",
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names a loopback address (``localhost``, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def config_from_args(args: argparse.Namespace) -> FakeConfig:
    return FakeConfig(
        seed=args.seed,
        sites=args.sites,
        devices=args.devices,
        alerts=args.alerts,
        faults=args.faults,
        token_ttl=args.token_ttl,
        hostile=args.hostile,
        frozen=getattr(args, "frozen", False),
        rate_limit_headers=args.rate_limit_headers,
        background_load=getattr(args, "background_load", 0.0),
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def banner(base_url: str, config: FakeConfig) -> str:
    """What the command prints on start: the URL, the demo credentials and an export line."""
    return (
        f"Fake Datto RMM API listening on {base_url}\n"
        f"  API URL:    {base_url}\n"
        f"  API key:    {config.api_key}\n"
        f"  API secret: {config.api_secret}\n"
        f"  data: seed {config.seed}, {config.sites} sites, {config.devices} devices, "
        f"{config.alerts} open alerts; faults: {config.faults}\n"
        f"export DATTO_API_URL={base_url} DATTO_API_KEY={config.api_key} "
        f"DATTO_API_SECRET={config.api_secret}\n"
    )


class _QuietResets(logging.Filter):
    """Drop uvicorn's traceback for the connection resets the fault profiles inject on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return exc is None or not isinstance(exc, connection_reset_fault())


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Serve until interrupted; returns the process exit status."""
    import uvicorn

    stream = out if out is not None else sys.stdout
    host: str = args.host
    if not is_loopback(host) and not args.allow_remote:
        print(
            f"refusing to bind {host}: the fake API accepts demo credentials over plain HTTP; "
            "use a loopback address or pass --allow-remote",
            file=sys.stderr,
        )
        return 2
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"invalid option: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind(host, args.port)
    except OSError as exc:
        print(f"cannot bind {host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    display_host = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    base_url = f"http://{display_host}:{port}"
    service = FakeService(config, clock=SystemClock())
    service.generate()  # now, before listening: the first request must not wait for it
    if not is_loopback(host):
        print("warning: serving on a non-loopback address", file=sys.stderr)
    stream.write(banner(base_url, config))
    stream.flush()
    logging.getLogger("uvicorn.error").addFilter(_QuietResets())
    server = uvicorn.Server(
        uvicorn.Config(service.asgi, lifespan="on", log_level="warning", access_log=False)
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m datto_tui.fakeapi``."""
    parser = argparse.ArgumentParser(prog="python -m datto_tui.fakeapi", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
