"""Sorted, scoped and filtered row order for big tables (100k devices), without Textual.

A :class:`TableView` keeps the *order* of rows, never a copy of them: items are read from a
mapping owned by someone else (the :class:`~datto_tui.monitor.store.Store`'s ``devices``), or
from a dict the view owns when none is given. For every row it caches three small things, each
held in a list indexed by a dense slot number (lists of slots are cheaper to sort and filter
than dicts of keys):

- the sort key of the current sort column, as one string (value, tie-breaker, key) so that a
  100k-row sort is a single C-level ``list.sort``;
- the lowercase search text of the searchable columns (built lazily: only when a filter needs
  it, or ahead of time in small chunks through :meth:`TableView.warm_search`);
- whether the row is inside the scope (e.g. the selected site).

Ordering contract: rows are ordered by the sort column (strings case-insensitively), ties by
``tie_key`` then by key, so the order is total and deterministic. Rows whose sort value is
missing (``None``) come last in both directions. Descending order is the exact mirror of
ascending for rows with a value (ties included).

Change contract: whoever changes the source calls :meth:`TableView.refresh` with the keys that
changed (or were removed); nothing is read from the source until then, so the view is always
consistent with itself. A few changed rows are moved one by one (binary search, one memmove
each); more are cut out and merged back in by slicing (O(k log n) compares, a few O(n) copies);
when most rows changed the view re-reads the source; ``refresh()`` with no arguments always
does. :attr:`TableView.version` moves on every change that can alter what is shown, and
:meth:`TableView.row_version` tells which rows changed content.

Text contract: :attr:`Column.text` returns text already neutralised by
:func:`datto_tui.text.clean_line`; widgets show it as plain text, never as markup.
"""

from __future__ import annotations

import re
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import compress, repeat
from operator import add, attrgetter, contains, is_, not_
from socket import inet_aton, inet_ntoa
from typing import Generic, Literal, TypeVar

from datto_tui.api.models import PRIORITIES, Alert, Device, priority_rank
from datto_tui.clock import Clock, SystemClock
from datto_tui.monitor.query import FIELD_SEPARATOR, FieldKind, FieldSpec, Query, Term, parse
from datto_tui.text import clean_line

T = TypeVar("T")

Align = Literal["left", "right", "center"]
SortValue = str | int | float | datetime | None

_PRESENT = "0"
_MISSING = "1"
_DOUBLE = struct.Struct(">d")
# Byte maps: the top bit flipped (positive numbers), every bit flipped (negative ones).
_FLIP_SIGN = bytes(b ^ 0x80 for b in range(256))
_FLIP_ALL = bytes(b ^ 0xFF for b in range(256))
_INF = float("inf")
_SAMPLE = 2048  # values looked at to guess whether a column's values repeat
# Up to this many changed rows a refresh moves rows one by one (one memmove each); beyond it,
# it cuts and merges the lists in slices (a few O(n) copies whatever the count).
_SMALL_CHANGE = 48
_QUERY_MEMO = 16
_SORT_KEY_CACHE = 3
_NOT = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def _number_bytes(value: float) -> bytes:
    """Eight bytes whose order is the numeric order: the IEEE 754 double, big-endian, with the
    sign bit flipped for positive numbers and every bit flipped for negative ones. -0.0 is
    0.0; NaN sorts as infinity."""
    if value != value:
        value = _INF
    raw = _DOUBLE.pack(value + 0.0)
    if raw[0] & 0x80:
        return raw.translate(_FLIP_ALL)
    return raw[:1].translate(_FLIP_SIGN) + raw[1:]


def _encode_number(value: float) -> str:
    """:func:`_number_bytes` as eight Latin-1 characters."""
    return _number_bytes(value).decode("latin-1")


def _as_float(value: float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too big for a double: pinned to the end it is nearer
        return _INF if value > 0 else -_INF


def encode_sort_value(value: SortValue) -> str:
    """The sortable string of one sort value; ``None`` sorts after every value."""
    if value is None:
        return _MISSING
    if isinstance(value, str):
        return _PRESENT + value.lower()
    if isinstance(value, datetime):
        return _PRESENT + _encode_number(value.timestamp())
    return _PRESENT + _encode_number(_as_float(value))


def _encode_floats(numbers: list[float]) -> list[str] | None:
    """``_PRESENT + _encode_number(x)`` of every number, in a few C-level passes; None when
    a number is negative (-0.0 included) or NaN: the caller encodes them one by one."""
    n = len(numbers)
    total = sum(numbers)
    if not n or total != total:  # a NaN makes the sum NaN
        return None
    packed = struct.pack(f">{n}d", *numbers)
    signs = packed[0::8]
    if max(signs) & 0x80:
        return None
    # Interleave a _PRESENT byte before every eight-byte number, flip the sign bits, and cut
    # the decoded text into nine-character codes.
    woven = bytearray(9 * n)
    woven[0::9] = _PRESENT.encode() * n
    woven[1::9] = signs.translate(_FLIP_SIGN)
    for j in range(1, 8):
        woven[j + 1 :: 9] = packed[j::8]
    text = woven.decode("latin-1")
    return [text[i : i + 9] for i in range(0, 9 * n, 9)]


def _likely_repeated(values: list[SortValue]) -> bool:
    """Whether ``values`` may repeat enough to encode each distinct one once: always checked
    for a few thousand values; for more, a sample of about 2,000 must show repeats (a set of
    100k distinct host names costs 12 ms, and a sort by them is expected within 150)."""
    n = len(values)
    if n <= _SAMPLE * 2:
        return True
    sample = values[:: n // _SAMPLE]
    # A sample shows far fewer repeats than the whole (5,000 names among 100k rows: 82 % of a
    # sample distinct): any repeat beyond one in fifty counts.
    return len(set(sample)) * 50 < len(sample) * 49


def _encode_values(
    values: list[SortValue], numbers: list[float] | None = None
) -> tuple[list[str], str | None]:
    """``encode_sort_value`` of each value (the same strings), faster for many values, and
    what kind of codes they are (see :func:`_code_kind`).

    Repeated values (a site, an OS, a count) are encoded once each and share one string
    (see :func:`_likely_repeated`).
    Mostly distinct times and numbers are encoded in bulk (times never go through a set:
    hashing 100k aware datetimes costs more than encoding them); mostly distinct text is
    lowercased in one pass. ``numbers``: when given and the values were encoded in bulk as
    numbers, it receives each value as a float (infinity for a missing one) *if* those floats
    order the rows exactly as the codes do; it is left empty otherwise.
    """
    first = next((v for v in values if v is not None), None)
    if not isinstance(first, datetime) and _likely_repeated(values):
        distinct = set(values)
        if len(distinct) * 2 <= len(values):
            kinds = set(map(type, distinct))
            kinds.discard(type(None))
            codes_of = {v: encode_sort_value(v) for v in distinct}
            return list(map(codes_of.__getitem__, values)), _code_kind(kinds, codes_of.values())
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds == {str}:
        texts = [_MISSING if v is None else _PRESENT + v.lower() for v in values]  # type: ignore[union-attr]
        return texts, _code_kind(kinds, texts)
    if kinds == {datetime} or (kinds and kinds <= {int, float, bool}):
        # A missing value stands in as infinity for the bulk pass, then gets its own code.
        floats: list[float] | None
        try:
            if kinds == {datetime}:
                floats = [_INF if v is None else v.timestamp() for v in values]  # type: ignore[union-attr]
            else:
                floats = [_INF if v is None else float(v) for v in values]  # type: ignore[arg-type]
        except OverflowError:
            floats = None
        codes = _encode_floats(floats) if floats is not None else None
        if floats is not None and codes is not None:
            missing = list(compress(range(len(values)), map(is_, values, repeat(None))))
            for i in missing:
                codes[i] = _MISSING
            if numbers is not None and floats.count(_INF) == len(missing):
                # Missing values sort last as infinity does: when no value is infinite.
                numbers.extend(floats)
            return codes, "number"
    encoded = list(map(encode_sort_value, values))
    return encoded, _code_kind(kinds, encoded)


def _code_kind(kinds: set[type], codes: Iterable[str]) -> str | None:
    """What the codes of values of the types ``kinds`` (``None``'s left out) are, for the
    stable sort (see ``TableView._arranged_all``): ``"text"`` (no code holds a NUL, the tie
    separator), ``"number"`` (times and numbers: codes of one width), ``""`` (no value), or
    ``None`` when a code could be a proper prefix of another followed by a NUL (text with
    NUL, or text mixed with other values)."""
    if not kinds:
        return ""
    if str not in kinds:
        return "number"
    if kinds != {str} or "\0" in "".join(codes):
        return None
    return "text"


def _merge_kinds(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    if not a or not b:
        return a or b
    return a if a == b else None


def _keep(kept: list[int], merged: list[int]) -> None:
    """Make ``kept`` hold ``merged`` (nothing to do when it is the same list)."""
    if merged is not kept:
        kept[:] = merged


def _no_style(_item: object) -> str | None:
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Column(Generic[T]):
    """One column of a table.

    - ``text(item, now)``: the cell text, neutralised, cheap (it runs for visible rows, and once
      per row for the search text when ``searchable``). ``now`` is the widget clock's time,
      for relative times.
    - ``sort_key(item)``: a str/int/float/datetime or ``None`` (missing: sorts last); defaults
      to the cell text (computed with the Unix epoch as ``now``). ``sort_keys(items)``:
      optional, the same values for many items at once, for a key that is costly one by one.
    - ``width``: minimum width in cells; ``grow`` > 0 lets it take a share of spare width, up to
      ``max_width`` (``None``: no cap). ``priority``: when the table is too narrow, columns with
      the highest ``priority`` number are hidden first.
    - ``style(item)``: a style *name* (``"severity-critical"``, ``"offline"``) or ``None``; the
      widget maps it to a component class, never to a colour here.
    - ``searchable``: part of the plain-text search (relative times are not: they go stale).
    - ``kind``/``bool_texts``/``ranks``: how ``column:value`` filters read this column
      (see :mod:`datto_tui.monitor.query`).
    - ``descending_first``: the first click on this column sorts descending.
    """

    key: str
    title: str
    text: Callable[[T, datetime], str]
    sort_key: Callable[[T], SortValue] | None = None
    sort_keys: Callable[[list[T]], list[SortValue]] | None = None
    width: int = 10
    max_width: int | None = None
    grow: int = 0
    priority: int = 50
    align: Align = "left"
    aliases: tuple[str, ...] = ()
    style: Callable[[T], str | None] | None = None
    searchable: bool = True
    kind: FieldKind = "text"
    bool_texts: tuple[str, str] = ("yes", "no")
    ranks: tuple[str, ...] = ()
    descending_first: bool = False

    def field_spec(self) -> FieldSpec:
        return FieldSpec(self.key, self.aliases, self.kind, self.bool_texts, self.ranks)

    def sort_value(self, item: T) -> SortValue:
        if self.sort_key is not None:
            return self.sort_key(item)
        return self.text(item, _EPOCH)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TableView(Generic[T]):
    """The visible, ordered keys of a table over a mapping of items (see module docstring).

    ``key(item)`` gives an item's key (used by :meth:`upsert`/:meth:`set_items` when the view
    owns its items). ``source`` is a live mapping owned elsewhere, or ``None`` for an owned dict.
    ``tie_key(item)`` orders rows with equal sort values (then the key does).
    """

    def __init__(
        self,
        columns: Sequence[Column[T]],
        *,
        key: Callable[[T], str],
        source: Mapping[str, T] | None = None,
        tie_key: Callable[[T], str] | None = None,
        sort: str | None = None,
        descending: bool = False,
        row_style: Callable[[T], str | None] | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not columns:
            raise ValueError("a table needs at least one column")
        self.columns: tuple[Column[T], ...] = tuple(columns)
        self._by_key = {c.key: c for c in self.columns}
        if len(self._by_key) != len(self.columns):
            raise ValueError("column keys must be unique")
        self._specs = tuple(c.field_spec() for c in self.columns)
        self._searchable = tuple(c for c in self.columns if c.searchable)
        self._search_columns = frozenset(c.key for c in self._searchable)
        self.key_of = key
        self._owned: dict[str, T] | None = None
        if source is None:
            self._owned = {}
            source = self._owned
        self._source: Mapping[str, T] = source
        self._tie = tie_key
        self.row_style: Callable[[T], str | None] = row_style or _no_style
        self.clock: Clock = clock or SystemClock()
        self._sort_column = self._by_key[sort] if sort is not None else self.columns[0]
        self._descending = descending
        self._scope: Callable[[T], bool] | None = None
        self._query = Query("")
        # Per slot: key, item, tie suffix of the sort keys, sort keys per column (the current
        # one plus a few recent ones), search text (None: not built yet; "" for a free slot),
        # lowercase texts of columns used by column filters, row version, scope flag, and
        # whether the slot waits in _hay_pending.
        self._slot: dict[str, int] = {}
        self._keys: list[str | None] = []
        self._items: list[T | None] = []
        self._tail: list[str] = []
        self._prefix_lists: dict[str, list[str]] = {}
        self._kinds: dict[str, str | None] = {}  # per cached column: see _code_kind
        # Full sort keys (prefix + tail) per slot, built when first needed after a sort: only
        # placing rows one by one needs them, and a sort is quicker without building 100k.
        self._sk: list[str] | None = None
        # Live slots in tail order (tie, then key), built by the first full sort and kept up
        # to date from then on: a stable sort of it by the encoded values alone is the order by
        # the full sort keys, and much cheaper (short, shared strings; long equal runs).
        self._by_tie: list[int] | None = None
        self._hay: list[str | None] = []
        self._col_texts: dict[str, list[str | None]] = {}
        self._ver: list[int] = []
        self._in_scope = bytearray()
        self._queued = bytearray()
        self._free: list[int] = []
        self._hay_pending: list[int] = []
        # Orders: lists of slots.
        self._order: list[int] = []
        self._visible: list[int] = []
        self._base: list[int] | None = None  # _order restricted to the scope, cached
        self._memo: dict[str, list[int]] = {}
        self._keys_cache: list[str] | None = None
        self._version = 0
        self._generation = 0
        #: Up to this many changed rows, a refresh moves rows one by one (tuning knob).
        self.small_change = _SMALL_CHANGE
        self.refresh()

    # ------------------------------------------------------------------------------------------
    # Reading

    def __len__(self) -> int:
        """Number of visible rows (after scope and filter)."""
        return len(self._visible)

    @property
    def total(self) -> int:
        """Number of rows known to the view (before scope and filter)."""
        return len(self._order)

    @property
    def version(self) -> int:
        """Moves whenever the visible rows, their order or any row's content may have changed."""
        return self._version

    @property
    def keys(self) -> list[str]:
        """The visible keys in order (a list built on demand; do not mutate it)."""
        if self._keys_cache is None:
            self._keys_cache = list(map(self._keys.__getitem__, self._visible))  # type: ignore[arg-type]
        return self._keys_cache

    @property
    def source(self) -> Mapping[str, T]:
        return self._source

    def key_at(self, index: int) -> str:
        """The key of visible row ``index`` (IndexError when out of range)."""
        key = self._keys[self._visible[index]]
        assert key is not None
        return key

    def item_at(self, index: int) -> T:
        """The item shown at visible row ``index`` as of the last refresh."""
        item = self._items[self._visible[index]]
        assert item is not None
        return item

    def get(self, key: str) -> T | None:
        """The item of ``key`` as of the last refresh, visible or not."""
        slot = self._slot.get(key)
        return None if slot is None else self._items[slot]

    def __contains__(self, key: object) -> bool:
        """Whether the view knows ``key`` (visible or not)."""
        return key in self._slot

    def index_of(self, key: str) -> int | None:
        """The visible position of ``key``, or ``None`` (O(log n); no index is built)."""
        slot = self._slot.get(key)
        if slot is None:
            return None
        return self._find(self._visible, slot)

    def row_version(self, key: str) -> int:
        """A number that changes whenever the row's content changes (-1 for unknown keys)."""
        slot = self._slot.get(key)
        return -1 if slot is None else self._ver[slot]

    def column(self, key: str) -> Column[T]:
        return self._by_key[key]

    @property
    def field_specs(self) -> tuple[FieldSpec, ...]:
        return self._specs

    def now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------------------------------------
    # Sorting

    @property
    def sort_column(self) -> str:
        return self._sort_column.key

    @property
    def descending(self) -> bool:
        return self._descending

    def set_sort(self, column: str, descending: bool | None = None) -> None:
        """Sort by ``column`` (KeyError if unknown). ``descending=None`` keeps the direction
        when the column is unchanged and uses the column's ``descending_first`` otherwise.

        The sort keys of the last few columns stay cached, so switching back costs one
        ``list.sort``; switching direction costs a reversal.
        """
        col = self._by_key[column]
        if descending is None:
            descending = self._descending if col is self._sort_column else col.descending_first
        if col is self._sort_column:
            if descending != self._descending:
                self._descending = descending
                self._flip(self._order)
                self._flip(self._visible)
                self._invalidate_lists()
                self._bump()
            return
        self._sort_column = col
        self._descending = descending
        prefixes = self._prefix_lists.pop(col.key, None)
        numbers: list[float] = []
        if prefixes is None:
            live = self._live_slots()
            encoded = self._encode(col, live, fresh=True, numbers=numbers)
            if not self._free:
                prefixes = encoded
            else:
                prefixes = [""] * len(self._keys)
                for slot, prefix in zip(live, encoded, strict=True):
                    prefixes[slot] = prefix
                if numbers:
                    by_slot = [_INF] * len(self._keys)
                    for slot, number in zip(live, numbers, strict=True):
                        by_slot[slot] = number
                    numbers = by_slot
        self._prefix_lists[col.key] = prefixes  # most recent last
        while len(self._prefix_lists) > _SORT_KEY_CACHE:
            dropped = next(iter(self._prefix_lists))
            self._prefix_lists.pop(dropped)
            self._kinds.pop(dropped, None)
        self._sk = None
        visible = self._visible
        self._order = order = self._arranged_all(self._order, numbers or None)
        if len(visible) == len(order):
            self._visible = order[:]
        else:
            # The visible rows in the new order: picked out of it, no sort of their own.
            shown = bytearray(len(self._keys))
            for slot in visible:
                shown[slot] = 1
            self._visible = list(compress(order, map(shown.__getitem__, order)))
        self._invalidate_lists()
        self._bump()

    def toggle_direction(self) -> None:
        self.set_sort(self._sort_column.key, not self._descending)

    def _live_slots(self) -> list[int]:
        if not self._free:
            return list(range(len(self._keys)))
        return [s for s, k in enumerate(self._keys) if k is not None]

    def _encode(
        self,
        col: Column[T],
        slots: list[int],
        *,
        fresh: bool = False,
        numbers: list[float] | None = None,
    ) -> list[str]:
        """The encoded sort values of ``col`` for ``slots`` (sort keys without the tie suffix);
        notes whether the column allows the stable sort by them (see :meth:`_arranged_all`):
        ``fresh`` when ``slots`` are every live row, so the note starts over. ``numbers``: see
        :func:`_encode_values`."""
        items = self._items
        if col.sort_keys is not None:
            values = col.sort_keys(list(map(items.__getitem__, slots)))  # type: ignore[arg-type]
        elif col.sort_key is not None:
            values = list(map(col.sort_key, map(items.__getitem__, slots)))  # type: ignore[arg-type]
        else:
            text = col.text
            values = [text(items[s], _EPOCH) for s in slots]  # type: ignore[arg-type]
        encoded, kind = _encode_values(values, numbers)
        self._kinds[col.key] = kind if fresh else _merge_kinds(self._kinds.get(col.key), kind)
        return encoded

    def _full_keys(self) -> list[str]:
        """Every slot's full sort key (current column's code + tail), built on first use."""
        sk = self._sk
        if sk is None:
            sk = self._sk = list(map(add, self._prefix_lists[self._sort_column.key], self._tail))
        return sk

    def _before(self, a: str, b: str) -> bool:
        """Whether sort key ``a`` comes before ``b`` in display order."""
        if not self._descending:
            return a < b
        a_present = a < _MISSING
        if a_present != (b < _MISSING):
            return a_present
        return a > b if a_present else a < b

    def _locate(self, slots: list[int], sort_key: str, *, tie: bool = False) -> int:
        """First position in ``slots`` (display order) not before ``sort_key``; with ``tie``,
        in the tie order (``slots`` ascending by tail, ``sort_key`` a tail)."""
        if tie:
            return bisect_left(slots, sort_key, key=self._tail.__getitem__)
        return self._bisect(slots, sort_key, self._full_keys())

    def _bisect(
        self, slots: list[int], value: str, keys: list[str], lo: int = 0, *, after: bool = False
    ) -> int:
        """First position from ``lo`` in ``slots`` (display order by ``keys``: full keys or
        codes) whose key is not before ``value``; with ``after``, whose key comes after it."""
        if not self._descending:
            find = bisect_right if after else bisect_left
            return find(slots, value, lo=lo, key=keys.__getitem__)
        hi = len(slots)
        before = self._before
        while lo < hi:
            mid = (lo + hi) // 2
            key = keys[slots[mid]]
            if (not before(value, key)) if after else before(key, value):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _find(self, slots: list[int], slot: int, *, tie: bool = False) -> int | None:
        """The position of ``slot`` in ``slots`` (display order, or tie order with ``tie``),
        or None."""
        if not tie and self._sk is None and self._kinds.get(self._sort_column.key) is not None:
            return self._find_by_code(slots, slot)
        sk = self._tail if tie else self._full_keys()
        sort_key = sk[slot]
        i = self._locate(slots, sort_key, tie=tie)
        n = len(slots)
        # Sort keys are unique unless keys contain NUL; step over equal ones to be safe.
        while i < n and sk[slots[i]] == sort_key:
            if slots[i] == slot:
                return i
            i += 1
        return None

    def _find_by_code(self, slots: list[int], slot: int) -> int | None:
        """:meth:`_find` without the full keys (just after a sort, before they are built), for
        a column whose codes sort stably: the rows sharing a code are one run of the display
        order, found by binary search on the codes, then searched in C. A run can be long (a
        status column), so the refresh paths build the full keys instead of using this."""
        codes = self._prefix_lists[self._sort_column.key]
        code = codes[slot]
        lo = self._bisect(slots, code, codes)
        hi = self._bisect(slots, code, codes, lo, after=True)
        try:
            return slots.index(slot, lo, hi)
        except ValueError:
            return None

    def _present_count(self, slots: list[int]) -> int:
        """How many leading rows have a sort value (missing ones are always at the end)."""
        prefixes = self._prefix_lists[self._sort_column.key]
        lo, hi = 0, len(slots)
        while lo < hi:
            mid = (lo + hi) // 2
            if prefixes[slots[mid]] < _MISSING:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _arrange(self, slots: list[int]) -> None:
        """Sort ``slots`` into display order in place (near-sorted input costs about O(n))."""
        get = self._full_keys().__getitem__
        slots.sort(key=get)
        self._mirror(slots)

    def _arrange_tie(self, slots: list[int]) -> None:
        """Sort ``slots`` into tie order (ascending tails) in place."""
        slots.sort(key=self._tail.__getitem__)

    def _mirror(self, slots: list[int]) -> None:
        """Turn an ascending list into display order (descending: rows with values reversed)."""
        if self._descending:
            prefixes = self._prefix_lists[self._sort_column.key]
            n = bisect_left(slots, _MISSING, key=prefixes.__getitem__)
            slots[:n] = slots[:n][::-1]

    def _arranged_all(
        self, hint: list[int] | None = None, numbers: list[float] | None = None
    ) -> list[int]:
        """Every live slot in display order.

        A stable sort of the slots in tie order by the encoded values alone gives the order of
        the full keys whenever no encoded value of the column can be a proper prefix of another
        followed by the tie separator (one kind of value, text without NUL: see
        :func:`_code_kind`); otherwise the full keys are sorted. ``hint``: every live slot in
        some order, where the tie order starts when it has to be built (an order close to it
        is cheaper to sort). ``numbers``: per slot, floats in the order of the current codes
        (see :func:`_encode_values`), sorted by instead: cheaper to compare than codes.
        """
        col = self._sort_column.key
        stable = self._kinds.get(col) is not None
        by_tie = self._by_tie
        if not stable or by_tie is None:
            start = hint[:] if hint is not None else self._live_slots()
            if not stable:
                self._arrange(start)
                return start
            self._arrange_tie(start)
            by_tie = self._by_tie = start
        keys = numbers if numbers is not None else self._prefix_lists[col]
        order = sorted(by_tie, key=keys.__getitem__)
        self._mirror(order)
        return order

    def _flip(self, slots: list[int]) -> None:
        """Switch a display-ordered list between directions (rows with values only)."""
        n = self._present_count(slots)
        slots[:n] = slots[:n][::-1]

    # ------------------------------------------------------------------------------------------
    # Scope and filter

    @property
    def query(self) -> Query:
        return self._query

    @property
    def filter_error(self) -> str | None:
        """``invalid filter: ...`` when part of the current filter was read as plain text."""
        return self._query.error

    def set_scope(self, predicate: Callable[[T], bool] | None) -> None:
        """Show only items for which ``predicate`` is true (``None``: every item)."""
        self._scope = predicate
        if predicate is None:
            self._in_scope = bytearray(b"\x01") * len(self._keys)
        else:
            self._in_scope = bytearray(
                0 if item is None else 1 if predicate(item) else 0 for item in self._items
            )
        self._invalidate_lists()
        self._visible = self._filter(self._scoped(), self._query)
        self._bump()

    def set_query(self, text: str) -> Query:
        """Filter with ``text`` (see :mod:`datto_tui.monitor.query`); returns the parsed query.

        Narrowing edits filter the previous result; recent results are remembered until the
        data, the scope or the sort change, so deleting characters is cheap too.
        """
        query = parse(text, self._specs)
        previous = self._query
        self._query = query
        if query.terms == previous.terms:
            return query
        memo_key = repr(query.terms)
        cached = self._memo.get(memo_key)
        if cached is not None:
            self._visible = cached
        elif query.is_empty:
            self._visible = self._scoped()[:]
        elif not previous.is_empty and query.narrows(previous):
            self._visible = self._filter(self._visible, query)
        else:
            self._visible = self._filter(self._scoped(), query)
        if len(self._memo) >= _QUERY_MEMO:
            self._memo.pop(next(iter(self._memo)))
        self._memo[memo_key] = self._visible
        self._keys_cache = None
        self._bump()
        return query

    def _scoped(self) -> list[int]:
        """All rows in scope, in display order (read-only; cached until the next change)."""
        if self._scope is None:
            return self._order
        if self._base is None:
            self._base = list(compress(self._order, map(self._in_scope.__getitem__, self._order)))
        return self._base

    def _filter(self, slots: list[int], query: Query) -> list[int]:
        """A new list of the rows of ``slots`` matching ``query``, in the same order."""
        rows = slots
        every = self._order
        for term in query.terms:
            if not rows:
                break
            column = term.field
            if column is None or (
                column in self._search_columns and term.op == "contains" and not term.negate
            ):
                # For a column term, the row's search text holds the column's text: a cheap
                # first pass before looking at the column itself.
                whole = len(rows) * 3 >= len(every)
                self._ensure_search_text(every if whole else rows)
                rows = _select(rows, self._hay, term, whole)  # type: ignore[arg-type]
            if column is not None and rows:
                whole = len(rows) * 3 >= len(every)
                texts = self._column_texts(column, every if whole else rows)
                rows = _select(rows, texts, term, whole)
        return rows[:] if rows is slots else rows

    def _column_texts(self, column_key: str, rows: list[int]) -> list[str]:
        """Lowercase texts of one column by slot, built for ``rows`` where missing."""
        texts = self._col_texts.get(column_key)
        if texts is None:
            texts = self._col_texts[column_key] = [None] * len(self._keys)
            for slot in self._free:
                texts[slot] = ""
            missing = rows
        else:
            missing = list(compress(rows, map(is_, map(texts.__getitem__, rows), repeat(None))))
        if missing:
            text = self._by_key[column_key].text
            now = self.now()
            items = self._items
            shared: dict[str, str] = {}
            for slot in missing:
                value = text(items[slot], now).lower()  # type: ignore[arg-type]
                texts[slot] = shared.setdefault(value, value)
        return texts  # type: ignore[return-value]

    def _matches(self, slot: int) -> bool:
        if not self._in_scope[slot]:
            return False
        query = self._query
        if query.is_empty:
            return True
        hay = self._hay[slot]
        if hay is None:
            hay = self._hay[slot] = self._search_text(self._items[slot])  # type: ignore[arg-type]
        return query.matches(hay, lambda column: self._column_texts(column, [slot])[slot])

    # ------------------------------------------------------------------------------------------
    # Search text

    def _search_text(self, item: T) -> str:
        return FIELD_SEPARATOR.join([c.text(item, _EPOCH) for c in self._searchable]).lower()

    def _ensure_search_text(self, slots: list[int]) -> None:
        if not self._hay_pending:
            return
        hay, items, make = self._hay, self._items, self._search_text
        missing = list(compress(slots, map(is_, map(hay.__getitem__, slots), repeat(None))))
        for slot in missing:
            hay[slot] = make(items[slot])  # type: ignore[arg-type]
        if len(slots) >= len(self._order):
            self._hay_pending.clear()
            self._queued = bytearray(len(self._keys))

    def warm_search(self, budget: int = 2000) -> int:
        """Build the search text of up to ``budget`` rows ahead of the first filter.

        Returns how many rows may still lack it (0: done). Meant to be called in small chunks
        while the UI is idle, so the first keystroke does not pay for 100k rows at once.
        """
        pending, hay, items, make = self._hay_pending, self._hay, self._items, self._search_text
        queued = self._queued
        while pending and budget > 0:
            slot = pending.pop()
            queued[slot] = 0
            if hay[slot] is None and self._keys[slot] is not None:
                hay[slot] = make(items[slot])  # type: ignore[arg-type]
                budget -= 1
        return len(pending)

    def warm_column(self, column_key: str, budget: int = 2000) -> int:
        """Build the lowercase text of one column (what ``column:value`` filters test) for up to
        ``budget`` rows ahead of the first such filter; like :meth:`warm_search`, meant for small
        idle steps. Returns how many rows may still lack it (0: done). KeyError if unknown."""
        if column_key not in self._by_key:
            raise KeyError(column_key)
        texts: Sequence[str | None] | None = self._col_texts.get(column_key)
        if texts is None:
            texts = self._column_texts(column_key, [])
        missing = list(compress(range(len(texts)), map(is_, texts, repeat(None))))
        if missing:
            self._column_texts(column_key, missing[:budget])
        return max(0, len(missing) - budget)

    # ------------------------------------------------------------------------------------------
    # Changes

    def refresh(
        self,
        changed_keys: Iterable[str] | None = None,
        removed_keys: Iterable[str] | None = None,
    ) -> None:
        """Apply changes of the source.

        ``changed_keys``: keys added or updated (a key missing from the source counts as
        removed). ``removed_keys``: keys gone (a key still in the source counts as changed).
        With neither, everything is re-read from the source.
        """
        source = self._source
        if changed_keys is None and removed_keys is None:
            self._rebuild()
            return
        changed: list[str] = []
        removed: list[str] = []
        for k in changed_keys or ():
            (changed if k in source else removed).append(k)
        for k in removed_keys or ():
            (changed if k in source else removed).append(k)
        changed = list(dict.fromkeys(changed))
        removed = [k for k in dict.fromkeys(removed) if k in self._slot]
        count = len(changed) + len(removed)
        if count == 0:
            return
        if count * 4 > len(self._order) and self._query.is_empty:
            # Most rows changed and no search text is needed now: re-reading is cheapest.
            self._rebuild()
            return
        if count <= self.small_change:
            self._apply_small(changed, removed)
        else:
            self._apply_batch(changed, removed)
        self._invalidate_lists()
        self._bump()

    def _rebuild(self) -> None:
        """Re-read every row from the source (slots renumbered densely)."""
        source = self._source
        keys: list[str | None] = list(source)
        items: list[T | None] = list(source.values())  # same order as the keys
        n = len(keys)
        self._slot = dict(zip(keys, range(n), strict=True))  # type: ignore[arg-type]
        self._keys, self._items, self._free = keys, items, []
        tie = self._tie
        if tie is None:
            self._tail = [f"\0\0{k}" for k in keys]
        else:
            ties = map(str.lower, map(tie, items))  # type: ignore[arg-type]
            self._tail = [f"\0{t}\0{k}" for t, k in zip(ties, keys, strict=True)]
        live = list(range(n))
        col = self._sort_column
        self._kinds = {}
        numbers: list[float] = []
        prefixes = self._encode(col, live, fresh=True, numbers=numbers)
        self._prefix_lists = {col.key: prefixes}
        self._sk = None
        self._by_tie = None
        self._col_texts = {}
        self._hay = [None] * n
        self._hay_pending = live[::-1]  # warm_search pops from the end: first rows first
        self._queued = bytearray(b"\x01") * n
        self._generation += 1
        self._ver = [self._generation] * n
        scope = self._scope
        if scope is None:
            self._in_scope = bytearray(b"\x01") * n
        else:
            self._in_scope = bytearray(1 if scope(v) else 0 for v in items)  # type: ignore[arg-type]
        self._order = self._arranged_all(live, numbers or None)
        self._base = None
        self._visible = self._filter(self._scoped(), self._query)
        self._invalidate_lists()
        self._bump()

    def _apply_small(self, changed: list[str], removed: list[str]) -> None:
        """Place a few rows by binary search (each costs O(log n) compares + one memmove)."""
        self._full_keys()  # for the searches (see _find_by_code)
        slot_of = self._slot
        touched = [slot_of[k] for k in removed]
        touched += [slot_of[k] for k in changed if k in slot_of]
        by_tie = self._by_tie
        for slot in touched:
            for rows in (self._order, self._visible):
                i = self._find(rows, slot)
                if i is not None:
                    del rows[i]
            if by_tie is not None and (i := self._find(by_tie, slot, tie=True)) is not None:
                del by_tie[i]
        for k in removed:
            self._release(slot_of.pop(k))
        slots = self._store(changed)
        sk, tail = self._full_keys(), self._tail
        for slot in slots:
            key = sk[slot]
            self._order.insert(self._locate(self._order, key), slot)
            if self._matches(slot):
                self._visible.insert(self._locate(self._visible, key), slot)
            if by_tie is not None:
                by_tie.insert(self._locate(by_tie, tail[slot], tie=True), slot)

    def _apply_batch(self, changed: list[str], removed: list[str]) -> None:
        """Cut the touched rows out, then merge them back in at their new places.

        Each touched row is found by binary search and the lists are rebuilt by slicing, so
        the cost is O(k log n) compares plus a few O(n) memory copies; with very many touched
        rows a mask pass replaces the searches.
        """
        self._full_keys()  # for the searches (see _find_by_code)
        slot_of = self._slot
        touched = [slot_of[k] for k in removed]
        touched += [slot_of[k] for k in changed if k in slot_of]
        new_rows = len(changed) + len(removed) - len(touched)
        if self._by_tie is not None and new_rows * 100 > len(self._order):
            # Rows arrive in bulk (a load): keeping the tie order would cost as much as the
            # order itself; the next full sort builds it again.
            self._by_tie = None
        # Everything shown (no scope, no filter): the visible rows are a copy of the order.
        everything = self._scope is None and self._query.is_empty
        order = self._cut(self._order, touched)
        visible = None if everything else self._cut(self._visible, touched)
        by_tie = None if self._by_tie is None else self._cut(self._by_tie, touched, tie=True)
        for k in removed:
            self._release(slot_of.pop(k))
        stored = self._store(changed)
        # The merged orders are copied into the lists kept so far rather than replacing them:
        # a long-lived 100k-entry list is walked by no garbage collection once it is old (or
        # frozen while a big account loads), a new one by several, each costing milliseconds.
        _keep(self._order, self._merge(order, stored))
        if self._by_tie is not None and by_tie is not None:
            _keep(self._by_tie, self._merge(by_tie, stored, tie=True))
        self._base = None
        if visible is None:
            self._visible[:] = self._order
            return
        fresh = list(compress(stored, map(self._in_scope.__getitem__, stored)))
        _keep(self._visible, self._merge(visible, self._filter(fresh, self._query)))

    def _cut(self, rows: list[int], slots: list[int], *, tie: bool = False) -> list[int]:
        """``rows`` without ``slots`` (located with their current sort keys, or tails with
        ``tie``): a new list, or ``rows`` itself when there is nothing to cut (rows only
        arrive, as in a load: a copy of 100k entries saved per merge)."""
        if not slots:
            return rows
        if len(slots) * 8 > len(rows):
            keep = bytearray(b"\x01") * len(self._keys)
            for slot in slots:
                keep[slot] = 0
            return list(compress(rows, map(keep.__getitem__, rows)))
        find = self._find
        positions = sorted(p for p in (find(rows, s, tie=tie) for s in slots) if p is not None)
        out: list[int] = []
        start = 0
        for p in positions:
            if p > start:
                out += rows[start:p]
            start = p + 1
        out += rows[start:]
        return out

    def _merge(self, rows: list[int], new: list[int], *, tie: bool = False) -> list[int]:
        """Merge ``new`` rows into ``rows`` (in display order, or tie order with ``tie``) at
        their places, in place; returns ``rows``.

        Few new rows are placed by binary search, then the list grows by that many and its
        runs are moved up from the end in slices: O(k log n) compares and one pass of O(n)
        moves through small temporary slices (no second 100k-entry list, which the allocator
        would have to find room for at every merge of a load). Many are sorted together with
        the rest.
        """
        arrange = self._arrange_tie if tie else self._arrange
        if len(new) * 8 > len(rows):
            rows.extend(new)
            arrange(rows)
            return rows
        new = new[:]
        arrange(new)
        sk, locate = (self._tail if tie else self._full_keys()), self._locate
        # Non-decreasing, as ``new`` is in order; each is where its row goes among the old.
        positions = [locate(rows, sk[slot], tie=tie) for slot in new]
        end = len(rows)
        rows.extend(new)  # room for the new rows (each spot is written below)
        for j in range(len(new) - 1, -1, -1):
            # The old rows from positions[j] to ``end`` have j + 1 new rows before them.
            pos = positions[j]
            if pos < end:
                rows[pos + j + 1 : end + j + 1] = rows[pos:end]
            rows[pos + j] = new[j]
            end = pos
        return rows

    def _store(self, keys: list[str]) -> list[int]:
        """Read ``keys`` from the source into their slots (allocating new ones); returns slots."""
        source, slot_of = self._source, self._slot
        fresh = [key for key in keys if key not in slot_of]
        if len(fresh) > len(self._free):
            # Many new rows (a page of a first load): grow every per-slot list once.
            self._grow(len(fresh) - len(self._free))
        allocate = self._allocate
        slots = [slot_of[key] if key in slot_of else allocate(key) for key in keys]
        items = [source[k] for k in keys]
        item_list, tail = self._items, self._tail
        tie = self._tie
        for slot, key, item in zip(slots, keys, items, strict=True):
            item_list[slot] = item
            tail[slot] = f"\0{tie(item).lower() if tie is not None else ''}\0{key}"
        self._generation += 1
        ver, generation = self._ver, self._generation
        for slot in slots:
            ver[slot] = generation
        for column_key, prefixes in self._prefix_lists.items():
            col = self._by_key[column_key]
            for slot, prefix in zip(slots, self._encode(col, slots), strict=True):
                prefixes[slot] = prefix
        current, sk = self._prefix_lists[self._sort_column.key], self._sk
        if sk is not None:
            for slot in slots:
                sk[slot] = current[slot] + tail[slot]
        for texts in self._col_texts.values():
            for slot in slots:
                texts[slot] = None
        hay, queued, pending = self._hay, self._queued, self._hay_pending
        if self._query.is_empty:
            for slot in slots:
                hay[slot] = None
                if not queued[slot]:
                    queued[slot] = 1
                    pending.append(slot)
        else:
            make = self._search_text
            for slot, item in zip(slots, items, strict=True):
                hay[slot] = make(item)
        scope, in_scope = self._scope, self._in_scope
        if scope is None:
            for slot in slots:
                in_scope[slot] = 1
        else:
            for slot, item in zip(slots, items, strict=True):
                in_scope[slot] = 1 if scope(item) else 0
        return slots

    def _allocate(self, key: str) -> int:
        if self._free:
            slot = self._free.pop()
            self._keys[slot] = key
        else:
            slot = len(self._keys)
            self._keys.append(key)
            self._items.append(None)
            self._tail.append("")
            if self._sk is not None:
                self._sk.append("")
            for prefixes in self._prefix_lists.values():
                prefixes.append("")
            for texts in self._col_texts.values():
                texts.append(None)
            self._hay.append(None)
            self._ver.append(0)
            self._in_scope.append(1)
            self._queued.append(0)
        self._slot[key] = slot
        return slot

    def _grow(self, count: int) -> None:
        """Add ``count`` free slots at the end of every per-slot list (released state)."""
        start = len(self._keys)
        self._keys.extend([None] * count)
        self._items.extend([None] * count)
        self._tail.extend([""] * count)
        if self._sk is not None:
            self._sk.extend([""] * count)
        for prefixes in self._prefix_lists.values():
            prefixes.extend([""] * count)
        for texts in self._col_texts.values():
            texts.extend([""] * count)
        self._hay.extend([""] * count)
        self._ver.extend([0] * count)
        self._in_scope.extend(bytes(count))
        self._queued.extend(bytes(count))
        # Popped from the end: the new slots are used in order.
        self._free.extend(range(start + count - 1, start - 1, -1))

    def _release(self, slot: int) -> None:
        self._keys[slot] = None
        self._items[slot] = None
        self._hay[slot] = ""
        for texts in self._col_texts.values():
            texts[slot] = ""
        self._in_scope[slot] = 0
        self._free.append(slot)

    def _invalidate_lists(self) -> None:
        self._base = None
        self._memo.clear()
        self._keys_cache = None

    def _bump(self) -> None:
        self._version += 1
        self._keys_cache = None

    # ------------------------------------------------------------------------------------------
    # Owned items

    def _owned_dict(self) -> dict[str, T]:
        if self._owned is None:
            raise TypeError("this view reads a source it does not own; change the source instead")
        return self._owned

    def set_items(self, items: Iterable[T]) -> None:
        """Replace every item (owned views only)."""
        owned = self._owned_dict()
        owned.clear()
        key = self.key_of
        for item in items:
            owned[key(item)] = item
        self.refresh()

    def upsert(self, items: Iterable[T]) -> None:
        """Add or replace items (owned views only)."""
        owned = self._owned_dict()
        key = self.key_of
        keys = []
        for item in items:
            k = key(item)
            owned[k] = item
            keys.append(k)
        self.refresh(changed_keys=keys)

    def remove(self, keys: Iterable[str]) -> None:
        """Remove items by key (owned views only)."""
        owned = self._owned_dict()
        gone = [k for k in keys if owned.pop(k, None) is not None]
        self.refresh(removed_keys=gone)


def _select(rows: list[int], texts: list[str], term: Term, whole: bool) -> list[int]:
    """The rows (slots) whose text in ``texts`` (indexed by slot) satisfy ``term``, in order.

    With ``whole`` every slot's text is tested in slot order (sequential memory, C loops) into a
    mask; otherwise only the rows' texts are. ``texts`` must be built for what is tested.
    """
    hits_of: Callable[[Iterable[str]], Iterable[bool]]
    if term.op == "contains":
        needle = term.needle

        def hits_of(texts: Iterable[str]) -> Iterable[bool]:
            return map(contains, texts, repeat(needle))

    elif term.op == "oneof":
        values = term.values

        def hits_of(texts: Iterable[str]) -> Iterable[bool]:
            return map(values.__contains__, texts)

    else:
        positive = replace(term, negate=False)

        def hits_of(texts: Iterable[str]) -> Iterable[bool]:
            return map(positive.test, texts)

    if whole:
        mask = bytearray(hits_of(texts))
        if term.negate:
            mask = mask.translate(_NOT)
        return list(compress(rows, map(mask.__getitem__, rows)))
    hits = hits_of(map(texts.__getitem__, rows))
    return list(compress(rows, map(not_, hits) if term.negate else hits))


# ---------------------------------------------------------------------------------------------
# Cell helpers


def relative_time(then: datetime | None, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``12 days ago``, ``4 mo ago``, ``2 yr ago``;
    ``never`` for ``None``. Future times (clock skew) read ``just now``."""
    if then is None:
        return "never"
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    days = hours // 24
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} mo ago"
    return f"{days // 365} yr ago"


_HUMANISED: dict[str, str] = {}


def humanise(value: str | None) -> str:
    """``FullyPatched`` -> ``Fully patched`` (memoised: these are small open enums)."""
    if not value:
        return ""
    cached = _HUMANISED.get(value)
    if cached is not None:
        return cached
    out: list[str] = []
    for i, ch in enumerate(value):
        if ch.isupper() and i and not value[i - 1].isupper() and value[i - 1] != " ":
            out.append(" ")
        out.append(ch.lower() if i else ch)
    text = clean_line("".join(out).replace("_", " "), 60)
    if len(_HUMANISED) < 1024:
        _HUMANISED[value] = text
    return text


def _online_text(device: Device, _now: datetime) -> str:
    if device.online is None:
        return ""
    return "online" if device.online else "offline"


def _online_style(device: Device) -> str | None:
    if device.online is None:
        return None
    return "online" if device.online else "offline"


def _device_row_style(device: Device) -> str | None:
    return "offline" if device.online is False else None


def device_columns(
    alert_count: Callable[[str], int] | None = None,
) -> tuple[Column[Device], ...]:
    """The device table's columns. ``alert_count(device_uid)`` feeds the Alerts column; when a
    count changes, refresh the view with that device's key so its row and order follow."""

    def count(device: Device) -> int:
        return alert_count(device.uid) if alert_count is not None else 0

    def count_text(device: Device, _now: datetime) -> str:
        n = count(device)
        return str(n) if n else ""

    def count_style(device: Device) -> str | None:
        return "alerts" if count(device) else None

    return (
        Column(
            "hostname",
            "Hostname",
            lambda d, _n: clean_line(d.hostname, 120),
            sort_key=attrgetter("hostname"),
            width=14,
            grow=3,
            max_width=40,
            priority=0,
            aliases=("host", "name"),
        ),
        Column(
            "site",
            "Site",
            lambda d, _n: clean_line(d.site_name, 120),
            sort_key=attrgetter("site_name"),
            width=14,
            grow=3,
            max_width=36,
            priority=1,
        ),
        Column(
            "type",
            "Type",
            lambda d, _n: clean_line(d.device_category, 40),
            sort_key=attrgetter("device_category"),
            width=9,
            max_width=14,
            grow=1,
            priority=5,
            aliases=("category", "cat"),
        ),
        Column(
            "os",
            "OS",
            lambda d, _n: clean_line(d.operating_system, 120),
            sort_key=attrgetter("operating_system"),
            width=16,
            grow=2,
            max_width=40,
            priority=6,
            aliases=("system",),
        ),
        Column(
            "online",
            "Status",
            _online_text,
            sort_key=lambda d: None if d.online is None else not d.online,
            width=7,
            priority=2,
            style=_online_style,
            kind="bool",
            bool_texts=("online", "offline"),
            aliases=("status", "up"),
        ),
        Column(
            "last_seen",
            "Last seen",
            lambda d, now: relative_time(d.last_seen, now),
            sort_key=attrgetter("last_seen"),
            width=12,
            priority=3,
            searchable=False,
            aliases=("seen", "lastseen"),
        ),
        Column(
            "alerts",
            "Alerts",
            count_text,
            sort_key=count,
            width=6,
            priority=4,
            align="right",
            style=count_style,
            searchable=False,
            kind="number",
            aliases=("alert", "open"),
            descending_first=True,
        ),
        Column(
            "user",
            "Last user",
            lambda d, _n: clean_line(d.last_logged_in_user, 80),
            sort_key=attrgetter("last_logged_in_user"),
            width=12,
            grow=1,
            max_width=28,
            priority=7,
            aliases=("lastuser", "last_user"),
        ),
        Column(
            "int_ip",
            "Int IP",
            lambda d, _n: clean_line(d.int_ip_address, 60),
            sort_key=_int_ip_sort,
            sort_keys=_int_ip_sorts,
            width=15,
            priority=8,
            aliases=("ip", "intip"),
        ),
        Column(
            "ext_ip",
            "Ext IP",
            lambda d, _n: clean_line(d.ext_ip_address, 60),
            sort_key=_ext_ip_sort,
            sort_keys=_ext_ip_sorts,
            width=15,
            priority=11,
            aliases=("extip", "wan"),
        ),
        Column(
            "patch",
            "Patches",
            lambda d, _n: humanise(d.patch_status),
            sort_key=attrgetter("patch_status"),
            width=14,
            max_width=20,
            grow=1,
            priority=9,
            aliases=("patches", "patching"),
        ),
        Column(
            "av",
            "Antivirus",
            lambda d, _n: humanise(d.antivirus_status),
            sort_key=attrgetter("antivirus_status"),
            width=14,
            max_width=26,
            grow=1,
            priority=10,
            aliases=("antivirus",),
        ),
        Column(
            "class",
            "Class",
            lambda d, _n: clean_line(d.device_class, 40),
            sort_key=attrgetter("device_class"),
            width=8,
            max_width=18,
            priority=12,
            aliases=("deviceclass",),
        ),
    )


def _ip_sort(address: str | None) -> str | None:
    """IPv4 addresses in numeric order (``10.0.0.9`` before ``10.0.0.10``) as ``"4"`` and
    eight hex digits; anything else (IPv6, or not the plain dotted-decimal form: leading
    zeros, short forms, spaces) as text after them."""
    if not address:
        return None
    try:
        packed = inet_aton(address)
    except (OSError, ValueError):
        return "6" + address.lower()
    # inet_aton also takes "10.1", "0x0a.0.0.1" and "010.0.0.1" (octal): only the canonical
    # form, the one it gives back, is read as a number.
    if inet_ntoa(packed) != address:
        return "6" + address.lower()
    return "4" + packed.hex()


_DOTTED_TEXT = re.compile(r"[0-9.\n]*")
_LEADING_ZERO = re.compile(r"[.\n]0[0-9]")  # searched in "." + text: no "^|" (3x slower)


def _ip_sorts(addresses: list[str | None]) -> list[SortValue]:
    """:func:`_ip_sort` of every address: in a few C-level passes when every address given is
    a canonical IPv4 one (the usual case), one by one otherwise."""
    present = [a for a in addresses if a]
    joined = "\n".join(present)
    # Canonical dotted quads, checked on the joined text: digits and dots only (no newline
    # inside an address), no octet with a leading zero, three dots per address; inet_aton
    # then refuses more than three in one (so none has fewer) and octets over 255.
    canonical = (
        _DOTTED_TEXT.fullmatch(joined) is not None
        and joined.count(".") == 3 * len(present)
        and joined.count("\n") == len(present) - 1
        and _LEADING_ZERO.search("." + joined) is None
    )
    if canonical:
        try:
            packed = list(map(inet_aton, present))
        except OSError:
            canonical = False
    if not canonical:
        return list(map(_ip_sort, addresses))
    codes = list(map(add, repeat("4"), map(bytes.hex, packed)))
    if len(present) == len(addresses):
        return codes
    next_code = iter(codes).__next__
    return [next_code() if a else None for a in addresses]


_INT_IP = attrgetter("int_ip_address")
_EXT_IP = attrgetter("ext_ip_address")


def _int_ip_sort(device: Device) -> str | None:
    return _ip_sort(device.int_ip_address)


def _int_ip_sorts(devices: list[Device]) -> list[SortValue]:
    return _ip_sorts(list(map(_INT_IP, devices)))


def _ext_ip_sort(device: Device) -> str | None:
    return _ip_sort(device.ext_ip_address)


def _ext_ip_sorts(devices: list[Device]) -> list[SortValue]:
    return _ip_sorts(list(map(_EXT_IP, devices)))


_SEVERITY_STYLES = {p.lower(): f"severity-{p.lower()}" for p in PRIORITIES[:5]}
_PRIORITY_LEVELS = tuple(p.lower() for p in PRIORITIES)


def _priority_text(alert: Alert, _now: datetime) -> str:
    return clean_line(alert.priority, 20)


def _priority_style(alert: Alert) -> str | None:
    return _SEVERITY_STYLES.get((alert.priority or "").lower())


def _alert_summary(alert: Alert, _now: datetime) -> str:
    text = alert.diagnostics or alert.context.summary()
    return clean_line(text.strip(), 300)


def _alert_age(alert: Alert) -> float | None:
    # Sorting by age ascending shows the newest first.
    return None if alert.timestamp is None else -alert.timestamp.timestamp()


ALERT_COLUMNS: tuple[Column[Alert], ...] = (
    Column(
        "priority",
        "Priority",
        _priority_text,
        sort_key=lambda a: priority_rank(a.priority),
        width=11,
        priority=0,
        style=_priority_style,
        kind="rank",
        ranks=_PRIORITY_LEVELS,
        aliases=("prio", "severity", "sev"),
    ),
    Column(
        "age",
        "Age",
        lambda a, now: relative_time(a.timestamp, now),
        sort_key=_alert_age,
        width=12,
        priority=1,
        searchable=False,
        aliases=("opened", "time"),
    ),
    Column(
        "device",
        "Device",
        lambda a, _n: clean_line(a.device_name, 120),
        sort_key=lambda a: a.device_name,
        width=14,
        grow=2,
        max_width=32,
        priority=2,
        aliases=("host", "hostname"),
    ),
    Column(
        "site",
        "Site",
        lambda a, _n: clean_line(a.site_name, 120),
        sort_key=lambda a: a.site_name,
        width=12,
        grow=2,
        max_width=30,
        priority=4,
    ),
    Column(
        "type",
        "Type",
        lambda a, _n: clean_line(a.context.label, 40),
        sort_key=lambda a: a.context.label,
        width=14,
        max_width=20,
        grow=1,
        priority=3,
        aliases=("kind", "context"),
    ),
    Column(
        "summary",
        "Summary",
        _alert_summary,
        sort_key=lambda a: a.diagnostics,
        width=20,
        grow=5,
        priority=5,
        aliases=("diagnostics", "diag", "msg", "message"),
    ),
)

DEVICE_COLUMNS: tuple[Column[Device], ...] = device_columns()


def _device_tie(device: Device) -> str:
    return device.hostname or ""


def _alert_tie(alert: Alert) -> str:
    # Equal priorities: newest first, then by device.
    ms = int(alert.timestamp.timestamp() * 1000) if alert.timestamp is not None else 0
    return f"{10**15 - ms:016d}{alert.device_name or ''}"


def device_view(
    source: Mapping[str, Device] | None = None,
    *,
    alert_count: Callable[[str], int] | None = None,
    clock: Clock | None = None,
    sort: str = "hostname",
) -> TableView[Device]:
    """A device table over ``source`` (e.g. ``store.devices``): sorted by hostname, ties by uid,
    offline rows styled ``offline``."""
    columns = DEVICE_COLUMNS if alert_count is None else device_columns(alert_count)
    return TableView(
        columns,
        key=_device_key,
        source=source,
        tie_key=_device_tie,
        sort=sort,
        row_style=_device_row_style,
        clock=clock,
    )


def alert_view(
    source: Mapping[str, Alert] | None = None,
    *,
    clock: Clock | None = None,
    sort: str = "priority",
) -> TableView[Alert]:
    """An alert table over ``source`` (e.g. ``store.alerts``): most severe first, then newest."""
    return TableView(
        ALERT_COLUMNS,
        key=_alert_key,
        source=source,
        tie_key=_alert_tie,
        sort=sort,
        clock=clock,
    )


def _device_key(device: Device) -> str:
    return device.uid


def _alert_key(alert: Alert) -> str:
    return alert.alert_uid
