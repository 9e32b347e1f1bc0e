"""The PartiQL lexer: statement text -> tokens, each with the line, column and length AWS's messages cite.

Tokens (as DynamoDB's PartiQL front end, partiql-lang-kotlin, reads them):
- keywords: PartiQL's reserved words (SQL-92's and PartiQL's own, `KEYWORDS`), any case; an identifier
  spelled like one is the keyword, so `SELECT size FROM t` does not parse;
- identifiers: `[A-Za-z_$][A-Za-z0-9_$]*` (an `@` in front is allowed and kept out of the name), and
  double-quoted ones (`"a b"`, `""` for a quote), which may be any text and are never keywords;
- strings in single quotes (`''` for a quote), numbers (`1`, `-` is an operator, `.5`, `5.`, `1e3`),
  backquoted Ion literals (recognised only to be refused);
- operators and punctuation, longest first: `<<` `>>` `<>` `!=` `<=` `>=` `||` and single characters;
- `--` line comments and `/* */` block comments are skipped.

Anything else (an unterminated string, a stray `#`, `1e` without digits) is a syntax error, which AWS
reports for the whole statement: `Statement wasn't well formed, can't be processed: <statement>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.errors import ValidationException

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "

KEYWORDS = frozenset(
    """
    absolute action add all allocate alter and any are as asc assertion at authorization avg begin between
    bit bit_length by cascade cascaded case cast catalog char character character_length char_length check
    close coalesce collate collation column commit connect connection constraint constraints continue
    convert corresponding count create cross current current_date current_time current_timestamp
    current_user cursor date deallocate dec decimal declare default deferrable deferred delete desc
    describe descriptor diagnostics disconnect distinct domain double drop else end end-exec escape except
    exception exec execute exists external extract date_add date_diff false fetch first float for foreign
    found from full get global go goto grant group having identity immediate in indicator initially inner
    input insensitive insert int integer intersect interval into is isolation join key language last left
    level like local lower match max min module names national natural nchar next no not null nullif
    numeric octet_length of on only open option or order outer output overlaps pad partial position
    precision prepare preserve primary prior privileges procedure public read real references relative
    restrict revoke right rollback rows schema scroll section select session session_user set size
    smallint some space sql sqlcode sqlerror sqlstate substring sum system_user table temporary then time
    timestamp to transaction translate translation trim true union unique unknown update upper usage user
    using value values varchar varying view when whenever where with work write zone
    can_cast can_lossless_cast missing pivot unpivot limit offset tuple remove index let integer2 int2
    integer4 int4 integer8 int8 bigint conflict do nothing returning modified new old bool boolean string
    symbol clob blob struct list sexp bag
    """.split()  # noqa: SIM905
)

_OPERATORS = ("<<", ">>", "<>", "!=", "<=", ">=", "||")
_PUNCTUATION = frozenset("()[]{},.:;*+-/%=<>?")
_IDENTIFIER_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$")
_IDENTIFIER_PART = _IDENTIFIER_START | frozenset("0123456789")
_DIGITS = frozenset("0123456789")


class TokenKind(Enum):
    KEYWORD = "keyword"
    IDENTIFIER = "identifier"
    QUOTED_IDENTIFIER = "quoted identifier"
    STRING = "string"
    NUMBER = "number"
    ION = "ion"
    OPERATOR = "operator"
    EOF = "end"


@dataclass(frozen=True, slots=True)
class Position:
    """Where a token starts (1-based line and column) and how many characters it spans."""

    line: int
    column: int
    length: int

    def render(self) -> str:
        """As AWS appends it to messages: `at 1:24:3`."""
        return f"at {self.line}:{self.column}:{self.length}"


@dataclass(frozen=True, slots=True)
class Token:
    """`text` is the keyword or identifier as written (an identifier without a leading `@`), the string's
    content, the number as written, or the operator; `word` is a keyword in lower case."""

    kind: TokenKind
    text: str
    position: Position

    @property
    def word(self) -> str:
        return self.text.lower() if self.kind is TokenKind.KEYWORD else ""

    def is_keyword(self, *words: str) -> bool:
        return self.kind is TokenKind.KEYWORD and self.text.lower() in words

    def is_operator(self, *operators: str) -> bool:
        return self.kind is TokenKind.OPERATOR and self.text in operators


def not_well_formed(statement: str) -> ValidationException:
    return ValidationException(NOT_WELL_FORMED + statement)


class _Scanner:
    def __init__(self, statement: str) -> None:
        self.text = statement
        self.index = 0
        self.line = 1
        self.line_start = 0
        self.tokens: list[Token] = []

    def fail(self) -> ValidationException:
        return not_well_formed(self.text)

    def position(self, start: int) -> Position:
        return Position(self.line, start - self.line_start + 1, self.index - start)

    def add(self, kind: TokenKind, text: str, start: int) -> None:
        self.tokens.append(Token(kind, text, self.position(start)))

    def advance_over(self, end: int) -> None:
        """Move to `end`, counting the line breaks passed (inside comments, strings, identifiers)."""
        while True:
            newline = self.text.find("\n", self.index, end)
            if newline < 0:
                break
            self.line += 1
            self.line_start = newline + 1
            self.index = newline + 1
        self.index = end

    def quoted(self, quote: str) -> tuple[str, int]:
        """The content of a quoted string or identifier starting at `self.index` (on the quote)."""
        text = self.text
        parts: list[str] = []
        position = self.index + 1
        while True:
            end = text.find(quote, position)
            if end < 0:
                raise self.fail()
            parts.append(text[position:end])
            if text.startswith(quote, end + 1):
                parts.append(quote)
                position = end + 2
                continue
            return "".join(parts), end + 1

    def run(self) -> list[Token]:
        text = self.text
        length = len(text)
        while self.index < length:
            char = text[self.index]
            start = self.index
            if char in " \t\r\f\v":
                self.index += 1
            elif char == "\n":
                self.advance_over(self.index + 1)
            elif text.startswith("--", start):
                end = text.find("\n", start)
                self.index = length if end < 0 else end
            elif text.startswith("/*", start):
                end = text.find("*/", start + 2)
                if end < 0:
                    raise self.fail()
                self.advance_over(end + 2)
            elif char in "'\"":
                content, end = self.quoted(char)
                line, column = self.line, start - self.line_start + 1
                self.advance_over(end)
                kind = TokenKind.STRING if char == "'" else TokenKind.QUOTED_IDENTIFIER
                self.tokens.append(Token(kind, content, Position(line, column, end - start)))
            elif char == "`":
                end = text.find("`", start + 1)
                if end < 0:
                    raise self.fail()
                line, column = self.line, start - self.line_start + 1
                self.advance_over(end + 1)
                self.tokens.append(
                    Token(TokenKind.ION, text[start + 1 : end], Position(line, column, end + 1 - start))
                )
            elif char in _DIGITS or (char == "." and start + 1 < length and text[start + 1] in _DIGITS):
                self.number()
            elif char in _IDENTIFIER_START or (
                char == "@" and start + 1 < length and text[start + 1] in _IDENTIFIER_START
            ):
                self.identifier()
            else:
                self.operator()
        self.tokens.append(Token(TokenKind.EOF, "", Position(self.line, self.index - self.line_start + 1, 0)))
        return self.tokens

    def number(self) -> None:
        text = self.text
        start = self.index
        end = start
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if end < len(text) and text[end] == ".":
            end += 1
            while end < len(text) and text[end] in _DIGITS:
                end += 1
        if end < len(text) and text[end] in "eE":
            end += 1
            if end < len(text) and text[end] in "+-":
                end += 1
            if end >= len(text) or text[end] not in _DIGITS:
                raise self.fail()
            while end < len(text) and text[end] in _DIGITS:
                end += 1
        self.index = end
        self.add(TokenKind.NUMBER, text[start:end], start)

    def identifier(self) -> None:
        text = self.text
        start = self.index
        begin = start + 1 if text[start] == "@" else start
        end = begin
        while end < len(text) and text[end] in _IDENTIFIER_PART:
            end += 1
        self.index = end
        word = text[begin:end]
        lower = word.lower()
        if lower in KEYWORDS and begin == start:
            self.add(TokenKind.KEYWORD, word, start)
        else:
            self.add(TokenKind.IDENTIFIER, word, start)

    def operator(self) -> None:
        text = self.text
        start = self.index
        for operator in _OPERATORS:
            if text.startswith(operator, start):
                self.index = start + len(operator)
                self.add(TokenKind.OPERATOR, operator, start)
                return
        char = text[start]
        if char not in _PUNCTUATION:
            raise self.fail()
        self.index = start + 1
        self.add(TokenKind.OPERATOR, char, start)


def tokenize(statement: str) -> list[Token]:
    """The tokens of `statement`, ending with an EOF token; raises AWS's syntax error."""
    return _Scanner(statement).run()
