"""The ClientRequestToken store: repeats, mismatches, calls in flight, failures, namespaces and the
10-minute window on the server's clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.clock import Clock
from app.errors import IdempotentParameterMismatchException, TransactionInProgressException
from app.operations.idempotency import WINDOW_SECONDS, IdempotencyStore, fingerprint, idempotent
from app.operations.registry import Context
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
OTHER_NS = Namespace("123456789012", "us-west-2")
REQUEST = {"TransactItems": [{"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}}]}


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield Context(NS, cluster, Settings(), clock, "req", "localhost")
    await cluster.close()


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def run(self) -> int:
        self.calls += 1
        return self.calls


def test_fingerprint_ignores_response_parameters_and_attribute_order() -> None:
    reordered = {"TransactItems": [{"Put": {"Item": {"v": {"N": "1"}, "pk": {"S": "a"}}, "TableName": "t"}}]}
    shaped = {**reordered, "ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "SIZE"}
    assert (
        fingerprint(REQUEST) == fingerprint(reordered) == fingerprint({**shaped, "ClientRequestToken": "x"})
    )
    changed = {"TransactItems": [{"Put": {"TableName": "t", "Item": {"pk": {"S": "a"}, "v": {"N": "2"}}}}]}
    assert fingerprint(REQUEST) != fingerprint(changed)


async def test_without_a_token_every_call_runs(ctx: Context) -> None:
    counter = Counter()
    assert await idempotent(ctx, "Op", None, REQUEST, counter.run) == (1, False)
    assert await idempotent(ctx, "Op", None, REQUEST, counter.run) == (2, False)
    assert len(ctx.idempotency) == 0


async def test_a_repeat_returns_the_first_result(ctx: Context) -> None:
    counter = Counter()
    assert await idempotent(ctx, "Op", "t1", REQUEST, counter.run) == (1, False)
    assert await idempotent(ctx, "Op", "t1", {**REQUEST, "ReturnConsumedCapacity": "TOTAL"}, counter.run) == (
        1,
        True,
    )
    assert counter.calls == 1


async def test_another_request_under_the_token(ctx: Context) -> None:
    counter = Counter()
    await idempotent(ctx, "Op", "t1", REQUEST, counter.run)
    with pytest.raises(IdempotentParameterMismatchException):
        await idempotent(ctx, "Op", "t1", {"TransactItems": []}, counter.run)
    assert counter.calls == 1
    # Each operation has its own tokens.
    assert await idempotent(ctx, "OtherOp", "t1", {"TransactItems": []}, counter.run) == (2, False)


async def test_tokens_belong_to_a_namespace(ctx: Context) -> None:
    counter = Counter()
    await idempotent(ctx, "Op", "t1", REQUEST, counter.run)
    elsewhere = Context(OTHER_NS, ctx.cluster, ctx.settings, ctx.clock, "req", "localhost", ctx.idempotency)
    assert await idempotent(elsewhere, "Op", "t1", {"TransactItems": []}, counter.run) == (2, False)


async def test_a_call_in_flight(ctx: Context) -> None:
    release = asyncio.Event()

    async def slow() -> str:
        await release.wait()
        return "done"

    first = asyncio.create_task(idempotent(ctx, "Op", "t1", REQUEST, slow))
    await asyncio.sleep(0)
    with pytest.raises(TransactionInProgressException) as raised:
        await idempotent(ctx, "Op", "t1", REQUEST, slow)
    assert raised.value.message == "The transaction with the given request token is already in progress."
    with pytest.raises(IdempotentParameterMismatchException):
        await idempotent(ctx, "Op", "t1", {"TransactItems": []}, slow)
    release.set()
    assert await first == ("done", False)
    assert await idempotent(ctx, "Op", "t1", REQUEST, slow) == ("done", True)


async def test_a_failed_call_leaves_no_trace(ctx: Context) -> None:
    async def failing() -> Any:
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        await idempotent(ctx, "Op", "t1", REQUEST, failing)
    counter = Counter()
    assert await idempotent(ctx, "Op", "t1", {"TransactItems": []}, counter.run) == (1, False)


async def test_the_window_is_ten_minutes_after_completion(ctx: Context) -> None:
    assert isinstance(ctx.clock, Clock)
    counter = Counter()
    await idempotent(ctx, "Op", "t1", REQUEST, counter.run)
    ctx.clock.advance(WINDOW_SECONDS - 1)
    assert await idempotent(ctx, "Op", "t1", REQUEST, counter.run) == (1, True)
    ctx.clock.advance(1)
    assert await idempotent(ctx, "Op", "t1", {"TransactItems": []}, counter.run) == (2, False)
    assert len(ctx.idempotency) == 1


def test_expiry_forgets_only_what_is_due() -> None:
    store = IdempotencyStore(window=10)
    first, second = (NS, "Op", "a"), (NS, "Op", "b")
    store.begin(first, b"1")
    store.complete(first, "one", now=100)
    store.begin(second, b"2")
    store.complete(second, "two", now=105)
    store.expire(109)
    assert len(store) == 2
    store.expire(110)
    assert len(store) == 1
    assert store.lookup(second, b"2") is not None
    # A token used again after expiry starts a new window; the stale queue entry does not drop it.
    store.begin(first, b"3")
    store.complete(first, "three", now=111)
    store.expire(116)
    assert store.lookup(first, b"3") is not None
    store.expire(121)
    assert len(store) == 0
