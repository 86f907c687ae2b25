"""The transport every request of the client goes through: budget, retries, rate-limit signals.

:class:`RetryTransport` wraps the real transport (or the fake service's ``ASGITransport``, or a
test's ``MockTransport``), so tests exercise exactly the code path of production. For each attempt
that goes on the wire it first takes a slot from the :class:`~datto_tui.api.budget.Budget`, so the
budget counts every attempt, as the service does.

Retries:

- Only idempotent requests are retried: GETs (and requests marked with :data:`RETRY_EXTENSION`,
  such as the token grant). Writes (POST/PUT/DELETE) are never repeated automatically: a write
  that timed out may have been applied.
- Retried: 500, 502, 503, 504, timeouts, connection errors, a connection closed mid-answer.
  At most ``max_attempts`` attempts (4), waiting ``base_delay * 2**n`` capped at ``max_delay``
  with jitter from a seeded RNG in between; a ``Retry-After`` (up to two minutes) lengthens a wait.
- 429: the budget pauses every request for at least 60 s; a GET is sent again once the pause is
  over (ten times at most, so ten minutes or more), a write is handed back as is (the client
  raises ``RateLimited``).
- 403 within 10 minutes of a 429: taken as the service's IP block; the budget pauses for
  5 minutes and the response is flagged so the client raises ``IPBlocked``.

What the request carries in ``request.extensions``: :data:`PRIORITY_EXTENSION` (a
:class:`Priority`, default interactive), :data:`KIND_EXTENSION` (``"read"``/``"write"``, default by
method), :data:`RETRY_EXTENSION` (bool, default: GET/HEAD only).
"""

from __future__ import annotations

import logging
import random
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from datto_tui.api.budget import Budget, Kind, Priority
from datto_tui.api.responses import (
    ATTEMPTS_EXTENSION,
    IP_BLOCKED_EXTENSION,
    RETRY_AFTER_EXTENSION,
)
from datto_tui.clock import Clock

log = logging.getLogger(__name__)

PRIORITY_EXTENSION = "datto_tui.priority"
KIND_EXTENSION = "datto_tui.kind"
RETRY_EXTENSION = "datto_tui.retry"

RETRY_STATUSES = frozenset({500, 502, 503, 504})
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value.strip()))
    except (ValueError, OverflowError):
        return None


class RetryTransport(httpx.AsyncBaseTransport):
    """Budget, retries and rate-limit handling around ``inner``; see the module docstring."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        budget: Budget,
        clock: Clock,
        rng: random.Random | None = None,
        max_attempts: int = 4,
        base_delay: float = 1.0,
        max_delay: float = 16.0,
        max_rate_limit_retries: int = 10,
        max_retry_after: float = 120.0,
    ) -> None:
        self._inner = inner
        self._budget = budget
        self._clock = clock
        self._rng = rng or random.Random()
        self._max_attempts = max(1, max_attempts)
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._max_rate_limit_retries = max_rate_limit_retries
        self._max_retry_after = max_retry_after
        self.attempts = 0
        """Every attempt that went on the wire since this transport was made (diagnostics)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        ext = request.extensions
        priority: Priority = ext.get(PRIORITY_EXTENSION, Priority.INTERACTIVE)
        method = request.method.upper()
        kind: Kind = ext.get(KIND_EXTENSION) or (
            "read" if method in _IDEMPOTENT_METHODS else "write"
        )
        retry = bool(ext.get(RETRY_EXTENSION, method in _IDEMPOTENT_METHODS))
        what = f"{method} {request.url.path}"
        failures = 0
        rate_limited = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._budget.slot(kind, priority):
                    self.attempts += 1
                    response = await self._inner.handle_async_request(request)
            except _RETRY_ERRORS as exc:
                failures += 1
                if not retry or failures >= self._max_attempts:
                    raise
                delay = self._backoff(failures)
                log.info(
                    "%s failed (%s); retrying in %.1f s (attempt %d of %d)",
                    what,
                    type(exc).__name__,
                    delay,
                    failures + 1,
                    self._max_attempts,
                )
                await self._clock.sleep(delay)
                continue
            response.extensions[ATTEMPTS_EXTENSION] = attempt
            self._observe(kind, response.headers)
            status = response.status_code
            if status == 429:
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), self._clock.time()
                )
                pause = self._budget.note_rate_limited(retry_after)
                response.extensions[RETRY_AFTER_EXTENSION] = pause
                log.warning("%s answered 429; pausing all requests for %.0f s", what, pause)
                if retry and rate_limited < self._max_rate_limit_retries:
                    rate_limited += 1
                    await response.aclose()
                    continue  # the budget holds the next attempt until the pause is over
                return response
            if status == 403 and self._budget.note_forbidden():
                response.extensions[IP_BLOCKED_EXTENSION] = True
                log.warning("%s answered 403 soon after a 429: IP block, pausing 5 min", what)
                return response
            self._budget.note_answer()
            if status in RETRY_STATUSES and retry:
                failures += 1
                if failures >= self._max_attempts:
                    return response
                delay = self._backoff(failures)
                retry_after = parse_retry_after(
                    response.headers.get("retry-after"), self._clock.time()
                )
                if retry_after is not None:
                    delay = max(delay, min(retry_after, self._max_retry_after))
                log.info(
                    "%s answered %d; retrying in %.1f s (attempt %d of %d)",
                    what,
                    status,
                    delay,
                    failures + 1,
                    self._max_attempts,
                )
                await response.aclose()
                await self._clock.sleep(delay)
                continue
            return response

    async def aclose(self) -> None:
        await self._inner.aclose()

    def _backoff(self, failures: int) -> float:
        """Capped exponential backoff with jitter: between half and all of the capped delay."""
        ceiling = min(self._max_delay, self._base_delay * 2.0 ** (failures - 1))
        return ceiling * (0.5 + 0.5 * self._rng.random())

    def _observe(self, kind: Kind, headers: httpx.Headers) -> None:
        """Honour ``X-RateLimit-*`` if the service ever sends them (it is not known to)."""
        limit = _header_int(headers, "x-ratelimit-limit")
        remaining = _header_int(headers, "x-ratelimit-remaining")
        if limit is None and remaining is None:
            return
        reset_in: float | None = None
        reset = _header_int(headers, "x-ratelimit-reset")
        if reset is not None:
            # Either seconds from now or an epoch timestamp; the seed document does not say.
            reset_in = float(reset - self._clock.time()) if reset > 1_000_000_000 else float(reset)
        if remaining is not None:
            remaining = max(0, remaining)
        self._budget.observe_limits(kind, limit=limit, remaining=remaining, reset_in=reset_in)


def extensions(
    priority: Priority, *, kind: Kind | None = None, retry: bool | None = None
) -> dict[str, Any]:
    """The request extensions that tell :class:`RetryTransport` how to treat a request."""
    ext: dict[str, Any] = {PRIORITY_EXTENSION: priority}
    if kind is not None:
        ext[KIND_EXTENSION] = kind
    if retry is not None:
        ext[RETRY_EXTENSION] = retry
    return ext
