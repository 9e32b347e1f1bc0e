"""app/operations/item_collections.py and the item writes' responses: ItemCollectionMetrics (its GB range and
when it is returned), ConsumedCapacity with index costs, and the item collection limit's error on the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from app import errors
from app.clock import Clock
from app.operations.item_collections import item_collection_metrics, size_estimate_range_gb
from app.operations.registry import REGISTRY, Context
from app.settings import Settings
from app.values.size import item_size
from app.wire.endpoint import COLLECTION_TOO_LARGE
from storage import Cluster
from storage.api import IndexDef, ItemCollectionTooLarge, KeyAttribute, KeySchema, Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
TABLE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "S"))
LSI = IndexDef("by_l", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), None)
GSI = IndexDef("by_g", True, KeySchema(KeyAttribute("g", "S")), ())
GB = 1024**3
READY = {"ready_at": 0.0}  # the spec of a table that is ACTIVE at once


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, [0.0, 1.0]), (1, [0.0, 1.0]), (GB - 1, [0.0, 1.0]), (GB, [1.0, 2.0]), (10 * GB - 1, [9.0, 10.0])],
)
def test_size_estimate_range(size: int, expected: list[float]) -> None:
    assert size_estimate_range_gb(size) == expected


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    config = StorageConfig(
        None, clock.now, partitions_per_table=2, sizer=item_size, item_collection_limit=3000
    )
    cluster = await Cluster.open(config)
    await cluster.create_table(NS, "local", TABLE, READY, indexes=(LSI, GSI))
    await cluster.create_table(NS, "global", TABLE, READY, indexes=(GSI,))
    yield Context(NS, cluster, Settings(), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations.items  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


def s(text: str) -> dict[str, str]:
    return {"S": text}


async def test_metrics_only_for_tables_with_local_indexes(ctx: Context) -> None:
    key = {"pk": s("a"), "sk": s("1")}
    local = await ctx.cluster.get_table(NS, "local")
    assert await item_collection_metrics(ctx, local, key) == {
        "ItemCollectionKey": {"pk": s("a")},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    assert await item_collection_metrics(ctx, await ctx.cluster.get_table(NS, "global"), key) is None


async def test_writes_return_metrics_and_index_capacity(ctx: Context) -> None:
    item = {"pk": s("a"), "sk": s("1"), "l": s("x"), "g": s("y")}
    asked = {"ReturnItemCollectionMetrics": "SIZE", "ReturnConsumedCapacity": "INDEXES"}
    metrics = {"ItemCollectionKey": {"pk": s("a")}, "SizeEstimateRangeGB": [0.0, 1.0]}
    response = await call(ctx, "PutItem", TableName="local", Item=item, **asked)
    assert response == {
        "ConsumedCapacity": {
            "TableName": "local",
            "CapacityUnits": 3.0,
            "Table": {"CapacityUnits": 1.0},
            "LocalSecondaryIndexes": {"by_l": {"CapacityUnits": 1.0}},
            "GlobalSecondaryIndexes": {"by_g": {"CapacityUnits": 1.0}},
        },
        "ItemCollectionMetrics": metrics,
    }
    key = {"pk": s("a"), "sk": s("1")}
    response = await call(
        ctx,
        "UpdateItem",
        TableName="local",
        Key=key,
        UpdateExpression="SET g = :g",
        ExpressionAttributeValues={":g": s("z")},
        ReturnValues="UPDATED_NEW",
        **asked,
    )
    assert response["Attributes"] == {"g": s("z")}
    assert response["ConsumedCapacity"]["LocalSecondaryIndexes"] == {"by_l": {"CapacityUnits": 1.0}}
    assert response["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {"by_g": {"CapacityUnits": 2.0}}
    assert response["ItemCollectionMetrics"] == metrics
    response = await call(ctx, "DeleteItem", TableName="local", Key=key, ReturnValues="ALL_OLD", **asked)
    assert response["Attributes"] == {**item, "g": s("z")}
    assert response["ConsumedCapacity"]["CapacityUnits"] == 3.0
    assert response["ItemCollectionMetrics"] == metrics
    response = await call(ctx, "DeleteItem", TableName="local", Key=key, **asked)
    assert response["ConsumedCapacity"] == {
        "TableName": "local",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    assert await call(ctx, "PutItem", TableName="global", Item=item, ReturnItemCollectionMetrics="SIZE") == {}
    assert await call(ctx, "PutItem", TableName="local", Item=item, ReturnItemCollectionMetrics="NONE") == {}


async def test_get_item_capacity(ctx: Context) -> None:
    item = {"pk": s("a"), "sk": s("1"), "f": s("x" * 5000)}
    await call(ctx, "PutItem", TableName="global", Item=item)
    key = {"pk": s("a"), "sk": s("1")}
    response = await call(ctx, "GetItem", TableName="global", Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {
        "TableName": "global",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    response = await call(
        ctx, "GetItem", TableName="global", Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert response["ConsumedCapacity"] == {"TableName": "global", "CapacityUnits": 2.0}


async def test_a_full_collection_refuses_growth(ctx: Context) -> None:
    # 1,400 bytes in the table and as many in by_l (ALL): 2,800 of the 3,000 bytes allowed.
    await call(
        ctx, "PutItem", TableName="local", Item={"pk": s("a"), "sk": s("1"), "l": s("x"), "f": s("x" * 1390)}
    )
    with pytest.raises(ItemCollectionTooLarge):
        await call(ctx, "PutItem", TableName="local", Item={"pk": s("a"), "sk": s("2"), "f": s("x" * 500)})
    await call(ctx, "PutItem", TableName="global", Item={"pk": s("a"), "sk": s("2"), "f": s("x" * 5000)})


def test_the_limit_error_is_awss() -> None:
    status, body = errors.render(errors.ItemCollectionSizeLimitExceededException(COLLECTION_TOO_LARGE))
    assert status == 400
    assert orjson.loads(body) == {
        "__type": "com.amazonaws.dynamodb.v20120810#ItemCollectionSizeLimitExceededException",
        "message": "Collection size exceeded",
    }
