"""UpdateTable's global index Create and Delete against an in-memory cluster with a status delay: the
spec, storage's index, the statuses DescribeTable shows over time, and the rules whose cases are slow or
impossible to reach on the reference (limits, changes in progress)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.clock import Clock
from app.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from app.operations.item_writes import ItemWrite, PutAction
from app.operations.registry import REGISTRY, Context
from app.operations.table_describe import View, describe, index_stats
from app.operations.table_lookup import table_status
from app.operations.table_spec import index_status
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
DELAY = 5.0
TABLE = "things"


def ks(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"} for i, n in enumerate(names)]


def ad(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


def gsi(name: str, *key: str, **extra: Any) -> dict[str, Any]:
    return {"IndexName": name, "KeySchema": ks(*key), "Projection": {"ProjectionType": "ALL"}, **extra}


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=2))
    yield Context(NS, cluster, Settings(status_delay=DELAY), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations.tables  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


async def table(ctx: Context, **extra: Any) -> None:
    request = {
        "TableName": TABLE,
        "KeySchema": ks("pk"),
        "AttributeDefinitions": ad(pk="S", **extra.pop("types", {})),
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }
    await call(ctx, "CreateTable", **request)
    ctx.clock.advance(DELAY)


async def put(ctx: Context, item: dict[str, Any]) -> None:
    key = {"pk": item["pk"]}
    await ctx.cluster.apply(ctx.namespace, TABLE, key, ItemWrite(key, PutAction(item, 10)))


async def described(ctx: Context) -> dict[str, Any]:
    """DescribeTable with the live index figures (as tables.py should render it)."""
    meta = await ctx.cluster.get_table(ctx.namespace, TABLE)
    now = ctx.clock.now()
    stats = await ctx.cluster.table_stats(ctx.namespace, TABLE)
    view = View(table_status(meta, now), stats, indexes=await index_stats(ctx, meta))
    return describe(meta, ctx.namespace, view, now)


async def update(ctx: Context, **request: Any) -> dict[str, Any]:
    return (await call(ctx, "UpdateTable", TableName=TABLE, **request))["TableDescription"]


async def test_create_backfills_then_turns_active(ctx: Context) -> None:
    await table(ctx)
    await put(ctx, {"pk": {"S": "a"}, "g": {"S": "x"}})
    await put(ctx, {"pk": {"S": "b"}, "g": {"N": "1"}})
    response = await update(
        ctx, AttributeDefinitions=ad(g="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_g", "g")}]
    )
    assert response["TableStatus"] == "UPDATING"
    (index,) = response["GlobalSecondaryIndexes"]
    assert (index["IndexStatus"], index["Backfilling"], index["ItemCount"]) == ("CREATING", False, 0)
    meta = await ctx.cluster.get_table(NS, TABLE)
    assert [i.name for i in meta.indexes] == ["by_g"]
    assert index_status(meta, "by_g", ctx.clock.now()) == "CREATING"
    table_now = await described(ctx)
    (index,) = table_now["GlobalSecondaryIndexes"]
    assert (table_now["TableStatus"], index["IndexStatus"], index["Backfilling"]) == (
        "UPDATING",
        "CREATING",
        True,
    )
    assert index["ItemCount"] == 1  # the item with a number for g is not in the index
    ctx.clock.advance(DELAY)
    table_now = await described(ctx)
    (index,) = table_now["GlobalSecondaryIndexes"]
    assert (table_now["TableStatus"], index["IndexStatus"]) == ("ACTIVE", "ACTIVE")
    assert "Backfilling" not in index
    assert table_now["AttributeDefinitions"] == ad(g="S", pk="S")


async def test_delete_shows_deleting_then_the_index_is_gone(ctx: Context) -> None:
    await table(ctx, types={"g": "S", "h": "N"}, GlobalSecondaryIndexes=[gsi("by_g", "g"), gsi("by_h", "h")])
    response = await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g"}}])
    assert [(i["IndexName"], i["IndexStatus"]) for i in response["GlobalSecondaryIndexes"]] == [
        ("by_g", "DELETING"),
        ("by_h", "ACTIVE"),
    ]
    assert response["AttributeDefinitions"] == ad(h="N", pk="S")
    meta = await ctx.cluster.get_table(NS, TABLE)
    assert [i.name for i in meta.indexes] == ["by_h"]
    assert [i["IndexStatus"] for i in (await described(ctx))["GlobalSecondaryIndexes"]] == [
        "DELETING",
        "ACTIVE",
    ]
    with pytest.raises(LimitExceededException, match="Only 1 online index"):
        await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_h"}}])
    ctx.clock.advance(DELAY)
    assert [i["IndexName"] for i in (await described(ctx))["GlobalSecondaryIndexes"]] == ["by_h"]
    assert index_status(await ctx.cluster.get_table(NS, TABLE), "by_g", ctx.clock.now()) is None
    with pytest.raises(ResourceNotFoundException, match="Index by_g for table things"):
        await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g"}}])
    # The name is free again.
    await update(
        ctx, AttributeDefinitions=ad(g="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_g", "g")}]
    )


async def test_a_creating_index_may_be_deleted_but_not_joined(ctx: Context) -> None:
    await table(ctx)
    await update(
        ctx, AttributeDefinitions=ad(g="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_g", "g")}]
    )
    with pytest.raises(LimitExceededException):
        await update(
            ctx, AttributeDefinitions=ad(h="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_h", "h")}]
        )
    response = await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g"}}])
    assert [i["IndexStatus"] for i in response["GlobalSecondaryIndexes"]] == ["DELETING"]


async def test_no_delay_completes_the_change_before_the_response(ctx: Context) -> None:
    ctx = Context(ctx.namespace, ctx.cluster, Settings(status_delay=0.0), ctx.clock, "req", "localhost")
    await table(ctx)
    response = await update(
        ctx, AttributeDefinitions=ad(g="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_g", "g")}]
    )
    assert response["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    assert (await described(ctx))["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    response = await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g"}}])
    assert response["GlobalSecondaryIndexes"][0]["IndexStatus"] == "DELETING"
    spec = (await ctx.cluster.get_table(NS, TABLE)).spec
    assert (spec["gsis"], spec["attribute_definitions"]) == ([], ad(pk="S"))


async def test_limits(ctx: Context) -> None:
    await table(
        ctx,
        types={f"g{i}": "S" for i in range(20)},
        GlobalSecondaryIndexes=[
            gsi(f"by_g{i}", f"g{i}", Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{i}"]})
            for i in range(20)
        ],
    )
    with pytest.raises(
        ValidationException, match="GlobalSecondaryIndex count exceeds the per-table limit of 20"
    ):
        await update(
            ctx, AttributeDefinitions=ad(h="S"), GlobalSecondaryIndexUpdates=[{"Create": gsi("by_h", "h")}]
        )
    await update(ctx, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_g0"}}])
    ctx.clock.advance(DELAY)
    many = {"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"n{i}" for i in range(82)]}
    with pytest.raises(ValidationException, match="projected attributes in all indexes exceeds limit of 100"):
        await update(
            ctx,
            AttributeDefinitions=ad(h="S"),
            GlobalSecondaryIndexUpdates=[{"Create": gsi("by_h", "h", Projection=many)}],
        )
    many["NonKeyAttributes"].pop()
    await update(
        ctx,
        AttributeDefinitions=ad(h="S"),
        GlobalSecondaryIndexUpdates=[{"Create": gsi("by_h", "h", Projection=many)}],
    )


@pytest.mark.parametrize(
    ("create", "definitions", "message"),
    [
        (
            gsi("by_g", "g", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}),
            ad(g="S"),
            "ProvisionedThroughput should not be specified for index: by_g when BillingMode is "
            "PAY_PER_REQUEST",
        ),
        (
            gsi("by_g", "g", Projection={"ProjectionType": "INCLUDE"}),
            ad(g="S"),
            "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
        ),
        (
            {**gsi("by_g", "g"), "KeySchema": [{"AttributeName": "g", "KeyType": "RANGE"}]},
            ad(g="S"),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            gsi("by_g", "g", "h"),
            ad(g="S"),
            "Some index key attributes are not defined in AttributeDefinitions. Keys: [h, g], "
            "AttributeDefinitions: [g]",
        ),
        (
            gsi("by_pk", "pk"),
            ad(pk="N"),
            "Attributes cannot be redefined. Please check that your attribute has the same type as "
            "previously defined. Existing schema: Schema:[SchemaElement: key{pk:S:HASH}] New schema: "
            "Schema:[SchemaElement: key{pk:N:HASH}]",
        ),
    ],
)
async def test_create_errors(ctx: Context, create: dict[str, Any], definitions: Any, message: str) -> None:
    await table(ctx)
    with pytest.raises(ValidationException) as raised:
        await update(ctx, AttributeDefinitions=definitions, GlobalSecondaryIndexUpdates=[{"Create": create}])
    assert raised.value.message.endswith(message)
    assert (await ctx.cluster.get_table(NS, TABLE)).indexes == ()
