"""The table filter language: what the operator types after ``/``.

Grammar (case-insensitive, whitespace separates terms, every term must match — AND)::

    acme            rows whose searchable text contains "acme" anywhere
    "acme dental"   double quotes keep spaces (an open quote closes at the end; \\" inside
                    quotes is a literal quote; apostrophes are ordinary characters)
    !acme           inverted: rows that do NOT contain "acme"
    site:acme       only the column whose key or alias is "site" must contain "acme"
    !site:acme      inverted column term (``site:!acme`` means the same)
    site:"a b"      quoted column value
    online:no       boolean columns accept yes/no, true/false, on/off, 1/0 (and their own texts)
    prio:>=high     ranked columns (priority) compare by rank: at or above "high"; also
                    > < <= = != (a unique prefix names a level: prio:>=mod)
    alerts:>0       numeric columns compare numbers: > >= < <= = != (blank counts as 0)

A term that cannot be understood (unknown column, a bad boolean, an unknown priority, a
comparison on a text column) never raises: it is reported in :attr:`Query.error` as
``invalid filter: ...`` and matched as plain text instead, so typing always does something
visible. An empty value (``site:`` while still typing) or a lone ``!`` matches everything.

Matching is built for 100k rows per keystroke: :func:`parse` compiles the text once into
:class:`Term` objects holding lowercase needles; rows are tested against precomputed lowercase
text (see :class:`datto_tui.monitor.view.TableView`). :meth:`Query.narrows` tells whether a new
query can only remove rows from the previous one's result, so a table can filter the previous
result instead of every row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

FieldKind = Literal["text", "bool", "rank", "number"]
Op = Literal["contains", "oneof", "cmp"]

#: Separator between columns in a row's search text; never present in cleaned text.
FIELD_SEPARATOR = "\x1f"

_TRUE_WORDS = frozenset({"yes", "y", "true", "t", "on", "1"})
_FALSE_WORDS = frozenset({"no", "n", "false", "f", "off", "0"})
_COMPARATORS = (">=", "<=", "!=", ">", "<", "=")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A column as the filter language sees it.

    ``key`` and ``aliases`` are the names usable before ``:`` (matched case-insensitively).
    ``kind`` decides how a value is read: ``text`` (substring), ``bool`` (the column shows
    ``bool_texts[0]`` for true and ``bool_texts[1]`` for false), ``rank`` (``ranks`` lists the
    lowercase levels from highest to lowest, e.g. critical..unknown) or ``number``.
    """

    key: str
    aliases: tuple[str, ...] = ()
    kind: FieldKind = "text"
    bool_texts: tuple[str, str] = ("yes", "no")
    ranks: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key.lower(), *(a.lower() for a in self.aliases))


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled condition.

    ``field`` is a column key, or ``None`` for the whole row's searchable text. ``op`` is
    ``contains`` (``needle`` is a lowercase substring), ``oneof`` (the field's lowercase text
    must equal one of ``values``) or ``cmp`` (the field's text read as a number compared with
    ``number`` using ``comparator``). ``negate`` inverts the outcome.
    """

    field: str | None
    op: Op
    negate: bool = False
    needle: str = ""
    values: frozenset[str] = frozenset()
    comparator: str = "="
    number: float = 0.0

    def test(self, text: str) -> bool:
        """Whether one lowercase field text (or search text) satisfies this term."""
        if self.op == "contains":
            hit = self.needle in text
        elif self.op == "oneof":
            hit = text in self.values
        else:
            hit = _compare(_as_number(text), self.comparator, self.number)
        return hit != self.negate

    def implies(self, other: Term) -> bool:
        """True when every row satisfying ``self`` surely satisfies ``other``.

        Sound but not complete: ``False`` only means "not known to imply".
        """
        if self == other:
            return True
        if self.field != other.field or self.negate != other.negate:
            return False
        if self.op == "contains" and other.op == "contains":
            if self.negate:  # "!ab" excludes more rows than "!abc"
                return self.needle in other.needle
            return other.needle in self.needle
        if self.op == "oneof" and other.op == "oneof" and not self.negate:
            return self.values <= other.values
        return False


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter. Empty text (or only match-all terms) gives an empty query."""

    text: str
    terms: tuple[Term, ...] = ()
    errors: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.terms

    @property
    def error(self) -> str | None:
        """``invalid filter: ...`` when some term was not understood (it matched as text)."""
        if not self.errors:
            return None
        return "invalid filter: " + "; ".join(self.errors)

    @property
    def fields(self) -> frozenset[str]:
        """Column keys this query targets explicitly."""
        return frozenset(t.field for t in self.terms if t.field is not None)

    def matches(self, search_text: str, field_text: Callable[[str], str] | None = None) -> bool:
        """Test one row.

        ``search_text`` is the row's lowercase searchable text (columns joined by
        :data:`FIELD_SEPARATOR`); ``field_text(column_key)`` returns one column's lowercase
        text and is needed only when the query targets columns.
        """
        for term in self.terms:
            if term.field is None:
                if not term.test(search_text):
                    return False
            elif field_text is None or not term.test(field_text(term.field)):
                return False
        return True

    def narrows(self, previous: Query) -> bool:
        """True when this query's matches are a subset of ``previous``'s (on the same rows).

        Typing more characters into a term, or adding a term, narrows; deleting characters,
        extending an inverted term (``!a`` -> ``!ab``) or changing a comparison does not.
        """
        return all(any(t.implies(p) for t in self.terms) for p in previous.terms)


def _compare(value: float | None, comparator: str, number: float) -> bool:
    if value is None:
        return False
    if comparator == ">=":
        return value >= number
    if comparator == "<=":
        return value <= number
    if comparator == ">":
        return value > number
    if comparator == "<":
        return value < number
    if comparator == "!=":
        return value != number
    return value == number


def _as_number(text: str) -> float | None:
    text = text.strip()
    if not text:
        return 0.0  # numeric columns show blank for zero
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _unquote(token: str) -> str:
    """Resolve quotes in one token: ``a"b c"`` -> ``ab c``.

    A backslash inside quotes escapes the next character; an unterminated quote runs to the
    end of the token.
    """
    buf: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(token):
        ch = token[i]
        if quote is not None:
            if ch == "\\" and i + 1 < len(token):
                buf.append(token[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
            else:
                buf.append(ch)
        elif ch == '"':
            quote = ch
        else:
            buf.append(ch)
        i += 1
    return "".join(buf)


def _raw_tokens(text: str) -> list[str]:
    """Whitespace-separated tokens, quotes kept verbatim (so ``:`` in quotes is visible as such)."""
    tokens: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote is not None:
            buf.append(ch)
            if ch == "\\" and i + 1 < len(text):
                buf.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch == '"':
            quote = ch
            buf.append(ch)
        elif ch.isspace():
            if buf:
                tokens.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    if buf:
        tokens.append("".join(buf))
    return tokens


def _split_token(raw: str) -> tuple[str, str | None, str]:
    """(leading '!'s, column name or None, value with quotes resolved)."""
    bangs = len(raw) - len(raw.lstrip("!"))
    body = raw[bangs:]
    column: str | None = None
    # A column prefix is a bare word before the first ':' that is not inside quotes.
    colon = body.find(":")
    first_quote = body.find('"')
    if colon > 0 and (first_quote < 0 or colon < first_quote):
        name = body[:colon]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", name):
            column = name
            body = body[colon + 1 :]
    return "!" * bangs, column, _unquote(body)


def _clean_needle(value: str) -> str:
    return _CONTROL_RE.sub("", value).lower()


def _resolve_rank(word: str, ranks: Sequence[str]) -> int | None:
    if word in ranks:
        return ranks.index(word)
    candidates = [i for i, r in enumerate(ranks) if r.startswith(word)]
    return candidates[0] if len(candidates) == 1 else None


def _column_term(spec: FieldSpec, value: str, negate: bool) -> tuple[Term | None, str | None]:
    """Compile ``column:value``; returns (term or None for match-all, error or None)."""
    comparator = next((c for c in _COMPARATORS if value.startswith(c)), None)
    operand = value[len(comparator) :].strip() if comparator else value
    if comparator is None and operand.startswith("!"):
        negate = not negate
        operand = operand[1:]
    operand = _clean_needle(operand)
    if comparator is None and not operand:
        return None, None  # still typing: "site:" matches everything
    if spec.kind == "bool":
        true_text, false_text = spec.bool_texts
        if comparator not in (None, "=", "!="):
            return None, f"{spec.key}: cannot compare yes/no with {comparator!r}"
        if operand in _TRUE_WORDS or operand == true_text:
            wanted = true_text
        elif operand in _FALSE_WORDS or operand == false_text:
            wanted = false_text
        else:
            return None, f"{spec.key}: expected yes or no, not {operand!r}"
        return Term(
            spec.key, "oneof", negate != (comparator == "!="), values=frozenset({wanted})
        ), None
    if spec.kind == "rank" and comparator is not None:
        index = _resolve_rank(operand, spec.ranks)
        if index is None:
            levels = ", ".join(spec.ranks)
            return None, f"{spec.key}: unknown level {operand!r} (one of {levels})"
        # Lower index = more severe; ">=high" means "high or more severe".
        chosen = {
            ">=": spec.ranks[: index + 1],
            ">": spec.ranks[:index],
            "<=": spec.ranks[index:],
            "<": spec.ranks[index + 1 :],
            "=": spec.ranks[index : index + 1],
            "!=": spec.ranks[:index] + spec.ranks[index + 1 :],
        }[comparator]
        return Term(spec.key, "oneof", negate, values=frozenset(chosen)), None
    if spec.kind == "number" and (comparator is not None or operand):
        number = _as_number(operand) if operand else None
        if number is None:
            return None, f"{spec.key}: expected a number, not {operand!r}"
        return Term(spec.key, "cmp", negate, comparator=comparator or "=", number=number), None
    if comparator is not None:
        return None, f"{spec.key}: {comparator!r} needs a number or priority column"
    return Term(spec.key, "contains", negate, needle=operand), None


def parse(text: str, fields: Iterable[FieldSpec] = ()) -> Query:
    """Compile filter ``text`` against the table's ``fields``. Never raises."""
    by_name: dict[str, FieldSpec] = {}
    for field_spec in fields:
        for name in field_spec.names():
            by_name.setdefault(name, field_spec)
    terms: list[Term] = []
    errors: list[str] = []
    for raw in _raw_tokens(text):
        bangs, column, value = _split_token(raw)
        negate = len(bangs) % 2 == 1
        if column is not None:
            spec = by_name.get(column.lower())
            if spec is None:
                errors.append(f"unknown column {column!r}")
                term: Term | None = _plain(f"{column}:{value}", negate)
            else:
                term, error = _column_term(spec, value, negate)
                if error is not None:
                    errors.append(error)
                    term = _plain(f"{column}:{value}", negate)
        else:
            term = _plain(value, negate)
        if term is not None:
            terms.append(term)
    # Cheap whole-row substring terms first: they narrow the rows the others must look at.
    terms.sort(key=lambda t: t.field is not None)
    return Query(text=text, terms=tuple(terms), errors=tuple(errors))


def _plain(value: str, negate: bool) -> Term | None:
    needle = _clean_needle(value)
    if not needle:
        return None
    return Term(None, "contains", negate, needle=needle)
