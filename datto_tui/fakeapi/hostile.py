"""Hostile strings planted in the data when ``FakeConfig.hostile`` is set.

Real endpoints name themselves; users type site names and UDFs. The fake therefore serves the
kinds of text a terminal UI must survive: Rich markup (``[/]`` crashes a markup-parsing cell),
terminal escapes (an OSC sequence that sets the window title, screen clears, cursor moves), NUL
and other C0/C1 controls, 10k-character names, wide CJK and emoji, right-to-left text and bidi
overrides, and newlines in single-line fields.
"""

from __future__ import annotations

OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
CURSOR_HOME = "\x1b[H"
BIDI_OVERRIDE = "\u202e"

PAYLOADS: tuple[str, ...] = (
    "[/]",
    "[bold red]x",
    f"{OSC_TITLE}owned",
    f"{CLEAR_SCREEN}{CURSOR_HOME}cleared",
    "nul\x00byte",
    "bell\x07back\x08space\x7fdel\x9bcsi",
    "東京本社サーバー",
    "🔥💻🚨 emoji",
    "مكتب الرياض الرئيسي",
    f"{BIDI_OVERRIDE}gpj.exe",
    "line one\nline two\r\nline three",
    "[link=https://example.invalid]click[/link]",
    "tab\tseparated\tvalue",
)
"""Short hostile fragments; combined with normal text by :func:`hostile_text`."""

HUGE = "W" * 10_000
"""A 10,000-character value."""


def hostile_text(base: str, n: int) -> str:
    """A hostile variant of ``base``: payload ``n`` (cycled), sometimes a 10k-character value.

    The result still contains ``base`` so substring filters keep finding the record.
    """
    choice = n % (len(PAYLOADS) + 1)
    if choice == len(PAYLOADS):
        return f"{base}{HUGE}"
    return f"{base} {PAYLOADS[choice]}"
