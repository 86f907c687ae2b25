"""A short soak (two simulated hours) so CI exercises the soak harness and its invariants.

The full run is ``python -m tests.soak`` (24 simulated hours or more); see ``tests/soak``.
"""

from __future__ import annotations

from tests.soak.soak_harness import SoakConfig, run_soak


async def test_two_simulated_hours_of_chaos_hold_every_invariant() -> None:
    config = SoakConfig(
        hours=2.0,
        sites=10,
        devices=400,
        alerts=40,
        token_ttl=2400.0,  # 40 min: the client must refresh it twice
        quiet_minutes=20.0,
    )
    report = await run_soak(config)
    assert report.passed, report.table()
    assert sum(report.faults.values()) > 20  # the chaos profile really fired
    assert report.token_refreshes_before_expiry >= 2
    assert report.alert_checks > 100
    assert report.simulated_seconds >= 7200
    assert report.polls["alerts"] >= 150
