"""The export writers on their own: formats, masking, neutralising, streaming, atomic output."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from datto_tui.api.models import Alert, Device, Site
from datto_tui.export import (
    atomic_output,
    iso,
    make_writer,
    write_pages,
)

SEEN_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def device(uid: str, hostname: str = "pc-1", **extra: Any) -> Device:
    data: dict[str, Any] = {
        "uid": uid,
        "id": 1,
        "hostname": hostname,
        "siteUid": "site-1",
        "siteName": "Acme",
        "lastSeen": SEEN_MS,
        "online": True,
        "deviceType": {"category": "Desktop", "type": "Desktop"},
        "udf": {"udf1": "BitLocker-123456", "udf2": None, "udf10": "x"},
    }
    data.update(extra)
    return Device.from_api(data)


def alert(uid: str) -> Alert:
    return Alert.from_api(
        {
            "alertUid": uid,
            "priority": "High",
            "timestamp": SEEN_MS,
            "diagnostics": "line one\nline two",
            "alertContext": {"@class": "perf_disk_usage_ctx", "diskName": "C:", "percentage": 95},
            "alertSourceInfo": {"deviceUid": "d1", "deviceName": "pc-1", "siteUid": "s1"},
        }
    )


@dataclass(frozen=True)
class FakePage:
    items: list[Any]
    total_count: int | None


async def pages_of(*pages: Sequence[Any], total: int | None = None) -> AsyncIterator[FakePage]:
    for items in pages:
        yield FakePage(list(items), total)


async def export(kind: str, fmt: str, *pages: Sequence[Any], reveal: bool = False) -> str:
    out = io.StringIO()
    writer = make_writer(kind, fmt, out, reveal_udfs=reveal)
    await write_pages(pages_of(*pages), writer)
    return out.getvalue()


async def test_json_is_an_array_with_api_field_names() -> None:
    text = await export("devices", "json", [device("d1")], [device("d2", "pc-2")])
    data = json.loads(text)
    assert [d["uid"] for d in data] == ["d1", "d2"]
    assert data[0]["hostname"] == "pc-1"
    assert data[0]["siteUid"] == "site-1"
    assert data[0]["lastSeen"] == SEEN_MS  # epoch ms, as the API sends it
    assert data[0]["deviceType"] == {"category": "Desktop", "type": "Desktop"}
    assert text.startswith("[\n{") and text.endswith("}\n]\n")


async def test_nothing_is_written_before_the_first_record() -> None:
    out = io.StringIO()
    make_writer("devices", "json", out)
    make_writer("devices", "csv", out)
    assert out.getvalue() == ""


async def test_empty_json_is_an_empty_array() -> None:
    assert json.loads(await export("alerts", "json")) == []
    assert await export("alerts", "ndjson") == ""


async def test_ndjson_is_one_object_per_line() -> None:
    text = await export("alerts", "ndjson", [alert("a1"), alert("a2")])
    lines = text.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["alertUid"] == "a1"
    assert first["priority"] == "High"
    assert first["timestamp"] == SEEN_MS
    assert first["alertContext"]["@class"] == "perf_disk_usage_ctx"
    assert first["alertSourceInfo"]["deviceUid"] == "d1"


async def test_udf_values_are_masked_unless_revealed() -> None:
    masked = await export("devices", "ndjson", [device("d1")])
    assert "BitLocker-123456" not in masked
    assert json.loads(masked)["udf"] == {"udf1": "••••••", "udf10": "••••••"}
    revealed = await export("devices", "ndjson", [device("d1")], reveal=True)
    assert json.loads(revealed)["udf"] == {"udf1": "BitLocker-123456", "udf10": "x"}
    masked_csv = await export("devices", "csv", [device("d1")])
    assert "BitLocker-123456" not in masked_csv
    assert "udf1=••••••" in masked_csv
    assert "udf1=BitLocker-123456" in await export("devices", "csv", [device("d1")], reveal=True)


async def test_csv_has_friendly_columns_and_iso_times() -> None:
    text = await export("devices", "csv", [device("d1")])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["uid"] == "d1"
    assert rows[0]["hostname"] == "pc-1"
    assert rows[0]["site"] == "Acme"
    assert rows[0]["last_seen"] == "2026-01-01T00:00:00Z"
    assert rows[0]["online"] == "true"
    assert rows[0]["description"] == ""
    alerts = list(csv.DictReader(io.StringIO(await export("alerts", "csv", [alert("a1")]))))
    assert alerts[0]["raised"] == "2026-01-01T00:00:00Z"
    assert alerts[0]["type"] == "Disk usage"
    assert alerts[0]["diagnostics"] == "line one\nline two"
    sites = [Site.from_api({"uid": "s1", "name": "Acme", "devicesStatus": {"numberOfDevices": 3}})]
    site_rows = list(csv.DictReader(io.StringIO(await export("sites", "csv", sites))))
    assert (site_rows[0]["name"], site_rows[0]["devices"]) == ("Acme", "3")


async def test_csv_cells_are_inert_in_spreadsheets_and_terminals() -> None:
    hostile = device(
        "d1",
        '=HYPERLINK("http://evil")',
        description="\x1b]0;pwned\x07 +cmd|calc",
        domain="-42",
    )
    text = await export("devices", "csv", [hostile])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["hostname"] == '\'=HYPERLINK("http://evil")'
    assert "\x1b" not in text and "\x07" not in text
    assert row["description"].startswith("␛]0;pwned")
    assert row["domain"] == "-42"  # a number stays a number


async def test_json_escapes_what_a_terminal_would_obey() -> None:
    hostile = device("d1", "pc\x1b[2J\x9b31m\u202eevil")
    text = await export("devices", "ndjson", [hostile])
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert json.loads(text)["hostname"] == "pc\x1b[2J\x9b31m\u202eevil"  # the data is intact


async def test_a_record_on_two_pages_is_written_once() -> None:
    out = io.StringIO()
    writer = make_writer("devices", "ndjson", out)
    result = await write_pages(
        pages_of([device("d1"), device("d2")], [device("d2"), device("d3")], total=3), writer
    )
    assert [json.loads(line)["uid"] for line in out.getvalue().splitlines()] == ["d1", "d2", "d3"]
    assert (result.written, result.duplicates, result.total) == (3, 1, 3)


async def test_progress_is_reported_per_page() -> None:
    calls: list[tuple[int, int | None]] = []
    writer = make_writer("devices", "ndjson", io.StringIO())
    await write_pages(
        pages_of([device("a")], [device("b")], total=2),
        writer,
        lambda written, total: calls.append((written, total)),
    )
    assert calls == [(1, 2), (2, 2)]


def test_iso() -> None:
    assert iso(None) == ""
    assert iso(Device.from_api({"lastSeen": SEEN_MS}).last_seen) == "2026-01-01T00:00:00Z"


def test_unknown_kind_or_format() -> None:
    with pytest.raises(ValueError, match="kind"):
        make_writer("users", "json", io.StringIO())
    with pytest.raises(ValueError, match="format"):
        make_writer("sites", "xml", io.StringIO())


def read(path: Path) -> str:
    return path.read_text("utf-8")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous export")

    async def failing() -> AsyncIterator[FakePage]:
        yield FakePage([device("d1")], None)
        raise RuntimeError("the service went away")

    with pytest.raises(RuntimeError), atomic_output(target) as out:
        await write_pages(failing(), make_writer("devices", "json", out))
    assert read(target) == "previous export"
    assert listing(tmp_path) == ["out.json"]

    with atomic_output(target) as out:
        await write_pages(pages_of([device("d1")]), make_writer("devices", "json", out))
    assert json.loads(read(target))[0]["uid"] == "d1"
    assert listing(tmp_path) == ["out.json"]


def test_revealed_exports_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "open.csv") as out:
            out.write("x")
    finally:
        os.umask(old)
    with atomic_output(tmp_path / "private.csv", private=True) as out:
        out.write("x")
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "open.csv").stat().st_mode) == 0o644  # as any new file


def test_atomic_output_to_stdout_stream() -> None:
    stream = io.StringIO()
    with atomic_output(None, stream) as out:
        out.write("hello")
    assert stream.getvalue() == "hello"
