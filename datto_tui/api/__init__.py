"""The headless client of the Datto RMM REST API v2.

Start with :class:`DattoClient`; its module docstring describes the layers. Never imports
textual or rich.
"""

from __future__ import annotations

from datto_tui.api import _lean_httpx  # noqa: F401  (first: see its docstring)
from datto_tui.api.auth import TokenCache
from datto_tui.api.budget import Budget, BudgetSnapshot, Priority
from datto_tui.api.client import DattoClient, QuickJobResult
from datto_tui.api.errors import (
    AuthError,
    BadRequest,
    ConfigurationError,
    Conflict,
    DattoError,
    IPBlocked,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
    UnsafeRedirect,
)
from datto_tui.api.pagination import Page, Paginated

__all__ = [
    "AuthError",
    "BadRequest",
    "Budget",
    "BudgetSnapshot",
    "ConfigurationError",
    "Conflict",
    "DattoClient",
    "DattoError",
    "IPBlocked",
    "NetworkError",
    "NotFound",
    "Page",
    "Paginated",
    "PermissionDenied",
    "Priority",
    "ProtocolError",
    "QuickJobResult",
    "RateLimited",
    "ServerError",
    "TokenCache",
    "UnsafeRedirect",
]
