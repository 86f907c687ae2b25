"""HTTP plumbing of the fake: request and response values, error bodies, page envelopes.

Error bodies copy the live service: Spring's ``{timestamp, status, error, path}`` for the API and
Spring Security OAuth's ``{error, error_description}`` for authentication. Page envelopes carry
``pageDetails`` whose ``nextPageUrl``/``prevPageUrl`` are absolute URLs built from the request's
own scheme and host and keep only ``page`` and ``max``: filter parameters are dropped, as the live
service drops them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qs, quote

T = TypeVar("T")

JSON_TYPE = b"application/json"


@dataclass(slots=True)
class Request:
    """An incoming request, decoded once."""

    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    scheme: str
    host: str
    client_ip: str

    def arg(self, name: str) -> str | None:
        """The first value of query parameter ``name`` (None when absent)."""
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"


@dataclass(slots=True)
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    content_type: bytes | None = JSON_TYPE


class ApiError(Exception):
    """Raised by handlers to answer with a Spring error body."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def dumps(value: Any) -> bytes:
    """JSON as the service writes it: compact, UTF-8, non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(value: Any, status: int = 200) -> Response:
    return Response(status, dumps(value))


def spring_error(status: int, path: str, now_ms: int) -> Response:
    """Spring Boot's default error body."""
    body = {"timestamp": now_ms, "status": status, "error": HTTPStatus(status).phrase, "path": path}
    return Response(status, dumps(body))


def oauth_error(status: int, error: str, description: str) -> Response:
    """Spring Security OAuth2's error body."""
    return Response(status, dumps({"error": error, "error_description": description}))


def parse_request(scope: Mapping[str, Any], body: bytes) -> Request:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        headers[raw_name.decode("latin-1").lower()] = raw_value.decode("latin-1")
    raw_query = scope.get("query_string", b"").decode("latin-1")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    client = scope.get("client") or ("127.0.0.1", 0)
    return Request(
        method=str(scope.get("method", "GET")).upper(),
        path=str(scope.get("path", "/")),
        raw_query=raw_query,
        query=parse_qs(raw_query, keep_blank_values=True),
        headers=headers,
        body=body,
        scheme=str(scope.get("scheme", "http")),
        host=host,
        client_ip=str(client[0]),
    )


def page_params(req: Request, page_max: int) -> tuple[int, int]:
    """``page`` (from 0) and ``max`` (default and ceiling ``page_max``); 400 when malformed."""
    raw_page = req.arg("page")
    raw_max = req.arg("max")
    try:
        page = int(raw_page) if raw_page not in (None, "") else 0
        size = int(raw_max) if raw_max not in (None, "") else page_max
    except ValueError:
        raise ApiError(400) from None
    if page < 0 or size < 1:
        raise ApiError(400)
    return page, min(size, page_max)


def page_url(req: Request, page: int, size: int) -> str:
    """Absolute URL of another page of the same list: only ``page`` and ``max`` survive."""
    return f"{req.origin}{quote(req.path)}?page={page}&max={size}"


def paged(
    req: Request,
    items: Sequence[T],
    key: str,
    render: Callable[[T], dict[str, Any]],
    page_max: int,
) -> Response:
    """One page of ``items`` in the service's envelope."""
    page, size = page_params(req, page_max)
    total = len(items)
    start = page * size
    chunk = items[start : start + size] if start < total else []
    body = {
        "pageDetails": {
            "count": len(chunk),
            "totalCount": total,
            "prevPageUrl": page_url(req, page - 1, size) if page > 0 else None,
            "nextPageUrl": page_url(req, page + 1, size) if start + size < total else None,
        },
        key: [render(item) for item in chunk],
    }
    return json_response(body)
