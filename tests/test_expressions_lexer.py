"""The expression lexer: token kinds, texts and spans, for every kind of token DynamoDB's grammar has."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from app.expressions.lexer import Token, TokenKind, tokenize

K = TokenKind


def kinds_and_texts(text: str) -> list[tuple[TokenKind, str]]:
    return [(token.kind, token.text) for token in tokenize(text)]


def test_document_path_tokens() -> None:
    assert kinds_and_texts("a.#b[12].c, d") == [
        (K.IDENTIFIER, "a"),
        (K.DOT, "."),
        (K.NAME_PLACEHOLDER, "#b"),
        (K.LBRACKET, "["),
        (K.NUMBER, "12"),
        (K.RBRACKET, "]"),
        (K.DOT, "."),
        (K.IDENTIFIER, "c"),
        (K.COMMA, ","),
        (K.IDENTIFIER, "d"),
        (K.EOF, "<EOF>"),
    ]


def test_operators_longest_match_first() -> None:
    assert kinds_and_texts("a<=b>=c<>d<e>f=g+h-i(j)") == [
        (K.IDENTIFIER, "a"),
        (K.LE, "<="),
        (K.IDENTIFIER, "b"),
        (K.GE, ">="),
        (K.IDENTIFIER, "c"),
        (K.NE, "<>"),
        (K.IDENTIFIER, "d"),
        (K.LT, "<"),
        (K.IDENTIFIER, "e"),
        (K.GT, ">"),
        (K.IDENTIFIER, "f"),
        (K.EQ, "="),
        (K.IDENTIFIER, "g"),
        (K.PLUS, "+"),
        (K.IDENTIFIER, "h"),
        (K.MINUS, "-"),
        (K.IDENTIFIER, "i"),
        (K.LPAREN, "("),
        (K.IDENTIFIER, "j"),
        (K.RPAREN, ")"),
        (K.EOF, "<EOF>"),
    ]


def test_keywords_in_any_case_and_functions_are_identifiers() -> None:
    text = "AND or Not between IN set REMOVE add Delete size attribute_exists"
    assert [token.kind for token in tokenize(text)] == [
        K.AND,
        K.OR,
        K.NOT,
        K.BETWEEN,
        K.IN,
        K.SET,
        K.REMOVE,
        K.ADD,
        K.DELETE,
        K.IDENTIFIER,
        K.IDENTIFIER,
        K.EOF,
    ]
    assert tokenize("Not")[0].text == "Not"  # the text stays as written, for messages


def test_placeholders() -> None:
    assert kinds_and_texts("#1 #_ :v_2 # : #- :") == [
        (K.NAME_PLACEHOLDER, "#1"),
        (K.NAME_PLACEHOLDER, "#_"),
        (K.VALUE_PLACEHOLDER, ":v_2"),
        (K.UNKNOWN, "#"),
        (K.UNKNOWN, ":"),
        (K.UNKNOWN, "#"),
        (K.MINUS, "-"),
        (K.UNKNOWN, ":"),
        (K.EOF, "<EOF>"),
    ]
    assert kinds_and_texts("a#b:c") == [
        (K.IDENTIFIER, "a"),
        (K.NAME_PLACEHOLDER, "#b"),
        (K.VALUE_PLACEHOLDER, ":c"),
        (K.EOF, "<EOF>"),
    ]


def test_numbers_have_no_leading_zeros() -> None:
    assert kinds_and_texts("0 01 007 1e3 99999999999999999999") == [
        (K.NUMBER, "0"),
        (K.NUMBER, "0"),
        (K.NUMBER, "1"),
        (K.NUMBER, "0"),
        (K.NUMBER, "0"),
        (K.NUMBER, "7"),
        (K.NUMBER, "1"),
        (K.IDENTIFIER, "e3"),
        (K.NUMBER, "99999999999999999999"),
        (K.EOF, "<EOF>"),
    ]


def test_identifiers_start_with_an_ascii_letter() -> None:
    assert kinds_and_texts("_a a_1 B_ 1a") == [
        (K.UNKNOWN, "_"),
        (K.IDENTIFIER, "a"),
        (K.IDENTIFIER, "a_1"),
        (K.IDENTIFIER, "B_"),
        (K.NUMBER, "1"),
        (K.IDENTIFIER, "a"),
        (K.EOF, "<EOF>"),
    ]


def test_whitespace_is_space_tab_cr_lf_only() -> None:
    assert kinds_and_texts(" \t\r\na\x0cb\x0bc\xa0") == [
        (K.IDENTIFIER, "a"),
        (K.UNKNOWN, "\x0c"),
        (K.IDENTIFIER, "b"),
        (K.UNKNOWN, "\x0b"),
        (K.IDENTIFIER, "c"),
        (K.UNKNOWN, "\xa0"),
        (K.EOF, "<EOF>"),
    ]


def test_other_characters_are_single_unknown_tokens() -> None:
    assert kinds_and_texts("$ä!*/;\"'{😀") == [(K.UNKNOWN, ch) for ch in "$ä!*/;\"'{😀"] + [(K.EOF, "<EOF>")]


def test_spans_and_eof() -> None:
    assert tokenize("  ab , c  ") == (
        Token(K.IDENTIFIER, "ab", 2, 4),
        Token(K.COMMA, ",", 5, 6),
        Token(K.IDENTIFIER, "c", 7, 8),
        Token(K.EOF, "<EOF>", 10, 10),
    )
    assert tokenize("") == (Token(K.EOF, "<EOF>", 0, 0),)


@settings(max_examples=300)
@given(
    st.text(alphabet=st.sampled_from(list("ab09_#:.,[]()<>=+-!$ \t\r\nä\x0c")), max_size=40)
    | st.text(max_size=20)
)
def test_tokens_cover_the_text_except_whitespace(text: str) -> None:
    tokens = tokenize(text)
    assert tokens[-1] == Token(K.EOF, "<EOF>", len(text), len(text))
    position = 0
    for token in tokens[:-1]:
        assert re.fullmatch(r"[ \t\r\n]*", text[position : token.start])
        assert text[token.start : token.end] == token.text
        assert token.end > token.start
        position = token.end
    assert re.fullmatch(r"[ \t\r\n]*", text[position:])
