"""Looking ahead over an operand without building it: where it ends, and whether the tokens there can
still be something else.

DynamoDB's (ANTLR) parser decides between some alternatives by reading ahead through a whole operand,
so the syntax error it reports can lie beyond the point where a plain recursive descent would stop (see
`Parser.check_follower` and `Parser.set_value`). The scan is iterative, so deep nesting costs no stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn, Protocol

from app.expressions.lexer import Token, TokenKind

_MEMBER_NAMES = frozenset({TokenKind.IDENTIFIER, TokenKind.NAME_PLACEHOLDER, TokenKind.VALUE_PLACEHOLDER})


class Cursor(Protocol):
    """What the scan needs of the parser: its tokens, and its syntax error at a token."""

    tokens: tuple[Token, ...]

    def fail_at(self, index: int) -> NoReturn: ...


@dataclass(frozen=True, slots=True)
class OperandScan:
    """What `scan_operand` found: the index where the operand ends (`complete`) or where it stops
    being one, whether it is a function call under its parentheses, and, when cut short, whether that
    happened after a whole operand (and whether that one was a function call)."""

    end: int
    complete: bool
    is_function: bool = False
    after_operand: bool = False
    last_is_function: bool = False


def scan_operand(cursor: Cursor, start: int) -> OperandScan:
    """Scan the operand starting at `start`, without building it: where it ends (or where it stops
    being an operand, when the tokens there may still be something else: a parenthesized condition or
    arithmetic). Tokens that go wrong inside a function's arguments or a path can be nothing else:
    that is the syntax error. Iterative, so deep nesting costs no stack."""
    tokens = cursor.tokens
    i = start
    closers: list[TokenKind] = []  # RPAREN for a parenthesis, COMMA for a function's arguments
    open_calls = 0
    is_function = False
    last_is_function = False
    while True:
        while tokens[i].kind is TokenKind.LPAREN:
            closers.append(TokenKind.RPAREN)
            i += 1
        kind = tokens[i].kind
        if kind is TokenKind.IDENTIFIER and tokens[i + 1].kind is TokenKind.LPAREN:
            is_function = is_function or open_calls == 0
            closers.append(TokenKind.COMMA)
            open_calls += 1
            i += 2
            continue
        if kind is TokenKind.VALUE_PLACEHOLDER:
            i += 1
        elif kind is TokenKind.IDENTIFIER or kind is TokenKind.NAME_PLACEHOLDER:
            i = _path_end(cursor, i)
        else:
            return _failure(cursor, i, open_calls, after_operand=False, last_is_function=False)
        last_is_function = False
        # One operand is complete: close what encloses it, up to the next argument or the end.
        while closers:
            closer = closers[-1]
            kind = tokens[i].kind
            if closer is TokenKind.COMMA and kind is TokenKind.COMMA:
                i += 1
                break
            if kind is not TokenKind.RPAREN:
                return _failure(cursor, i, open_calls, after_operand=True, last_is_function=last_is_function)
            closers.pop()
            if closer is TokenKind.COMMA:
                open_calls -= 1
                last_is_function = True
            i += 1
        else:
            return OperandScan(i, complete=True, is_function=is_function)


def _failure(
    cursor: Cursor, index: int, open_calls: int, *, after_operand: bool, last_is_function: bool
) -> OperandScan:
    """No operand: a syntax error at `index` if inside a function's arguments, else maybe not one."""
    if open_calls:
        cursor.fail_at(index)
    return OperandScan(index, complete=False, after_operand=after_operand, last_is_function=last_is_function)


def _path_end(cursor: Cursor, start: int) -> int:
    """The index after the document path starting at `start` (a name token). A `.` or `[` that goes
    wrong is a syntax error whatever the path is part of."""
    tokens = cursor.tokens
    i = start + 1
    while True:
        kind = tokens[i].kind
        if kind is TokenKind.DOT:
            if tokens[i + 1].kind not in _MEMBER_NAMES:
                cursor.fail_at(i + 1)
            i += 2
        elif kind is TokenKind.LBRACKET:
            if tokens[i + 1].kind is not TokenKind.NUMBER:
                cursor.fail_at(i + 1)
            if tokens[i + 2].kind is not TokenKind.RBRACKET:
                cursor.fail_at(i + 2)
            i += 3
        else:
            return i
