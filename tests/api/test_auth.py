"""Tokens: the grant on the wire, the disk cache, refresh before expiry and after a 401."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from datto_tui.api import (
    AuthError,
    ConfigurationError,
    DattoClient,
    Priority,
    TokenCache,
    UnsafeRedirect,
)
from datto_tui.api.auth import Token
from datto_tui.clock import FakeClock

from .conftest import ClientFactory
from .miniservice import API_KEY, API_SECRET, BASE, BASIC, MiniService


async def test_token_grant_is_exactly_the_password_grant(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    (grant,) = svc.token_log()
    assert grant.method == "POST"
    assert grant.path == "/auth/oauth/token"
    assert grant.headers["authorization"] == BASIC == "Basic cHVibGljLWNsaWVudDpwdWJsaWM="
    assert grant.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(grant.body.decode(), strict_parsing=True) == {
        "grant_type": ["password"],
        "username": [API_KEY],
        "password": [API_SECRET],
    }
    (call,) = svc.api_log("/api/v2/account")
    assert call.headers["authorization"] == "Bearer " + next(iter(svc.tokens))


async def test_token_times_come_from_the_clock(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    client = make_client()
    assert client.token_expires_at is None and client.token_fetched_at is None
    await client.account()
    assert client.token_fetched_at == clock.now()
    assert client.token_expires_at == datetime.fromtimestamp(clock.time() + 360_000, UTC)
    assert client.token_fetches == 1


async def test_many_concurrent_requests_share_one_token_fetch(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await asyncio.gather(*(client.account() for _ in range(40)))
    assert len(svc.token_log()) == 1
    assert client.token_fetches == 1
    assert len(svc.api_log("/api/v2/account", status=200)) == 40


async def test_token_is_refreshed_before_it_expires(
    make_client: ClientFactory, svc: MiniService, clock: FakeClock
) -> None:
    client = make_client(token_refresh_margin=600)
    await client.account()
    clock.advance(360_000 - 601)  # still more than the margin left: reused
    await client.account()
    assert client.token_fetches == 1
    clock.advance(2)  # now inside the margin: fetched again before use, no 401 seen
    await client.account()
    assert client.token_fetches == 2
    assert svc.api_log(status=401) == []


async def test_short_lived_tokens_are_used_for_three_quarters_of_their_life(
    clock: FakeClock, make_client: ClientFactory
) -> None:
    svc = MiniService(clock, devices=10, token_ttl=100)
    client = make_client(transport=svc.transport, token_refresh_margin=600)
    await client.account()
    clock.advance(70)
    await client.account()
    assert client.token_fetches == 1
    clock.advance(10)
    await client.account()
    assert client.token_fetches == 2


async def test_a_401_mid_run_refreshes_exactly_once(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    svc.revoke_all()  # e.g. the keys were regenerated elsewhere, or the token expired early
    await asyncio.gather(*(client.account() for _ in range(10)))
    assert client.token_fetches == 2
    assert len(svc.token_log()) == 2
    assert len(svc.api_log("/api/v2/account", status=200)) == 11


async def test_a_second_401_is_an_auth_error(clock: FakeClock, make_client: ClientFactory) -> None:
    svc = MiniService(clock)
    svc.routes["/api/v2/account"] = lambda request: httpx.Response(401, json={"error": "nope"})
    client = make_client(transport=svc.transport)
    with pytest.raises(AuthError) as caught:
        await client.account()
    assert caught.value.status == 401
    assert len(svc.api_log("/api/v2/account")) == 2  # sent, refreshed once, sent once more
    assert len(svc.token_log()) == 2


@pytest.mark.parametrize("status", [400, 401])
async def test_bad_credentials_name_the_service_and_what_to_check(
    make_client: ClientFactory, status: int, clock: FakeClock
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": "invalid_grant", "error_description": "Bad credentials"}
        return httpx.Response(status, json=body)

    client = make_client(transport=httpx.MockTransport(handler), platform="merlot")
    with pytest.raises(AuthError) as caught:
        await client.account()
    text = str(caught.value)
    assert "merlot" in text and BASE in text
    assert "Bad credentials" in text
    assert "Setup > Users" in text and "Enable API Access" in text
    assert API_SECRET not in text and API_SECRET not in repr(caught.value)


async def test_wrong_secret_is_refused_by_the_mini_service(make_client: ClientFactory) -> None:
    client = make_client(api_secret="wrong-secret-value")
    with pytest.raises(AuthError, match="refused the API key and secret"):
        await client.account()


async def test_token_is_never_sent_to_another_host(
    make_client: ClientFactory, svc: MiniService
) -> None:
    client = make_client()
    await client.account()
    for elsewhere in (
        "https://evil.example.com/api/v2/account",
        "http://merlot-api.centrastage.net/api/v2/account",  # same host, plain http
        "https://merlot-api.centrastage.net:8443/api/v2/account",  # same host, other port
    ):
        with pytest.raises(UnsafeRedirect):
            await client._get(elsewhere, priority=Priority.INTERACTIVE)
    assert len(svc.log) == 2  # the grant and the first call; nothing else was sent


async def test_system_status_needs_no_token(make_client: ClientFactory, svc: MiniService) -> None:
    client = make_client(api_secret="wrong-secret-value")
    status = await client.system_status()
    assert status.status == "OK"
    assert svc.token_log() == []
    assert "authorization" not in svc.log[0].headers


# ---------------------------------------------------------------------------------------------
# The disk cache


async def test_cache_is_reused_by_a_second_client(
    tmp_path: Path, make_client: ClientFactory, svc: MiniService
) -> None:
    cache = TokenCache(tmp_path / "cache" / "datto-tui" / "tokens")
    first = make_client(token_cache=cache)
    await first.account()
    await first.aclose()
    second = make_client(token_cache=TokenCache(cache.directory))
    await second.account()
    assert len(svc.token_log()) == 1
    assert second.token_fetches == 0
    assert second.token_fetched_at == first.token_fetched_at

    (path,) = cache.directory.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700
    text = path.read_text()
    assert API_SECRET not in text
    assert API_KEY not in text and API_KEY not in path.name
    record = json.loads(text)
    assert record["base_url"] == BASE


async def test_cache_is_keyed_by_base_url_and_key(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    token = Token("tok-1234567", "bearer", 1.0, 2.0)
    cache.store(BASE, "key-a", token)
    assert cache.load(BASE, "key-a") == token
    assert cache.load(BASE, "key-b") is None
    assert cache.load("https://vidal-api.centrastage.net", "key-a") is None
    assert cache.path_for(BASE, "key-a") != cache.path_for(BASE, "key-b")
    assert "tok-1234567" not in repr(token) and "tok-1234567" not in repr(cache)


async def test_an_expired_cached_token_is_replaced(
    tmp_path: Path, make_client: ClientFactory, svc: MiniService, clock: FakeClock
) -> None:
    cache = TokenCache(tmp_path)
    cache.store(BASE, API_KEY, Token("old-token", "bearer", clock.time() - 1000, clock.time() + 5))
    client = make_client(token_cache=cache)
    await client.account()
    assert client.token_fetches == 1
    loaded = cache.load(BASE, API_KEY)
    assert loaded is not None and loaded.access_token != "old-token"
    assert all(s.token != "old-token" for s in svc.log)


async def test_a_rejected_cached_token_is_refreshed(
    tmp_path: Path, make_client: ClientFactory, svc: MiniService, clock: FakeClock
) -> None:
    cache = TokenCache(tmp_path)
    cache.store(BASE, API_KEY, Token("stale", "bearer", clock.time(), clock.time() + 360_000))
    client = make_client(token_cache=cache)
    await client.account()
    assert [s.status for s in svc.api_log("/api/v2/account")] == [401, 200]
    assert client.token_fetches == 1
    loaded = cache.load(BASE, API_KEY)
    assert loaded is not None and loaded.access_token in svc.tokens


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
async def test_world_readable_cache_is_ignored_and_rewritten_0600(
    tmp_path: Path,
    make_client: ClientFactory,
    svc: MiniService,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = TokenCache(tmp_path)
    cache.store(BASE, API_KEY, Token("leaked", "bearer", clock.time(), clock.time() + 360_000))
    path = cache.path_for(BASE, API_KEY)
    path.chmod(0o644)
    client = make_client(token_cache=cache)
    with caplog.at_level(logging.WARNING, logger="datto_tui.api.auth"):
        await client.account()
    assert "other users may read it" in caplog.text and str(path) in caplog.text
    assert all(s.token != "leaked" for s in svc.log)
    assert client.token_fetches == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "leaked" not in caplog.text


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"base_url": 5}', b"\xff\xfe"])
async def test_corrupt_cache_is_ignored_with_a_warning(
    tmp_path: Path,
    make_client: ClientFactory,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
) -> None:
    cache = TokenCache(tmp_path)
    path = cache.path_for(BASE, API_KEY)
    path.write_bytes(content)
    path.chmod(0o600)
    client = make_client(token_cache=cache)
    with caplog.at_level(logging.WARNING, logger="datto_tui.api.auth"):
        await client.account()
    assert "corrupt" in caplog.text
    assert client.token_fetches == 1
    assert cache.load(BASE, API_KEY) is not None


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads anything")
async def test_unreadable_cache_is_ignored(
    tmp_path: Path, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    cache = TokenCache(tmp_path)
    cache.store(BASE, API_KEY, Token("x-token", "bearer", 0.0, 1e12))
    cache.path_for(BASE, API_KEY).chmod(0o000)
    client = make_client(token_cache=cache)
    with caplog.at_level(logging.WARNING, logger="datto_tui.api.auth"):
        await client.account()
    assert client.token_fetches == 1


async def test_unwritable_cache_directory_is_not_fatal(
    tmp_path: Path, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    client = make_client(token_cache=TokenCache(blocker / "tokens"))
    with caplog.at_level(logging.WARNING, logger="datto_tui.api.auth"):
        await client.account()
    assert "Could not write the token cache" in caplog.text


def test_default_cache_directory_is_the_user_cache(tmp_path: Path) -> None:
    cache = TokenCache()
    assert cache.directory == tmp_path / "xdg-cache" / "datto-tui" / "tokens"


async def test_client_without_credentials_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        DattoClient(BASE, api_key="", api_secret="x")
    with pytest.raises(ConfigurationError):
        DattoClient(BASE, api_key="k", api_secret=" ")
    with pytest.raises(ConfigurationError, match="plain http"):
        DattoClient("http://example.com", api_key="k", api_secret="s")
    with pytest.raises(ConfigurationError):
        DattoClient(api_key="k", api_secret="s")
    client = DattoClient(platform="Merlot", api_key="k", api_secret="s")
    assert client.base_url == "https://merlot-api.centrastage.net"
    assert client.portal_url == "https://merlot.rmm.datto.com"
    await client.aclose()
