"""The fake Datto RMM service: world, auth, rate limits, faults, request log, ASGI app.

svc = FakeService(FakeConfig(seed=7), clock=FakeClock())
transport = httpx.ASGITransport(app=svc.asgi)       # base URL http://fake.localhost
svc.world.open_alert(...); svc.faults.once("/api/v2/account/devices", "500", page=2)
svc.log[-1].status; svc.counters.reads
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from datto_tui.clock import Clock, SystemClock
from datto_tui.fakeapi.app import FakeApp
from datto_tui.fakeapi.auth import TokenStore
from datto_tui.fakeapi.config import FakeConfig
from datto_tui.fakeapi.faults import Faults
from datto_tui.fakeapi.ratelimit import RateLimiter
from datto_tui.fakeapi.world import World

if TYPE_CHECKING:
    from datto_tui.fakeapi.app import Outcome
    from datto_tui.fakeapi.wire import Request


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the service saw it.

    ``kind`` is ``read``, ``write`` (counted against the rate limits), ``auth`` (token endpoint)
    or ``none`` (not counted: status endpoint, unauthenticated, blocked, faulted early).
    ``status`` is 0 when the connection was reset. ``route`` is the matched pattern (relative to
    ``/api``), ``fault`` the injected fault, ``delay`` seconds added on the service clock.
    """

    time: float
    method: str
    path: str
    query: str
    status: int
    kind: str
    route: str | None
    fault: str | None
    delay: float
    duration: float
    size: int


class RequestLog:
    """The most recent requests (a ring buffer of ``FakeConfig.log_size`` records)."""

    def __init__(self, size: int) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=max(1, size))
        self.total = 0
        """Requests recorded since the start (including those that fell out of the buffer)."""

    def append(self, record: RequestRecord) -> None:
        self._records.append(record)
        self.total += 1

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> RequestRecord:
        return self._records[index]

    def clear(self) -> None:
        self._records.clear()

    def matching(
        self, path: str | None = None, *, status: int | None = None, kind: str | None = None
    ) -> list[RequestRecord]:
        """Records with this path (exact), status and kind (each optional)."""
        return [
            r
            for r in self._records
            if (path is None or r.path == path)
            and (status is None or r.status == status)
            and (kind is None or r.kind == kind)
        ]


@dataclass
class Counters:
    """Running totals since the service started."""

    requests: int = 0
    reads: int = 0
    writes: int = 0
    token_grants: int = 0
    auth_failures: int = 0
    throttled: int = 0
    """Reads answered late because the account was above the cut-off ratio."""
    rejected: int = 0
    """429 answers from the rate limiter."""
    blocked: int = 0
    """403 answers from the rate limiter (IP block)."""
    resets: int = 0
    bytes_out: int = 0
    status: Counter[int] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)


class FakeService:
    """A faithful, headless fake of the Datto RMM API v2 (see the package docstring).

    Attributes: ``config``, ``clock``, ``world`` (:class:`~datto_tui.fakeapi.world.World`),
    ``auth`` (:class:`~datto_tui.fakeapi.auth.TokenStore`), ``limiter``
    (:class:`~datto_tui.fakeapi.ratelimit.RateLimiter`), ``faults``
    (:class:`~datto_tui.fakeapi.faults.Faults`), ``log`` (:class:`RequestLog`), ``counters``
    (:class:`Counters`) and ``asgi`` (the ASGI app).
    """

    def __init__(self, config: FakeConfig | None = None, *, clock: Clock | None = None) -> None:
        self.config = config if config is not None else FakeConfig()
        self.clock: Clock = clock if clock is not None else SystemClock()
        # The account is generated on first use, as of now: --demo draws its first frame
        # before the tenth of a second that generating 2,500 devices takes.
        self._born = self.clock.time()
        self._world: World | None = None
        self.auth = TokenStore(self.config, self.clock)
        self.limiter = RateLimiter(self.config, self.clock)
        self.faults = Faults(self.config.faults, self.config.seed, self.clock)
        self.log = RequestLog(self.config.log_size)
        self.counters = Counters()
        self.asgi = FakeApp(self)

    @property
    def world(self) -> World:
        """The account's data, generated on first use as of the service's creation."""
        if self._world is None:
            self._world = World(self.config, self.clock, t0=self._born)
        return self._world

    def generate(self) -> None:
        """Generate the account now rather than on first use (a server does, before it
        listens: 100k devices take seconds)."""
        _ = self.world

    def issue_token(self) -> str:
        """A valid access token without going through the token endpoint (test helper)."""
        return self.auth.issue().token

    def record(
        self, req: Request, status: int, outcome: Outcome, duration: float, size: int
    ) -> None:
        """Log one finished request and update the counters."""
        self.counters.requests += 1
        self.counters.status[status] += 1
        self.counters.bytes_out += size
        if status == 0:
            self.counters.resets += 1
        self.log.append(
            RequestRecord(
                time=self.clock.time(),
                method=req.method,
                path=req.path,
                query=req.raw_query,
                status=status,
                kind=outcome.kind,
                route=outcome.route,
                fault=outcome.fault,
                delay=outcome.delay,
                duration=duration,
                size=size,
            )
        )
