"""The client as the poller sees it, watched for problems no retry can fix.

The poller turns every error into a freshness state, which is right for a flaky network but
wrong for refused credentials or unusable settings: those need a person. This wrapper lets the
poller see everything unchanged and, until the first success, reports an ``AuthError``,
``ConfigurationError`` or ``PermissionDenied`` (not an IP block, which passes by itself) to
``on_problem``, without a single extra request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from datto_tui.api.budget import Priority
from datto_tui.api.errors import AuthError, ConfigurationError, IPBlocked, PermissionDenied
from datto_tui.api.models import Account, Alert, Device, RequestRate, Site

if TYPE_CHECKING:
    from datto_tui.api.client import DattoClient, Paginated

FATAL = (AuthError, ConfigurationError, PermissionDenied)


def is_fatal(error: BaseException) -> bool:
    """Errors that need a person (credentials, settings, permissions), not a retry."""
    return isinstance(error, FATAL) and not isinstance(error, IPBlocked)


class WatchedSource:
    """Delegates to the client; ``account()`` reports fatal errors of the first contact."""

    def __init__(self, client: DattoClient, on_problem: Callable[[BaseException], None]) -> None:
        self._client = client
        self._on_problem = on_problem
        self.contacted = False

    def sites(self, *, priority: Priority) -> Paginated[Site]:
        return self._client.sites(priority=priority)

    def devices(self, *, priority: Priority) -> Paginated[Device]:
        return self._client.devices(priority=priority)

    def open_alerts(self, *, priority: Priority) -> Paginated[Alert]:
        return self._client.open_alerts(priority=priority)

    async def account(self, *, priority: Priority) -> Account:
        try:
            account = await self._client.account(priority=priority)
        except Exception as error:
            if not self.contacted and is_fatal(error):
                self._on_problem(error)
            raise
        self.contacted = True
        return account

    async def request_rate(self, *, priority: Priority) -> RequestRate:
        return await self._client.request_rate(priority=priority)
