"""Query: key conditions (expression and legacy), order, Limit and ExclusiveStartKey, filters, projections,
Select, local and global secondary indexes, consumed capacity, the 1 MB page and boto3's paginator.

Expected answers are AWS's: dynalite's suite (recorded against live DynamoDB: key-condition and start-key
errors, LastEvaluatedKey at Limit, capacity of index reads), moto's AWS-verified suite (Select rules), and
the reference where it agrees. DynamoDB Local words many Query errors its own way (a missing table, the
start key, the legacy operators), leaves the missed key's name out, checks Select without Coral's envelope,
charges nothing for an empty page and each fetched item separately; those tests carry
`reference_deviation`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import (
    Target,
    create_table,
    localddb_client,
    unique_name,
)
from compat_tests.helpers import error_of, n, put_all, s, validation

Item = dict[str, Any]

ENVELOPE = "1 validation error detected: "
INVALID = "One or more parameter values were invalid: "
TYPE_MISMATCH = INVALID + "Condition parameter type does not match schema type"
NOT_SUPPORTED = "Query key condition not supported"
NOT_INDEXABLE = "Attempted conditional constraint is not an indexable operation"
BAD_OPERATOR = "Invalid operator used in KeyConditionExpression: "
INVALID_START = "The provided starting key is invalid"
ON_X = {"a": {"ComparisonOperator": "EQ", "AttributeValueList": [s("x")]}}
SCHEMA_MISMATCH = "The provided key element does not match the schema"
NO_ENVELOPE = "DynamoDB Local reports Select errors without Coral's envelope"
OWN_START_KEY = "DynamoDB Local words start-key errors its own way"
NO_KEY_NAME = "DynamoDB Local leaves the key's name out of 'Query condition missed key schema element'"


def _drop(client: Any, name: str) -> None:
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


# --- tables -------------------------------------------------------------------------------------------------

NUMBERS = ["-99.1", "-10.1", "-9.9", "-9", "-1.01", "-1", "-0.1", "-0.01", "0", "0.01", "0.1", "1", "1.1",
           "9", "10.1", "99.1"]  # fmt: skip
STRINGS = ["1", "10", "2", "A", "B", "a", "aa", "aab", "ab", "b"]  # sorted by UTF-8 bytes
BIG = 2000


@pytest.fixture(scope="module")
def numbers(target: Target) -> Iterator[str]:
    """pk (S) and sk (N): partition "n" holds NUMBERS, partition "big" BIG items of ~200 bytes."""
    client = target.client()
    name = create_table(client, unique_name("query-n"), range_key=("sk", "N"))
    items = [{"pk": s("n"), "sk": n(value), "v": s(f"v{value}")} for value in NUMBERS]
    items += [{"pk": s("big"), "sk": n(str(i)), "pad": s("p" * 180)} for i in range(BIG)]
    put_all(client, name, items)
    yield name
    _drop(client, name)


def index(name: str, keys: str, projection: str, *non_key: str) -> Item:
    """A secondary index definition: `keys` is the hash key's name, then the range key's."""
    kinds = ("HASH", "RANGE")
    shape: Item = {"ProjectionType": projection, **({"NonKeyAttributes": list(non_key)} if non_key else {})}
    schema = [{"AttributeName": key, "KeyType": kind} for key, kind in zip(keys, kinds, strict=False)]
    return {"IndexName": name, "KeySchema": schema, "Projection": shape}


INDEXED = {
    "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in "abcd"],
    "LocalSecondaryIndexes": [index("index1", "ac", "ALL"), index("index2", "ad", "INCLUDE", "c")],
    "GlobalSecondaryIndexes": [index("index3", "c", "ALL"), index("index4", "cd", "INCLUDE", "e")],
}


def indexed_item(b: str, c: str | None, d: str | None) -> Item:
    item: Item = {"a": s("x"), "b": s(b), "e": s("e" + b), "f": s("f" + b)}
    item.update({name: s(value) for name, value in (("c", c), ("d", d)) if value is not None})
    return item


# Partition "x": c and d run opposite ways; item "5" has no c, item "6" no d (so they miss indexes on them).
INDEXED_ITEMS = [indexed_item(str(i), f"c{i}", f"d{4 - i}") for i in range(5)] + [
    indexed_item("5", None, "d9"),
    indexed_item("6", "c6", None),
    {"a": s("y"), "b": s("0"), "c": s("c1"), "d": s("d7"), "e": s("ey")},
]


@pytest.fixture(scope="module")
def indexed(target: Target) -> Iterator[str]:
    """a (S) and b (S), with local indexes on c and d and global indexes on c and (c, d)."""
    client = target.client()
    name = create_table(client, unique_name("query-i"), ("a", "S"), ("b", "S"), **INDEXED)
    put_all(client, name, INDEXED_ITEMS)
    yield name
    _drop(client, name)


def refused(ddb: Any, table: str, **params: Any) -> str:
    """The message of the ValidationException a Query must raise."""
    return validation(ddb.query, TableName=table, **params)


def query(ddb: Any, table: str, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ddb.query(TableName=table, **params)
    answer.pop("ResponseMetadata", None)
    return answer


def in_n(condition: str = "", values: Item | None = None, pk: str = "n") -> dict[str, Any]:
    """KeyConditionExpression pk = :p (partition `pk`), AND `condition`, with more values."""
    text = "pk = :p" + (f" AND {condition}" if condition else "")
    return {"KeyConditionExpression": text, "ExpressionAttributeValues": {":p": s(pk), **(values or {})}}


def on_x(**values: Item) -> dict[str, Any]:
    """KeyConditionExpression a = :a (partition "x") and more values."""
    return {"KeyConditionExpression": "a = :a", "ExpressionAttributeValues": {":a": s("x"), **values}}


def on_c(c: str, condition: str = "", values: Item | None = None) -> dict[str, Any]:
    """KeyConditionExpression c = :c (an index keyed on c), AND `condition`, with more values."""
    text = "c = :c" + (f" AND {condition}" if condition else "")
    return {"KeyConditionExpression": text, "ExpressionAttributeValues": {":c": s(c), **(values or {})}}


def capacity(table: str, total: float, own: float, **indexes: dict[str, float]) -> dict[str, Any]:
    """ConsumedCapacity for INDEXES; `indexes`: LocalSecondaryIndexes or GlobalSecondaryIndexes units."""
    out: dict[str, Any] = {"TableName": table, "CapacityUnits": total, "Table": {"CapacityUnits": own}}
    for kind, units in indexes.items():
        out[kind] = {name: {"CapacityUnits": value} for name, value in units.items()}
    return out


def conditions(**entries: tuple[str, list[Item]]) -> Item:
    """Legacy conditions (KeyConditions, QueryFilter): name=(operator, values)."""
    return {
        name: {"ComparisonOperator": op, "AttributeValueList": values}
        for name, (op, values) in entries.items()
    }


def bs(answer: dict[str, Any]) -> list[str]:
    return [item["b"]["S"] for item in answer["Items"]]


def sks(answer: dict[str, Any]) -> list[str]:
    return [item["sk"]["N"] for item in answer["Items"]]


# --- key conditions -----------------------------------------------------------------------------------------


def test_partition_in_sort_key_order(ddb: Any, numbers: str) -> None:
    answer = query(ddb, numbers, **in_n())
    assert sks(answer) == NUMBERS
    assert (answer["Count"], answer["ScannedCount"]) == (len(NUMBERS), len(NUMBERS))
    assert "LastEvaluatedKey" not in answer
    backwards = query(ddb, numbers, **in_n(), ScanIndexForward=False)
    assert sks(backwards) == NUMBERS[::-1]


def test_strings_sort_by_bytes(ddb: Any, make_table: Any) -> None:
    name = make_table(range_key=("sk", "S"))
    put_all(ddb, name, [{"pk": s("p"), "sk": s(value)} for value in reversed(STRINGS)])
    answer = query(ddb, name, **in_n(pk="p"))
    assert [item["sk"]["S"] for item in answer["Items"]] == STRINGS


SORT_CONDITIONS = [
    ("sk = :v", {":v": n("1")}, ["1"]),
    ("sk < :v", {":v": n("-1")}, ["-99.1", "-10.1", "-9.9", "-9", "-1.01"]),
    ("sk <= :v", {":v": n("-1")}, ["-99.1", "-10.1", "-9.9", "-9", "-1.01", "-1"]),
    ("sk > :v", {":v": n("9")}, ["10.1", "99.1"]),
    (":v < sk", {":v": n("9")}, ["10.1", "99.1"]),
    ("sk >= :v", {":v": n("9")}, ["9", "10.1", "99.1"]),
    ("sk BETWEEN :v AND :w", {":v": n("-0.1"), ":w": n("0.1")}, ["-0.1", "-0.01", "0", "0.01", "0.1"]),
]


@pytest.mark.parametrize(("condition", "values", "expected"), SORT_CONDITIONS)
def test_sort_key_condition(
    ddb: Any, numbers: str, condition: str, values: Item, expected: list[str]
) -> None:
    assert sks(query(ddb, numbers, **in_n(condition, values))) == expected


LEGACY_CONDITIONS = [
    ("EQ", [n("1")], ["1"]),
    ("LT", [n("-1")], ["-99.1", "-10.1", "-9.9", "-9", "-1.01"]),
    ("LE", [n("-9")], ["-99.1", "-10.1", "-9.9", "-9"]),
    ("GT", [n("9")], ["10.1", "99.1"]),
    ("GE", [n("10.1")], ["10.1", "99.1"]),
    ("BETWEEN", [n("1"), n("9")], ["1", "1.1", "9"]),
]


@pytest.mark.parametrize(("operator", "values", "expected"), LEGACY_CONDITIONS)
def test_legacy_key_conditions(
    ddb: Any, numbers: str, operator: str, values: list[Item], expected: list[str]
) -> None:
    answer = query(ddb, numbers, KeyConditions=conditions(pk=("EQ", [s("n")]), sk=(operator, values)))
    assert sks(answer) == expected


def test_begins_with(ddb: Any, indexed: str) -> None:
    put_all(ddb, indexed, [{"a": s("bw"), "b": s(value)} for value in ("aa", "aab", "ab", "b", "a")])
    expression = query(
        ddb,
        indexed,
        KeyConditionExpression="a = :a AND begins_with(b, :b)",
        ExpressionAttributeValues={":a": s("bw"), ":b": s("aa")},
    )
    legacy = query(ddb, indexed, KeyConditions=conditions(a=("EQ", [s("bw")]), b=("BEGINS_WITH", [s("a")])))
    assert bs(expression) == ["aa", "aab"]
    assert bs(legacy) == ["a", "aa", "aab", "ab"]


def test_begins_with_on_a_number_sort_key(ddb: Any, numbers: str) -> None:
    assert refused(ddb, numbers, **in_n("begins_with(sk, :v)", {":v": n("1")})) == (
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N"
    )
    assert refused(ddb, numbers, **in_n("begins_with(sk, :v)", {":v": s("1")})) == TYPE_MISMATCH
    legacy = conditions(pk=("EQ", [s("n")]), sk=("BEGINS_WITH", [n("1")]))
    assert refused(ddb, numbers, KeyConditions=legacy) == (
        INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
    )


KEY_CONDITION_ERRORS = [
    ("pk = :n", {":n": n("1")}, TYPE_MISMATCH),
    ("pk = :p AND sk = :p", {":p": s("n")}, TYPE_MISMATCH),
    ("pk > :p", {":p": s("n")}, NOT_SUPPORTED),
    ("pk = :p OR sk = :n", {":p": s("n"), ":n": n("1")}, BAD_OPERATOR + "OR"),
    ("pk = :p AND sk <> :n", {":p": s("n"), ":n": n("1")}, BAD_OPERATOR + "<>"),
    ("pk = :p AND x = :n AND y = :n", {":p": s("n"), ":n": n("1")},
     "Conditions can be of length 1 or 2 only"),
    ("pk = :p AND sk > :n AND sk < :n", {":p": s("n"), ":n": n("1")},
     "KeyConditionExpressions must only contain one condition per key"),
    ("pk = :p AND size(sk) > :n", {":p": s("n"), ":n": n("1")},
     "KeyConditionExpressions cannot contain nested operations"),
    ("pk = :p AND zz.y = :n", {":p": s("n"), ":n": n("1")},
     "KeyConditionExpressions cannot have conditions on nested attributes"),
]  # fmt: skip


@pytest.mark.reference_deviation(
    "DynamoDB Local checks paths into key attributes before the conditions' shape ('Key attributes "
    "must be scalars'); AWS checks the conditions before it looks the table up (dynalite's suite)"
)
@pytest.mark.parametrize("expression", ["pk.x = :p", "pk = :p AND sk[0] = :n"])
def test_key_condition_paths_into_key_attributes(ddb: Any, numbers: str, expression: str) -> None:
    values = {":p": s("n"), ":n": n("1")} if ":n" in expression else {":p": s("n")}
    message = refused(ddb, numbers, KeyConditionExpression=expression, ExpressionAttributeValues=values)
    assert message == "KeyConditionExpressions cannot have conditions on nested attributes"


@pytest.mark.parametrize(("expression", "values", "message"), KEY_CONDITION_ERRORS)
def test_key_condition_errors(ddb: Any, numbers: str, expression: str, values: Item, message: str) -> None:
    assert (
        refused(ddb, numbers, KeyConditionExpression=expression, ExpressionAttributeValues=values) == message
    )


@pytest.mark.reference_deviation(NO_KEY_NAME)
@pytest.mark.parametrize(
    ("expression", "missing"), [("sk = :n", "pk"), ("pk = :p AND zz = :n", "sk"), ("zz = :n", "pk")]
)
def test_missed_key_schema_element(ddb: Any, numbers: str, expression: str, missing: str) -> None:
    values = {":p": s("n"), ":n": n("1")} if ":p" in expression else {":n": n("1")}
    message = refused(ddb, numbers, KeyConditionExpression=expression, ExpressionAttributeValues=values)
    assert message == f"Query condition missed key schema element: {missing}"


def test_second_condition_on_a_hash_only_table(ddb: Any, hash_table: str) -> None:
    assert refused(ddb, hash_table, **in_n("zz = :p", pk="x")) == NOT_SUPPORTED


def test_no_key_condition(ddb: Any, numbers: str) -> None:
    assert refused(ddb, numbers) == (
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
    )


@pytest.mark.reference_deviation("DynamoDB Local answers 'Only scalar types can be used as Hash Key values'")
def test_legacy_operator_that_cannot_use_the_partition_key(ddb: Any, numbers: str) -> None:
    assert refused(ddb, numbers, KeyConditions=conditions(pk=("NULL", []))) == NOT_INDEXABLE


@pytest.mark.parametrize("operator", ["IN", "CONTAINS", "NOT_CONTAINS"])
def test_legacy_operator_that_cannot_use_the_sort_key(ddb: Any, numbers: str, operator: str) -> None:
    legacy = conditions(pk=("EQ", [s("n")]), sk=(operator, [n("1")]))
    assert refused(ddb, numbers, KeyConditions=legacy) == NOT_INDEXABLE


@pytest.mark.reference_deviation("DynamoDB Local answers 'Conditions must be at least length 1'")
def test_empty_key_conditions(ddb: Any, numbers: str) -> None:
    assert refused(ddb, numbers, KeyConditions={}) == "Conditions can be of length 1 or 2 only"


def test_empty_key_values(ddb: Any, indexed: str) -> None:
    empty = (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
    )
    assert refused(ddb, indexed, **{**on_x(), "ExpressionAttributeValues": {":a": s("")}}) == (
        empty + "an empty string value. Key: a"
    )
    assert refused(
        ddb,
        indexed,
        KeyConditionExpression="a = :a AND begins_with(b, :b)",
        ExpressionAttributeValues={":a": s("x"), ":b": s("")},
    ) == (empty + "an empty string value. Key: b")


# --- Limit, ExclusiveStartKey -------------------------------------------------------------------------------


def test_limit_and_last_evaluated_key(ddb: Any, numbers: str) -> None:
    keys = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": s("n")}}
    first = query(ddb, numbers, Limit=5, **keys)
    assert sks(first) == NUMBERS[:5]
    assert first["LastEvaluatedKey"] == {"pk": s("n"), "sk": n(NUMBERS[4])}
    rest = query(ddb, numbers, ExclusiveStartKey=first["LastEvaluatedKey"], **keys)
    assert sks(rest) == NUMBERS[5:]
    assert "LastEvaluatedKey" not in rest
    # A page that ends at Limit carries a key even when nothing follows.
    exact = query(ddb, numbers, Limit=len(NUMBERS), **keys)
    assert exact["LastEvaluatedKey"] == {"pk": s("n"), "sk": n(NUMBERS[-1])}
    assert "LastEvaluatedKey" not in query(ddb, numbers, Limit=len(NUMBERS) + 1, **keys)


def test_backwards_from_a_start_key(ddb: Any, numbers: str) -> None:
    answer = query(
        ddb,
        numbers,
        **in_n(),
        ScanIndexForward=False,
        ExclusiveStartKey={"pk": s("n"), "sk": n("0")},
        Limit=3,
    )
    assert sks(answer) == ["-0.01", "-0.1", "-1"]
    assert answer["LastEvaluatedKey"] == {"pk": s("n"), "sk": n("-1")}


def test_start_key_need_not_exist(ddb: Any, numbers: str) -> None:
    answer = query(
        ddb,
        numbers,
        **in_n("sk < :v", {":v": n("5")}),
        ExclusiveStartKey={"pk": s("n"), "sk": n("0.5")},
    )
    assert sks(answer) == ["1", "1.1"]


def test_paginator_walks_thousands_of_items(ddb: Any, numbers: str) -> None:
    pages = ddb.get_paginator("query").paginate(
        TableName=numbers,
        **in_n(pk="big"),
        PaginationConfig={"PageSize": 150},
    )
    counts = []
    seen: list[int] = []
    for page in pages:
        counts.append(page["Count"])
        seen.extend(int(item["sk"]["N"]) for item in page["Items"])
    assert seen == list(range(BIG))
    assert counts[:-1] == [150] * (len(counts) - 1)
    backwards = ddb.get_paginator("query").paginate(
        TableName=numbers,
        **in_n("sk >= :v", {":v": n("1000")}, pk="big"),
        ScanIndexForward=False,
        ProjectionExpression="sk",
        PaginationConfig={"PageSize": 333},
    )
    assert [int(item["sk"]["N"]) for page in backwards for item in page["Items"]] == list(
        range(BIG - 1, 999, -1)
    )


OWN_WORDS = pytest.mark.reference_deviation(OWN_START_KEY)
START_KEY_ERRORS = [
    pytest.param({"pk": s("n")}, INVALID_START, marks=OWN_WORDS),
    ({"pk": s("n"), "zz": n("1")}, INVALID_START),
    pytest.param({"pk": s("n"), "sk": s("1")}, SCHEMA_MISMATCH, marks=OWN_WORDS),
    pytest.param(
        {"pk": s("m"), "sk": n("1")},
        "The provided starting key is outside query boundaries based on provided conditions",
        marks=OWN_WORDS,
    ),
]


@pytest.mark.parametrize(("start_key", "message"), START_KEY_ERRORS)
def test_start_key_errors(ddb: Any, numbers: str, start_key: Item, message: str) -> None:
    assert (
        refused(
            ddb,
            numbers,
            **in_n(),
            ExclusiveStartKey=start_key,
        )
        == message
    )


def test_start_key_outside_the_sort_key_condition(ddb: Any, numbers: str) -> None:
    assert (
        refused(
            ddb,
            numbers,
            **in_n("sk > :v", {":v": n("5")}),
            ExclusiveStartKey={"pk": s("n"), "sk": n("1")},
        )
        == "The provided starting key does not match the range key predicate"
    )


@pytest.mark.reference_deviation(OWN_START_KEY)
def test_start_key_of_another_partition_inside_the_sort_key_condition(ddb: Any, numbers: str) -> None:
    assert (
        refused(
            ddb,
            numbers,
            **in_n("sk > :v", {":v": n("5")}),
            ExclusiveStartKey={"pk": s("m"), "sk": n("6")},
        )
        == "The query can return at most one row and cannot be restarted"
    )


@pytest.mark.reference_deviation(OWN_START_KEY)
def test_start_key_values_are_checked_first(ddb: Any) -> None:
    # Before the table is looked up, and behind the start-key prefix (number errors bare).
    common = {"TableName": "no-such-table", "KeyConditionExpression": "a = :a"}
    assert validation(ddb.query, **common, ExclusiveStartKey={"a": {"S": "x", "N": "1"}}) == (
        INVALID_START
        + ": Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
        "the supported datatypes"
    )
    assert validation(ddb.query, **common, ExclusiveStartKey={"a": n("1e126")}) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


# --- filters, projections, Select ---------------------------------------------------------------------------


def test_filter_counts(ddb: Any, indexed: str) -> None:
    values = {":e1": s("e1"), ":e3": s("e3")}
    expression = query(ddb, indexed, FilterExpression="e IN (:e1, :e3)", **on_x(**values))
    legacy = query(ddb, indexed, KeyConditions=ON_X, QueryFilter=conditions(e=("IN", [s("e1"), s("e3")])))
    for answer in (expression, legacy):
        assert bs(answer) == ["1", "3"]
        assert (answer["Count"], answer["ScannedCount"]) == (2, 7)


def test_limit_applies_before_the_filter(ddb: Any, indexed: str) -> None:
    answer = query(ddb, indexed, Limit=2, FilterExpression="e = :e", **on_x(**{":e": s("e1")}))
    assert (bs(answer), answer["Count"], answer["ScannedCount"]) == (["1"], 1, 2)
    assert answer["LastEvaluatedKey"] == {"a": s("x"), "b": s("1")}
    empty = query(ddb, indexed, Limit=1, FilterExpression="e = :e", **on_x(**{":e": s("e3")}))
    assert (empty["Items"], empty["Count"], empty["ScannedCount"]) == ([], 0, 1)
    assert empty["LastEvaluatedKey"] == {"a": s("x"), "b": s("0")}


@pytest.mark.parametrize(
    ("params", "primary"),
    [
        ({"FilterExpression": "b = :a"}, "Filter Expression"),
        ({"FilterExpression": "e = :a AND a = :a"}, "Filter Expression"),
        ({"QueryFilter": {"b": {"ComparisonOperator": "NOT_NULL"}}}, "QueryFilter"),
    ],
)
def test_filter_on_a_key_attribute(ddb: Any, indexed: str, params: Item, primary: str) -> None:
    if "QueryFilter" in params:
        keys: Item = {"KeyConditions": ON_X}
    else:
        keys = on_x()
    name = "a" if "a = :a" in params.get("FilterExpression", "") else "b"
    assert refused(ddb, indexed, **keys, **params) == (
        f"{primary} can only contain non-primary key attributes: Primary key attribute: {name}"
    )


def test_paths_into_key_attributes(ddb: Any, indexed: str) -> None:
    scalars = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
    assert refused(ddb, indexed, ProjectionExpression="a.x", **on_x()) == scalars + "Key: a"
    assert refused(ddb, indexed, ProjectionExpression="c[0]", **on_x()) == scalars + "IndexKey: c"
    assert refused(ddb, indexed, FilterExpression="d.x = :a", **on_x()) == scalars + "IndexKey: d"


def test_projection(ddb: Any, indexed: str) -> None:
    expression = query(
        ddb, indexed, ProjectionExpression="c, #e", ExpressionAttributeNames={"#e": "e"}, **on_x()
    )
    legacy = query(ddb, indexed, KeyConditions=ON_X, AttributesToGet=["c", "e"], Select="SPECIFIC_ATTRIBUTES")
    for answer in (expression, legacy):
        assert answer["Items"][:2] == [{"c": s("c0"), "e": s("e0")}, {"c": s("c1"), "e": s("e1")}]
        assert answer["Items"][5] == {"e": s("e5")}
    nothing = query(ddb, indexed, ProjectionExpression="zz", Limit=2, **on_x())
    assert nothing["Items"] == [{}, {}]


def test_select_count(ddb: Any, indexed: str) -> None:
    answer = query(
        ddb, indexed, Select="COUNT", Limit=3, FilterExpression="e <> :e", **on_x(**{":e": s("e1")})
    )
    assert "Items" not in answer
    assert (answer["Count"], answer["ScannedCount"]) == (2, 3)
    assert answer["LastEvaluatedKey"] == {"a": s("x"), "b": s("2")}


SELECT_ERRORS = [
    ({"Select": "SPECIFIC_ATTRIBUTES"},
     "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
    ({"Select": "ALL_PROJECTED_ATTRIBUTES"},
     "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
    ({"Select": "COUNT", "ProjectionExpression": "e"},
     "Cannot specify the ProjectionExpression when choosing to get only the Count"),
    ({"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "e"},
     "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"),
    ({"Select": "ALL_PROJECTED_ATTRIBUTES", "ProjectionExpression": "e"},
     "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES"),
]  # fmt: skip


@pytest.mark.reference_deviation(NO_ENVELOPE)
@pytest.mark.parametrize(("params", "message"), SELECT_ERRORS)
def test_select_errors(ddb: Any, indexed: str, params: Item, message: str) -> None:
    assert refused(ddb, indexed, **on_x(), **params) == ENVELOPE + message


@pytest.mark.reference_deviation(NO_ENVELOPE)
def test_select_with_attributes_to_get(ddb: Any, indexed: str) -> None:
    conditions = ON_X
    for select, wanted in (("COUNT", "only the Count"), ("ALL_ATTRIBUTES", "ALL_ATTRIBUTES")):
        message = refused(ddb, indexed, KeyConditions=conditions, AttributesToGet=["e"], Select=select)
        assert message == f"{ENVELOPE}Cannot specify the AttributesToGet when choosing to get {wanted}"


# --- secondary indexes --------------------------------------------------------------------------------------


def test_local_index_in_its_sort_key_order(ddb: Any, indexed: str) -> None:
    answer = query(ddb, indexed, IndexName="index2", ConsistentRead=True, **on_x())
    # d4..d0 for items 0..4, d9 for item 5; item 6 has no d. Entries hold keys and c only.
    assert bs(answer) == ["4", "3", "2", "1", "0", "5"]
    assert answer["Items"][0] == {"a": s("x"), "b": s("4"), "c": s("c4"), "d": s("d0")}
    assert answer["Items"][-1] == {"a": s("x"), "b": s("5"), "d": s("d9")}
    limited = query(ddb, indexed, IndexName="index2", Limit=2, **on_x())
    assert limited["LastEvaluatedKey"] == {"a": s("x"), "b": s("3"), "d": s("d1")}
    rest = query(ddb, indexed, IndexName="index2", ExclusiveStartKey=limited["LastEvaluatedKey"], **on_x())
    assert bs(rest) == ["2", "1", "0", "5"]


def test_local_index_fetches_what_it_does_not_hold(ddb: Any, indexed: str) -> None:
    everything = query(ddb, indexed, IndexName="index2", Select="ALL_ATTRIBUTES", Limit=2, **on_x())
    assert everything["Items"] == [INDEXED_ITEMS[4], INDEXED_ITEMS[3]]
    projected = query(ddb, indexed, IndexName="index2", ProjectionExpression="b, f", Limit=2, **on_x())
    assert projected["Items"] == [{"b": s("4"), "f": s("f4")}, {"b": s("3"), "f": s("f3")}]
    condition = query(
        ddb, indexed, IndexName="index1", KeyConditionExpression="a = :a AND c BETWEEN :c1 AND :c3",
        ExpressionAttributeValues={":a": s("x"), ":c1": s("c1"), ":c3": s("c3")},
    )  # fmt: skip
    assert condition["Items"] == INDEXED_ITEMS[1:4]


def test_global_index(ddb: Any, indexed: str) -> None:
    answer = query(ddb, indexed, IndexName="index4", **on_c("c1"))
    assert answer["Items"] == [
        {"a": s("x"), "b": s("1"), "c": s("c1"), "d": s("d3"), "e": s("e1")},
        {"a": s("y"), "b": s("0"), "c": s("c1"), "d": s("d7"), "e": s("ey")},
    ]
    limited = query(ddb, indexed, IndexName="index4", **on_c("c1", "d > :d", {":d": s("d0")}), Limit=1)
    assert limited["LastEvaluatedKey"] == {"a": s("x"), "b": s("1"), "c": s("c1"), "d": s("d3")}
    rest = query(
        ddb,
        indexed,
        IndexName="index4",
        **on_c("c1", "d > :d", {":d": s("d0")}),
        ExclusiveStartKey=limited["LastEvaluatedKey"],
    )
    assert [item["a"]["S"] for item in rest["Items"]] == ["y"]
    full = query(ddb, indexed, IndexName="index3", **on_c("c6"))
    assert full["Items"] == [INDEXED_ITEMS[6]]


INDEX_ERRORS = [
    ({"IndexName": "nope"}, "a", "The table does not have the specified index: nope"),
    ({"IndexName": "index3", "ConsistentRead": True}, "c",
     "Consistent reads are not supported on global secondary indexes"),
    ({"IndexName": "index4", "Select": "ALL_ATTRIBUTES"}, "c",
     INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index index4 because its "
     "projection type is not ALL"),
    ({"IndexName": "index4", "ProjectionExpression": "zz, f, e, yy"}, "c",
     INVALID + "Global secondary index index4 does not project [yy, zz, f]"),
    ({"IndexName": "index4", "FilterExpression": "f = :v AND zz = :v AND e = :v"}, "c",
     INVALID + "Secondary index index4 does not project one or more filter attributes: [f, zz]"),
    ({"IndexName": "index2", "FilterExpression": "f = :v"}, "a",
     INVALID + "Secondary index index2 does not project one or more filter attributes: [f]"),
    ({"IndexName": "index2", "FilterExpression": "d = :v"}, "a",
     "Filter Expression can only contain non-primary key attributes: Primary key attribute: d"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "hash_name", "message"), INDEX_ERRORS)
def test_index_errors(ddb: Any, indexed: str, params: Item, hash_name: str, message: str) -> None:
    values = {":h": s("x")} | ({":v": s("v")} if "FilterExpression" in params else {})
    answer = refused(
        ddb,
        indexed,
        KeyConditionExpression=f"{hash_name} = :h",
        ExpressionAttributeValues=values,
        **params,
    )
    assert answer == message


def test_filter_on_the_table_sort_key_of_an_index(ddb: Any, indexed: str) -> None:
    answer = query(ddb, indexed, IndexName="index2", FilterExpression="b = :b", **on_x(**{":b": s("2")}))
    assert (bs(answer), answer["ScannedCount"]) == (["2"], 6)


# --- consumed capacity --------------------------------------------------------------------------------------


def test_capacity_of_a_table_query(ddb: Any, indexed: str) -> None:
    answer = query(ddb, indexed, ReturnConsumedCapacity="INDEXES", ConsistentRead=True, **on_x())
    assert answer["ConsumedCapacity"] == capacity(indexed, 1.0, 1.0)
    total = query(ddb, indexed, ReturnConsumedCapacity="TOTAL", **on_x())
    assert total["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 0.5}
    assert "ConsumedCapacity" not in query(ddb, indexed, ReturnConsumedCapacity="NONE", **on_x())


def test_capacity_of_index_queries(ddb: Any, indexed: str) -> None:
    local = query(ddb, indexed, IndexName="index2", ReturnConsumedCapacity="INDEXES", **on_x())
    assert local["ConsumedCapacity"] == capacity(indexed, 0.5, 0.0, LocalSecondaryIndexes={"index2": 0.5})
    global_ = query(ddb, indexed, IndexName="index4", **on_c("c1"), ReturnConsumedCapacity="INDEXES")
    assert global_["ConsumedCapacity"] == capacity(indexed, 0.5, 0.0, GlobalSecondaryIndexes={"index4": 0.5})


@pytest.mark.reference_deviation("DynamoDB Local charges each item fetched from the table separately")
def test_capacity_of_items_fetched_for_a_local_index(ddb: Any, indexed: str) -> None:
    answer = query(
        ddb,
        indexed,
        IndexName="index2",
        Select="ALL_ATTRIBUTES",
        ConsistentRead=True,
        Limit=2,
        ReturnConsumedCapacity="INDEXES",
        **on_x(),
    )
    assert answer["ConsumedCapacity"] == capacity(indexed, 2.0, 1.0, LocalSecondaryIndexes={"index2": 1.0})


@pytest.mark.reference_deviation("DynamoDB Local charges nothing for a query that reads nothing")
def test_capacity_of_an_empty_query(ddb: Any, indexed: str) -> None:
    answer = query(
        ddb,
        indexed,
        ReturnConsumedCapacity="TOTAL",
        **{**on_x(), "ExpressionAttributeValues": {":a": s("none")}},
    )
    assert answer["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 0.5}


# --- the 1 MB page ------------------------------------------------------------------------------------------

# An item of this table is "pk" (2) + 10 + "sk" (2) + 2 + "e" (1) + len(e) = len(e) + 17 bytes.
ITEM_OVERHEAD = 17
PAGE = 1024 * 1024


def page_items(pk: str, sizes: list[int]) -> list[Item]:
    return [
        {"pk": s(pk), "sk": s(f"{i:02}"), "e": s("e" * (size - ITEM_OVERHEAD))}
        for i, size in enumerate(sizes)
    ]


@pytest.fixture(scope="module")
def pages(target: Target) -> Iterator[str]:
    client = target.client()
    name = create_table(client, unique_name("query-page"), range_key=("sk", "S"))
    per_item = (PAGE - 1) // 25  # 41943: 25 of them are one byte short of 1 MB
    assert per_item * 25 == PAGE - 1
    for pk, sizes in {
        "under-1mb1": [per_item] * 25,
        "reach-1mb1": [per_item] * 24 + [per_item + 1, 100],
        "cross-1mb1": [per_item] * 24 + [per_item + 25],
    }.items():
        for item in page_items(pk, sizes):
            client.put_item(TableName=name, Item=item)
    yield name
    _drop(client, name)


def count_page(ddb: Any, table: str, pk: str) -> dict[str, Any]:
    return query(ddb, table, **in_n(pk=pk), Select="COUNT", ReturnConsumedCapacity="TOTAL")


def test_page_just_under_1mb(ddb: Any, pages: str) -> None:
    answer = count_page(ddb, pages, "under-1mb1")
    assert (answer["Count"], answer["ScannedCount"]) == (25, 25)
    assert "LastEvaluatedKey" not in answer
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 128.0


def test_page_ends_with_the_item_that_reaches_1mb(ddb: Any, pages: str) -> None:
    answer = count_page(ddb, pages, "reach-1mb1")
    assert (answer["Count"], answer["ScannedCount"]) == (25, 25)
    assert answer["LastEvaluatedKey"] == {"pk": s("reach-1mb1"), "sk": s("24")}
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 128.0
    rest = query(
        ddb,
        pages,
        **in_n(pk="reach-1mb1"),
        ExclusiveStartKey=answer["LastEvaluatedKey"],
        ProjectionExpression="sk",
    )
    assert rest["Items"] == [{"sk": s("25")}]


@pytest.mark.reference_deviation(
    "DynamoDB Local leaves LastEvaluatedKey out when nothing follows the 1 MB page"
)
def test_page_crossing_1mb_on_its_last_item(ddb: Any, pages: str) -> None:
    answer = count_page(ddb, pages, "cross-1mb1")
    assert (answer["Count"], answer["ConsumedCapacity"]["CapacityUnits"]) == (25, 128.5)
    assert answer["LastEvaluatedKey"] == {"pk": s("cross-1mb1"), "sk": s("24")}


def test_missing_table(ddb: Any) -> None:
    code, _ = error_of(ddb.query, TableName=unique_name(), KeyConditionExpression="a = :a",
                       ExpressionAttributeValues={":a": s("x")})  # fmt: skip
    assert code == "ResourceNotFoundException"


@pytest.fixture(scope="module")
def slow_indexes() -> Iterator[Any]:
    with localddb_client("--status-delay", "1.5") as client:
        yield client


@pytest.mark.localddb_only("--status-delay is a localddb option (DynamoDB Local creates an index at once)")
def test_index_that_is_being_created(target: Target, slow_indexes: Any) -> None:
    client = slow_indexes
    name = unique_name("query-backfill")
    create_table(client, name)
    client.put_item(TableName=name, Item={"pk": s("p"), "g": s("x")})
    client.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    read = {"TableName": name, "IndexName": "by-g", "KeyConditionExpression": "g = :g",
            "ExpressionAttributeValues": {":g": s("x")}}  # fmt: skip
    assert validation(client.query, **read) == "Cannot read from backfilling global secondary index: by-g"
    deadline = time.monotonic() + 10
    while (
        client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"] != "ACTIVE"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert client.query(**read)["Items"] == [{"pk": s("p"), "g": s("x")}]
