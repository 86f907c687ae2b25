"""``datto-tui doctor`` against the in-process fake: passing, refused, unreachable, skewed."""

from __future__ import annotations

import email.utils
from pathlib import Path

import httpx

from datto_tui.doctor import FAIL, OK, WARN, Check, exit_code, render
from datto_tui.fakeapi import DEMO_API_SECRET

from .support import ENV, Harness, Result, harness


def line_of(result: Result, name: str) -> str:
    for line in result.out.splitlines():
        if line[4:].startswith(name):
            return line
    raise AssertionError(f"no {name!r} line in:\n{result.out}")


def test_everything_passes_against_the_fake() -> None:
    h = harness()
    result = h.run("doctor")
    assert result.code == 0, result.out + result.err
    for name in ("credentials", "API address", "reachability", "token", "API budget", "log file"):
        assert line_of(result, name).startswith("  ✔"), name
    assert "DEMO… (32 characters) from env (DATTO_API_KEY)" in line_of(result, "credentials")
    assert "http://fake.localhost" in line_of(result, "API address")
    assert "expires" in line_of(result, "token")
    assert "account-wide 1/600 reads" in line_of(result, "API budget")
    assert result.out.rstrip().endswith("Everything works.")
    assert DEMO_API_SECRET not in result.out + result.err


def test_doctor_demo_needs_nothing(isolated_home: Path) -> None:
    h = harness()
    result = h.run("doctor", "--demo", env={})
    assert result.code == 0, result.out
    assert line_of(result, "config file").startswith("  -")
    assert line_of(result, "token").startswith("  ✔")
    assert DEMO_API_SECRET not in result.out


def test_refused_credentials_fail_with_exit_3_and_a_fix() -> None:
    h = harness()
    result = h.run("doctor", env=dict(ENV, DATTO_API_SECRET="not-the-secret-42"))
    assert result.code == 3
    assert line_of(result, "token").startswith("  ✘")
    assert "fix: check the API key and secret" in result.out
    assert line_of(result, "API budget").startswith("  -")
    assert "not-the-secret-42" not in result.out + result.err
    assert "1 problem to fix" in result.out


def test_missing_secret_fails_with_exit_2(isolated_home: Path) -> None:
    h = harness()
    env = {k: v for k, v in ENV.items() if k != "DATTO_API_SECRET"}
    result = h.run("doctor", env=env)
    assert result.code == 2
    assert line_of(result, "credentials").startswith("  ✘")
    assert "fix: export DATTO_API_SECRET=<your API secret>" in result.out


def test_bad_config_file_fails_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\nplatform = "merlott"\n')
    path.chmod(0o600)
    result = harness().run("doctor", "--config", str(path))
    assert result.code == 2
    assert f"{path}:2:" in line_of(result, "config file")
    assert "fix:" in result.out


def test_world_readable_config_is_fixed_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.main]\napi_url = "http://fake.localhost"\napi_key = "K-1234567"\n')
    path.chmod(0o644)
    env = {"DATTO_API_SECRET": DEMO_API_SECRET, "DATTO_API_KEY": ENV["DATTO_API_KEY"]}
    result = harness().run("doctor", "--config", str(path), env=env)
    assert result.code == 0, result.out
    assert "changed it to 0600" in line_of(result, "config file")
    assert line_of(result, "config file").startswith("  !")
    assert result.err == ""
    assert DEMO_API_SECRET not in result.out
    assert (path.stat().st_mode & 0o777) == 0o600
    assert "main (the only profile)" in line_of(result, "profile")


class _Unreachable(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)


def test_unreachable_service_fails_with_exit_4(monkeypatch: object) -> None:
    h = harness()
    h.transport = lambda: _Unreachable()  # type: ignore[method-assign]
    result = h.run("doctor")
    assert result.code == 4
    assert line_of(result, "reachability").startswith("  ✘")
    assert "Connection refused" in line_of(result, "reachability")
    assert line_of(result, "token").startswith("  -")


class _DatedTransport(httpx.AsyncBaseTransport):
    """Adds the Date header a real server sends, from a clock ``offset`` seconds off ours."""

    def __init__(self, h: Harness, offset: float) -> None:
        self._inner = httpx.ASGITransport(app=h.service.asgi)
        self._h = h
        self._offset = offset

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        when = self._h.clock.time() + self._offset
        response.headers["Date"] = email.utils.formatdate(when, usegmt=True)
        return response


def test_clock_skew_is_measured_from_the_date_header() -> None:
    h = harness()
    h.transport = lambda: _DatedTransport(h, 0.0)  # type: ignore[method-assign]
    result = h.run("doctor")
    assert line_of(result, "clock").startswith("  ✔")
    assert "0 s" in line_of(result, "clock")

    h.transport = lambda: _DatedTransport(h, -300.0)  # type: ignore[method-assign]
    skewed = h.run("doctor")
    assert skewed.code == 0  # a warning, not a failure
    assert line_of(skewed, "clock").startswith("  !")
    assert "300 s ahead of the service" in line_of(skewed, "clock")
    assert "timedatectl" in skewed.out


def test_render_and_exit_code() -> None:
    checks = [
        Check("one", OK, "fine"),
        Check("two", WARN, "hmm", "do this"),
        Check("three", FAIL, "broken", "do that", 3),
        Check("four", FAIL, "also broken", "and this", 4),
    ]
    text = render(checks)
    assert "  ✔ one    fine\n" in text
    assert "  ! two    hmm\n           fix: do this\n" in text
    assert "2 problems to fix, 1 warning(s)." in text
    assert exit_code(checks) == 3
    assert exit_code(checks[:2]) == 0
    assert "XX three" in render(checks, ascii_only=True)
