"""The Streams handlers and the StreamSpecification side of the table handlers, against an in-memory
cluster: stream status while a change is in progress, the view type of older streams, GetRecords' 1 MB
page, rollover seen through DescribeStream, and trimmed positions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import app.operations  # noqa: F401  (registers the handlers)
from app.clock import Clock
from app.errors import TrimmedDataAccessException
from app.operations.registry import REGISTRY, Context
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
DAY = 24 * 3600.0


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    config = StorageConfig(None, clock.now, partitions_per_table=2, shard_rollover=3600.0)
    cluster = await Cluster.open(config)
    yield Context(NS, cluster, Settings(status_delay=5.0), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    return await REGISTRY[operation](request, ctx)


async def create(ctx: Context, name: str = "orders", **extra: Any) -> dict[str, Any]:
    answer = await call(
        ctx,
        "CreateTable",
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )
    return dict(answer["TableDescription"])


def spec(view_type: str) -> dict[str, Any]:
    return {"StreamEnabled": True, "StreamViewType": view_type}


async def status(ctx: Context, arn: str) -> str:
    return str((await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["StreamStatus"])


async def records(ctx: Context, arn: str) -> list[dict[str, Any]]:
    """Every record of the stream, shard by shard from the trim horizon."""
    found: list[dict[str, Any]] = []
    for shard in (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["Shards"]:
        answer = await call(
            ctx, "GetShardIterator", StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        iterator = answer["ShardIterator"]
        while iterator is not None:
            page = await call(ctx, "GetRecords", ShardIterator=iterator)
            found.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return found


async def test_streams_are_enabling_and_disabling_while_the_change_runs(ctx: Context) -> None:
    table = await create(ctx, StreamSpecification=spec("NEW_IMAGE"))
    first = table["LatestStreamArn"]
    assert table["StreamSpecification"] == spec("NEW_IMAGE")
    assert await status(ctx, first) == "ENABLING"  # its table is CREATING
    ctx.clock.advance(5.0)
    assert await status(ctx, first) == "ENABLED"
    await call(ctx, "UpdateTable", TableName="orders", StreamSpecification={"StreamEnabled": False})
    assert await status(ctx, first) == "DISABLING"
    ctx.clock.advance(5.0)
    assert await status(ctx, first) == "DISABLED"
    again = await call(ctx, "UpdateTable", TableName="orders", StreamSpecification=spec("KEYS_ONLY"))
    second = again["TableDescription"]["LatestStreamArn"]
    assert second != first and await status(ctx, second) == "ENABLING"
    ctx.clock.advance(5.0)
    described = [
        (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"] for arn in (first, second)
    ]
    assert [(d["StreamStatus"], d["StreamViewType"]) for d in described] == [
        ("DISABLED", "NEW_IMAGE"),
        ("ENABLED", "KEYS_ONLY"),
    ]
    label = again["TableDescription"]["LatestStreamLabel"]
    assert described[1]["CreationRequestDateTime"] == pytest.approx(
        (await ctx.cluster.list_streams(NS, "orders"))[-1].created_at, abs=0.001
    )
    assert second.endswith("/stream/" + label)


async def test_get_records_pages_stop_at_one_megabyte(ctx: Context) -> None:
    table = await create(ctx, StreamSpecification=spec("NEW_IMAGE"))
    ctx.clock.advance(5.0)
    big = "x" * 300_000
    for i in range(8):
        await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "same"}, "v": {"S": f"{i}{big}"}})
    arn = table["LatestStreamArn"]
    shards = (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["Shards"]
    sizes = []
    for shard in shards:
        answer = await call(
            ctx, "GetShardIterator", StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        page = await call(ctx, "GetRecords", ShardIterator=answer["ShardIterator"])
        while page["Records"]:
            sizes.append(len(page["Records"]))
            assert sum(r["dynamodb"]["SizeBytes"] for r in page["Records"]) <= 1024 * 1024
            page = await call(ctx, "GetRecords", ShardIterator=page["NextShardIterator"])
    assert sizes == [3, 3, 2]


async def test_rolled_over_shards_keep_every_record(ctx: Context) -> None:
    table = await create(ctx, StreamSpecification=spec("KEYS_ONLY"))
    arn = table["LatestStreamArn"]
    ctx.clock.advance(5.0)
    for round_ in range(3):
        for i in range(5):
            await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": f"{round_}-{i}"}})
        ctx.clock.advance(3601.0)
        await call(ctx, "DescribeStream", StreamArn=arn)  # rolls the open shards over
    shards = (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["Shards"]
    assert len(shards) == 2 * 4
    children = await call(
        ctx,
        "DescribeStream",
        StreamArn=arn,
        ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shards[0]["ShardId"]},
    )
    assert [s["ParentShardId"] for s in children["StreamDescription"]["Shards"]] == [shards[0]["ShardId"]]
    keys = sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in await records(ctx, arn))
    assert keys == sorted(f"{r}-{i}" for r in range(3) for i in range(5))


async def test_positions_older_than_the_retention_are_trimmed(ctx: Context) -> None:
    table = await create(ctx, StreamSpecification=spec("KEYS_ONLY"))
    arn = table["LatestStreamArn"]
    ctx.clock.advance(5.0)
    await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "old"}})
    [record] = await records(ctx, arn)
    shards = (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["Shards"]
    ctx.clock.advance(DAY + 1)
    await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "old"}, "v": {"S": "new"}})
    sequence = record["dynamodb"]["SequenceNumber"]
    # The record's shard: sequence numbers start with the partition's four digits.
    [shard] = [s for s in shards if s["SequenceNumberRange"]["StartingSequenceNumber"][:4] == sequence[:4]]
    request = {"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "AT_SEQUENCE_NUMBER"}
    with pytest.raises(TrimmedDataAccessException) as trimmed:
        await call(ctx, "GetShardIterator", **request, SequenceNumber=sequence)
    assert trimmed.value.message == "The data you are trying to access has been trimmed"
    assert [r["eventName"] for r in await records(ctx, arn)] == ["MODIFY"]


async def test_at_timestamp_starts_at_the_first_record_committed_then(ctx: Context) -> None:
    table = await create(ctx, StreamSpecification=spec("KEYS_ONLY"))
    arn = table["LatestStreamArn"]
    ctx.clock.advance(5.0)
    await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "same"}, "v": {"N": "1"}})
    ctx.clock.advance(60.0)
    moment = ctx.clock.now()
    for value in ("2", "3"):
        await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "same"}, "v": {"N": value}})
    shards = (await call(ctx, "DescribeStream", StreamArn=arn))["StreamDescription"]["Shards"]
    found = []
    for shard in shards:
        request = {"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "AT_TIMESTAMP"}
        iterator = (await call(ctx, "GetShardIterator", **request, Timestamp=moment))["ShardIterator"]
        found.extend((await call(ctx, "GetRecords", ShardIterator=iterator))["Records"])
    assert [r["eventName"] for r in found] == ["MODIFY", "MODIFY"]
