"""BatchGetItem and BatchWriteItem below the wire: key identity, the order of the checks, the response
limit and UnprocessedKeys (with a small limit, and as a property over item sizes), and the writes and
metrics against an in-memory cluster."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.clock import Clock
from app.errors import ResourceNotFoundException, ValidationException
from app.operations import batch_get, batch_write
from app.operations.batch_common import DUPLICATE_KEYS, DuplicateKeyCheck, key_identity
from app.operations.registry import REGISTRY, Context
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig, StoredItem

NS = Namespace("123456789012", "eu-west-1")


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=2))
    yield Context(NS, cluster, Settings(), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    response: dict[str, Any] = await REGISTRY[operation](request, ctx)
    return orjson.loads(orjson.dumps(response))  # as a client sees it (stored items are spliced bytes)


async def create(ctx: Context, name: str, local_index: bool = False) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if local_index:
        request["AttributeDefinitions"].append({"AttributeName": "l", "AttributeType": "S"})
        request["LocalSecondaryIndexes"] = [
            {
                "IndexName": "by_l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ]
    await call(ctx, "CreateTable", **request)


def key(pk: str, sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


# --- key identity -------------------------------------------------------------------------------------------


def test_key_identity_ignores_attribute_order() -> None:
    assert key_identity({"pk": {"S": "a"}, "sk": {"N": "1"}}) == key_identity(
        {"sk": {"N": "1"}, "pk": {"S": "a"}}
    )
    assert key_identity({"pk": {"S": "a"}}) != key_identity({"pk": {"S": "b"}})
    assert key_identity({"pk": {"S": "1"}}) != key_identity({"pk": {"N": "1"}})


def test_duplicate_check_refuses_the_second_sighting() -> None:
    check = DuplicateKeyCheck()
    check.add(key("a"))
    check.add(key("b"))
    with pytest.raises(ValidationException, match=DUPLICATE_KEYS):
        check.add({"sk": {"N": "1"}, "pk": {"S": "a"}})


# --- BatchGetItem checks ------------------------------------------------------------------------------------


def test_get_numbers_are_compared_by_value() -> None:
    request = {"RequestItems": {"orders": {"Keys": [key("a", "1"), key("a", "1.00")]}}}
    with pytest.raises(ValidationException, match=DUPLICATE_KEYS):
        batch_get.check_request(request)


def test_get_counts_keys_across_tables() -> None:
    keys = [key(str(i)) for i in range(50)]
    assert len(batch_get.check_request({"RequestItems": {"one": {"Keys": keys}, "two": {"Keys": keys}}})) == 2
    three = {"one": {"Keys": keys}, "two": {"Keys": keys}, "three": {"Keys": [key("x")]}}
    with pytest.raises(ValidationException, match=batch_get.TOO_MANY_KEYS):
        batch_get.check_request({"RequestItems": three})


def test_get_refuses_legacy_and_expression_projections_in_different_tables() -> None:
    items = {
        "one": {"Keys": [key("a")], "AttributesToGet": ["pk"]},
        "two": {"Keys": [key("a")], "ProjectionExpression": "pk"},
    }
    with pytest.raises(ValidationException, match="Can not use both expression and non-expression"):
        batch_get.check_request({"RequestItems": items})


async def test_get_of_missing_and_present_tables(ctx: Context) -> None:
    await create(ctx, "orders")
    with pytest.raises(ResourceNotFoundException):
        await call(
            ctx, "BatchGetItem", RequestItems={"orders": {"Keys": [key("a")]}, "gone": {"Keys": [key("a")]}}
        )


# --- BatchGetItem reads and the response limit --------------------------------------------------------------


@dataclass
class SizedCluster:
    """Answers get_item with an item of a preset size per partition key value (None: no item)."""

    sizes: dict[str, int | None]
    reads: int = 0

    async def get_item(
        self, ns: Namespace, table: str, key: dict[str, Any], consistent: bool
    ) -> StoredItem | None:
        self.reads += 1
        size = self.sizes[key["pk"]["S"]]
        return None if size is None else StoredItem(orjson.dumps(key), size)


def planned(table: str, sent: list[dict[str, Any]], **params: Any) -> batch_get.PlannedRead:
    read = batch_get.TableRead(
        table, {"Keys": sent, **params}, tuple(sent), None, bool(params.get("ConsistentRead"))
    )
    return batch_get.PlannedRead(table, read, tuple(sent))


def sized_context(cluster: SizedCluster) -> Context:
    clock = Clock()
    return Context(NS, cluster, Settings(), clock, "req", "localhost")  # type: ignore[arg-type]


async def test_get_leaves_the_keys_past_the_limit_unprocessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_get, "MAX_RESPONSE_BYTES", 10_000)
    cluster = SizedCluster({"a": 4000, "b": None, "c": 5000, "d": 2000, "e": 10})
    plans = [
        planned("one", [key("a"), key("b"), key("c")], ConsistentRead=True),
        planned("two", [key("d"), key("e")], ProjectionExpression="pk"),
    ]
    response = await batch_get.run_reads(sized_context(cluster), plans, "TOTAL")
    assert [len(items) for items in response["Responses"].values()] == [2, 0]
    assert response["UnprocessedKeys"] == {
        "two": {"ProjectionExpression": "pk", "Keys": [key("d"), key("e")]}
    }
    assert response["ConsumedCapacity"] == [
        {"TableName": "one", "CapacityUnits": 1.0 + 1.0 + 2.0},
        {"TableName": "two", "CapacityUnits": 0.0},
    ]
    assert cluster.reads == 4  # the key that did not fit was read, nothing after it


@given(st.lists(st.one_of(st.none(), st.integers(0, 400)), min_size=1, max_size=30), st.integers(0, 2000))
def test_get_returns_a_prefix_that_fits(sizes: list[int | None], limit: int) -> None:
    batch_get_limit = batch_get.MAX_RESPONSE_BYTES
    batch_get.MAX_RESPONSE_BYTES = limit
    try:
        cluster = SizedCluster({str(i): size for i, size in enumerate(sizes)})
        keys = [key(str(i)) for i in range(len(sizes))]
        response = asyncio.run(batch_get.run_reads(sized_context(cluster), [planned("t", keys)], None))
    finally:
        batch_get.MAX_RESPONSE_BYTES = batch_get_limit
    left = response["UnprocessedKeys"].get("t", {}).get("Keys", [])
    done = len(keys) - len(left)
    assert left == keys[done:]
    within = [size or 0 for size in sizes[:done]]
    assert sum(within) <= limit
    if left:
        assert sum(within) + (sizes[done] or 0) > limit
    assert len(response["Responses"]["t"]) == sum(size is not None for size in sizes[:done])


# --- BatchWriteItem -----------------------------------------------------------------------------------------


def test_write_counts_requests_after_checking_values() -> None:
    requests = [{"PutRequest": {"Item": key(str(i))}} for i in range(13)]
    bad = [*requests[:12], {"PutRequest": {"Item": {**key("x"), "n": {"N": "x"}}}}]
    with pytest.raises(ValidationException, match="cannot be converted to a numeric value: x"):
        batch_write.check_request({"RequestItems": {"one": requests, "two": bad}})
    with pytest.raises(ValidationException, match=batch_write.TOO_MANY_WRITES):
        batch_write.check_request({"RequestItems": {"one": requests, "two": requests}})


async def test_write_checks_every_table_before_writing(ctx: Context) -> None:
    await create(ctx, "orders")
    with pytest.raises(ResourceNotFoundException):
        await call(
            ctx,
            "BatchWriteItem",
            RequestItems={
                "orders": [{"PutRequest": {"Item": key("a")}}],
                "gone": [{"DeleteRequest": {"Key": key("a")}}],
            },
        )
    assert await ctx.cluster.get_item(NS, "orders", key("a")) is None


async def test_write_then_get_across_partitions(ctx: Context) -> None:
    await create(ctx, "orders")
    items = [{**key(f"p{i}", str(i)), "v": {"S": "x" * i}} for i in range(20)]
    response = await call(
        ctx,
        "BatchWriteItem",
        RequestItems={"orders": [{"PutRequest": {"Item": item}} for item in items]},
        ReturnConsumedCapacity="TOTAL",
    )
    assert response == {
        "UnprocessedItems": {},
        "ConsumedCapacity": [{"TableName": "orders", "CapacityUnits": 20.0}],
    }
    keys = [key(f"p{i}", str(i)) for i in range(20)]
    found = await call(ctx, "BatchGetItem", RequestItems={"orders": {"Keys": keys, "ConsistentRead": True}})
    assert found["Responses"]["orders"] == items  # request order, locally
    assert found["UnprocessedKeys"] == {}


async def test_write_item_collection_metrics_per_write(ctx: Context) -> None:
    await create(ctx, "indexed", local_index=True)
    await create(ctx, "plain")
    response = await call(
        ctx,
        "BatchWriteItem",
        RequestItems={
            "plain": [{"PutRequest": {"Item": key("a")}}],
            "indexed": [
                {"PutRequest": {"Item": {**key("a"), "l": {"S": "x"}}}},
                {"DeleteRequest": {"Key": key("b")}},
            ],
        },
        ReturnItemCollectionMetrics="SIZE",
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ItemCollectionMetrics"] == {
        "indexed": [
            {"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]},
            {"ItemCollectionKey": {"pk": {"S": "b"}}, "SizeEstimateRangeGB": [0.0, 1.0]},
        ]
    }
    assert [entry["TableName"] for entry in response["ConsumedCapacity"]] == ["plain", "indexed"]
    assert response["ConsumedCapacity"][1]["LocalSecondaryIndexes"] == {"by_l": {"CapacityUnits": 1.0}}
