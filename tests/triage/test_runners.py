"""Headless write runs: bulk resolve and quick jobs, on the fake through the real client."""

from __future__ import annotations

from dataclasses import replace

from datto_tui.api.models import Component
from datto_tui.monitor.bulk import ResolveProgress, ResolveStatus, resolve_alerts, summarise
from datto_tui.monitor.jobs import (
    FollowPolicy,
    JobState,
    QuickJobPlan,
    QuickJobRun,
    job_refusal,
    run_quick_job,
)
from datto_tui.monitor.pacing import CancelToken
from datto_tui.monitor.table_filter import TableFilter
from tests.triage.headless_support import bench, posts_per_window


async def test_resolve_reports_each_outcome_and_updates_the_store() -> None:
    async with bench() as b:
        alerts = sorted(b.store.alerts.values(), key=lambda a: a.alert_uid)[:4]
        gone, failing = alerts[1], alerts[2]
        # One was resolved elsewhere meanwhile (the service answers 404 for unknown uids: use
        # a resolved one the store still shows), one meets a server error.
        b.service.world.alerts.pop(gone.alert_uid)
        b.service.faults.once(f"/api/v2/alert/{failing.alert_uid}/resolve", "500", method="POST")
        seen: list[ResolveProgress] = []
        outcomes = await resolve_alerts(
            b.client, b.store, alerts, clock=b.clock, progress=seen.append
        )
        statuses = [o.status for o in outcomes]
        assert statuses == [
            ResolveStatus.RESOLVED,
            ResolveStatus.ALREADY,
            ResolveStatus.FAILED,
            ResolveStatus.RESOLVED,
        ]
        assert outcomes[2].reason is not None and "500" in outcomes[2].reason
        # Resolved and gone alerts left the store at once; the failed one stays.
        assert failing.alert_uid in b.store.alerts
        for a in (alerts[0], gone, alerts[3]):
            assert a.alert_uid not in b.store.alerts
        assert seen[-1].done == 4 and seen[-1].current is None
        posts = [r for r in b.service.log if r.method == "POST" and "/resolve" in r.path]
        assert len(posts) == 4  # one request each, nothing retried
        assert summarise(outcomes) == "Resolved 2 alerts; 1 already resolved; 1 failed"


async def test_an_alert_already_gone_from_the_store_is_not_sent() -> None:
    async with bench() as b:
        alert = next(iter(b.store.alerts.values()))
        b.store.mark_alert_resolved(alert.alert_uid)
        outcomes = await resolve_alerts(b.client, b.store, [alert], clock=b.clock)
        assert outcomes[0].status is ResolveStatus.ALREADY
        assert not [r for r in b.service.log if r.path.endswith("/resolve")]


async def test_bulk_resolve_stays_within_the_write_share() -> None:
    async with bench(devices=200, alerts=70, write_share=0.2) as b:  # 20 writes per 60 s
        alerts = list(b.store.alerts.values())[:45]
        waits: list[float] = []

        def progress(p: ResolveProgress) -> None:
            if p.waiting:
                waits.append(p.waiting)

        started = b.clock.time()
        outcomes = await resolve_alerts(b.client, b.store, alerts, clock=b.clock, progress=progress)
        assert all(o.status is ResolveStatus.RESOLVED for o in outcomes)
        times = [r.time for r in b.service.log if r.method == "POST" and "/resolve" in r.path]
        assert len(times) == 45
        assert posts_per_window(times) <= 20
        assert b.clock.time() - started >= 120  # 45 writes at 20/min need two more windows
        assert waits  # the wait for the budget was reported
        assert not [r for r in b.service.log if r.status == 429]


async def test_cancel_stops_before_the_next_write() -> None:
    async with bench(alerts=12, write_share=0.02) as b:  # 2 writes per 60 s
        alerts = list(b.store.alerts.values())[:5]
        token = CancelToken()

        def progress(p: ResolveProgress) -> None:
            if p.waiting:
                token.cancel()

        outcomes = await resolve_alerts(
            b.client, b.store, alerts, clock=b.clock, cancel=token, progress=progress
        )
        assert [o.status for o in outcomes] == [ResolveStatus.RESOLVED] * 2 + [
            ResolveStatus.NOT_SENT
        ] * 3
        assert sum(1 for r in b.service.log if r.path.endswith("/resolve")) == 2


def _component(b_components: list[Component], name: str) -> Component:
    return next(c for c in b_components if c.name == name)


async def test_quick_job_runs_and_is_followed_to_its_output() -> None:
    async with bench() as b:
        components = [c async for c in b.client.components()]
        component = _component(components, "Flush DNS Cache")
        devices = [d for d in b.store.devices.values() if d.device_class == "device"]
        online = [d for d in devices if d.online][:2]
        printer = next(d for d in b.store.devices.values() if d.device_class != "device")
        plan = QuickJobPlan(component, "Flush DNS", {}, (*online, printer))
        run = QuickJobRun.start(plan)
        assert run.jobs[2].state is JobState.REFUSED
        assert run.jobs[2].reason and "no agent" in run.jobs[2].reason
        changes: list[JobState] = []
        await run_quick_job(
            b.client, run, clock=b.clock, on_change=lambda j: changes.append(j.state)
        )
        assert run.finished
        for job in run.jobs[:2]:
            assert job.state is JobState.DONE, job
            assert job.deployment in ("Success", "Warning", "Failure")
            assert "Starting component 'Flush DNS Cache'" in job.stdout
            assert job.result is not None and job.result.component_results
        puts = [r for r in b.service.log if r.method == "PUT"]
        assert len(puts) == 2  # nothing for the printer
        assert JobState.RUNNING in changes


async def test_quick_job_failure_and_timeout_are_reported() -> None:
    async with bench() as b:
        components = [c async for c in b.client.components()]
        component = _component(components, "Restart Service")
        offline = [d for d in b.store.devices.values() if d.device_class == "device"]
        offline_dev = next(d for d in offline if d.online is False)
        online_dev = next(d for d in offline if d.online)
        # An undeclared variable: the service refuses the job (400) for the first device.
        bad = QuickJobPlan(component, "x", {"nope": "1"}, (online_dev,))
        run = await run_quick_job(b.client, QuickJobRun.start(bad), clock=b.clock)
        assert run.jobs[0].state is JobState.FAILED and run.jobs[0].reason
        # An offline device's job stays pending: following it stops at the timeout.
        plan = QuickJobPlan(component, "y", {"serviceName": "Spooler"}, (offline_dev,))
        run = await run_quick_job(
            b.client,
            QuickJobRun.start(plan),
            clock=b.clock,
            policy=FollowPolicy(timeout=60.0),
        )
        job = run.jobs[0]
        assert job.state is JobState.STOPPED and job.reason == "timed out"
        assert job.deployment == "Pending"
        gets = [r for r in b.service.log if r.method == "GET" and "/results/" in r.path]
        assert 2 <= len(gets) <= 8  # backing off, not hammering


def test_refusal_reasons() -> None:
    from tests.monitor.support import device

    assert job_refusal(device("d", device_class="device")) is None
    assert "printer" in (job_refusal(device("d", device_class="printer")) or "")
    assert "unknown" in (job_refusal(replace(device("d"), device_class=None)) or "")


def test_table_filter_composes_toggles_before_text() -> None:
    f = TableFilter(text='"acme dental', offline_only=True, with_alerts=True)
    assert f.query_text() == 'online:no alerts:>0 "acme dental'
    assert f.toggle_labels() == ("offline only", "with open alerts")
    levels = []
    g = TableFilter()
    for _ in range(4):
        g = g.next_priority()
        levels.append(g.min_priority)
    assert levels == ["critical", "high", "moderate", None]
    assert TableFilter(min_priority="high").query_text() == "priority:>=high"
    assert not TableFilter(text="  ").is_active
    assert TableFilter(with_alerts=True).is_active
