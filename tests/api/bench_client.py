"""Client CPU per 250-device page: JSON decode + models + httpx, through the whole client stack.

Run: ``python -m tests.api.bench_client`` (not part of the test suite; prints milliseconds).

The page imitates the real service's device records, including the 300 ``udfN`` keys that
v2 devices carry (most of them null). The service answers from memory (``MockTransport``), so
the time measured is the client's own: request building, auth, budget, transport, httpx's
response handling, ``json.loads`` and ``Device.from_api`` for 250 records.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from datto_tui.api import DattoClient
from datto_tui.api.models import Device
from datto_tui.clock import FakeClock

PAGE = 250


def realistic_device(i: int, udfs: int = 300) -> dict[str, Any]:
    udf: dict[str, str | None] = {f"udf{n}": None for n in range(1, udfs + 1)}
    udf["udf1"] = f"Asset {i}"
    udf["udf7"] = "BitLocker-" + "9" * 48
    return {
        "id": 100_000 + i,
        "uid": f"{i:08d}-1b2c-4d5e-8f90-0123456789ab",
        "siteId": 4000 + i % 40,
        "siteUid": f"{i % 40:08d}-aaaa-bbbb-cccc-0123456789ab",
        "siteName": f"Customer {i % 40} Ltd",
        "deviceType": {"category": "Desktop", "type": "Desktop"},
        "hostname": f"WS-{i:05d}",
        "intIpAddress": f"10.0.{i // 250}.{i % 250}",
        "extIpAddress": "203.0.113.7",
        "operatingSystem": "Microsoft Windows 11 Pro 23H2 22631",
        "lastLoggedInUser": f"CORP\\user{i}",
        "domain": "CORP",
        "cagVersion": "4.4.2200.2200",
        "displayVersion": "4.4.2200",
        "description": "Finance laptop",
        "a64Bit": True,
        "rebootRequired": i % 7 == 0,
        "online": i % 3 != 0,
        "suspended": False,
        "deleted": False,
        "lastSeen": 1_780_000_000_000 - i * 1000,
        "lastReboot": 1_779_000_000_000,
        "lastAuditDate": 1_779_900_000_000,
        "creationDate": 1_700_000_000_000,
        "udf": udf,
        "snmpEnabled": False,
        "deviceClass": "device",
        "portalUrl": f"https://merlot.rmm.datto.com/device/{100_000 + i}",
        "warrantyDate": "2027-01-31",
        "antivirus": {"antivirusProduct": "Defender", "antivirusStatus": "RunningAndUpToDate"},
        "patchManagement": {
            "patchStatus": "FullyPatched",
            "patchesApprovedPending": 0,
            "patchesNotApproved": 2,
            "patchesInstalled": 120,
        },
        "softwareStatus": "Compliant",
        "webRemoteUrl": f"https://merlot.rmm.datto.com/web-remote/{100_000 + i}",
        "networkProbe": False,
        "onboardedViaNetworkMonitor": False,
    }


def page_body(pages: int, udfs: int) -> list[bytes]:
    bodies = []
    for p in range(pages):
        devices = [realistic_device(p * PAGE + i, udfs) for i in range(PAGE)]
        link = (
            f"https://merlot-api.centrastage.net/api/v2/account/devices?max={PAGE}&page={p + 1}"
            if p + 1 < pages
            else None
        )
        details = {
            "count": PAGE,
            "totalCount": PAGE * pages,
            "prevPageUrl": None,
            "nextPageUrl": link,
        }
        bodies.append(json.dumps({"pageDetails": details, "devices": devices}).encode())
    return bodies


async def measure(udfs: int, pages: int = 20, rounds: int = 7) -> tuple[float, float, float, int]:
    """Per-page CPU ms of a whole walk (best of ``rounds``), json.loads and models alone."""
    bodies = page_body(pages, udfs)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/oauth/token":
            body = b'{"access_token":"t","token_type":"bearer","expires_in":360000}'
            return httpx.Response(200, content=body)
        if request.url.path == "/api/v2/system/pagination":
            return httpx.Response(200, content=b'{"max":250}')
        page = int(request.url.params.get("page", "0"))
        return httpx.Response(200, content=bodies[page])

    clock = FakeClock()
    client = DattoClient(
        "https://merlot-api.centrastage.net",
        api_key="key",
        api_secret="secret",
        clock=clock,
        transport=httpx.MockTransport(handler),
        read_share=1.0,
    )
    walks: list[float] = []
    async with client:
        await client.page_size()
        for _ in range(rounds):
            started = time.process_time()
            async for _page in client.devices().pages():
                pass
            walks.append((time.process_time() - started) * 1000 / pages)
            clock.advance(61)  # a fresh budget window for the next round
    # The two big parts alone, for the record (best of several runs each).
    json_runs, model_runs = [], []
    for _ in range(rounds):
        t0 = time.process_time()
        raw = json.loads(bodies[0])["devices"]
        json_runs.append((time.process_time() - t0) * 1000)
        t0 = time.process_time()
        [Device.from_api(d) for d in raw]
        model_runs.append((time.process_time() - t0) * 1000)
    return min(walks), min(json_runs), min(model_runs), len(bodies[0])


def calibration_ms() -> float:
    """A machine-speed yardstick: a plain 10-million-step Python loop, in ms."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.process_time() - started) * 1000


def main() -> None:
    print(f"machine yardstick (10M-step loop): {calibration_ms():.0f} ms")
    for udfs in (30, 300):
        per_page, json_ms, models_ms, size = asyncio.run(measure(udfs))
        print(f"{PAGE} devices with {udfs} udf keys each, page body {size / 1024:.0f} KiB:")
        print(f"  client CPU per page (best of 7 walks of 20 pages): {per_page:.2f} ms")
        print(
            f"  of which json.loads {json_ms:.2f} ms, Device.from_api x {PAGE} {models_ms:.2f} ms"
        )


if __name__ == "__main__":
    main()
