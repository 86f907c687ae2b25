"""``datto-tui export`` end to end: the real client against the in-process fake service."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

from datto_tui.fakeapi import DEMO_API_SECRET

from .support import BASE_URL, ENV, harness

DEVICES = "/api/v2/account/devices"


def test_the_judged_scenario_every_device_exactly_once() -> None:
    # Thousands of devices (11 pages), absolute nextPageUrls, a token that expires while
    # paging, a revoked token (401), one 500 and one 504: every device exactly once.
    h = harness(tick=40.0, devices=2600, token_ttl=300.0, frozen=True)
    h.service.faults.once(DEVICES, "500", page=2)
    h.service.faults.once(DEVICES, "504", page=5)
    h.service.faults.once(DEVICES, "revoke_token", page=8)
    result = h.run("export", "devices", "--format", "json")
    assert result.code == 0, result.err
    uids = [record["uid"] for record in json.loads(result.out)]
    assert len(uids) == 2600
    assert sorted(uids) == sorted(h.service.world.devices)
    fired = sorted(f.kind for f in h.service.faults.fired)
    assert fired == ["500", "504", "revoke_token"]
    assert h.service.counters.token_grants >= 3  # first, after expiry, after the revocation
    statuses = [r.status for r in h.service.log.matching(DEVICES)]
    assert statuses.count(500) == 1 and statuses.count(504) == 1 and statuses.count(401) == 1


def test_devices_json_uses_the_api_field_names() -> None:
    h = harness()
    result = h.run("export", "devices")
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert len(records) == 600
    first = records[0]
    for key in ("uid", "id", "hostname", "siteUid", "siteName", "lastSeen", "deviceType"):
        assert key in first
    assert isinstance(first["lastSeen"], int)  # epoch ms
    assert result.err == ""  # no progress when stderr is not a terminal


def test_udf_values_are_masked_unless_revealed() -> None:
    h = harness()
    masked = h.run("export", "devices", "--format", "ndjson").out
    revealed = h.run("export", "devices", "--format", "ndjson", "--reveal-udfs").out
    masked_udfs = [json.loads(line)["udf"] for line in masked.splitlines()]
    revealed_udfs = [json.loads(line)["udf"] for line in revealed.splitlines()]
    values = {v for udf in masked_udfs for v in udf.values()}
    assert values == {"••••••"}
    assert any(v != "••••••" for udf in revealed_udfs for v in udf.values())


def test_alerts_ndjson_open_and_resolved() -> None:
    h = harness(frozen=True)
    open_alerts = h.run("export", "alerts", "--format", "ndjson")
    assert open_alerts.code == 0, open_alerts.err
    records = [json.loads(line) for line in open_alerts.out.splitlines()]
    assert {r["alertUid"] for r in records} == set(h.service.world.open_alerts)
    assert all(r["resolved"] is False for r in records)
    resolved = h.run("export", "alerts", "--resolved", "--format", "ndjson")
    assert resolved.code == 0, resolved.err
    records = [json.loads(line) for line in resolved.out.splitlines()]
    assert {r["alertUid"] for r in records} == set(h.service.world.resolved_alerts)
    assert all(r["resolved"] is True for r in records)


def test_site_filter() -> None:
    h = harness(frozen=True)
    world = h.service.world
    device = next(d for d in world.device_list if world.site_list[d.site].system is None)
    site_uid = world.site_list[device.site].uid
    result = h.run("export", "devices", "--site", site_uid, "--format", "ndjson")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert records
    assert {r["siteUid"] for r in records} == {site_uid}
    one_site = h.run("export", "sites", "--site", site_uid)
    assert [s["uid"] for s in json.loads(one_site.out)] == [site_uid]


def test_sites_csv() -> None:
    h = harness(frozen=True)
    result = h.run("export", "sites", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert {r["uid"] for r in rows} == set(h.service.world.sites)
    assert list(rows[0])[:3] == ["uid", "id", "name"]


def test_hostile_data_is_neutralised_in_csv_and_escaped_in_json() -> None:
    h = harness(hostile=True, frozen=True)
    as_csv = h.run("export", "devices", "--format", "csv")
    assert as_csv.code == 0, as_csv.err
    assert "\x1b" not in as_csv.out
    for row in csv.DictReader(io.StringIO(as_csv.out)):
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
    as_json = h.run("export", "devices", "--format", "ndjson")
    assert "\x1b" not in as_json.out and "\x9b" not in as_json.out
    assert len(as_json.out.splitlines()) == 600


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    h = harness(frozen=True)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "devices.csv"
    result = h.run("export", "devices", "--format", "csv", "--output", str(target))
    assert result.code == 0, result.err
    assert result.out == ""
    assert len(target.read_text("utf-8").splitlines()) == 601

    target.write_text("last good export")
    h.service.faults.once(DEVICES, "500", page=1, times=10)  # outlasts the retries
    failed = h.run("export", "devices", "--output", str(target))
    assert failed.code == 4
    assert "Traceback" not in failed.err
    assert target.read_text("utf-8") == "last good export"
    assert sorted(p.name for p in folder.iterdir()) == ["devices.csv"]


def test_revealed_export_file_is_private(tmp_path: Path) -> None:
    h = harness(frozen=True)
    target = tmp_path / "d.json"
    assert h.run("export", "devices", "--reveal-udfs", "-o", str(target)).code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_refused_credentials_exit_3_without_showing_the_secret() -> None:
    h = harness()
    env = dict(ENV, DATTO_API_SECRET="wrong-secret-value-1234")
    result = h.run("export", "sites", env=env)
    assert result.code == 3
    assert "refused" in result.err
    assert "wrong-secret-value-1234" not in result.err
    assert result.out == ""
    assert "Traceback" not in result.err


def test_unreachable_service_exits_4() -> None:
    h = harness()
    h.service.faults.once("/auth/oauth/token", "reset", times=20)
    result = h.run("export", "sites")
    assert result.code == 4
    assert "Traceback" not in result.err


def test_debug_log_holds_no_secret_or_token(isolated_home: Path) -> None:
    h = harness(tick=40.0, token_ttl=300.0, frozen=True)
    h.service.faults.once(DEVICES, "revoke_token", page=1)
    result = h.run("export", "devices", "--log-level", "DEBUG")
    assert result.code == 0, result.err
    log = (isolated_home / "xdg_state_home" / "datto-tui" / "datto-tui.log").read_text("utf-8")
    assert "fake.localhost" in log  # it did log the requests
    assert DEMO_API_SECRET not in log
    for token in h.service.auth._tokens:  # every token the service issued
        assert token not in log


def test_demo_export_needs_no_configuration(isolated_home: Path) -> None:
    h = harness()
    result = h.run("export", "sites", "--demo", env={})
    assert result.code == 0, result.err
    assert len(json.loads(result.out)) == 40  # the demo account's sites
    assert not (isolated_home / "xdg_config_home").exists()


def test_environment_only_base_url_is_used() -> None:
    h = harness()
    result = h.run("export", "sites", "--format", "ndjson")
    assert result.code == 0
    assert all(r.path.startswith(("/api/", "/auth/")) for r in h.service.log)
    assert BASE_URL.startswith("http://")
