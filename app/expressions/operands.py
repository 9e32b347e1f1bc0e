"""Resolved operands: what a path, a value or a value function stands for in one item.

Each node's `evaluate(item)` returns the attribute value it denotes, or None where there is none (a
missing attribute, or size of something that has no size). Placeholders are already substituted, so
evaluation is a walk over frozen dataclasses and nothing else.

The value functions of SET follow DynamoDB's evaluator (observed on the reference):
- every operand is evaluated first, left to right (so an error inside one wins);
- `+`, `-` and list_append then check their operands in order: a missing one is "The provided expression
  refers to an attribute that does not exist in the item", one of the wrong type (not N, not L) is "An
  operand in the update expression has an incorrect data type";
- if_not_exists(path, value) needs its second operand to exist even when the path does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from app.errors import ValidationException
from app.values import compare, documents
from app.values.attributes import AttributeValue

Item = Mapping[str, AttributeValue]

MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"


class ValueExpr(Protocol):
    """Anything that denotes an attribute value in an item (or nothing)."""

    def evaluate(self, item: Item) -> AttributeValue | None: ...


@dataclass(frozen=True, slots=True)
class PathValue:
    """The value at a document path (names and list indexes, outermost first)."""

    path: tuple[str | int, ...]

    def evaluate(self, item: Item) -> AttributeValue | None:
        return documents.get_path(item, self.path)


@dataclass(frozen=True, slots=True)
class Literal:
    """An ExpressionAttributeValues value (validated, canonical numbers)."""

    value: AttributeValue

    def evaluate(self, item: Item) -> AttributeValue | None:
        return self.value


@dataclass(frozen=True, slots=True)
class Size:
    """size(operand): a number, or nothing for a missing operand or one without a size."""

    operand: ValueExpr

    def evaluate(self, item: Item) -> AttributeValue | None:
        value = self.operand.evaluate(item)
        if value is None:
            return None
        length = compare.size(value)
        return None if length is None else {"N": str(length)}


def _present(value: AttributeValue | None) -> AttributeValue:
    if value is None:
        raise ValidationException(MISSING_ATTRIBUTE)
    return value


@dataclass(frozen=True, slots=True)
class IfNotExists:
    """if_not_exists(path, fallback): the value at path if there is one, else the fallback."""

    path: PathValue
    fallback: ValueExpr

    def evaluate(self, item: Item) -> AttributeValue | None:
        existing = self.path.evaluate(item)
        fallback = _present(self.fallback.evaluate(item))
        return fallback if existing is None else existing


def _operands_of_type(
    left: AttributeValue | None, right: AttributeValue | None, kind: str
) -> tuple[AttributeValue, AttributeValue]:
    for value in (left, right):
        if kind not in _present(value):
            raise ValidationException(documents.INCORRECT_TYPE)
    assert left is not None and right is not None
    return left, right


@dataclass(frozen=True, slots=True)
class ListAppend:
    """list_append(left, right): the elements of one list, then the other's."""

    left: ValueExpr
    right: ValueExpr

    def evaluate(self, item: Item) -> AttributeValue | None:
        left, right = _operands_of_type(self.left.evaluate(item), self.right.evaluate(item), "L")
        return documents.list_append(left, right)


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """left + right, left - right: exact decimal arithmetic on numbers."""

    operator: str
    left: ValueExpr
    right: ValueExpr

    def evaluate(self, item: Item) -> AttributeValue | None:
        left, right = _operands_of_type(self.left.evaluate(item), self.right.evaluate(item), "N")
        if self.operator == "+":
            return documents.plus(left, right)
        return documents.minus(left, right)
