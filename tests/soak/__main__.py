"""``python -m tests.soak``: soak the dashboard against the chaos-faulted fake on simulated time.

    python -m tests.soak                      # 24 simulated hours, 40 sites / 2,500 devices
    python -m tests.soak --hours 168 --report soak.json

Prints the invariants as a table, writes the whole report as JSON (``--report``), and exits 0
when every invariant held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

# At 100x speed the data changes 100 times faster than on a real screen: repainting at 60 frames
# per (real) second would spend the run on frames nobody sees. Each frame costs the same at any
# rate, so the stall measurement is unchanged. (Read by Textual at import, hence before it.)
os.environ.setdefault("TEXTUAL_FPS", "10")

from tests.soak.soak_harness import SoakConfig, run_soak


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = SoakConfig()
    parser = argparse.ArgumentParser(
        prog="python -m tests.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--hours", type=float, default=defaults.hours, help="simulated hours (default: %(default)s)"
    )
    parser.add_argument("--report", type=Path, help="write the JSON report here")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--sites", type=int, default=defaults.sites)
    parser.add_argument("--devices", type=int, default=defaults.devices)
    parser.add_argument("--alerts", type=int, default=defaults.alerts)
    parser.add_argument("--faults", choices=("none", "flaky", "chaos"), default=defaults.faults)
    parser.add_argument(
        "--token-ttl",
        type=float,
        default=defaults.token_ttl,
        help="token lifetime, s (default: %(default)s)",
    )
    parser.add_argument(
        "--quiet-minutes",
        type=float,
        default=defaults.quiet_minutes,
        help="fault-free minutes at the end (default: %(default)s)",
    )
    parser.add_argument(
        "--no-hostile", action="store_true", help="plain data instead of hostile strings"
    )
    parser.add_argument("--quiet", action="store_true", help="no hourly progress lines")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TZ", "UTC")
    time.tzset()
    config = SoakConfig(
        hours=args.hours,
        seed=args.seed,
        sites=args.sites,
        devices=args.devices,
        alerts=args.alerts,
        faults=args.faults,
        token_ttl=args.token_ttl,
        quiet_minutes=args.quiet_minutes,
        hostile=not args.no_hostile,
        progress=not args.quiet,
    )
    report = asyncio.run(run_soak(config))
    print(report.table())
    if args.report is not None:
        args.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"report written to {args.report}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
