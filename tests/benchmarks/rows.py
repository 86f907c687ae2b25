"""Result rows of the benchmark suite: one measured figure each, with its target and verdict.

A row is a plain dict (it goes to ``bench.json`` as is) with these keys, always present:

- ``name``: ``<section>.<metric>.<size>``, e.g. ``table.first_frame.100k``;
- ``value``: the figure (a median of ``repeats`` measurements unless the row says otherwise),
  or None when it could not be measured (``note`` says why);
- ``unit``: ``ms``, ``s``, ``MB``, ``%``, ``requests``, ``bytes/min``, ...;
- ``baseline``: what the figure is compared with (stock DataTable, the request floor, the
  physical floor of a sync), or None;
- ``ratio``: ``baseline / value`` for times (how many times faster than the baseline), or
  ``value / baseline`` for counts and sync time against a floor (1.0 is the best possible);
  ``ratio_kind`` says which;
- ``target``: the goal as text (``<= 100 ms``), or None;
- ``pass``: True or False against ``target``, None when there is no target or no value.

Extra keys: ``repeats``, ``note``, ``target_max`` (the numeric bound), and section-specific ones.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Row = dict[str, Any]


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or math.isnan(value):
        return None
    if value == 0:
        return 0.0
    magnitude = math.floor(math.log10(abs(value)))
    return round(value, max(0, digits - 1 - magnitude) if magnitude < digits else 0)


def row(
    name: str,
    value: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    ratio: str | None = None,
    target_max: float | None = None,
    target_eq: float | None = None,
    target_unit: str | None = None,
    repeats: int | None = None,
    note: str | None = None,
    **extra: Any,
) -> Row:
    """One row. ``ratio`` is ``"speedup"`` (baseline / value) or ``"over_floor"``
    (value / baseline); ``target_max`` is an upper bound (in ``target_unit``, default ``unit``),
    ``target_eq`` an exact ratio."""
    ratio_value: float | None = None
    if ratio is not None and value is not None and baseline is not None:
        if ratio == "speedup" and value > 0:
            ratio_value = baseline / value
        elif ratio == "over_floor" and baseline > 0:
            ratio_value = value / baseline
        elif ratio == "over_floor" and baseline == 0:
            ratio_value = 1.0 if value == 0 else None
    target: str | None = None
    verdict: bool | None = None
    if target_max is not None:
        target = f"<= {target_max:g} {target_unit or unit}"
        verdict = None if value is None else value <= target_max
    elif target_eq is not None:
        target = f"== {target_eq:g}"
        verdict = None if ratio_value is None else abs(ratio_value - target_eq) < 1e-9
    out: Row = {
        "name": name,
        "value": _round(value),
        "unit": unit,
        "baseline": _round(baseline),
        "ratio": _round(ratio_value),
        "target": target,
        "pass": verdict,
    }
    if ratio is not None:
        out["ratio_kind"] = "baseline/value" if ratio == "speedup" else "value/baseline"
    if target_max is not None:
        out["target_max"] = target_max
    if repeats is not None:
        out["repeats"] = repeats
    if note:
        out["note"] = note
    out.update(extra)
    return out


def size_label(n: int) -> str:
    """``1k``, ``10k``, ``100k`` (or the plain number below 1000)."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}"
    return str(value)


def render_table(rows: Iterable[Row]) -> str:
    """The rows as a fixed-width text table (name, value, unit, baseline, ratio, target, pass)."""
    rows = list(rows)
    header = ("name", "value", "unit", "baseline", "ratio", "target", "pass")
    cells = [
        (
            r["name"],
            _fmt(r["value"]),
            str(r["unit"]),
            _fmt(r["baseline"]),
            "-" if r["ratio"] is None else f"{_fmt(r['ratio'])}x",
            r["target"] or "-",
            {True: "PASS", False: "FAIL", None: "-"}[r["pass"]],
        )
        for r in rows
    ]
    widths = [
        max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)
    ]
    right = {1, 3, 4}

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    out = [line(header), line(tuple("-" * w for w in widths))]
    out.extend(line(c) for c in cells)
    notes = [f"  {r['name']}: {r['note']}" for r in rows if r.get("note")]
    if notes:
        out.append("")
        out.append("notes:")
        out.extend(notes)
    return "\n".join(out)


def write_json(rows: Iterable[Row], path: Path) -> None:
    """``bench.json``: the list of rows, pretty-printed."""
    path.write_text(json.dumps(list(rows), indent=2) + "\n", encoding="utf-8")
