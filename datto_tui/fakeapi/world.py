"""The fake account's data and its live simulation.

The world is generated from ``FakeConfig.seed`` and then simulated lazily: whenever it is read
(every request, every hook) it first advances to the clock's time in whole ticks
(``FakeConfig.tick_seconds``). Each tick draws its events from a generator seeded by
``(seed, tick number)``, so the world at a given time is the same however often, or how rarely,
it was looked at: the same seed and the same times give the same world. Events: alerts open
(mostly on online devices) and auto-resolve after their lifetime; devices go offline and come
back; offline alerts of servers and network gear follow their device; activity entries appear.
Online devices report ``lastSeen`` within the last minute.

``frozen=True`` stops the simulation: nothing changes unless a client (or a test hook) writes.

Hooks for tests (they advance the world to the clock first): :meth:`World.open_alert`,
:meth:`World.resolve_alert`, :meth:`World.set_online`, :meth:`World.add_device`,
:meth:`World.move_device`, :meth:`World.delete_device`, :meth:`World.set_hostname`,
:meth:`World.rename_site`, :meth:`World.set_udfs`, :meth:`World.create_job`.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from bisect import insort
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from datto_tui.clock import Clock
from datto_tui.fakeapi import contexts, names
from datto_tui.fakeapi.config import FakeConfig
from datto_tui.fakeapi.generate import (
    guid,
    make_account,
    make_account_variables,
    make_components,
    make_devices,
    make_filters,
    make_sites,
    make_users,
)
from datto_tui.fakeapi.hostile import hostile_text
from datto_tui.fakeapi.model import (
    PROFILE_INDEX,
    PROFILES,
    ActivityRec,
    AlertRec,
    DeviceRec,
    FilterRec,
    JobRec,
    SiteRec,
)
from datto_tui.fakeapi.queries import DeviceQueries
from datto_tui.fakeapi.traits import Traits, derive

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
# Share of alerts that stay open long (days), and how much longer they live than the rest.
_LONG_SHARE = 0.2
_LONG_FACTOR = 10.0
_ALWAYS_ON = ("server", "network", "esxi", "linux")
TRAITS_CACHE_SIZE = 8192


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


@dataclass(frozen=True, slots=True)
class JobState:
    """Where a job stands at a given time."""

    status: str  # "active" | "completed"
    deployment: str  # Pending | Running | Success | Warning | Failure | Expired
    ran_on_ms: int | None


class World:
    """All data of the fake account, advanced lazily to the clock (see the module docstring)."""

    def __init__(self, config: FakeConfig, clock: Clock, *, t0: float | None = None) -> None:
        """Generate the account as of ``t0`` (Unix seconds; default: the clock's time)."""
        self.config = config
        self.clock = clock
        self.tick_ms = max(1, int(config.tick_seconds * 1000))
        self.t0_ms = int((clock.time() if t0 is None else t0) * 1000)
        self.now_ms = self.t0_ms
        self._tick = self.t0_ms // self.tick_ms
        self.version = 0
        """Bumped whenever device data that lists filter on changes (cache key for queries)."""

        rng = random.Random(config.seed)
        self.account = make_account(config, rng)
        self.site_list: list[SiteRec] = make_sites(config, rng, self.account, self.t0_ms)
        self.sites: dict[str, SiteRec] = {s.uid: s for s in self.site_list}
        self.device_list: list[DeviceRec] = make_devices(config, rng, self.site_list, self.t0_ms)
        self.devices: dict[str, DeviceRec] = {d.uid: d for d in self.device_list}
        self.devices_by_id: dict[int, DeviceRec] = {d.id: d for d in self.device_list}
        self.users = make_users(rng, config, self.t0_ms)
        self.components = make_components(rng)
        self.components_by_uid = {c.uid: c for c in self.components}
        self.filters: list[FilterRec] = make_filters(rng, self.t0_ms)
        self.filters_by_id = {f.id: f for f in self.filters}
        self.account_variables = make_account_variables()
        self.queries = DeviceQueries(self)
        self._traits_cache: OrderedDict[tuple[int, int, str], Traits] = OrderedDict()

        self.alerts: dict[str, AlertRec] = {}
        """Every known alert (open and resolved) by uid."""
        self.open_alerts: dict[str, AlertRec] = {}
        """Open alerts in the order they were raised."""
        self.resolved_alerts: OrderedDict[str, AlertRec] = OrderedDict()
        """Resolved alerts in resolution order (the oldest dropped past ``resolved_cap``)."""
        self.jobs: dict[str, JobRec] = {}
        self.activities: list[ActivityRec] = []
        self._alert_seq = 0
        self._job_seq = 0
        self._resolve_heap: list[tuple[int, int, str]] = []
        self._return_heap: list[tuple[int, int, int]] = []
        self._online_total = sum(s.online_count for s in self.site_list)

        lifetime = max(1.0, config.alert_lifetime_minutes) * MINUTE_MS
        self._short_ms = lifetime / (1 - _LONG_SHARE + _LONG_SHARE * _LONG_FACTOR)
        self._alert_rate = config.alerts / lifetime * self.tick_ms  # per tick
        self._churn_rate = (
            config.device_churn_per_hour * len(self.device_list) * self.tick_ms / HOUR_MS
        )
        self._activity_rate = config.activity_per_hour * self.tick_ms / HOUR_MS

        self._initial_alerts(rng)
        self._initial_activity(rng)

    # ----------------------------------------------------------------------------------- time

    def sync(self) -> None:
        """Advance to the clock's current time (no-op when frozen)."""
        self.advance_to(self.clock.time())

    def advance_to(self, t: float) -> None:
        """Run every tick up to wall time ``t`` (seconds); never goes backwards."""
        if self.config.frozen:
            return
        target = int(t * 1000)
        if target <= self.now_ms:
            return
        last = target // self.tick_ms
        while self._tick < last:
            self._tick += 1
            self._step(self._tick)
        self.now_ms = target

    def _tick_rng(self, tick: int) -> random.Random:
        return random.Random((abs(self.config.seed) << 44) ^ tick)

    def _step(self, tick: int) -> None:
        t = tick * self.tick_ms
        self.now_ms = t
        rng = self._tick_rng(tick)
        while self._return_heap and self._return_heap[0][0] <= t:
            _, ix, token = heapq.heappop(self._return_heap)
            dev = self.device_list[ix]
            if dev.token == token and not dev.online:
                self._set_online(dev, True, t)
        while self._resolve_heap and self._resolve_heap[0][0] <= t:
            due, _, uid = heapq.heappop(self._resolve_heap)
            alert = self.open_alerts.get(uid)
            if alert is not None and alert.resolve_at_ms == due:
                self._resolve(alert, due, None)
        n_devices = len(self.device_list)
        if n_devices:
            for _ in range(_poisson(rng, self._alert_rate)):
                for _attempt in range(3):
                    dev = self.device_list[rng.randrange(n_devices)]
                    if dev.deleted:
                        continue
                    ctx_class = contexts.pick_class(rng, PROFILES[dev.profile].key)
                    if not dev.online or (
                        ctx_class == "online_offline_status_ctx" and dev.offline_alert
                    ):
                        continue
                    self._raise(rng, dev, ctx_class, t, self._lifetime(rng))
                    break
            for _ in range(_poisson(rng, self._churn_rate)):
                dev = self.device_list[rng.randrange(n_devices)]
                if dev.deleted or not dev.online or PROFILES[dev.profile].key in _ALWAYS_ON:
                    continue
                self._set_online(dev, False, t)
                back = t + int(rng.expovariate(1.0 / (self.config.offline_minutes * MINUTE_MS)))
                heapq.heappush(self._return_heap, (back, dev.ix, dev.token))
            for _ in range(_poisson(rng, self._activity_rate)):
                self._activity(rng, t - rng.randrange(0, self.tick_ms))
        self._trim_activity()

    def _lifetime(self, rng: random.Random) -> int:
        mean = self._short_ms * (_LONG_FACTOR if rng.random() < _LONG_SHARE else 1.0)
        return max(MINUTE_MS, int(rng.expovariate(1.0 / mean)))

    # ---------------------------------------------------------------------------- generation

    def _initial_alerts(self, rng: random.Random) -> None:
        devices = [d for d in self.device_list if not d.deleted]
        if not devices:
            return
        pending: list[tuple[int, DeviceRec, str, int]] = []
        for _ in range(self.config.alerts):
            dev = rng.choice(devices)
            ctx_class = contexts.pick_class(rng, PROFILES[dev.profile].key)
            if ctx_class == "online_offline_status_ctx" and dev.offline_alert:
                ctx_class = "perf_disk_usage_ctx"
            long_lived = rng.random() < _LONG_SHARE * _LONG_FACTOR / (
                1 - _LONG_SHARE + _LONG_SHARE * _LONG_FACTOR
            )
            mean = self._short_ms * (_LONG_FACTOR if long_lived else 1.0)
            age = min(int(rng.expovariate(1.0 / mean)), 60 * DAY_MS)
            residual = max(MINUTE_MS, int(rng.expovariate(1.0 / mean)))
            raised = self.t0_ms - age
            if ctx_class == "online_offline_status_ctx":
                dev.offline_alert = "pending"  # reserve; replaced when raised below
            pending.append((raised, dev, ctx_class, residual))
        pending.sort(key=lambda p: p[0])
        for raised, dev, ctx_class, residual in pending:
            if ctx_class == "online_offline_status_ctx":
                dev.offline_alert = None
            self._raise(rng, dev, ctx_class, raised, residual + (self.t0_ms - raised))
        # Resolved history: raised over the last week, resolved after their lifetime.
        history: list[tuple[int, int, DeviceRec, str]] = []
        for _ in range(self.config.resolved_alerts):
            dev = rng.choice(devices)
            ctx_class = contexts.pick_class(rng, PROFILES[dev.profile].key)
            lifetime = self._lifetime(rng)
            resolved_on = self.t0_ms - rng.randrange(MINUTE_MS, 7 * DAY_MS)
            history.append((resolved_on, lifetime, dev, ctx_class))
        history.sort(key=lambda h: h[0])
        for resolved_on, lifetime, dev, ctx_class in history:
            alert = self._new_alert(rng, dev, ctx_class, resolved_on - lifetime, None)
            alert.resolved = True
            alert.resolved_on_ms = resolved_on
            alert.resolved_by = None if rng.random() < 0.7 else rng.choice(self.users[1:]).username
            self.alerts[alert.uid] = alert
            self.resolved_alerts[alert.uid] = alert
        self._cap_resolved()

    def _initial_activity(self, rng: random.Random) -> None:
        count = min(self.config.activity_cap, int(self.config.activity_per_hour * 24))
        times = sorted(self.t0_ms - rng.randrange(0, DAY_MS) for _ in range(count))
        for t in times:
            self._activity(rng, t)

    # ------------------------------------------------------------------------------- alerts

    def _new_alert(
        self,
        rng: random.Random,
        dev: DeviceRec,
        ctx_class: str,
        raised_ms: int,
        resolve_at_ms: int | None,
        *,
        priority: str | None = None,
        diagnostics: str | None = None,
        muted: bool | None = None,
    ) -> AlertRec:

        def address() -> tuple[str | None, str]:
            traits = self.traits(dev)
            return traits.int_ip, traits.mac

        ctx, diag = contexts.build(
            rng, ctx_class, hostname=dev.hostname, address=address, now_ms=raised_ms
        )
        self._alert_seq += 1
        seq = self._alert_seq
        if self.config.hostile and seq % 11 == 0:
            diag = hostile_text(diag, seq // 11)
        sends = rng.random() < 0.6
        ticket = rng.random() < 0.35
        ticket_number = f"T{raised_ms // DAY_MS:05d}.{seq % 10000:04d}" if ticket else None
        actions: list[dict[str, Any]] = []
        if sends:
            actions.append(
                {
                    "actionTime": raised_ms + 2_000,
                    "actionType": "EMAIL_SENT",
                    "description": "Email sent to alerts@northwind-it.example",
                    "actionReference": None,
                    "actionReferenceInt": None,
                }
            )
        if ticket:
            actions.append(
                {
                    "actionTime": raised_ms + 5_000,
                    "actionType": "TICKET_CREATED",
                    "description": f"Ticket {ticket_number} created in Autotask",
                    "actionReference": ticket_number,
                    "actionReferenceInt": str(rng.randrange(10_000, 99_999)),
                }
            )
        return AlertRec(
            seq=seq,
            uid=guid(rng),
            device=dev.ix,
            priority=priority
            or contexts.pick_priority(rng, ctx_class, server=PROFILES[dev.profile].key == "server"),
            context=ctx,
            diagnostics=diag if diagnostics is None else diagnostics,
            timestamp_ms=raised_ms,
            resolve_at_ms=resolve_at_ms,
            muted=(rng.random() < 0.03) if muted is None else muted,
            sends_emails=sends,
            creates_ticket=ticket,
            ticket_number=ticket_number,
            autoresolve_mins=rng.choice((None, 0, 30, 60, 1440)),
            response_actions=actions,
        )

    def _raise(
        self,
        rng: random.Random,
        dev: DeviceRec,
        ctx_class: str,
        raised_ms: int,
        lifetime_ms: int | None,
        **kwargs: Any,
    ) -> AlertRec:
        resolve_at = None if lifetime_ms is None else raised_ms + lifetime_ms
        alert = self._new_alert(rng, dev, ctx_class, raised_ms, resolve_at, **kwargs)
        self.alerts[alert.uid] = alert
        self.open_alerts[alert.uid] = alert
        if resolve_at is not None:
            heapq.heappush(self._resolve_heap, (resolve_at, alert.seq, alert.uid))
        if ctx_class == "online_offline_status_ctx":
            # The device is offline for as long as its offline alert lasts.
            self._set_online(dev, False, raised_ms)
            if resolve_at is not None:
                heapq.heappush(self._return_heap, (resolve_at, dev.ix, dev.token))
            dev.offline_alert = alert.uid
        return alert

    def _resolve(self, alert: AlertRec, at_ms: int, by: str | None) -> None:
        self.open_alerts.pop(alert.uid, None)
        alert.resolved = True
        alert.resolved_on_ms = at_ms
        alert.resolved_by = by
        self.resolved_alerts[alert.uid] = alert
        dev = self.device_list[alert.device]
        if dev.offline_alert == alert.uid:
            dev.offline_alert = None
        self._cap_resolved()

    def _cap_resolved(self) -> None:
        while len(self.resolved_alerts) > self.config.resolved_cap:
            uid, _ = self.resolved_alerts.popitem(last=False)
            self.alerts.pop(uid, None)

    # ------------------------------------------------------------------------------ devices

    def _set_online(self, dev: DeviceRec, online: bool, at_ms: int) -> None:
        if dev.online == online:
            return
        site = self.site_list[dev.site]
        dev.online = online
        dev.token += 1
        dev.last_seen_ms = at_ms
        delta = 1 if online else -1
        site.online_count += delta
        self._online_total += delta
        self.version += 1
        if online and dev.offline_alert:
            alert = self.open_alerts.get(dev.offline_alert)
            if alert is not None:
                self._resolve(alert, at_ms, None)
            dev.offline_alert = None

    def traits(self, dev: DeviceRec) -> Traits:
        """The derived traits of ``dev`` with any client-written overrides applied.

        Derived traits are kept in a small LRU cache: a dashboard that polls a few thousand
        devices renders them from the cache; a scan of 100,000 simply derives them again.
        """
        key = (dev.ix, dev.site, dev.hostname)
        cache = self._traits_cache
        traits = cache.get(key)
        if traits is None:
            traits = derive(dev, self.site_list[dev.site], hostile=self.config.hostile)
            cache[key] = traits
            if len(cache) > TRAITS_CACHE_SIZE:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        if dev.overrides:
            udf = dict(traits.udf)
            udf.update(dev.overrides.get("udf", {}))
            changes: dict[str, Any] = {"udf": udf}
            if "warranty" in dev.overrides:
                changes["warranty_date"] = dev.overrides["warranty"]
            traits = replace(traits, **changes)
        return traits

    def last_seen_ms(self, dev: DeviceRec) -> int:
        """``lastSeen``: within the last minute for online devices (quantised to the tick)."""
        if not dev.online:
            return dev.last_seen_ms
        now_tick = (self.now_ms // self.tick_ms) * self.tick_ms
        return max(dev.last_seen_ms, now_tick - (dev.seed % 60) * 1000)

    @property
    def online_total(self) -> int:
        return self._online_total

    # --------------------------------------------------------------------------- activity

    def _activity(self, rng: random.Random, at_ms: int, **fixed: Any) -> ActivityRec:
        entity, category, action = fixed.get("kind") or rng.choice(names.ACTIVITY_KINDS)
        dev: DeviceRec | None = fixed.get("device")
        if dev is None and entity == "DEVICE" and self.device_list:
            dev = self.device_list[rng.randrange(len(self.device_list))]
        user_index = fixed.get("user", rng.randrange(len(self.users)))
        details = fixed.get("details")
        if details is None:
            details = json.dumps(
                {
                    "action": action,
                    "source": rng.choice(("web", "api", "agent")),
                    "ref": rng.randrange(1, 10**6),
                }
            )
        rec = ActivityRec(
            id=guid(rng),
            entity=entity,
            category=category,
            action=action,
            date_ms=at_ms,
            site=dev.site if dev is not None else None,
            device=dev.ix if dev is not None else None,
            user=user_index,
            details=details,
            has_stdout=category == "job",
            has_stderr=category == "job" and rng.random() < 0.2,
        )
        if self.activities and at_ms < self.activities[-1].date_ms:
            insort(self.activities, rec, key=lambda a: a.date_ms)
        else:
            self.activities.append(rec)
        return rec

    def _trim_activity(self) -> None:
        cap = self.config.activity_cap
        if len(self.activities) > cap + cap // 10 + 16:
            del self.activities[: len(self.activities) - cap]

    # -------------------------------------------------------------------------------- jobs

    def job_state(self, job: JobRec, now_ms: int) -> JobState:
        """Where ``job`` stands at ``now_ms`` (jobs follow the clock even when frozen)."""
        expiry = job.created_ms + int(self.config.job_expiry_hours * HOUR_MS)
        if not job.device_online_at_create:
            if now_ms >= expiry:
                return JobState("completed", "Expired", None)
            return JobState("active", "Pending", None)
        start = job.created_ms + job.start_delay_ms
        if now_ms < start:
            return JobState("active", "Pending", None)
        if now_ms < start + job.duration_ms:
            return JobState("active", "Running", start)
        return JobState("completed", job.outcome, start)

    # -------------------------------------------------------------------------------- hooks

    def open_alert(
        self,
        device_uid: str | None = None,
        *,
        context_class: str | None = None,
        priority: str | None = None,
        diagnostics: str | None = None,
        muted: bool = False,
        lifetime_minutes: float | None = None,
    ) -> AlertRec:
        """Raise an alert now on ``device_uid`` (default: the first online device).

        It auto-resolves after ``lifetime_minutes`` (never, when ``None``). An
        ``online_offline_status_ctx`` alert takes its device offline until the alert resolves.
        """
        self.sync()
        if device_uid is None:
            dev = next(d for d in self.device_list if d.online and not d.deleted)
        else:
            dev = self.devices[device_uid]
        rng = random.Random((self.config.seed << 20) ^ (self._alert_seq + 1) ^ 0x5EED)
        ctx_class = context_class or contexts.pick_class(rng, PROFILES[dev.profile].key)
        lifetime = None if lifetime_minutes is None else int(lifetime_minutes * MINUTE_MS)
        alert = self._raise(
            rng,
            dev,
            ctx_class,
            self.now_ms,
            lifetime,
            priority=priority,
            diagnostics=diagnostics,
            muted=muted,
        )
        return alert

    def resolve_alert(self, alert_uid: str, *, by: str | None = None) -> bool:
        """Resolve an open alert now; False when it was not open (already resolved or unknown)."""
        self.sync()
        alert = self.open_alerts.get(alert_uid)
        if alert is None:
            return False
        self._resolve(alert, self.now_ms, by)
        return True

    def set_online(self, device_uid: str, online: bool, *, alert: bool = False) -> None:
        """Take a device offline (it stays offline until set online again) or bring it back.

        ``alert=True`` with ``online=False`` also raises its offline alert, which resolves when
        the device comes back.
        """
        self.sync()
        dev = self.devices[device_uid]
        dev.token += 1  # cancels a scheduled return: the device now follows this call only
        if not online and alert and dev.online:
            rng = random.Random((self.config.seed << 20) ^ (self._alert_seq + 1) ^ 0x0FF)
            self._raise(rng, dev, "online_offline_status_ctx", self.now_ms, None)
        self._set_online(dev, online, self.now_ms)

    def add_device(
        self, site_uid: str | None = None, *, hostname: str | None = None, profile: str = "desktop"
    ) -> DeviceRec:
        """Enrol a new online device (default: in the first client site)."""
        self.sync()
        site = (
            self.sites[site_uid]
            if site_uid
            else next((s for s in self.site_list if s.system is None), self.site_list[0])
        )
        rng = random.Random((self.config.seed << 20) ^ len(self.device_list) ^ 0xADD)
        last = self.device_list[-1].id if self.device_list else 1_000_000
        ix = len(self.device_list)
        dev = DeviceRec(
            ix=ix,
            id=last + 1 + rng.randrange(3),
            uid=guid(rng),
            site=site.index,
            hostname=hostname or f"{site.prefix}-NEW-{ix:05d}",
            profile=PROFILE_INDEX[profile],
            os=names.WINDOWS_DESKTOP_OS[0][0] if profile in ("desktop", "laptop") else None,
            display_version=names.WINDOWS_DESKTOP_OS[0][1]
            if profile in ("desktop", "laptop")
            else None,
            seed=rng.getrandbits(48),
            online=True,
            last_seen_ms=self.now_ms,
            created_ms=self.now_ms,
        )
        self.device_list.append(dev)
        self.devices[dev.uid] = dev
        self.devices_by_id[dev.id] = dev
        site.device_ixs.append(ix)
        site.online_count += 1
        self._online_total += 1
        self.version += 1
        return dev

    def move_device(self, device_uid: str, site_uid: str) -> None:
        """Move a device to another site (its alerts follow it)."""
        self.sync()
        dev = self.devices[device_uid]
        target = self.sites[site_uid]
        source = self.site_list[dev.site]
        if source is target:
            return
        source.device_ixs.remove(dev.ix)
        insort(target.device_ixs, dev.ix)
        if dev.online:
            source.online_count -= 1
            target.online_count += 1
        dev.site = target.index
        dev.deleted = target.system == "deleted"
        self.version += 1

    def delete_device(self, device_uid: str) -> None:
        """Mark a device for deletion: it moves to the "Deleted Devices" site."""
        deleted = next((s for s in self.site_list if s.system == "deleted"), None)
        if deleted is None:
            raise LookupError("this world has no Deleted Devices site (sites < 3)")
        self.move_device(device_uid, deleted.uid)

    def set_hostname(self, device_uid: str, hostname: str) -> None:
        self.sync()
        self.devices[device_uid].hostname = hostname
        self.version += 1

    def rename_site(self, site_uid: str, name: str) -> None:
        self.sync()
        self.sites[site_uid].name = name
        self.version += 1

    def set_udfs(self, device_uid: str, values: dict[str, str | None]) -> None:
        """Set UDFs as ``POST /v2/device/{uid}/udf`` does: empty or null deletes a value."""
        self.sync()
        dev = self.devices[device_uid]
        overrides = dev.overrides if dev.overrides is not None else {}
        udf = overrides.setdefault("udf", {})
        for key, value in values.items():
            udf[key] = value if value else None
        dev.overrides = overrides

    def set_warranty(self, device_uid: str, date: str | None) -> None:
        self.sync()
        dev = self.devices[device_uid]
        overrides = dev.overrides if dev.overrides is not None else {}
        overrides["warranty"] = date
        dev.overrides = overrides

    def create_job(
        self, device_uid: str, job_name: str, component_uid: str, variables: list[dict[str, str]]
    ) -> JobRec:
        """Create a quick job; its progress and outcome are fixed by the seed and the job number."""
        self.sync()
        dev = self.devices[device_uid]
        component_index = next(i for i, c in enumerate(self.components) if c.uid == component_uid)
        component = self.components[component_index]
        self._job_seq += 1
        rng = random.Random((self.config.seed << 24) ^ self._job_seq ^ 0x10B)
        roll = rng.random()
        outcome = "Success" if roll < 0.78 else ("Warning" if roll < 0.88 else "Failure")
        given = {v.get("name") for v in variables}
        required = {v["name"] for v in component.variables if v.get("defaultVal") is None}
        if required - given:
            outcome = "Failure"
        now = int(self.clock.time() * 1000)
        job = JobRec(
            id=rng.randrange(10_000_000, 99_999_999),
            uid=guid(rng),
            name=job_name,
            device=dev.ix,
            component=component_index,
            variables=[
                {"name": str(v.get("name")), "value": str(v.get("value"))} for v in variables
            ],
            created_ms=now,
            start_delay_ms=rng.randrange(3_000, 20_000),
            duration_ms=rng.randrange(15_000, 120_000),
            outcome=outcome,
            warnings=rng.randrange(1, 4) if outcome == "Warning" else 0,
            device_online_at_create=dev.online,
        )
        self.jobs[job.uid] = job
        user = 0
        self._activity(
            rng,
            max(now, self.activities[-1].date_ms if self.activities else now),
            kind=("DEVICE", "job", "deployment"),
            device=dev,
            user=user,
            details=json.dumps(
                {"jobName": job_name, "jobUid": job.uid, "component": component.name}
            ),
        )
        return job

    def log_activity(
        self, kind: tuple[str, str, str], *, device: DeviceRec | None, details: str
    ) -> None:
        """Record an activity entry now (used for client writes such as alert resolves)."""
        rng = random.Random((self.config.seed << 24) ^ len(self.activities) ^ 0xAC7)
        at = self.now_ms
        if self.activities and self.activities[-1].date_ms > at:
            at = self.activities[-1].date_ms
        self._activity(rng, at, kind=kind, device=device, user=0, details=details)
