"""What a WHERE clause says about the primary key: the item a write names, or the keys a read can use.

Writes (UPDATE, DELETE, and a statement of a batch or a transaction) name one item: each key attribute
needs an equality `k = value` among the WHERE clause's top-level ANDs (`Where clause does not contain a
mandatory equality on all key attributes`), one value per attribute (`Multiple conditions on same key k.
Only single item Update/Insert/Delete are supported`); the other conjuncts become the write's condition.

Reads use the partition key when the WHERE clause pins it, as AWS documents (a condition with `=` or IN on
the partition key avoids a full scan): `k = v` or `k IN [v, …]` among the top-level ANDs, or an OR each of
whose branches has `k = v` among its ANDs; the values are read in key order, each once. With one
partition key value source at the top level, a top-level condition on the sort key (=, <, <=, >, >=,
BETWEEN, begins_with) narrows each Query. Anything else is a Scan. The whole WHERE clause still filters
every item read, so the key conditions only decide what is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key

from app.errors import ValidationException
from app.partiql import ast
from app.partiql.ast import LiteralKind
from app.partiql.conditions import conjuncts, disjuncts
from app.partiql.values import ValueBuilder
from app.values import compare
from app.values.attributes import AttributeValue
from app.values.keys import check_key_value
from storage.api import Item, KeyAttribute, KeySchema, SortCondition

MANDATORY_KEYS = "Where clause does not contain a mandatory equality on all key attributes"
CONDITION_TYPE = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def key_type_error(name: str) -> ValidationException:
    return ValidationException(
        f"Key attribute's data type should match its data type in table's schema: Key {name}"
    )


def _is_value(expression: ast.Expr) -> bool:
    if isinstance(expression, ast.Literal):
        return expression.kind is not LiteralKind.MISSING
    return isinstance(expression, ast.Parameter | ast.ListExpr | ast.StructExpr | ast.BagExpr)


def _names(expression: ast.Expr, name: str) -> bool:
    return isinstance(expression, ast.Path) and not expression.steps and expression.root == name


def key_equality(expression: ast.Expr, name: str, builder: ValueBuilder) -> AttributeValue | None:
    """The value `expression` equates attribute `name` with (`name = v` or `v = name`), if it does."""
    if not isinstance(expression, ast.Binary) or expression.operator != "=":
        return None
    for path, value in ((expression.left, expression.right), (expression.right, expression.left)):
        if _names(path, name) and _is_value(value):
            return builder.value(value)
    return None


def _in_values(expression: ast.Expr, name: str, builder: ValueBuilder) -> list[AttributeValue] | None:
    if not isinstance(expression, ast.In) or expression.negated or not _names(expression.operand, name):
        return None
    candidates = expression.candidates
    if not isinstance(candidates, ast.ListExpr) or not all(_is_value(item) for item in candidates.items):
        return None
    return [builder.value(item) for item in candidates.items]


def _checked(
    attribute: KeyAttribute, value: AttributeValue, is_hash: bool, type_error: ValidationException
) -> None:
    if compare.type_name(value) != attribute.type:
        raise type_error
    check_key_value(attribute, value, is_hash)


def _attributes(schema: KeySchema) -> list[tuple[KeyAttribute, bool]]:
    pairs = [(schema.hash, True)]
    if schema.range is not None:
        pairs.append((schema.range, False))
    return pairs


@dataclass(frozen=True)
class WriteTarget:
    """The item a write names, and the WHERE clause's other conjuncts (its condition)."""

    key: Item
    rest: tuple[ast.Expr, ...]


def write_target(where: ast.Expr | None, schema: KeySchema, builder: ValueBuilder) -> WriteTarget:
    parts = conjuncts(where) if where is not None else []
    used: set[int] = set()
    found: dict[str, AttributeValue] = {}
    for attribute, _ in _attributes(schema):
        for index, part in enumerate(parts):
            value = key_equality(part, attribute.name, builder)
            if value is None:
                continue
            earlier = found.get(attribute.name)
            if earlier is not None and not compare.equals(earlier, value):
                raise ValidationException(
                    f"Multiple conditions on same key {attribute.name}. "
                    "Only single item Update/Insert/Delete are supported"
                )
            found[attribute.name] = value
            used.add(index)
        if attribute.name not in found:
            raise ValidationException(MANDATORY_KEYS)
    key: Item = {}
    for attribute, is_hash in _attributes(schema):
        value = found[attribute.name]
        _checked(attribute, value, is_hash, key_type_error(attribute.name))
        key[attribute.name] = value
    return WriteTarget(key, tuple(part for index, part in enumerate(parts) if index not in used))


@dataclass(frozen=True)
class ReadKeys:
    """The partition key values a read queries (in read order), and a sort key condition for each; no
    values: a Scan."""

    hash_values: tuple[AttributeValue, ...]
    sort: SortCondition | None

    @property
    def is_scan(self) -> bool:
        return not self.hash_values

    @property
    def full_key(self) -> bool:
        """Whether this reads one item by its whole primary key (a GetItem)."""
        return len(self.hash_values) == 1 and (self.sort is None or self.sort.operator == "=")


def _ordered(values: list[AttributeValue]) -> tuple[AttributeValue, ...]:
    """Distinct values in key order."""
    distinct: list[AttributeValue] = []
    for value in values:
        if not any(compare.equals(value, other) for other in distinct):
            distinct.append(value)
    return tuple(sorted(distinct, key=cmp_to_key(_key_order)))


def _key_order(a: AttributeValue, b: AttributeValue) -> int:
    return compare.order(a, b) or 0


def _hash_values(
    parts: list[ast.Expr], hash_key: KeyAttribute, builder: ValueBuilder
) -> list[AttributeValue] | None:
    name = hash_key.name
    for part in parts:
        value = key_equality(part, name, builder)
        if value is not None:
            _checked(hash_key, value, True, key_type_error(name))
            return [value]
        values = _in_values(part, name, builder)
        if values is not None:
            for value in values:
                _checked(hash_key, value, True, ValidationException(CONDITION_TYPE))
            return values
    return None


def _branch_values(
    parts: list[ast.Expr], hash_key: KeyAttribute, builder: ValueBuilder
) -> list[AttributeValue] | None:
    """`a = 1 OR a = 2 …`: the partition key value of each branch, if every branch has one."""
    if len(parts) != 1:
        return None
    branches = disjuncts(parts[0])
    if len(branches) < 2:
        return None
    values: list[AttributeValue] = []
    for branch in branches:
        value = next(
            (
                found
                for part in conjuncts(branch)
                if (found := key_equality(part, hash_key.name, builder)) is not None
            ),
            None,
        )
        if value is None:
            return None
        values.append(value)
    for value in values:
        _checked(hash_key, value, True, ValidationException(CONDITION_TYPE))
    return values


def sort_condition(
    parts: list[ast.Expr], sort_key: KeyAttribute, builder: ValueBuilder
) -> SortCondition | None:
    """The first top-level condition on the sort key that a Query can use."""
    name = sort_key.name
    type_error = key_type_error(name)
    for part in parts:
        condition: SortCondition | None = None
        if isinstance(part, ast.Binary) and part.operator in _FLIPPED:
            if _names(part.left, name) and _is_value(part.right):
                condition = SortCondition(part.operator, (builder.value(part.right),))
            elif _names(part.right, name) and _is_value(part.left):
                condition = SortCondition(_FLIPPED[part.operator], (builder.value(part.left),))
        elif isinstance(part, ast.Between) and not part.negated and _names(part.operand, name):
            if _is_value(part.low) and _is_value(part.high):
                condition = SortCondition("BETWEEN", (builder.value(part.low), builder.value(part.high)))
        elif isinstance(part, ast.Call) and part.name == "begins_with" and len(part.arguments) == 2:
            path, prefix = part.arguments
            if _names(path, name) and _is_value(prefix):
                condition = SortCondition("begins_with", (builder.value(prefix),))
        if condition is not None:
            for value in condition.values:
                _checked(sort_key, value, False, type_error)
            return condition
    return None


def read_keys(where: ast.Expr | None, schema: KeySchema, builder: ValueBuilder) -> ReadKeys:
    if where is None:
        return ReadKeys((), None)
    parts = conjuncts(where)
    values = _hash_values(parts, schema.hash, builder)
    if values is None:
        branches = _branch_values(parts, schema.hash, builder)
        return ReadKeys(_ordered(branches) if branches else (), None)
    sort = None
    if schema.range is not None:
        sort = sort_condition(parts, schema.range, builder)
        for part in parts:
            for value in _in_values(part, schema.range.name, builder) or ():
                _checked(schema.range, value, False, ValidationException(CONDITION_TYPE))
    return ReadKeys(_ordered(values), sort)


def single_item(where: ast.Expr | None, schema: KeySchema, builder: ValueBuilder) -> Item | None:
    """The key of a read that names one item by equalities on its whole key and says nothing else (a
    batch's or a transaction's SELECT); None for any other WHERE clause."""
    try:
        target = write_target(where, schema, builder)
    except ValidationException as error:
        if error.message == MANDATORY_KEYS or error.message.startswith("Multiple conditions"):
            return None
        raise
    return None if target.rest else target.key
