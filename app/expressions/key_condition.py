"""KeyConditionExpression: compiled like any condition, then split into its key terms.

`compile_key_condition` runs the condition grammar and resolve phase (so syntax, placeholder and operator
errors are the same as a FilterExpression's, with `Invalid KeyConditionExpression:`).
`KeyConditionExpression.terms` then makes the checks DynamoDB makes before it knows the table (observed
on the reference and in dynalite's suite recorded on AWS), on the conditions joined by AND, in text
order, each in turn: only `=`, `<`, `<=`, `>`, `>=`, BETWEEN and begins_with (`Invalid operator used in
KeyConditionExpression: OR`; also <>, NOT, IN and the other functions by name), no function inside
(`KeyConditionExpressions cannot contain nested operations`), a path first in BETWEEN and begins_with
(`Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first
operand`), exactly one attribute, read without `.` or `[]` (the paths in order: `… Multiple attribute
names used in one condition` at the second, `KeyConditionExpressions cannot have conditions on nested
attributes`; with none, `… No key attribute specified`), and no second condition on one attribute
(`KeyConditionExpressions must only contain one condition per key`). The checks against the key schema
of the table or index read are app/operations/read_keys.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ValidationException
from app.expressions import conditions, operands
from app.expressions.conditions import Condition, Predicate
from app.expressions.kinds import ExpressionKind
from app.expressions.operands import ValueExpr
from app.expressions.resolve import ExpressionMaps
from app.expressions.semantics import compile_condition
from app.values import compare
from app.values.attributes import AttributeValue

# A comparison written value-first, as the sort key sees it.
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_OPERATOR_WORDS: list[tuple[type, str]] = [
    (conditions.Or, "OR"),
    (conditions.Not, "NOT"),
    (conditions.In, "IN"),
    (conditions.AttributeExists, "attribute_exists"),
    (conditions.AttributeNotExists, "attribute_not_exists"),
    (conditions.AttributeType, "attribute_type"),
    (conditions.Contains, "contains"),
]


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """One condition on one key attribute: an operator among = < <= > >= BETWEEN begins_with, as seen
    from the attribute (`:v < sk` is `sk > :v`), or, from the legacy KeyConditions, the name of an
    operator that cannot use a key; and its values."""

    name: str
    operator: str
    values: tuple[AttributeValue, ...]

    def holds(self, value: AttributeValue) -> bool:
        """Whether a key value meets this condition (a start key inside the range)."""
        if self.operator == "BETWEEN":
            return compare.between(value, self.values[0], self.values[1])
        if self.operator == "begins_with":
            return compare.begins_with(value, self.values[0])
        order = compare.order(value, self.values[0])
        if order is None:
            return False
        return {"=": order == 0, "<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[
            self.operator
        ]


def _invalid_condition(why: str) -> ValidationException:
    return ValidationException(f"Invalid condition in KeyConditionExpression: {why}")


def _term(predicate: Predicate) -> KeyTerm:
    """One AND-ed condition, checked as in step 2 of the module docstring."""
    for kind, word in _OPERATOR_WORDS:
        if isinstance(predicate, kind):
            raise ValidationException(f"Invalid operator used in KeyConditionExpression: {word}")
    exprs: tuple[ValueExpr, ...]
    if isinstance(predicate, conditions.Comparison):
        if predicate.operator == "<>":
            raise ValidationException("Invalid operator used in KeyConditionExpression: <>")
        operator, exprs = predicate.operator, (predicate.left, predicate.right)
    elif isinstance(predicate, conditions.Between):
        operator, exprs = "BETWEEN", (predicate.operand, predicate.low, predicate.high)
    else:
        assert isinstance(predicate, conditions.BeginsWith)
        operator, exprs = "begins_with", (predicate.operand, predicate.prefix)
    if not all(isinstance(expr, operands.PathValue | operands.Literal) for expr in exprs):
        raise ValidationException("KeyConditionExpressions cannot contain nested operations")
    if operator not in _FLIPPED and not isinstance(exprs[0], operands.PathValue):
        raise _invalid_condition(f"{operator} operator must have the key attribute as its first operand")
    name: str | None = None
    for position, expr in enumerate(exprs):
        if not isinstance(expr, operands.PathValue):
            continue
        if name is not None:
            raise _invalid_condition("Multiple attribute names used in one condition")
        if len(expr.path) > 1:
            raise ValidationException("KeyConditionExpressions cannot have conditions on nested attributes")
        name = str(expr.path[0])
        if position != 0:
            operator = _FLIPPED[operator]
    if name is None:
        raise _invalid_condition("No key attribute specified")
    values = tuple(expr.value for expr in exprs if isinstance(expr, operands.Literal))
    return KeyTerm(name, operator, values)


def _flatten(predicate: Predicate, out: list[Predicate]) -> None:
    if isinstance(predicate, conditions.And):
        _flatten(predicate.left, out)
        _flatten(predicate.right, out)
    else:
        out.append(predicate)


@dataclass(frozen=True, slots=True)
class KeyConditionExpression:
    """A compiled KeyConditionExpression, before it meets the key schema of the table or index."""

    condition: Condition

    def terms(self) -> list[KeyTerm]:
        """The AND-ed conditions in text order, each checked as the module docstring says."""
        flat: list[Predicate] = []
        _flatten(self.condition.predicate, flat)
        terms: list[KeyTerm] = []
        for predicate in flat:
            term = _term(predicate)
            if any(seen.name == term.name for seen in terms):
                raise ValidationException("KeyConditionExpressions must only contain one condition per key")
            terms.append(term)
        return terms


def compile_key_condition(expression: str | None, maps: ExpressionMaps) -> KeyConditionExpression | None:
    """The KeyConditionExpression parameter compiled against `maps` (None when absent)."""
    condition = compile_condition(ExpressionKind.KEY_CONDITION, expression, maps)
    return None if condition is None else KeyConditionExpression(condition)
