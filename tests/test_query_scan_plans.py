"""The request-level pieces of Query and Scan: Select rules, start-key values, the attributes a filter or a
projection reads, and the key-condition terms with their checks against a key schema (AWS's order, as
dynalite's recorded suite has it: each key attribute's start-key value, then its condition)."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import ExpressionKind, ExpressionMaps, compile_condition, compile_key_condition
from app.expressions.projection import compile_projection
from app.operations.legacy import legacy_filter, legacy_key_conditions
from app.operations.read_keys import (
    KeyTerm,
    QueryKeys,
    check_table_key,
    check_term_count,
    expression_terms,
    legacy_terms,
    scan_start_key_shape,
    start_key_names,
)
from app.operations.read_plans import (
    attribute_names,
    check_select,
    nested_names,
    projected_names,
    start_key_values,
)
from storage.api import IndexDef, KeyAttribute, KeySchema, SortCondition

S = KeyAttribute
TABLE = KeySchema(S("a", "S"), S("b", "S"))
LOCAL = IndexDef("local", False, KeySchema(S("a", "S"), S("c", "S")), ())
GLOBAL = IndexDef("global", True, KeySchema(S("c", "S"), S("d", "N")), ("e",))


def errors(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationException) as raised:
        call(*args, **kwargs)
    return raised.value.message


# --- Select ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"Select": "SPECIFIC_ATTRIBUTES"},
            "Must specify the AttributesToGet or ProjectionExpression when "
            "choosing to get SPECIFIC_ATTRIBUTES",
        ),
        (
            {"Select": "COUNT", "AttributesToGet": ["a"]},
            "Cannot specify the AttributesToGet when choosing to get only the Count",
        ),
        (
            {"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "a"},
            "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
        ),
        (
            {"Select": "ALL_PROJECTED_ATTRIBUTES", "ProjectionExpression": "a"},
            "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES",
        ),
        (
            {"Select": "ALL_PROJECTED_ATTRIBUTES"},
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
        ),
    ],
)
def test_select_rules(request_: dict[str, Any], message: str) -> None:
    assert errors(check_select, request_, "") == message
    assert (
        errors(check_select, request_, "1 validation error detected: ")
        == "1 validation error detected: " + message
    )


@pytest.mark.parametrize(
    "request_",
    [
        {},
        {"Select": "SPECIFIC_ATTRIBUTES", "AttributesToGet": ["a"]},
        {"Select": "ALL_PROJECTED_ATTRIBUTES", "IndexName": "i"},
        {"Select": "COUNT"},
        {"ProjectionExpression": "a"},
    ],
)
def test_select_accepted(request_: dict[str, Any]) -> None:
    check_select(request_, "")


# --- start-key values -------------------------------------------------------------------------------------


def test_start_key_values_are_canonical() -> None:
    assert start_key_values({"a": {"N": "1.50"}}) == {"a": {"N": "1.5"}}
    assert start_key_values(None) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {},
            "The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly "
            "one of the supported datatypes",
        ),
        (
            {"NULL": False},
            "The provided starting key is invalid: One or more parameter values were invalid: Null "
            "attribute value types must have the value of true",
        ),
        (
            {"SS": []},
            "The provided starting key is invalid: One or more parameter values were invalid: An string "
            "set  may not be empty",
        ),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
        ),
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        ({"N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        (
            {"N": "1e126"},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
    ],
)
def test_start_key_value_errors(value: dict[str, Any], message: str) -> None:
    assert errors(start_key_values, {"a": value}) == message


# --- what filters and projections read --------------------------------------------------------------------


def test_attribute_names_in_reading_order() -> None:
    maps = ExpressionMaps.for_request(
        {"FilterExpression": "x", "ExpressionAttributeValues": {":v": {"S": "v"}}},
        expression_fields=("FilterExpression",),
        value_fields=("FilterExpression",),
    )
    condition = compile_condition(
        ExpressionKind.FILTER, "f = :v AND (size(zz.q) > :v OR NOT contains(e[1], :v)) AND f <> :v", maps
    )
    assert condition is not None
    assert attribute_names(condition) == ["f", "zz", "e"]
    legacy = legacy_filter(
        {"QueryFilter": {"b": {"ComparisonOperator": "NULL"}, "a": {"ComparisonOperator": "NOT_NULL"}}},
        "QueryFilter",
    )
    assert legacy is not None
    assert attribute_names(legacy) == ["b", "a"]


def test_projection_names() -> None:
    projection = compile_projection("b.c, a, b.d, d[0].e", ExpressionMaps({}, {}))
    assert projection is not None
    assert projected_names(projection) == ["b", "a", "d"]
    assert nested_names(projection) == frozenset({"b", "d"})


# --- key-condition terms ----------------------------------------------------------------------------------


def terms_of(text: str, **values: Any) -> list[KeyTerm]:
    values = {f":{key}": value for key, value in values.items()}
    params = {"KeyConditionExpression": text, "ExpressionAttributeValues": values}
    fields = ("KeyConditionExpression",)
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    expression = compile_key_condition(text, maps)
    assert expression is not None
    return expression_terms(expression)


def test_expression_terms() -> None:
    x, one = {"S": "x"}, {"N": "1"}
    assert terms_of(":v < d AND c = :x", v=one, x=x) == [KeyTerm("d", ">", (one,)), KeyTerm("c", "=", (x,))]
    assert terms_of("begins_with(c, :x)", x=x) == [KeyTerm("c", "begins_with", (x,))]
    assert (
        errors(terms_of, "c = :x AND c > :x", x=x)
        == "KeyConditionExpressions must only contain one condition per key"
    )
    assert errors(terms_of, "c = :x OR d = :x", x=x) == "Invalid operator used in KeyConditionExpression: OR"
    assert (
        errors(terms_of, "c.d = :x", x=x)
        == "KeyConditionExpressions cannot have conditions on nested attributes"
    )


def test_legacy_terms_and_count() -> None:
    checked = legacy_key_conditions(
        {
            "KeyConditions": {
                "a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
                "b": {"ComparisonOperator": "NULL"},
            }
        }
    )
    assert checked is not None
    assert legacy_terms(checked) == [KeyTerm("a", "=", ({"S": "x"},)), KeyTerm("b", "NULL", ())]
    check_term_count(legacy_terms(checked))
    assert errors(check_term_count, []) == "Conditions can be of length 1 or 2 only"
    assert errors(check_term_count, [KeyTerm("a", "=", ())] * 3) == "Conditions can be of length 1 or 2 only"


@pytest.mark.parametrize(
    ("operator", "values", "key", "holds"),
    [
        ("=", ({"S": "b"},), {"S": "b"}, True),
        ("<", ({"S": "b"},), {"S": "a"}, True),
        ("<=", ({"S": "b"},), {"S": "c"}, False),
        (">", ({"N": "10"},), {"N": "9"}, False),
        (">=", ({"N": "10"},), {"N": "10.0"}, True),
        ("BETWEEN", ({"N": "1"}, {"N": "3"}), {"N": "3"}, True),
        ("begins_with", ({"S": "ab"},), {"S": "abc"}, True),
        ("begins_with", ({"B": "AQ=="},), {"B": "AgM="}, False),
    ],
)
def test_term_holds(
    operator: str, values: tuple[dict[str, str], ...], key: dict[str, str], holds: bool
) -> None:
    assert KeyTerm("k", operator, values).holds(key) is holds


# --- keys against a schema --------------------------------------------------------------------------------

X = {"S": "x"}


def resolve(
    terms: list[KeyTerm], start: dict[str, Any] | None = None, index: IndexDef | None = None
) -> QueryKeys:
    schema = TABLE if index is None else index.key_schema
    return QueryKeys.resolve(terms, schema, TABLE, index, start)


def test_resolve_keys() -> None:
    keys = resolve([KeyTerm("b", ">", ({"S": "m"},)), KeyTerm("a", "=", (X,))])
    assert keys == QueryKeys(X, SortCondition(">", ({"S": "m"},)))
    assert resolve([KeyTerm("a", "=", (X,))]) == QueryKeys(X, None)


@pytest.mark.parametrize(
    ("terms", "start", "message"),
    [
        # the start key's hash value, then the hash condition, then the start key's range value
        (
            [KeyTerm("z", "NULL", ())],
            {"a": {"N": "1"}, "b": X},
            "The provided key element does not match the schema",
        ),
        (
            [KeyTerm("z", "NULL", ())],
            {"a": X, "b": {"N": "1"}},
            "Query condition missed key schema element: a",
        ),
        ([KeyTerm("a", "=", (X,))], {"a": X}, "The provided starting key is invalid"),
        ([KeyTerm("a", "=", (X,))], {"a": X, "z": X}, "The provided starting key is invalid"),
        (
            [KeyTerm("a", "=", (X,)), KeyTerm("c", "NULL", ())],
            None,
            "Query condition missed key schema element: b",
        ),
        (
            [KeyTerm("a", "=", (X,)), KeyTerm("b", "IN", (X,))],
            None,
            "Attempted conditional constraint is not an indexable operation",
        ),
        ([KeyTerm("a", ">", (X,))], None, "Query key condition not supported"),
        (
            [KeyTerm("a", "=", ({"N": "1"},))],
            None,
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            [KeyTerm("a", "=", (X,))],
            {"a": {"S": "y"}, "b": X},
            "The provided starting key is outside query boundaries based on provided conditions",
        ),
        (
            [KeyTerm("a", "=", (X,)), KeyTerm("b", ">", ({"S": "m"},))],
            {"a": X, "b": {"S": "a"}},
            "The provided starting key does not match the range key predicate",
        ),
        (
            [KeyTerm("a", "=", (X,)), KeyTerm("b", ">", ({"S": "m"},))],
            {"a": {"S": "y"}, "b": {"S": "z"}},
            "The query can return at most one row and cannot be restarted",
        ),
    ],
)
def test_resolve_errors(terms: list[KeyTerm], start: dict[str, Any] | None, message: str) -> None:
    assert errors(resolve, terms, start) == message


def test_resolve_against_indexes() -> None:
    c = {"S": "c"}
    start = {"a": X, "b": X, "c": c, "d": {"N": "2"}}
    keys = resolve([KeyTerm("c", "=", (c,)), KeyTerm("d", "<", ({"N": "5"},))], start, GLOBAL)
    assert keys == QueryKeys(c, SortCondition("<", ({"N": "5"},)))
    assert errors(resolve, [KeyTerm("c", "=", (c,))], {"a": X, "b": X, "c": c}, GLOBAL) == (
        "The provided starting key is invalid"
    )
    assert errors(
        resolve, [KeyTerm("c", "=", (c,))], {"a": X, "b": {"N": "1"}, "c": c, "d": {"N": "1"}}, GLOBAL
    ) == ("The provided starting key is invalid: The provided key element does not match the schema")
    assert errors(resolve, [KeyTerm("a", "=", (X,)), KeyTerm("a2", "=", (X,))], None, LOCAL) == (
        "Query condition missed key schema element: c"
    )


def test_start_key_names() -> None:
    assert start_key_names(TABLE, None) == ("a", "b")
    assert start_key_names(TABLE, LOCAL) == ("a", "b", "c")
    assert start_key_names(TABLE, GLOBAL) == ("a", "b", "c", "d")


def test_scan_start_keys() -> None:
    scan_start_key_shape({"a": X, "b": X}, TABLE, None)
    check_table_key({"a": X, "b": X}, TABLE)
    mismatch = "The provided starting key is invalid: The provided key element does not match the schema"
    assert errors(scan_start_key_shape, {"a": X}, TABLE, None) == mismatch
    assert (
        errors(scan_start_key_shape, {"a": X, "b": X}, TABLE, LOCAL) == "The provided starting key is invalid"
    )
    assert errors(scan_start_key_shape, {"a": X, "b": X, "c": {"N": "1"}}, TABLE, LOCAL) == (
        "The provided key element does not match the schema"
    )
    assert errors(check_table_key, {"a": X, "b": {"N": "1"}}, TABLE) == mismatch
