"""The log file: private, rotating, and no secret ever reaches it."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from datto_tui import logs

SECRET = "Api-Secret-Value-4242"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
OPAQUE_TOKEN = "d6f2a9c1-opaque-token-0042"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        (f"Authorization: Bearer {OPAQUE_TOKEN}", OPAQUE_TOKEN),
        (f"{{'authorization': 'Bearer {OPAQUE_TOKEN}'}}", OPAQUE_TOKEN),
        ("Authorization: Basic cHVibGljLWNsaWVudDpwdWJsaWM=", "cHVibGljLWNsaWVudDpwdWJsaWM="),
        (f'{{"access_token": "{OPAQUE_TOKEN}", "token_type": "bearer"}}', OPAQUE_TOKEN),
        (f"{{'access_token': '{OPAQUE_TOKEN}'}}", OPAQUE_TOKEN),
        (f"grant_type=password&username=KEY&password={SECRET}", SECRET),
        (f"https://x/?access_token={OPAQUE_TOKEN}&page=2", OPAQUE_TOKEN),
        ('{"udf1": "BitLocker 111111-222222", "udf2": null}', "BitLocker 111111-222222"),
        (f"token {TOKEN} expired", TOKEN),
    ],
)
def test_redact_masks_credential_shapes(text: str, leak: str) -> None:
    redacted = logs.redact(text)
    assert leak not in redacted
    assert logs.REDACTED in redacted


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "GET /api/v2/account/devices?page=2&max=250 answered 200 in 120 ms"
    assert logs.redact(text) == text


def test_registered_values_are_masked_anywhere() -> None:
    logs.register_secret(SECRET)
    logs.register_secret("ab")  # too short to mask safely: ignored
    assert logs.redact(f"x{SECRET}y ab") == "x***y ab"
    logs.forget_secrets()
    assert logs.redact(SECRET) == SECRET


def test_the_log_file_is_private_and_has_no_secrets(tmp_path: Path) -> None:
    path = logs.setup_logging("DEBUG", tmp_path / "state" / "datto-tui.log")
    logs.register_secret(SECRET)
    log = logging.getLogger("datto_tui.test")
    log.info("secret is %s", SECRET)
    log.debug("headers %r", {"Authorization": f"Bearer {OPAQUE_TOKEN}"})
    log.warning("udf %s", {"udf7": "Recovery-Key-777"})
    try:
        raise RuntimeError(f"failed with password={SECRET} and token {TOKEN}")
    except RuntimeError:
        log.exception("boom")
    logging.getLogger("httpx").info("HTTP Request: POST https://x/auth/oauth/token")
    logs.shutdown_logging()
    text = path.read_text("utf-8")
    for leak in (SECRET, OPAQUE_TOKEN, "Recovery-Key-777", TOKEN):
        assert leak not in text
    assert "secret is ***" in text
    assert "RuntimeError" in text
    assert "HTTP Request" in text
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_level_filters_records(tmp_path: Path) -> None:
    path = logs.setup_logging("warning", tmp_path / "l.log")
    log = logging.getLogger("datto_tui.test")
    log.info("quiet")
    log.warning("loud")
    logs.shutdown_logging()
    text = path.read_text("utf-8")
    assert "loud" in text
    assert "quiet" not in text


def test_default_location_is_the_state_folder(isolated_home: Path) -> None:
    path = logs.setup_logging()
    assert path == isolated_home / "xdg_state_home" / "datto-tui" / "datto-tui.log"
    assert path.exists()


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="log level"):
        logs.setup_logging("chatty", tmp_path / "l.log")


def test_rotated_files_are_private_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 200)
    path = logs.setup_logging("INFO", tmp_path / "l.log")
    log = logging.getLogger("datto_tui.test")
    for n in range(40):
        log.info("line %d %s", n, "x" * 40)
    logs.shutdown_logging()
    files = sorted(tmp_path.glob("l.log*"))
    assert len(files) == logs.BACKUP_COUNT + 1
    assert all(mode(f) == 0o600 for f in files)
    assert path in files


def test_a_record_with_a_bad_format_string_is_still_written(tmp_path: Path) -> None:
    path = logs.setup_logging("INFO", tmp_path / "l.log")
    logging.getLogger("datto_tui.test").info("two %s %s", "only-one")
    logs.shutdown_logging()
    assert "two %s %s" in path.read_text("utf-8")
