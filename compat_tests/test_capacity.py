"""ConsumedCapacity of PutItem, UpdateItem, DeleteItem and GetItem on tables with secondary indexes
(TOTAL and INDEXES), a few Query/Scan figures, ReturnItemCollectionMetrics and the item collection limit.

The rules are AWS's ("Write capacity units" for LSIs and GSIs in the Developer Guide; ConsumedCapacity in
the API reference), and DynamoDB Local follows them to the unit:
- the table pays 1 unit per KB of the larger of the old and the new item, and at least 1;
- an index pays only when the item's entry in it changes: a new entry costs its units, a removed entry
  its units, an entry replaced under the same index key the units of the larger, an entry moved to another
  index key a delete plus a put (2 writes);
- an entry is the table key, the index key and the projected attributes; a local index entry counts
  100 bytes more (AWS's documented per-entry overhead of LSIs; DynamoDB Local charges GSI entries without);
- INDEXES lists `Table` always and an index only when it consumed something.

Items here hold only S attributes, so their size is the bytes of the names and values.
ItemCollectionMetrics follow the API reference and the LSI guide (their example: [0.0, 1.0]); DynamoDB Local
never returns them, hence the deviation marks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, s

Item = dict[str, Any]

NO_ITEM_COLLECTION_METRICS = "DynamoDB Local never returns ItemCollectionMetrics"


def _index(name: str, hash_key: str, range_key: str | None, projection: dict[str, Any]) -> dict[str, Any]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": projection}


ALL = {"ProjectionType": "ALL"}
KEYS_ONLY = {"ProjectionType": "KEYS_ONLY"}
INCLUDE_F = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["f"]}
INDEX_ATTRIBUTES = ("l1", "l2", "l3", "g1", "g2", "g3", "g4")


@pytest.fixture(scope="module")
def indexed(target: Target) -> Iterator[str]:
    """pk/sk table with LSIs by_l1 (ALL), by_l2 (INCLUDE f), by_l3 (KEYS_ONLY) and GSIs by_g1 (KEYS_ONLY),
    by_g2 (g2 + g3, ALL), by_g4 (INCLUDE f); every attribute is S."""
    client = target.client()
    name = create_table(
        client,
        unique_name("capacity"),
        range_key=("sk", "S"),
        AttributeDefinitions=[
            {"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", *INDEX_ATTRIBUTES)
        ],
        LocalSecondaryIndexes=[
            _index("by_l1", "pk", "l1", ALL),
            _index("by_l2", "pk", "l2", INCLUDE_F),
            _index("by_l3", "pk", "l3", KEYS_ONLY),
        ],
        GlobalSecondaryIndexes=[
            _index("by_g1", "g1", None, KEYS_ONLY),
            _index("by_g2", "g2", "g3", ALL),
            _index("by_g4", "g4", None, INCLUDE_F),
        ],
    )
    yield name
    client.delete_table(TableName=name)


@pytest.fixture(scope="module")
def global_only(target: Target) -> Iterator[str]:
    """A hash-key table with one GSI and no LSI."""
    client = target.client()
    name = create_table(
        client,
        unique_name("capacity-gsi"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "g1")],
        GlobalSecondaryIndexes=[_index("by_g1", "g1", None, ALL)],
    )
    yield name
    client.delete_table(TableName=name)


def fresh_key() -> Item:
    """A key of 19 bytes: "pk" + 14 characters, "sk" + 1."""
    return {"pk": s(f"c-{uuid.uuid4().hex[:12]}"), "sk": s("s")}


def size_of(item: Item) -> int:
    return sum(len(name.encode()) + len(value["S"].encode()) for name, value in item.items())


def padded(item: Item, size: int, filler: str = "f") -> Item:
    """`item` with attribute `filler` sized so that the whole item is `size` bytes."""
    base = {**item, filler: s("")}
    return {**item, filler: s("x" * (size - size_of(base)))}


def full(key: Item) -> Item:
    """An item in every index: each index attribute "v", f (projected into the INCLUDE indexes) and y."""
    return {**key, **{a: s("v") for a in INDEX_ATTRIBUTES}, "f": s("f"), "y": s("y")}


def expected(
    table: str,
    units: float,
    lsi: dict[str, float] | None = None,
    gsi: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The INDEXES ConsumedCapacity of `units` on the table and the given units per index."""
    out: dict[str, Any] = {
        "TableName": table,
        "CapacityUnits": units + sum((lsi or {}).values()) + sum((gsi or {}).values()),
        "Table": {"CapacityUnits": units},
    }
    if lsi:
        out["LocalSecondaryIndexes"] = {name: {"CapacityUnits": v} for name, v in lsi.items()}
    if gsi:
        out["GlobalSecondaryIndexes"] = {name: {"CapacityUnits": v} for name, v in gsi.items()}
    return out


EVERY_INDEX_LSI = {"by_l1": 1.0, "by_l2": 1.0, "by_l3": 1.0}
EVERY_INDEX_GSI = {"by_g1": 1.0, "by_g2": 1.0, "by_g4": 1.0}


# --- PutItem ----------------------------------------------------------------------------------------------


def test_put_of_a_new_item_pays_every_index_it_enters(ddb: Any, indexed: str) -> None:
    response = ddb.put_item(TableName=indexed, Item=full(fresh_key()), ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, EVERY_INDEX_LSI, EVERY_INDEX_GSI)


def test_total_is_the_sum_of_the_table_and_its_indexes(ddb: Any, indexed: str) -> None:
    response = ddb.put_item(TableName=indexed, Item=full(fresh_key()), ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 7.0}


def test_put_without_index_attributes_pays_the_table_only(ddb: Any, indexed: str) -> None:
    key = fresh_key()
    response = ddb.put_item(TableName=indexed, Item={**key, "y": s("y")}, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0)
    # Half of a GSI's key is not enough to enter it.
    response = ddb.put_item(TableName=indexed, Item={**key, "g2": s("v")}, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0)


def test_put_of_an_identical_item_pays_the_table_only(ddb: Any, indexed: str) -> None:
    item = full(fresh_key())
    ddb.put_item(TableName=indexed, Item=item)
    response = ddb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0)


def test_put_replacing_an_item_pays_the_indexes_whose_entries_change(ddb: Any, indexed: str) -> None:
    item = full(fresh_key())
    ddb.put_item(TableName=indexed, Item=item)
    # f is in the ALL and INCLUDE indexes; the KEYS_ONLY ones keep their entries.
    response = ddb.put_item(TableName=indexed, Item={**item, "f": s("g")}, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(
        indexed, 1.0, {"by_l1": 1.0, "by_l2": 1.0}, {"by_g2": 1.0, "by_g4": 1.0}
    )
    # A put without the index attributes deletes every entry.
    key = {"pk": item["pk"], "sk": item["sk"]}
    response = ddb.put_item(TableName=indexed, Item=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, EVERY_INDEX_LSI, EVERY_INDEX_GSI)


# --- UpdateItem -------------------------------------------------------------------------------------------

UPDATES_OF_A_FULL_ITEM = [
    ("SET y = :n", {"by_l1": 1.0}, {"by_g2": 1.0}),
    ("SET y = :y", {}, {}),  # the same value: no entry changes
    ("SET f = :n", {"by_l1": 1.0, "by_l2": 1.0}, {"by_g2": 1.0, "by_g4": 1.0}),
    ("SET l3 = :n", {"by_l1": 1.0, "by_l3": 2.0}, {"by_g2": 1.0}),
    ("SET g1 = :n", {"by_l1": 1.0}, {"by_g1": 2.0, "by_g2": 1.0}),
    ("SET g3 = :n", {"by_l1": 1.0}, {"by_g2": 2.0}),
    ("SET l2 = :n, g4 = :n", {"by_l1": 1.0, "by_l2": 2.0}, {"by_g2": 1.0, "by_g4": 2.0}),
    ("REMOVE l2", {"by_l1": 1.0, "by_l2": 1.0}, {"by_g2": 1.0}),
    ("REMOVE g2", {"by_l1": 1.0}, {"by_g2": 1.0}),
    ("REMOVE l1, g1", {"by_l1": 1.0}, {"by_g1": 1.0, "by_g2": 1.0}),
]


@pytest.mark.parametrize(("update", "lsi", "gsi"), UPDATES_OF_A_FULL_ITEM)
def test_update_pays_each_changed_entry(
    ddb: Any, indexed: str, update: str, lsi: dict[str, float], gsi: dict[str, float]
) -> None:
    item = full(fresh_key())
    ddb.put_item(TableName=indexed, Item=item)
    values = {k: v for k, v in {":n": s("new"), ":y": s("y")}.items() if k in update}
    params: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
    response = ddb.update_item(
        TableName=indexed,
        Key={"pk": item["pk"], "sk": item["sk"]},
        UpdateExpression=update,
        ReturnConsumedCapacity="INDEXES",
        **params,
    )
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, lsi, gsi)


@pytest.mark.parametrize(
    ("update", "lsi", "gsi"),
    [
        ("SET g2 = :n", {}, {}),
        ("SET g2 = :n, g3 = :n", {}, {"by_g2": 1.0}),
        ("SET l1 = :n, g1 = :n", {"by_l1": 1.0}, {"by_g1": 1.0}),
    ],
)
@pytest.mark.parametrize("exists", [True, False], ids=["existing", "new"])
def test_update_adding_index_keys_pays_a_put(
    ddb: Any, indexed: str, update: str, lsi: dict[str, float], gsi: dict[str, float], exists: bool
) -> None:
    key = fresh_key()
    if exists:
        ddb.put_item(TableName=indexed, Item={**key, "y": s("y")})
    response = ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression=update,
        ExpressionAttributeValues={":n": s("new")},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, lsi, gsi)


# --- DeleteItem -------------------------------------------------------------------------------------------


def test_delete_pays_every_entry_it_removes(ddb: Any, indexed: str) -> None:
    item = full(fresh_key())
    key = {"pk": item["pk"], "sk": item["sk"]}
    ddb.put_item(TableName=indexed, Item=item)
    response = ddb.delete_item(TableName=indexed, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, EVERY_INDEX_LSI, EVERY_INDEX_GSI)
    response = ddb.delete_item(TableName=indexed, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0)
    response = ddb.delete_item(TableName=indexed, Key=key, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 1.0}


@pytest.mark.reference_deviation("DynamoDB Local returns ConsumedCapacity for a DeleteItem of a missing item")
def test_delete_of_a_missing_item_returns_no_capacity_unless_asked(ddb: Any, hash_table: str) -> None:
    key = {"pk": s(f"c-{uuid.uuid4().hex}")}
    assert "ConsumedCapacity" not in ddb.delete_item(TableName=hash_table, Key=key)
    assert "ConsumedCapacity" not in ddb.delete_item(
        TableName=hash_table, Key=key, ReturnConsumedCapacity="NONE"
    )


# --- entry sizes: keys, projected attributes, and 100 bytes more in a local index ------------------------


@pytest.mark.parametrize(
    ("size", "table_units", "lsi_units", "gsi_units"),
    [(924, 1.0, 1.0, 1.0), (925, 1.0, 2.0, 1.0), (1024, 1.0, 2.0, 1.0), (1025, 2.0, 2.0, 2.0),
     (1948, 2.0, 2.0, 2.0), (1949, 2.0, 3.0, 2.0), (2048, 2.0, 3.0, 2.0), (2049, 3.0, 3.0, 3.0)],
)  # fmt: skip
def test_entries_of_all_indexes_are_the_item(
    ddb: Any, indexed: str, size: int, table_units: float, lsi_units: float, gsi_units: float
) -> None:
    item = padded({**fresh_key(), "l1": s("v"), "g2": s("v"), "g3": s("v")}, size, filler="y")
    response = ddb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(
        indexed, table_units, {"by_l1": lsi_units}, {"by_g2": gsi_units}
    )


ENTRY_SIZES = [(924, 1.0, 1.0), (925, 2.0, 1.0), (1024, 2.0, 1.0), (1025, 2.0, 2.0)]


@pytest.mark.parametrize(("entry", "lsi_units", "gsi_units"), ENTRY_SIZES)
def test_entries_of_include_indexes_are_keys_and_projected_attributes(
    ddb: Any, indexed: str, entry: int, lsi_units: float, gsi_units: float
) -> None:
    # by_l2 keeps pk, sk, l2 and f; by_g4 keeps pk, sk, g4 and f (the same size); y stays out of both.
    item = padded({**fresh_key(), "l2": s("v"), "g4": s("v")}, entry + 3)  # + 3: the other index key
    item["y"] = s("y" * 300)
    response = ddb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 2.0, {"by_l2": lsi_units}, {"by_g4": gsi_units})


@pytest.mark.parametrize(("entry", "lsi_units", "gsi_units"), ENTRY_SIZES)
def test_entries_of_keys_only_indexes_are_the_keys(
    ddb: Any, indexed: str, entry: int, lsi_units: float, gsi_units: float
) -> None:
    key = fresh_key()
    lsi_item = padded(key, entry, filler="l3")
    lsi_item["f"] = s("f" * 300)
    response = ddb.put_item(TableName=indexed, Item=lsi_item, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 2.0, {"by_l3": lsi_units})
    gsi_item = padded(key, entry, filler="g1")
    gsi_item["f"] = s("f" * 300)
    response = ddb.put_item(TableName=indexed, Item=gsi_item, ReturnConsumedCapacity="INDEXES")
    # The LSI entry goes, the GSI entry comes.
    assert response["ConsumedCapacity"] == expected(indexed, 2.0, {"by_l3": lsi_units}, {"by_g1": gsi_units})


def test_large_entries(ddb: Any, indexed: str) -> None:
    key = fresh_key()
    # 3,000 bytes: 3 units in the table and in by_g2; 3,100 bytes in by_l1: 4 units.
    item = padded({**key, "l1": s("a"), "g2": s("v"), "g3": s("v")}, 3000)
    response = ddb.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 3.0, {"by_l1": 4.0}, {"by_g2": 3.0})
    # Moving the by_l1 entry to another index key: a delete and a put.
    response = ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression="SET l1 = :b",
        ExpressionAttributeValues={":b": s("b")},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == expected(indexed, 3.0, {"by_l1": 8.0}, {"by_g2": 3.0})
    # Shrinking the entries under the same index keys: the larger of the two.
    response = ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression="SET f = :f",
        ExpressionAttributeValues={":f": s("f")},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == expected(indexed, 3.0, {"by_l1": 4.0}, {"by_g2": 3.0})
    ddb.put_item(TableName=indexed, Item=item)
    response = ddb.delete_item(TableName=indexed, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 3.0, {"by_l1": 4.0}, {"by_g2": 3.0})


# --- GetItem ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "strong", "eventual"), [(4096, 1.0, 0.5), (4097, 2.0, 1.0), (8193, 3.0, 1.5)]
)
def test_get_item_reads_the_table_only(
    ddb: Any, indexed: str, size: int, strong: float, eventual: float
) -> None:
    key = fresh_key()
    ddb.put_item(TableName=indexed, Item=padded({**key, "l1": s("v"), "g1": s("v")}, size))
    response = ddb.get_item(TableName=indexed, Key=key, ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, strong)
    response = ddb.get_item(TableName=indexed, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, eventual)
    response = ddb.get_item(TableName=indexed, Key=key, ConsistentRead=False, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": eventual}
    assert "ConsumedCapacity" not in ddb.get_item(TableName=indexed, Key=key, ReturnConsumedCapacity="NONE")


# --- Query and Scan ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_items(ddb: Any, indexed: str) -> Item:
    """Three items of 1,500 bytes under one partition key (4,500 bytes: two 4 KB blocks), each in by_l3
    (KEYS_ONLY, tiny entries) and by_g2 (ALL); returns the partition key value."""
    pk = s(f"c-{uuid.uuid4().hex[:12]}")
    g2 = s(uuid.uuid4().hex)
    for sk in ("1", "2", "3"):
        item = {"pk": pk, "sk": s(sk), "l3": s("v"), "g2": g2, "g3": s(sk)}
        ddb.put_item(TableName=indexed, Item=padded(item, 1500))
    return {"pk": pk, "g2": g2}


@pytest.mark.requires_operation("Query")
def test_query_reads_the_sum_of_the_items_sizes(ddb: Any, indexed: str, three_items: Item) -> None:
    query = {
        "TableName": indexed,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": three_items["pk"]},
    }
    response = ddb.query(**query, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 2.0}
    response = ddb.query(**query, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == expected(indexed, 1.0)
    # A filter does not reduce what was read.
    response = ddb.query(
        **{**query, "ExpressionAttributeValues": {":p": three_items["pk"], ":z": s("z")}},
        FilterExpression="f = :z",
        ConsistentRead=True,
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["Count"] == 0
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 2.0}


@pytest.mark.requires_operation("Query")
@pytest.mark.reference_deviation(
    "DynamoDB Local rounds each item fetched from the table for a local index up to 4 KB; AWS charges "
    "the fetched items' summed size (dynalite's suite, recorded on AWS)"
)
def test_query_of_an_index_reads_the_index(ddb: Any, indexed: str, three_items: Item) -> None:
    response = ddb.query(
        TableName=indexed,
        IndexName="by_l3",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": three_items["pk"]},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["Count"] == 3
    assert response["ConsumedCapacity"] == expected(indexed, 0.0, {"by_l3": 0.5})
    # Attributes that are not projected are fetched from the table, charged on their summed size.
    response = ddb.query(
        TableName=indexed,
        IndexName="by_l3",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": three_items["pk"]},
        Select="ALL_ATTRIBUTES",
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == expected(indexed, 1.0, {"by_l3": 0.5})
    response = ddb.query(
        TableName=indexed,
        IndexName="by_g2",
        KeyConditionExpression="g2 = :g",
        ExpressionAttributeValues={":g": three_items["g2"]},
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["Count"] == 3
    assert response["ConsumedCapacity"] == expected(indexed, 0.0, gsi={"by_g2": 1.0})


@pytest.mark.requires_operation("Scan")
def test_scan_reads_the_sum_of_the_items_sizes(ddb: Any) -> None:
    table = create_table(ddb, unique_name("capacity-scan"))
    try:
        for i in range(3):
            ddb.put_item(TableName=table, Item=padded({"pk": s(f"item-{i}")}, 1500))
        response = ddb.scan(TableName=table, ReturnConsumedCapacity="INDEXES")
        assert response["ConsumedCapacity"] == expected(table, 1.0)
        response = ddb.scan(TableName=table, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        assert response["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}
    finally:
        ddb.delete_table(TableName=table)


# --- ReturnItemCollectionMetrics --------------------------------------------------------------------------


def _collection(item: Item) -> dict[str, Any]:
    return {"ItemCollectionKey": {"pk": item["pk"]}, "SizeEstimateRangeGB": [0.0, 1.0]}


@pytest.mark.reference_deviation(NO_ITEM_COLLECTION_METRICS)
def test_item_collection_metrics_of_every_write(ddb: Any, indexed: str) -> None:
    item = full(fresh_key())
    key = {"pk": item["pk"], "sk": item["sk"]}
    response = ddb.put_item(TableName=indexed, Item=item, ReturnItemCollectionMetrics="SIZE")
    assert response["ItemCollectionMetrics"] == _collection(item)
    response = ddb.update_item(
        TableName=indexed,
        Key=key,
        UpdateExpression="SET y = :y",
        ExpressionAttributeValues={":y": s("z")},
        ReturnItemCollectionMetrics="SIZE",
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["ItemCollectionMetrics"] == _collection(item)
    assert response["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 3.0}
    response = ddb.delete_item(TableName=indexed, Key=key, ReturnItemCollectionMetrics="SIZE")
    assert response["ItemCollectionMetrics"] == _collection(item)


def test_no_item_collection_metrics_unless_asked(ddb: Any, indexed: str) -> None:
    item = full(fresh_key())
    key = {"pk": item["pk"], "sk": item["sk"]}
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=indexed, Item=item)
    response = ddb.put_item(TableName=indexed, Item=item, ReturnItemCollectionMetrics="NONE")
    assert "ItemCollectionMetrics" not in response
    response = ddb.update_item(TableName=indexed, Key=key, ReturnItemCollectionMetrics="NONE")
    assert "ItemCollectionMetrics" not in response
    assert "ItemCollectionMetrics" not in ddb.delete_item(TableName=indexed, Key=key)


def test_no_item_collection_metrics_without_local_indexes(
    ddb: Any, global_only: str, hash_range_table: str
) -> None:
    for table, item in (
        (global_only, {"pk": s(uuid.uuid4().hex), "g1": s("v")}),
        (hash_range_table, {"pk": s(uuid.uuid4().hex), "sk": {"N": "1"}}),
    ):
        key = {name: item[name] for name in ("pk", "sk") if name in item}
        response = ddb.put_item(TableName=table, Item=item, ReturnItemCollectionMetrics="SIZE")
        assert "ItemCollectionMetrics" not in response
        response = ddb.update_item(TableName=table, Key=key, ReturnItemCollectionMetrics="SIZE")
        assert "ItemCollectionMetrics" not in response
        response = ddb.delete_item(TableName=table, Key=key, ReturnItemCollectionMetrics="SIZE")
        assert "ItemCollectionMetrics" not in response


# --- the item collection limit (localddb with a small --item-collection-limit) ------------------------------

LIMIT = 2500
COLLECTION_FULL = ("ItemCollectionSizeLimitExceededException", "Collection size exceeded")


@pytest.fixture(scope="module")
def small_collections(target: Target) -> Iterator[Any]:
    """A client of a localddb whose item collections may hold 2,500 bytes."""
    with localddb_client("--item-collection-limit", str(LIMIT)) as client:
        yield client


@pytest.mark.localddb_only("--item-collection-limit lowers the 10 GB limit to something a test can reach")
def test_item_collection_limit(small_collections: Any) -> None:
    ddb = small_collections
    table = create_table(
        ddb,
        unique_name("collections"),
        range_key=("sk", "S"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "l1")],
        LocalSecondaryIndexes=[_index("by_l1", "pk", "l1", ALL)],
    )
    pk = s("collection")

    def item(sk: str, size: int, **extra: Any) -> Item:
        return padded({"pk": pk, "sk": s(sk), **extra}, size)

    # 1,000 bytes in the table and as many in by_l1; then 400 more.
    ddb.put_item(TableName=table, Item=item("a", 1000, l1=s("v")))
    response = ddb.put_item(TableName=table, Item=item("b", 400), ReturnItemCollectionMetrics="SIZE")
    assert response["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": pk},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    # 400 more would pass the limit: refused, and nothing is written.
    assert error_of(ddb.put_item, TableName=table, Item=item("c", 400)) == COLLECTION_FULL
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": pk, "sk": s("c")}, ConsistentRead=True)
    assert (
        error_of(
            ddb.update_item,
            TableName=table,
            Key={"pk": pk, "sk": s("b")},
            UpdateExpression="SET f = :f",
            ExpressionAttributeValues={":f": s("x" * 800)},
        )
        == COLLECTION_FULL
    )
    # Other collections are not affected.
    ddb.put_item(TableName=table, Item={**item("c", 400), "pk": s("other")})
    # Writes that shrink the collection are allowed, and make room again.
    ddb.put_item(TableName=table, Item=item("a", 100, l1=s("v")))
    ddb.put_item(TableName=table, Item=item("c", 400))
    ddb.delete_item(TableName=table, Key={"pk": pk, "sk": s("c")})
    ddb.delete_table(TableName=table)


@pytest.mark.localddb_only("--item-collection-limit lowers the 10 GB limit to something a test can reach")
def test_item_collection_limit_applies_only_with_local_indexes(small_collections: Any) -> None:
    ddb = small_collections
    table = create_table(
        ddb,
        unique_name("collections-gsi"),
        range_key=("sk", "S"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g1")],
        GlobalSecondaryIndexes=[_index("by_g1", "g1", None, ALL)],
    )
    for sk in range(5):
        ddb.put_item(TableName=table, Item=padded({"pk": s("one"), "sk": s(str(sk)), "g1": s("v")}, 1000))
    for sk in range(5):
        key = {"pk": s("one"), "sk": s(str(sk))}
        assert "Item" in ddb.get_item(TableName=table, Key=key, ConsistentRead=True)
    ddb.delete_table(TableName=table)
