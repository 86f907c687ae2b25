"""``fake-api`` served by uvicorn on loopback: one token and one page over a real socket."""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig
from datto_tui.fakeapi.serve import add_arguments, banner, is_loopback, run

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_options_and_defaults() -> None:
    args = _parse()
    assert (args.host, args.port, args.seed, args.sites, args.devices, args.alerts) == (
        "127.0.0.1",
        8787,
        7,
        40,
        2500,
        120,
    )
    assert args.faults == "none" and not args.hostile and not args.allow_remote
    args = _parse("--faults", "chaos", "--token-ttl", "60", "--hostile", "--rate-limit-headers")
    assert (args.faults, args.token_ttl, args.hostile, args.rate_limit_headers) == (
        "chaos",
        60.0,
        True,
        True,
    )


def test_refuses_non_loopback_without_allow_remote(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(_parse("--host", "0.0.0.0")) == 2  # noqa: S104
    assert "--allow-remote" in capsys.readouterr().err
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")  # noqa: S104
    assert not is_loopback("192.168.1.5")


def test_banner_has_url_credentials_and_export_line() -> None:
    text = banner("http://127.0.0.1:8787", FakeConfig())
    assert "http://127.0.0.1:8787" in text
    assert DEMO_API_KEY in text and DEMO_API_SECRET in text
    assert (
        f"export DATTO_API_URL=http://127.0.0.1:8787 DATTO_API_KEY={DEMO_API_KEY} "
        f"DATTO_API_SECRET={DEMO_API_SECRET}"
    ) in text


def test_serves_a_token_and_a_page_over_loopback() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "datto_tui.fakeapi", "--port", "0", "--sites", "4"]
    argv += ["--devices", "60", "--alerts", "5"]
    proc = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        url = None
        while url is None:
            line = lines.get(timeout=START_TIMEOUT)
            if line.startswith("export DATTO_API_URL="):
                url = line.split()[1].split("=", 1)[1]
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, timeout=10.0) as http:
            token = http.post(
                "/auth/oauth/token",
                auth=("public-client", "public"),
                data={
                    "grant_type": "password",
                    "username": DEMO_API_KEY,
                    "password": DEMO_API_SECRET,
                },
            )
            assert token.status_code == 200
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            page = http.get("/api/v2/account/devices", params={"max": 50}, headers=headers)
            assert page.status_code == 200
            body = page.json()
            assert body["pageDetails"]["totalCount"] == 60
            assert body["pageDetails"]["nextPageUrl"].startswith(f"{url}/api/v2/account/devices?")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        reader.join(timeout=5)
        if proc.stderr is not None:
            proc.stderr.close()
        stdout.close()
