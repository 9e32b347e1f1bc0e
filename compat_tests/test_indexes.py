"""Secondary indexes kept up to date by writes, seen through Query and Scan: local and global indexes,
sparse indexes, the three projections, updates that move an item into, out of or within an index,
deletes, duplicate index keys; writes refused because of an index key; DescribeTable's index figures.

Expected messages are AWS's: the type and size ones as recorded by dynalite's suite and in AWS error
reports ("Type mismatch for Index Key g Expected: S Actual: N IndexName: by_group"), which DynamoDB Local
cuts short after "Index Key" / "Size limit exceeded"; the empty-value ones as both give them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import MakeTable, Target, create_table, unique_name
from compat_tests.helpers import error_of, n, s, validation

INVALID = "One or more parameter values were invalid: "
TRUNCATED = "DynamoDB Local cuts index key messages short after 'Type mismatch for Index Key'"
EMPTY_PUT = (
    "One or more parameter values are not valid. A value specified for a secondary index key is not "
    "supported. The AttributeValue for a key attribute cannot contain an empty {kind} value. "
    "IndexName: {index}, IndexKey: {key}"
)
EMPTY_UPDATE = (
    "One or more parameter values are not valid. The update expression attempted to update a secondary "
    "index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an "
    "empty {kind} value."
)


def keys(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": a, "KeyType": "HASH" if i == 0 else "RANGE"} for i, a in enumerate(names)]


def index(name: str, *key: str, projection: str = "ALL", include: tuple[str, ...] = ()) -> dict[str, Any]:
    spec: dict[str, Any] = {"ProjectionType": projection}
    if include:
        spec["NonKeyAttributes"] = list(include)
    return {"IndexName": name, "KeySchema": keys(*key), "Projection": spec}


@pytest.fixture(scope="module")
def indexed(target: Target) -> Iterator[str]:
    """A table keyed by pk (S) and sk (N) with two local and three global indexes; tests use unique keys."""
    client = target.client()
    name = create_table(
        client,
        unique_name("indexes"),
        range_key=("sk", "N"),
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": t}
            for a, t in (
                ("pk", "S"),
                ("sk", "N"),
                ("rank", "N"),
                ("tag", "S"),
                ("grp", "S"),
                ("color", "S"),
                ("size", "N"),
                ("label", "B"),
            )
        ],
        LocalSecondaryIndexes=[
            index("by_rank", "pk", "rank", projection="KEYS_ONLY"),
            index("by_tag", "pk", "tag", projection="INCLUDE", include=("color",)),
        ],
        GlobalSecondaryIndexes=[
            index("by_group", "grp", "sk"),
            index("by_color", "color", projection="KEYS_ONLY"),
            index("by_size", "size", "label", projection="INCLUDE", include=("tag",)),
        ],
    )
    yield name
    client.delete_table(TableName=name)


def unique() -> str:
    return uuid.uuid4().hex[:12]


def query(ddb: Any, table: str, index_name: str, attribute: str, value: dict[str, Any]) -> list[Any]:
    """Every item of the index whose partition key `attribute` is `value`, in index order."""
    items: list[Any] = []
    paginator = ddb.get_paginator("query")
    for page in paginator.paginate(
        TableName=table,
        IndexName=index_name,
        KeyConditionExpression="#k = :v",
        ExpressionAttributeNames={"#k": attribute},
        ExpressionAttributeValues={":v": value},
    ):
        items.extend(page["Items"])
    return items


def sort_keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["sk"]["N"] for item in items]


# --- local secondary indexes ----------------------------------------------------------------------------


@pytest.mark.requires_operation("Query")
def test_local_indexes_keep_their_projection_and_order(ddb: Any, indexed: str) -> None:
    pk = s(unique())
    rows = [
        {"pk": pk, "sk": n("1"), "rank": n("30"), "tag": s("b"), "color": s("red"), "note": s("x")},
        {"pk": pk, "sk": n("2"), "rank": n("10"), "note": s("only rank")},
        {"pk": pk, "sk": n("3"), "tag": s("a"), "color": s("blue"), "size": n("5")},
        {"pk": pk, "sk": n("4"), "note": s("in no local index")},
    ]
    for row in rows:
        ddb.put_item(TableName=indexed, Item=row)
    by_rank = query(ddb, indexed, "by_rank", "pk", pk)
    assert by_rank == [
        {"pk": pk, "sk": n("2"), "rank": n("10")},
        {"pk": pk, "sk": n("1"), "rank": n("30")},
    ]
    by_tag = query(ddb, indexed, "by_tag", "pk", pk)
    assert by_tag == [
        {"pk": pk, "sk": n("3"), "tag": s("a"), "color": s("blue")},
        {"pk": pk, "sk": n("1"), "tag": s("b"), "color": s("red")},
    ]


@pytest.mark.requires_operation("Query")
def test_updates_move_items_within_into_and_out_of_a_local_index(ddb: Any, indexed: str) -> None:
    pk = s(unique())
    key = {"pk": pk, "sk": n("1")}
    ddb.put_item(TableName=indexed, Item={**key, "rank": n("5")})
    ddb.put_item(TableName=indexed, Item={"pk": pk, "sk": n("2"), "rank": n("7")})
    ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression="SET #r = :r",
        ExpressionAttributeNames={"#r": "rank"},
        ExpressionAttributeValues={":r": n("9")},
    )
    assert sort_keys(query(ddb, indexed, "by_rank", "pk", pk)) == ["2", "1"]
    ddb.update_item(
        TableName=indexed, Key=key, UpdateExpression="REMOVE #r", ExpressionAttributeNames={"#r": "rank"}
    )
    assert sort_keys(query(ddb, indexed, "by_rank", "pk", pk)) == ["2"]
    ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression="SET #r = :r",
        ExpressionAttributeNames={"#r": "rank"},
        ExpressionAttributeValues={":r": n("1")},
    )
    assert sort_keys(query(ddb, indexed, "by_rank", "pk", pk)) == ["1", "2"]
    ddb.delete_item(TableName=indexed, Key={"pk": pk, "sk": n("2")})
    assert sort_keys(query(ddb, indexed, "by_rank", "pk", pk)) == ["1"]


# --- global secondary indexes ---------------------------------------------------------------------------


@pytest.mark.requires_operation("Query")
def test_global_index_follows_puts_updates_and_deletes(ddb: Any, indexed: str) -> None:
    first, second = s(unique()), s(unique())
    key = {"pk": s(unique()), "sk": n("1")}
    ddb.put_item(TableName=indexed, Item={**key, "grp": first, "v": n("1")})
    assert query(ddb, indexed, "by_group", "grp", first) == [{**key, "grp": first, "v": n("1")}]
    ddb.update_item(
        TableName=indexed, Key=key, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": n("2")}
    )
    assert query(ddb, indexed, "by_group", "grp", first) == [{**key, "grp": first, "v": n("2")}]
    ddb.update_item(
        TableName=indexed, Key=key, UpdateExpression="SET grp = :g", ExpressionAttributeValues={":g": second}
    )
    assert query(ddb, indexed, "by_group", "grp", first) == []
    assert query(ddb, indexed, "by_group", "grp", second) == [{**key, "grp": second, "v": n("2")}]
    ddb.update_item(TableName=indexed, Key=key, UpdateExpression="REMOVE grp")
    assert query(ddb, indexed, "by_group", "grp", second) == []
    ddb.put_item(TableName=indexed, Item={**key, "grp": second})
    assert query(ddb, indexed, "by_group", "grp", second) == [{**key, "grp": second}]
    ddb.delete_item(TableName=indexed, Key=key)
    assert query(ddb, indexed, "by_group", "grp", second) == []


@pytest.mark.requires_operation("Query")
def test_global_index_allows_duplicate_keys(ddb: Any, indexed: str) -> None:
    color = s(unique())
    rows = [{"pk": s(unique()), "sk": n(str(i)), "color": color, "extra": n(str(i))} for i in range(3)]
    for row in rows:
        ddb.put_item(TableName=indexed, Item=row)
    found = query(ddb, indexed, "by_color", "color", color)
    expected = [{"pk": row["pk"], "sk": row["sk"], "color": color} for row in rows]  # KEYS_ONLY
    by_pk = lambda item: item["pk"]["S"]  # noqa: E731  (index order of equal index keys is unspecified)
    assert sorted(found, key=by_pk) == sorted(expected, key=by_pk)


@pytest.mark.requires_operation("Query")
def test_include_projection_of_a_global_index(ddb: Any, indexed: str) -> None:
    size = n(str(uuid.uuid4().int % 10**9))
    rows = [
        {"pk": s(unique()), "sk": n("1"), "size": size, "label": {"B": b"\x02"}, "tag": s("t"), "x": s("no")},
        {"pk": s(unique()), "sk": n("2"), "size": size, "label": {"B": b"\x01"}, "note": s("no tag")},
        {"pk": s(unique()), "sk": n("3"), "size": size, "tag": s("no label: not in the index")},
    ]
    for row in rows:
        ddb.put_item(TableName=indexed, Item=row)
    assert query(ddb, indexed, "by_size", "size", size) == [
        {"pk": rows[1]["pk"], "sk": n("2"), "size": size, "label": {"B": b"\x01"}},
        {"pk": rows[0]["pk"], "sk": n("1"), "size": size, "label": {"B": b"\x02"}, "tag": s("t")},
    ]


@pytest.mark.requires_operation("Scan")
def test_scan_of_a_sparse_global_index(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexes=[index("by_g", "g", projection="KEYS_ONLY")],
    )
    for i in range(20):
        item = {"pk": s(f"item{i}"), "other": s("x")}
        if i % 3 == 0:
            item["g"] = n(str(i))
        ddb.put_item(TableName=name, Item=item)
    scanned = ddb.scan(TableName=name, IndexName="by_g")
    assert scanned["Count"] == scanned["ScannedCount"] == 7
    assert sorted(int(item["g"]["N"]) for item in scanned["Items"]) == list(range(0, 20, 3))
    assert all(set(item) == {"pk", "g"} for item in scanned["Items"])


# --- writes refused because of an index key -------------------------------------------------------------


def mismatch(attribute: str, expected: str, actual: str, index_name: str) -> str:
    return (
        INVALID + f"Type mismatch for Index Key {attribute} Expected: {expected} Actual: {actual} "
        f"IndexName: {index_name}"
    )


def too_long(attribute: str, size: int, limit: int, index_name: str) -> str:
    return (
        INVALID + f"Size limit exceeded for Index Key {attribute} Actual Size: {size} bytes "
        f"Max Size: {limit} bytes IndexName: {index_name}"
    )


PUT_ERRORS = [
    pytest.param(
        {"grp": n("1")},
        mismatch("grp", "S", "N", "by_group"),
        id="gsi-hash-type",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
    pytest.param(
        {"label": s("x"), "size": n("1")},
        mismatch("label", "B", "S", "by_size"),
        id="gsi-range-type",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
    pytest.param(
        {"rank": s("x")},
        mismatch("rank", "N", "S", "by_rank"),
        id="lsi-type",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
    pytest.param(
        {"color": {"NULL": True}},
        mismatch("color", "S", "NULL", "by_color"),
        id="non-scalar",
        marks=pytest.mark.reference_deviation("DynamoDB Local says 'Invalid attribute value type'"),
    ),
    pytest.param(
        {"grp": s("")}, EMPTY_PUT.format(kind="string", index="by_group", key="grp"), id="empty-string"
    ),
    pytest.param(
        {"tag": s("")}, EMPTY_PUT.format(kind="string", index="by_tag", key="tag"), id="empty-lsi-key"
    ),
    pytest.param(
        {"label": {"B": b""}},
        EMPTY_PUT.format(kind="binary", index="by_size", key="label"),
        id="empty-binary",
    ),
    pytest.param(
        {"color": s("é" * 1025)},
        too_long("color", 2050, 2048, "by_color"),
        id="hash-too-long",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
    pytest.param(
        {"tag": s("t" * 1025)},
        too_long("tag", 1025, 1024, "by_tag"),
        id="range-too-long",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
]


@pytest.mark.parametrize(("extra", "message"), PUT_ERRORS)
def test_put_refused_for_a_bad_index_key(ddb: Any, indexed: str, extra: dict[str, Any], message: str) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    assert validation(ddb.put_item, TableName=indexed, Item={**key, **extra}) == message
    assert "Item" not in ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True)


def test_longest_index_keys_are_accepted(ddb: Any, indexed: str) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    item = {**key, "color": s("é" * 1024), "tag": s("t" * 1024), "size": n("1"), "label": {"B": b"b" * 1024}}
    ddb.put_item(TableName=indexed, Item=item)
    assert ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True)["Item"] == item


UPDATE_ERRORS = [
    pytest.param(":v", s(""), EMPTY_UPDATE.format(kind="string"), id="empty-string"),
    pytest.param(":v", {"B": b""}, EMPTY_UPDATE.format(kind="binary"), id="empty-binary"),
    pytest.param(
        ":v",
        n("3"),
        mismatch("grp", "S", "N", "by_group"),
        id="type",
        marks=pytest.mark.reference_deviation(TRUNCATED),
    ),
]


@pytest.mark.parametrize(("name", "value", "message"), UPDATE_ERRORS)
def test_update_refused_for_a_bad_index_key(
    ddb: Any, indexed: str, name: str, value: Any, message: str
) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    attribute = "label" if "B" in value else "grp"
    ddb.put_item(TableName=indexed, Item={**key, "keep": s("me")})
    assert (
        validation(
            ddb.update_item,
            TableName=indexed,
            Key=key,
            UpdateExpression=f"SET {attribute} = {name}",
            ExpressionAttributeValues={name: value},
        )
        == message
    )
    assert ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True)["Item"] == {**key, "keep": s("me")}


def test_legacy_update_reports_an_empty_index_key_like_a_put(ddb: Any, indexed: str) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    ddb.put_item(TableName=indexed, Item={**key, "grp": s("g")})
    message = validation(
        ddb.update_item,
        TableName=indexed,
        Key=key,
        AttributeUpdates={"grp": {"Action": "PUT", "Value": s("")}},
    )
    assert message == EMPTY_PUT.format(kind="string", index="by_group", key="grp")


@pytest.mark.requires_operation("BatchWriteItem")
def test_batch_write_refused_for_a_bad_index_key(ddb: Any, indexed: str) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    request = {indexed: [{"PutRequest": {"Item": {**key, "grp": s("")}}}]}
    assert validation(ddb.batch_write_item, RequestItems=request) == EMPTY_PUT.format(
        kind="string", index="by_group", key="grp"
    )
    request = {indexed: [{"PutRequest": {"Item": {**key, "grp": n("1")}}}]}
    code, message = error_of(ddb.batch_write_item, RequestItems=request)
    assert (code, message.startswith(INVALID + "Type mismatch for Index Key")) == (
        "ValidationException",
        True,
    )
    assert "Item" not in ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True)


def test_deletes_are_never_refused(ddb: Any, indexed: str) -> None:
    key = {"pk": s(unique()), "sk": n("1")}
    ddb.put_item(TableName=indexed, Item={**key, "grp": s("g")})
    ddb.delete_item(TableName=indexed, Key=key)
    assert "Item" not in ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True)


# --- DescribeTable ----------------------------------------------------------------------------------------


def test_describe_counts_index_entries(ddb: Any, make_table: MakeTable, target: Target) -> None:
    name = make_table(
        range_key=("sk", "S"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "l", "g")],
        LocalSecondaryIndexes=[index("local_all", "pk", "l")],
        GlobalSecondaryIndexes=[index("global_keys", "g", projection="KEYS_ONLY")],
    )
    ddb.put_item(TableName=name, Item={"pk": s("a"), "sk": s("1"), "l": s("x"), "g": s("y"), "v": s("vvvv")})
    ddb.put_item(TableName=name, Item={"pk": s("a"), "sk": s("2"), "l": s("x")})
    ddb.put_item(TableName=name, Item={"pk": s("b"), "sk": s("3"), "v": s("in no index")})
    table = ddb.describe_table(TableName=name)["Table"]
    (local,) = table["LocalSecondaryIndexes"]
    (global_,) = table["GlobalSecondaryIndexes"]
    assert global_["IndexStatus"] == "ACTIVE" and "Backfilling" not in global_
    assert {k: type(v) for k, v in local.items() if k in ("IndexSizeBytes", "ItemCount")} == {
        "IndexSizeBytes": int,
        "ItemCount": int,
    }
    if target.is_aws:
        return  # AWS refreshes these figures about every six hours
    # Sizes are DynamoDB item sizes: attribute names plus values (one byte a character here).
    first, second, third = 3 + 3 + 2 + 2 + 5, 3 + 3 + 2, 3 + 3 + 12
    assert (table["ItemCount"], table["TableSizeBytes"]) == (3, first + second + third)
    assert (local["ItemCount"], local["IndexSizeBytes"]) == (2, first + second)  # ALL
    # DynamoDB Local counts whole items in a KEYS_ONLY index's size, localddb the projected entries; what
    # AWS counts is not documented, so only the count is checked there.
    assert global_["ItemCount"] == 1


SCALAR_INDEX_KEY = (
    "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
    "IndexKey: grp"
)


@pytest.mark.parametrize(
    "call",
    [
        lambda ddb, t: ddb.put_item(
            TableName=t,
            Item={"pk": s("x"), "sk": n("1")},
            ConditionExpression="grp.a = :v",
            ExpressionAttributeValues={":v": s("1")},
        ),
        lambda ddb, t: ddb.delete_item(
            TableName=t,
            Key={"pk": s("x"), "sk": n("1")},
            ConditionExpression="grp[0] = :v",
            ExpressionAttributeValues={":v": s("1")},
        ),
        lambda ddb, t: ddb.update_item(
            TableName=t,
            Key={"pk": s("x"), "sk": n("1")},
            UpdateExpression="SET grp.a = :v",
            ExpressionAttributeValues={":v": s("1")},
        ),
        lambda ddb, t: ddb.update_item(
            TableName=t, Key={"pk": s("x"), "sk": n("1")}, UpdateExpression="SET copied = grp.a"
        ),
        lambda ddb, t: ddb.get_item(
            TableName=t, Key={"pk": s("x"), "sk": n("1")}, ProjectionExpression="grp.a"
        ),
    ],
    ids=["put-condition", "delete-condition", "update-set", "update-read", "get-projection"],
)
def test_paths_into_an_index_key_are_refused(ddb: Any, indexed: str, call: Any) -> None:
    assert validation(lambda: call(ddb, indexed)) == SCALAR_INDEX_KEY
