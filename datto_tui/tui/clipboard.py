"""Copying values and opening portal links, in a terminal that may be remote.

Copy uses ``App.copy_to_clipboard``, which writes the OSC 52 escape (``ESC ] 52 ; c ; <base64>
BEL``) to the terminal: the terminal in front of the operator sets its clipboard, so copying
works over SSH too. Inside tmux the sequence reaches the outer terminal when tmux has
``set -g set-clipboard on``. The app also keeps the text (``App.clipboard``).

Opening a link never blocks the UI and never starts a browser inside the terminal:

- under textual-serve the link is handed to the user's browser (``App.open_url``);
- otherwise a *graphical* browser is used when one is reachable (:func:`gui_browser`): not in an
  SSH session (a browser would open on the remote machine), on Linux/BSD only with a display
  (``DISPLAY``/``WAYLAND_DISPLAY``), and never a console browser (lynx, w3m, a ``BROWSER``
  command that runs in the foreground) that would fight the dashboard for the terminal. It is
  started in a thread;
- when there is none, the link is copied instead, and the toast says so.

Links (:func:`portal_link`): the record's own ``portalUrl`` when it is a plain ``https`` URL,
else one built from the platform's portal (``/device/<id>``, ``/site/<id>``, ``/alert/<uid>``).
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from textual.app import App

from datto_tui.api.models import Alert, Device, Site
from datto_tui.text import clean_line

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


def safe_url(value: str | None) -> str | None:
    """``value`` if it is a plain ``https://host/...`` URL without spaces or controls, else None."""
    if not value or len(value) > 2000 or not value.isprintable() or " " in value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return None
    return value


def portal_link(item: Device | Site | Alert, portal: str | None) -> str | None:
    """The portal page of a device, site or alert (see the module docstring), or None."""
    own = getattr(item, "portal_url", None)
    if isinstance(own, str) and safe_url(own):
        return own
    base = safe_url(portal)
    if base is None:
        return None
    base = base.rstrip("/")
    if isinstance(item, Alert):
        return f"{base}/alert/{quote(item.alert_uid, safe='')}" if item.alert_uid else None
    kind = "device" if isinstance(item, Device) else "site"
    return f"{base}/{kind}/{item.id}" if item.id is not None else None


def gui_browser(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> webbrowser.BaseBrowser | None:
    """A graphical browser this process can start without touching the terminal, or None."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if any(env.get(name) for name in _SSH_VARIABLES):
        return None
    if plat not in ("darwin", "win32") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return None
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    if isinstance(browser, webbrowser.BackgroundBrowser):
        return browser
    if isinstance(browser, webbrowser.GenericBrowser):
        return None  # runs in the foreground: a console browser or a blocking command
    if isinstance(browser, webbrowser.UnixBrowser) and not browser.background:
        return None  # elinks-style: lives in the terminal
    return browser


def copy_text(app: App[Any], label: str, value: str) -> None:
    """Copy ``value`` (OSC 52 and the app's clipboard) and say what was copied."""
    app.copy_to_clipboard(value)
    shown = clean_line(value, 80)
    app.notify(f"Copied {label}: {shown}", title="Clipboard", timeout=4, markup=False)


def open_link(app: App[Any], url: str, what: str) -> None:
    """Open ``url`` in a browser if one is reachable, else copy it (see the module docstring)."""
    if app.is_web:
        app.open_url(url)
        app.notify(f"Opening {what} in your browser.", timeout=4, markup=False)
        return
    browser = gui_browser()
    if browser is None:
        app.copy_to_clipboard(url)
        app.notify(
            f"No browser reachable from here; copied the link of {what}: {clean_line(url, 100)}",
            title="Clipboard",
            timeout=6,
            markup=False,
        )
        return

    def start() -> None:
        try:
            browser.open(url, new=2)
        except Exception:  # a browser that fails to start is only reported
            app.call_from_thread(
                app.notify,
                f"The browser did not start; the link of {what} is on the clipboard.",
                severity="warning",
                markup=False,
            )
            app.call_from_thread(app.copy_to_clipboard, url)

    app.run_worker(start, thread=True, group="browser", exit_on_error=False)
    app.notify(f"Opening {what} in the browser.", timeout=4, markup=False)
