"""Condition-check-then-write is atomic under concurrent clients: no lost update, one winner."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from compat_tests.conftest import Target

CLIENTS = 8
INCREMENTS_PER_CLIENT = 40


def test_concurrent_increments_lose_no_update(target: Target, hash_table: str) -> None:
    key = {"pk": {"S": f"counter-{uuid.uuid4().hex}"}}
    setup = target.client()
    setup.put_item(TableName=hash_table, Item={**key, "c": {"N": "0"}})

    def increment(_: int) -> int:
        client = target.client()  # one connection pool per worker, as separate processes would have
        for _ in range(INCREMENTS_PER_CLIENT):
            client.update_item(
                TableName=hash_table,
                Key=key,
                UpdateExpression="SET #c = #c + :one",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeNames={"#c": "c"},
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
        return INCREMENTS_PER_CLIENT

    with ThreadPoolExecutor(CLIENTS) as pool:
        done = sum(pool.map(increment, range(CLIENTS)))
    item = setup.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]
    assert item["c"] == {"N": str(done)}


def test_concurrent_conditional_puts_have_one_winner(target: Target, hash_table: str) -> None:
    key = {"pk": {"S": f"race-{uuid.uuid4().hex}"}}

    def claim(worker: int) -> Any:
        client = target.client()
        try:
            client.put_item(
                TableName=hash_table,
                Item={**key, "owner": {"N": str(worker)}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            return error.response["Error"]["Code"]
        return worker

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(claim, range(CLIENTS * 2)))
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    assert all(r == "ConditionalCheckFailedException" for r in results if not isinstance(r, int))
    stored = target.client().get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]
    assert stored["owner"] == {"N": str(winners[0])}
