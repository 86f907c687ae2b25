"""The plain ASGI application of the fake service.

One pipeline per request, in the order the live service's layers act:

1. IP block (403 for every path while an IP is blocked);
2. injected fault (profile or single, see :mod:`datto_tui.fakeapi.faults`);
3. ``/auth/oauth/token`` (not under ``/api``) or, for ``/api``: the world advances to the clock,
   ``GET /api/v2/system/status`` answers without a token, every other path needs a valid bearer;
4. rate limits of the account (reads, writes per operation) with the 90 % delay, 429 and 403;
5. routing (404 unknown path, 405 wrong method) and the handler.

Each request is recorded in ``service.log`` and ``service.counters``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from datto_tui.fakeapi import routes
from datto_tui.fakeapi.auth import bearer, token_endpoint, unauthorized
from datto_tui.fakeapi.faults import HTML_PAGES, connection_reset_fault
from datto_tui.fakeapi.wire import ApiError, Request, Response, parse_request, spring_error

if TYPE_CHECKING:
    from datto_tui.fakeapi.service import FakeService

TOKEN_PATH = "/auth/oauth/token"  # noqa: S105 (a path, not a secret)
STATUS_PATH = "/api/v2/system/status"
MAX_BODY = 1 << 20

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Outcome:
    """What the pipeline decided about one request, for the log."""

    __slots__ = ("after", "delay", "fault", "kind", "route")

    def __init__(self) -> None:
        self.kind = "none"
        self.route: str | None = None
        self.fault: str | None = None
        self.after: str | None = None
        self.delay = 0.0


class FakeApp:
    """``svc.asgi``: an ASGI 3 callable (HTTP and lifespan scopes)."""

    def __init__(self, service: FakeService) -> None:
        self._svc = service
        self._router = routes.build_router()
        self._started_ms = int(service.clock.time() * 1000)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        req = parse_request(scope, body)
        svc = self._svc
        began = time.perf_counter()
        outcome = Outcome()
        response = await self._handle(req, outcome)
        if outcome.after == "truncated" and response.body:
            response.body = response.body[: max(1, len(response.body) // 2)]
        headers = [(b"content-length", str(len(response.body)).encode())]
        if response.content_type is not None:
            headers.append((b"content-type", response.content_type))
        headers.extend(response.headers)
        if outcome.after in ("reset", "reset_after"):
            svc.record(req, 0, outcome, time.perf_counter() - began, 0)
            await self._drop(response, headers, send)
        svc.record(req, response.status, outcome, time.perf_counter() - began, len(response.body))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _drop(
        self, response: Response, headers: list[tuple[bytes, bytes]], send: Send
    ) -> None:
        """Drop the connection part way through the response.

        The response has started (headers promise a longer body than is sent) when the app
        raises: uvicorn then closes the connection (a client sees a protocol/read error) rather
        than answering 500, and ``httpx.ASGITransport`` re-raises the error to the client.
        """
        if not response.body:
            headers = [(b"content-length", b"4096"), (b"content-type", b"application/json")]
        await send(
            {"type": "http.response.start", "status": response.status or 200, "headers": headers}
        )
        partial = response.body[: len(response.body) // 2]
        await send({"type": "http.response.body", "body": partial, "more_body": True})
        raise connection_reset_fault()("connection reset by peer")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _now_ms(self) -> int:
        return int(self._svc.clock.time() * 1000)

    def _error(self, status: int, req: Request) -> Response:
        return spring_error(status, req.path, self._now_ms())

    def _rate_error(self, status: int, req: Request, retry_after: float) -> Response:
        response = self._error(status, req)
        if self._svc.config.rate_limit_headers and retry_after > 0:
            response.headers.append((b"retry-after", str(max(1, round(retry_after))).encode()))
        return response

    async def _handle(self, req: Request, outcome: Outcome) -> Response:
        svc = self._svc
        blocked = svc.limiter.blocked_for(req.client_ip)
        if blocked > 0:
            svc.counters.blocked += 1
            return self._rate_error(403, req, blocked)

        is_api = req.path.startswith("/api/")
        fault = svc.faults.decide(req, profile_applies=is_api)
        if fault is not None:
            outcome.fault = fault
            svc.counters.faults[fault.split(":")[0]] += 1
            early = await self._fault(fault, req, outcome)
            if early is not None:
                return early

        if req.path == TOKEN_PATH:
            outcome.kind = "auth"
            response = token_endpoint(svc.auth, svc.config, req)
            if response.status == 200:
                svc.counters.token_grants += 1
            else:
                svc.counters.auth_failures += 1
            return response
        if not is_api:
            return self._error(404, req)

        svc.world.sync()
        if req.path == STATUS_PATH and req.method in ("GET", "HEAD"):
            outcome.route = "/v2/system/status"
            return routes.system_status(self._started_ms)

        token = bearer(req)
        if token is None:
            svc.counters.auth_failures += 1
            return unauthorized()
        problem = svc.auth.check(token)
        if problem is not None:
            svc.counters.auth_failures += 1
            return unauthorized(problem, "invalid_token")

        route, params, allowed = self._router.match(req.method, req.path[len("/api") :])
        write = req.method not in ("GET", "HEAD")
        op = route.op if route is not None else None
        outcome.kind = "write" if write else "read"
        outcome.route = route.pattern if route is not None else None
        decision = (
            svc.limiter.admit_write(req.client_ip, op)
            if write
            else svc.limiter.admit_read(req.client_ip)
        )
        if decision.status:
            if decision.status == 429:
                svc.counters.rejected += 1
            else:
                svc.counters.blocked += 1
            rejected = self._rate_error(decision.status, req, decision.retry_after)
            if svc.config.rate_limit_headers:
                rejected.headers.extend(svc.limiter.headers(op, write))
            return rejected
        if write:
            svc.counters.writes += 1
        else:
            svc.counters.reads += 1
        if decision.delay > 0:
            svc.counters.throttled += 1
            outcome.delay += decision.delay
            await svc.clock.sleep(decision.delay)

        if route is None:
            response = self._error(405 if allowed else 404, req)
            if allowed:
                response.headers.append((b"allow", ", ".join(sorted(set(allowed))).encode()))
        else:
            ctx = routes.Ctx(
                world=svc.world,
                config=svc.config,
                req=req,
                now_ms=self._now_ms(),
                limiter=svc.limiter,
            )
            try:
                response = route.handler(ctx, params)
            except ApiError as exc:
                response = self._error(exc.status, req)
            svc.counters.routes[route.pattern] += 1
        if svc.config.rate_limit_headers:
            response.headers.extend(svc.limiter.headers(op, write))
        return response

    async def _fault(self, fault: str, req: Request, outcome: Outcome) -> Response | None:
        """Answer for a fault that replaces the response, or None to carry on."""
        svc = self._svc
        if fault == "reset":
            outcome.after = fault
            return Response(0)
        if fault.startswith("latency:"):
            seconds = float(fault.split(":", 1)[1])
            outcome.delay += seconds
            await svc.clock.sleep(seconds)
            return None
        if fault in ("500", "503"):
            return self._error(int(fault), req)
        if fault in ("502", "html", "504"):
            status = 504 if fault == "504" else 502
            return Response(status, HTML_PAGES[status], content_type=b"text/html")
        if fault == "429":
            return self._rate_error(429, req, svc.config.window_seconds)
        if fault == "revoke_token":
            token = bearer(req)
            if token is not None:
                svc.auth.revoke(token)
            return None
        outcome.after = fault  # truncated, reset_after
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
