"""Hostile data in exports and logs: faithful where it must be, inert everywhere.

- JSON and NDJSON carry every string exactly (they round-trip) but never a raw control
  character: JSON escapes them, so ``cat export.json`` cannot drive a terminal.
- CSV cells are neutralised (control characters visible) and formula-safe (``=``, ``+``, ``@``
  and non-numeric ``-`` get a leading apostrophe).
- The log file never holds a raw control character, whatever a message quotes.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path

import httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from datto_tui import logs
from datto_tui.api.models import MASK, Device
from datto_tui.export import make_writer
from datto_tui.fakeapi.hostile import HUGE, OSC_TITLE, PAYLOADS
from datto_tui.text import clean_block, csv_safe
from tests.reliability.support_cli import SECRET, CliRig, cli_rig

#: Control characters, C1, bidi controls: none may be written raw (``\n`` between lines may).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(A1:A9)", "-2+3", "=1")


def planted(**config: object) -> CliRig:
    """A hostile fake whose first devices carry every payload and every formula."""
    rig = cli_rig(hostile=True, **config)
    world = rig.service.world
    values = (*PAYLOADS, HUGE, *FORMULAS)
    for device, value in zip(world.device_list, values, strict=False):
        world.set_hostname(device.uid, value)
    return rig


def test_json_and_ndjson_round_trip_every_string_and_hold_no_raw_control() -> None:
    rig = planted()
    world = rig.service.world
    as_json = rig.run("export", "devices", "--format", "json")
    assert as_json.code == 0, as_json.err
    assert not RAW.search(as_json.out), RAW.search(as_json.out)
    records = {r["uid"]: r for r in json.loads(as_json.out)}
    assert {d.uid: d.hostname for d in world.device_list} == {
        uid: r["hostname"] for uid, r in records.items()
    }
    as_ndjson = rig.run("export", "devices", "--format", "ndjson")
    assert as_ndjson.code == 0, as_ndjson.err
    assert not RAW.search(as_ndjson.out)
    lines = as_ndjson.out.splitlines()
    assert len(lines) == len(world.device_list)
    assert [json.loads(line) for line in lines] == list(json.loads(as_json.out))
    alerts = rig.run("export", "alerts", "--format", "ndjson")
    assert alerts.code == 0 and not RAW.search(alerts.out)
    sites = rig.run("export", "sites", "--format", "json")
    assert sites.code == 0 and not RAW.search(sites.out)
    assert {s["name"] for s in json.loads(sites.out)} == {s.name for s in world.site_list}


def test_csv_cells_are_inert_and_formula_safe() -> None:
    rig = planted()
    world = rig.service.world
    result = rig.run("export", "devices", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out, newline="")))
    assert len(rows) == len(world.device_list)
    for row in rows:
        for name, cell in row.items():
            assert not RAW.search(cell), (name, cell[:60])
            if cell[:1] in ("=", "+", "@"):
                raise AssertionError(f"live formula in {name}: {cell[:60]!r}")
    by_uid = {row["uid"]: row for row in rows}
    for device in world.device_list:
        assert by_uid[device.uid]["hostname"] == csv_safe(clean_block(device.hostname, 1_000_000))
    shown = {row["hostname"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","x")' in shown
    assert "'-2+3" in shown and "'@SUM(A1:A9)" in shown
    assert "␛]0;pwned�owned" in shown
    alerts = rig.run("export", "alerts", "--format", "csv")
    assert alerts.code == 0
    for row in csv.DictReader(io.StringIO(alerts.out, newline="")):
        assert not any(RAW.search(cell) for cell in row.values())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
@example("\u200e\u200f\u061c\u202e\u2066\x85\x9b\x1b]0;t\x07=1")
def test_any_hostname_is_exported_faithfully_and_inertly(name: str) -> None:
    device = Device.from_api({"uid": "u1", "hostname": name, "udf": {"udf1": name}})
    for fmt in ("json", "ndjson", "csv"):
        out = io.StringIO()
        writer = make_writer("devices", fmt, out)
        writer.write(device)
        writer.close()
        text = out.getvalue()
        assert not RAW.search(text.replace("\r\n", "\n")), (fmt, name)
        if fmt == "ndjson":
            record = json.loads(text)
            assert record["hostname"] == name
            assert record["udf"].get("udf1") in (MASK, None)  # masked, whatever it held
        elif fmt == "csv":
            row = next(csv.DictReader(io.StringIO(text, newline="")))
            assert row["hostname"] == csv_safe(clean_block(name, 1_000_000))


def test_the_log_file_holds_no_raw_control_character(isolated_home: Path) -> None:
    rig = planted()
    body = {"error": f"{OSC_TITLE}[bold]x\x9bcsi\x07", "path": "/api/v2/account/sites"}
    failing = httpx.MockTransport(lambda r: httpx.Response(404, json=body))

    class Mixed(httpx.AsyncBaseTransport):
        """The fake, except that the site list answers a hostile 404."""

        def __init__(self) -> None:
            self.fake = httpx.ASGITransport(app=rig.service.asgi)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/api/v2/account/sites":
                return await failing.handle_async_request(request)
            return await self.fake.handle_async_request(request)

    result = rig.run("export", "sites", "--log-level", "DEBUG", transport=Mixed())
    assert result.code == 4
    assert "␛]0;pwned" in result.err and "\x1b" not in result.err
    path = logs.setup_logging("DEBUG")  # the same file, opened again for direct records
    log = logging.getLogger("datto_tui.test")
    for payload in (*PAYLOADS, HUGE):
        log.warning("device %s went offline", payload)
    try:
        raise ValueError(f"bad hostname {OSC_TITLE}\x1b[2J")
    except ValueError:
        log.exception("unexpected")
    logs.shutdown_logging()
    text = path.read_text("utf-8")
    assert "␛]0;pwned" in text  # the failure of the export, and the records above
    assert "bad hostname ␛]0;pwned�␛[2J" in text
    assert not RAW.search(text), RAW.search(text)
    assert SECRET not in text
    for token in rig.tokens:
        assert token not in text
