"""The filter language: each syntax, inversion, quotes, bad input, narrowing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datto_tui.monitor.query import FIELD_SEPARATOR, FieldSpec, Query, Term, parse
from datto_tui.monitor.view import ALERT_COLUMNS, DEVICE_COLUMNS

DEVICE_FIELDS = tuple(c.field_spec() for c in DEVICE_COLUMNS)
ALERT_FIELDS = tuple(c.field_spec() for c in ALERT_COLUMNS)


def only(query: Query) -> Term:
    assert len(query.terms) == 1, query
    return query.terms[0]


def test_plain_term_is_lowercase_substring_over_the_row() -> None:
    term = only(parse("ACME", DEVICE_FIELDS))
    assert term == Term(None, "contains", needle="acme")
    assert parse("ACME").matches("dc01\x1facme dental")
    assert not parse("ACME").matches("dc01\x1fbakery")


def test_bang_inverts() -> None:
    term = only(parse("!acme", DEVICE_FIELDS))
    assert term.negate and term.needle == "acme"
    q = parse("!acme")
    assert q.matches("bakery") and not q.matches("acme dental")
    # Two bangs cancel out.
    assert not only(parse("!!acme")).negate


def test_terms_are_anded() -> None:
    q = parse("acme dc", DEVICE_FIELDS)
    assert [t.needle for t in q.terms] == ["acme", "dc"]
    assert q.matches("dc-01\x1facme")
    assert not q.matches("ws-01\x1facme")


@pytest.mark.parametrize(
    ("text", "field", "needle"),
    [
        ("site:acme", "site", "acme"),
        ("SITE:Acme", "site", "acme"),
        ("host:dc", "hostname", "dc"),
        ("hostname:dc", "hostname", "dc"),
        ("os:2019", "os", "2019"),
        ("type:server", "type", "server"),
        ("category:server", "type", "server"),
        ("ip:10.0", "int_ip", "10.0"),
    ],
)
def test_column_terms_by_key_or_alias(text: str, field: str, needle: str) -> None:
    term = only(parse(text, DEVICE_FIELDS))
    assert (term.field, term.op, term.needle, term.negate) == (field, "contains", needle, False)


def test_column_term_tests_only_that_column() -> None:
    q = parse("site:acme", DEVICE_FIELDS)
    fields = {"site": "bakery", "hostname": "acme-01"}
    assert not q.matches("acme-01\x1fbakery", fields.__getitem__)
    fields["site"] = "acme dental"
    assert q.matches("acme-01\x1facme dental", fields.__getitem__)


def test_inverted_column_terms() -> None:
    for text in ("!site:acme", "site:!acme"):
        term = only(parse(text, DEVICE_FIELDS))
        assert term.field == "site" and term.negate and term.needle == "acme"


def test_quotes_keep_spaces() -> None:
    assert only(parse('site:"acme dental"', DEVICE_FIELDS)).needle == "acme dental"
    assert only(parse('"acme dental"', DEVICE_FIELDS)).needle == "acme dental"
    assert only(parse('!"acme dental"', DEVICE_FIELDS)).negate


def test_unterminated_quote_runs_to_the_end() -> None:
    q = parse('site:"acme den', DEVICE_FIELDS)
    assert q.error is None
    assert only(q).needle == "acme den"


def test_escaped_quote_and_colon_inside_quotes() -> None:
    assert only(parse(r'"say \"hi\""', DEVICE_FIELDS)).needle == 'say "hi"'
    # A colon inside quotes is text, not a column prefix.
    term = only(parse('"site:acme"', DEVICE_FIELDS))
    assert term.field is None and term.needle == "site:acme"


def test_apostrophes_are_ordinary_characters() -> None:
    assert only(parse("bob's", DEVICE_FIELDS)).needle == "bob's"


@pytest.mark.parametrize("word", ["yes", "true", "on", "1", "YES", "online", "y"])
def test_boolean_true_words(word: str) -> None:
    term = only(parse(f"online:{word}", DEVICE_FIELDS))
    assert term.op == "oneof" and term.values == frozenset({"online"}) and not term.negate


@pytest.mark.parametrize("word", ["no", "false", "off", "0", "offline", "n"])
def test_boolean_false_words(word: str) -> None:
    term = only(parse(f"online:{word}", DEVICE_FIELDS))
    assert term.values == frozenset({"offline"})


def test_inverted_boolean() -> None:
    term = only(parse("!online:yes", DEVICE_FIELDS))
    assert term.negate and term.test("offline") and not term.test("online")


def test_bad_boolean_is_reported_and_matched_as_text() -> None:
    q = parse("online:maybe", DEVICE_FIELDS)
    assert q.error is not None and q.error.startswith("invalid filter: ")
    assert "online" in q.error and "maybe" in q.error
    assert only(q) == Term(None, "contains", needle="online:maybe")


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("prio:>=high", {"critical", "high"}),
        ("prio:>high", {"critical"}),
        ("prio:<=low", {"low", "information", "unknown"}),
        ("prio:<moderate", {"low", "information", "unknown"}),
        ("prio:=moderate", {"moderate"}),
        ("priority:>=mod", {"critical", "high", "moderate"}),
        ("sev:!=low", {"critical", "high", "moderate", "information", "unknown"}),
    ],
)
def test_priority_comparisons(text: str, levels: set[str]) -> None:
    term = only(parse(text, ALERT_FIELDS))
    assert term.field == "priority" and term.op == "oneof"
    assert term.values == frozenset(levels)


def test_priority_without_operator_is_a_substring() -> None:
    term = only(parse("prio:crit", ALERT_FIELDS))
    assert term.op == "contains" and term.needle == "crit"


def test_unknown_priority_level_is_an_error() -> None:
    q = parse("prio:>=urgent", ALERT_FIELDS)
    assert q.error is not None and "urgent" in q.error
    assert only(q).field is None


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("alerts:>0", "3", True),
        ("alerts:>0", "", False),  # blank shows zero
        ("alerts:0", "", True),
        ("alerts:>=2", "2", True),
        ("alerts:<2", "2", False),
        ("alerts:!=2", "1", True),
    ],
)
def test_number_comparisons(text: str, value: str, expected: bool) -> None:
    term = only(parse(text, DEVICE_FIELDS))
    assert term.op == "cmp"
    assert term.test(value) is expected


def test_bad_number_and_comparison_on_text_are_errors() -> None:
    q = parse("alerts:>lots site:>3 acme", DEVICE_FIELDS)
    assert q.error is not None
    assert "expected a number" in q.error and "site" in q.error
    assert [t.field for t in q.terms] == [None, None, None]


def test_unknown_column_is_reported_and_matched_as_text() -> None:
    q = parse("foo:bar site:acme", DEVICE_FIELDS)
    assert q.error == "invalid filter: unknown column 'foo'"
    assert Term(None, "contains", needle="foo:bar") in q.terms
    assert any(t.field == "site" for t in q.terms)


@pytest.mark.parametrize("text", ["", "   ", "site:", "!", '""', "site:!"])
def test_match_everything(text: str) -> None:
    q = parse(text, DEVICE_FIELDS)
    assert q.is_empty and q.error is None
    assert q.matches("anything")


def test_things_that_are_not_column_prefixes() -> None:
    # Times and IPv6 literals do not start with a letter, so they stay plain text.
    assert only(parse("10:30", DEVICE_FIELDS)).needle == "10:30"
    assert only(parse("::1", DEVICE_FIELDS)).needle == "::1"


def test_control_characters_are_dropped_from_needles() -> None:
    assert only(parse("ac\x07me\x1b", DEVICE_FIELDS)).needle == "acme"
    # The column separator of search texts is whitespace to the parser: it splits terms.
    assert all(FIELD_SEPARATOR not in t.needle for t in parse("a\x1fb").terms)


def test_plain_terms_come_first() -> None:
    q = parse("site:acme dc", DEVICE_FIELDS)
    assert [t.field for t in q.terms] == [None, "site"]


@pytest.mark.parametrize(
    ("before", "after", "narrows"),
    [
        ("ac", "acm", True),
        ("acm", "ac", False),
        ("acme", "acme dc", True),
        ("acme dc", "acme", False),
        ("!a", "!ab", False),
        ("!ab", "!a", True),
        ("site:a", "site:ab", True),
        ("site:ab", "site:a", False),
        ("host:ab", "site:ab", False),
        ("", "x", True),
        ("online:yes", "online:yes acme", True),
        ("prio:>=high", "prio:>high", True),
        ("prio:>high", "prio:>=high", False),
        ("alerts:>0", "alerts:>1", False),  # sound, not complete
    ],
)
def test_narrows(before: str, after: str, narrows: bool) -> None:
    fields = (*DEVICE_FIELDS, ALERT_FIELDS[0])
    assert parse(after, fields).narrows(parse(before, fields)) is narrows


@given(st.text(max_size=60))
def test_parse_never_raises(text: str) -> None:
    q = parse(text, DEVICE_FIELDS + ALERT_FIELDS)
    assert isinstance(q, Query)
    q.matches("x", lambda _column: "")


@given(st.text(alphabet="abc!: \"'", max_size=12), st.text(alphabet="abc", max_size=4))
def test_narrowing_is_sound(text: str, extra: str) -> None:
    """Whenever narrows() says so, every row matching the new query matched the old one."""
    fields = (FieldSpec("a"), FieldSpec("b"))
    old, new = parse(text, fields), parse(text + extra, fields)
    if not new.narrows(old):
        return
    rows = ["", "a", "b", "ab", "abc", "cab", "ca", "bca", "c", "aa", "bb", "cc"]
    for row in rows:
        columns = {"a": row, "b": row}
        if new.matches(row, columns.__getitem__):
            assert old.matches(row, columns.__getitem__)
