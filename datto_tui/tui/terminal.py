"""Running unattended in a terminal: signals, a terminal that goes away, a last-resort exit.

Textual handles resizes (SIGWINCH) and suspend (SIGTSTP/SIGCONT) but not SIGTERM or SIGHUP, and
it does not notice a terminal that disappeared (an SSH session that died, a closed tmux pane):
its writer thread then fails and the app may wait forever on a full output queue.
:class:`TerminalGuard` closes those gaps for :func:`run_app`:

- SIGTERM and SIGHUP end the app cleanly through ``app.exit()``: the terminal is restored (alt
  screen off, cursor shown) when it is still there, the poller is stopped and the log flushed.
- Once a second it checks that the terminal is still a terminal (after a hang-up the kernel
  turns the file descriptors into dead ends that fail ``isatty``). When it is gone, or when
  SIGHUP comes without a terminal, the descriptors are pointed at ``/dev/null`` first, so the
  exit cannot block or fail on a write, then the app exits.
- If a clean exit has not finished ``HARD_EXIT_AFTER`` seconds after it started, the log is
  flushed and the process ends with status 0 (a wall must not linger as an orphan).

Every step is logged (no secrets: nothing here sees any).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from textual.app import App

from datto_tui.tui.memory import freeze_startup, tune_allocator

log = logging.getLogger(__name__)

#: Seconds between checks that the terminal is still there.
TTY_CHECK_INTERVAL = 1.0
#: Seconds a clean exit may take before the process ends regardless.
HARD_EXIT_AFTER = 10.0

_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _terminal_fds() -> list[int]:
    """The descriptors Textual reads (stdin) and writes (stderr) that are terminals now."""
    fds: list[int] = []
    for stream in (sys.__stdin__, sys.__stderr__):
        if stream is None:
            continue
        with contextlib.suppress(OSError, ValueError):
            fd = stream.fileno()
            if os.isatty(fd):
                fds.append(fd)
    return fds


class TerminalGuard:
    """Signals and terminal loss for one app run; see the module docstring.

    ``fds``: the descriptors to watch (default: stdin and stderr when they are terminals);
    ``detach_fds``: the ones :meth:`detach` points at /dev/null (default: those and 0, 1, 2).
    ``exit_app`` ends the app (default: ``app.exit(return_code=0)``); ``hard_exit`` ends the
    process (default: flush the logs, ``os._exit(0)``). Tests replace them.
    """

    def __init__(
        self,
        app: App[Any],
        *,
        fds: Sequence[int] | None = None,
        detach_fds: Sequence[int] | None = None,
        check_interval: float = TTY_CHECK_INTERVAL,
        hard_exit_after: float = HARD_EXIT_AFTER,
        exit_app: Callable[[], None] | None = None,
        hard_exit: Callable[[], None] | None = None,
    ) -> None:
        self._app = app
        self._fds = list(_terminal_fds() if fds is None else fds)
        self._detach_fds = sorted({*self._fds, 0, 1, 2} if detach_fds is None else detach_fds)
        self._interval = check_interval
        self._hard_after = hard_exit_after
        self._exit_app = exit_app or (lambda: app.exit(return_code=0))
        self._hard_exit = hard_exit or _hard_exit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._check: asyncio.TimerHandle | None = None
        self._timer: threading.Timer | None = None
        self._installed: list[signal.Signals] = []
        self.exiting = False
        self.detached = False
        self.reason: str | None = None

    # ---- life cycle -----------------------------------------------------------------------

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle SIGTERM/SIGHUP on ``loop`` and start watching the terminal."""
        self._loop = loop
        for sig in _SIGNALS:
            try:
                loop.add_signal_handler(sig, self.on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                log.debug("cannot handle %s here", sig.name)
            else:
                self._installed.append(sig)
        if self._fds:
            self._check = loop.call_later(self._interval, self.check_terminal)

    def uninstall(self) -> None:
        """Remove the handlers, stop watching, and cancel the last-resort exit."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            for sig in self._installed:
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(sig)
        self._installed.clear()
        if self._check is not None:
            self._check.cancel()
            self._check = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    # ---- events ---------------------------------------------------------------------------

    def terminal_alive(self) -> bool:
        """True while every watched descriptor is still a terminal."""
        for fd in self._fds:
            try:
                if not os.isatty(fd):
                    return False
            except OSError:
                return False
        return True

    def on_signal(self, sig: signal.Signals) -> None:
        """SIGTERM or SIGHUP: exit cleanly (detached first if the terminal is gone)."""
        log.warning("received %s; exiting", sig.name)
        if sig is signal.SIGHUP and not self.terminal_alive():
            self.detach()
        self.exit(sig.name)

    def check_terminal(self) -> None:
        """The periodic check: exit when the terminal has gone away."""
        self._check = None
        if self.exiting:
            return
        if not self.terminal_alive():
            log.warning("the terminal went away; exiting")
            self.detach()
            self.exit("terminal lost")
            return
        if self._loop is not None:
            self._check = self._loop.call_later(self._interval, self.check_terminal)

    # ---- actions --------------------------------------------------------------------------

    def detach(self) -> None:
        """Point the terminal descriptors at /dev/null: reads see EOF, writes vanish."""
        if self.detached:
            return
        self.detached = True
        try:
            null = os.open(os.devnull, os.O_RDWR)
        except OSError:
            log.exception("cannot open %s; the exit may be slow", os.devnull)
            return
        try:
            for fd in self._detach_fds:
                with contextlib.suppress(OSError):
                    os.dup2(null, fd)
        finally:
            os.close(null)

    def exit(self, reason: str) -> None:
        """Ask the app to exit (once) and arm the last-resort exit."""
        if self.exiting:
            return
        self.exiting = True
        self.reason = reason
        self._timer = threading.Timer(self._hard_after, self._last_resort)
        self._timer.daemon = True
        self._timer.start()
        try:
            self._exit_app()
        except Exception:
            log.exception("asking the app to exit failed; ending the process")
            self._last_resort()

    def _last_resort(self) -> None:
        log.error("the app did not exit within %.0f s (%s); ending", self._hard_after, self.reason)
        self._hard_exit()


def _hard_exit() -> None:
    logging.shutdown()
    os._exit(0)


def run_app(app: App[Any], *, mouse: bool = True) -> int:
    """Run ``app`` in this terminal with a :class:`TerminalGuard`; returns the exit code."""

    async def main() -> None:
        guard = TerminalGuard(app)
        guard.install(asyncio.get_running_loop())
        try:
            await app.run_async(mouse=mouse)
        finally:
            guard.uninstall()
            if guard.reason is not None:
                log.warning("exited (%s)", guard.reason)

    freeze_startup()
    tune_allocator()
    asyncio.run(main())
    return app.return_code or 0
