"""The TTL sweeper against an in-memory cluster: which items expire, that deletions take the normal write
path (indexes follow, origin ORIGIN_TTL), that a concurrent change or a transaction's hold wins, and
that the background task keeps sweeping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import orjson
import pytest

import app.operations.ttl_sweep as ttl_sweep
from app.clock import Clock
from app.operations.registry import REGISTRY, Context
from app.operations.ttl_sweep import MAX_AGE, expiry_of, is_expired, run_sweeper, sweep
from app.settings import Settings
from storage import Cluster
from storage.api import Item, Mutation, Namespace, StorageConfig, TransactionConflict, WriteResult
from storage.log import ORIGIN_TTL

NS = Namespace("123456789012", "eu-west-1")
OTHER_NS = Namespace("210987654321", "us-west-2")
NOW = 1_800_000_000


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    clock.set(NOW)
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=2))
    yield Context(NS, cluster, Settings(ttl_cooldown=0.0), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    """The handler's answer as a client sees it (items are pre-rendered JSON fragments inside)."""
    import app.operations  # noqa: F401  (registers the handlers)

    answer: dict[str, Any] = orjson.loads(orjson.dumps(await REGISTRY[operation](request, ctx)))
    return answer


async def ttl_table(ctx: Context, name: str = "sessions", enabled: bool = True) -> str:
    await call(
        ctx,
        "CreateTable",
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    if enabled:
        spec = {"Enabled": True, "AttributeName": "expires"}
        await call(ctx, "UpdateTimeToLive", TableName=name, TimeToLiveSpecification=spec)
    return name


async def put(ctx: Context, table: str, key: str, expiry: dict[str, str] | None) -> None:
    item: Item = {"pk": {"S": key}, "g": {"S": "all"}}
    if expiry is not None:
        item["expires"] = expiry
    await call(ctx, "PutItem", TableName=table, Item=item)


async def table_keys(ctx: Context, table: str) -> set[str]:
    items = (await call(ctx, "Scan", TableName=table, ConsistentRead=True))["Items"]
    return {item["pk"]["S"] for item in items}


async def index_keys(ctx: Context, table: str) -> set[str]:
    answer = await call(
        ctx,
        "Query",
        TableName=table,
        IndexName="by_g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "all"}},
    )
    return {item["pk"]["S"] for item in answer["Items"]}


def n(value: float | int | str) -> dict[str, str]:
    return {"N": str(value)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (n(5), Decimal(5)),
        (n("1.5E+9"), Decimal("1.5E+9")),
        ({"S": "5"}, None),
        ({"NS": ["5"]}, None),
        ({"L": [n(5)]}, None),
        (None, None),
        ({"N": "not a number"}, None),
    ],
)
def test_only_numbers_hold_an_expiry(value: Any, expected: Decimal | None) -> None:
    assert expiry_of(value) == expected


def test_expired_means_at_or_before_now_and_within_five_years() -> None:
    assert is_expired(Decimal(NOW), NOW)
    assert is_expired(Decimal(NOW) - Decimal("0.001"), NOW)
    assert not is_expired(Decimal(NOW) + Decimal("0.001"), NOW)
    assert is_expired(Decimal(NOW - MAX_AGE), NOW)
    assert not is_expired(Decimal(NOW - MAX_AGE - 1), NOW)
    assert not is_expired(Decimal("1.7E+12"), NOW)  # milliseconds: far in the future, never expires


async def test_a_sweep_deletes_expired_items_from_the_table_and_its_index(ctx: Context) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "expired", n(NOW - 10))
    await put(ctx, table, "exactly-now", n(NOW - 1))
    await put(ctx, table, "fractional", n(f"{NOW - 1}.5"))
    await put(ctx, table, "future", n(NOW + 3600))
    await put(ctx, table, "text", {"S": str(NOW - 10)})
    await put(ctx, table, "ancient", n(NOW - MAX_AGE - 100))
    await put(ctx, table, "none", None)
    assert "expired" in await table_keys(ctx, table)  # still served until the sweep reaches it
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.tables, result.scanned, result.deleted, result.skipped) == (1, 7, 3, 0)
    assert await table_keys(ctx, table) == {"future", "text", "ancient", "none"}
    assert await index_keys(ctx, table) == {"future", "text", "ancient", "none"}
    ctx.clock.advance(3600)
    assert (await sweep(ctx.cluster, ctx.clock)).deleted == 1
    assert await table_keys(ctx, table) == {"text", "ancient", "none"}


async def test_a_sweep_pages_through_the_whole_table(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ttl_sweep, "PAGE_SIZE", 3)
    table = await ttl_table(ctx)
    for i in range(20):
        await put(ctx, table, f"item-{i:02d}", n(NOW - 1 if i % 2 else NOW + 100))
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.scanned, result.deleted) == (20, 10)
    assert await table_keys(ctx, table) == {f"item-{i:02d}" for i in range(0, 20, 2)}


async def test_only_tables_with_ttl_enabled_are_swept_in_every_namespace(ctx: Context) -> None:
    plain = await ttl_table(ctx, "plain", enabled=False)
    await put(ctx, plain, "expired", n(NOW - 10))
    other = Context(OTHER_NS, ctx.cluster, ctx.settings, ctx.clock, "req", "localhost")
    elsewhere = await ttl_table(other, "elsewhere")
    await put(other, elsewhere, "expired", n(NOW - 10))
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.tables, result.deleted) == (1, 1)
    assert await table_keys(ctx, plain) == {"expired"}
    assert await table_keys(other, elsewhere) == set()
    await call(
        ctx,
        "UpdateTimeToLive",
        TableName=plain,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "x"},
    )
    assert (await sweep(ctx.cluster, ctx.clock)).deleted == 0  # the item has no attribute `x`


class Spy:
    """Wraps Cluster.apply: records the origins and can make the next writes meet a transaction."""

    def __init__(self, cluster: Cluster, conflicts: int = 0) -> None:
        self.apply = cluster.apply
        self.origins: list[str] = []
        self.conflicts = conflicts

    async def __call__(
        self, ns: Namespace, table: str, key: Item, mutation: Mutation, origin: str
    ) -> WriteResult:
        self.origins.append(origin)
        if self.conflicts:
            self.conflicts -= 1
            raise TransactionConflict(table)
        return await self.apply(ns, table, key, mutation, origin=origin)


async def test_deletes_carry_the_ttl_origin_and_held_items_wait(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "expired", n(NOW - 10))
    spy = Spy(ctx.cluster, conflicts=1)
    monkeypatch.setattr(ctx.cluster, "apply", spy)
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.deleted, result.skipped) == (0, 1)
    assert await table_keys(ctx, table) == {"expired"}
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.deleted, result.skipped) == (1, 0)
    assert spy.origins == [ORIGIN_TTL, ORIGIN_TTL]


async def test_a_write_that_extends_the_expiry_wins(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "renewed", n(NOW - 10))
    await put(ctx, table, "dropped", n(NOW - 10))
    scan = ctx.cluster.scan

    async def scan_then_write(*args: Any, **kwargs: Any) -> Any:
        page = await scan(*args, **kwargs)  # the sweeper read the items; then the application writes
        await put(ctx, table, "renewed", n(NOW + 3600))
        await put(ctx, table, "dropped", None)
        return page

    monkeypatch.setattr(ctx.cluster, "scan", scan_then_write)
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.deleted, result.skipped) == (0, 2)
    items = (await call(ctx, "Scan", TableName=table))["Items"]
    assert sorted(orjson.dumps(item) for item in items) == sorted(
        orjson.dumps(item)
        for item in [
            {"pk": {"S": "dropped"}, "g": {"S": "all"}},
            {"pk": {"S": "renewed"}, "g": {"S": "all"}, "expires": n(NOW + 3600)},
        ]
    )


async def test_a_table_deleted_during_the_sweep_ends_it_quietly(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "expired", n(NOW - 10))
    scan = ctx.cluster.scan

    async def scan_then_delete(*args: Any, **kwargs: Any) -> Any:
        page = await scan(*args, **kwargs)
        await call(ctx, "DeleteTable", TableName=table)
        return page

    monkeypatch.setattr(ctx.cluster, "scan", scan_then_delete)
    result = await sweep(ctx.cluster, ctx.clock)
    assert (result.tables, result.deleted) == (1, 0)


async def test_the_background_task_sweeps_until_cancelled(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "expired", n(NOW - 10))
    failures = [RuntimeError("the first sweep fails")]

    async def flaky_sweep(cluster: Cluster, clock: Clock, marks: ttl_sweep.Marks | None) -> Any:
        if failures:
            raise failures.pop()
        return await sweep(cluster, clock, marks)

    monkeypatch.setattr(ttl_sweep, "sweep", flaky_sweep)
    task = asyncio.create_task(run_sweeper(ctx.cluster, ctx.clock, 0.01))
    for _ in range(200):
        if not await table_keys(ctx, table):
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not failures
    assert await table_keys(ctx, table) == set()


async def test_the_background_sweeper_skips_a_table_with_nothing_to_do(ctx: Context) -> None:
    table = await ttl_table(ctx)
    await put(ctx, table, "later", {"N": str(NOW + 600)})
    await put(ctx, table, "never", {"S": "not a number"})
    marks: ttl_sweep.Marks = {}
    first = await sweep(ctx.cluster, ctx.clock, marks)
    assert (first.scanned, first.deleted) == (2, 0)
    idle = await sweep(ctx.cluster, ctx.clock, marks)
    assert (idle.tables, idle.scanned) == (1, 0)  # unchanged and nothing due: not read
    await put(ctx, table, "now", {"N": str(NOW - 1)})
    written = await sweep(ctx.cluster, ctx.clock, marks)
    assert (written.scanned, written.deleted) == (3, 1)  # a write makes it read again
    assert (await sweep(ctx.cluster, ctx.clock, marks)).scanned == 0
    ctx.clock.advance(600)  # the next expiry comes due
    due = await sweep(ctx.cluster, ctx.clock, marks)
    assert (due.scanned, due.deleted) == (2, 1)
    assert await table_keys(ctx, table) == {"never"}
    assert (await sweep(ctx.cluster, ctx.clock, None)).scanned == 1  # no marks: always a full read
