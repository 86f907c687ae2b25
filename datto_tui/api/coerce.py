"""Lenient readers for untrusted JSON values.

The real service declares almost nothing required and sends nulls everywhere; enums are open;
timestamps are documented as ISO strings but arrive as epoch milliseconds. Each reader here takes
any JSON value and returns the expected type or ``None``; none of them ever raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# .NET DateTime.MinValue in epoch ms: the service's way of saying "never".
DOTNET_MIN_MS = -62_135_596_800_000
# Values above this are milliseconds, below it seconds (1e11 s is the year 5138; 1e11 ms is 1973).
_MS_THRESHOLD = 100_000_000_000
# Datetimes outside this range are treated as garbage rather than raising OverflowError.
_MIN_EPOCH_S = -2_208_988_800  # 1900-01-01
_MAX_EPOCH_S = 32_503_680_000  # 3000-01-01


def as_str(value: Any) -> str | None:
    """A string, or None. Numbers become their text; other types are dropped."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def as_int(value: Any) -> int | None:
    """An int, or None. Accepts integral floats and numeric strings."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    """A finite float, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if result == result and result not in (float("inf"), float("-inf")) else None


def as_bool(value: Any) -> bool | None:
    """A bool, or None. Accepts "true"/"false" strings and 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
    return None


def as_dict(value: Any) -> Mapping[str, Any]:
    """A mapping (possibly empty); anything else becomes ``{}``."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A list (possibly empty); anything else becomes ``[]``."""
    return value if isinstance(value, list) else []


def as_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from epoch ms, epoch s or an ISO-8601 string; else None.

    ``-62135596800000`` (.NET's minimum date) and out-of-range values mean "no date".
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value != value or value == DOTNET_MIN_MS:
            return None
        seconds = value / 1000.0 if abs(value) >= _MS_THRESHOLD else float(value)
        if not _MIN_EPOCH_S <= seconds <= _MAX_EPOCH_S:
            return None
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        number = as_float(text)
        if number is not None:
            return as_datetime(number)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            aware = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
            in_range = _MIN_EPOCH_S <= aware.timestamp() <= _MAX_EPOCH_S
        except (ValueError, OverflowError):
            return None
        return aware if in_range else None
    return None


def as_epoch_ms_datetime(value: Any) -> datetime | None:
    """:func:`as_datetime`, faster for the common wire form (an int of epoch milliseconds)."""
    if type(value) is int and _MIN_FAST_MS <= value <= _MAX_FAST_MS:
        return _fromtimestamp(value / 1000.0, UTC)
    return as_datetime(value)


_MIN_FAST_MS = _MS_THRESHOLD
_MAX_FAST_MS = _MAX_EPOCH_S * 1000
_fromtimestamp = datetime.fromtimestamp


def to_epoch_ms(value: datetime | None) -> int | None:
    """The API's wire form of a datetime: integer epoch milliseconds."""
    return None if value is None else round(value.timestamp() * 1000)
