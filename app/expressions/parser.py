"""The recursive-descent parser of all expression kinds, and the checks that depend on the text alone.

One `Parser` holds one token stream and reports every syntax error the way AWS does:
`Syntax error; token: "<offending token>", near: "<context>"`, where the context is the original text
from the start of the token before the offending one (or from the start of the text) to the end of the
token after it (or to the end of the text), whitespace included; at the end of input the token is
`<EOF>`. Each grammar is a method; `parse` is the entry point for a kind.

Before parsing: the size limit, then emptiness. After a successful parse, in textual order: reserved
words and list-index range. Everything that needs ExpressionAttributeNames/Values is the resolve phase.
"""

from __future__ import annotations

from app.errors import ValidationException
from app.expressions.ast import (
    AttributeName,
    DocumentPath,
    ListIndex,
    NamePlaceholder,
    PathElement,
    ProjectionAst,
)
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.lexer import Token, TokenKind, tokenize
from app.expressions.reserved import is_reserved

MAX_EXPRESSION_SIZE = 4096
MAX_LIST_INDEX = 2**31 - 1  # indexes are 32-bit signed on AWS's side


def expression_size(text: str) -> int:
    """The size DynamoDB measures: UTF-16 code units (the reference counts a 4-byte UTF-8 emoji as 2)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def check_text(kind: ExpressionKind, text: str) -> None:
    """The checks made before the text is tokenized: size limit first, then emptiness."""
    size = expression_size(text)
    if size > MAX_EXPRESSION_SIZE:
        raise invalid(kind, f"Expression size has exceeded the maximum allowed size; expression size: {size}")
    if not text:
        raise invalid(kind, "The expression can not be empty;")


class Parser:
    """A cursor over the tokens of one expression, with the grammar rules as methods."""

    def __init__(self, kind: ExpressionKind, text: str) -> None:
        self.kind = kind
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    # --- token stream ------------------------------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        if token.kind is not TokenKind.EOF:
            self.position += 1
        return token

    def accept(self, kind: TokenKind) -> Token | None:
        """Consume and return the next token if it is of `kind`."""
        if self.tokens[self.position].kind is kind:
            return self.advance()
        return None

    def expect(self, kind: TokenKind) -> Token:
        """Consume the next token, which must be of `kind`; otherwise it is the offending token."""
        token = self.accept(kind)
        if token is None:
            raise self.syntax_error()
        return token

    def syntax_error(self) -> ValidationException:
        """The syntax error at the next (offending) token, with AWS's `near` context around it."""
        index = self.position
        token = self.tokens[index]
        start = self.tokens[index - 1].start if index > 0 else 0
        end = self.tokens[index + 1].end if index + 1 < len(self.tokens) else len(self.text)
        return invalid(self.kind, f'Syntax error; token: "{token.text}", near: "{self.text[start:end]}"')

    # --- grammar -----------------------------------------------------------------------------------------

    def projection(self) -> ProjectionAst:
        """projection := path (',' path)* EOF"""
        paths = [self.document_path()]
        while self.accept(TokenKind.COMMA):
            paths.append(self.document_path())
        self.expect(TokenKind.EOF)
        return ProjectionAst(tuple(paths))

    def document_path(self) -> DocumentPath:
        """path := name ('.' member | '[' number ']')*
        name := identifier | #placeholder;  member := name | :placeholder"""
        elements: list[PathElement] = [self.path_name(after_dot=False)]
        while True:
            if self.accept(TokenKind.DOT):
                elements.append(self.path_name(after_dot=True))
            elif self.accept(TokenKind.LBRACKET):
                elements.append(ListIndex(int(self.expect(TokenKind.NUMBER).text)))
                self.expect(TokenKind.RBRACKET)
            else:
                return DocumentPath(tuple(elements))

    def path_name(self, *, after_dot: bool) -> AttributeName | NamePlaceholder:
        token = self.peek()
        if token.kind is TokenKind.IDENTIFIER:
            self.advance()
            return AttributeName(token.text)
        # The reference accepts a `:value` placeholder after a dot and looks it up among the *names*, so
        # `a.:v` parses and then fails as an undefined attribute name.
        if token.kind is TokenKind.NAME_PLACEHOLDER or (
            after_dot and token.kind is TokenKind.VALUE_PLACEHOLDER
        ):
            self.advance()
            return NamePlaceholder(token.text)
        raise self.syntax_error()

    # --- checks on the parsed tree -----------------------------------------------------------------------

    def check_paths(self, paths: tuple[DocumentPath, ...]) -> None:
        """Reserved words and list-index range, whichever comes first in the text."""
        for path in paths:
            for element in path.elements:
                if isinstance(element, AttributeName) and is_reserved(element.name):
                    raise invalid(
                        self.kind, f"Attribute name is a reserved keyword; reserved keyword: {element.name}"
                    )
                if isinstance(element, ListIndex) and element.index > MAX_LIST_INDEX:
                    raise invalid(
                        self.kind, f"List index is not within the allowable range; index: [{element.index}]"
                    )


def parse_projection(text: str) -> ProjectionAst:
    """A ProjectionExpression's tree, or the ValidationException AWS gives for its text."""
    kind = ExpressionKind.PROJECTION
    check_text(kind, text)
    parser = Parser(kind, text)
    tree = parser.projection()
    parser.check_paths(tree.paths)
    return tree
