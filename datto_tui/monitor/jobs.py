"""Quick jobs: run one component on some devices, then follow each job to its results.

:func:`run_quick_job` takes a :class:`QuickJobPlan` and drives a :class:`QuickJobRun`:

1. Devices that cannot run jobs (:func:`job_refusal`: only class ``device`` has the agent that
   runs components) are ``REFUSED`` up front, with the reason; nothing is sent for them.
2. Each other device gets one ``PUT /device/{uid}/quickjob``, in order, with interactive
   priority, only when the write share has room (:mod:`.pacing`). Never retried: a failure is
   ``FAILED`` with the error's text. A cancel before a device's turn leaves it ``NOT_SENT``.
3. Every created job is then followed with ``GET /job/{uid}/results/{device}``: first after
   :attr:`FollowPolicy.first`, then backing off by :attr:`FollowPolicy.factor` up to
   :attr:`FollowPolicy.cap`, and never more often than :attr:`FollowPolicy.reads_per_minute`
   allow for all jobs together. A final deployment status (Success, Warning, Failure, Expired,
   Retired) fetches stdout/stderr when the results say there is some, and the device is
   ``DONE``. After :attr:`FollowPolicy.timeout` (or a cancel) the jobs still running are
   ``STOPPED``: they go on at Datto; only following them stopped.

``on_change(job)`` is called after every change of one device's :class:`DeviceJob` (the same
mutable object each time; read it, do not keep it for later comparison).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from datto_tui.api.budget import Priority
from datto_tui.api.errors import DattoError, NotFound, RateLimited
from datto_tui.api.models import Component, Device, JobOutput, JobResult
from datto_tui.clock import Clock
from datto_tui.monitor.pacing import BudgetLike, CancelToken, wait_for_write_slot
from datto_tui.text import clean_block, clean_line

#: The device class whose agent runs components; other classes answer 400 to a quick job.
JOB_CLASSES = frozenset({"device"})
#: Deployment statuses after which a job's results do not change any more.
FINAL_STATUSES = frozenset({"success", "warning", "failure", "expired", "retired"})


class JobClient(Protocol):
    @property
    def budget(self) -> BudgetLike: ...

    async def quick_job(
        self,
        device_uid: str,
        *,
        job_name: str,
        component_uid: str,
        variables: Mapping[str, str] | None = ...,
        priority: Priority = ...,
    ) -> _HasJob: ...

    async def job_results(
        self, job_uid: str, device_uid: str, *, priority: Priority = ...
    ) -> JobResult: ...

    async def job_stdout(
        self, job_uid: str, device_uid: str, *, priority: Priority = ...
    ) -> list[JobOutput]: ...

    async def job_stderr(
        self, job_uid: str, device_uid: str, *, priority: Priority = ...
    ) -> list[JobOutput]: ...


class _JobLike(Protocol):
    @property
    def uid(self) -> str: ...


class _HasJob(Protocol):
    @property
    def job(self) -> _JobLike: ...


def job_refusal(device: Device) -> str | None:
    """Why ``device`` cannot run a quick job, or None when it can."""
    cls = (device.device_class or "").strip().lower()
    if cls in JOB_CLASSES:
        return None
    shown = clean_line(device.device_class, 30) or "unknown"
    return f"class {shown!r} has no agent to run components (only 'device' does)"


class JobState(StrEnum):
    REFUSED = "refused"
    WAITING = "waiting"  # not sent yet
    FAILED = "failed"  # the quick job request failed
    NOT_SENT = "not sent"  # cancelled before its turn
    RUNNING = "running"  # job created; following it
    DONE = "done"  # final deployment status, outputs fetched
    STOPPED = "stopped"  # no longer followed (timeout or cancel); the job goes on at Datto


@dataclass(frozen=True, slots=True)
class FollowPolicy:
    """How jobs are followed (seconds). Defaults suit real jobs: minutes, not seconds."""

    first: float = 5.0
    factor: float = 1.5
    cap: float = 30.0
    timeout: float = 900.0
    reads_per_minute: float = 60.0


@dataclass(frozen=True, slots=True)
class QuickJobPlan:
    """What to run: a component with its variables, as job ``job_name``, on ``devices``."""

    component: Component
    job_name: str
    variables: Mapping[str, str]
    devices: tuple[Device, ...]


@dataclass(slots=True)
class DeviceJob:
    """One device's part of a run (mutable; updated by the runner)."""

    device_uid: str
    hostname: str
    state: JobState = JobState.WAITING
    reason: str | None = None
    job_uid: str | None = None
    deployment: str | None = None
    result: JobResult | None = None
    stdout: str = ""
    stderr: str = ""
    polls: int = 0
    errors: int = 0
    next_poll: float = 0.0
    interval: float = 0.0

    @property
    def finished(self) -> bool:
        return self.state in (
            JobState.REFUSED,
            JobState.FAILED,
            JobState.NOT_SENT,
            JobState.DONE,
            JobState.STOPPED,
        )

    @property
    def status_text(self) -> str:
        """One short line: ``running (Pending)``, ``Success``, ``failed: <reason>``."""
        if self.state is JobState.DONE:
            return clean_line(self.deployment or "done", 40)
        if self.state is JobState.RUNNING:
            return f"running ({clean_line(self.deployment, 30)})" if self.deployment else "sent"
        if self.reason:
            return f"{self.state.value}: {self.reason}"
        return self.state.value


@dataclass(slots=True)
class QuickJobRun:
    """The devices of one run, in plan order; ``sent`` counts quick jobs created."""

    plan: QuickJobPlan
    jobs: list[DeviceJob] = field(default_factory=list)

    @classmethod
    def start(cls, plan: QuickJobPlan) -> QuickJobRun:
        jobs = []
        for device in plan.devices:
            job = DeviceJob(device.uid, clean_line(device.hostname or device.uid, 80))
            refusal = job_refusal(device)
            if refusal is not None:
                job.state, job.reason = JobState.REFUSED, refusal
            jobs.append(job)
        return cls(plan, jobs)

    @property
    def runnable(self) -> list[DeviceJob]:
        return [j for j in self.jobs if j.state is not JobState.REFUSED]

    @property
    def finished(self) -> bool:
        return all(j.finished for j in self.jobs)

    def counts(self) -> dict[str, int]:
        """How many devices are in each state (and, when done, by deployment status)."""
        out: dict[str, int] = {}
        for job in self.jobs:
            key = (
                clean_line(job.deployment or "done", 20)
                if job.state is JobState.DONE
                else job.state.value
            )
            out[key] = out.get(key, 0) + 1
        return out


def _output_text(outputs: Sequence[JobOutput]) -> str:
    parts = []
    for output in outputs:
        if len(outputs) > 1 and output.component_name:
            parts.append(f"--- {output.component_name}")
        parts.append(output.text)
    return clean_block("\n".join(parts))


async def run_quick_job(
    client: JobClient,
    run: QuickJobRun,
    *,
    clock: Clock,
    cancel: CancelToken | None = None,
    on_change: Callable[[DeviceJob], None] | None = None,
    policy: FollowPolicy | None = None,
) -> QuickJobRun:
    """Send the run's quick jobs, then follow them (see the module docstring)."""
    token = cancel or CancelToken()
    rules = policy or FollowPolicy()
    plan = run.plan

    def changed(job: DeviceJob) -> None:
        if on_change is not None:
            on_change(job)

    # 1-2: send, paced.
    for job in run.jobs:
        if job.state is not JobState.WAITING:
            continue
        if token.cancelled or not await wait_for_write_slot(client.budget, clock, token):
            job.state = JobState.NOT_SENT
            changed(job)
            continue
        try:
            answer = await client.quick_job(
                job.device_uid,
                job_name=plan.job_name,
                component_uid=plan.component.uid,
                variables=dict(plan.variables),
                priority=Priority.INTERACTIVE,
            )
        except DattoError as error:
            job.state, job.reason = JobState.FAILED, clean_line(str(error), 300)
            changed(job)
            continue
        job.job_uid = answer.job.uid or None
        if job.job_uid is None:
            job.state, job.reason = JobState.FAILED, "the service created no job"
        else:
            job.state = JobState.RUNNING
            job.interval = rules.first
            job.next_poll = clock.monotonic() + rules.first
        changed(job)

    # 3: follow, one poll at a time, each job on its own backoff.
    deadline = clock.monotonic() + rules.timeout
    while True:
        following = [j for j in run.jobs if j.state is JobState.RUNNING]
        if not following:
            break
        now = clock.monotonic()
        if token.cancelled or now >= deadline:
            for job in following:
                job.state = JobState.STOPPED
                job.reason = "cancelled" if token.cancelled else "timed out"
                changed(job)
            break
        job = min(following, key=lambda j: j.next_poll)
        if job.next_poll > now:
            await clock.sleep(min(job.next_poll - now, 1.0))
            continue
        await _poll(client, job, clock, rules, len(following))
        changed(job)
    return run


async def _poll(
    client: JobClient, job: DeviceJob, clock: Clock, rules: FollowPolicy, following: int
) -> None:
    assert job.job_uid is not None
    job.polls += 1
    # Every job followed at once shares the read allowance: the more jobs, the slower each.
    spacing = following * 60.0 / max(1.0, rules.reads_per_minute)
    try:
        result = await client.job_results(job.job_uid, job.device_uid)
    except NotFound:
        result = None  # no results yet (not started)
    except RateLimited as error:
        job.next_poll = clock.monotonic() + max(job.interval, error.retry_after or 60.0)
        return
    except DattoError as error:
        job.errors += 1
        if job.errors >= 5:
            job.state, job.reason = JobState.STOPPED, clean_line(str(error), 300)
            return
        job.interval = min(rules.cap, max(job.interval * rules.factor, spacing))
        job.next_poll = clock.monotonic() + job.interval
        return
    if result is not None:
        job.result = result
        job.deployment = clean_line(result.deployment_status, 30) or None
    status = (result.deployment_status or "").lower() if result is not None else ""
    if status in FINAL_STATUSES:
        assert result is not None
        await _fetch_outputs(client, job, result)
        job.state = JobState.DONE
        return
    job.interval = min(rules.cap, max(job.interval * rules.factor, spacing))
    job.next_poll = clock.monotonic() + max(job.interval, spacing)


async def _fetch_outputs(client: JobClient, job: DeviceJob, result: JobResult) -> None:
    assert job.job_uid is not None
    wants_out = any(c.has_std_out for c in result.component_results)
    wants_err = any(c.has_std_err for c in result.component_results)
    try:
        if wants_out:
            job.stdout = _output_text(await client.job_stdout(job.job_uid, job.device_uid))
        if wants_err:
            job.stderr = _output_text(await client.job_stderr(job.job_uid, job.device_uid))
    except DattoError as error:
        job.reason = f"output not available: {clean_line(str(error), 200)}"
