"""Error mapping: statuses, bodies that are not JSON, httpx never escaping, secrets never shown."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from datto_tui.api import (
    AuthError,
    BadRequest,
    Conflict,
    DattoError,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
)
from datto_tui.clock import FakeClock

from .conftest import ClientFactory
from .miniservice import API_SECRET, Fault, MiniService

SPRING_404 = (
    b'{"timestamp":1780000000000,"status":404,"error":"Not Found","path":"/api/v2/device/nope"}'
)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequest),
        (403, PermissionDenied),
        (404, NotFound),
        (405, BadRequest),
        (409, Conflict),
        (429, RateLimited),
        (500, ServerError),
        (503, ServerError),
    ],
)
async def test_status_mapping(
    make_client: ClientFactory, svc: MiniService, status: int, error: type[DattoError]
) -> None:
    svc.faults.append(Fault("/api/v2/account", status, times=20))
    client = make_client()
    with pytest.raises(error) as caught:
        await client.account()
    assert caught.value.status == status
    assert "GET /api/v2/account" in str(caught.value)


async def test_spring_error_body_is_quoted(make_client: ClientFactory, svc: MiniService) -> None:
    svc.faults.append(Fault("/api/v2/device/*", 404, body=SPRING_404))
    client = make_client()
    with pytest.raises(NotFound) as caught:
        await client.device("nope")
    assert "Not Found" in str(caught.value) and "path /api/v2/device/nope" in str(caught.value)


async def test_html_instead_of_json_is_a_protocol_error(
    make_client: ClientFactory, svc: MiniService
) -> None:
    html = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    svc.faults.append(Fault("/api/v2/account", 200, times=2, body=html, content_type="text/html"))
    client = make_client()
    with pytest.raises(ProtocolError) as caught:
        await client.account()
    assert "an HTML page instead of JSON (status 200)" in str(caught.value)
    assert len(svc.api_log("/api/v2/account")) == 2  # asked once more, then gave up


async def test_an_html_502_says_so(make_client: ClientFactory, svc: MiniService) -> None:
    html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    svc.faults.append(Fault("/api/v2/account", 502, times=10, body=html, content_type="text/html"))
    client = make_client()
    with pytest.raises(ServerError) as caught:
        await client.account()
    assert "the service answered with an HTML page instead of JSON (status 502)" in str(
        caught.value
    )


async def test_truncated_json_is_a_protocol_error(
    make_client: ClientFactory, svc: MiniService
) -> None:
    svc.faults.append(Fault("/api/v2/account", 200, times=2, body=b'{"id": 1, "name": "Acm'))
    client = make_client()
    with pytest.raises(ProtocolError, match="not valid JSON") as caught:
        await client.account()
    assert "cut off" in str(caught.value)


async def test_a_truncated_body_once_is_fetched_again(
    make_client: ClientFactory, svc: MiniService
) -> None:
    svc.faults.append(Fault("/api/v2/account", 200, times=1, body=b'{"id": 1, "na'))
    client = make_client()
    assert (await client.account()).name == "Mini"


@pytest.mark.parametrize("body", [b"", b"   ", b"[1, 2]", b'"text"'])
async def test_empty_or_wrong_shape_bodies(
    make_client: ClientFactory, svc: MiniService, body: bytes
) -> None:
    svc.faults.append(Fault("/api/v2/account", 200, times=2, body=body))
    client = make_client()
    with pytest.raises(ProtocolError):
        await client.account()


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (httpx.ConnectError, NetworkError),
        (httpx.ConnectTimeout, NetworkError),
        (httpx.ReadTimeout, NetworkError),
        (httpx.PoolTimeout, NetworkError),
        (httpx.WriteError, NetworkError),
        (httpx.RemoteProtocolError, NetworkError),
        (httpx.LocalProtocolError, NetworkError),
        (httpx.ProxyError, NetworkError),
        (httpx.DecodingError, ProtocolError),
        (httpx.UnsupportedProtocol, DattoError),
    ],
)
async def test_httpx_exceptions_never_escape(
    make_client: ClientFactory, svc: MiniService, exc: type[Exception], error: type[DattoError]
) -> None:
    svc.faults.append(Fault("/api/v2/account", 0, times=10, raise_error=exc))
    client = make_client()
    with pytest.raises(error) as caught:
        await client.account()
    assert not isinstance(caught.value, httpx.HTTPError)


async def test_a_redirect_is_not_followed(make_client: ClientFactory, svc: MiniService) -> None:
    svc.faults.append(
        Fault("/api/v2/account", 302, headers={"location": "https://evil.example.com/"})
    )
    client = make_client()
    with pytest.raises(ProtocolError, match="redirect"):
        await client.account()
    assert all(s.path == "/api/v2/account" or s.path.startswith("/auth") for s in svc.log)


async def test_token_endpoint_failures(clock: FakeClock, make_client: ClientFactory) -> None:
    svc = MiniService(clock)
    client = make_client(transport=svc.transport)
    svc.faults.append(Fault("/auth/oauth/token", 503, times=10))
    with pytest.raises(ServerError):
        await client.account()
    assert len(svc.token_log()) == 4  # the grant is idempotent: retried like a GET
    svc.faults.clear()
    svc.faults.append(Fault("/auth/oauth/token", 200, body=b'{"token_type":"bearer"}'))
    with pytest.raises(AuthError, match="without an access token"):
        await client.account()
    svc.faults.append(Fault("/auth/oauth/token", 403, body=b'{"error":"access_denied"}'))
    with pytest.raises(AuthError, match="Enable API Access"):
        await client.account()


# ---------------------------------------------------------------------------------------------
# Secrets


async def test_secrets_never_appear_in_errors_reprs_or_logs(
    clock: FakeClock, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Drive every error path with a service that echoes secrets back, and grep the results."""
    svc = MiniService(clock, devices=300)
    client = make_client(transport=svc.transport)
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        await client.account()
        token = next(iter(svc.tokens))
        echo = (
            f'{{"error":"bad {API_SECRET}","error_description":"token {token}",'
            f'"message":"{API_SECRET}","path":"/x/{token}"}}'
        ).encode()
        cases: list[tuple[str, int, Any]] = [
            ("/api/v2/account", status, None) for status in (400, 401, 403, 404, 409, 429, 500)
        ]
        cases += [("/api/v2/account", 0, httpx.ConnectError)]
        for path, status, raise_error in cases:
            svc.faults.append(Fault(path, status, times=20, body=echo, raise_error=raise_error))
            try:
                await client.account()
            except DattoError as exc:
                texts += [str(exc), repr(exc), *(str(a) for a in exc.args)]
            svc.faults.clear()
        bad = make_client(transport=svc.transport, api_secret="wrong-" + API_SECRET)
        try:
            await bad.account()
        except AuthError as exc:
            texts += [str(exc), repr(exc)]
    texts += [repr(client), repr(client._auth), repr(client.budget), repr(client.devices())]
    texts += [str(client.budget.snapshot()), caplog.text]
    assert len(texts) > 20
    blob = "\n".join(texts)
    assert API_SECRET not in blob
    for issued in svc.tokens:
        assert issued not in blob
    assert "***" in blob  # the echoed secrets were blanked, not dropped silently
