"""Scan: every item exactly once in a stable order, parallel scans over many segments, Limit and
ExclusiveStartKey, filters (expression and ScanFilter), projections, Select, secondary indexes, consumed
capacity and boto3's paginator.

Expected answers are AWS's (dynalite's recorded suite for the segment and start-key rules, moto's verified
suite for Select) and the reference's where it agrees. DynamoDB Local words the segment errors its own way
and checks the start key against the segment with its own message; those tests carry
`reference_deviation`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import n, put_all, s, validation
from compat_tests.test_query import INDEXED, INDEXED_ITEMS

Item = dict[str, Any]

INVALID = "One or more parameter values were invalid: "
INVALID_START = "The provided starting key is invalid"
SCHEMA_MISMATCH = "The provided key element does not match the schema"
OWN_SEGMENT_WORDS = "DynamoDB Local words the Segment and TotalSegments errors its own way"
PARTITIONS = 300
PER_PARTITION = 4


@pytest.fixture(scope="module")
def many(target: Target) -> Iterator[str]:
    """pk (S) and sk (N): PARTITIONS partition keys of PER_PARTITION items each."""
    client = target.client()
    name = create_table(client, unique_name("scan-many"), range_key=("sk", "N"))
    items = [
        {"pk": s(f"p{p:04}"), "sk": n(str(k)), "v": n(str(p * PER_PARTITION + k)), "pad": s("x" * 60)}
        for p in range(PARTITIONS)
        for k in range(PER_PARTITION)
    ]
    put_all(client, name, items)
    yield name
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


@pytest.fixture(scope="module")
def indexed(target: Target) -> Iterator[str]:
    client = target.client()
    name = create_table(client, unique_name("scan-i"), ("a", "S"), ("b", "S"), **INDEXED)
    put_all(client, name, INDEXED_ITEMS)
    yield name
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


def scan(ddb: Any, table: str, **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ddb.scan(TableName=table, **params)
    answer.pop("ResponseMetadata", None)
    return answer


def walk(ddb: Any, table: str, page_size: int | None = None, **params: Any) -> list[tuple[str, int]]:
    """The (pk, sk) of every item a paginated scan returns, in order."""
    config = {"PageSize": page_size} if page_size else {}
    pages = ddb.get_paginator("scan").paginate(TableName=table, PaginationConfig=config, **params)
    return [(item["pk"]["S"], int(item["sk"]["N"])) for page in pages for item in page["Items"]]


EVERY_KEY = sorted((f"p{p:04}", k) for p in range(PARTITIONS) for k in range(PER_PARTITION))


# --- whole scans --------------------------------------------------------------------------------------------


def test_every_item_once_in_a_stable_order(ddb: Any, many: str) -> None:
    paged = walk(ddb, many, page_size=170)
    assert sorted(paged) == EVERY_KEY
    assert walk(ddb, many) == paged
    # Items of one partition key come together, in sort key order.
    seen: list[str] = []
    for pk, sk in paged:
        if not seen or seen[-1] != pk:
            assert pk not in seen
            seen.append(pk)
            expected = 0
        assert sk == expected
        expected += 1


@pytest.mark.parametrize("total", [1, 2, 7, 64])
def test_parallel_scan_covers_every_item_once(ddb: Any, many: str, total: int) -> None:
    segments = [walk(ddb, many, Segment=segment, TotalSegments=total) for segment in range(total)]
    found = [key for segment in segments for key in segment]
    assert sorted(found) == EVERY_KEY
    if total > 1:
        assert sum(1 for segment in segments if segment) > 1
    # A partition key's items are all in one segment.
    owner = {pk: index for index, segment in enumerate(segments) for pk, _ in segment}
    assert all(owner[pk] == index for index, segment in enumerate(segments) for pk, _ in segment)


def test_parallel_scan_with_many_segments(ddb: Any, many: str) -> None:
    total = 1000000
    picked = (0, 1, total // 2, total - 1)
    found = [key for segment in picked for key in walk(ddb, many, Segment=segment, TotalSegments=total)]
    assert len(found) <= 4 * PER_PARTITION


def test_limit_and_start_key(ddb: Any, many: str) -> None:
    first = scan(ddb, many, Limit=3, ConsistentRead=True)
    assert (first["Count"], first["ScannedCount"]) == (3, 3)
    last = first["Items"][-1]
    assert first["LastEvaluatedKey"] == {"pk": last["pk"], "sk": last["sk"]}
    second = scan(ddb, many, Limit=3, ExclusiveStartKey=first["LastEvaluatedKey"])
    everything = walk(ddb, many)
    assert [(i["pk"]["S"], int(i["sk"]["N"])) for i in first["Items"] + second["Items"]] == everything[:6]


def test_start_key_in_another_segment(ddb: Any, many: str) -> None:
    page = scan(ddb, many, Segment=1, TotalSegments=2, Limit=1)
    start = page["LastEvaluatedKey"]
    assert scan(ddb, many, Segment=1, TotalSegments=2, Limit=1, ExclusiveStartKey=start)["Count"] == 1


@pytest.mark.reference_deviation("DynamoDB Local answers 'Exclusive start key must lie within the segment'")
def test_start_key_from_another_segment(ddb: Any, many: str) -> None:
    start = scan(ddb, many, Segment=1, TotalSegments=2, Limit=1)["LastEvaluatedKey"]
    assert validation(ddb.scan, TableName=many, Segment=0, TotalSegments=2, ExclusiveStartKey=start) == (
        INVALID_START + ": Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
        "TotalSegments: 2 Segment: 0"
    )


SEGMENT_ERRORS = [
    (
        {"Segment": 1},
        "The TotalSegments parameter is required but was not present in the request when Segment parameter "
        "is present",
    ),
    (
        {"TotalSegments": 2},
        "The Segment parameter is required but was not present in the request when parameter TotalSegments "
        "is present",
    ),
    (
        {"Segment": 2, "TotalSegments": 2},
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is "
        "not less than TotalSegments: 2",
    ),
]


@pytest.mark.reference_deviation(OWN_SEGMENT_WORDS)
@pytest.mark.parametrize(("params", "message"), SEGMENT_ERRORS)
def test_segment_errors(ddb: Any, hash_table: str, params: Item, message: str) -> None:
    assert validation(ddb.scan, TableName=hash_table, **params) == message


def test_segment_bounds(ddb: Any, hash_table: str) -> None:
    message = validation(ddb.scan, TableName=hash_table, Segment=0, TotalSegments=1000001)
    assert "Member must have value less than or equal to 1000000" in message


START_KEY_ERRORS = [
    ({}, INVALID_START + ": " + SCHEMA_MISMATCH),
    ({"pk": s("p0001")}, INVALID_START + ": " + SCHEMA_MISMATCH),
    ({"pk": s("p0001"), "sk": s("1")}, INVALID_START + ": " + SCHEMA_MISMATCH),
    ({"pk": s("p0001"), "zz": n("1")}, INVALID_START + ": " + SCHEMA_MISMATCH),
]


@pytest.mark.reference_deviation("DynamoDB Local words start-key errors its own way")
@pytest.mark.parametrize(("start_key", "message"), START_KEY_ERRORS)
def test_start_key_errors(ddb: Any, many: str, start_key: Item, message: str) -> None:
    assert validation(ddb.scan, TableName=many, ExclusiveStartKey=start_key) == message


# --- filters, projections, Select ---------------------------------------------------------------------------


def test_filters(ddb: Any, many: str) -> None:
    values = {":lo": n("10"), ":hi": n("19")}
    expression = scan(ddb, many, FilterExpression="v BETWEEN :lo AND :hi", ExpressionAttributeValues=values)
    legacy = scan(
        ddb,
        many,
        ScanFilter={"v": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [n("10"), n("19")]}},
    )
    on_key = scan(ddb, many, FilterExpression="pk = :p", ExpressionAttributeValues={":p": s("p0002")})
    for answer, count in ((expression, 10), (legacy, 10), (on_key, PER_PARTITION)):
        assert answer["Count"] == count
        assert answer["ScannedCount"] == PARTITIONS * PER_PARTITION
    assert sorted(int(item["v"]["N"]) for item in expression["Items"]) == list(range(10, 20))


def test_projection_and_count(ddb: Any, many: str) -> None:
    projected = scan(ddb, many, ProjectionExpression="v", Limit=5)
    assert all(set(item) == {"v"} for item in projected["Items"])
    legacy = scan(ddb, many, AttributesToGet=["pk", "v"], Limit=5)
    assert all(set(item) == {"pk", "v"} for item in legacy["Items"])
    counted = scan(
        ddb, many, Select="COUNT", FilterExpression="sk = :z", ExpressionAttributeValues={":z": n("0")}
    )
    assert "Items" not in counted
    assert counted["Count"] == PARTITIONS


def test_legacy_values_in_scan_filter(ddb: Any, many: str) -> None:
    message = validation(
        ddb.scan,
        TableName=many,
        ScanFilter={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [n("1e126")]}},
    )
    assert (
        message == "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


def test_filter_into_a_key_attribute(ddb: Any, many: str) -> None:
    assert validation(ddb.scan, TableName=many, FilterExpression="attribute_exists(pk.x)") == (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk"
    )


SELECT_ERRORS = [
    (
        {"Select": "SPECIFIC_ATTRIBUTES"},
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
    ),
    (
        {"Select": "ALL_PROJECTED_ATTRIBUTES"},
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
    ),
    (
        {"Select": "COUNT", "ProjectionExpression": "v"},
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    ),
    (
        {"Select": "ALL_ATTRIBUTES", "AttributesToGet": ["v"]},
        "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES",
    ),
]


@pytest.mark.parametrize(("params", "message"), SELECT_ERRORS)
def test_select_errors(ddb: Any, many: str, params: Item, message: str) -> None:
    assert validation(ddb.scan, TableName=many, **params) == message


# --- indexes and capacity -----------------------------------------------------------------------------------


def test_scan_a_global_index(ddb: Any, indexed: str) -> None:
    answer = scan(ddb, indexed, IndexName="index4", ReturnConsumedCapacity="INDEXES")
    # Only items with both c and d; entries hold the keys and e.
    assert sorted(item["b"]["S"] + item["a"]["S"] for item in answer["Items"]) == [
        "0x", "0y", "1x", "2x", "3x", "4x"
    ]  # fmt: skip
    assert all(set(item) == {"a", "b", "c", "d", "e"} for item in answer["Items"])
    assert answer["ConsumedCapacity"] == {
        "TableName": indexed,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"index4": {"CapacityUnits": 0.5}},
    }
    first = scan(ddb, indexed, IndexName="index4", Limit=1)
    item = first["Items"][0]
    assert first["LastEvaluatedKey"] == {name: item[name] for name in "abcd"}
    rest = scan(ddb, indexed, IndexName="index4", ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [first["Items"][0]] + rest["Items"] == answer["Items"]


def test_scan_a_local_index(ddb: Any, indexed: str) -> None:
    entries = scan(ddb, indexed, IndexName="index2")
    assert sorted(item["b"]["S"] for item in entries["Items"]) == ["0", "0", "1", "2", "3", "4", "5"]
    full = scan(ddb, indexed, IndexName="index2", Select="ALL_ATTRIBUTES", FilterExpression="a = :a",
                ExpressionAttributeValues={":a": s("x")})  # fmt: skip
    assert [item["b"]["S"] for item in full["Items"]] == ["4", "3", "2", "1", "0", "5"]
    assert full["Items"][0] == INDEXED_ITEMS[4]


INDEX_ERRORS = [
    ({"IndexName": "nope"}, "The table does not have the specified index: nope"),
    (
        {"IndexName": "index3", "ConsistentRead": True},
        "Consistent reads are not supported on global secondary indexes",
    ),
    (
        {"IndexName": "index4", "Select": "ALL_ATTRIBUTES"},
        INVALID + "Select type ALL_ATTRIBUTES is not supported for global secondary index index4 because its "
        "projection type is not ALL",
    ),
    (
        {"IndexName": "index4", "ProjectionExpression": "zz, f"},
        INVALID + "Global secondary index index4 does not project [zz, f]",
    ),
]


@pytest.mark.parametrize(("params", "message"), INDEX_ERRORS)
def test_index_errors(ddb: Any, indexed: str, params: Item, message: str) -> None:
    assert validation(ddb.scan, TableName=indexed, **params) == message


def test_capacity_of_a_scan(ddb: Any, many: str) -> None:
    answer = scan(ddb, many, ReturnConsumedCapacity="TOTAL", Limit=100)
    # 100 items of 76 to 80 bytes: two 4 KB units, halved for an eventually consistent read.
    assert answer["ConsumedCapacity"] == {"TableName": many, "CapacityUnits": 1.0}
    strong = scan(ddb, many, ReturnConsumedCapacity="INDEXES", Limit=100, ConsistentRead=True)
    assert strong["ConsumedCapacity"] == {
        "TableName": many,
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }
