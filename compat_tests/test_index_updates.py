"""UpdateTable's GlobalSecondaryIndexUpdates Create and Delete: the backfill of a new index from the
table's items (items that violate its key are left out), then writes refused as for any index; deleting
an index; one index change at a time; the errors, with AWS's messages where they are known.

Sources: AWS's UpdateTable examples (a new index: TableStatus UPDATING, IndexStatus CREATING, Backfilling
false), ScyllaDB's alternator tests run against AWS (backfill, one change per request, the
AttributeDefinitions rule and the "Attributes cannot be redefined" message), DynamoDB Local for texts AWS
does not publish.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import (
    MakeTable,
    Target,
    localddb_client,
    unique_name,
)
from compat_tests.helpers import error_of, n, s, validation

INVALID = "One or more parameter values were invalid: "
ONE_AT_A_TIME = (
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
)
DEFINITIONS = "DynamoDB Local accepts an index key defined by the table but missing from AttributeDefinitions"


def keys(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": a, "KeyType": "HASH" if i == 0 else "RANGE"} for i, a in enumerate(names)]


def defs(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": a, "AttributeType": t} for a, t in types.items()]


def create(name: str, *key: str, projection: str = "ALL", **extra: Any) -> dict[str, Any]:
    return {
        "Create": {
            "IndexName": name,
            "KeySchema": keys(*key),
            "Projection": {"ProjectionType": projection},
            **extra,
        }
    }


def delete(name: str) -> dict[str, Any]:
    return {"Delete": {"IndexName": name}}


def wait_for_index(ddb: Any, table: str, name: str, gone: bool = False) -> dict[str, Any]:
    """The table once index `name` is ACTIVE (or, with `gone`, no longer listed) and the table ACTIVE."""
    deadline = time.monotonic() + 120
    while True:
        described: dict[str, Any] = ddb.describe_table(TableName=table)["Table"]
        found = [i for i in described.get("GlobalSecondaryIndexes", []) if i["IndexName"] == name]
        ready = not found if gone else bool(found) and found[0]["IndexStatus"] == "ACTIVE"
        if ready and described["TableStatus"] == "ACTIVE":
            return described
        assert time.monotonic() < deadline, f"index {name} not ready: {found}"
        time.sleep(0.5)


def index_items(ddb: Any, table: str, name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in ddb.get_paginator("scan").paginate(TableName=table, IndexName=name):
        items.extend(page["Items"])
    return sorted(items, key=lambda item: item["pk"]["S"])


# --- creating an index ----------------------------------------------------------------------------------


@pytest.mark.requires_operation("Scan")
def test_created_index_is_backfilled(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    good = [{"pk": s(f"good{i}"), "x": s(f"v{i % 2}"), "y": n(str(i))} for i in range(6)]
    for item in [*good, {"pk": s("absent"), "y": n("1")}]:
        ddb.put_item(TableName=name, Item=item)
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=defs(x="S"),
        GlobalSecondaryIndexUpdates=[create("by_x", "x")],
    )
    table = wait_for_index(ddb, name, "by_x")
    assert {"AttributeName": "x", "AttributeType": "S"} in table["AttributeDefinitions"]
    assert index_items(ddb, name, "by_x") == sorted(good, key=lambda item: item["pk"]["S"])
    # From now on the index's key rules hold for every write.
    code, message = error_of(ddb.put_item, TableName=name, Item={"pk": s("new"), "x": n("1")})
    assert (code, message.startswith(INVALID + "Type mismatch for Index Key")) == (
        "ValidationException",
        True,
    )
    ddb.put_item(TableName=name, Item={"pk": s("absent"), "x": s("v1")})
    assert len(index_items(ddb, name, "by_x")) == len(good) + 1


@pytest.mark.requires_operation("Scan")
@pytest.mark.reference_deviation("DynamoDB Local backfills items that violate the new index's key")
def test_backfill_leaves_out_items_that_violate_the_key(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    items = [
        {"pk": s("number"), "x": n("5"), "y": s("a")},
        {"pk": s("empty"), "x": s(""), "y": s("a")},
        {"pk": s("long"), "x": s("x" * 2049), "y": s("a")},
        {"pk": s("long-range"), "x": s("a"), "y": s("y" * 1025)},
        {"pk": s("longest"), "x": s("x" * 2048), "y": s("y" * 1024)},
    ]
    for item in items:
        ddb.put_item(TableName=name, Item=item)
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=defs(x="S", y="S"),
        GlobalSecondaryIndexUpdates=[create("by_xy", "x", "y", projection="KEYS_ONLY")],
    )
    wait_for_index(ddb, name, "by_xy")
    assert [item["pk"]["S"] for item in index_items(ddb, name, "by_xy")] == ["longest"]
    # A write to an item that violates the index is refused until the item is fixed.
    code, message = error_of(
        ddb.update_item,
        TableName=name,
        Key={"pk": s("number")},
        UpdateExpression="SET z = :z",
        ExpressionAttributeValues={":z": n("2")},
    )
    assert (code, message.startswith(INVALID + "Type mismatch for Index Key")) == (
        "ValidationException",
        True,
    )
    ddb.update_item(
        TableName=name,
        Key={"pk": s("number")},
        UpdateExpression="SET x = :x, y = :y",
        ExpressionAttributeValues={":x": s("b"), ":y": s("c")},
    )
    pks = [item["pk"]["S"] for item in index_items(ddb, name, "by_xy")]
    assert pks == ["longest", "number"]


@pytest.mark.reference_deviation("DynamoDB Local leaves the table ACTIVE and omits the new index's figures")
def test_create_response_says_updating_and_creating(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": s("a"), "g": s("x")})
    response = ddb.update_table(
        TableName=name,
        AttributeDefinitions=defs(g="S", unused="N"),
        GlobalSecondaryIndexUpdates=[create("by_g", "g", projection="KEYS_ONLY")],
    )["TableDescription"]
    assert response["TableStatus"] == "UPDATING"
    assert response["AttributeDefinitions"] == defs(g="S", pk="S")  # unused definitions are ignored
    (index,) = response["GlobalSecondaryIndexes"]
    assert list(index)[:5] == ["IndexName", "KeySchema", "Projection", "IndexStatus", "Backfilling"]
    assert (index["IndexStatus"], index["Backfilling"]) == ("CREATING", False)
    assert (index["IndexSizeBytes"], index["ItemCount"]) == (0, 0)
    assert index["IndexArn"] == f"{response['TableArn']}/index/by_g"
    described = wait_for_index(ddb, name, "by_g")["GlobalSecondaryIndexes"][0]
    assert "Backfilling" not in described


# --- deleting an index ----------------------------------------------------------------------------------


@pytest.mark.requires_operation("Query")
def test_deleted_index_goes_away(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(
        AttributeDefinitions=defs(pk="S", g="S", h="S"),
        GlobalSecondaryIndexes=[
            create("by_g", "g")["Create"],
            create("by_h", "h")["Create"],
        ],
    )
    ddb.put_item(TableName=name, Item={"pk": s("a"), "g": s("x"), "h": s("y")})
    response = ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[delete("by_g")])[
        "TableDescription"
    ]
    statuses = {i["IndexName"]: i["IndexStatus"] for i in response["GlobalSecondaryIndexes"]}
    assert statuses == {"by_g": "DELETING", "by_h": "ACTIVE"}
    table = wait_for_index(ddb, name, "by_g", gone=True)
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by_h"]
    assert table["AttributeDefinitions"] == defs(h="S", pk="S")
    code, _ = error_of(
        ddb.query,
        TableName=name,
        IndexName="by_g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": s("x")},
    )
    assert code == "ValidationException"
    ddb.put_item(TableName=name, Item={"pk": s("b"), "g": n("1")})  # g is no longer a key
    assert (
        ddb.query(
            TableName=name,
            IndexName="by_h",
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": s("y")},
        )["Count"]
        == 1
    )


# --- errors -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_indexes(target: Target) -> Iterator[str]:
    """A table with a local index on l and a global index on g; the errors below leave it unchanged."""
    client = target.client()
    name = unique_name("index-updates")
    client.create_table(
        TableName=name,
        KeySchema=keys("pk", "sk"),
        AttributeDefinitions=defs(pk="S", sk="S", l="S", g="S"),
        BillingMode="PAY_PER_REQUEST",
        LocalSecondaryIndexes=[create("local", "pk", "l")["Create"]],
        GlobalSecondaryIndexes=[create("global", "g")["Create"]],
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield name
    client.delete_table(TableName=name)


ERRORS = [
    pytest.param(
        {
            "AttributeDefinitions": defs(h="S"),
            "GlobalSecondaryIndexUpdates": [create("one", "h"), create("two", "h")],
        },
        ("LimitExceededException", ONE_AT_A_TIME),
        id="two-creates",
    ),
    pytest.param(
        {
            "AttributeDefinitions": defs(h="S"),
            "GlobalSecondaryIndexUpdates": [create("one", "h"), delete("global")],
        },
        ("LimitExceededException", ONE_AT_A_TIME),
        id="create-and-delete",
    ),
    pytest.param(
        {"GlobalSecondaryIndexUpdates": [delete("global"), delete("ghost")]},
        ("LimitExceededException", ONE_AT_A_TIME),
        id="two-deletes",
    ),
    pytest.param(
        {"AttributeDefinitions": defs(h="S"), "GlobalSecondaryIndexUpdates": [create("global", "h")]},
        ("ValidationException", "Attempting to create an index which already exists"),
        id="existing-global-name",
    ),
    pytest.param(
        {"AttributeDefinitions": defs(h="S"), "GlobalSecondaryIndexUpdates": [create("local", "h")]},
        ("ValidationException", "Attempting to create an index which already exists"),
        id="existing-local-name",
    ),
    pytest.param(
        {"GlobalSecondaryIndexUpdates": [delete("local")]},
        ("ValidationException", "Cannot delete an index that is not a GlobalSecondaryIndex"),
        id="delete-local",
    ),
    pytest.param(
        {"AttributeDefinitions": defs(g="N"), "GlobalSecondaryIndexUpdates": [create("again", "g")]},
        (
            "ValidationException",
            INVALID + "Attributes cannot be redefined. Please check that your attribute has the same type as "
            "previously defined. Existing schema: Schema:[SchemaElement: key{g:S:HASH}] New schema: "
            "Schema:[SchemaElement: key{g:N:HASH}]",
        ),
        id="redefined-type",
        marks=pytest.mark.reference_deviation("DynamoDB Local words this error differently"),
    ),
]


@pytest.mark.parametrize(("request_", "expected"), ERRORS)
def test_index_change_errors(
    ddb: Any, with_indexes: str, request_: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert error_of(ddb.update_table, TableName=with_indexes, **request_) == expected


def test_deleting_a_missing_index(ddb: Any, with_indexes: str) -> None:
    code, _ = error_of(
        ddb.update_table, TableName=with_indexes, GlobalSecondaryIndexUpdates=[delete("ghost")]
    )
    assert code == "ResourceNotFoundException"


def test_new_index_keys_need_attribute_definitions(ddb: Any, with_indexes: str) -> None:
    message = validation(
        ddb.update_table,
        TableName=with_indexes,
        AttributeDefinitions=defs(z="S"),
        GlobalSecondaryIndexUpdates=[create("by_h", "h")],
    )
    assert "AttributeDefinitions" in message


@pytest.mark.reference_deviation("DynamoDB Local says 'No Attribute Schema Defined'")
def test_a_new_index_needs_attribute_definitions(ddb: Any, with_indexes: str) -> None:
    message = validation(
        ddb.update_table, TableName=with_indexes, GlobalSecondaryIndexUpdates=[create("by_h", "h")]
    )
    assert "AttributeDefinitions" in message


@pytest.mark.reference_deviation(DEFINITIONS)
def test_keys_the_table_defines_still_need_attribute_definitions(ddb: Any, with_indexes: str) -> None:
    message = validation(
        ddb.update_table,
        TableName=with_indexes,
        AttributeDefinitions=defs(h="S"),
        GlobalSecondaryIndexUpdates=[create("by_h_l", "h", "l")],
    )
    assert message == (
        INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [l, h], "
        "AttributeDefinitions: [h]"
    )


@pytest.mark.reference_deviation("DynamoDB Local applies an old limit of 20, worded for local indexes")
def test_projected_attributes_of_all_indexes_are_limited(ddb: Any, make_table: MakeTable) -> None:
    def include(count: int) -> dict[str, Any]:  # at most 20 an index (a constraint of AWS's model)
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{i}" for i in range(count)]}

    name = make_table(
        AttributeDefinitions=defs(pk="S", g="S"),
        GlobalSecondaryIndexes=[
            {"IndexName": f"twenty{i}", "KeySchema": keys("g"), "Projection": include(20)} for i in range(5)
        ],
    )
    one_more = {"IndexName": "one", "KeySchema": keys("h"), "Projection": include(1)}
    message = validation(
        ddb.update_table,
        TableName=name,
        AttributeDefinitions=defs(h="S"),
        GlobalSecondaryIndexUpdates=[{"Create": one_more}],
    )
    assert message == INVALID + "Number of projected attributes in all indexes exceeds limit of 100"


# --- an index change in progress (localddb's --status-delay) --------------------------------------------

DELAY = 1.0


@pytest.fixture(scope="module")
def slow(target: Target) -> Iterator[Any]:
    with localddb_client("--status-delay", str(DELAY)) as client:
        yield client


@pytest.mark.localddb_only("--status-delay is a localddb option")
def test_one_index_change_at_a_time(target: Target, slow: Any) -> None:
    name = unique_name("slow-index")
    slow.create_table(
        TableName=name, KeySchema=keys("pk"), AttributeDefinitions=defs(pk="S"), BillingMode="PAY_PER_REQUEST"
    )
    slow.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    slow.put_item(TableName=name, Item={"pk": s("a"), "g": s("x")})
    slow.update_table(
        TableName=name, AttributeDefinitions=defs(g="S"), GlobalSecondaryIndexUpdates=[create("by_g", "g")]
    )
    table = slow.describe_table(TableName=name)["Table"]
    (index,) = table["GlobalSecondaryIndexes"]
    assert (table["TableStatus"], index["IndexStatus"], index["Backfilling"]) == (
        "UPDATING",
        "CREATING",
        True,
    )
    assert error_of(
        slow.update_table,
        TableName=name,
        AttributeDefinitions=defs(h="S"),
        GlobalSecondaryIndexUpdates=[create("by_h", "h")],
    ) == ("LimitExceededException", ONE_AT_A_TIME)
    # An index that is backfilling may be deleted.
    response = slow.update_table(TableName=name, GlobalSecondaryIndexUpdates=[delete("by_g")])[
        "TableDescription"
    ]
    assert [i["IndexStatus"] for i in response["GlobalSecondaryIndexes"]] == ["DELETING"]
    assert error_of(
        slow.update_table,
        TableName=name,
        AttributeDefinitions=defs(h="S"),
        GlobalSecondaryIndexUpdates=[create("by_h", "h")],
    ) == ("LimitExceededException", ONE_AT_A_TIME)
    time.sleep(DELAY)
    assert "GlobalSecondaryIndexes" not in slow.describe_table(TableName=name)["Table"]
    slow.update_table(
        TableName=name, AttributeDefinitions=defs(h="S"), GlobalSecondaryIndexUpdates=[create("by_h", "h")]
    )
    time.sleep(DELAY)
    table = slow.describe_table(TableName=name)["Table"]
    assert [(i["IndexName"], i["IndexStatus"], i["ItemCount"]) for i in table["GlobalSecondaryIndexes"]] == [
        ("by_h", "ACTIVE", 0)
    ]
    slow.delete_table(TableName=name)
