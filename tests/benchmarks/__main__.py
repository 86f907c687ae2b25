"""The benchmark suite: sync cost, the device table against stock DataTable, the whole app.

    python -m tests.benchmarks [--quick] [--long] [--only PATTERN] [--out FILE]

Run it from the repository root. It runs every section (about 5-8 minutes on a 2-core machine;
``--quick``: smaller sizes, under a minute), prints a table and writes ``bench.json``
(``--out``) in the current directory: a JSON list of rows ``{"name", "value", "unit",
"baseline", "ratio", "target", "pass", ...}`` (:mod:`tests.benchmarks.rows`).

``--only PATTERN`` (a regular expression) runs the sections whose name or rows match it and
keeps the matching rows, e.g. ``--only sync``, ``--only 'table\\..*100k'``, ``--only app.idle``.
``--long`` measures idle cost over 10 minutes instead of one and adds the wall-screen soak
(:mod:`~tests.benchmarks.bench_wall`, also run by ``--only wall``).

Values are medians of repeated measurements (``repeats`` in each row); see each section's module
for its method: :mod:`~tests.benchmarks.bench_sync`, :mod:`~tests.benchmarks.bench_table`,
:mod:`~tests.benchmarks.bench_app`. The exit status is 0 when every section ran (whatever the
verdicts) and 1 when one failed to run (its error is a row too).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from pathlib import Path

from tests.benchmarks.rows import Row, render_table, row, write_json
from tests.benchmarks.suite import SECTIONS, Options, Section


def _selected(
    section: Section, pattern: re.Pattern[str] | None, options: Options
) -> tuple[bool, bool]:
    """(run the section, keep all of its rows)."""
    if section.opt_in and not options.long:
        named = pattern is not None and pattern.search(section.name) is not None
        return named, named
    if pattern is None or pattern.search(section.name):
        return True, True
    for prefix in section.rows:
        if pattern.search(prefix) or pattern.pattern.startswith(prefix.rstrip(".")):
            return True, False
    return False, False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke run")
    parser.add_argument(
        "--long", action="store_true", help="idle cost over 10 minutes, and the wall soak"
    )
    parser.add_argument("--only", metavar="PATTERN", help="sections/rows matching this regex")
    parser.add_argument("--out", metavar="FILE", type=Path, default=Path("bench.json"))
    args = parser.parse_args(argv)
    pattern = re.compile(args.only) if args.only else None
    options = Options(quick=args.quick, long=args.long)

    rows: list[Row] = []
    failed = False
    started = time.perf_counter()
    for section in SECTIONS:
        run, keep_all = _selected(section, pattern, options)
        if not run:
            continue
        print(f"[{time.perf_counter() - started:6.1f} s] {section.name} ...", file=sys.stderr)
        t0 = time.perf_counter()
        try:
            produced = section.run(options)
        except Exception as exc:
            failed = True
            traceback.print_exc()
            produced = [
                row(f"{section.name}.error", None, "-", note=f"{type(exc).__name__}: {exc}")
            ]
            produced[0]["pass"] = False
            keep_all = True
        if not keep_all and pattern is not None:
            produced = [r for r in produced if pattern.search(r["name"])]
        rows.extend(produced)
        print(
            f"[{time.perf_counter() - started:6.1f} s] {section.name} done in "
            f"{time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    if not rows:
        print(f"nothing matches {args.only!r}", file=sys.stderr)
        return 2
    print(render_table(rows))
    misses = [r["name"] for r in rows if r["pass"] is False]
    print(
        f"\n{len(rows)} rows, {sum(1 for r in rows if r['pass'])} pass, {len(misses)} fail, "
        f"{sum(1 for r in rows if r['pass'] is None)} without target; "
        f"{time.perf_counter() - started:.0f} s; written to {args.out}"
    )
    write_json(rows, args.out)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
