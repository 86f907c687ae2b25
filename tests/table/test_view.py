"""TableView: ordering, ties, missing values, scope, filter, incremental refresh, cursor keys."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datto_tui.api.models import Device
from datto_tui.monitor.query import parse
from datto_tui.monitor.view import (
    DEVICE_COLUMNS,
    Column,
    TableView,
    alert_view,
    device_view,
    encode_sort_value,
    humanise,
    relative_time,
)

from .synth import EPOCH, make_alerts, make_device, make_devices


@dataclass(frozen=True, slots=True)
class Row:
    uid: str
    name: str
    group: str
    score: int | None = None
    flag: bool | None = None


COLUMNS: tuple[Column[Row], ...] = (
    Column("name", "Name", lambda r, _n: r.name, sort_key=lambda r: r.name),
    Column("group", "Group", lambda r, _n: r.group, sort_key=lambda r: r.group, aliases=("g",)),
    Column(
        "score",
        "Score",
        lambda r, _n: "" if r.score is None else str(r.score),
        sort_key=lambda r: r.score,
        kind="number",
        searchable=False,
    ),
    Column(
        "flag",
        "Flag",
        lambda r, _n: "" if r.flag is None else ("on" if r.flag else "off"),
        sort_key=lambda r: r.flag,
        kind="bool",
        bool_texts=("on", "off"),
    ),
)


def row_view(rows: list[Row] | None = None, **kwargs: object) -> TableView[Row]:
    view: TableView[Row] = TableView(
        COLUMNS,
        key=lambda r: r.uid,
        tie_key=lambda r: r.name,
        **kwargs,  # type: ignore[arg-type]
    )
    if rows:
        view.set_items(rows)
    return view


def keys(view: TableView[Row]) -> list[str]:
    return list(view.keys)


# ---------------------------------------------------------------------------------------------
# Ordering


def test_sort_by_text_then_tie_then_key() -> None:
    rows = [
        Row("u3", "beta", "x"),
        Row("u1", "alpha", "y"),
        Row("u2", "Alpha", "x"),  # same name, case-insensitively: the key breaks the tie
        Row("u4", "gamma", "x"),
    ]
    view = row_view(rows)
    assert keys(view) == ["u1", "u2", "u3", "u4"]
    view.set_sort("group")
    # Ties on group ordered by name (the tie key), then key.
    assert keys(view) == ["u2", "u3", "u4", "u1"]


def test_missing_values_sort_last_in_both_directions() -> None:
    rows = [
        Row("a", "a", "g", score=3),
        Row("b", "b", "g", score=None),
        Row("c", "c", "g", score=1),
        Row("d", "d", "g", score=None),
        Row("e", "e", "g", score=2),
    ]
    view = row_view(rows, sort="score")
    assert keys(view) == ["c", "e", "a", "b", "d"]
    view.set_sort("score", descending=True)
    assert keys(view) == ["a", "e", "c", "b", "d"]
    view.toggle_direction()
    assert keys(view) == ["c", "e", "a", "b", "d"]


def test_numbers_sort_numerically_including_negatives() -> None:
    values = [10, -5, 2, 0, -100, 3, 1_000_000, -0.5]
    rows = [Row(f"k{i}", "n", "g", score=v) for i, v in enumerate(values)]  # type: ignore[arg-type]
    view = row_view(rows, sort="score")
    assert [view.get(k).score for k in view.keys] == sorted(values)  # type: ignore[union-attr]


def test_encode_sort_value_orders_like_the_values() -> None:
    numbers = [-1e9, -3.5, -1, 0, 0.25, 1, 2, 10, 1e12]
    assert sorted(numbers, key=encode_sort_value) == numbers
    times = [datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=m) for m in (5, 1, 3)]
    assert sorted(times, key=encode_sort_value) == sorted(times)
    assert encode_sort_value(None) > encode_sort_value("\U0010ffff")
    assert encode_sort_value(float("nan")) == encode_sort_value(float("inf"))


def test_sort_is_stable_across_column_switches() -> None:
    rng = random.Random(5)
    rows = [
        Row(f"u{i:03d}", rng.choice("abc"), rng.choice("xyz"), rng.choice([None, 1, 2]))
        for i in range(200)
    ]
    view = row_view(rows)
    for column in ["group", "score", "name", "group", "score", "flag"]:
        for descending in (False, True):
            view.set_sort(column, descending)
            fresh = row_view(rows, sort=column, descending=descending)
            assert keys(view) == keys(fresh), (column, descending)


def test_unknown_sort_column_raises() -> None:
    with pytest.raises(KeyError):
        row_view().set_sort("nope")


# ---------------------------------------------------------------------------------------------
# Reading


def test_reading_api_and_version() -> None:
    view = row_view([Row("a", "n1", "g"), Row("b", "n2", "g")])
    assert len(view) == 2 and view.total == 2
    assert view.key_at(1) == "b" and view.item_at(0).name == "n1"
    assert view.index_of("b") == 1 and view.index_of("zz") is None
    assert "a" in view and "zz" not in view
    v0, r0 = view.version, view.row_version("a")
    view.upsert([Row("a", "n1", "h")])
    assert view.version > v0 and view.row_version("a") != r0
    assert view.row_version("zz") == -1
    view.set_query("h")
    assert view.keys == ["a"] and view.index_of("b") is None
    assert view.get("b") is not None  # known, just not visible


def test_view_over_a_source_it_does_not_own() -> None:
    source = {"a": Row("a", "n", "g")}
    view = row_view(source=source)
    assert keys(view) == ["a"]
    source["b"] = Row("b", "m", "g")
    assert keys(view) == ["a"]  # nothing changes until refresh
    view.refresh(changed_keys=["b"])
    assert keys(view) == ["b", "a"]
    del source["a"]
    view.refresh(changed_keys=["a"])  # gone from the source: treated as removed
    assert keys(view) == ["b"]
    with pytest.raises(TypeError):
        view.upsert([Row("c", "c", "g")])


def test_items_are_referenced_not_copied() -> None:
    row = Row("a", "n", "g")
    view = row_view([row])
    assert view.item_at(0) is row


# ---------------------------------------------------------------------------------------------
# Scope and filter


def test_scope_and_query_combine() -> None:
    rows = [Row("a", "acme-1", "x"), Row("b", "acme-2", "y"), Row("c", "other", "x")]
    view = row_view(rows)
    view.set_scope(lambda r: r.group == "x")
    assert keys(view) == ["a", "c"]
    view.set_query("acme")
    assert keys(view) == ["a"]
    view.set_scope(None)
    assert keys(view) == ["a", "b"]
    view.set_query("")
    assert keys(view) == ["a", "b", "c"]


def test_query_on_columns_and_errors() -> None:
    rows = [
        Row("a", "alpha", "x", score=0, flag=True),
        Row("b", "beta", "y", score=5, flag=False),
        Row("c", "gamma", "x", score=2, flag=None),
    ]
    view = row_view(rows)
    view.set_query("g:x")
    assert keys(view) == ["a", "c"]
    view.set_query("flag:yes")
    assert keys(view) == ["a"]
    view.set_query("!flag:yes")
    assert keys(view) == ["b", "c"]
    view.set_query("score:>1")
    assert keys(view) == ["b", "c"]
    view.set_query("!g:x score:>1")
    assert keys(view) == ["b"]
    q = view.set_query("nope:1")
    assert q.error is not None and view.filter_error == q.error
    assert keys(view) == []


def test_filtering_is_incremental_and_remembered() -> None:
    rows = [Row(f"u{i}", f"name{i}", "g") for i in range(50)]
    view = row_view(rows)
    results = {}
    for text in ["n", "na", "name", "name1", "name", "name2", "", "!name1"]:
        view.set_query(text)
        results[text] = keys(view)
        fresh = row_view(rows)
        fresh.set_query(text)
        assert keys(view) == keys(fresh), text
    assert len(results["name1"]) == 11


def test_search_text_is_built_lazily_and_warmed() -> None:
    view = row_view([Row(f"u{i}", f"n{i}", "g") for i in range(100)])
    assert view.warm_search(10) > 0
    assert view.warm_search(10_000) == 0
    view.set_query("n5")
    assert len(view) == 11


def test_hostile_text_is_searchable_as_shown() -> None:
    devices = make_devices(20)
    first = next(iter(devices))
    devices[first] = dataclasses.replace(
        devices[first], hostname="[/]evil\x1b]0;x\x07", site_name="[bold]Acme"
    )
    view = device_view(devices)
    view.set_query("[/]")
    assert view.keys == [first]
    view.set_query("site:[bold]")
    assert view.keys == [first]
    # The escape is shown (and found) as the visible ␛ mark.
    view.set_query("␛]0;x")
    assert view.keys == [first]


# ---------------------------------------------------------------------------------------------
# Incremental refresh equals a full recompute


names = st.sampled_from(["ab", "abc", "b", "ba", "cab", "c", "A", "bb", "", "ac"])
groups = st.sampled_from(["x", "y", "z"])
scores = st.one_of(st.none(), st.integers(-3, 3))
flags = st.one_of(st.none(), st.booleans())
uids = st.integers(0, 80).map(lambda i: f"u{i:02d}")
rows_st = st.builds(Row, uids, names, groups, scores, flags)
queries = st.sampled_from(
    ["", "a", "ab", "!b", "g:x", "!g:y", "score:>0", "flag:on", "!flag:on", "a g:z", "c"]
)
steps = st.one_of(
    st.tuples(st.just("upsert"), st.lists(rows_st, max_size=40)),
    st.tuples(st.just("remove"), st.lists(uids, max_size=30)),
    st.tuples(st.just("sort"), st.sampled_from(["name", "group", "score", "flag"]), st.booleans()),
    st.tuples(st.just("query"), queries),
    st.tuples(st.just("scope"), st.one_of(st.none(), groups)),
)


def apply_change(view: TableView[Row], source: dict[str, Row], op: tuple[object, ...]) -> bool:
    """Apply an ``("upsert", rows)`` or ``("remove", uids)`` step to ``source`` and refresh
    ``view`` with it; False for any other step."""
    kind, *args = op
    if kind == "upsert":
        batch = cast(list[Row], args[0])
        for r in batch:
            source[r.uid] = r
        view.refresh(changed_keys=[r.uid for r in batch])
    elif kind == "remove":
        gone = cast(list[str], args[0])
        for k in gone:
            source.pop(k, None)
        view.refresh(removed_keys=gone)
    else:
        return False
    return True


def _scope_for(group: str | None) -> Callable[[Row], bool] | None:
    if group is None:
        return None
    return lambda r: r.group == group


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(rows_st, max_size=80),
    st.lists(steps, max_size=12),
    st.sampled_from([0, 3, 48]),
)
def test_incremental_refresh_equals_full_recompute(
    initial: list[Row], ops: list[tuple[object, ...]], small_change: int
) -> None:
    """Every refresh path (one by one, cut and merge, re-read) ends in the from-scratch order."""
    source: dict[str, Row] = {r.uid: r for r in initial}
    view = row_view(source=source)
    view.small_change = small_change
    sort, descending, query = "name", False, ""
    group: str | None = None
    for op in ops:
        kind, *args = op
        if kind in ("upsert", "remove"):
            apply_change(view, source, op)
        elif kind == "sort":
            sort, descending = cast(str, args[0]), cast(bool, args[1])
            view.set_sort(sort, descending)
        elif kind == "query":
            query = cast(str, args[0])
            view.set_query(query)
        else:
            group = cast("str | None", args[0])
            view.set_scope(_scope_for(group))
        fresh = row_view(source=dict(source), sort=sort, descending=descending)
        fresh.set_scope(_scope_for(group))
        fresh.set_query(query)
        assert keys(view) == keys(fresh), op
        assert view.total == len(source)
        for i, k in enumerate(view.keys):
            assert view.index_of(k) == i
            assert view.get(k) is source[k]


@pytest.mark.parametrize("changed", [3, 50, 400, 3000])
def test_refresh_paths_agree_at_scale(changed: int) -> None:
    """Few changes (binary search), many (merge) and most (re-read) give the same order."""
    rng = random.Random(changed)
    devices = make_devices(5000, seed=3)
    view = device_view(devices, sort="site")
    view.set_query("dc" if changed == 400 else "")
    uids = list(devices)
    sites = sorted({d.site_name or "" for d in devices.values()})
    touched = rng.sample(uids, changed)
    for i, uid in enumerate(touched):
        if i % 5 == 0:
            del devices[uid]
        else:
            # Existing sort values, so re-placed rows land all over the order.
            devices[uid] = dataclasses.replace(devices[uid], site_name=rng.choice(sites))
    for i in range(changed // 10):
        d = make_device(10_000 + i, rng)
        devices[d.uid] = d
        touched.append(d.uid)
    view.refresh(changed_keys=touched)
    fresh = device_view(dict(devices), sort="site")
    fresh.set_query(view.query.text)
    assert view.keys == fresh.keys


@pytest.mark.parametrize(
    ("sort", "descending", "query"), [("hostname", False, ""), ("site", True, "dc")]
)
def test_a_load_page_by_page_matches_the_order_from_scratch(
    sort: str, descending: bool, query: str
) -> None:
    """Rows only arriving, a page at a time (a first load): merged in place into the lists
    the view keeps, the order is the one computed from scratch after every page."""
    devices = make_devices(3000, seed=5)
    source: dict[str, Device] = {}
    view = device_view(source, sort=sort)
    view.set_sort(sort, descending)
    view.set_query(query)
    kept: tuple[list[int], list[int]] | None = None
    uids = list(devices)
    for start in range(0, len(uids), 250):
        page = uids[start : start + 250]
        for uid in page:
            source[uid] = devices[uid]
        view.refresh(changed_keys=page)
        fresh = device_view(dict(source), sort=sort)
        fresh.set_sort(sort, descending)
        fresh.set_query(query)
        assert view.keys == fresh.keys, start
        if kept is None and view.total >= 1000:
            # Past the first pages (each re-read whole): merged into the same lists.
            kept = (view._order, view._visible)
    assert kept is not None and view._order is kept[0] and view._visible is kept[1]


# ---------------------------------------------------------------------------------------------
# Filter correctness on 100k rows


@pytest.fixture(scope="module")
def big() -> dict[str, Device]:
    return make_devices(100_000, seed=9)


def test_filter_on_100k_rows_matches_brute_force(big: dict[str, Device]) -> None:
    """Every query gives exactly the rows that match it, in the unfiltered order."""
    view = device_view(big)
    order = {k: i for i, k in enumerate(view.keys)}
    searchable = [c for c in DEVICE_COLUMNS if c.searchable]
    targeted = [c for c in DEVICE_COLUMNS if c.key in {"site", "online", "os", "type"}]
    hay: dict[str, str] = {}
    fields: dict[str, dict[str, str]] = {}
    for uid, d in big.items():
        hay[uid] = "\x1f".join([c.text(d, EPOCH) for c in searchable]).lower()
        fields[uid] = {c.key: c.text(d, EPOCH).lower() for c in targeted}
    for text in ["acme", "acme d", "site:acme dc-", "!online:yes", "os:2019 !type:server", "zzz"]:
        view.set_query(text)
        query = parse(text, view.field_specs)
        expected = [uid for uid in big if query.matches(hay[uid], fields[uid].__getitem__)]
        expected.sort(key=order.__getitem__)
        assert view.keys == expected, text
        assert len(expected) < len(big)


# ---------------------------------------------------------------------------------------------
# Columns and cells


def test_device_and_alert_views() -> None:
    devices = make_devices(300)
    alerts = make_alerts(devices, 60)
    counts: dict[str, int] = {}
    for a in alerts.values():
        if a.device_uid:
            counts[a.device_uid] = counts.get(a.device_uid, 0) + 1
    dv = device_view(devices, alert_count=lambda uid: counts.get(uid, 0))
    dv.set_sort("alerts")
    top = dv.item_at(0)
    assert counts.get(top.uid, 0) == max(counts.values())
    dv.set_query("alerts:>0")
    assert len(dv) == len(counts)
    av = alert_view(alerts)
    ranks = [av.item_at(i).priority_rank for i in range(len(av))]
    assert ranks == sorted(ranks)
    # Equal priority: newest first.
    same = [av.item_at(i) for i in range(len(av)) if av.item_at(i).priority_rank == ranks[0]]
    stamps = [a.timestamp for a in same]
    assert stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]
    av.set_query("prio:>=high")
    assert {av.item_at(i).priority for i in range(len(av))} <= {"Critical", "High"}


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-30), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(hours=3), "3 h ago"),
        (timedelta(hours=47), "47 h ago"),
        (timedelta(days=12), "12 days ago"),
        (timedelta(days=120), "4 mo ago"),
        (timedelta(days=800), "2 yr ago"),
    ],
)
def test_relative_time(delta: timedelta, text: str) -> None:
    assert relative_time(EPOCH - delta, EPOCH) == text


def test_relative_time_never_and_humanise() -> None:
    assert relative_time(None, EPOCH) == "never"
    assert humanise("FullyPatched") == "Fully patched"
    assert humanise("RunningAndUpToDate") == "Running and up to date"
    assert humanise("NoPolicy") == "No policy"
    assert humanise(None) == ""
    assert humanise("x\x1b[31m") == "x␛[31m"


def test_device_texts_are_neutralised() -> None:
    device = make_device(1, random.Random(1), hostname="a\x1b]0;t\x07b\nc", site_name="[/]")
    cells = {c.key: c.text(device, EPOCH) for c in DEVICE_COLUMNS}
    assert cells["hostname"] == "a␛]0;t�b⏎c"
    assert cells["site"] == "[/]"
    assert all(ch.isprintable() for text in cells.values() for ch in text)


# ---------------------------------------------------------------------------------------------
# The order is the order of the full sort keys, whatever path built it

MIXED_COLUMNS: tuple[Column[Row], ...] = (
    *COLUMNS,
    # Text for some rows, numbers for others: the stable sort by codes alone must not be used.
    Column(
        "mixed",
        "Mixed",
        lambda r, _n: r.name,
        sort_key=lambda r: r.name if r.score is None else r.score,
    ),
)
nul_names = st.sampled_from(["a", "a\0", "a\0b", "ab", "A\0", "", "\0", "b", "a\x01"])
nul_rows = st.builds(Row, uids, nul_names, groups, scores, flags)


def reference_order(source: dict[str, Row], column: Column[Row], descending: bool) -> list[str]:
    """The documented order, from scratch: sort value, then tie (name, case-insensitive), then
    key; missing values last in both directions; descending mirrors the rows with values."""

    def full_key(r: Row) -> str:
        return f"{encode_sort_value(column.sort_value(r))}\0{r.name.lower()}\0{r.uid}"

    ordered = sorted(source.values(), key=full_key)
    present = [r.uid for r in ordered if column.sort_value(r) is not None]
    missing = [r.uid for r in ordered if column.sort_value(r) is None]
    return (present[::-1] if descending else present) + missing


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(nul_rows, max_size=60),
    st.lists(
        st.one_of(
            st.tuples(st.just("upsert"), st.lists(nul_rows, max_size=30)),
            st.tuples(st.just("remove"), st.lists(uids, max_size=20)),
            st.tuples(
                st.just("sort"),
                st.sampled_from(["name", "group", "score", "flag", "mixed"]),
                st.booleans(),
            ),
        ),
        max_size=10,
    ),
    st.sampled_from([0, 48]),
)
def test_order_is_the_order_of_the_full_sort_keys(
    initial: list[Row], ops: list[tuple[object, ...]], small_change: int
) -> None:
    """Texts holding NUL (the tie separator) and columns mixing text and numbers included:
    sorting through the tie order must give what sorting the full keys gives."""
    source: dict[str, Row] = {r.uid: r for r in initial}
    view: TableView[Row] = TableView(
        MIXED_COLUMNS, key=lambda r: r.uid, source=source, tie_key=lambda r: r.name
    )
    view.small_change = small_change
    by_key = {c.key: c for c in MIXED_COLUMNS}
    for op in ops:
        if not apply_change(view, source, op):
            view.set_sort(cast(str, op[1]), cast(bool, op[2]))
        expected = reference_order(source, by_key[view.sort_column], view.descending)
        assert keys(view) == expected, op


def test_bulk_encoding_equals_one_by_one() -> None:
    """The bulk path (repeated values, mostly distinct text, mostly distinct times) gives the
    codes of ``encode_sort_value``, missing values included."""
    from datto_tui.monitor.view import _encode_values

    base = datetime(2024, 5, 1, tzinfo=UTC)
    samples: list[list[object]] = [
        ["b", None, "a", "b", "b", None],
        [f"Host-{i}" for i in range(50)] + [None],
        [base + timedelta(seconds=i * 7.5) for i in range(50)] + [None],
        [True, False, None, True, 1, 0.5, -3],
        [None, None],
    ]
    for values in samples:
        codes, _kind = _encode_values(values)  # type: ignore[arg-type]
        assert codes == [encode_sort_value(v) for v in values]  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-5, 5))),
        st.lists(
            st.one_of(
                st.none(),
                st.floats(min_value=0, allow_infinity=True),
                st.sampled_from([-0.0, 0.0, 1.5]),
            )
        ),
        st.lists(
            st.one_of(
                st.none(),
                st.datetimes(
                    min_value=datetime(1971, 1, 1),
                    max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC),
                ),
            )
        ),
    )
)
def test_bulk_numbers_sort_like_their_codes(values: list[object]) -> None:
    """Numbers and times encoded in bulk give the one-by-one codes, and the floats handed back
    for sorting (when they are) put rows in the order the codes do, ties included."""
    from datto_tui.monitor.view import _encode_values

    numbers: list[float] = []
    codes, _kind = _encode_values(values, numbers)  # type: ignore[arg-type]
    assert codes == [encode_sort_value(v) for v in values]  # type: ignore[arg-type]
    if numbers:
        assert len(numbers) == len(values)
        slots = list(range(len(values)))
        assert sorted(slots, key=numbers.__getitem__) == sorted(slots, key=codes.__getitem__)


def test_ip_addresses_sort_numerically_and_odd_forms_after() -> None:
    addresses = ["10.0.0.10", "fe80::1", "9.255.255.255", "10.0.0.9", None, "010.0.0.1", "10.1"]
    devices = {
        f"d{i}": make_device(i, random.Random(i), uid=f"d{i}", int_ip_address=a)
        for i, a in enumerate(addresses)
    }
    view = device_view(devices)
    view.set_sort("int_ip")
    shown = [devices[k].int_ip_address for k in view.keys]
    assert shown == ["9.255.255.255", "10.0.0.9", "10.0.0.10", "010.0.0.1", "10.1", "fe80::1", None]


def test_index_of_right_after_a_sort_in_both_directions() -> None:
    """Just after a sort the full keys are not built: rows are found by their code's run."""
    devices = make_devices(400, seed=21)
    view = device_view(devices)
    sample = list(devices)[::7]
    for column in view.columns:
        for descending in (False, True):
            view.set_sort(column.key, descending)
            shown = view.keys
            assert [view.index_of(k) for k in sample] == [shown.index(k) for k in sample]
    assert view.index_of("no such device") is None


# Not canonical dotted quads (each must sort as text), and one that is: "0" + ".0" * 3.
ODD_ADDRESSES: tuple[str, ...] = (
    "010.0.0.1",
    "10.1",
    "fe80::1",
    "1.2.3.4 ",
    "0x0a.0.0.1",
    "a\0b",
    "1.2.3",
)
ODD_ADDRESSES += ("1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4\n5.6.7.8", "5", "0" + ".0" * 3)


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(""),
            st.ip_addresses(v=4).map(str),
            st.sampled_from(ODD_ADDRESSES),
        )
    )
)
def test_ip_sort_keys_in_bulk_equal_one_by_one(addresses: list[str | None]) -> None:
    from datto_tui.monitor.view import _ip_sort, _ip_sorts

    assert _ip_sorts(addresses) == [_ip_sort(a) for a in addresses]


def test_big_columns_are_encoded_like_small_ones_and_repeats_share_strings() -> None:
    """Past a few thousand values a sample decides whether to look for repeats: the codes are
    the same either way, and a column of repeated values still shares one string per value."""
    from datto_tui.monitor.view import _encode_values

    rng = random.Random(4)
    distinct: list[object] = [f"Host-{rng.getrandbits(40):x}" for _ in range(9000)] + [None]
    repeated: list[object] = [f"Site {rng.randrange(300)}" for _ in range(9000)] + [None]
    for values in (distinct, repeated):
        codes, kind = _encode_values(values)  # type: ignore[arg-type]
        assert codes == [encode_sort_value(v) for v in values]  # type: ignore[arg-type]
        assert kind == "text"
    codes, _kind = _encode_values(repeated)  # type: ignore[arg-type]
    assert len({id(c) for c in codes}) <= 301
