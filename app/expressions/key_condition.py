"""KeyConditionExpression: compiled like any condition, then held against a key schema.

`compile_key_condition` runs the condition grammar and resolve phase (so syntax, placeholder and operator
errors are the same as a FilterExpression's, with `Invalid KeyConditionExpression:`). `for_key_schema`
then makes DynamoDB's key checks, in its order (observed on the reference):
1. no path may reach into a key attribute (`Key attributes must be scalars; …: Key: pk`);
2. the conditions joined by AND, in text order, each in turn: only `=`, `<`, `<=`, `>`, `>=`, BETWEEN
   and begins_with (`Invalid operator used in KeyConditionExpression: OR`; also <>, NOT, IN and the
   other functions by name), no function inside (`KeyConditionExpressions cannot contain nested
   operations`), a path first in BETWEEN and begins_with (`Invalid condition in KeyConditionExpression:
   BETWEEN operator must have the key attribute as its first operand`), exactly one attribute, read
   without `.` or `[]` (the paths in order: `… Multiple attribute names used in one condition` at the
   second, `KeyConditionExpressions cannot have conditions on nested attributes`; with none, `… No key
   attribute specified`), and no second condition on one attribute (`KeyConditionExpressions must only
   contain one condition per key`);
3. at most two conditions (`Conditions can be of length 1 or 2 only`);
4. a second condition only where the table has a sort key (`Query key condition not supported`), the
   partition key's condition (`Query condition missed key schema element: pk`), the second on the sort
   key (the same message naming it), the partition key value's type (`One or more parameter values
   were invalid: Condition parameter type does not match schema type`), `=` on the partition key
   (`Query key condition not supported`), then the sort key values' type.
AWS names the missed element in that message; DynamoDB Local leaves the name out.
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
from storage.api import KeySchema

TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)
NOT_SUPPORTED = "Query key condition not supported"
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
class KeyCondition:
    """A query's key condition: the partition key's value and, optionally, one condition on the sort key
    (`range_operator` one of = < <= > >= BETWEEN begins_with, with one value, or two for BETWEEN)."""

    hash_name: str
    hash_value: AttributeValue
    range_name: str | None = None
    range_operator: str | None = None
    range_values: tuple[AttributeValue, ...] = ()


@dataclass(frozen=True, slots=True)
class _Term:
    """One condition of the AND chain: its attribute, its operator as seen from the attribute, values."""

    name: str
    operator: str
    values: tuple[AttributeValue, ...]


def _invalid_condition(why: str) -> ValidationException:
    return ValidationException(f"Invalid condition in KeyConditionExpression: {why}")


def _term(predicate: Predicate) -> _Term:
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
    return _Term(name, operator, values)


def _flatten(predicate: Predicate, out: list[Predicate]) -> None:
    if isinstance(predicate, conditions.And):
        _flatten(predicate.left, out)
        _flatten(predicate.right, out)
    else:
        out.append(predicate)


def _check_types(term: _Term, key_type: str) -> None:
    for value in term.values:
        if compare.type_name(value) != key_type:
            raise ValidationException(TYPE_MISMATCH)


@dataclass(frozen=True, slots=True)
class KeyConditionExpression:
    """A compiled KeyConditionExpression, before it meets the key schema of the table or index."""

    condition: Condition

    def for_key_schema(self, schema: KeySchema) -> KeyCondition:
        """The key condition on `schema`'s keys, or AWS's ValidationException (module docstring)."""
        self.condition.check_key_attributes(schema.names())
        flat: list[Predicate] = []
        _flatten(self.condition.predicate, flat)
        terms: dict[str, _Term] = {}
        for predicate in flat:
            term = _term(predicate)
            if term.name in terms:
                raise ValidationException("KeyConditionExpressions must only contain one condition per key")
            terms[term.name] = term
        if len(terms) > 2:
            raise ValidationException("Conditions can be of length 1 or 2 only")
        if len(terms) == 2 and schema.range is None:
            raise ValidationException(NOT_SUPPORTED)
        hash_key = schema.hash
        hash_term = terms.get(hash_key.name)
        if hash_term is None:
            raise ValidationException(f"Query condition missed key schema element: {hash_key.name}")
        range_term: _Term | None = None
        if len(terms) == 2:
            assert schema.range is not None
            range_term = terms.get(schema.range.name)
            if range_term is None:
                raise ValidationException(f"Query condition missed key schema element: {schema.range.name}")
        _check_types(hash_term, hash_key.type)
        if hash_term.operator != "=":
            raise ValidationException(NOT_SUPPORTED)
        if range_term is None:
            return KeyCondition(hash_key.name, hash_term.values[0])
        assert schema.range is not None
        _check_types(range_term, schema.range.type)
        return KeyCondition(
            hash_key.name, hash_term.values[0], range_term.name, range_term.operator, range_term.values
        )


def compile_key_condition(expression: str | None, maps: ExpressionMaps) -> KeyConditionExpression | None:
    """The KeyConditionExpression parameter compiled against `maps` (None when absent); its checks
    against a key schema are `KeyConditionExpression.for_key_schema`."""
    condition = compile_condition(ExpressionKind.KEY_CONDITION, expression, maps)
    return None if condition is None else KeyConditionExpression(condition)
