"""Render the README pictures of the dashboard into ``screenshots/`` (SVG).

    python tests/screenshots/make_screenshots.py [--out DIR]

Deterministic: the demo's fake account (40 sites, 2,500 devices, 120 alerts, seed 7) frozen in
time, a manual clock at a fixed instant, UTC, fixed terminal sizes, and every picture taken once
the first poll of everything has been rendered (an awaitable, not a sleep).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datto_tui.clock import FakeClock  # noqa: E402
from datto_tui.config import Profile  # noqa: E402
from datto_tui.demo import demo_client, demo_service  # noqa: E402
from datto_tui.tui.app import DattoApp  # noqa: E402

START = 1_780_000_000.0

#: (file name, terminal size, keys pressed once the data is in)
SHOTS: tuple[tuple[str, tuple[int, int], tuple[str, ...]], ...] = (
    ("main.svg", (160, 45), ()),
    ("main-80x24.svg", (80, 24), ()),
    ("site.svg", (160, 45), ("1", "down", "down", "down", "enter", "2")),
    ("device-detail.svg", (160, 45), ("down", "down", "down", "enter")),
    ("alert-detail.svg", (160, 45), ("3", "enter")),
    ("help.svg", (160, 45), ("question_mark",)),
)


async def shoot(name: str, size: tuple[int, int], keys: Sequence[str], out: Path) -> Path:
    clock = FakeClock(START, auto_advance=False)
    service = demo_service(clock, frozen=True)
    app = DattoApp(
        demo_client(service, clock), profile=Profile(name="demo"), clock=clock, demo=True
    )
    async with app.run_test(size=size) as pilot:
        await app.data_ready()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        path = out / name
        path.write_text(app.export_screenshot(title="datto-tui"), encoding="utf-8")
    return path


async def main(out: Path) -> None:
    for name, size, keys in SHOTS:
        path = await shoot(name, size, keys, out)
        print(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.out))
