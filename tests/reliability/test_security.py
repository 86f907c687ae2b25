"""What the tool stores, where secrets may go, and where they never do.

- Files: the config, the token cache and the log are written 0600 in folders of mode 0700 in
  the user's own folders; a world-readable config or token cache is fixed (with a warning).
- Secrets (the API secret, bearer tokens, UDF values) never appear in the log, in error
  messages, in ``doctor`` or ``config show`` output, in exports without ``--reveal-udfs``, or in
  any screenshot or snapshot picture in the repository.
- The bearer token only ever goes to the configured origin; plain http only to loopback; the
  fake service binds loopback unless told otherwise.
- Writes are never retried: a failed resolve or quick job is exactly one request.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from datto_tui import cli
from datto_tui.api.client import DattoClient
from datto_tui.api.errors import ConfigurationError, DattoError, NetworkError, ServerError
from datto_tui.api.platforms import normalise_base_url
from datto_tui.clock import FakeClock
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService
from datto_tui.fakeapi.serve import DEFAULT_HOST, add_arguments, run
from datto_tui.monitor.events import Resource
from tests.reliability.support import DEVICES, SIZE, make_rig, poll_once
from tests.reliability.support_cli import BASE_URL, SECRET, cli_rig

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------------------------------------
# Files and their modes, end to end over loopback


@pytest.fixture
def fake_api() -> Iterator[str]:
    """``datto-tui fake-api`` on a free loopback port; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "datto_tui", "fake-api", "--port", "0", "--frozen", "--sites", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        yield match.group(1)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_config_token_cache_and_log_are_private(fake_api: str, isolated_home: Path) -> None:
    env = {
        "XDG_CONFIG_HOME": str(isolated_home / "xdg_config_home"),
        "XDG_CACHE_HOME": str(isolated_home / "xdg_cache_home"),
        "XDG_STATE_HOME": str(isolated_home / "xdg_state_home"),
        "DATTO_API_SECRET": DEMO_API_SECRET,
        "NO_PROXY": "*",
    }
    out = subprocess.run(
        [sys.executable, "-m", "datto_tui", "config", "init", "--api-url", fake_api,
         "--api-key", DEMO_API_KEY, "--profile", "lab"],
        env=dict(os.environ, **env), capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    export = subprocess.run(
        [sys.executable, "-m", "datto_tui", "export", "devices", "--log-level", "DEBUG"],
        env=dict(os.environ, **env), capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    config = isolated_home / "xdg_config_home" / "datto-tui" / "config.toml"
    tokens = list((isolated_home / "xdg_cache_home" / "datto-tui" / "tokens").glob("*.json"))
    log = isolated_home / "xdg_state_home" / "datto-tui" / "datto-tui.log"
    assert len(tokens) == 1
    for path in (config, tokens[0], log):
        assert mode(path) == 0o600, path
        assert mode(path.parent) == 0o700, path.parent
    token = json.loads(tokens[0].read_text())["access_token"]
    assert (
        DEMO_API_SECRET not in tokens[0].read_text()
    )  # the cache holds the token, never the secret
    for text in (config.read_text(), log.read_text(), export.stdout, export.stderr, out.stdout):
        assert DEMO_API_SECRET not in text
        assert token not in text
    assert "DATTO_API_SECRET" in config.read_text()  # the file names the variable, not the value
    # A world-readable token cache is ignored (a new token is fetched) and rewritten 0600.
    tokens[0].chmod(0o644)
    again = subprocess.run(
        [sys.executable, "-m", "datto_tui", "export", "sites"],
        env=dict(os.environ, **env), capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert mode(tokens[0]) == 0o600
    assert json.loads(tokens[0].read_text())["access_token"] != token
    assert "other users may read it" in log.read_text()


# ---------------------------------------------------------------------------------------------
# Secrets in outputs


def udf_secrets(service: FakeService) -> set[str]:
    """The secret-looking UDF values of the fake (BitLocker recovery keys, LAPS passwords)."""
    world = service.world
    values: set[str] = set()
    for device in world.device_list:
        for name, value in world.traits(device).udf.items():
            if value and name in ("udf5", "udf6"):
                values.add(value)
    assert values, "the fake has no secret-looking UDFs to look for"
    return values


def test_doctor_config_show_exports_and_errors_never_show_secrets(tmp_path: Path) -> None:
    rig = cli_rig()
    secrets = udf_secrets(rig.service)
    outputs: list[str] = []
    doctor = rig.run("doctor")
    assert doctor.code == 0, doctor.out
    outputs += [doctor.out, doctor.err]
    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.main]\napi_url = "{BASE_URL}"\napi_key = "{DEMO_API_KEY}"\n'
                      f'api_secret = "{SECRET}"\n')  # fmt: skip
    config.chmod(0o600)
    show = rig.run("--config", str(config), "config", "show")
    assert show.code == 0, show.err
    assert "api_secret" in show.out and "(set)" in show.out
    outputs += [show.out, show.err]
    for fmt in ("json", "ndjson", "csv"):
        export = rig.run("export", "devices", "--format", fmt)
        assert export.code == 0, export.err
        outputs += [export.out, export.err]
    revealed = rig.run("export", "devices", "--reveal-udfs")
    assert any(value in revealed.out for value in secrets)  # the search can find them
    # Error paths: a service that echoes the secret and the token in every error body.
    for status in (400, 401, 403, 404, 409, 429, 500):
        token = rig.tokens[-1] if rig.tokens else "none"
        body = {"error": f"bad {SECRET}", "error_description": f"token {token}", "path": "/x"}

        def echo(
            request: httpx.Request,
            status: int = status,
            body: dict[str, str] = body,
            token: str = token,
        ) -> httpx.Response:
            if request.url.path == "/auth/oauth/token":
                return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
            return httpx.Response(status, json=body)

        failed = rig.run(
            "export", "sites", "--log-level", "DEBUG", transport=httpx.MockTransport(echo)
        )
        assert failed.code != 0
        outputs += [failed.out, failed.err]
    log = Path(os.environ["XDG_STATE_HOME"]) / "datto-tui" / "datto-tui.log"
    outputs.append(log.read_text("utf-8"))
    blob = "\n".join(outputs)
    assert SECRET not in blob
    for token in rig.tokens:
        assert token not in blob
    for value in secrets:
        assert value not in blob, value
    assert "***" in blob  # echoed secrets were blanked, not silently dropped


_TEXT = re.compile(r'<text[^>]*\bx="([\d.]+)"[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', re.S)
_BITLOCKER = re.compile(r"\d{6}(?:-\d{6}){7}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def svg_lines(path: Path) -> list[str]:
    """The text of an SVG screenshot, line by line (Rich/Textual export format)."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, raw in _TEXT.findall(path.read_text("utf-8")):
        text = html.unescape(re.sub(r"<[^>]+>", "", raw)).replace("\xa0", " ")
        rows.setdefault(float(y), []).append((float(x), text))
    return ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


def test_no_picture_in_the_repository_shows_a_secret() -> None:
    pictures = sorted(
        [*ROOT.glob("screenshots/**/*.svg"), *ROOT.glob("tests/**/__snapshots__/**/*.svg")]
    )
    assert pictures, "no pictures found"
    service = FakeService(FakeConfig(seed=7, sites=40, devices=2500), clock=FakeClock())
    secrets = udf_secrets(service)
    masked_seen = False
    for picture in pictures:
        text = "\n".join(svg_lines(picture))
        assert DEMO_API_SECRET not in text, picture
        assert SECRET not in text, picture
        assert not _JWT.search(text), picture
        assert not _BITLOCKER.search(text), picture
        assert "LAPS: " not in text, picture
        for value in secrets:
            assert value not in text, (picture, value)
        masked_seen = masked_seen or "••••••" in text
    assert masked_seen  # some picture shows masked UDFs: the scan reads the pictures' text


# ---------------------------------------------------------------------------------------------
# Where the token goes


async def test_the_token_never_leaves_the_configured_origin() -> None:
    """Links to another host are refused before anything is sent, in the running dashboard."""
    rig = make_rig()

    def evil(body: dict[str, object], _request: httpx.Request) -> dict[str, object]:
        details = body["pageDetails"]
        assert isinstance(details, dict)
        details["nextPageUrl"] = "https://evil.example/api/v2/account/devices?page=1&max=250"
        return body

    async with rig.app.run_test(size=SIZE):
        await rig.app.data_ready()
        rig.transport.edit(DEVICES, evil)
        await poll_once(rig, Resource.DEVICES)
        assert "configured API address" in (
            rig.app.poller.freshness_of(Resource.DEVICES).last_error or ""
        )
    assert {sent.host for sent in rig.transport.sent} == {"fake.localhost"}
    assert all(s.bearer for s in rig.transport.sent if "/api/v2/" in s.url)


async def test_a_redirect_is_never_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-9", "expires_in": 3600})
        return httpx.Response(307, headers={"location": "https://evil.example/api/v2/account"})

    client = DattoClient(
        "https://merlot-api.centrastage.net",
        api_key="k",
        api_secret="s-value",
        clock=FakeClock(),
        transport=httpx.MockTransport(handler),
    )
    async with client:
        with pytest.raises(DattoError, match="does not follow redirects"):
            await client.account()
    assert all(url.startswith("https://merlot-api.centrastage.net/") for url in seen)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8787",
        "http://127.0.0.1:8787",
        "http://127.9.9.9",
        "http://[::1]:8787",
        "http://fake.localhost",
        "https://merlot-api.centrastage.net",
    ],
)
def test_plain_http_is_allowed_for_loopback(url: str) -> None:
    assert normalise_base_url(url).startswith(url.split(":")[0])


@pytest.mark.parametrize(
    "url",
    [
        "http://merlot-api.centrastage.net",
        "http://10.0.0.5:8787",
        "http://0.0.0.0:8787",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example",
        "http://[::ffff:10.0.0.1]",
        "ftp://127.0.0.1",
    ],
)
def test_plain_http_to_anything_else_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        normalise_base_url(url)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])  # noqa: S104
def test_fake_api_refuses_a_non_loopback_address(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args([]).host == DEFAULT_HOST == "127.0.0.1"
    assert run(parser.parse_args(["--host", host, "--port", "0"])) == 2
    assert "--allow-remote" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# Writes are never retried


@pytest.mark.parametrize("fault", ["500", "502", "503", "504", "reset_after", "html"])
async def test_a_failed_resolve_is_exactly_one_request(fault: str) -> None:
    clock = FakeClock()
    service = FakeService(
        FakeConfig(seed=3, sites=4, devices=40, alerts=5, frozen=True), clock=clock
    )
    client = DattoClient(
        BASE_URL,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        clock=clock,
        transport=httpx.ASGITransport(app=service.asgi),
    )
    uid = next(iter(service.world.open_alerts))
    service.faults.once("/api/v2/alert/*/resolve", fault, times=5)
    async with client:
        with pytest.raises(DattoError) as caught:
            await client.resolve_alert(uid)
    posts = [r for r in service.log if r.method == "POST" and r.path.endswith("/resolve")]
    assert len(posts) == 1, [(r.status, r.fault) for r in posts]
    if fault == "reset_after":
        assert isinstance(caught.value, NetworkError)
        assert "may or may not have reached" in str(caught.value)
        assert uid not in service.world.open_alerts  # it was applied: retrying would be blind
    elif fault in ("500", "503"):
        assert isinstance(caught.value, ServerError)


async def test_a_timed_out_quick_job_is_exactly_one_request() -> None:
    puts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        puts.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    client = DattoClient(
        "https://merlot-api.centrastage.net",
        api_key="k",
        api_secret="s-value",
        clock=FakeClock(),
        transport=httpx.MockTransport(handler),
    )
    async with client:
        with pytest.raises(NetworkError, match="may or may not have reached"):
            await client.quick_job("dev-1", job_name="x", component_uid="c-1")
        with pytest.raises(NetworkError):
            await client.resolve_alert("a-1")
    assert [r.method for r in puts] == ["PUT", "POST"]


def test_cli_main_is_importable_without_textual() -> None:
    """The commands that handle secrets (export, doctor, config) never load the UI."""
    code = "import sys, datto_tui.cli; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert cli.EXIT_CONFIG == 2
