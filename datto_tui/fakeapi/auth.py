"""OAuth tokens of the fake: the password grant at ``/auth/oauth/token`` and bearer checks.

As the live service: the token endpoint sits outside ``/api``, wants HTTP Basic
``public-client:public`` and a form ``grant_type=password&username=<key>&password=<secret>``, and
answers ``{access_token, token_type: "bearer", expires_in, scope, jti}``. Tokens are JWT-shaped but
opaque to clients; each grant issues a new one and earlier ones stay valid until they expire.
A missing bearer gets 401 ``unauthorized``; an expired, revoked or unknown one 401
``invalid_token``. Token values never appear in error bodies.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass
from urllib.parse import parse_qs

from datto_tui.clock import Clock
from datto_tui.fakeapi.config import FakeConfig
from datto_tui.fakeapi.wire import Request, Response, dumps, oauth_error

CLIENT_BASIC = base64.b64encode(b"public-client:public").decode("ascii")
FULL_AUTH = "Full authentication is required to access this resource"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(slots=True)
class TokenRec:
    token: str
    jti: str
    issued_at: float
    expires_at: float
    revoked: bool = False


class TokenStore:
    """Issued tokens; checks bearers against the clock."""

    def __init__(self, config: FakeConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._tokens: dict[str, TokenRec] = {}
        self._rng = random.Random(config.seed ^ 0x70CE)
        self.issued = 0

    def issue(self) -> TokenRec:
        """A new token valid for ``token_ttl`` seconds from now."""
        now = self._clock.time()
        ttl = self._config.token_ttl
        jti = f"{self._rng.getrandbits(128):032x}"
        jti = f"{jti[:8]}-{jti[8:12]}-{jti[12:16]}-{jti[16:20]}-{jti[20:]}"
        header = _b64url(b'{"alg":"RS256","typ":"JWT"}')
        payload = _b64url(
            json.dumps(
                {
                    "aud": ["aem-api"],
                    "user_name": self._config.api_username,
                    "scope": ["default"],
                    "exp": int(now + ttl),
                    "authorities": ["ROLE_API"],
                    "jti": jti,
                    "client_id": "public-client",
                },
                separators=(",", ":"),
            ).encode()
        )
        signature = _b64url(self._rng.getrandbits(2048).to_bytes(256, "big"))
        rec = TokenRec(f"{header}.{payload}.{signature}", jti, now, now + ttl)
        self._tokens[rec.token] = rec
        self.issued += 1
        self._prune(now)
        return rec

    def _prune(self, now: float) -> None:
        if len(self._tokens) > 1000:
            for token in [t for t, r in self._tokens.items() if r.expires_at <= now or r.revoked]:
                del self._tokens[token]

    def check(self, token: str) -> str | None:
        """None when ``token`` is valid now, else the ``error_description`` to answer with."""
        rec = self._tokens.get(token)
        if rec is None:
            return "Invalid access token"
        if rec.revoked:
            return "Access token has been revoked"
        if self._clock.time() >= rec.expires_at:
            return "Access token expired"
        return None

    def revoke(self, token: str) -> bool:
        """Revoke one token (what the ``revoke_token`` fault does); False when unknown."""
        rec = self._tokens.get(token)
        if rec is None:
            return False
        rec.revoked = True
        return True

    def revoke_all(self) -> int:
        """Revoke every token; returns how many were still usable."""
        count = 0
        for rec in self._tokens.values():
            if not rec.revoked:
                rec.revoked = True
                count += 1
        return count


def bearer(req: Request) -> str | None:
    """The bearer token of a request, if any."""
    value = req.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def unauthorized(description: str = FULL_AUTH, error: str = "unauthorized") -> Response:
    response = oauth_error(401, error, description)
    challenge = (
        f'Bearer realm="oauth2-resource", error="{error}", error_description="{description}"'
    )
    response.headers.append((b"www-authenticate", challenge.encode("latin-1")))
    return response


def token_endpoint(store: TokenStore, config: FakeConfig, req: Request) -> Response:
    """``POST /auth/oauth/token``: the password grant."""
    if req.method != "POST":
        response = oauth_error(
            405, "method_not_allowed", f"Request method '{req.method}' not supported"
        )
        response.headers.append((b"allow", b"POST"))
        return response
    scheme, _, credentials = req.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or credentials.strip() != CLIENT_BASIC:
        response = oauth_error(401, "unauthorized", FULL_AUTH)
        response.headers.append((b"www-authenticate", b'Basic realm="oauth2/client"'))
        return response
    form = parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True)
    for name, values in req.query.items():
        form.setdefault(name, values)
    grant = (form.get("grant_type") or [""])[0]
    if not grant:
        return oauth_error(400, "invalid_request", "Missing grant type")
    if grant != "password":
        return oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
    username = (form.get("username") or [""])[0]
    password = (form.get("password") or [""])[0]
    if username != config.api_key or password != config.api_secret:
        return oauth_error(400, "invalid_grant", "Bad credentials")
    rec = store.issue()
    body = {
        "access_token": rec.token,
        "token_type": "bearer",
        "expires_in": int(rec.expires_at - rec.issued_at),
        "scope": "default",
        "jti": rec.jti,
    }
    return Response(
        200,
        dumps(body),
        headers=[(b"cache-control", b"no-store"), (b"pragma", b"no-cache")],
    )
