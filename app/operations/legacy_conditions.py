"""The legacy conditions: `Expected` (PutItem, UpdateItem, DeleteItem), `QueryFilter`/`ScanFilter` and
`KeyConditions`, with `ConditionalOperator`: validated as AWS does, and turned into the engine's
Conditions.

An entry of `Expected` is checked in this order (DynamoDB Local's InputConverter, whose messages match
those recorded on AWS by dynalite's suite), entries in request order:
1. its shape: Exists with ComparisonOperator; Value with AttributeValueList; AttributeValueList without
   ComparisonOperator; Value with Exists false; no value where one is needed;
2. its attribute values (Value, then each AttributeValueList element), as any attribute value;
3. the attribute name (empty), then the running size of names and values (over 400 KB: AWS's item
   size message);
4. the arguments of the ComparisonOperator: their count, then each one's type (supported by the
   operator, then the same type as the first), then a BETWEEN's bounds in order.
`ConditionalOperator` is checked after all entries (it needs two or more of them).

The checked entries become the engine's condition nodes (`app.expressions.conditions`), so a legacy
condition is evaluated exactly as a ConditionExpression: EQ NE LT LE GT GE are `= <> < <= > >=` (NE is
true for a missing attribute), NULL and NOT_NULL are attribute_not_exists and attribute_exists, CONTAINS
BEGINS_WITH IN BETWEEN their expression namesakes. One operator differs, as observed on the reference:
NOT_CONTAINS is false for a missing attribute, so it is `attribute_exists(a) AND NOT contains(a, v)`.
(CONTAINS with a BOOL or NULL argument, which no expression can write, holds for a list holding it.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.errors import ValidationException
from app.expressions import Condition, conditions
from app.expressions.conditions import Predicate
from app.expressions.operands import Literal, PathValue
from app.values import compare
from app.values.attributes import INVALID, AttributeValue, validate_value
from app.values.dialect import Dialect
from app.values.size import ITEM_TOO_LARGE, MAX_ITEM_BYTES, value_size

EMPTY_NAME = "Empty attribute name"
NULL_VALUE = "The supplied Item contains a null AttributeValue"
BETWEEN_BOUNDS = (
    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
)
SAME_TYPE = INVALID + "AttributeValues inside AttributeValueList must be of same type"
WITHOUT_CONDITIONS = "ConditionalOperator cannot be used without Filter or Expected"
ONE_CONDITION = "ConditionalOperator can only be used when Filter or Expected has two or more elements"


class Operator(Enum):
    """A ComparisonOperator of the legacy API."""

    EQ = "EQ"
    NE = "NE"
    LE = "LE"
    LT = "LT"
    GE = "GE"
    GT = "GT"
    NOT_NULL = "NOT_NULL"
    NULL = "NULL"
    CONTAINS = "CONTAINS"
    NOT_CONTAINS = "NOT_CONTAINS"
    BEGINS_WITH = "BEGINS_WITH"
    IN = "IN"
    BETWEEN = "BETWEEN"


_ANY = frozenset({"S", "N", "B", "SS", "NS", "BS", "L", "M", "BOOL", "NULL"})
_SORTABLE = frozenset({"S", "N", "B"})
_SCALAR = frozenset({"S", "N", "B", "BOOL", "NULL"})

# The argument types each operator takes (checked on every argument, in order).
_TYPES: dict[Operator, frozenset[str]] = {
    Operator.EQ: _ANY,
    Operator.NE: _ANY,
    Operator.LE: _SORTABLE,
    Operator.LT: _SORTABLE,
    Operator.GE: _SORTABLE,
    Operator.GT: _SORTABLE,
    Operator.NOT_NULL: _ANY,
    Operator.NULL: _ANY,
    Operator.CONTAINS: _SCALAR,
    Operator.NOT_CONTAINS: _SCALAR,
    Operator.BEGINS_WITH: frozenset({"S", "B"}),
    Operator.IN: _SORTABLE,
    Operator.BETWEEN: _SORTABLE,
}


def _count_ok(operator: Operator, count: int) -> bool:
    if operator in (Operator.NULL, Operator.NOT_NULL):
        return count == 0
    if operator is Operator.IN:
        return count >= 1
    if operator is Operator.BETWEEN:
        return count == 2
    return count == 1


_COMPARISONS = {
    Operator.EQ: "=",
    Operator.NE: "<>",
    Operator.LT: "<",
    Operator.LE: "<=",
    Operator.GT: ">",
    Operator.GE: ">=",
}


@dataclass(frozen=True, slots=True)
class AttributeCondition:
    """One checked legacy condition: a top-level attribute, an operator and its arguments (numbers
    canonical). The old `{Value, Exists}` form is EQ (with a Value) or NULL (Exists false)."""

    name: str
    operator: Operator
    arguments: tuple[AttributeValue, ...] = ()

    def predicate(self) -> Predicate:
        """The condition as the engine's nodes."""
        attribute = PathValue((self.name,))
        values = tuple(Literal(argument) for argument in self.arguments)
        operator = self.operator
        if operator in _COMPARISONS:
            return conditions.Comparison(_COMPARISONS[operator], attribute, values[0])
        if operator is Operator.NOT_NULL:
            return conditions.AttributeExists(attribute)
        if operator is Operator.NULL:
            return conditions.AttributeNotExists(attribute)
        if operator is Operator.CONTAINS:
            return conditions.Contains(attribute, values[0])
        if operator is Operator.NOT_CONTAINS:
            # Unlike `NOT contains(…)`, false for a missing attribute.
            absent = conditions.Not(conditions.Contains(attribute, values[0]))
            return conditions.And(conditions.AttributeExists(attribute), absent)
        if operator is Operator.BEGINS_WITH:
            return conditions.BeginsWith(attribute, values[0])
        if operator is Operator.IN:
            return conditions.In(attribute, values)
        return conditions.Between(attribute, values[0], values[1])


def joined(predicates: Sequence[Predicate], conjunction: str) -> Predicate:
    """`predicates` joined by AND or OR, as a balanced tree (thousands of entries stay shallow)."""
    if len(predicates) == 1:
        return predicates[0]
    middle = len(predicates) // 2
    left, right = joined(predicates[:middle], conjunction), joined(predicates[middle:], conjunction)
    return conditions.Or(left, right) if conjunction == "OR" else conditions.And(left, right)


def condition_of(entries: Sequence[AttributeCondition], conjunction: str) -> Condition | None:
    """The engine's Condition for checked entries joined by `conjunction`; None when there are none."""
    if not entries:
        return None
    return Condition(joined([entry.predicate() for entry in entries], conjunction))


def check_arguments(operator: Operator, arguments: tuple[AttributeValue, ...]) -> None:
    """AWS's checks of a ComparisonOperator's arguments: count, types, BETWEEN bounds."""
    if not _count_ok(operator, len(arguments)):
        raise ValidationException(
            f"{INVALID}Invalid number of argument(s) for the {operator.value} ComparisonOperator"
        )
    allowed = _TYPES[operator]
    first = compare.type_name(arguments[0]) if arguments else None
    for argument in arguments:
        kind = compare.type_name(argument)
        if kind not in allowed:
            raise ValidationException(
                f"{INVALID}ComparisonOperator {operator.value} is not valid for {kind} AttributeValue type"
            )
        if kind != first:
            raise ValidationException(SAME_TYPE)
    if operator is Operator.BETWEEN and compare.order(arguments[0], arguments[1]) == 1:
        raise ValidationException(BETWEEN_BOUNDS)


def _checked_value(value: Any, dialect: Dialect) -> AttributeValue:
    if value is None:
        raise ValidationException(NULL_VALUE)
    return validate_value(value, dialect)


def _checked_list(values: Any, dialect: Dialect) -> tuple[AttributeValue, ...]:
    return tuple(_checked_value(value, dialect) for value in values)


def _invalid(detail: str) -> ValidationException:
    return ValidationException(INVALID + detail)


def _check_expected_shape(name: str, entry: Mapping[str, Any]) -> None:
    exists = entry.get("Exists")
    operator = entry.get("ComparisonOperator")
    value = entry.get("Value")
    value_list = entry.get("AttributeValueList")
    if exists is not None and operator is not None:
        raise _invalid(f"Exists and ComparisonOperator cannot be used together for Attribute: {name}")
    if value is not None and value_list is not None:
        raise _invalid(f"Value and AttributeValueList cannot be used together for Attribute: {name}")
    if operator is None and value_list is not None:
        raise _invalid(f"AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}")
    if exists is False and value is not None:
        raise _invalid(f"Value cannot be used when Exists is false for Attribute: {name}")
    if value is not None or value_list is not None:
        return
    if operator is not None:
        if operator not in ("NULL", "NOT_NULL"):
            raise _invalid(
                "Value or AttributeValueList must be used with ComparisonOperator: "
                f"{operator} for Attribute: {name}"
            )
    elif exists is None:
        raise _invalid(f"Value must be provided when Exists is null for Attribute: {name}")
    elif exists:
        raise _invalid(f"Value must be provided when Exists is true for Attribute: {name}")


def _expected_entry(name: str, entry: Any, dialect: Dialect, size: int) -> tuple[AttributeCondition, int]:
    """One checked `Expected` entry and the running size of the names and values so far."""
    if entry is None:
        raise _invalid(f"ExpectedAttributeValue must not be null for Attribute: {name}")
    _check_expected_shape(name, entry)
    value = entry.get("Value")
    checked = (
        (_checked_value(value, dialect),)
        if value is not None
        else _checked_list(entry.get("AttributeValueList") or (), dialect)
    )
    if not name:
        raise ValidationException(EMPTY_NAME)
    size += len(name.encode()) + sum(map(value_size, checked))
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
    operator_name = entry.get("ComparisonOperator")
    if operator_name is None:
        exists = value is not None
        return AttributeCondition(name, Operator.EQ if exists else Operator.NULL, checked), size
    operator = Operator(operator_name)
    check_arguments(operator, checked)
    return AttributeCondition(name, operator, checked), size


def conjunction(conditional_operator: str | None, count: int) -> str:
    """The ConditionalOperator to combine `count` conditions with, after AWS's checks."""
    if conditional_operator is None:
        return "AND"
    if count == 0:
        raise ValidationException(WITHOUT_CONDITIONS)
    if count == 1:
        raise ValidationException(ONE_CONDITION)
    return conditional_operator


def expected_condition(
    expected: Mapping[str, Any] | None, conditional_operator: str | None, dialect: Dialect
) -> Condition | None:
    """The condition of `Expected` and `ConditionalOperator`; None when there is nothing to check."""
    entries: list[AttributeCondition] = []
    size = 0
    for name, entry in (expected or {}).items():
        checked, size = _expected_entry(name, entry, dialect, size)
        entries.append(checked)
    return condition_of(entries, conjunction(conditional_operator, len(entries)))


def condition_entries(entries: Mapping[str, Any], dialect: Dialect) -> tuple[AttributeCondition, ...]:
    """The entries of a `Condition` map (QueryFilter, ScanFilter, KeyConditions), in request order:
    name, then a null condition, then its values, then its operator's arguments."""
    checked: list[AttributeCondition] = []
    for name, condition in entries.items():
        if not name:
            raise ValidationException(EMPTY_NAME)
        if condition is None:
            raise ValidationException(f"The filter condition for an attribute cannot be null: {name}")
        arguments = _checked_list(condition.get("AttributeValueList") or (), dialect)
        operator = Operator(condition["ComparisonOperator"])
        check_arguments(operator, arguments)
        checked.append(AttributeCondition(name, operator, arguments))
    return tuple(checked)


def filter_condition(
    entries: Mapping[str, Any] | None, conditional_operator: str | None, dialect: Dialect
) -> Condition | None:
    """The condition of a QueryFilter or ScanFilter and `ConditionalOperator`; None without one."""
    checked = condition_entries(entries or {}, dialect)
    return condition_of(checked, conjunction(conditional_operator, len(checked)))
