"""The soak harness: the headless dashboard against the chaos-faulted fake on simulated time.

One :class:`~datto_tui.clock.FakeClock` (manual) is shared by the fake service, the client and
the poller. The harness is a discrete-event simulation: it lets the event loop run until nothing
is runnable any more (every task waits on the clock, on a message or on real-time timers of
Textual), then moves the clock to the next sleeper's deadline or the next check, whichever comes
first. No real sleep ever synchronises anything; the only real-time wait is the stall probe,
which measures how late the event loop answers.

Invariants, checked while the run goes and reported at the end (:class:`SoakReport`):

- the app never exits, the poller keeps running, no problem screen appears, and good alert polls
  are never more than :data:`MAX_ALERT_GAP` apart (the poller's backoff cap plus a burst of
  429 pauses);
- no UI stall: the event loop is never more than ``stall_limit_ms`` late, measured in the main
  thread's CPU time with the in-process fake's own work taken out (:class:`StallProbe`; the
  wall-clock figure is reported beside it);
- after the faults stop (a final fault-free period) the alert store matches the fake: every alert
  open at the fake two poll intervals ago and still open is in the store (nothing lost), and the
  store holds nothing that was resolved more than two poll intervals ago (nothing phantom); the
  tables show what the store holds; devices and sites match the fake at the end;
- the fake never counts more than our share of reads in any sliding window of simulated time,
  and never answers 403 (IP block);
- tokens are refreshed before they expire: no request is refused for an expired token (only
  revocation faults cause 401s), and the bearer token only ever goes to the configured host;
- memory in use (RSS after a collection and ``malloc_trim``; RSS as is is reported beside it)
  after the first simulated hour grows by at most ``memory_growth_limit``;
- no log record holds the API secret, a token or a raw escape character from the data, and no
  poll fails "unexpectedly" (an exception outside the ``DattoError`` tree).
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import random
import resource
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from datto_tui.api import offload
from datto_tui.api.client import DattoClient
from datto_tui.clock import Clock, FakeClock
from datto_tui.config import PollIntervals, Profile
from datto_tui.fakeapi import DEMO_API_KEY, DEMO_API_SECRET, FakeConfig, FakeService
from datto_tui.fakeapi.auth import TokenRec, TokenStore
from datto_tui.monitor.events import Resource
from datto_tui.tui.app import DattoApp

BASE_URL = "http://fake.localhost"
#: The simulated start: 2026-05-28 20:26:40 UTC.
START = 1_780_000_000.0
EXPIRED = "Access token expired"
REVOKED = "Access token has been revoked"
#: The longest acceptable time without a good alert poll under faults: the poller's backoff cap
#: (10 min) plus a rate-limit pause of five consecutive 429s (5 x 60 s).
MAX_ALERT_GAP = 900.0


@dataclass(frozen=True)
class SoakConfig:
    """What to simulate. ``hours`` is the whole run; its last ``quiet_minutes`` are fault-free."""

    hours: float = 24.0
    seed: int = 7
    sites: int = 40
    devices: int = 2500
    alerts: int = 120
    faults: str = "chaos"
    hostile: bool = True
    token_ttl: float = 7200.0
    quiet_minutes: float = 30.0
    check_every: float = 5.0
    stall_limit_ms: float = 200.0
    memory_growth_limit: float = 0.10
    read_share: float = 0.5
    size: tuple[int, int] = (160, 45)
    polls: PollIntervals = field(default_factory=PollIntervals)
    progress: bool = False

    @property
    def seconds(self) -> float:
        return self.hours * 3600.0


@dataclass
class Invariant:
    name: str
    passed: bool
    detail: str


@dataclass
class SoakReport:
    """Everything measured; :attr:`passed` is True when every invariant held."""

    config: dict[str, Any]
    real_seconds: float = 0.0
    simulated_seconds: float = 0.0
    polls: dict[str, int] = field(default_factory=dict)
    poll_failures: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    reads: int = 0
    writes: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    max_reads_in_window: int = 0
    read_limit: int = 0
    ip_blocks: int = 0
    rate_limited_429: int = 0
    token_fetches: int = 0
    token_refreshes_before_expiry: int = 0
    token_refetches_after_refusal: int = 0
    refused_tokens: dict[str, int] = field(default_factory=dict)
    hosts_with_token: dict[str, int] = field(default_factory=dict)
    max_stall_ms: float = 0.0
    stalls_over_limit: int = 0
    max_wall_stall_ms: float = 0.0
    wall_stalls_over_limit: int = 0
    max_alert_gap_seconds: float = 0.0
    gc_full_collections: int = 0
    gc_max_pause_ms: float = 0.0
    worst_stall_gc_ms: float = 0.0
    stall_histogram_ms: dict[str, int] = field(default_factory=dict)
    worst_stall_at_hour: float | None = None
    rss_mb_by_hour: list[float] = field(default_factory=list)
    rss_in_use_mb_by_hour: list[float] = field(default_factory=list)
    memory_growth: float = 0.0
    alert_checks: int = 0
    alerts_lost_max: int = 0
    alerts_phantom_max: int = 0
    alert_examples: list[str] = field(default_factory=list)
    recovery_seconds: float | None = None
    ui_mismatches: int = 0
    devices_match: bool = False
    sites_match: bool = False
    open_alerts_at_end: int = 0
    log_records: dict[str, int] = field(default_factory=dict)
    log_leaks: list[str] = field(default_factory=list)
    unexpected_errors: list[str] = field(default_factory=list)
    app_alive: bool = True
    problem_screens: int = 0
    settle_timeouts: int = 0
    invariants: list[Invariant] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.invariants) and all(i.passed for i in self.invariants)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data

    def table(self) -> str:
        """The invariants and the main figures as a plain-text table."""
        width = max(len(i.name) for i in self.invariants) if self.invariants else 10
        lines = [
            f"Soak: {self.simulated_seconds / 3600:.1f} simulated hours in "
            f"{self.real_seconds:.1f} s real "
            f"({self.simulated_seconds / max(self.real_seconds, 1e-9):.0f}x)",
            f"  polls        {_pairs(self.polls)}",
            f"  poll errors  {_pairs(self.poll_failures)}",
            f"  requests     {self.requests} ({self.reads} reads, {self.writes} writes); "
            f"faults {sum(self.faults.values())}: {_pairs(self.faults)}",
            f"  tokens       {self.token_fetches} fetched: {self.token_refreshes_before_expiry} "
            f"before expiry, {self.token_refetches_after_refusal} after a refusal; "
            f"refused {_pairs(self.refused_tokens) or 'none'}",
            f"  UI stall     max {self.max_stall_ms:.0f} ms CPU, {self.max_wall_stall_ms:.0f} ms "
            f"wall; histogram (ms, CPU) {_pairs(self.stall_histogram_ms)}; "
            f"{self.gc_full_collections} full GC, longest {self.gc_max_pause_ms:.0f} ms",
            f"  RSS by hour MB: {', '.join(f'{m:.0f}' for m in self.rss_mb_by_hour)}",
            f"  in use by hour MB: {', '.join(f'{m:.0f}' for m in self.rss_in_use_mb_by_hour)}",
            "",
            f"  {'invariant':<{width}}  result  detail",
            f"  {'-' * width}  ------  ------",
        ]
        for inv in self.invariants:
            lines.append(
                f"  {inv.name:<{width}}  {'PASS' if inv.passed else 'FAIL':<6}  {inv.detail}"
            )
        lines.append("")
        lines.append("ALL INVARIANTS HELD" if self.passed else "SOME INVARIANTS FAILED")
        return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


# ---------------------------------------------------------------------------------------------
# Instruments


class AuditedTokenStore(TokenStore):
    """The fake's token store, counting why tokens were refused and keeping every token issued
    (so outputs can be searched for them)."""

    def __init__(self, config: FakeConfig, clock: Clock) -> None:
        super().__init__(config, clock)
        self.refusals: Counter[str] = Counter()
        self.tokens: list[str] = []

    def issue(self) -> TokenRec:
        rec = super().issue()
        self.tokens.append(rec.token)
        return rec

    def check(self, token: str) -> str | None:
        problem = super().check(token)
        if problem is not None:
            self.refusals[problem] += 1
        return problem


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to ``inner``; counts the origins that received a bearer token."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bearer_origins: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization", "").lower().startswith("bearer "):
            url = request.url
            self.bearer_origins[f"{url.scheme}://{url.host}:{url.port or ''}"] += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class MeteredAsgi:
    """The fake's ASGI app, with the CPU time spent inside it counted.

    In production the service runs elsewhere; here its work (rendering pages of JSON) runs on
    the app's event loop, so the stall probe subtracts it. A call that waited on the clock
    (latency fault, throttling) let other tasks run meanwhile and is not counted.
    """

    def __init__(self, service: FakeService) -> None:
        self._service = service
        self._app = service.asgi
        self.cpu = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        log = self._service.log
        before = log.total
        start = time.thread_time()
        try:
            await self._app(scope, receive, send)
        finally:
            spent = time.thread_time() - start
            if log.total == before + 1 and log[-1].delay == 0:
                self.cpu += spent


_BUCKETS = ((10, "<10"), (50, "10-50"), (100, "50-100"), (200, "100-200"))


class StallProbe:
    """How late the event loop wakes a 10 ms timer: the UI's responsiveness.

    Two figures per wake: the wall-clock lateness, and the lateness in the main thread's CPU
    time (the work the loop did past the deadline) minus the CPU time the in-process fake
    service took meanwhile. On a machine shared with other busy processes the wall clock also
    counts the time the OS gave to others; the CPU figure is the one the invariant uses, the
    wall figure is reported beside it.
    """

    def __init__(
        self,
        limit_ms: float,
        where: Callable[[], float],
        fake_cpu: Callable[[], float],
        gc_ms: Callable[[], float],
        period: float = 0.01,
    ) -> None:
        self.limit_ms = limit_ms
        self.period = period
        self._where = where
        self._fake_cpu = fake_cpu
        self._gc_ms = gc_ms
        self.worst_gc_ms = 0.0
        """How much of the worst lateness was the garbage collector."""
        self.max_ms = 0.0
        self.max_wall_ms = 0.0
        self.over = 0
        self.over_wall = 0
        self.worst_at: float | None = None
        self.histogram: Counter[str] = Counter()
        self._blackouts = 0

    def blackout(self) -> None:
        """Do not count the wake that spans this moment (the harness's own pause)."""
        self._blackouts += 1

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            start_cpu = time.thread_time() - self._fake_cpu()
            start_gc = self._gc_ms()
            blackouts = self._blackouts
            await asyncio.sleep(self.period)
            if self._blackouts != blackouts:
                continue
            wall_ms = max(0.0, (loop.time() - start - self.period) * 1000.0)
            cpu = time.thread_time() - self._fake_cpu() - start_cpu
            cpu_ms = max(0.0, (cpu - self.period) * 1000.0)
            late_ms = min(wall_ms, cpu_ms)
            self.histogram[_bucket(late_ms)] += 1
            if late_ms > self.limit_ms:
                self.over += 1
            if wall_ms > self.limit_ms:
                self.over_wall += 1
            self.max_wall_ms = max(self.max_wall_ms, wall_ms)
            if late_ms > self.max_ms:
                self.max_ms = late_ms
                self.worst_at = self._where()
                self.worst_gc_ms = self._gc_ms() - start_gc


def _bucket(ms: float) -> str:
    for edge, name in _BUCKETS:
        if ms < edge:
            return name
    return ">200"


class GcWatch:
    """Pauses of the garbage collector's full (generation 2) collections, in CPU time."""

    def __init__(self) -> None:
        self.full = 0
        self.max_ms = 0.0
        self.total_ms = 0.0
        """CPU time of every collection so far (all generations)."""
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.thread_time()
            return
        spent = (time.thread_time() - self._started) * 1000.0
        self.total_ms += spent
        if info.get("generation") == 2:
            self.full += 1
            self.max_ms = max(self.max_ms, spent)


class LogTap(logging.Handler):
    """Collects the ``datto_tui`` log records: counts by level, leaks, raw escapes, bugs."""

    def __init__(self, forbidden: Callable[[], Iterable[str]]) -> None:
        super().__init__(logging.INFO)
        self._forbidden = forbidden
        self.levels: Counter[str] = Counter()
        self.leaks: list[str] = []
        self.unexpected: list[str] = []
        self.poll_failures: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.levels[record.levelname] += 1
        if (
            isinstance(record.msg, str)
            and record.msg.startswith("%s poll failed (")
            and record.args
        ):
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            self.poll_failures[str(args[0])] += 1
        try:
            text = record.getMessage()
        except Exception:
            text = repr(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        for secret in self._forbidden():
            if secret and secret in text:
                self.leaks.append(f"{record.name}: a secret or token in: {text[:80]!r}")
        for char in ("\x1b", "\x07", "\x9b"):
            if char in text:
                self.leaks.append(f"{record.name}: raw control {char!r} in: {text[:80]!r}")
        if record.levelno >= logging.ERROR or "unexpected" in text.lower():
            self.unexpected.append(f"{record.name}: {text[:300]}")


def rss_bytes() -> int:
    """The resident set size of this process now (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _malloc_trim() -> bool:
    """Ask glibc to give freed memory back to the OS (False where that is not available)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def memory_in_use() -> tuple[float, float]:
    """``(rss_mb, rss_in_use_mb)``: RSS as it is, and after a collection and ``malloc_trim``.

    The first also counts memory the allocator keeps for reuse (it never shrinks on its own);
    the second is what the process really holds, the figure a leak would move.
    """
    raw = rss_bytes() / 1e6
    gc.collect()
    trimmed = rss_bytes() / 1e6 if _malloc_trim() else raw
    return raw, trimmed


class ReadWindow:
    """The largest number of reads the fake counted in any sliding window of simulated time."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._times: deque[float] = deque()
        self.max_seen = 0
        self.max_at: float | None = None

    def add(self, t: float) -> None:
        times = self._times
        times.append(t)
        edge = t - self.window
        while times and times[0] <= edge:
            times.popleft()
        if len(times) > self.max_seen:
            self.max_seen = len(times)
            self.max_at = t


class AlertConsistency:
    """Store vs fake, for open alerts, with an allowed lag of ``lag`` simulated seconds."""

    def __init__(self, lag: float) -> None:
        self.lag = lag
        self._history: deque[tuple[float, frozenset[str]]] = deque()
        self.checks = 0
        self.lost_max = 0
        self.phantom_max = 0
        self.examples: list[str] = []

    def observe(
        self, t: float, fake_open: frozenset[str], stored: frozenset[str], enforce: bool
    ) -> None:
        history = self._history
        history.append((t, fake_open))
        while history and history[0][0] < t - self.lag - 1e-6:
            history.popleft()
        if not enforce:
            return
        self.checks += 1
        past = history[0][1]
        lost = (past & fake_open) - stored
        recent: set[str] = set()
        for _, snapshot in history:
            recent |= snapshot
        phantom = stored - recent
        self.lost_max = max(self.lost_max, len(lost))
        self.phantom_max = max(self.phantom_max, len(phantom))
        if (lost or phantom) and len(self.examples) < 10:
            self.examples.append(
                f"t+{t:.0f}s lost {sorted(lost)[:3]} phantom {sorted(phantom)[:3]}"
            )


# ---------------------------------------------------------------------------------------------
# The simulation


async def settle(max_spins: int = 500_000) -> bool:
    """Let the loop run until nothing is runnable (twice in a row); False if that never came.

    "Runnable" is read from the event loop's ready queue: when it is empty as this task runs,
    and no call waits on the worker thread (:func:`datto_tui.api.offload.in_flight`), every
    other task waits on something (the simulated clock, a message, a real-time timer).
    """
    loop = asyncio.get_running_loop()
    ready = getattr(loop, "_ready", None)
    quiet = 0
    for _ in range(max_spins):
        await asyncio.sleep(0)
        if ready is None:
            quiet += 1  # another loop implementation: fall back to a fixed number of turns
            if quiet >= 64:
                return True
            continue
        # A page being decoded on the worker thread is work in progress too.
        quiet = quiet + 1 if not ready and not offload.in_flight() else 0
        if quiet >= 2:
            return True
    return False


class Soak:
    """One run; see the module docstring."""

    def __init__(self, config: SoakConfig) -> None:
        self.cfg = config
        self.clock = FakeClock(START, auto_advance=False)
        fake_config = FakeConfig(
            seed=config.seed,
            sites=config.sites,
            devices=config.devices,
            alerts=config.alerts,
            faults=config.faults,
            token_ttl=config.token_ttl,
            hostile=config.hostile,
            # The fake's own histories grow for a day before their caps: keep them small (the
            # dashboard reads none of them; the harness reads the request log as it goes).
            resolved_cap=100,
            activity_cap=100,
            log_size=500,
        )
        self.service = FakeService(fake_config, clock=self.clock)
        self.tokens = AuditedTokenStore(fake_config, self.clock)
        self.service.auth = self.tokens  # before the first request
        self.meter = MeteredAsgi(self.service)
        self.transport = RecordingTransport(httpx.ASGITransport(app=self.meter))
        self.client = DattoClient(
            BASE_URL,
            api_key=DEMO_API_KEY,
            api_secret=DEMO_API_SECRET,
            clock=self.clock,
            transport=self.transport,
            token_cache=None,
            read_share=config.read_share,
            rng=random.Random(config.seed),
        )
        profile = Profile(name="soak", polls=config.polls, read_share=config.read_share)
        self.app = DattoApp(self.client, profile=profile, clock=self.clock, demo=True)
        self.report = SoakReport(config=_config_dict(config))
        self.gc_watch = GcWatch()
        self.probe = StallProbe(
            config.stall_limit_ms,
            self._hours,
            lambda: self.meter.cpu,
            lambda: self.gc_watch.total_ms,
        )
        self.window = ReadWindow(fake_config.window_seconds)
        self.read_limit = int(fake_config.read_limit * config.read_share)
        self.alerts = AlertConsistency(2 * config.polls.alerts)
        self.log = LogTap(self._forbidden)
        self._log_seen = 0
        self._token_seen: tuple[datetime | None, datetime | None] = (None, None)
        self._fault_stop = config.seconds - config.quiet_minutes * 60.0
        self._faults_on = config.faults != "none"
        self._recovered_at: float | None = None
        self._max_gap = 0.0
        self._late_tokens = 0
        self.margin = profile.token_refresh_margin

    def _hours(self) -> float:
        return self.clock.monotonic() / 3600.0

    def _forbidden(self) -> list[str]:
        return [DEMO_API_SECRET, *self.tokens.tokens]

    async def run(self) -> SoakReport:
        cfg = self.cfg
        began = time.perf_counter()
        logger = logging.getLogger("datto_tui")
        old_level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(self.log)
        # The fake service shares this process only for the test: its world (and everything
        # imported so far) is frozen out of the collector's scans, as if it lived elsewhere.
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self.gc_watch)
        try:
            async with self.app.run_test(size=cfg.size, headless=True) as pilot:
                probe = asyncio.create_task(self.probe.run(), name="stall-probe")
                try:
                    while not self.app.poller.running:
                        await pilot.pause()
                    await self._simulate(began)
                finally:
                    probe.cancel()
                    await asyncio.gather(probe, return_exceptions=True)
                self._final_checks()
        finally:
            gc.callbacks.remove(self.gc_watch)
            gc.unfreeze()
            logger.removeHandler(self.log)
            logger.setLevel(old_level)
        self.report.real_seconds = time.perf_counter() - began
        self._collect()
        return self.report

    async def _simulate(self, began: float) -> None:
        cfg = self.cfg
        clock = self.clock
        end = cfg.seconds
        next_check = 0.0
        next_hour = 3600.0
        while True:
            if not await settle():
                self.report.settle_timeouts += 1
            now = clock.monotonic()
            if now >= next_check:
                self._check(now)
                next_check = now + cfg.check_every
            if now >= next_hour:
                self._hourly(now, began)
                next_hour += 3600.0
            if self._faults_on and now >= self._fault_stop:
                self.service.faults.profile = "none"
                self.service.faults.clear()
                self._faults_on = False
            if now >= end:
                break
            target = min(next_check, end, next_hour)
            if self._faults_on:
                target = min(target, self._fault_stop)
            deadline = clock.next_deadline()
            if deadline is not None and deadline < target:
                target = deadline
            clock.advance(max(0.0, target - now))

    # ---- checks ------------------------------------------------------------------------------

    def _check(self, now: float) -> None:
        app = self.app
        report = self.report
        if not app.is_running or app.return_code is not None or not app.poller.running:
            report.app_alive = False
        if len(app.screen_stack) > 1:
            report.problem_screens += 1
        self._consume_log()
        self._watch_token()
        last_good = app.poller.freshness_of(Resource.ALERTS).last_success_at
        if last_good is not None:
            self._max_gap = max(self._max_gap, (self.clock.now() - last_good).total_seconds())
        world = self.service.world
        world.sync()
        fake_open = frozenset(world.open_alerts)
        stored = frozenset(app.store.alerts)
        enforce = False
        if not self._faults_on:
            fresh = app.poller.freshness_of(Resource.ALERTS)
            stop_wall = datetime.fromtimestamp(START + self._fault_stop, UTC)
            if (
                self._recovered_at is None
                and fresh.last_success_at is not None
                and fresh.last_success_at >= stop_wall
            ):
                self._recovered_at = now
            if self._recovered_at is not None and now >= self._recovered_at + self.alerts.lag:
                enforce = True
                main = app.main_screen
                if len(main.alerts_view) != len(stored) or len(main.devices_view) != len(
                    app.store.devices
                ):
                    report.ui_mismatches += 1
        self.alerts.observe(now, fake_open, stored, enforce)

    def _consume_log(self) -> None:
        log = self.service.log
        new = log.total - self._log_seen
        if new <= 0:
            return
        if new > len(log):
            self.report.unexpected_errors.append(
                f"{new - len(log)} request records fell out of the fake's log before they were read"
            )
            new = len(log)
        start = len(log) - new
        for i in range(start, len(log)):
            record = log[i]
            if record.kind == "read":
                self.window.add(record.time - START)
        self._log_seen = log.total

    def _watch_token(self) -> None:
        """Classify each new token: a refresh inside the refresh margin before the previous one
        expired (proactive), a refetch earlier than that (after a refusal), or a late one."""
        fetched, expires = self.client.token_fetched_at, self.client.token_expires_at
        seen_fetched, seen_expires = self._token_seen
        if fetched is None or fetched == seen_fetched:
            return
        if seen_fetched is not None and seen_expires is not None:
            margin = min(self.margin, (seen_expires - seen_fetched).total_seconds() / 4)
            early = (seen_expires - fetched).total_seconds()
            if early <= 0:
                self._late_tokens += 1
            elif early <= margin + self.cfg.check_every:
                self.report.token_refreshes_before_expiry += 1
        self._token_seen = (fetched, expires)

    def _hourly(self, now: float, began: float) -> None:
        self.probe.blackout()  # the collection below is the harness's pause, not the app's
        raw, in_use = memory_in_use()
        self.report.rss_mb_by_hour.append(round(raw, 1))
        self.report.rss_in_use_mb_by_hour.append(round(in_use, 1))
        if self.cfg.progress:
            cycles = self.app.poller.cycles
            requests = self.service.counters.requests
            rss = self.report.rss_mb_by_hour[-1]
            print(
                f"  hour {now / 3600:5.1f}: real {time.perf_counter() - began:6.1f} s, "
                f"alert polls {cycles[Resource.ALERTS]}, requests {requests}, "
                f"rss {rss:.0f} MB, max stall {self.probe.max_ms:.0f} ms",
                file=sys.stderr,
                flush=True,
            )

    def _final_checks(self) -> None:
        app = self.app
        world = self.service.world
        world.sync()
        self._consume_log()
        self._watch_token()
        live_devices = set(world.devices)
        stored = app.store.devices
        renamed = [
            d.uid
            for d in world.device_list
            if d.uid in stored and stored[d.uid].hostname != d.hostname
        ]
        missing = live_devices - set(stored)
        extra = set(stored) - live_devices
        self.report.devices_match = not (renamed or missing or extra)
        if not self.report.devices_match:
            self.report.unexpected_errors.append(
                f"devices: {len(missing)} missing, {len(extra)} extra, {len(renamed)} renamed "
                f"(e.g. {[(stored[u].hostname, world.devices[u].hostname) for u in renamed[:2]]!r})"
            )
        self.report.sites_match = set(app.store.sites) == set(world.sites)
        self.report.open_alerts_at_end = len(world.open_alerts)
        if not app.is_running or app.return_code is not None:
            self.report.app_alive = False

    # ---- the report --------------------------------------------------------------------------

    def _collect(self) -> None:
        r = self.report
        cfg = self.cfg
        svc = self.service
        counters = svc.counters
        r.simulated_seconds = self.clock.monotonic()
        r.polls = {str(k): v for k, v in self.app.poller.cycles.items()}
        r.requests = counters.requests
        r.reads = counters.reads
        r.writes = counters.writes
        r.statuses = {str(k): v for k, v in sorted(counters.status.items())}
        r.faults = dict(sorted(counters.faults.items()))
        r.max_reads_in_window = self.window.max_seen
        r.read_limit = self.read_limit
        r.ip_blocks = counters.blocked
        r.rate_limited_429 = counters.status.get(429, 0)
        r.token_fetches = self.client.token_fetches
        r.token_refetches_after_refusal = max(
            0, r.token_fetches - 1 - r.token_refreshes_before_expiry - self._late_tokens
        )
        r.refused_tokens = dict(self.tokens.refusals)
        r.hosts_with_token = dict(self.transport.bearer_origins)
        r.max_stall_ms = round(self.probe.max_ms, 1)
        r.stalls_over_limit = self.probe.over
        r.max_wall_stall_ms = round(self.probe.max_wall_ms, 1)
        r.wall_stalls_over_limit = self.probe.over_wall
        r.max_alert_gap_seconds = round(self._max_gap, 1)
        r.gc_full_collections = self.gc_watch.full
        r.gc_max_pause_ms = round(self.gc_watch.max_ms, 1)
        r.worst_stall_gc_ms = round(self.probe.worst_gc_ms, 1)
        r.stall_histogram_ms = dict(self.probe.histogram)
        r.worst_stall_at_hour = (
            round(self.probe.worst_at, 3) if self.probe.worst_at is not None else None
        )
        after_first = r.rss_in_use_mb_by_hour
        if after_first:
            base = after_first[0]
            r.memory_growth = max(after_first) / base - 1.0 if base else 0.0
        r.alert_checks = self.alerts.checks
        r.alerts_lost_max = self.alerts.lost_max
        r.alerts_phantom_max = self.alerts.phantom_max
        r.alert_examples = self.alerts.examples
        r.recovery_seconds = (
            None if self._recovered_at is None else self._recovered_at - self._fault_stop
        )
        r.log_records = dict(self.log.levels)
        r.log_leaks = self.log.leaks[:20]
        r.unexpected_errors.extend(self.log.unexpected[:20])
        r.poll_failures = dict(self.log.poll_failures)

        expected_alert_polls = int(cfg.seconds // cfg.polls.alerts)
        revocations = counters.faults.get("revoke_token", 0)
        inv = r.invariants
        inv.append(
            Invariant(
                "app never exits",
                r.app_alive and r.problem_screens == 0,
                f"running to the end; problem screens {r.problem_screens}",
            )
        )
        inv.append(
            Invariant(
                "polls kept going",
                r.max_alert_gap_seconds <= MAX_ALERT_GAP,
                f"longest gap between good alert polls {r.max_alert_gap_seconds:.0f} s "
                f"(limit {MAX_ALERT_GAP:.0f}); {r.polls.get('alerts', 0)} alert polls "
                f"(schedule without faults: {expected_alert_polls}); "
                f"devices {r.polls.get('devices', 0)}, sites {r.polls.get('sites', 0)}, "
                f"request_rate {r.polls.get('request_rate', 0)}",
            )
        )
        inv.append(
            Invariant(
                f"no UI stall over {cfg.stall_limit_ms:.0f} ms",
                r.stalls_over_limit == 0,
                f"max event-loop lateness {r.max_stall_ms:.0f} ms CPU (the fake's excluded) "
                f"(at hour {r.worst_stall_at_hour}, {r.worst_stall_gc_ms:.0f} ms of it the garbage "
                f"collector), over the limit {r.stalls_over_limit} times; "
                f"wall clock {r.max_wall_stall_ms:.0f} ms, over {r.wall_stalls_over_limit} times",
            )
        )
        quiet_checks = max(
            1, int((cfg.quiet_minutes * 60 - 2 * self.alerts.lag) / cfg.check_every) // 2
        )
        inv.append(
            Invariant(
                "alerts: nothing lost, nothing phantom",
                r.alerts_lost_max == 0
                and r.alerts_phantom_max == 0
                and r.alert_checks >= quiet_checks,
                f"{r.alert_checks} checks after recovery ({r.recovery_seconds} s after the faults "
                f"stopped); max lost {r.alerts_lost_max}, max phantom {r.alerts_phantom_max}",
            )
        )
        inv.append(
            Invariant(
                "tables show the store",
                r.ui_mismatches == 0,
                f"{r.ui_mismatches} mismatches between table rows and the store",
            )
        )
        inv.append(
            Invariant(
                "devices and sites match the fake",
                r.devices_match and r.sites_match,
                f"devices {'match' if r.devices_match else 'DIFFER'}, "
                f"sites {'match' if r.sites_match else 'DIFFER'}",
            )
        )
        inv.append(
            Invariant(
                "reads within our share",
                r.max_reads_in_window <= self.read_limit,
                f"max {r.max_reads_in_window} reads in any {self.window.window:.0f} s window "
                f"(share {self.read_limit})",
            )
        )
        inv.append(
            Invariant(
                "never IP-blocked",
                r.ip_blocks == 0 and counters.status.get(403, 0) == 0,
                f"403 answers {counters.status.get(403, 0)}; 429 answers {r.rate_limited_429} "
                f"(injected bursts: {counters.faults.get('429', 0)})",
            )
        )
        expired = self.tokens.refusals.get(EXPIRED, 0)
        unknown = sum(v for k, v in self.tokens.refusals.items() if k not in (EXPIRED, REVOKED))
        # Revocation faults (about one an hour under chaos) end many tokens early; what must
        # hold is that no token outlived itself: every replacement came before expiry.
        min_refreshes = 1 if cfg.seconds > cfg.token_ttl else 0
        inv.append(
            Invariant(
                "token refreshed before expiry",
                expired == 0
                and unknown == 0
                and self._late_tokens == 0
                and r.token_refreshes_before_expiry >= min_refreshes
                and r.token_refetches_after_refusal <= revocations,
                f"{r.token_fetches} tokens: {r.token_refreshes_before_expiry} refreshed in the "
                f"last {self.margin:.0f} s before expiry, {r.token_refetches_after_refusal} "
                f"after {revocations} revocation faults, {self._late_tokens} late; "
                f"401 for expiry {expired}",
            )
        )
        inv.append(
            Invariant(
                "token only to the configured host",
                set(r.hosts_with_token) <= {"http://fake.localhost:"},
                f"bearer sent to {sorted(r.hosts_with_token)}",
            )
        )
        inv.append(
            Invariant(
                f"memory within {cfg.memory_growth_limit:.0%} after hour 1",
                r.memory_growth <= cfg.memory_growth_limit,
                f"RSS in use {after_first[0] if after_first else 0:.1f} MB at hour 1, "
                f"max {max(after_first) if after_first else 0:.1f} MB after "
                f"({r.memory_growth:+.1%}); RSS as is {r.rss_mb_by_hour[:1]} -> "
                f"max {max(r.rss_mb_by_hour) if r.rss_mb_by_hour else 0:.1f} MB",
            )
        )
        inv.append(
            Invariant(
                "logs clean",
                not r.log_leaks and not r.unexpected_errors and r.settle_timeouts == 0,
                f"{sum(r.log_records.values())} records; leaks {len(self.log.leaks)}; "
                f"unexpected {len(r.unexpected_errors)}; settle timeouts {r.settle_timeouts}",
            )
        )


def _config_dict(config: SoakConfig) -> dict[str, Any]:
    data = asdict(config)
    data["size"] = list(config.size)
    return data


async def run_soak(config: SoakConfig) -> SoakReport:
    """Run one soak and return its report."""
    return await Soak(config).run()
