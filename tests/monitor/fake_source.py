"""A hand-written PollSource for the poller tests: scripted data, failures and gates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from datto_tui.api.budget import Priority
from datto_tui.api.models import Account, Alert, Device, RequestRate, Site

from .support import account, request_rate

T = TypeVar("T")


@dataclass(frozen=True)
class FakePage(Generic[T]):
    items: list[T]
    total_count: int | None
    index: int


class Gate:
    """An awaitable barrier a test opens to let a slow fetch continue."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def pass_through(self) -> None:
        self.entered.set()
        await self.release.wait()


class FakeStream(Generic[T]):
    """What ``client.devices(...)`` returns: something with ``pages()``."""

    def __init__(self, source: ScriptedSource, kind: str, priority: Priority) -> None:
        self._source = source
        self._kind = kind
        self.priority = priority

    async def pages(self) -> AsyncIterator[FakePage[T]]:
        source = self._source
        source.calls.append((self._kind, self.priority))
        source.active[self._kind] = source.active.get(self._kind, 0) + 1
        source.max_active[self._kind] = max(
            source.max_active.get(self._kind, 0), source.active[self._kind]
        )
        try:
            items: list[T] = list(source.data[self._kind])
            size = source.page_size
            pages = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
            for index, chunk in enumerate(pages):
                gate = source.gates.get(self._kind)
                if gate is not None:
                    await gate.pass_through()
                failure = source.failures.get(self._kind)
                if failure and (failure[0] is None or failure[0] == index):
                    error_factory = failure[1]
                    source.failures[self._kind] = failure if failure[2] else None
                    raise error_factory()
                yield FakePage(chunk, len(items), index)
        finally:
            source.active[self._kind] -= 1


class ScriptedSource:
    """A hand-written PollSource: data per kind, optional failures and gates, a call log.

    ``fail(kind, error, page=None, sticky=False)``: the next fetch of ``kind`` raises ``error()``
    (at page ``page``, or at the first page); ``sticky`` keeps failing until ``heal(kind)``.
    """

    def __init__(self) -> None:
        self.data: dict[str, Sequence[Any]] = {
            "sites": [],
            "devices": [],
            "alerts": [],
        }
        self.account_value = account()
        self.rate_value = request_rate()
        self.page_size = 2
        self.calls: list[tuple[str, Priority]] = []
        self.active: dict[str, int] = {}
        self.max_active: dict[str, int] = {}
        self.gates: dict[str, Gate] = {}
        self.failures: dict[str, tuple[int | None, Callable[[], BaseException], bool] | None] = {}

    def fail(
        self,
        kind: str,
        error: Callable[[], BaseException],
        *,
        page: int | None = None,
        sticky: bool = False,
    ) -> None:
        self.failures[kind] = (page, error, sticky)

    def heal(self, kind: str) -> None:
        self.failures[kind] = None

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.calls if k == kind)

    # The PollSource surface.

    def sites(self, *, priority: Priority) -> FakeStream[Site]:
        return FakeStream(self, "sites", priority)

    def devices(self, *, priority: Priority) -> FakeStream[Device]:
        return FakeStream(self, "devices", priority)

    def open_alerts(self, *, priority: Priority) -> FakeStream[Alert]:
        return FakeStream(self, "alerts", priority)

    async def _single(self, kind: str, priority: Priority) -> None:
        self.calls.append((kind, priority))
        gate = self.gates.get(kind)
        if gate is not None:
            await gate.pass_through()
        failure = self.failures.get(kind)
        if failure:
            self.failures[kind] = failure if failure[2] else None
            raise failure[1]()

    async def account(self, *, priority: Priority) -> Account:
        await self._single("account", priority)
        return self.account_value

    async def request_rate(self, *, priority: Priority) -> RequestRate:
        await self._single("request_rate", priority)
        return self.rate_value
