"""``datto-tui fake-api``: its options are wired into the command line, and an export over real
HTTP against it (a loopback server, started and stopped by this test) gets every device once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from datto_tui import cli
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET


def test_fake_api_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fake-api", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--host", "--port", "--seed", "--devices", "--faults", "--token-ttl"):
        assert option in text


def test_fake_api_refuses_a_public_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["fake-api", "--host", "0.0.0.0", "--port", "0"]) == 2  # noqa: S104
    assert "refusing to bind" in capsys.readouterr().err


def test_fake_api_options_are_only_loaded_for_that_command() -> None:
    assert cli._wants_fake_api(["fake-api", "--port", "0"])
    assert cli._wants_fake_api(["--log-level", "DEBUG", "fake-api"])
    assert not cli._wants_fake_api(["--profile", "fake-api", "export", "sites"])
    assert not cli._wants_fake_api(["export", "devices"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datto_tui",
            "fake-api",
            "--port",
            "0",
            "--devices",
            "1300",
            "--frozen",
            "--seed",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
        assert match, f"no banner: {banner!r} {proc.stderr.read() if proc.stderr else ''}"
        yield match.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_export_over_http_against_fake_api(server: str, isolated_home: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATTO_") and "PROXY" not in key.upper()
    }
    env.update(
        DATTO_API_URL=server,
        DATTO_API_KEY=DEMO_API_KEY,
        DATTO_API_SECRET=DEMO_API_SECRET,
    )
    done = subprocess.run(
        [sys.executable, "-m", "datto_tui", "export", "devices", "--format", "ndjson"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    uids = [json.loads(line)["uid"] for line in done.stdout.splitlines()]
    assert len(uids) == 1300
    assert len(set(uids)) == 1300
    assert DEMO_API_SECRET not in done.stderr
