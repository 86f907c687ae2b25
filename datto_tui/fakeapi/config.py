"""Configuration of the fake Datto RMM service.

Every knob of the fake lives in :class:`FakeConfig`, a frozen dataclass, so a test states the
world it wants in one expression and two services built from equal configs (and clocks at equal
times) answer identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_API_KEY = "DEMO-FAKE-API-KEY-00000000000000"
"""The API key the fake accepts unless :attr:`FakeConfig.api_key` says otherwise."""

DEMO_API_SECRET = "demo-fake-api-secret-not-a-secret"  # noqa: S105 (public demo value)
"""The API secret the fake accepts unless :attr:`FakeConfig.api_secret` says otherwise."""

FAULT_PROFILES = ("none", "flaky", "chaos")

WRITE_OPERATIONS: tuple[str, ...] = (
    "site-create",
    "site-update",
    "site-variable-create",
    "site-variable-update",
    "site-variable-delete",
    "site-proxy-create",
    "site-proxy-delete",
    "device-move",
    "device-job-create",
    "device-warranty-create",
    "device-udf-set",
    "alert-resolve",
    "account-variable-create",
    "account-variable-update",
    "account-variable-delete",
    "user-reset-keys",
)
"""The per-operation write buckets ``/v2/system/request_rate`` reports (16, as the live service)."""


def _default_operation_limits() -> dict[str, int]:
    limits = dict.fromkeys(WRITE_OPERATIONS, 100)
    limits["device-udf-set"] = 600
    return limits


@dataclass(frozen=True)
class FakeConfig:
    """What the fake service generates and how it behaves.

    Data: ``seed`` fixes everything generated; ``sites`` includes the two system sites ("Managed"
    and "Deleted Devices") when it is at least 3; ``devices`` and ``alerts`` (open alerts at the
    start, and the steady state the simulation keeps around) scale freely (100,000 devices are
    generated in about a second). ``resolved_alerts`` is the resolved history present at the
    start; ``resolved_cap`` bounds it as the simulation adds more.

    Behaviour: ``frozen`` stops the autonomous simulation (nothing changes unless a client
    writes); ``hostile`` plants terminal escapes, Rich markup, control characters, huge, wide and
    right-to-left strings in names, diagnostics, users and UDFs; ``faults`` picks a seeded fault
    profile (``none``, ``flaky`` or ``chaos``); ``rate_limit_headers`` adds ``X-RateLimit-*`` and
    ``Retry-After`` headers (the live service sends none).

    Rate limits follow the live service: per account, sliding ``window_seconds``; ``read_limit``
    reads; ``account_write_limit`` writes overall and ``operation_write_limits`` per operation;
    above ``cutoff_ratio`` of the read limit every read is delayed by ``throttle_delay`` seconds
    (on the service's clock); over a limit the answer is 429, and after ``block_after_429``
    further 429s within the window the client's IP gets 403 for ``block_seconds``.
    ``background_load`` simulates other integrations reading from the same account (reads per
    minute, counted in the account's read window).
    """

    seed: int = 7
    sites: int = 40
    devices: int = 2500
    alerts: int = 120
    resolved_alerts: int = 400
    resolved_cap: int = 5000
    faults: str = "none"
    token_ttl: float = 360000.0
    frozen: bool = False
    hostile: bool = False
    rate_limit_headers: bool = False
    platform: str = "merlot"
    account_name: str = "Northwind IT Services"
    api_key: str = DEMO_API_KEY
    api_secret: str = DEMO_API_SECRET
    api_username: str = "api.integration"
    # Pagination.
    page_max: int = 250
    # Simulation.
    tick_seconds: float = 60.0
    alert_lifetime_minutes: float = 180.0
    device_churn_per_hour: float = 0.004
    offline_minutes: float = 45.0
    activity_per_hour: float = 120.0
    activity_cap: int = 50_000
    job_expiry_hours: float = 24.0
    # Rate limits.
    window_seconds: float = 60.0
    read_limit: int = 600
    account_write_limit: int = 600
    operation_write_limits: dict[str, int] = field(default_factory=_default_operation_limits)
    cutoff_ratio: float = 0.9
    throttle_delay: float = 1.0
    block_after_429: int = 10
    block_seconds: float = 300.0
    background_load: float = 0.0
    # Observability.
    log_size: int = 10_000

    def __post_init__(self) -> None:
        if self.faults not in FAULT_PROFILES:
            raise ValueError(f"faults must be one of {', '.join(FAULT_PROFILES)}")
        if self.sites < 1 or self.devices < 0 or self.alerts < 0:
            raise ValueError("sites must be >= 1; devices and alerts >= 0")
        if self.page_max < 1 or self.tick_seconds <= 0 or self.window_seconds <= 0:
            raise ValueError("page_max, tick_seconds and window_seconds must be positive")
        if self.token_ttl <= 0:
            raise ValueError("token_ttl must be positive")
