"""Imports httpx without its command-line client (imported first by :mod:`datto_tui.api`).

When click is installed, importing httpx also imports click, pygments and rich for httpx's own
command-line client: about 40 ms of a start that should take well under a second, and rich in a
layer that never uses it. httpx leaves that client out when click cannot be imported, so click
is made unimportable for the length of the import, then importable again.
"""

from __future__ import annotations

import sys


def import_httpx() -> None:
    """Import httpx, leaving its command-line client out (nothing to do once either httpx or
    click is imported)."""
    if "httpx" in sys.modules or "click" in sys.modules:
        return
    sys.modules["click"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        del sys.modules["click"]


import_httpx()
