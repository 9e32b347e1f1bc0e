"""The ProjectionExpression grammar: trees, and every text-level error exactly as AWS words it.

The syntax-error cases (offending token and `near` context) were recorded from the reference,
DynamoDB Local 3.3, with GetItem; a projection's size message has no `expression size` suffix (on AWS
neither, as its errors show), unlike the condition kinds'.
"""

from __future__ import annotations

import pytest

from app.errors import ValidationException
from app.expressions.ast import AttributeName, DocumentPath, ListIndex, NamePlaceholder, ProjectionAst
from app.expressions.cache import parse
from app.expressions.kinds import ExpressionKind
from app.expressions.parser import parse_projection

PREFIX = "Invalid ProjectionExpression: "


def message(text: str) -> str:
    with pytest.raises(ValidationException) as raised:
        parse_projection(text)
    assert raised.value.status == 400
    assert raised.value.type_name() == "ValidationException"
    return raised.value.message


def test_tree_of_a_projection() -> None:
    assert parse_projection("a.#b[2].c , #d, e[0][10]") == ProjectionAst(
        (
            DocumentPath((AttributeName("a"), NamePlaceholder("#b"), ListIndex(2), AttributeName("c"))),
            DocumentPath((NamePlaceholder("#d"),)),
            DocumentPath((AttributeName("e"), ListIndex(0), ListIndex(10))),
        )
    )


def test_whitespace_between_path_elements() -> None:
    assert parse_projection(" a . b [ 1 ]\n") == ProjectionAst(
        (DocumentPath((AttributeName("a"), AttributeName("b"), ListIndex(1))),)
    )


def test_value_placeholder_after_a_dot_is_read_as_a_name() -> None:
    # The reference accepts `a.:v` and then reports `:v` as an undefined attribute *name*.
    assert parse_projection("a.:v") == ProjectionAst(
        (DocumentPath((AttributeName("a"), NamePlaceholder(":v"))),)
    )


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("a,", "<EOF>", ","),
        ("a,  ", "<EOF>", ",  "),
        ("a ,", "<EOF>", ","),
        ("a.", "<EOF>", "."),
        ("a[", "<EOF>", "["),
        ("a[1", "<EOF>", "1"),
        ("   ", "<EOF>", "   "),
        ("\t", "<EOF>", "\t"),
        ("a b", "b", "a b"),
        ("a b c", "b", "a b c"),
        ("  a   b   c  ", "b", "a   b   c"),
        ("  a  b  ", "b", "a  b  "),
        ("a, b c d", "c", "b c d"),
        ("a.b c", "c", "b c"),
        ("a b, year", "b", "a b,"),
        ("a\tb", "b", "a\tb"),
        ("a\nb", "b", "a\nb"),
        ("a b\n", "b", "a b\n"),
        ("a[-1]", "-", "[-1"),
        ("a[x]", "x", "[x]"),
        ("a[]", "]", "[]"),
        ("a[ ]", "]", "[ ]"),
        ("a[01]", "1", "01]"),
        ("a[007]", "0", "007"),
        ("a[1.5]", ".", "1.5"),
        ("a[1e3]", "e3", "1e3]"),
        ("a[0x1]", "x1", "0x1]"),
        ("a[#x]", "#x", "[#x]"),
        ("a[:v]", ":v", "[:v]"),
        ("a]", "]", "a]"),
        ("a[1]  ]", "]", "]  ]"),
        ("a[1]b", "b", "]b"),
        ("a.[1]", "[", ".[1"),
        ("[1]", "[", "[1"),
        ("(a)", "(", "(a"),
        ("  (a", "(", "  (a"),
        ("a)", ")", "a)"),
        (",a", ",", ",a"),
        ("  ,a  ", ",", "  ,a"),
        ("a,,b", ",", ",,b"),
        ("a ,, ", ",", ",, "),
        ("a..b", ".", "..b"),
        ("1a", "1", "1a"),
        ("a.1", "1", ".1"),
        ("_a", "_", "_a"),
        ("a._b", "_", "._b"),
        ("a-b", "-", "a-b"),
        ("a+b", "+", "a+b"),
        ("a=b", "=", "a=b"),
        ("a<=b", "<=", "a<=b"),
        ("a<>b", "<>", "a<>b"),
        ("a!=b", "!", "a!="),
        ("a$b", "$", "a$b"),
        ("$", "$", "$"),
        ("a@", "@", "a@"),
        ("ä", "ä", "ä"),
        ("a\x0cb", "\x0c", "a\x0cb"),
        ("a\xa0b", "\xa0", "a\xa0b"),
        ('a"b', '"', 'a"b'),
        ("#", "#", "#"),
        ("a#b", "#b", "a#b"),
        (":v", ":v", ":v"),
        (":v.a", ":v", ":v."),
        ("a:b", ":b", "a:b"),
        ("a: b", ":", "a: b"),
        ("x.:v#x", "#x", ":v#x"),
        ("size(a)", "(", "size(a"),
        ("AND", "AND", "AND"),
        ("and", "and", "and"),
        ("a, AND", "AND", ", AND"),
        ("a.and", "and", ".and"),
        ("a.IN", "IN", ".IN"),
        ("x, In", "In", ", In"),
        ("SET", "SET", "SET"),
        ("remove", "remove", "remove"),
        ("ADD", "ADD", "ADD"),
        ("DELETE", "DELETE", "DELETE"),
        ("BETWEEN", "BETWEEN", "BETWEEN"),
        ("NOT", "NOT", "NOT"),
        ("OR", "OR", "OR"),
        ("year b", "b", "year b"),
        ("a[2147483648] b", "b", "] b"),
    ],
)
def test_syntax_errors(text: str, token: str, near: str) -> None:
    assert message(text) == f'{PREFIX}Syntax error; token: "{token}", near: "{near}"'


def test_astral_character_is_one_token() -> None:
    # The reference splits it into UTF-16 halves and names the lone high surrogate, which cannot be put
    # into a valid UTF-8 response; localddb names the whole character.
    assert message("a😀b") == f'{PREFIX}Syntax error; token: "😀", near: "a😀b"'


def test_empty_expression() -> None:
    assert message("") == PREFIX + "The expression can not be empty;"


def test_size_limit() -> None:
    assert parse_projection("a" * 4096).paths == (DocumentPath((AttributeName("a" * 4096),)),)
    assert message("a" * 4097) == (PREFIX + "Expression size has exceeded the maximum allowed size;")
    # Checked before syntax.
    assert message("a b " * 1250) == (PREFIX + "Expression size has exceeded the maximum allowed size;")


def test_size_counts_utf16_code_units() -> None:
    assert message("ä" * 2049).startswith(PREFIX + "Syntax error")  # 2049 units, 4098 UTF-8 bytes
    assert message("😀" * 2048 + "a") == (PREFIX + "Expression size has exceeded the maximum allowed size;")


@pytest.mark.parametrize(
    ("text", "word"),
    [("year", "year"), ("YEAR", "YEAR"), ("Year", "Year"), ("a.year", "year"), ("#x.data", "data")],
)
def test_reserved_words(text: str, word: str) -> None:
    assert message(text) == f"{PREFIX}Attribute name is a reserved keyword; reserved keyword: {word}"


def test_words_the_reference_does_not_reserve() -> None:
    for word in ("size", "SIZE", "convert", "attribute_exists", "contains", "begins_with", "list_append"):
        assert parse_projection(word).paths == (DocumentPath((AttributeName(word),)),)


def test_list_index_range() -> None:
    assert parse_projection("a[2147483647]").paths[0].elements[1] == ListIndex(2147483647)
    assert message("a[2147483648]") == (
        PREFIX + "List index is not within the allowable range; index: [2147483648]"
    )
    assert message("a[99999999999999999999]") == (
        PREFIX + "List index is not within the allowable range; index: [99999999999999999999]"
    )


def test_reserved_words_and_ranges_in_textual_order_after_syntax() -> None:
    assert (
        message("year, a[99999999999]")
        == PREFIX + "Attribute name is a reserved keyword; reserved keyword: year"
    )
    assert message("a[99999999999], year") == (
        PREFIX + "List index is not within the allowable range; index: [99999999999]"
    )
    assert (
        message("a.year[99999999999]")
        == PREFIX + "Attribute name is a reserved keyword; reserved keyword: year"
    )
    assert message("a.b[99999999999].year") == (
        PREFIX + "List index is not within the allowable range; index: [99999999999]"
    )
    assert message("year, a b") == f'{PREFIX}Syntax error; token: "b", near: "a b"'


def test_cache_returns_the_same_tree() -> None:
    first = parse(ExpressionKind.PROJECTION, "cached.attr[1]")
    assert parse(ExpressionKind.PROJECTION, "cached.attr[1]") is first
    with pytest.raises(ValidationException):
        parse(ExpressionKind.PROJECTION, "not cached")
