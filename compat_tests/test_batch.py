"""BatchGetItem and BatchWriteItem: reads and writes across tables, projections, the 16 MB response limit
and UnprocessedKeys, duplicate keys, request limits, key and value errors, the order of the checks (all
before any write), ConsumedCapacity per table and ItemCollectionMetrics.

Expected answers are AWS's: dynalite's suite (recorded against DynamoDB), the 2026 conformance captures
(current messages, the value dialects of each operation) and the API reference. DynamoDB Local words a
missing table, key errors, malformed numbers and an empty key its own way, charges a batch delete of a
missing item 2 units and a read of a missing item nothing, counts 101 keys in one table as "too many
items", ignores unknown enums and never returns ItemCollectionMetrics; those tests carry
`reference_deviation`.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import error_of, n, s, validation

Item = dict[str, Any]

INVALID = "One or more parameter values were invalid: "
MISMATCH = "The provided key element does not match the schema"
DUPLICATES = "Provided list of item keys contains duplicates"
TOO_MANY_GETS = "Too many items requested for the BatchGetItem call"
TOO_MANY_WRITES = "Too many items requested for the BatchWriteItem call"
SEVERAL = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes"
)
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"

NOT_FOUND_WORDING = "DynamoDB Local says 'Cannot do operations on a non-existent table'"
OWN_KEY_MESSAGES = "DynamoDB Local words key errors its own way"
OWN_VALUE_MESSAGES = "DynamoDB Local words malformed numbers and duplicate set members its own way"
EMPTY_KEY = "DynamoDB Local refuses an empty key with its own message before it looks the table up"
NO_ENUM_CHECK = "DynamoDB Local ignores unknown ReturnConsumedCapacity/ReturnItemCollectionMetrics values"
OWN_LIMIT_MESSAGES = "DynamoDB Local answers the per-table list limits with 'Too many items requested'"
FREE_MISSING_READS = "DynamoDB Local charges nothing for a key that has no item"
DEAR_MISSING_DELETES = "DynamoDB Local charges a batch delete of a missing item 2 units"
NO_COLLECTION_METRICS = "DynamoDB Local never returns ItemCollectionMetrics"


def fresh(prefix: str = "batch") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def put(item: Item) -> Item:
    return {"PutRequest": {"Item": item}}


def delete(key: Item) -> Item:
    return {"DeleteRequest": {"Key": key}}


def range_key(pk: str, sk: str = "1") -> Item:
    return {"pk": s(pk), "sk": n(sk)}


def sorted_items(items: list[Item]) -> list[Item]:
    """Items in a fixed order: batches answer in no particular order, nor with attributes in any."""
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=repr))


def read(ddb: Any, table: str, key: Item) -> Item | None:
    found: Item | None = ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return found


@pytest.fixture(scope="module")
def lsi_table(target: Target) -> Iterator[str]:
    """pk (S) + sk (S), with a local index on `l` (S) projecting everything."""
    client = target.client()
    name = create_table(
        client,
        unique_name("batch-lsi"),
        range_key=("sk", "S"),
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    yield name
    client.delete_table(TableName=name)


# --- BatchGetItem -------------------------------------------------------------------------------------------


def test_get_returns_the_items_that_exist(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    first, second = {"pk": s(fresh()), "v": n("1")}, {"pk": s(fresh()), "v": s("two")}
    ranged = {**range_key(fresh(), "7"), "v": {"L": [s("x")]}}
    ddb.batch_write_item(
        RequestItems={hash_table: [put(first), put(second)], hash_range_table: [put(ranged)]}
    )
    response = ddb.batch_get_item(
        RequestItems={
            hash_table: {"Keys": [{"pk": first["pk"]}, {"pk": s(fresh())}, {"pk": second["pk"]}]},
            hash_range_table: {"Keys": [range_key(ranged["pk"]["S"], "7.0"), range_key(fresh())]},
        }
    )
    assert sorted_items(response["Responses"][hash_table]) == sorted_items([first, second])
    assert response["Responses"][hash_range_table] == [ranged]
    assert response["UnprocessedKeys"] == {}
    assert "ConsumedCapacity" not in response


def test_get_answers_every_table_even_without_items(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    response = ddb.batch_get_item(
        RequestItems={
            hash_table: {"Keys": [{"pk": s(fresh())}]},
            hash_range_table: {"Keys": [range_key(fresh())]},
        }
    )
    assert response["Responses"] == {hash_table: [], hash_range_table: []}
    assert response["UnprocessedKeys"] == {}


@pytest.mark.parametrize(
    "projection",
    [
        {"ProjectionExpression": "b, c"},
        {"ProjectionExpression": "#b, c", "ExpressionAttributeNames": {"#b": "b"}},
        {"AttributesToGet": ["b", "c"]},
    ],
)
def test_get_projects_each_table(ddb: Any, hash_table: str, projection: dict[str, Any]) -> None:
    full = {"pk": s(fresh()), "b": n("1"), "c": s("c"), "d": s("d")}
    partial = {"pk": s(fresh()), "b": n("2")}
    bare = {"pk": s(fresh())}
    ddb.batch_write_item(RequestItems={hash_table: [put(full), put(partial), put(bare)]})
    keys = [{"pk": item["pk"]} for item in (full, partial, bare)]
    response = ddb.batch_get_item(
        RequestItems={hash_table: {"Keys": keys, "ConsistentRead": True, **projection}}
    )
    expected = [{"b": n("1"), "c": s("c")}, {"b": n("2")}, {}]
    assert sorted_items(response["Responses"][hash_table]) == sorted_items(expected)


def test_get_capacity_per_table_with_each_item_rounded(
    ddb: Any, hash_table: str, hash_range_table: str
) -> None:
    large = {"pk": s(fresh()), "v": s("x" * 5000)}  # 2 read units strongly consistent, 1 eventually
    small = {"pk": s(fresh())}
    ranged = range_key(fresh())
    ddb.batch_write_item(RequestItems={hash_table: [put(large), put(small)], hash_range_table: [put(ranged)]})
    items = {
        hash_table: {"Keys": [{"pk": large["pk"]}, {"pk": small["pk"]}]},
        hash_range_table: {"Keys": [ranged], "ConsistentRead": True},
    }
    total = ddb.batch_get_item(RequestItems=items, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert sorted_items(total) == sorted_items(
        [
            {"TableName": hash_table, "CapacityUnits": 1.5},
            {"TableName": hash_range_table, "CapacityUnits": 1.0},
        ]
    )
    items[hash_table]["ConsistentRead"] = True
    indexes = ddb.batch_get_item(RequestItems=items, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert sorted_items(indexes) == sorted_items(
        [
            {"TableName": hash_table, "CapacityUnits": 3.0, "Table": {"CapacityUnits": 3.0}},
            {"TableName": hash_range_table, "CapacityUnits": 1.0, "Table": {"CapacityUnits": 1.0}},
        ]
    )
    none = ddb.batch_get_item(RequestItems=items, ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in none


@pytest.mark.reference_deviation(FREE_MISSING_READS)
def test_get_charges_a_key_without_item(ddb: Any, hash_table: str) -> None:
    items = {hash_table: {"Keys": [{"pk": s(fresh())}, {"pk": s(fresh())}, {"pk": s(fresh())}]}}
    capacity = ddb.batch_get_item(RequestItems=items, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert capacity == [{"TableName": hash_table, "CapacityUnits": 1.5}]


@pytest.fixture(scope="module")
def large_items(target: Target) -> Iterator[tuple[str, list[Item]]]:
    """A table holding 42 items of 409,570 bytes each (16.4 MiB in all)."""
    client = target.client()
    name = create_table(client, unique_name("batch-large"))
    items = [{"pk": s(f"large-{i:03d}"), "v": s("v" * (400 * 1024 - 40))} for i in range(42)]
    for start in range(0, len(items), 14):
        client.batch_write_item(RequestItems={name: [put(item) for item in items[start : start + 14]]})
    yield name, items
    client.delete_table(TableName=name)


def test_get_leaves_what_passes_16_mb_unprocessed(ddb: Any, large_items: tuple[str, list[Item]]) -> None:
    table, items = large_items
    keys = [{"pk": item["pk"]} for item in items]
    params = {"ConsistentRead": True, "ProjectionExpression": "#p", "ExpressionAttributeNames": {"#p": "pk"}}
    response = ddb.batch_get_item(
        RequestItems={table: {"Keys": keys, **params}}, ReturnConsumedCapacity="TOTAL"
    )
    returned = response["Responses"][table]
    left = response["UnprocessedKeys"][table]
    assert len(returned) == 40  # 40 x 409,570 bytes fit in 16 MiB, 41 do not
    assert {name: value for name, value in left.items() if name != "Keys"} == params
    assert sorted_items(returned + left["Keys"]) == sorted_items(keys)
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4000.0}]
    again = ddb.batch_get_item(RequestItems=response["UnprocessedKeys"])
    assert sorted_items(again["Responses"][table]) == sorted_items(left["Keys"])
    assert again["UnprocessedKeys"] == {}


def test_get_refuses_duplicate_keys(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    key, other = {"pk": s(fresh())}, {"pk": s(fresh())}
    assert validation(ddb.batch_get_item, RequestItems={hash_table: {"Keys": [key, key, key]}}) == DUPLICATES
    assert (
        validation(ddb.batch_get_item, RequestItems={hash_table: {"Keys": [key, other, key]}}) == DUPLICATES
    )
    # compared by value, before the table is looked up
    missing = {unique_name(): {"Keys": [key, key]}}
    assert validation(ddb.batch_get_item, RequestItems=missing) == DUPLICATES
    # one key in two tables is two items
    both = {hash_table: {"Keys": [key]}, hash_range_table: {"Keys": [range_key(key["pk"]["S"])]}}
    assert ddb.batch_get_item(RequestItems=both)["UnprocessedKeys"] == {}


def test_get_refuses_more_than_100_keys_across_tables(ddb: Any, hash_table: str) -> None:
    keys = [{"pk": s(str(i))} for i in range(60)]
    items = {hash_table: {"Keys": keys}, unique_name(): {"Keys": keys[:41]}}
    assert validation(ddb.batch_get_item, RequestItems=items) == TOO_MANY_GETS


@pytest.mark.reference_deviation(OWN_LIMIT_MESSAGES)
def test_get_refuses_more_than_100_keys_in_one_table(ddb: Any, hash_table: str) -> None:
    keys = [{"pk": s(str(i))} for i in range(101)]
    message = validation(ddb.batch_get_item, RequestItems={hash_table: {"Keys": keys}})
    table = re.escape(hash_table)
    # AWS's two validation cohorts: the older echoes the list, the newer names the member path
    assert re.fullmatch(
        "1 validation error detected: "
        rf"(?:Value '\[.+\]' at 'requestItems\.{table}\.member\.keys'"
        rf"|Value at 'RequestItems\.{table}\.member\.Keys') "
        "failed to satisfy constraint: Member must have length less than or equal to 100",
        message,
        re.DOTALL,
    )


def test_get_of_a_missing_table(ddb: Any, hash_table: str) -> None:
    keys = [{"pk": s(str(i))} for i in range(100)]
    code, _ = error_of(
        ddb.batch_get_item, RequestItems={hash_table: {"Keys": keys[:1]}, unique_name(): {"Keys": keys[1:]}}
    )
    assert code == "ResourceNotFoundException"


@pytest.mark.reference_deviation(NOT_FOUND_WORDING)
def test_get_of_a_missing_table_message(ddb: Any) -> None:
    items = {unique_name(): {"Keys": [{"pk": s("a")}]}}
    assert error_of(ddb.batch_get_item, RequestItems=items) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"x": s("a"), "sk": n("1")}, MISMATCH),
        ({"pk": s("a"), "sk": n("1"), "x": s("b")}, MISMATCH),
        ({"pk": n("1"), "sk": n("1")}, MISMATCH),
        ({"pk": {"SS": ["a"]}, "sk": n("1")}, MISMATCH),
        ({"pk": s("a")}, MISMATCH),
        (
            {"pk": s("a" * 2049), "sk": n("1")},
            INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
        ),
    ],
)
def test_get_key_errors(ddb: Any, hash_range_table: str, key: Item, message: str) -> None:
    assert validation(ddb.batch_get_item, RequestItems={hash_range_table: {"Keys": [key]}}) == message


@pytest.mark.reference_deviation(EMPTY_KEY)
def test_get_empty_key(ddb: Any, hash_table: str) -> None:
    assert validation(ddb.batch_get_item, RequestItems={hash_table: {"Keys": [{}]}}) == MISMATCH
    code, _ = error_of(ddb.batch_get_item, RequestItems={unique_name(): {"Keys": [{}]}})
    assert code == "ResourceNotFoundException"


def test_get_empty_string_key(ddb: Any, hash_table: str) -> None:
    assert validation(ddb.batch_get_item, RequestItems={hash_table: {"Keys": [{"pk": s("")}]}}) == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk"
    )


@pytest.mark.reference_deviation(OWN_VALUE_MESSAGES)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (n("abc"), f"{NOT_NUMERIC}: abc"),
        (n(""), f"{NOT_NUMERIC}: "),  # the current dialect keeps the colon
        ({"SS": ["b", "a", "b"]}, INVALID + 'Input collection ["a", "b", "b"] contains duplicates.'),
    ],
)
def test_get_values_in_the_current_dialect(ddb: Any, value: Item, message: str) -> None:
    assert validation(ddb.batch_get_item, RequestItems={unique_name(): {"Keys": [{"pk": value}]}}) == message


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"AttributesToGet": ["a"], "ProjectionExpression": "a"},
            "Can not use both expression and non-expression parameters in the same request: "
            "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
        ),
        ({"AttributesToGet": ["a", "a"]}, INVALID + "Duplicate value in attribute name: a"),
        (
            {"ExpressionAttributeNames": {"#a": "a"}},
            "ExpressionAttributeNames can only be specified when using expressions",
        ),
        (
            {"ProjectionExpression": "b", "ExpressionAttributeNames": {"#a": "a"}},
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}",
        ),
        (
            {"ProjectionExpression": "a, a"},
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or "
            "rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            {"ProjectionExpression": "pk.a"},
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
            "Key: pk",
        ),
    ],
)
def test_get_projection_errors(ddb: Any, hash_table: str, params: dict[str, Any], message: str) -> None:
    items = {hash_table: {"Keys": [{"pk": s(fresh())}], **params}}
    assert validation(ddb.batch_get_item, RequestItems=items) == message


def test_get_refuses_mixed_projections_across_tables(
    ddb: Any, hash_table: str, hash_range_table: str
) -> None:
    items = {
        hash_table: {"Keys": [{"pk": s(fresh())}], "ProjectionExpression": "pk"},
        hash_range_table: {"Keys": [range_key(fresh())], "AttributesToGet": ["pk"]},
    }
    assert validation(ddb.batch_get_item, RequestItems=items) == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
    )


@pytest.mark.reference_deviation(NO_ENUM_CHECK)
def test_get_unknown_return_consumed_capacity(ddb: Any, hash_table: str) -> None:
    message = validation(
        ddb.batch_get_item,
        RequestItems={hash_table: {"Keys": [{"pk": s("a")}]}},
        ReturnConsumedCapacity="BOGUS",
    )
    assert message == (
        "1 validation error detected: Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy "
        "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
    )


# --- BatchWriteItem -----------------------------------------------------------------------------------------


def test_write_puts_and_deletes_across_tables(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    doomed, ranged_doomed = {"pk": s(fresh()), "v": s("old")}, {**range_key(fresh()), "v": s("old")}
    ddb.put_item(TableName=hash_table, Item=doomed)
    ddb.put_item(TableName=hash_range_table, Item=ranged_doomed)
    item, ranged = {"pk": s(fresh()), "v": {"SS": ["a", "b"]}}, {**range_key(fresh(), "2.50"), "v": n("-0.0")}
    response = ddb.batch_write_item(
        RequestItems={
            hash_table: [put(item), delete({"pk": doomed["pk"]})],
            hash_range_table: [delete(range_key(ranged_doomed["pk"]["S"])), put(ranged)],
        }
    )
    response.pop("ResponseMetadata")
    assert response == {"UnprocessedItems": {}}
    assert read(ddb, hash_table, {"pk": item["pk"]}) == item
    assert read(ddb, hash_table, {"pk": doomed["pk"]}) is None
    assert read(ddb, hash_range_table, range_key(ranged["pk"]["S"], "2.5")) == {
        **range_key(ranged["pk"]["S"], "2.5"),
        "v": n("0"),
    }
    assert read(ddb, hash_range_table, range_key(ranged_doomed["pk"]["S"])) is None


def test_write_refuses_two_requests_for_one_item(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    key = {"pk": s(fresh())}
    for requests in (
        [put({**key, "a": s("1")}), put({**key, "a": s("2")})],
        [put(key), delete(key)],
        [delete(key), put(key)],
        [delete(key), delete(key)],
    ):
        assert validation(ddb.batch_write_item, RequestItems={hash_table: requests}) == DUPLICATES
    numbers = [put(range_key(key["pk"]["S"], "1")), delete(range_key(key["pk"]["S"], "1.0"))]
    assert validation(ddb.batch_write_item, RequestItems={hash_range_table: numbers}) == DUPLICATES
    assert read(ddb, hash_table, key) is None
    # one key in two tables is two items
    ddb.batch_write_item(
        RequestItems={hash_table: [put(key)], hash_range_table: [put({**key, "sk": n("1")})]}
    )
    assert read(ddb, hash_table, key) == key


def test_write_refuses_more_than_25_requests_across_tables(
    ddb: Any, hash_table: str, hash_range_table: str
) -> None:
    requests = [put({"pk": s(fresh())}) for _ in range(13)]
    ranged = [put(range_key(fresh())) for _ in range(13)]
    items = {hash_table: requests, hash_range_table: ranged}
    assert validation(ddb.batch_write_item, RequestItems=items) == TOO_MANY_WRITES
    assert read(ddb, hash_table, {"pk": requests[0]["PutRequest"]["Item"]["pk"]}) is None


@pytest.mark.reference_deviation(OWN_LIMIT_MESSAGES)
def test_write_refuses_more_than_25_requests_in_one_table(ddb: Any, hash_table: str) -> None:
    requests = [put({"pk": s(str(i))}) for i in range(26)]
    message = validation(ddb.batch_write_item, RequestItems={hash_table: requests})
    table = re.escape(hash_table)
    assert re.fullmatch(
        "1 validation error detected: "
        rf"(?:Value '\{{{table}=\[.+\]\}}' at 'requestItems' failed to satisfy constraint: Map value must "
        r"satisfy constraint: \[Member must have length less than or equal to 25, Member must have length "
        r"greater than or equal to 1\]"
        rf"|Value at 'RequestItems\.{table}\.member' failed to satisfy constraint: Member must have length "
        "less than or equal to 25)",
        message,
        re.DOTALL,
    )


def test_write_of_a_missing_table_writes_nothing(ddb: Any, hash_table: str) -> None:
    item = {"pk": s(fresh())}
    requests = [put({"pk": s(str(i))}) if i % 2 else delete({"pk": s(str(i))}) for i in range(24)]
    code, _ = error_of(ddb.batch_write_item, RequestItems={hash_table: [put(item)], unique_name(): requests})
    assert code == "ResourceNotFoundException"
    assert read(ddb, hash_table, {"pk": item["pk"]}) is None


@pytest.mark.reference_deviation(NOT_FOUND_WORDING)
def test_write_of_a_missing_table_message(ddb: Any) -> None:
    items = {unique_name(): [put({"pk": s("a")})]}
    assert error_of(ddb.batch_write_item, RequestItems=items) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


@pytest.mark.parametrize(
    "request_", [{}, {"PutRequest": {"Item": {"pk": s("a")}}, "DeleteRequest": {"Key": {"pk": s("a")}}}]
)
def test_write_request_needs_exactly_one_action(ddb: Any, hash_table: str, request_: Item) -> None:
    assert validation(ddb.batch_write_item, RequestItems={hash_table: [request_]}) == SEVERAL


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (put({"sk": n("1")}), MISMATCH),
        (put({"pk": n("1"), "sk": n("1")}), MISMATCH),
        (put({"pk": {"SS": ["a"]}, "sk": n("1")}), MISMATCH),
        (put({"pk": s("a"), "x": s("b")}), MISMATCH),
        (put({}), MISMATCH),
        (delete({"pk": s("a")}), MISMATCH),
        (delete({"pk": s("a"), "sk": n("1"), "x": s("b")}), MISMATCH),
        (delete({"pk": n("1"), "sk": n("1")}), MISMATCH),
        (
            put({"pk": s("a" * 2049), "sk": n("1")}),
            INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
        ),
    ],
)
def test_write_key_errors(ddb: Any, hash_range_table: str, request_: Item, message: str) -> None:
    assert validation(ddb.batch_write_item, RequestItems={hash_range_table: [request_]}) == message


def test_write_empty_string_key(ddb: Any, hash_table: str) -> None:
    assert validation(ddb.batch_write_item, RequestItems={hash_table: [delete({"pk": s("")})]}) == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk"
    )


OWN_VALUE_WORDING = pytest.mark.reference_deviation(OWN_VALUE_MESSAGES)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(n("abc"), f"{NOT_NUMERIC}: abc", marks=OWN_VALUE_WORDING),
        pytest.param(n(""), NOT_NUMERIC, marks=OWN_VALUE_WORDING),  # the legacy dialect drops the colon
        pytest.param(
            n("1e2147483647"),  # the legacy dialect reads the exponent in 32 bits, where it wraps
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
            marks=OWN_VALUE_WORDING,
        ),
        pytest.param(
            {"SS": ["b", "a", "b"]},
            INVALID + "Input collection [b, a, b] contains duplicates.",
            marks=OWN_VALUE_WORDING,
        ),
        ({"NS": ["2", "1", "2"]}, "Input collection contains duplicates"),
    ],
)
def test_write_values_in_the_legacy_dialect(ddb: Any, value: Item, message: str) -> None:
    items = {unique_name(): [put({"pk": s("a"), "v": value})]}
    assert validation(ddb.batch_write_item, RequestItems=items) == message


def test_write_item_size_limit(ddb: Any, hash_table: str) -> None:
    key = fresh()
    exact = {"pk": s(key), "p": s("p" * (409_600 - len("pk") - len(key) - len("p")))}
    ddb.batch_write_item(RequestItems={hash_table: [put(exact)]})
    assert read(ddb, hash_table, {"pk": s(key)}) == exact
    over = {"pk": s(fresh()), "p": s("p" * (409_601 - len("pk") - len(key) - len("p")))}
    message = validation(ddb.batch_write_item, RequestItems={hash_table: [put(over)]})
    assert message == "Item size has exceeded the maximum allowed size"
    ddb.delete_item(TableName=hash_table, Key={"pk": s(key)})


@pytest.mark.parametrize(
    "late",
    [
        put(range_key("late", "1")),  # a duplicate of the first request
        put({"pk": s("late")}),  # a key error
        put({**range_key("late", "2"), "p": s("p" * 409_600)}),  # too large
        put({**range_key("late", "2"), "v": n("x")}),  # a bad value
    ],
)
def test_write_checks_everything_before_writing(
    ddb: Any, hash_table: str, hash_range_table: str, late: Item
) -> None:
    first = {"pk": s(fresh())}
    requests = {hash_table: [put(first)], hash_range_table: [put(range_key("late", "1")), late]}
    assert error_of(ddb.batch_write_item, RequestItems=requests)[0] == "ValidationException"
    assert read(ddb, hash_table, first) is None
    assert read(ddb, hash_range_table, range_key("late", "1")) is None


def test_write_capacity_per_table(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    large = {"pk": s(fresh()), "v": s("x" * 1500)}  # 2 write units
    small, ranged = {"pk": s(fresh())}, range_key(fresh())
    items = {hash_table: [put(large), put(small)], hash_range_table: [put(ranged)]}
    total = ddb.batch_write_item(RequestItems=items, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert sorted_items(total) == sorted_items(
        [
            {"TableName": hash_table, "CapacityUnits": 3.0},
            {"TableName": hash_range_table, "CapacityUnits": 1.0},
        ]
    )
    deletes = {hash_table: [delete({"pk": large["pk"]}), delete(small)]}
    indexes = ddb.batch_write_item(RequestItems=deletes, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert indexes == [{"TableName": hash_table, "CapacityUnits": 3.0, "Table": {"CapacityUnits": 3.0}}]
    assert "ConsumedCapacity" not in ddb.batch_write_item(RequestItems=items, ReturnConsumedCapacity="NONE")


@pytest.mark.reference_deviation(DEAR_MISSING_DELETES)
def test_write_charges_a_delete_of_a_missing_item_one_unit(ddb: Any, hash_table: str) -> None:
    deletes = {hash_table: [delete({"pk": s(fresh())}), delete({"pk": s(fresh())})]}
    capacity = ddb.batch_write_item(RequestItems=deletes, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert capacity == [{"TableName": hash_table, "CapacityUnits": 2.0}]


def test_write_capacity_of_local_index_entries(ddb: Any, lsi_table: str) -> None:
    pk = fresh()
    requests = [
        put({"pk": s(pk), "sk": s("1"), "l": s("x")}),
        put({"pk": s(pk), "sk": s("2")}),  # not in the index
        put({"pk": s(fresh()), "sk": s("1"), "l": s("y")}),
    ]
    capacity = ddb.batch_write_item(RequestItems={lsi_table: requests}, ReturnConsumedCapacity="INDEXES")
    assert capacity["ConsumedCapacity"] == [
        {
            "TableName": lsi_table,
            "CapacityUnits": 5.0,
            "Table": {"CapacityUnits": 3.0},
            "LocalSecondaryIndexes": {"by_l": {"CapacityUnits": 2.0}},
        }
    ]


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
def test_write_refuses_a_wrong_index_key_type_before_writing(ddb: Any, lsi_table: str) -> None:
    first = {"pk": s(fresh()), "sk": s("1"), "l": s("x")}
    wrong = {"pk": s(fresh()), "sk": s("1"), "l": n("1")}
    message = validation(ddb.batch_write_item, RequestItems={lsi_table: [put(first), put(wrong)]})
    assert message == INVALID + "Type mismatch for Index Key l Expected: S Actual: N IndexName: by_l"
    assert read(ddb, lsi_table, {"pk": first["pk"], "sk": first["sk"]}) is None


@pytest.mark.reference_deviation(NO_COLLECTION_METRICS)
def test_write_item_collection_metrics_of_local_index_tables(
    ddb: Any, lsi_table: str, hash_table: str
) -> None:
    first, second = fresh(), fresh()
    response = ddb.batch_write_item(
        RequestItems={
            lsi_table: [
                put({"pk": s(first), "sk": s("1"), "l": s("x")}),
                delete({"pk": s(second), "sk": s("1")}),
            ],
            hash_table: [put({"pk": s(fresh())})],
        },
        ReturnItemCollectionMetrics="SIZE",
    )
    assert response["ItemCollectionMetrics"] == {
        lsi_table: [
            {"ItemCollectionKey": {"pk": s(first)}, "SizeEstimateRangeGB": [0.0, 1.0]},
            {"ItemCollectionKey": {"pk": s(second)}, "SizeEstimateRangeGB": [0.0, 1.0]},
        ]
    }


def test_write_no_item_collection_metrics_without_local_indexes(
    ddb: Any, lsi_table: str, hash_table: str
) -> None:
    plain = ddb.batch_write_item(
        RequestItems={hash_table: [put({"pk": s(fresh())})]}, ReturnItemCollectionMetrics="SIZE"
    )
    assert not plain.get("ItemCollectionMetrics")
    unasked = ddb.batch_write_item(RequestItems={lsi_table: [put({"pk": s(fresh()), "sk": s("1")})]})
    assert "ItemCollectionMetrics" not in unasked


@pytest.mark.reference_deviation(NO_ENUM_CHECK)
def test_write_unknown_enums_write_nothing(ddb: Any, hash_table: str) -> None:
    item = {"pk": s(fresh())}
    message = validation(
        ddb.batch_write_item,
        RequestItems={hash_table: [put(item)]},
        ReturnConsumedCapacity="BOGUS",
        ReturnItemCollectionMetrics="BOGUS2",
    )
    assert message == (
        "2 validation errors detected: Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy "
        "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; Value 'BOGUS2' at "
        "'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: "
        "[SIZE, NONE]"
    )
    assert read(ddb, hash_table, item) is None


def test_batch_writer_and_batch_get_round_trip(target: Target, hash_range_table: str) -> None:
    """boto3's resource layer: Table.batch_writer() chunks into batches of 25; BatchGetItem reads back."""
    import boto3

    resource = boto3.resource(
        "dynamodb",
        endpoint_url=target.endpoint_url,
        region_name=target.region,
        aws_access_key_id=target.access_key,
        aws_secret_access_key=target.secret_key,
        aws_session_token=target.session_token,
    )
    table = resource.Table(hash_range_table)
    pk = fresh()
    with table.batch_writer() as writer:
        for sk in range(60):
            writer.put_item(Item={"pk": pk, "sk": sk, "doubled": sk * 2})
    keys = [{"pk": pk, "sk": sk} for sk in range(60)]
    found = resource.batch_get_item(RequestItems={hash_range_table: {"Keys": keys, "ConsistentRead": True}})
    assert found["UnprocessedKeys"] == {}
    assert sorted(int(item["doubled"]) for item in found["Responses"][hash_range_table]) == list(
        range(0, 120, 2)
    )
