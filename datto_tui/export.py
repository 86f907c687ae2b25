"""Export writers: sites, devices and alerts as a JSON array, NDJSON or CSV, streamed page by page.

- JSON and NDJSON carry the API's own field names and wire types (``to_api()``: ``uid``,
  ``siteUid``, ``alertUid``, timestamps as epoch milliseconds), so files round-trip with other
  Datto tooling. The JSON array is written as it streams (``[``, one record per line, ``]``).
- CSV has flat columns with friendly names, ISO 8601 UTC timestamps, and every cell made inert for
  spreadsheets (:func:`datto_tui.text.csv_safe`) and terminals (control characters made visible).
- UDF values are masked unless ``reveal_udfs``.
- Records are written as each page arrives; only the set of uids already written is kept, so a
  record that appears on two pages (the list shifted while paging) is written once.
- :func:`atomic_output` writes to a temporary file beside the target and renames it into place
  only when the export finished: a failed export never leaves a half-written file.

This module never imports textual or rich.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sys
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Generic, Protocol, TextIO, TypeVar

from datto_tui.api.models import Alert, Device, Site
from datto_tui.text import clean_block, csv_safe

KINDS: Final = ("sites", "devices", "alerts")
FORMATS: Final = ("json", "ndjson", "csv")

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
Record = Site | Device | Alert

# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal would act on (C1 controls,
# bidi overrides and marks, the set datto_tui.text drops on screen); they only occur inside JSON
# strings, where \\uXXXX is equivalent.
_JSON_UNSAFE_RE: Final = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_CSV_CELL_LIMIT: Final = 1_000_000


def _json_line(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def iso(value: datetime | None) -> str:
    """``2026-05-01T12:00:00Z`` (UTC, seconds), or ``""``."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value)
    return csv_safe(clean_block(value, limit=_CSV_CELL_LIMIT))


# ---------------------------------------------------------------------------------------------
# CSV columns


@dataclass(frozen=True)
class CsvColumn(Generic[T]):
    """One CSV column: its header and how to read the value from a record."""

    header: str
    get: Callable[[T], object]


SITE_COLUMNS: Final[tuple[CsvColumn[Site], ...]] = (
    CsvColumn("uid", lambda s: s.uid),
    CsvColumn("id", lambda s: s.id),
    CsvColumn("name", lambda s: s.name),
    CsvColumn("description", lambda s: s.description),
    CsvColumn("devices", lambda s: s.number_of_devices),
    CsvColumn("online", lambda s: s.number_of_online_devices),
    CsvColumn("offline", lambda s: s.number_of_offline_devices),
    CsvColumn("on_demand", lambda s: s.on_demand),
    CsvColumn("autotask_company", lambda s: s.autotask_company_name),
    CsvColumn("autotask_company_id", lambda s: s.autotask_company_id),
    CsvColumn("notes", lambda s: s.notes),
    CsvColumn("portal_url", lambda s: s.portal_url),
)


def _udfs(device: Device, reveal: bool) -> str:
    values = device.udf.to_api(reveal=reveal)
    return "; ".join(f"{name}={value}" for name, value in values.items())


def device_columns(reveal_udfs: bool = False) -> tuple[CsvColumn[Device], ...]:
    """Device CSV columns; the ``udfs`` column lists ``udfN=value`` pairs, masked by default."""
    return (
        CsvColumn("uid", lambda d: d.uid),
        CsvColumn("id", lambda d: d.id),
        CsvColumn("hostname", lambda d: d.hostname),
        CsvColumn("site", lambda d: d.site_name),
        CsvColumn("site_uid", lambda d: d.site_uid),
        CsvColumn("online", lambda d: d.online),
        CsvColumn("last_seen", lambda d: d.last_seen),
        CsvColumn("category", lambda d: d.device_category),
        CsvColumn("type", lambda d: d.device_type),
        CsvColumn("class", lambda d: d.device_class),
        CsvColumn("operating_system", lambda d: d.operating_system),
        CsvColumn("64_bit", lambda d: d.a64_bit),
        CsvColumn("internal_ip", lambda d: d.int_ip_address),
        CsvColumn("external_ip", lambda d: d.ext_ip_address),
        CsvColumn("last_user", lambda d: d.last_logged_in_user),
        CsvColumn("domain", lambda d: d.domain),
        CsvColumn("description", lambda d: d.description),
        CsvColumn("agent_version", lambda d: d.display_version or d.cag_version),
        CsvColumn("reboot_required", lambda d: d.reboot_required),
        CsvColumn("last_reboot", lambda d: d.last_reboot),
        CsvColumn("last_audit", lambda d: d.last_audit_date),
        CsvColumn("created", lambda d: d.creation_date),
        CsvColumn("patch_status", lambda d: d.patch_status),
        CsvColumn("patches_approved_pending", lambda d: d.patches_approved_pending),
        CsvColumn("patches_not_approved", lambda d: d.patches_not_approved),
        CsvColumn("patches_installed", lambda d: d.patches_installed),
        CsvColumn("antivirus", lambda d: d.antivirus_product),
        CsvColumn("antivirus_status", lambda d: d.antivirus_status),
        CsvColumn("suspended", lambda d: d.suspended),
        CsvColumn("deleted", lambda d: d.deleted),
        CsvColumn("warranty_date", lambda d: d.warranty_date),
        CsvColumn("udfs", lambda d: _udfs(d, reveal_udfs)),
        CsvColumn("portal_url", lambda d: d.portal_url),
    )


ALERT_COLUMNS: Final[tuple[CsvColumn[Alert], ...]] = (
    CsvColumn("alert_uid", lambda a: a.alert_uid),
    CsvColumn("priority", lambda a: a.priority),
    CsvColumn("raised", lambda a: a.timestamp),
    CsvColumn("type", lambda a: a.context.label),
    CsvColumn("summary", lambda a: a.context.summary()),
    CsvColumn("device", lambda a: a.device_name),
    CsvColumn("device_uid", lambda a: a.device_uid),
    CsvColumn("site", lambda a: a.site_name),
    CsvColumn("site_uid", lambda a: a.site_uid),
    CsvColumn("diagnostics", lambda a: a.diagnostics),
    CsvColumn("resolved", lambda a: a.resolved),
    CsvColumn("resolved_on", lambda a: a.resolved_on),
    CsvColumn("resolved_by", lambda a: a.resolved_by),
    CsvColumn("ticket", lambda a: a.ticket_number),
    CsvColumn("context_class", lambda a: a.context.kind),
)


# ---------------------------------------------------------------------------------------------
# Writers


class RecordWriter(Protocol):
    """Writes records one at a time; ``close`` finishes the document (but not the stream)."""

    def write(self, record: Any) -> None: ...

    def close(self) -> None: ...


def to_api(record: Record, reveal_udfs: bool = False) -> dict[str, Any]:
    """A record with the API's field names (UDF values masked unless ``reveal_udfs``)."""
    if isinstance(record, Device):
        return record.to_api(reveal_udfs=reveal_udfs)
    return record.to_api()


class JsonArrayWriter:
    """A JSON array streamed one record per line: ``[``, ``{...},``, ..., ``]``.

    Nothing is written before the first record (or ``close``), so an export that fails before
    its first page leaves stdout empty rather than holding a lone ``[``.
    """

    def __init__(self, out: TextIO, reveal_udfs: bool = False) -> None:
        self._out = out
        self._reveal = reveal_udfs
        self._count = 0

    def write(self, record: Any) -> None:
        self._out.write(",\n" if self._count else "[\n")
        self._out.write(_json_line(to_api(record, self._reveal)))
        self._count += 1

    def close(self) -> None:
        self._out.write("\n]\n" if self._count else "[]\n")


class NdjsonWriter:
    """One JSON object per line (newline-delimited JSON)."""

    def __init__(self, out: TextIO, reveal_udfs: bool = False) -> None:
        self._out = out
        self._reveal = reveal_udfs

    def write(self, record: Any) -> None:
        self._out.write(_json_line(to_api(record, self._reveal)))
        self._out.write("\n")

    def close(self) -> None:
        pass


class CsvWriter(Generic[T]):
    """CSV with a header row; every cell neutralised (see the module docstring).

    The header is written with the first record (or by ``close``), not before.
    """

    def __init__(self, out: TextIO, columns: Sequence[CsvColumn[T]]) -> None:
        self._columns = tuple(columns)
        self._csv = csv.writer(out, lineterminator="\r\n")
        self._header_written = False

    def _header(self) -> None:
        if not self._header_written:
            self._csv.writerow([csv_safe(c.header) for c in self._columns])
            self._header_written = True

    def write(self, record: T) -> None:
        self._header()
        self._csv.writerow([_cell(c.get(record)) for c in self._columns])

    def close(self) -> None:
        self._header()


def make_writer(kind: str, fmt: str, out: TextIO, *, reveal_udfs: bool = False) -> RecordWriter:
    """The writer of ``fmt`` (json, ndjson, csv) for ``kind`` (sites, devices, alerts)."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if fmt == "json":
        return JsonArrayWriter(out, reveal_udfs)
    if fmt == "ndjson":
        return NdjsonWriter(out, reveal_udfs)
    if fmt == "csv":
        if kind == "sites":
            return CsvWriter(out, SITE_COLUMNS)
        if kind == "devices":
            return CsvWriter(out, device_columns(reveal_udfs))
        return CsvWriter(out, ALERT_COLUMNS)
    raise ValueError(f"unknown export format {fmt!r}")


def record_key(record: Any) -> str | None:
    """The identity of a record, for de-duplication across pages."""
    if isinstance(record, Alert):
        return record.alert_uid or None
    if isinstance(record, Site | Device):
        return record.uid or None
    return None


# ---------------------------------------------------------------------------------------------
# Streaming


class PageLike(Protocol[T_co]):
    """What the export needs of a page: its records, and the total count when the API gives it."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def total_count(self) -> int | None: ...


@dataclass
class ExportResult:
    written: int = 0
    duplicates: int = 0
    total: int | None = None


ProgressCallback = Callable[[int, int | None], None]


async def write_pages(
    pages: AsyncIterable[PageLike[Any]],
    writer: RecordWriter,
    progress: ProgressCallback | None = None,
) -> ExportResult:
    """Write each page's records as it arrives; skip records whose uid was already written.

    ``progress(written, total)`` is called after every page. ``writer.close()`` is called only
    when every page was written (so a failed export leaves an unfinished document, which
    :func:`atomic_output` then throws away).
    """
    result = ExportResult()
    seen: set[str] = set()
    async for page in pages:
        if page.total_count is not None:
            result.total = page.total_count
        for record in page.items:
            key = record_key(record)
            if key is not None:
                if key in seen:
                    result.duplicates += 1
                    continue
                seen.add(key)
            writer.write(record)
            result.written += 1
        if progress is not None:
            progress(result.written, result.total)
    writer.close()
    return result


async def single_page(fetch: Callable[[], Any]) -> AsyncIterator[PageLike[Any]]:
    """One page holding the single record ``await fetch()`` returns (``export sites --site``)."""
    record = await fetch()
    yield _OnePage((record,))


@dataclass(frozen=True)
class _OnePage:
    items: Sequence[Any]
    total_count: int | None = 1


class Progress:
    """``Exporting devices: 1,250 / 2,500`` on one terminal line of ``stream``."""

    def __init__(self, kind: str, stream: TextIO) -> None:
        self._kind = kind
        self._stream = stream
        self._shown = False

    def __call__(self, written: int, total: int | None) -> None:
        of = f" / {total:,}" if total is not None else ""
        self._stream.write(f"\rExporting {self._kind}: {written:,}{of}\x1b[K")
        self._stream.flush()
        self._shown = True

    def finish(self, message: str) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
        self._stream.write(message + "\n")
        self._stream.flush()


@contextlib.contextmanager
def atomic_output(
    path: Path | None, stdout: TextIO | None = None, *, private: bool = False
) -> Iterator[TextIO]:
    """A text stream for the export: ``stdout`` when ``path`` is None, else a temporary file
    beside ``path`` that replaces it only if the block exits without an exception.

    The file gets the usual permissions of a new file (the umask), since exports are meant to be
    shared, or 0600 when ``private`` (UDF values revealed).
    """
    if path is None:
        stream = stdout or sys.stdout
        yield stream
        stream.flush()
        return
    target = path.expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
