"""From an HTTP response to JSON or to an exception of :mod:`datto_tui.api.errors`.

One place decides what a status means, so the token endpoint and the API speak alike:

=====================  ==================================================================
status                 exception
=====================  ==================================================================
2xx, body not JSON     :class:`ProtocolError` ("an HTML page instead of JSON", "cut off")
3xx                    :class:`ProtocolError` (the client never follows redirects)
400, other 4xx         :class:`BadRequest`
401                    :class:`AuthError` (only after the token was refreshed once)
403                    :class:`IPBlocked` if the transport flagged it, else PermissionDenied
404                    :class:`NotFound`
409                    :class:`Conflict`
429                    :class:`RateLimited`
5xx                    :class:`ServerError` (only after the transport's retries)
=====================  ==================================================================

Details from the service's error body (Spring's ``error``/``path``/``message``, OAuth's
``error``/``error_description``) are quoted, made single-line and capped; any known secret that
appears in them is blanked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx
import msgspec

from datto_tui.api.errors import (
    AuthError,
    BadRequest,
    Conflict,
    DattoError,
    IPBlocked,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
)
from datto_tui.api.offload import OFF_LOOP_BYTES, gc_paused, off_loop
from datto_tui.text import clean_line

# Set by the transport on a 403 that it took for the service's IP block.
IP_BLOCKED_EXTENSION = "datto_tui.ip_blocked"
# Set by the transport: how many times the request went on the wire.
ATTEMPTS_EXTENSION = "datto_tui.attempts"
# Set by the transport on a 429: seconds until the budget's pause ends.
RETRY_AFTER_EXTENSION = "datto_tui.retry_after"

_DETAIL_LIMIT = 200


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of a (non-trivial) secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def looks_like_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type:
        return True
    return response.content[:64].lstrip()[:1] == b"<"


def decode_json(response: httpx.Response, what: str) -> Any:
    """The JSON body of ``response``; :class:`ProtocolError` if it is not JSON."""
    content = response.content
    status = response.status_code
    if not content or content.isspace():
        raise ProtocolError(
            f"The service answered {what} with an empty body instead of JSON (status {status}).",
            status=status,
        )
    if looks_like_html(response):
        raise ProtocolError(
            f"The service answered {what} with an HTML page instead of JSON (status {status}); "
            "a proxy, captive portal or maintenance page may be in the way.",
            status=status,
        )
    try:
        # msgspec decodes a 400 KB device page in well under half the time json.loads takes,
        # into the same plain dicts and lists; pages are the client's hottest path.
        with gc_paused():
            return msgspec.json.decode(content)
    except (msgspec.DecodeError, ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, msgspec.DecodeError) else type(exc).__name__
        raise ProtocolError(
            f"The service's answer to {what} is not valid JSON (status {status}, "
            f"{len(content)} bytes; it may have been cut off): {reason}.",
            status=status,
        ) from None


async def decode_json_off_loop(response: httpx.Response, what: str) -> Any:
    """:func:`decode_json`, on a worker thread when the body is big (see
    :mod:`datto_tui.api.offload`)."""
    if len(response.content) >= OFF_LOOP_BYTES:
        return await off_loop(decode_json, response, what)
    return decode_json(response, what)


def error_detail(response: httpx.Response, secrets: Iterable[str] = ()) -> str:
    """A short quote of the service's error body, e.g. ``" (Not Found, path /api/v2/x)"``."""
    if looks_like_html(response):
        status = response.status_code
        return f"; the service answered with an HTML page instead of JSON (status {status})"
    try:
        content = response.content
        body = json.loads(content) if content and not content.isspace() else None
    except (ValueError, RecursionError):
        return ""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    for key in ("error", "error_description", "message"):
        value = body.get(key)
        if isinstance(value, str) and value.strip() and value not in parts:
            parts.append(value)
    path = body.get("path")
    if isinstance(path, str) and path.strip():
        parts.append(f"path {path}")
    if not parts:
        return ""
    text = clean_line(scrub(", ".join(parts), secrets), _DETAIL_LIMIT)
    return f" ({text})"


def error_for_response(
    response: httpx.Response, what: str, secrets: Iterable[str] = ()
) -> DattoError:
    """The exception for a non-2xx ``response`` to ``what`` (e.g. ``"GET /api/v2/account"``)."""
    status = response.status_code
    detail = error_detail(response, secrets)
    phrase = f"{status} {response.reason_phrase}".strip()
    attempts = response.extensions.get(ATTEMPTS_EXTENSION)
    tries = f" after {attempts} attempts" if isinstance(attempts, int) and attempts > 1 else ""
    if 300 <= status < 400:
        return ProtocolError(
            f"The service answered {what} with a redirect ({phrase}); datto-tui does not follow "
            "redirects. Check the API URL (Setup > Users shows it).",
            status=status,
        )
    if status == 400:
        return BadRequest(
            f"The service refused {what} as a bad request ({phrase}){detail}.", status=status
        )
    if status == 401:
        return AuthError(
            f"The service rejected the access token for {what} ({phrase}) even after a fresh "
            f"token was fetched{detail}. The API user may have been disabled or its keys "
            "regenerated: check Setup > Users.",
            status=status,
        )
    if status == 403:
        if response.extensions.get(IP_BLOCKED_EXTENSION):
            return IPBlocked(
                f"The service refused {what} ({phrase}) soon after a 429: the service blocked "
                "this IP for about 5 minutes after too many requests; datto-tui will wait.",
                status=status,
                retry_after=300.0,
            )
        return PermissionDenied(
            f"The API user is not allowed to {what} ({phrase}){detail}. Its security level in "
            "Datto RMM (Setup > Users) decides what it may see and do.",
            status=status,
        )
    if status == 404:
        return NotFound(f"Not found: {what} ({phrase}){detail}.", status=status)
    if status == 409:
        return Conflict(
            f"The service refused {what} because the record was being changed at the same time "
            f"({phrase}){detail}. Reload it and try again.",
            status=status,
        )
    if status == 429:
        retry_after = response.extensions.get(RETRY_AFTER_EXTENSION)
        wait = float(retry_after) if isinstance(retry_after, int | float) else 60.0
        return RateLimited(
            f"The service is rate limiting this account ({phrase}) for {what}{tries}; "
            f"datto-tui pauses all requests for {wait:.0f} s. Other integrations share the "
            "account's limit of 600 requests per minute.",
            status=status,
            retry_after=wait,
        )
    if status >= 500:
        return ServerError(
            f"The service failed to answer {what} ({phrase}){tries}{detail}. "
            "It may be overloaded or down; try again later.",
            status=status,
        )
    return BadRequest(f"The service refused {what} ({phrase}){detail}.", status=status)
