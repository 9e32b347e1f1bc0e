"""TransactWriteItems and TransactGetItems below the wire: the reasons and which errors fail the request,
the order of the checks, the payload figure, commit_transaction for any planned list, capacity, item
collection metrics, token repeats, and BatchWriteItem leaving a held item unprocessed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from app.clock import Clock
from app.errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    TransactionCanceledException,
    ValidationException,
)
from app.operations.item_writes import ItemWrite, PutAction
from app.operations.registry import REGISTRY, Context
from app.operations.transact_plan import check_write_request
from app.operations.transact_reasons import cancellation, is_request_error, reason_of
from app.operations.transact_write import PlannedWrite, check_distinct_items, commit_transaction
from app.settings import Settings
from storage import Cluster
from storage.api import ItemCollectionTooLarge, Namespace, StorageConfig, TransactionConflict

NS = Namespace("123456789012", "eu-west-1")
TABLE = "accounts"


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    config = StorageConfig(None, clock.now, partitions_per_table=4, transaction_hold=0.2)
    cluster = await Cluster.open(config)
    context = Context(NS, cluster, Settings(), clock, "req", "localhost")
    await call(
        context,
        "CreateTable",
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield context
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    response: dict[str, Any] = await REGISTRY[operation](request, ctx)
    decoded: dict[str, Any] = orjson.loads(orjson.dumps(response))
    return decoded


def s(text: str) -> dict[str, str]:
    return {"S": text}


def put(pk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {"pk": s(pk)}, **extra}}


def check(pk: str, condition: str) -> dict[str, Any]:
    return {"ConditionCheck": {"TableName": TABLE, "Key": {"pk": s(pk)}, "ConditionExpression": condition}}


async def stored(ctx: Context, pk: str) -> dict[str, Any] | None:
    found = await ctx.cluster.get_item(NS, TABLE, {"pk": s(pk)})
    return None if found is None else orjson.loads(found.data)


# --- reasons ----------------------------------------------------------------------------------------------


def test_reasons_in_aws_wire_form() -> None:
    old = {"pk": s("a")}
    assert reason_of(None) == {"Code": "None"}
    assert reason_of(TransactionConflict("t")) == {
        "Code": "TransactionConflict",
        "Message": "Transaction is ongoing for the item",
    }
    assert reason_of(ItemCollectionTooLarge("x")) == {
        "Code": "ItemCollectionSizeLimitExceeded",
        "Message": "Collection size exceeded",
    }
    failed = ConditionalCheckFailedException("The conditional request failed", Item=old)
    assert reason_of(failed) == {"Code": "ConditionalCheckFailed", "Item": old, "Message": failed.message}
    assert reason_of(ValidationException("bad")) == {"Code": "ValidationError", "Message": "bad"}
    with pytest.raises(RuntimeError):
        reason_of(RuntimeError("a bug"))


def test_request_level_errors_are_told_apart_by_their_wording() -> None:
    assert is_request_error(ValidationException("One or more parameter values are not valid. The Attri…"))
    assert is_request_error(ValidationException("Key attributes must be scalars; list random access …"))
    assert not is_request_error(ValidationException("One or more parameter values were invalid: Type …"))
    assert not is_request_error(ValidationException("The provided key element does not match the schema"))
    empty_index_key = ValidationException(
        "One or more parameter values are not valid. The update expression …"
    )
    assert cancellation([None, empty_index_key]) is empty_index_key
    error = cancellation([None, ValidationException("x")])
    assert isinstance(error, TransactionCanceledException)
    assert error.message.endswith("specific reasons [None, ValidationError]")


# --- checks -----------------------------------------------------------------------------------------------


def test_payload_counts_items_keys_expressions_names_and_values() -> None:
    update = {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": s("abcd")},
            "UpdateExpression": "SET #a = :a",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeNames": {"#a": "abc"},
            "ExpressionAttributeValues": {":a": s("12345")},
        }
    }
    checked = check_write_request({"TransactItems": [put("abcd"), update]})
    # The put: its item (6). The update: key 6 + 11 + 20 (expressions) + 3 (a name) + 5 (a value).
    assert [action.payload for action in checked] == [6, 45]


def test_table_names_are_checked_first_and_together() -> None:
    request = {"TransactItems": [{}, put("a"), {"Delete": {"TableName": "x!", "Key": {"pk": s("a")}}}]}
    with pytest.raises(ValidationException) as raised:
        check_write_request(request)
    assert raised.value.message == (
        "2 validation errors detected: Value 'x!' at 'transactItems.3.member.delete.tableName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'x!' at "
        "'transactItems.3.member.delete.tableName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 3"
    )


# --- commit_transaction ---------------------------------------------------------------------------------


async def test_commit_transaction_refuses_one_item_twice(ctx: Context) -> None:
    meta = await ctx.cluster.get_table(NS, TABLE)
    key = {"pk": s("a")}
    write = ItemWrite(key, PutAction(key, 2))
    with pytest.raises(ValidationException) as raised:
        await commit_transaction(ctx, [PlannedWrite(meta, key, write, "Put")] * 2)
    assert raised.value.message == "Transaction request cannot include multiple operations on one item"
    check_distinct_items([(meta, {"pk": s("a")}), (meta, {"pk": s("b")})])
    assert await stored(ctx, "a") is None


async def test_commit_transaction_applies_all(ctx: Context) -> None:
    meta = await ctx.cluster.get_table(NS, TABLE)
    planned = [
        PlannedWrite(meta, {"pk": s(pk)}, ItemWrite({"pk": s(pk)}, PutAction({"pk": s(pk)}, 2)), "Put")
        for pk in ("a", "b", "c")
    ]
    results = await commit_transaction(ctx, planned)
    assert [result.outcome.new_item for result in results] == [{"pk": s(pk)} for pk in ("a", "b", "c")]
    assert await stored(ctx, "c") == {"pk": s("c")}


# --- the handlers ------------------------------------------------------------------------------------------


async def test_a_missing_table_is_found_before_anything_is_written(ctx: Context) -> None:
    missing = {"Put": {"TableName": "missing", "Item": {"pk": s("b")}}}
    with pytest.raises(ResourceNotFoundException):
        await call(ctx, "TransactWriteItems", TransactItems=[put("a"), missing])
    assert await stored(ctx, "a") is None


async def test_cancellation_carries_the_old_item(ctx: Context) -> None:
    await call(ctx, "PutItem", TableName=TABLE, Item={"pk": s("a"), "v": s("old")})
    with pytest.raises(TransactionCanceledException) as raised:
        await call(
            ctx,
            "TransactWriteItems",
            TransactItems=[
                put("b"),
                put(
                    "a",
                    ConditionExpression="attribute_not_exists(pk)",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                ),
            ],
        )
    assert raised.value.extra["CancellationReasons"] == [
        {"Code": "None"},
        {
            "Code": "ConditionalCheckFailed",
            "Item": {"pk": s("a"), "v": s("old")},
            "Message": "The conditional request failed",
        },
    ]
    assert await stored(ctx, "b") is None


async def test_capacity_and_a_repeat_that_reads(ctx: Context) -> None:
    big = {"pk": s("big"), "v": s("x" * 5000)}
    request: dict[str, Any] = {
        "TransactItems": [
            {"Put": {"TableName": TABLE, "Item": big}},
            check("big2", "attribute_not_exists(pk)"),
        ],
        "ClientRequestToken": "token-1",
        "ReturnConsumedCapacity": "TOTAL",
    }
    first = await call(ctx, "TransactWriteItems", **request)
    assert first["ConsumedCapacity"] == [{"TableName": TABLE, "CapacityUnits": 12.0}]  # 2 x 5 + 2 x 1
    again = await call(ctx, "TransactWriteItems", **request)
    assert again["ConsumedCapacity"] == [{"TableName": TABLE, "CapacityUnits": 6.0}]  # 2 x 2 + 2 x 1


async def test_transact_get_reads_in_order(ctx: Context) -> None:
    await call(
        ctx, "TransactWriteItems", TransactItems=[put("a", ConditionExpression="attribute_not_exists(pk)")]
    )
    response = await call(
        ctx,
        "TransactGetItems",
        TransactItems=[
            {"Get": {"TableName": TABLE, "Key": {"pk": s("missing")}}},
            {"Get": {"TableName": TABLE, "Key": {"pk": s("a")}}},
        ],
        ReturnConsumedCapacity="INDEXES",
    )
    assert response == {
        "Responses": [{}, {"Item": {"pk": s("a")}}],
        "ConsumedCapacity": [{"TableName": TABLE, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 4.0}}],
    }


async def test_batch_write_leaves_a_held_item_unprocessed(ctx: Context) -> None:
    transaction = asyncio.create_task(call(ctx, "TransactWriteItems", TransactItems=[put("held")]))
    await asyncio.sleep(0.05)  # the transaction now holds its item (transaction_hold 0.2 s)
    response = await call(
        ctx,
        "BatchWriteItem",
        RequestItems={
            TABLE: [{"PutRequest": {"Item": {"pk": s("held")}}}, {"PutRequest": {"Item": {"pk": s("free")}}}]
        },
    )
    assert response == {"UnprocessedItems": {TABLE: [{"PutRequest": {"Item": {"pk": s("held")}}}]}}
    assert await stored(ctx, "free") == {"pk": s("free")}
    await transaction
    assert await stored(ctx, "held") == {"pk": s("held")}
