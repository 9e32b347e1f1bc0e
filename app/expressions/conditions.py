"""Resolved conditions: predicates over one item, and the `Condition` a handler evaluates.

Semantics as DynamoDB evaluates them (observed on the reference; value rules in `app.values.compare`):
- a missing operand makes `=`, `<`, `<=`, `>`, `>=`, BETWEEN, IN, begins_with, contains and
  attribute_type false, and `<>` true (`<>` is the negation of `=`);
- values of different types are unequal and unordered: `<`, `<=`, `>`, `>=` and BETWEEN are false for
  them and for anything but S, N and B; begins_with is false for anything but S and B;
- AND, OR and NOT are the boolean operators; a condition never fails at evaluation time.
A missing item is evaluated as an empty one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from app.errors import ValidationException
from app.expressions.operands import Item, PathValue, ValueExpr
from app.values import compare

_ORDERED = {
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
}


class Predicate(Protocol):
    """Anything that is true or false of an item."""

    def evaluate(self, item: Item) -> bool: ...


@dataclass(frozen=True, slots=True)
class Comparison:
    """left <op> right, op one of = <> < <= > >=."""

    operator: str
    left: ValueExpr
    right: ValueExpr

    def evaluate(self, item: Item) -> bool:
        left = self.left.evaluate(item)
        right = self.right.evaluate(item)
        if self.operator == "=":
            return left is not None and right is not None and compare.equals(left, right)
        if self.operator == "<>":
            return left is None or right is None or not compare.equals(left, right)
        if left is None or right is None:
            return False
        order = compare.order(left, right)
        return order is not None and _ORDERED[self.operator](order)


@dataclass(frozen=True, slots=True)
class Between:
    """operand BETWEEN low AND high, bounds included."""

    operand: ValueExpr
    low: ValueExpr
    high: ValueExpr

    def evaluate(self, item: Item) -> bool:
        value = self.operand.evaluate(item)
        low = self.low.evaluate(item)
        high = self.high.evaluate(item)
        if value is None or low is None or high is None:
            return False
        return compare.between(value, low, high)


@dataclass(frozen=True, slots=True)
class In:
    """operand IN (candidate, …): equal to one of them."""

    operand: ValueExpr
    candidates: tuple[ValueExpr, ...]

    def evaluate(self, item: Item) -> bool:
        value = self.operand.evaluate(item)
        if value is None:
            return False
        for candidate in self.candidates:
            other = candidate.evaluate(item)
            if other is not None and compare.equals(value, other):
                return True
        return False


@dataclass(frozen=True, slots=True)
class AttributeExists:
    path: PathValue

    def evaluate(self, item: Item) -> bool:
        return self.path.evaluate(item) is not None


@dataclass(frozen=True, slots=True)
class AttributeNotExists:
    path: PathValue

    def evaluate(self, item: Item) -> bool:
        return self.path.evaluate(item) is None


@dataclass(frozen=True, slots=True)
class AttributeType:
    """attribute_type(operand, :type) with the type name already checked ("S", "SS", "NULL", …)."""

    operand: ValueExpr
    type_name: str

    def evaluate(self, item: Item) -> bool:
        value = self.operand.evaluate(item)
        return value is not None and compare.type_name(value) == self.type_name


@dataclass(frozen=True, slots=True)
class BeginsWith:
    operand: ValueExpr
    prefix: ValueExpr

    def evaluate(self, item: Item) -> bool:
        value = self.operand.evaluate(item)
        prefix = self.prefix.evaluate(item)
        return value is not None and prefix is not None and compare.begins_with(value, prefix)


@dataclass(frozen=True, slots=True)
class Contains:
    operand: ValueExpr
    member: ValueExpr

    def evaluate(self, item: Item) -> bool:
        value = self.operand.evaluate(item)
        member = self.member.evaluate(item)
        return value is not None and member is not None and compare.contains(value, member)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Predicate

    def evaluate(self, item: Item) -> bool:
        return not self.operand.evaluate(item)


@dataclass(frozen=True, slots=True)
class And:
    left: Predicate
    right: Predicate

    def evaluate(self, item: Item) -> bool:
        return self.left.evaluate(item) and self.right.evaluate(item)


@dataclass(frozen=True, slots=True)
class Or:
    left: Predicate
    right: Predicate

    def evaluate(self, item: Item) -> bool:
        return self.left.evaluate(item) or self.right.evaluate(item)


def key_attribute_error(key: str, label: str = "Key") -> ValidationException:
    """A path reaches into a key attribute of the table (`label` "Key") or of an index ("IndexKey")."""
    return ValidationException(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
        f"{label}: {key}"
    )


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled ConditionExpression or FilterExpression.

    `nested_attributes` are the top-level attributes the expression reads through `.` or `[]`, which
    must not be key attributes (`check_key_attributes`).
    """

    predicate: Predicate
    nested_attributes: frozenset[str] = frozenset()

    def evaluate(self, item: Item | None) -> bool:
        """Whether the condition holds for `item` (None, a missing item, is evaluated as an empty one)."""
        return self.predicate.evaluate(item if item is not None else {})

    def check_key_attributes(self, key_names: Iterable[str], index_key_names: Iterable[str] = ()) -> None:
        """Reject a path into a key attribute (`pk.a`, `pk[0]`) of the table, then of its indexes.
        `key_names` in key-schema order (HASH first), the order DynamoDB checks them in."""
        for key in key_names:
            if key in self.nested_attributes:
                raise key_attribute_error(key)
        for key in index_key_names:
            if key in self.nested_attributes:
                raise key_attribute_error(key, "IndexKey")
