"""Rate limits as the live service applies them.

Per account, over a sliding window (60 s): ``read_limit`` reads (every authenticated GET, 404s
included); writes count separately, per operation (``alert-resolve``, ``device-job-create``, ...)
and for the account as a whole. Above ``cutoff_ratio`` of the read limit each read is answered
``throttle_delay`` seconds late. Over a limit the answer is 429; a client that keeps sending
while over the limit (``block_after_429`` more 429s within the window) gets 403 and its IP is
blocked for ``block_seconds``, for every request including the token endpoint.
``background_load`` stands for other integrations of the same account: that many reads per
minute always sit in the account's window.

All times come from the service clock (``monotonic``), so tests on a ``FakeClock`` never wait.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

from datto_tui.clock import Clock
from datto_tui.fakeapi.config import WRITE_OPERATIONS, FakeConfig


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one request: admitted (maybe delayed), 429 or 403."""

    status: int  # 0 when admitted
    delay: float = 0.0
    retry_after: float = 0.0


class RateLimiter:
    """Sliding-window counters of one account and the IP block list."""

    def __init__(self, config: FakeConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._window = config.window_seconds
        self._reads: deque[float] = deque()
        self._writes: deque[float] = deque()
        self._ops: dict[str, deque[float]] = {op: deque() for op in config.operation_write_limits}
        self._streaks: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    # ------------------------------------------------------------------------------ counts

    def _prune(self, q: deque[float], now: float) -> None:
        edge = now - self._window
        while q and q[0] <= edge:
            q.popleft()

    @property
    def background(self) -> int:
        return int(self._config.background_load * self._window / 60.0)

    def read_count(self) -> int:
        """Reads of the account in the current window (background load included)."""
        self._prune(self._reads, self._clock.monotonic())
        return len(self._reads) + self.background

    def write_count(self, op: str | None = None) -> int:
        now = self._clock.monotonic()
        q = self._writes if op is None else self._ops.setdefault(op, deque())
        self._prune(q, now)
        return len(q)

    def _reset_in(self, q: deque[float], now: float) -> float:
        return max(0.0, q[0] + self._window - now) if q else 0.0

    # ----------------------------------------------------------------------------- verdicts

    def blocked_for(self, ip: str) -> float:
        """Seconds left of an IP block (0 when not blocked)."""
        until = self._blocked_until.get(ip)
        if until is None:
            return 0.0
        left = until - self._clock.monotonic()
        if left <= 0:
            del self._blocked_until[ip]
            return 0.0
        return left

    def admit_read(self, ip: str) -> Decision:
        now = self._clock.monotonic()
        self._prune(self._reads, now)
        limit = self._config.read_limit
        if len(self._reads) + self.background >= limit:
            return self._reject(ip, now, self._reset_in(self._reads, now) or self._window)
        self._reads.append(now)
        used = len(self._reads) + self.background
        delay = self._config.throttle_delay if used > self._config.cutoff_ratio * limit else 0.0
        return Decision(0, delay=delay)

    def admit_write(self, ip: str, op: str | None) -> Decision:
        now = self._clock.monotonic()
        self._prune(self._writes, now)
        if len(self._writes) >= self._config.account_write_limit:
            return self._reject(ip, now, self._reset_in(self._writes, now) or self._window)
        if op is not None:
            q = self._ops.setdefault(op, deque())
            self._prune(q, now)
            if len(q) >= self._config.operation_write_limits.get(op, 100):
                return self._reject(ip, now, self._reset_in(q, now) or self._window)
            q.append(now)
        self._writes.append(now)
        return Decision(0)

    def _reject(self, ip: str, now: float, retry_after: float) -> Decision:
        streak = self._streaks.setdefault(ip, deque())
        self._prune(streak, now)
        if len(streak) >= self._config.block_after_429:
            streak.clear()
            self._blocked_until[ip] = now + self._config.block_seconds
            return Decision(403, retry_after=self._config.block_seconds)
        streak.append(now)
        return Decision(429, retry_after=retry_after)

    def block(self, ip: str, seconds: float | None = None) -> None:
        """Block an IP now (test hook)."""
        self._blocked_until[ip] = self._clock.monotonic() + (
            self._config.block_seconds if seconds is None else seconds
        )

    # ------------------------------------------------------------------------------ reports

    def status(self, account_uid: str) -> dict[str, Any]:
        """The ``/v2/system/request_rate`` body."""
        now = self._clock.monotonic()
        ops: dict[str, Any] = {}
        for op in WRITE_OPERATIONS:
            q = self._ops.setdefault(op, deque())
            self._prune(q, now)
            ops[op] = {"limit": self._config.operation_write_limits.get(op, 100), "count": len(q)}
        return {
            "slidingTimeWindowSizeSeconds": int(self._window),
            "accountUid": account_uid,
            "accountCount": self.read_count(),
            "accountRateLimit": self._config.read_limit,
            "accountCutOffRatio": self._config.cutoff_ratio,
            "accountWriteCount": self.write_count(),
            "accountWriteRateLimit": self._config.account_write_limit,
            "operationWriteStatus": ops,
        }

    def headers(self, op: str | None, write: bool) -> list[tuple[bytes, bytes]]:
        """``X-RateLimit-*`` headers for the bucket a request counted against."""
        now = self._clock.monotonic()
        if write:
            q = self._writes if op is None else self._ops.setdefault(op, deque())
            limit = (
                self._config.account_write_limit
                if op is None
                else self._config.operation_write_limits.get(op, 100)
            )
            self._prune(q, now)
            used = len(q)
        else:
            q = self._reads
            limit = self._config.read_limit
            self._prune(q, now)
            used = len(q) + self.background
        reset_at = self._clock.time() + self._reset_in(q, now)
        return [
            (b"x-ratelimit-limit", str(limit).encode()),
            (b"x-ratelimit-remaining", str(max(0, limit - used)).encode()),
            (b"x-ratelimit-reset", str(math.ceil(reset_at)).encode()),
        ]
