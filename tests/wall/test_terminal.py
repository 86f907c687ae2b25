"""The real ``datto-tui --demo --wall`` in a pseudo-terminal: signals, a lost terminal, resizes,
colour settings; and :class:`~datto_tui.tui.terminal.TerminalGuard` on its own.

Every subprocess wait is bounded; nothing sleeps to synchronise (the tests read the terminal
until what they wait for shows up, or a deadline passes).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import signal
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datto_tui.tui.terminal import TerminalGuard
from tests.benchmarks.ptyrun import ALT_SCREEN, PtyApp, pump

ROOT = Path(__file__).resolve().parents[2]
ALT_SCREEN_OFF = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
FIRST_FRAME = b"Northwind"  # the demo account's name: the data has been drawn
TIMEOUT = 45.0


@pytest.fixture
def home() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATTO_", "TEXTUAL", "XDG_"))
        and k not in ("NO_COLOR", "COLUMNS", "LINES", "COLORTERM")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        TERM="xterm-256color",
        TZ="UTC",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def start(home: Path, *args: str, env: dict[str, str] | None = None) -> PtyApp:
    argv = [sys.executable, "-m", "datto_tui", "--demo", "--wall", *args]
    return PtyApp(argv, env_for(home, **(env or {})), columns=100, lines=30, cwd=str(home))


def wait_for(app: PtyApp, marker: bytes, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pump([app], 0.1)
        if app.find_after_alt_screen(marker):
            return
        if app.closed:
            break
    tail = app.head[-1500:].decode("utf-8", "replace").replace("\x1b", "^[")
    raise AssertionError(f"{marker!r} never appeared; the terminal ended with: {tail}")


def wait_exit(app: PtyApp, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while app.proc.poll() is None and time.monotonic() < deadline:
        pump([app], 0.1)
    if app.proc.poll() is None:
        app.proc.kill()
        app.proc.wait(5)
        raise AssertionError("the app did not exit in time")
    pump([app], 0.1)
    return app.proc.returncode


def log_text(home: Path) -> str:
    path = home / "state" / "datto-tui" / "datto-tui.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_signals_and_a_lost_terminal_end_the_wall_cleanly() -> None:
    """SIGTERM, SIGHUP and a hung-up terminal (three walls side by side): exit status 0, the
    terminal restored where it still exists, and the reason in the log."""
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \
            tempfile.TemporaryDirectory() as c:  # fmt: skip
        homes = {"SIGTERM": Path(a), "SIGHUP": Path(b), "lost": Path(c)}
        apps = {name: start(home) for name, home in homes.items()}
        try:
            for app in apps.values():
                wait_for(app, FIRST_FRAME)
            before = {name: len(app.head) for name, app in apps.items()}
            apps["SIGTERM"].proc.send_signal(signal.SIGTERM)
            apps["SIGHUP"].proc.send_signal(signal.SIGHUP)
            os.close(apps["lost"].master)  # the SSH session died: the terminal hangs up
            apps["lost"].closed = True
            for name, app in apps.items():
                assert wait_exit(app) == 0, name
            for name in ("SIGTERM", "SIGHUP"):
                after = bytes(apps[name].head[before[name] :])
                assert ALT_SCREEN_OFF in after and SHOW_CURSOR in after, name  # restored
                assert f"received {name}; exiting" in log_text(homes[name])
            lost = log_text(homes["lost"])
            assert "exiting" in lost and "Traceback" not in lost
        finally:
            for app in apps.values():
                app.stop()


def test_resizes_at_any_moment(home: Path) -> None:
    app = start(home)
    try:
        wait_for(app, FIRST_FRAME)
        for columns, lines in ((80, 24), (300, 90), (40, 10), (160, 45), (81, 25), (200, 60)):
            fcntl.ioctl(app.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
            os.kill(app.pid, signal.SIGWINCH)
            pump([app], 0.05)
        before = len(app.head)
        app.send(b"2")  # the alerts view, laid out at the last size
        wait_for(app, b"NEWEST ALERTS")
        assert app.proc.poll() is None and len(app.head) >= before
        app.send(b"q")
        assert wait_exit(app) == 0
    finally:
        app.stop()


SGR = re.compile(rb"\x1b\[([0-9;]*)m")
GREYS = {0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)}


def colour_codes(data: bytes) -> tuple[set[int], set[int], bool]:
    """(256-colour indexes used, basic SGR colour codes used, any truecolor) in ``data``."""
    indexes: set[int] = set()
    basic: set[int] = set()
    truecolor = False
    for match in SGR.finditer(data):
        parts = [int(p) for p in match.group(1).split(b";") if p]
        i = 0
        while i < len(parts):
            code = parts[i]
            if code in (38, 48) and i + 1 < len(parts):
                if parts[i + 1] == 5 and i + 2 < len(parts):
                    indexes.add(parts[i + 2])
                    i += 3
                    continue
                if parts[i + 1] == 2:
                    truecolor = True
                    i += 5
                    continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                basic.add(code)
            i += 1
    return indexes, basic, truecolor


COLOUR_CASES: list[tuple[tuple[str, ...], dict[str, str], str]] = [
    (("--color", "truecolor"), {}, "truecolor"),
    (("--color", "256"), {"TERM": "linux"}, "256"),
    (("--color", "16"), {}, "16"),
    (("--color", "none"), {}, "grey"),
    ((), {"TERM": "linux"}, "16"),
    ((), {"TERM": "screen-256color"}, "256"),
    ((), {"NO_COLOR": "1"}, "grey"),
]


def test_colour_settings_reach_the_terminal(home: Path) -> None:
    """``--color``, TERM (tmux/screen, the Linux console) and NO_COLOR, end to end: the escape
    codes written match (several walls side by side)."""
    apps = [start(home, *args, env=env) for args, env, _ in COLOUR_CASES]
    try:
        for app in apps:
            wait_for(app, FIRST_FRAME)
            app.send(b"q")
        for app, (args, env, expect) in zip(apps, COLOUR_CASES, strict=True):
            case = f"{args} {env}"
            assert wait_exit(app) == 0, case
            frame = bytes(app.head[app.head.find(ALT_SCREEN) :])
            indexes, basic, truecolor = colour_codes(frame)
            if expect == "truecolor":
                assert truecolor, case
            elif expect == "256":
                assert indexes and not truecolor, case
                assert indexes - GREYS, case  # real colours, not only greys
            elif expect == "16":
                assert basic and not indexes and not truecolor, case
            else:  # NO_COLOR: greys only, whatever the depth
                assert not truecolor and indexes and indexes <= GREYS, (case, indexes - GREYS)
    finally:
        for app in apps:
            app.stop()


# ---- TerminalGuard on its own ---------------------------------------------------------------


async def test_guard_notices_a_lost_terminal_and_detaches_first() -> None:
    master, slave = os.openpty()
    exits: list[str] = []
    guard = TerminalGuard(
        object(),  # type: ignore[arg-type]
        fds=[slave],
        detach_fds=[slave],
        check_interval=0.01,
        exit_app=lambda: exits.append("exit"),
        hard_exit=lambda: exits.append("hard"),
        hard_exit_after=30,
    )
    try:
        loop = asyncio.get_running_loop()
        guard.install(loop)
        guard.check_terminal()  # alive: nothing happens, the next check is armed
        assert exits == [] and guard.terminal_alive()
        os.close(master)
        master = -1
        guard.check_terminal()
        assert exits == ["exit"] and guard.detached and guard.reason == "terminal lost"
        os.write(slave, b"written to /dev/null now")  # no EIO: the exit cannot fail on it
        guard.exit("again")  # once only
        assert exits == ["exit"]
    finally:
        guard.uninstall()
        if master >= 0:
            os.close(master)
        os.close(slave)


async def test_guard_signal_with_live_terminal_does_not_detach() -> None:
    master, slave = os.openpty()
    exits: list[str] = []
    guard = TerminalGuard(
        object(),  # type: ignore[arg-type]
        fds=[slave],
        detach_fds=[slave],
        exit_app=lambda: exits.append("exit"),
        hard_exit=lambda: exits.append("hard"),
    )
    try:
        guard.on_signal(signal.SIGHUP)
        assert exits == ["exit"] and not guard.detached
    finally:
        guard.uninstall()
        os.close(master)
        os.close(slave)


def test_guard_ends_the_process_when_the_exit_hangs() -> None:
    ended: list[str] = []
    guard = TerminalGuard(
        object(),  # type: ignore[arg-type]
        fds=[],
        detach_fds=[],
        hard_exit_after=0.05,
        exit_app=lambda: None,  # the app never finishes exiting
        hard_exit=lambda: ended.append("hard"),
    )
    guard.exit("test")
    deadline = time.monotonic() + 5
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)  # waiting on a real timer thread: the contract is about real time
    assert ended == ["hard"]
    guard.uninstall()
