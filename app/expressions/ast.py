"""The syntax trees of all expression kinds, as frozen dataclasses, and the resolved form of a document path.

A `DocumentPath` is what the parser saw (`a.#n[2].c`): names as written, `#placeholders` not yet
substituted, list indexes. An `AttributePath` is the same path after the resolve phase: plain attribute
names and list indexes, which is what evaluation and projection work with.

Operands are paths, `:value` placeholders, function calls and (in SET values only) `+`/`-` arithmetic.
Conditions are comparisons, BETWEEN, IN, AND/OR/NOT and function calls. Parentheses leave no node: the
parser checks them (redundant ones are an error) and the tree keeps only the grouping they made.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AttributeName:
    """An attribute name written literally in the expression (an identifier)."""

    name: str


@dataclass(frozen=True, slots=True)
class NamePlaceholder:
    """A `#key` that ExpressionAttributeNames maps to an attribute name."""

    key: str


@dataclass(frozen=True, slots=True)
class ListIndex:
    """A `[n]` dereference of a list element."""

    index: int


PathElement = AttributeName | NamePlaceholder | ListIndex


@dataclass(frozen=True, slots=True)
class DocumentPath:
    """A document path as written: a name or placeholder, then `.name`, `.#key` and `[n]` steps."""

    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class ProjectionAst:
    """A ProjectionExpression: document paths in the order written."""

    paths: tuple[DocumentPath, ...]


@dataclass(frozen=True, slots=True)
class AttributePath:
    """A resolved document path: attribute names (str) and list indexes (int), outermost first."""

    elements: tuple[str | int, ...]

    def render(self) -> str:
        """The path as AWS prints it in messages: `[a, b, [1]]`."""
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"


# --- operands ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValuePlaceholder:
    """A `:key` that ExpressionAttributeValues maps to an attribute value."""

    key: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """`name(arg, …)`, as an operand (size, if_not_exists, list_append) or a condition (begins_with, …).
    The name is kept as written; whether it is a known function is checked after parsing."""

    name: str
    arguments: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """`left + right` or `left - right`, the value of a SET action."""

    operator: str
    left: Operand
    right: Operand


Operand = DocumentPath | ValuePlaceholder | FunctionCall | Arithmetic


# --- conditions --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left <op> right` with op one of = <> < <= > >=."""

    operator: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    """`operand BETWEEN low AND high`."""

    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    """`operand IN (candidate, …)`."""

    operand: Operand
    candidates: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Not:
    operand: ConditionNode


@dataclass(frozen=True, slots=True)
class And:
    left: ConditionNode
    right: ConditionNode


@dataclass(frozen=True, slots=True)
class Or:
    left: ConditionNode
    right: ConditionNode


ConditionNode = Comparison | Between | In | Not | And | Or | FunctionCall


@dataclass(frozen=True, slots=True)
class ConditionAst:
    """A ConditionExpression, FilterExpression or KeyConditionExpression."""

    root: ConditionNode


# --- updates -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetAction:
    path: DocumentPath
    value: Operand


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: DocumentPath


@dataclass(frozen=True, slots=True)
class AddAction:
    path: DocumentPath
    value: ValuePlaceholder


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: DocumentPath
    value: ValuePlaceholder


Action = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class Section:
    """One `SET …`, `REMOVE …`, `ADD …` or `DELETE …` clause: its keyword (upper case) and actions."""

    keyword: str
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class UpdateAst:
    """An UpdateExpression: its clauses in the order written (a keyword may repeat; that is checked
    after parsing, as AWS does)."""

    sections: tuple[Section, ...]

    def actions(self) -> tuple[Action, ...]:
        return tuple(action for section in self.sections for action in section.actions)
