"""The keys of a read: Query's key conditions and the ExclusiveStartKey of Query and Scan, checked as AWS
checks them (dynalite's suite, recorded on AWS; DynamoDB Local words most of these differently).

A key condition is a list of `KeyTerm`s, from KeyConditionExpression or the legacy KeyConditions. Before
the table is known (`expression_terms`, `legacy_terms`, `check_term_count`), AWS checks each condition's
shape and that there are one or two. Once the key schema (the table's or the index's) is known,
`QueryKeys.resolve` walks its key attributes, partition key first, checking for each the start key's
value, then the condition on it:

- start key: as many attributes as the table and index keys together, else `The provided starting key is
  invalid`; the attribute present (same message), of the key's type (`The provided key element does not
  match the schema`), within the key size limits;
- condition: a second condition on a table or index without a sort key (`Query key condition not
  supported`); a missing condition on the partition key, or on the sort key when there are two (`Query
  condition missed key schema element: pk`); a legacy operator that cannot use the key
  (`Attempted conditional constraint is not an indexable operation`); values of another type
  (`Condition parameter type does not match schema type`); anything but equality on the partition key
  (`Query key condition not supported`); empty or oversized key values.

Then the start key's table key (`The provided starting key is invalid: …`) and its position: outside the
partition key's value (`… outside query boundaries …`), or not meeting the sort key condition (`… does not
match the range key predicate`; with a matching sort key but another partition key, `The query can return
at most one row and cannot be restarted`). Scan checks a start key with `scan_start_key_shape` (its size,
the index key) and `check_table_key` (the table key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import ValidationException
from app.expressions.key_condition import KeyConditionExpression, KeyTerm
from app.operations.legacy_conditions import AttributeCondition, Operator
from app.operations.read_plans import INVALID_START_KEY
from app.values import compare
from app.values.attributes import AttributeValue
from app.values.keys import SCHEMA_MISMATCH, check_key_value
from storage.api import IndexDef, Item, KeyAttribute, KeySchema, SortCondition

TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)
NOT_SUPPORTED = "Query key condition not supported"
NOT_INDEXABLE = "Attempted conditional constraint is not an indexable operation"
OUTSIDE_BOUNDARIES = "The provided starting key is outside query boundaries based on provided conditions"
RANGE_MISMATCH = "The provided starting key does not match the range key predicate"
ONE_ROW = "The query can return at most one row and cannot be restarted"
INVALID_TABLE_KEY = f"{INVALID_START_KEY}: {SCHEMA_MISMATCH}"

_LEGACY_OPERATORS = {
    Operator.EQ: "=",
    Operator.LT: "<",
    Operator.LE: "<=",
    Operator.GT: ">",
    Operator.GE: ">=",
    Operator.BETWEEN: "BETWEEN",
    Operator.BEGINS_WITH: "begins_with",
}


def expression_terms(expression: KeyConditionExpression) -> list[KeyTerm]:
    """The conditions of a KeyConditionExpression joined by AND, in text order, each checked as AWS does
    before it looks the table up (operators, nesting, one attribute per condition, one per key)."""
    return expression.terms()


def legacy_terms(conditions: Sequence[AttributeCondition]) -> list[KeyTerm]:
    """The checked entries of KeyConditions as terms."""
    return [
        KeyTerm(entry.name, _LEGACY_OPERATORS.get(entry.operator, entry.operator.value), entry.arguments)
        for entry in conditions
    ]


def check_term_count(terms: Sequence[KeyTerm]) -> None:
    if len(terms) not in (1, 2):
        raise ValidationException("Conditions can be of length 1 or 2 only")


def _check_start_value(start_key: Item, attribute: KeyAttribute, is_hash: bool) -> None:
    """One key attribute of a start key: present and of the key's type (and size)."""
    value = start_key.get(attribute.name)
    if value is None:
        raise ValidationException(INVALID_START_KEY)
    if attribute.type not in value:
        raise ValidationException(SCHEMA_MISMATCH)
    check_key_value(attribute, value, is_hash)


def check_table_key(start_key: Item, table_schema: KeySchema) -> None:
    """The table's key inside a start key, reported behind `The provided starting key is invalid: `."""
    for attribute, is_hash in ((table_schema.hash, True), (table_schema.range, False)):
        if attribute is None:
            continue
        value = start_key.get(attribute.name)
        if value is None or attribute.type not in value:
            raise ValidationException(INVALID_TABLE_KEY)
        try:
            check_key_value(attribute, value, is_hash)
        except ValidationException as error:
            raise ValidationException(f"{INVALID_START_KEY}: {error.message}") from None


def start_key_names(table_schema: KeySchema, index: IndexDef | None) -> tuple[str, ...]:
    """The attributes of a start key (and of LastEvaluatedKey): the table's key, then the index's."""
    names = list(table_schema.names())
    if index is not None:
        names.extend(name for name in index.key_schema.names() if name not in names)
    return tuple(names)


def _check_values(term: KeyTerm, attribute: KeyAttribute, is_hash: bool) -> None:
    if any(compare.type_name(value) != attribute.type for value in term.values):
        raise ValidationException(TYPE_MISMATCH)
    if is_hash and term.operator != "=":
        raise ValidationException(NOT_SUPPORTED)
    for value in term.values:
        check_key_value(attribute, value, is_hash)


@dataclass(frozen=True)
class QueryKeys:
    """A query's partition key value and sort key condition, resolved against the key schema read."""

    hash_value: AttributeValue
    sort: SortCondition | None

    @classmethod
    def resolve(
        cls,
        terms: Sequence[KeyTerm],
        schema: KeySchema,
        table_schema: KeySchema,
        index: IndexDef | None,
        start_key: Item | None,
    ) -> QueryKeys:
        """Check the terms and the start key against `schema` (the index's, or the table's) in AWS's order
        (module docstring) and return the keys to read."""
        by_name = {term.name: term for term in terms}
        if start_key is not None and len(start_key) != len(start_key_names(table_schema, index)):
            raise ValidationException(INVALID_START_KEY)
        attributes = [(schema.hash, True)] + ([(schema.range, False)] if schema.range is not None else [])
        for attribute, is_hash in attributes:
            if start_key is not None:
                _check_start_value(start_key, attribute, is_hash)
            if is_hash and schema.range is None and len(terms) > 1:
                raise ValidationException(NOT_SUPPORTED)
            term = by_name.get(attribute.name)
            if term is None:
                if is_hash or len(terms) > 1:
                    raise ValidationException(f"Query condition missed key schema element: {attribute.name}")
                continue
            if term.operator not in _LEGACY_OPERATORS.values():
                raise ValidationException(NOT_INDEXABLE)
            _check_values(term, attribute, is_hash)
        hash_term = by_name[schema.hash.name]
        range_term = by_name.get(schema.range.name) if schema.range is not None else None
        if start_key is not None:
            if index is not None:
                check_table_key(start_key, table_schema)
            _check_position(start_key, schema, hash_term, range_term)
        sort = None if range_term is None else SortCondition(range_term.operator, range_term.values)
        return cls(hash_term.values[0], sort)


def _check_position(
    start_key: Item, schema: KeySchema, hash_term: KeyTerm, range_term: KeyTerm | None
) -> None:
    same_partition = compare.equals(start_key[schema.hash.name], hash_term.values[0])
    if range_term is None:
        if not same_partition:
            raise ValidationException(OUTSIDE_BOUNDARIES)
        return
    if not range_term.holds(start_key[range_term.name]):
        raise ValidationException(RANGE_MISMATCH)
    if not same_partition:
        raise ValidationException(ONE_ROW)


def scan_start_key_shape(start_key: Item, table_schema: KeySchema, index: IndexDef | None) -> None:
    """Scan's first checks of a start key: its size, and the index's key attributes in it."""
    if len(start_key) != len(start_key_names(table_schema, index)):
        raise ValidationException(INVALID_START_KEY if index is not None else INVALID_TABLE_KEY)
    if index is not None:
        schema = index.key_schema
        _check_start_value(start_key, schema.hash, True)
        if schema.range is not None:
            _check_start_value(start_key, schema.range, False)
