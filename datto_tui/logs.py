"""The log file, and the filter that keeps secrets out of it.

:func:`setup_logging` sends every record of the ``datto_tui`` loggers (and of httpx) to a rotating
file ``datto-tui.log`` under ``platformdirs.user_state_dir("datto-tui")`` (5 files of 1 MB, mode
0600). Nothing is logged to the terminal: the dashboard owns it.

:class:`RedactingFilter` is attached to that handler and rewrites every record before it is
written (message, arguments, exception and stack text): the values given to
:func:`register_secret` (the API secret, UDF values), bearer tokens, ``access_token`` /
``refresh_token`` / ``password`` values in JSON, forms and query strings, Basic and Bearer
``Authorization`` headers, JWTs and ``udfN`` values all become ``***``. It also makes control
characters visible (:func:`datto_tui.text.clean_block`): a hostname quoted in a message cannot
drive the terminal of someone reading the log with ``tail -f`` or ``less -R``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Final

import platformdirs

from datto_tui.text import clean_block

LOG_FILENAME: Final = "datto-tui.log"
MAX_BYTES: Final = 1_000_000
BACKUP_COUNT: Final = 5
REDACTED: Final = "***"
LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
_LOGGERS: Final = ("datto_tui", "httpx", "httpcore")
# Values shorter than this are not registered: masking "ab" everywhere would garble the log.
_MIN_SECRET_LENGTH: Final = 4
# A record longer than this is cut (a 10k-character hostname quoted many times).
_MAX_RECORD_LENGTH: Final = 100_000

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secret_re: re.Pattern[str] | None = None

_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # Authorization: Bearer xxx / Basic xxx (header lines, reprs of header dicts)
    (
        re.compile(r"(?i)\b(bearer|basic)(\s+|['\"]?\s*[:=]\s*['\"]?)[A-Za-z0-9._~+/=-]+"),
        r"\1\2***",
    ),
    # "access_token": "xxx", 'password': 'xxx' (JSON, Python reprs)
    (
        re.compile(
            r"(?i)([\"']?(?:access_token|refresh_token|id_token|password|api_secret|secret|"
            r"apiSecretKey|client_secret)[\"']?\s*[:=]\s*[\"'])([^\"']*)([\"'])"
        ),
        r"\1***\3",
    ),
    # access_token=xxx&... password=xxx (forms, query strings)
    (
        re.compile(
            r"(?i)\b(access_token|refresh_token|id_token|password|api_secret|client_secret)"
            r"=([^&\s\"']+)"
        ),
        r"\1=***",
    ),
    # "udf7": "BitLocker key" (device JSON, dict reprs)
    (re.compile(r"([\"']udf\d+[\"']\s*:\s*[\"'])([^\"']*)([\"'])"), r"\1***\3"),
    # a JWT anywhere
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
)


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every later log record (API secret, token, UDF value, ...)."""
    global _secret_re
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
        _secret_re = re.compile("|".join(re.escape(s) for s in ordered))


def register_secrets(values: Iterable[str | None]) -> None:
    for value in values:
        register_secret(value)


def forget_secrets() -> None:
    """Drop every registered value (for tests)."""
    global _secret_re
    with _secrets_lock:
        _secrets.clear()
        _secret_re = None


def redact(text: str) -> str:
    """``text`` with every registered secret and every credential-shaped value masked."""
    pattern = _secret_re
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    for regex, replacement in _PATTERNS:
        text = regex.sub(replacement, text)
    return text


def _inert(text: str) -> str:
    """``text`` redacted, with control characters made visible (line breaks kept)."""
    return clean_block(redact(text), _MAX_RECORD_LENGTH)


class RedactingFilter(logging.Filter):
    """Rewrites each record in place so that no secret and no raw control character reaches a
    handler; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = _inert(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _inert(record.exc_text)
        if record.stack_info:
            record.stack_info = _inert(record.stack_info)
        return True


class _PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files (current and rotated) are created with mode 0600."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def default_log_path() -> Path:
    """``datto-tui.log`` in the user's state folder for datto-tui."""
    return Path(platformdirs.user_state_dir("datto-tui")) / LOG_FILENAME


_handler: logging.Handler | None = None
_saved_levels: dict[str, int] = {}


def parse_level(name: str) -> int:
    """``"debug"`` -> ``logging.DEBUG``; raises ValueError for anything else."""
    upper = name.strip().upper()
    if upper not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, got {name!r}")
    return int(getattr(logging, upper))


def setup_logging(level: str = "WARNING", path: Path | None = None) -> Path:
    """Send datto-tui's log records at ``level`` and above to the rotating, redacted log file.

    Calling it again replaces the previous handler. The folder is created with mode 0700 and
    the file with 0600. Returns the path of the log file. Raises ValueError for an unknown level
    and OSError when the file cannot be opened.
    """
    global _handler
    numeric = parse_level(level)
    target = path or default_log_path()
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=0o700)
    handler = _PrivateRotatingFileHandler(
        target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    handler.setLevel(numeric)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _handler is not None:
            logger.removeHandler(_handler)
        _saved_levels.setdefault(name, logger.level)
        logger.addHandler(handler)
        # httpcore's DEBUG is a line per socket event: never worth the noise.
        logger.setLevel(max(numeric, logging.INFO) if name == "httpcore" else numeric)
    if _handler is not None:
        _handler.close()
    _handler = handler
    return target


def shutdown_logging() -> None:
    """Detach and close the log file handler and restore the loggers' levels (for tests and
    clean exits)."""
    global _handler
    if _handler is None:
        return
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(_handler)
        logger.setLevel(_saved_levels.pop(name, logging.NOTSET))
    _handler.close()
    _handler = None
