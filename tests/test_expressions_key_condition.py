"""KeyConditionExpression: compiled as a condition, split into its key terms, then held against a key
schema as Query does (app/operations/read_keys.py).

Messages were recorded from the reference, DynamoDB Local 3.3, with Query on a table keyed pk (S, HASH)
and sk (N, RANGE) and one keyed pk (S) only. AWS names the missed element in "Query condition missed key
schema element: <name>"; the reference leaves the name out. AWS checks the terms before it looks the
table up (dynalite's suite), so a path into a key attribute is a nested-attribute error there.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import ExpressionMaps, compile_key_condition
from app.operations.read_keys import QueryKeys, check_term_count
from storage.api import KeyAttribute, KeySchema, SortCondition

HASH_RANGE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
HASH_ONLY = KeySchema(KeyAttribute("pk", "S"))
VALUES: dict[str, Any] = {
    ":a": {"S": "x"},
    ":b": {"N": "1"},
    ":c": {"N": "2"},
    ":s": {"S": "y"},
    ":ss": {"SS": ["x"]},
}
NAMES = {"#p": "pk", "#s": "sk"}


def expected_keys(
    hash_name: str,
    hash_value: dict[str, str],
    range_name: str | None = None,
    operator: str | None = None,
    values: tuple[dict[str, str], ...] = (),
) -> QueryKeys:
    return QueryKeys(hash_value, None if operator is None else SortCondition(operator, values))


def key_condition(text: str, schema: KeySchema = HASH_RANGE) -> QueryKeys:
    tokens = set(re.findall(r"[#:][A-Za-z0-9_]+", text))
    params: dict[str, Any] = {"KeyConditionExpression": text}
    values = {key: value for key, value in VALUES.items() if key in tokens}
    names = {key: name for key, name in NAMES.items() if key in tokens}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    fields = ("KeyConditionExpression",)
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    compiled = compile_key_condition(text, maps)
    assert compiled is not None
    maps.check_all_used()
    terms = compiled.terms()
    check_term_count(terms)
    return QueryKeys.resolve(terms, schema, schema, None, None)


def error(text: str, schema: KeySchema = HASH_RANGE) -> str:
    with pytest.raises(ValidationException) as raised:
        key_condition(text, schema)
    return raised.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pk = :a", expected_keys("pk", {"S": "x"})),
        ("#p = :a AND #s = :b", expected_keys("pk", {"S": "x"}, "sk", "=", ({"N": "1"},))),
        ("sk < :b AND pk = :a", expected_keys("pk", {"S": "x"}, "sk", "<", ({"N": "1"},))),
        (":a = pk AND :b < sk", expected_keys("pk", {"S": "x"}, "sk", ">", ({"N": "1"},))),
        (":b >= sk AND (pk = :a)", expected_keys("pk", {"S": "x"}, "sk", "<=", ({"N": "1"},))),
        (
            "pk = :a AND sk BETWEEN :b AND :c",
            expected_keys("pk", {"S": "x"}, "sk", "BETWEEN", ({"N": "1"}, {"N": "2"})),
        ),
    ],
)
def test_key_conditions(text: str, expected: QueryKeys) -> None:
    assert key_condition(text) == expected


def test_begins_with_on_a_string_sort_key() -> None:
    schema = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "S"))
    assert key_condition("pk = :a AND begins_with(sk, :s)", schema) == expected_keys(
        "pk", {"S": "x"}, "sk", "begins_with", ({"S": "y"},)
    )


INVALID_OPERATOR = "Invalid operator used in KeyConditionExpression: "
INVALID_CONDITION = "Invalid condition in KeyConditionExpression: "
TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)
NESTED = "KeyConditionExpressions cannot have conditions on nested attributes"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pk <> :a", INVALID_OPERATOR + "<>"),
        ("pk = :a AND sk <> :b", INVALID_OPERATOR + "<>"),
        ("pk = :a OR sk = :b", INVALID_OPERATOR + "OR"),
        ("NOT pk = :a", INVALID_OPERATOR + "NOT"),
        ("pk IN (:a)", INVALID_OPERATOR + "IN"),
        ("attribute_exists(pk)", INVALID_OPERATOR + "attribute_exists"),
        ("pk = :a AND contains(sk, :b)", INVALID_OPERATOR + "contains"),
        ("pk = :a AND (sk = :b OR sk = :c)", INVALID_OPERATOR + "OR"),
        ("pk = :a AND size(sk) = :b", "KeyConditionExpressions cannot contain nested operations"),
        ("pk = :a AND sk > size(:a)", "KeyConditionExpressions cannot contain nested operations"),
        # Conditions in text order, each checked through before the next.
        ("pk = :a AND sk <> :b AND size(sk) = :b", INVALID_OPERATOR + "<>"),
        (
            "pk = :a AND size(sk) = :b AND sk <> :b",
            "KeyConditionExpressions cannot contain nested operations",
        ),
        (
            "pk = :a AND pk = :a AND sk <> :b",
            "KeyConditionExpressions must only contain one condition per key",
        ),
        ("pk = :a AND sk = :b AND zz = :c AND sk <> :b", INVALID_OPERATOR + "<>"),
        ("pk = :a AND :b = :c", INVALID_CONDITION + "No key attribute specified"),
        ("pk = sk", INVALID_CONDITION + "Multiple attribute names used in one condition"),
        (
            "pk = :a AND :b BETWEEN sk AND :c",
            INVALID_CONDITION + "BETWEEN operator must have the key attribute as its first operand",
        ),
        (
            ":b BETWEEN :b AND :c",
            INVALID_CONDITION + "BETWEEN operator must have the key attribute as its first operand",
        ),
        (
            "pk = :a AND begins_with(:s, sk)",
            INVALID_CONDITION + "begins_with operator must have the key attribute as its first operand",
        ),
        (
            "pk = :a AND sk = :b AND sk = :c",
            "KeyConditionExpressions must only contain one condition per key",
        ),
        ("pk = :a AND sk = :b AND zz = :c", "Conditions can be of length 1 or 2 only"),
        ("sk = :b", "Query condition missed key schema element: pk"),
        ("zz = :a", "Query condition missed key schema element: pk"),
        ("pk = :a AND zz = :b", "Query condition missed key schema element: sk"),
        ("pk < :a", "Query key condition not supported"),
        ("begins_with(pk, :a)", "Query key condition not supported"),
        ("pk BETWEEN :a AND :s", "Query key condition not supported"),
        ("sk = :s AND pk < :a", "Query key condition not supported"),
        ("#p < :b", TYPE_MISMATCH),
        ("pk = :b AND sk = :a", TYPE_MISMATCH),
        ("pk = :ss", TYPE_MISMATCH),
        ("pk = :a AND sk = :a", TYPE_MISMATCH),
        ("pk = :a AND begins_with(sk, :s)", TYPE_MISMATCH),
        ("pk = :a AND sk BETWEEN :a AND :s", TYPE_MISMATCH),
        ("pk.x = :a", NESTED),
        ("pk = :a AND sk.y = :b", NESTED),
        ("pk = :a AND sk <> :b AND pk.x = :a", INVALID_OPERATOR + "<>"),
        ("pk = :a AND zz.y = :b", NESTED),
        ("pk = :a AND zz.y > sk", NESTED),
        ("pk = :a AND sk > zz.y", INVALID_CONDITION + "Multiple attribute names used in one condition"),
        # The generic condition checks come first, with the KeyConditionExpression prefix.
        (
            "pk = :a AND begins_with(sk, :b)",
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N",
        ),
        (
            "pk = :a AND sk BETWEEN :c AND :b",
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
            "equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: "
            "AttributeValue: {N:1}",
        ),
        (
            "pk = :a AND sk = sk",
            "Invalid KeyConditionExpression: The first operand must be distinct from the remaining operands "
            "for this operator or function; operator: =, first operand: [sk]",
        ),
    ],
)
def test_errors(text: str, expected: str) -> None:
    assert error(text) == expected


def test_hash_only_schema() -> None:
    assert key_condition("pk = :a", HASH_ONLY) == expected_keys("pk", {"S": "x"})
    assert error("pk = :a AND sk = :b", HASH_ONLY) == "Query key condition not supported"
    assert error(":a = zz AND #s BETWEEN :a AND :a", HASH_ONLY) == "Query key condition not supported"
    assert error(":b <= pk", HASH_ONLY) == TYPE_MISMATCH
