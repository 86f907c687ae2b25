"""Running the real ``datto-tui`` in a pseudo-terminal and watching what it sends.

:class:`PtyApp` starts a command on the slave side of a new pty (200 x 50, ``TERM`` set, the pty
as controlling terminal) and reads the master side: every byte the app writes to its terminal is
counted, and the text is searched for markers. The child's CPU time comes from
``/proc/<pid>/stat`` (utime + stime, clock-tick resolution). :func:`pump` reads several apps at
once, so nothing ever blocks on a full pty buffer.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence

ALT_SCREEN = b"\x1b[?1049h"
_TICK = os.sysconf("SC_CLK_TCK")
_KEEP = 1 << 20  # bytes of output kept for marker searches (the start of the session)


def _controlling_tty() -> None:
    # Runs in the child after setsid(): make the pty (its stdin) the controlling terminal.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (0.0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a running process in MB."""
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1]) / 1024
    return values["VmRSS"], values["VmHWM"]


class PtyApp:
    """One command on its own pty; see the module docstring."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int = 200,
        lines: int = 50,
        cwd: str | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_controlling_tty,  # the suite runs no threads while it spawns
            close_fds=True,
        )
        os.close(slave)
        os.set_blocking(self.master, False)
        self.bytes = 0
        self.head = bytearray()
        self.closed = False
        self.marks: dict[bytes, float] = {}

    @property
    def pid(self) -> int:
        return self.proc.pid

    def feed(self) -> int:
        """Read what is available; returns the byte count (0 when nothing or closed)."""
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return 0
        except OSError:  # EIO: the child closed its side
            self.closed = True
            return 0
        if not data:
            self.closed = True
            return 0
        self.bytes += len(data)
        if len(self.head) < _KEEP:
            self.head += data[: _KEEP - len(self.head)]
        return len(data)

    def find_after_alt_screen(self, marker: bytes) -> bool:
        """Whether ``marker`` was written after the switch to the alternate screen."""
        at = self.head.find(ALT_SCREEN)
        return at >= 0 and self.head.find(marker, at) >= 0

    def send(self, keys: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, keys)

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self, quit_keys: bytes = b"q", timeout: float = 5.0) -> int | None:
        """Ask the app to quit (``quit_keys``), then terminate it; returns its exit code."""
        if self.proc.poll() is None:
            self.send(quit_keys)
            deadline = time.monotonic() + timeout
            while self.proc.poll() is None and time.monotonic() < deadline:
                pump([self], 0.05)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(OSError):
            os.close(self.master)
        return self.proc.returncode


def pump(apps: Sequence[PtyApp], timeout: float) -> None:
    """Read every app's output for up to ``timeout`` seconds (returns early on output)."""
    live = [a for a in apps if not a.closed]
    if not live:
        time.sleep(timeout)
        return
    ready, _, _ = select.select([a.master for a in live], [], [], timeout)
    for app in live:
        if app.master in ready:
            while app.feed():
                pass


def drain(apps: Sequence[PtyApp], seconds: float) -> None:
    """Keep reading every app's output for ``seconds``."""
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        pump(apps, min(left, 0.2))
