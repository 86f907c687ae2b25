"""No escape sequence from the data ever reaches the terminal.

The dashboard runs in a pseudo-terminal (Textual's real driver, 160x45) on the hostile fake,
and every byte it writes is read back. Textual's own escapes are expected; the data's (an OSC
that sets the window title, a screen clear followed by the payload's text, C1 controls, bells,
bidi overrides) must not appear, and their visible forms must.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from datto_tui.fakeapi.hostile import BIDI_OVERRIDE, CLEAR_SCREEN, CURSOR_HOME, OSC_TITLE

ROOT = Path(__file__).resolve().parents[2]
COLUMNS, LINES = 160, 45
#: The data's own control sequences, as bytes on the wire.
FORBIDDEN: tuple[bytes, ...] = (
    OSC_TITLE.encode(),
    b"\x1b]0;pwned",
    f"{CLEAR_SCREEN}{CURSOR_HOME}cleared".encode(),
    b"bell\x07back",
    b"\x08space",
    b"space\x7fdel",
    "\x9bcsi".encode(),
    b"\xc2\x9b",  # C1 CSI in UTF-8
    b"nul\x00byte",
    BIDI_OVERRIDE.encode(),
    b"line one\nline two",
    b"line one\r\n",
)


def read_until(fd: int, needle: bytes, deadline: float, into: bytearray) -> bool:
    """Read from ``fd`` into ``into`` until ``needle`` was seen, EOF, or the deadline."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return needle in into
        if not chunk:
            return needle in into
        into.extend(chunk)
        if needle in into:
            return True
    return False


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_no_escape_from_the_data_reaches_the_terminal() -> None:
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    env.pop("TEXTUAL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.pty_app"],
        stdin=child_fd,
        stdout=child_fd,
        stderr=child_fd,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    os.close(child_fd)
    out = bytearray()
    try:
        # The alert pane is the last to fill: once its rows are drawn, all data is.
        drawn = read_until(main_fd, b"diag13 WWWW", time.monotonic() + 60, out)
        os.write(main_fd, b"q")
        read_until(main_fd, b"\x00never\x00", time.monotonic() + 15, out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
        os.close(main_fd)
    assert drawn, out[-2000:].decode("utf-8", "replace")
    for needle in FORBIDDEN:
        assert needle not in out, needle
    # Only Textual's own title (if any) is set; never one from the data.
    assert b"\x1b]2;pwned" not in out and b"pwned\x07" not in out
    text = out.decode("utf-8", "replace")
    assert "␛]0;pwned�owned" in text
    assert "[bold red]x" in text
