"""The syntax trees of the PartiQL subset DynamoDB runs, as frozen dataclasses.

Expressions keep the position of the token AWS's messages point at (a literal's or path's first token, a
binary operator's operator, a collection's opening bracket). Statements are the four DynamoDB accepts
(SELECT, INSERT, UPDATE, DELETE) and EXISTS(SELECT …), ExecuteTransaction's condition check.
`Parameter.index` numbers the `?` of a statement in text order, from 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.partiql.lexer import Position


class LiteralKind(Enum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Literal:
    """A scalar literal: `text` is the string's content, the number as written (with a folded sign), or
    "true"/"false"."""

    kind: LiteralKind
    text: str
    position: Position


@dataclass(frozen=True, slots=True)
class Parameter:
    index: int
    position: Position


@dataclass(frozen=True, slots=True)
class Path:
    """`root` then `.name`, `['name']` and `[n]` steps (names are str, list indexes int). `root_quoted`:
    the root was written in double quotes (it can then never be a keyword)."""

    root: str
    steps: tuple[str | int, ...]
    position: Position
    root_quoted: bool = False

    @property
    def elements(self) -> tuple[str | int, ...]:
        return (self.root, *self.steps)


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Expr, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class BagExpr:
    """`<<a, b>>`: DynamoDB's string and number sets."""

    items: tuple[Expr, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class StructExpr:
    """`{'k': v, …}`: a map, or an INSERT's item."""

    entries: tuple[tuple[Expr, Expr], ...]
    position: Position


@dataclass(frozen=True, slots=True)
class Call:
    """`name(arguments)`; `name` in lower case (PartiQL function names are case-insensitive)."""

    name: str
    arguments: tuple[Expr, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class Binary:
    """`left <operator> right`: operator one of = <> < <= > >= + - * / % || and or like."""

    operator: str
    left: Expr
    right: Expr
    position: Position


@dataclass(frozen=True, slots=True)
class Unary:
    """`not x`, `-x`, `+x` (a sign before a number literal is folded into it instead)."""

    operator: str
    operand: Expr
    position: Position


@dataclass(frozen=True, slots=True)
class Between:
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    position: Position


@dataclass(frozen=True, slots=True)
class In:
    operand: Expr
    candidates: Expr
    negated: bool
    position: Position


@dataclass(frozen=True, slots=True)
class Is:
    """`x IS [NOT] TYPE`; `type_name` in upper case with PartiQL's aliases resolved (INT -> INTEGER)."""

    operand: Expr
    type_name: str
    negated: bool
    position: Position


@dataclass(frozen=True, slots=True)
class Subquery:
    """A SELECT inside an expression (`x IN (SELECT …)`), which DynamoDB refuses."""

    position: Position


Expr = (
    Literal
    | Parameter
    | Path
    | ListExpr
    | BagExpr
    | StructExpr
    | Call
    | Binary
    | Unary
    | Between
    | In
    | Is
    | Subquery
)


# --- statements ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """The table (and index) a statement names."""

    table: str
    index: str | None


@dataclass(frozen=True, slots=True)
class OrderItem:
    path: Path
    descending: bool


@dataclass(frozen=True, slots=True)
class Select:
    """`projection` None is `*`."""

    projection: tuple[Path, ...] | None
    source: Source
    where: Expr | None
    order_by: tuple[OrderItem, ...]


@dataclass(frozen=True, slots=True)
class Insert:
    """`returning`: a RETURNING clause was written (AWS refuses it once the item's key is checked)."""

    source: Source
    value: Expr
    returning: bool = False


@dataclass(frozen=True, slots=True)
class SetClause:
    path: Path
    value: Expr


@dataclass(frozen=True, slots=True)
class RemoveClause:
    path: Path


class Returning(Enum):
    """RETURNING's four forms, named as UpdateItem's ReturnValues."""

    ALL_OLD = "ALL_OLD"
    ALL_NEW = "ALL_NEW"
    MODIFIED_OLD = "UPDATED_OLD"
    MODIFIED_NEW = "UPDATED_NEW"

    @property
    def text(self) -> str:
        first, second = self.name.split("_")
        return f"RETURNING {first} {second} *"


@dataclass(frozen=True, slots=True)
class Update:
    source: Source
    clauses: tuple[SetClause | RemoveClause, ...]
    where: Expr | None
    returning: Returning | None


@dataclass(frozen=True, slots=True)
class Delete:
    source: Source
    where: Expr | None
    returning: Returning | None


@dataclass(frozen=True, slots=True)
class Exists:
    """`EXISTS(SELECT …)`: a condition check in ExecuteTransaction."""

    select: Select


Statement = Select | Insert | Update | Delete | Exists


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed statement and how many `?` it has."""

    statement: Statement
    parameter_count: int
