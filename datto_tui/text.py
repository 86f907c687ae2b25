"""Neutralising untrusted text from the service before it is shown.

Hostnames, site names, diagnostics and UDFs come from thousands of endpoints and their users:
they can hold terminal escapes (an OSC sequence that sets the window title, cursor moves), C0/C1
control characters, NUL, bidirectional overrides, newlines in single-line fields and 10k-character
values. :func:`clean_line` and :func:`clean_block` turn any such string into plain text that is
safe to put on a terminal line: control characters become visible (``␛`` for ESC, ``�`` for the
rest), line breaks become ``⏎`` (single-line) or stay as ``\\n`` (block), bidi controls are
dropped, and length is capped. The result is still plain text: widgets must render it without
markup parsing (``rich.text.Text(value)``, never a ``str`` cell, which Rich parses as markup).
"""

from __future__ import annotations

import re

# Bidirectional embedding/override/isolate controls: they reorder what follows on the line.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_ESC_VISIBLE = "␛"
_CONTROL_VISIBLE = "�"
_NEWLINE_VISIBLE = "⏎"

# C0 controls except TAB/LF/CR (handled separately), DEL, and C1 controls.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_BIDI_RE = re.compile(f"[{_BIDI}]")
_LINEBREAK_RE = re.compile("\r\n|[\r\n\u2028\u2029\x85]")

DEFAULT_LINE_LIMIT = 500
DEFAULT_BLOCK_LIMIT = 20_000


def _neutralise(text: str) -> str:
    text = _BIDI_RE.sub("", text)
    text = text.replace("\x1b", _ESC_VISIBLE)
    return _CONTROL_RE.sub(_CONTROL_VISIBLE, text)


def clean_line(value: object, limit: int = DEFAULT_LINE_LIMIT) -> str:
    """A single safe line: no control characters, no line breaks, at most ``limit`` characters.

    ``None`` becomes ``""``; other non-strings use ``str()``. Tabs become spaces.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and len(text) <= limit:
        return text  # the common case: nothing to do
    text = _LINEBREAK_RE.sub(_NEWLINE_VISIBLE, text).replace("\t", " ")
    text = _neutralise(text)
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def clean_block(value: object, limit: int = DEFAULT_BLOCK_LIMIT) -> str:
    """Safe multi-line text: line breaks normalised to ``\\n``, everything else as in clean_line."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _LINEBREAK_RE.sub("\n", text).replace("\t", "    ")
    text = _neutralise(text)
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Defuse spreadsheet formula injection in CSV exports (a cell starting ``=`` runs in Excel).

    Numbers such as ``-5`` are left alone; other text starting with a formula character gets a
    leading apostrophe, which spreadsheets hide.
    """
    if value.startswith(_CSV_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value
