"""Access tokens: the password grant, a lock, refresh before expiry, and a private disk cache.

Datto RMM issues a bearer token for the password grant at ``POST {base}/auth/oauth/token`` (not
under ``/api``), authenticated with the fixed public OAuth client ``public-client:public``; the
form is ``grant_type=password&username=<API key>&password=<API secret>``. Tokens live 100 hours.

Contract of :class:`DattoAuth` (an ``httpx.Auth``; the client never builds auth headers itself):

- One token fetch at a time, however many requests wait for it (an ``asyncio.Lock``).
- A token is used until ``refresh_margin`` seconds (600) before it expires; for short-lived
  tokens the margin is at most a quarter of the lifetime, so a token is always used for a while.
- A 401 from an API call: the token is fetched again once (unless another request already did)
  and the request is sent once more; a second 401 goes back to the caller (-> ``AuthError``).
- The bearer token is only ever attached to requests for the configured scheme, host and port.
- Token endpoint answers: 400/401 (bad key or secret) and other refusals -> ``AuthError`` naming
  the service and what to check; 429 -> ``RateLimited``; 403 after a 429 -> ``IPBlocked``; 5xx after
  retries -> ``ServerError``; a 200 that is not JSON -> ``ProtocolError``.

Contract of :class:`TokenCache`: one JSON file per base URL and API key (the file name is a hash
of the base URL and of the SHA-256 of the key; the secret is never written), in a directory of
mode 0700, each file created atomically with mode 0600. A file that is missing, unreadable,
corrupt, for another key, owned by someone else or readable by other users is ignored with a
warning in the log, and replaced (mode 0600) after the next fetch. The cache never raises.

Neither the secret nor a token ever appears in an exception message, a log line or a ``repr``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import os
import stat
import tempfile
from collections import deque
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import platformdirs

from datto_tui.api.budget import Priority
from datto_tui.api.coerce import as_float, as_str
from datto_tui.api.errors import AuthError, UnsafeRedirect
from datto_tui.api.responses import (
    IP_BLOCKED_EXTENSION,
    decode_json,
    error_detail,
    error_for_response,
)
from datto_tui.api.transport import extensions
from datto_tui.clock import Clock

log = logging.getLogger(__name__)

TOKEN_PATH = "/auth/oauth/token"  # noqa: S105 (a path, not a password)
# The fixed public OAuth client every Datto RMM API integration uses.
_CLIENT_CREDENTIALS = base64.b64encode(b"public-client:public").decode("ascii")
# When the service does not say how long a token lives, assume an hour (real tokens live 100 h).
_DEFAULT_LIFETIME = 3600.0
# Set on a request that needs no token (``GET /api/v2/system/status``).
NO_AUTH_EXTENSION = "datto_tui.no_auth"

_CHECK_HINT = (
    "Check the API key and secret key of the API user (Setup > Users > the user > API: "
    "generate new keys if in doubt) and that API access is enabled (Setup > Global Settings > "
    "Access Control > Enable API Access)."
)


@dataclass(frozen=True, slots=True)
class Token:
    """A bearer token and its lifetime (wall-clock epoch seconds). ``repr`` hides the token."""

    access_token: str = field(repr=False)
    token_type: str
    fetched_at: float
    expires_at: float

    @property
    def lifetime(self) -> float:
        return max(0.0, self.expires_at - self.fetched_at)


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` with the scheme's default port made explicit."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host.lower(), url.port or default)


def describe_service(base_url: str, platform: str | None) -> str:
    """How messages name the service: "Datto RMM (merlot, https://merlot-api.centrastage.net)"."""
    return f"Datto RMM ({platform}, {base_url})" if platform else f"Datto RMM at {base_url}"


# ---------------------------------------------------------------------------------------------
# The disk cache


class TokenCache:
    """Tokens on disk, so a restart does not cost a token fetch; see the module docstring."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = (
            Path(directory)
            if directory is not None
            else Path(platformdirs.user_cache_dir("datto-tui")) / "tokens"
        )

    def __repr__(self) -> str:
        return f"TokenCache({str(self.directory)!r})"

    def path_for(self, base_url: str, api_key: str) -> Path:
        """The file that holds the token of ``api_key`` at ``base_url``."""
        digest = hashlib.sha256(f"{base_url}\n{_key_digest(api_key)}".encode()).hexdigest()
        return self.directory / f"token-{digest[:40]}.json"

    def load(self, base_url: str, api_key: str) -> Token | None:
        """The cached token, or None (with a warning in the log if a file had to be ignored)."""
        path = self.path_for(base_url, api_key)
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("Ignoring the token cache %s (%s); fetching a new token.", path, exc)
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                problem = _unsafe_file(info)
                if problem:
                    log.warning(
                        "Ignoring the token cache %s: %s; fetching a new token and rewriting it "
                        "with mode 0600.",
                        path,
                        problem,
                    )
                    return None
                raw = handle.read(64 * 1024)
        except OSError as exc:
            log.warning("Ignoring the token cache %s (%s); fetching a new token.", path, exc)
            return None
        token = _parse_cache(raw, base_url, api_key)
        if token is None:
            log.warning(
                "Ignoring the token cache %s: it is corrupt or for another key; fetching a new "
                "token.",
                path,
            )
        return token

    def store(self, base_url: str, api_key: str, token: Token) -> None:
        """Write ``token`` atomically with mode 0600 (a failure is logged, never raised)."""
        path = self.path_for(base_url, api_key)
        record = {
            "version": 1,
            "base_url": base_url,
            "key_sha256": _key_digest(api_key),
            "access_token": token.access_token,
            "token_type": token.token_type,
            "fetched_at": token.fetched_at,
            "expires_at": token.expires_at,
        }
        temp: str | None = None
        try:
            self._ensure_directory()
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".token-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.chmod(temp, 0o600)
                json.dump(record, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
            temp = None
        except OSError as exc:
            log.warning(
                "Could not write the token cache %s (%s); continuing without it.", path, exc
            )
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def forget(self, base_url: str, api_key: str) -> None:
        """Delete the cached token of ``api_key`` at ``base_url``, if any."""
        with contextlib.suppress(OSError):
            self.path_for(base_url, api_key).unlink()

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for directory in (self.directory, self.directory.parent):
            # Our own directories only: never chmod a parent such as ~/.cache.
            if directory.name in ("tokens", "datto-tui") and os.name != "nt":
                info = directory.stat()
                if stat.S_IMODE(info.st_mode) & 0o077 and _owned_by_us(info):
                    os.chmod(directory, 0o700)


def _key_digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def _owned_by_us(info: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _unsafe_file(info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    if os.name == "nt":
        return None
    if not _owned_by_us(info):
        return "it belongs to another user"
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return f"other users may read it (mode {mode:04o})"
    return None


def _parse_cache(raw: bytes, base_url: str, api_key: str) -> Token | None:
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    if record.get("base_url") != base_url or record.get("key_sha256") != _key_digest(api_key):
        return None
    access_token = record.get("access_token")
    fetched_at = as_float(record.get("fetched_at"))
    expires_at = as_float(record.get("expires_at"))
    if not isinstance(access_token, str) or not access_token:
        return None
    if fetched_at is None or expires_at is None:
        return None
    token_type = as_str(record.get("token_type")) or "bearer"
    return Token(access_token, token_type, fetched_at, expires_at)


# ---------------------------------------------------------------------------------------------
# The httpx.Auth


class DattoAuth(httpx.Auth):
    """Bearer tokens for the client's requests; see the module docstring for the contract."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        api_secret: str,
        clock: Clock,
        cache: TokenCache | None = None,
        refresh_margin: float = 600.0,
        timeout: httpx.Timeout | None = None,
        platform: str | None = None,
        user_agent: str = "datto-tui",
    ) -> None:
        self._base_url = base_url
        self._origin = origin(httpx.URL(base_url))
        self._api_key = api_key
        self._api_secret = api_secret
        self._clock = clock
        self._cache = cache
        self._refresh_margin = max(0.0, refresh_margin)
        self._timeout = timeout or httpx.Timeout(30.0)
        self._service = describe_service(base_url, platform)
        self._user_agent = user_agent
        self._lock = asyncio.Lock()
        self._token: Token | None = None
        # Earlier tokens stay secret too: an error body may echo the one that was refused.
        self._retired: deque[str] = deque(maxlen=8)
        self._cache_read = False
        self.fetch_count = 0
        """Tokens fetched from the service by this object (cache hits do not count)."""

    def __repr__(self) -> str:
        return f"DattoAuth(base_url={self._base_url!r}, token_cached={self._token is not None})"

    # -----------------------------------------------------------------------------------------
    # State for the client

    @property
    def token_expires_at(self) -> datetime | None:
        token = self._token
        return None if token is None else datetime.fromtimestamp(token.expires_at, UTC)

    @property
    def token_fetched_at(self) -> datetime | None:
        token = self._token
        return None if token is None else datetime.fromtimestamp(token.fetched_at, UTC)

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in a message: the API secret and the tokens."""
        token = self._token
        current = () if token is None else (token.access_token,)
        return (self._api_secret, *current, *self._retired)

    # -----------------------------------------------------------------------------------------
    # The flow

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("DattoAuth works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if request.extensions.get(NO_AUTH_EXTENSION):
            yield request
            return
        if origin(request.url) != self._origin:
            raise UnsafeRedirect(
                f"Refusing to send the access token to {request.url.scheme}://{request.url.host}: "
                f"it is not the configured API address {self._base_url}."
            )
        token = self._usable_token()
        if token is None:
            async with self._lock:
                token = self._usable_token()
                if token is None:
                    token_response = yield self._token_request()
                    token = await self._accept(token_response)
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code != 401:
            return
        log.info("%s answered 401; fetching a new token and sending it again", request.url.path)
        async with self._lock:
            current = self._token
            if current is None or current.access_token == token.access_token:
                self._discard(token)
                token_response = yield self._token_request()
                current = await self._accept(token_response)
        request.headers["Authorization"] = f"Bearer {current.access_token}"
        yield request

    # -----------------------------------------------------------------------------------------
    # Internals

    def _margin(self, token: Token) -> float:
        return min(self._refresh_margin, token.lifetime / 4)

    def _usable_token(self) -> Token | None:
        if self._token is None and not self._cache_read:
            self._cache_read = True
            if self._cache is not None:
                self._token = self._cache.load(self._base_url, self._api_key)
        token = self._token
        if token is None:
            return None
        if self._clock.time() >= token.expires_at - self._margin(token):
            return None
        return token

    def _discard(self, token: Token) -> None:
        if self._token is not None and self._token.access_token == token.access_token:
            self._retired.append(token.access_token)
            self._token = None
            if self._cache is not None:
                self._cache.forget(self._base_url, self._api_key)

    def _token_request(self) -> httpx.Request:
        ext = extensions(Priority.INTERACTIVE, kind="read", retry=True)
        ext["timeout"] = self._timeout.as_dict()
        return httpx.Request(
            "POST",
            f"{self._base_url}{TOKEN_PATH}",
            headers={
                "Authorization": f"Basic {_CLIENT_CREDENTIALS}",
                "Accept": "application/json",
                "User-Agent": self._user_agent,
            },
            data={
                "grant_type": "password",
                "username": self._api_key,
                "password": self._api_secret,
            },
            extensions=ext,
        )

    async def _accept(self, response: httpx.Response) -> Token:
        """The token in the token endpoint's ``response``, or the matching exception."""
        await response.aread()
        what = f"POST {TOKEN_PATH}"
        status = response.status_code
        secrets = self.secrets()
        if not 200 <= status < 300:
            if status in (429,) or status >= 500 or response.extensions.get(IP_BLOCKED_EXTENSION):
                raise error_for_response(response, what, secrets)
            detail = error_detail(response, secrets)
            if status in (400, 401):
                raise AuthError(
                    f"{self._service} refused the API key and secret ({status}){detail}. "
                    + _CHECK_HINT,
                    status=status,
                )
            raise AuthError(
                f"{self._service} refused to issue an access token "
                f"({status} {response.reason_phrase}){detail}. " + _CHECK_HINT,
                status=status,
            )
        body = decode_json(response, what)
        access_token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access_token, str) or not access_token.strip():
            raise AuthError(
                f"{self._service} answered the token request without an access token "
                f"(status {status}). Check the API URL (Setup > Users shows it).",
                status=status,
            )
        now = self._clock.time()
        lifetime = as_float(body.get("expires_in"))
        if lifetime is None or lifetime <= 0:
            lifetime = _DEFAULT_LIFETIME
        token = Token(
            access_token=access_token,
            token_type=as_str(body.get("token_type")) or "bearer",
            fetched_at=now,
            expires_at=now + lifetime,
        )
        if self._token is not None:
            self._retired.append(self._token.access_token)
        self._token = token
        self.fetch_count += 1
        if self._cache is not None:
            self._cache.store(self._base_url, self._api_key, token)
        log.info("Fetched an access token valid for %.0f s from %s", lifetime, self._service)
        return token
