"""The one exception tree of the API client.

Callers of :mod:`datto_tui.api` only ever see these; httpx exceptions never escape::

    DattoError                      anything that went wrong talking to Datto RMM
    ├── ConfigurationError          unusable settings (unknown platform, http to a remote host, ...)
    ├── AuthError                   credentials refused, or the token endpoint failed
    ├── PermissionDenied            403: the API user may not do this
    │   └── IPBlocked               403 soon after a 429: the service blocks this IP (~5 min)
    ├── RateLimited                 429, or our own budget is paused
    ├── NotFound                    404 (unknown uid, unknown path)
    ├── BadRequest                  400 (e.g. audit of a device whose class has no audit)
    ├── Conflict                    409: concurrent write to the same record; re-read, then retry
    ├── ServerError                 5xx after retries
    ├── NetworkError                timeouts, refused or reset connections, DNS
    └── ProtocolError               a body that is not the JSON we expect (HTML, truncated, ...)
        └── UnsafeRedirect          a nextPageUrl pointing at another host, or looping

Messages are written for the person at the keyboard: what happened and what to do. They never
contain the API secret, a token, or a UDF value.
"""

from __future__ import annotations


class DattoError(Exception):
    """Base of every error raised by the API client.

    ``status`` is the HTTP status when there was a response; ``retry_after`` is the number of
    seconds the caller should wait before trying again, when known.
    """

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class ConfigurationError(DattoError):
    """Settings that cannot work (unknown platform, plain http to a non-loopback host)."""


class AuthError(DattoError):
    """The service refused the credentials, or the token endpoint failed."""


class PermissionDenied(DattoError):
    """403: the API user's security level does not allow this."""


class IPBlocked(PermissionDenied):
    """403 shortly after a 429: the service blocks this IP address for about five minutes."""


class RateLimited(DattoError):
    """429 from the service, or our own budget is paused; ``retry_after`` says for how long."""


class NotFound(DattoError):
    """404: no such record or path."""


class BadRequest(DattoError):
    """400: the service refused the request as malformed or not applicable."""


class Conflict(DattoError):
    """409: concurrent write access to the same record; re-read and re-apply."""


class ServerError(DattoError):
    """5xx that persisted through the retries."""


class NetworkError(DattoError):
    """The service could not be reached: timeout, refused or reset connection, DNS failure."""


class ProtocolError(DattoError):
    """The response was not what the API sends: not JSON, truncated, or the wrong shape."""


class UnsafeRedirect(ProtocolError):
    """A pagination link pointed at another host, or repeated a page already fetched."""
