"""The expression half of the PartiQL parser: tokens in, expression trees out, by precedence climbing.

PartiQL's levels, loosest first: OR < AND < NOT < (= <> IS IN) < (< <= > >= BETWEEN LIKE) < (+ - ||) <
(* / %), then unary signs (folded into a number literal that follows), literals, `?`, paths (`a.b[0]`,
`a['b']`), calls, `[…]`, `<<…>>`, `{…}` and parentheses (`(1, 2)` is a list, as IN's candidates).

Errors come in two kinds, as AWS reports them: a statement that does not fit the grammar is `Statement
wasn't well formed, can't be processed: <statement>` at once; a construct the grammar knows but DynamoDB
refuses (`a.*`, `[-1]`, `IS INT`, …) is `defer`red, because a syntax error anywhere in the statement wins
over it; the first deferred error is raised once the whole statement has parsed.
"""

from __future__ import annotations

from typing import NoReturn

from app.errors import ValidationException
from app.partiql import ast
from app.partiql.ast import LiteralKind
from app.partiql.lexer import Position, Token, TokenKind, not_well_formed, tokenize

_INFIX_PRECEDENCE = {
    "or": 10,
    "and": 20,
    "=": 40,
    "<>": 40,
    "!=": 40,
    "is": 40,
    "in": 40,
    "<": 50,
    "<=": 50,
    ">": 50,
    ">=": 50,
    "between": 50,
    "like": 50,
    "+": 60,
    "-": 60,
    "||": 60,
    "*": 70,
    "/": 70,
    "%": 70,
}
NOT_PRECEDENCE = 30
UNARY_PRECEDENCE = 80
_NEGATABLE = {"in": 40, "between": 50, "like": 50}

TYPE_ALIASES = {
    "varchar": "character_varying",
    "char": "character",
    "dec": "decimal",
    "int": "integer",
    "int2": "smallint",
    "integer2": "smallint",
    "int4": "integer4",
    "int8": "integer8",
    "bigint": "integer8",
    "bool": "boolean",
}
_TYPE_NAMES_TEXT = (
    "missing null boolean smallint integer4 integer8 integer float real decimal numeric timestamp date "
    "time character character_varying string symbol clob blob struct tuple list sexp bag"
)
TYPE_NAMES = frozenset(_TYPE_NAMES_TEXT.split())
IS_TYPES = ("MISSING", "NULL", "BOOLEAN", "BLOB", "STRING", "NUMERIC", "STRUCT", "TUPLE", "LIST")
NAME_TOKENS = (TokenKind.IDENTIFIER, TokenKind.QUOTED_IDENTIFIER)
_FUNCTION_KEYWORDS = frozenset({"size", "exists", "count", "avg", "max", "min", "sum", "upper", "lower"})


def error(message: str, position: Position | None = None) -> ValidationException:
    return ValidationException(message if position is None else f"{message} {position.render()}")


class ExpressionParser:
    """One statement's tokens, the `?` counted so far, and the first deferred error."""

    def __init__(self, statement: str) -> None:
        self.statement = statement
        self.tokens = tokenize(statement)
        self.index = 0
        self.parameters = 0
        self.deferred: ValidationException | None = None

    def defer(self, failure: ValidationException) -> None:
        """Keep the first refusal of a construct, to raise once the statement's syntax is known good."""
        if self.deferred is None:
            self.deferred = failure

    def subquery(self) -> object:
        """A SELECT inside an expression (the statement parser reads it)."""
        raise NotImplementedError

    # --- tokens --------------------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def fail(self) -> NoReturn:
        raise not_well_formed(self.statement)

    def keyword(self, *words: str) -> Token:
        token = self.take()
        if not token.is_keyword(*words):
            self.fail()
        return token

    def operator(self, operator: str) -> Token:
        token = self.take()
        if not token.is_operator(operator):
            self.fail()
        return token

    def accept_keyword(self, *words: str) -> Token | None:
        return self.take() if self.peek().is_keyword(*words) else None

    def accept_operator(self, *operators: str) -> Token | None:
        return self.take() if self.peek().is_operator(*operators) else None

    # --- expressions ---------------------------------------------------------------------------------------

    def expression(self, floor: int, *, projection: bool = False) -> ast.Expr:
        left = self.prefix(projection)
        while True:
            token = self.peek()
            word = token.word if token.kind is TokenKind.KEYWORD else token.text
            if token.kind not in (TokenKind.KEYWORD, TokenKind.OPERATOR):
                return left
            negated = False
            if word == "not" and self.peek(1).word in _NEGATABLE:
                negated = True
                word = self.peek(1).word
            precedence = _INFIX_PRECEDENCE.get(word)
            if precedence is None or precedence <= floor:
                return left
            self.take()
            if negated:
                self.take()
            left = self.infix(word, token, left, precedence, negated)

    def infix(self, word: str, token: Token, left: ast.Expr, precedence: int, negated: bool) -> ast.Expr:
        position = token.position
        if word == "is":
            negated = self.accept_keyword("not") is not None
            return ast.Is(left, self.type_name(position), negated, position)
        if word == "between":
            low = self.expression(precedence)
            self.keyword("and")
            high = self.expression(precedence)
            return ast.Between(left, low, high, negated, position)
        if word == "in":
            following = self.peek()
            if following.is_operator("(") and not self.peek(1).is_keyword("select"):
                self.take()  # `x IN (a)` is a list of one, as `x IN (a, b)` one of two
                candidates: ast.Expr = ast.ListExpr(self.items(")"), following.position)
            else:
                candidates = self.expression(precedence)
            return ast.In(left, candidates, negated, position)
        right = self.expression(precedence)
        if word == "like":
            if self.accept_keyword("escape"):
                self.expression(precedence)
            operator = "not like" if negated else "like"
            return ast.Binary(operator, left, right, position)
        return ast.Binary("<>" if word == "!=" else word, left, right, position)

    def type_name(self, position: Position) -> str:
        token = self.take()
        if token.kind is not TokenKind.KEYWORD:
            self.fail()
        name = token.word
        if name == "double" and self.accept_keyword("precision"):
            name = "double_precision"
        elif name == "character" and self.accept_keyword("varying"):
            name = "character_varying"
        name = TYPE_ALIASES.get(name, name)
        if name not in TYPE_NAMES and name != "double_precision":
            self.fail()
        if self.accept_operator("("):
            while not self.accept_operator(")"):
                if self.take().kind is TokenKind.EOF:
                    self.fail()
        upper = name.upper()
        if upper not in IS_TYPES:
            supported = ", ".join(IS_TYPES)
            self.defer(
                error(
                    f"Unsupported data type for IS operator: {upper}. Supported data types are [{supported}]",
                    position,
                )
            )
        return upper

    def prefix(self, projection: bool) -> ast.Expr:
        token = self.take()
        kind = token.kind
        if kind is TokenKind.STRING:
            return ast.Literal(LiteralKind.STRING, token.text, token.position)
        if kind is TokenKind.NUMBER:
            return ast.Literal(LiteralKind.NUMBER, token.text, token.position)
        if kind is TokenKind.IDENTIFIER and self.peek().is_operator("("):
            return self.call(token.text.lower(), token.position)
        if kind in NAME_TOKENS:
            return self.path(token, projection=projection)
        if kind is TokenKind.ION:
            self.fail()
        if kind is TokenKind.KEYWORD:
            return self.keyword_prefix(token)
        if kind is TokenKind.OPERATOR:
            return self.operator_prefix(token)
        self.fail()

    def keyword_prefix(self, token: Token) -> ast.Expr:
        word = token.word
        if word in ("true", "false"):
            return ast.Literal(LiteralKind.BOOLEAN, word, token.position)
        if word == "null":
            return ast.Literal(LiteralKind.NULL, word, token.position)
        if word == "missing":
            return ast.Literal(LiteralKind.MISSING, word, token.position)
        if word == "not":
            operand = self.expression(NOT_PRECEDENCE)
            return ast.Unary("not", operand, token.position)
        if word in _FUNCTION_KEYWORDS and self.peek().is_operator("("):
            return self.call(word, token.position)
        self.fail()

    def operator_prefix(self, token: Token) -> ast.Expr:
        text = token.text
        position = token.position
        if text in ("-", "+"):
            following = self.peek()
            if following.kind is TokenKind.NUMBER:
                self.take()
                number = following.text if text == "+" else "-" + following.text
                return ast.Literal(LiteralKind.NUMBER, number, following.position)
            return ast.Unary(text, self.expression(UNARY_PRECEDENCE), position)
        if text == "?":
            self.parameters += 1
            return ast.Parameter(self.parameters - 1, position)
        if text == "[":
            return ast.ListExpr(self.items("]"), position)
        if text == "<<":
            return ast.BagExpr(self.items(">>"), position)
        if text == "{":
            return self.struct(position)
        if text == "(":
            if self.peek().is_keyword("select"):
                self.subquery()
                self.operator(")")
                return ast.Subquery(position)
            first = self.expression(0)
            if self.accept_operator(")"):
                return first
            self.operator(",")
            return ast.ListExpr((first, *self.items(")")), position)
        self.fail()

    def items(self, closing: str) -> tuple[ast.Expr, ...]:
        if self.accept_operator(closing):
            return ()
        items = [self.expression(0)]
        while self.accept_operator(","):
            items.append(self.expression(0))
        self.operator(closing)
        return tuple(items)

    def struct(self, position: Position) -> ast.StructExpr:
        entries: list[tuple[ast.Expr, ast.Expr]] = []
        if not self.accept_operator("}"):
            while True:
                key = self.expression(0)
                self.operator(":")
                entries.append((key, self.expression(0)))
                if self.accept_operator("}"):
                    break
                self.operator(",")
        return ast.StructExpr(tuple(entries), position)

    def call(self, name: str, position: Position) -> ast.Call:
        self.operator("(")
        if self.peek().is_operator("*") and self.peek(1).is_operator(")"):
            self.take()
            self.take()
            return ast.Call(name, (), position)
        return ast.Call(name, self.items(")"), position)

    def path(self, root: Token, *, projection: bool) -> ast.Path:
        steps: list[str | int] = []
        while True:
            if self.peek().is_operator("."):
                following = self.peek(1)
                if following.kind in NAME_TOKENS:
                    self.take()
                    steps.append(self.take().text)
                    continue
                if following.is_operator("*"):
                    if projection:
                        self.defer(
                            ValidationException("Changing item's hierarchy while reading isn't supported")
                        )
                    else:
                        self.defer(
                            error("Unpivot path component like a.*.b are not supported", following.position)
                        )
                    self.take()
                    self.take()
                    continue
                self.fail()
            if not self.peek().is_operator("["):
                break
            self.take()
            steps.append(self.bracket_step())
        return ast.Path(root.text, tuple(steps), root.position, root.kind is TokenKind.QUOTED_IDENTIFIER)

    def bracket_step(self) -> str | int:
        token = self.peek()
        if token.kind is TokenKind.STRING and self.peek(1).is_operator("]"):
            self.take()
            self.take()
            return token.text
        if token.kind is TokenKind.NUMBER and token.text.isdigit() and self.peek(1).is_operator("]"):
            self.take()
            self.take()
            return int(token.text)
        if token.is_operator("*"):
            self.fail()
        inside = self.expression(0)
        self.operator("]")
        if (
            isinstance(inside, ast.Literal)
            and inside.kind is LiteralKind.NUMBER
            and inside.text.startswith("-")
        ):
            index = inside.text
            self.defer(
                error(f"List index is not within the allowable range; index: [{index}]", inside.position)
            )
        else:
            self.defer(error("Unexpected path component", inside.position))
        return 0
