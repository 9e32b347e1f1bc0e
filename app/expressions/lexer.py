"""The tokens of DynamoDB's expression grammar, shared by all five expression kinds.

Facts this follows (observed on DynamoDB Local, whose messages quote these tokens):
- whitespace is space, tab, CR and LF only; anything else outside a token is a one-character token of
  its own (`$`, `_`, `!`, `ä`, a form feed), which the parser then reports as the offending token;
- an identifier starts with an ASCII letter and goes on with letters, digits and `_` (`_a` is `_`, `a`);
- `#` and `:` followed by at least one letter, digit or `_` are placeholders (`#1`, `:_` are fine); a bare
  `#` or `:` is a one-character token;
- a number is `0` or a digit run without a leading zero, so `01` is `0`, `1` and `1e3` is `1`, `e3`;
- AND OR NOT BETWEEN IN SET REMOVE ADD DELETE are keywords in any case; function names are identifiers.

One pass over the text with one compiled pattern; the token list always ends with an EOF token whose
span is empty and sits at the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class TokenKind(Enum):
    IDENTIFIER = "identifier"
    NAME_PLACEHOLDER = "#name"
    VALUE_PLACEHOLDER = ":value"
    NUMBER = "number"
    DOT = "."
    COMMA = ","
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    PLUS = "+"
    MINUS = "-"
    AND = "AND"
    OR = "OR"
    NOT = "NOT"
    BETWEEN = "BETWEEN"
    IN = "IN"
    SET = "SET"
    REMOVE = "REMOVE"
    ADD = "ADD"
    DELETE = "DELETE"
    UNKNOWN = "unknown character"
    EOF = "<EOF>"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text exactly as written, and its span `[start, end)` in the expression."""

    kind: TokenKind
    text: str
    start: int
    end: int


KEYWORDS: dict[str, TokenKind] = {
    kind.value: kind
    for kind in (
        TokenKind.AND,
        TokenKind.OR,
        TokenKind.NOT,
        TokenKind.BETWEEN,
        TokenKind.IN,
        TokenKind.SET,
        TokenKind.REMOVE,
        TokenKind.ADD,
        TokenKind.DELETE,
    )
}

_PUNCTUATION: dict[str, TokenKind] = {
    kind.value: kind
    for kind in (
        TokenKind.DOT,
        TokenKind.COMMA,
        TokenKind.LPAREN,
        TokenKind.RPAREN,
        TokenKind.LBRACKET,
        TokenKind.RBRACKET,
        TokenKind.EQ,
        TokenKind.NE,
        TokenKind.LT,
        TokenKind.LE,
        TokenKind.GT,
        TokenKind.GE,
        TokenKind.PLUS,
        TokenKind.MINUS,
    )
}

# Alternatives are tried in order: two-character operators before their one-character prefixes, and the
# catch-all last. DOTALL so that the catch-all takes any character.
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
    | (?P<identifier>[A-Za-z][A-Za-z0-9_]*)
    | (?P<name>\#[A-Za-z0-9_]+)
    | (?P<value>:[A-Za-z0-9_]+)
    | (?P<number>0|[1-9][0-9]*)
    | (?P<punctuation><=|>=|<>|[.,()\[\]=<>+-])
    | (?P<unknown>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> tuple[Token, ...]:
    """All tokens of `text`, whitespace dropped, ending with EOF. Never fails: bad characters are tokens."""
    tokens: list[Token] = []
    append = tokens.append
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group == "ws":
            continue
        lexeme = match.group()
        start, end = match.span()
        if group == "identifier":
            kind = KEYWORDS.get(lexeme.upper(), TokenKind.IDENTIFIER)
        elif group == "name":
            kind = TokenKind.NAME_PLACEHOLDER
        elif group == "value":
            kind = TokenKind.VALUE_PLACEHOLDER
        elif group == "number":
            kind = TokenKind.NUMBER
        elif group == "punctuation":
            kind = _PUNCTUATION[lexeme]
        else:
            kind = TokenKind.UNKNOWN
        append(Token(kind, lexeme, start, end))
    append(Token(TokenKind.EOF, TokenKind.EOF.value, len(text), len(text)))
    return tuple(tokens)
