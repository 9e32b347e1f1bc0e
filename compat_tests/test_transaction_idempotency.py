"""ClientRequestToken of TransactWriteItems: a repeat is answered, not applied again.

AWS's rules (API reference): the same token and request within 10 minutes has the same effect as one
call; another request under the same token is IdempotentParameterMismatchException; a token whose first
call is still running is TransactionInProgressException. DynamoDB Local shows what is compared: the
actions, not ReturnConsumedCapacity or ReturnItemCollectionMetrics, nor the order of attributes; and a
call that failed does not use its token up. The 10-minute window is a unit test (tests/), the call in
flight a localddb-only test (it needs `--transaction-hold`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, n, s
from compat_tests.test_transactions import wait_until_held

Item = dict[str, Any]


@pytest.fixture(scope="module")
def table(target: Target) -> Iterator[str]:
    client = target.client()
    name = create_table(client, unique_name("idem"))
    yield name
    client.delete_table(TableName=name)


def token() -> str:
    return uuid.uuid4().hex


def key() -> Item:
    return {"pk": s(f"idem-{uuid.uuid4().hex[:12]}")}


def increment(table: str, item_key: Item) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": table,
                "Key": item_key,
                "UpdateExpression": "ADD c :one",
                "ExpressionAttributeValues": {":one": n("1")},
            }
        }
    ]


def counter(client: Any, table: str, item_key: Item) -> str:
    item = client.get_item(TableName=table, Key=item_key, ConsistentRead=True)["Item"]
    return str(item["c"]["N"])


def test_a_repeat_is_applied_once(ddb: Any, table: str) -> None:
    item_key, same = key(), token()
    first = ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    again = ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    assert "ConsumedCapacity" not in first and "ConsumedCapacity" not in again
    assert counter(ddb, table, item_key) == "1"
    # A repeat is answered even when the item changed since.
    ddb.put_item(TableName=table, Item={**item_key, "c": n("10")})
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    assert counter(ddb, table, item_key) == "10"
    # Without a token, every call applies.
    ddb.transact_write_items(TransactItems=increment(table, item_key))
    assert counter(ddb, table, item_key) == "11"


def test_a_repeat_may_ask_for_other_response_parameters(ddb: Any, table: str) -> None:
    item_key, same = key(), token()
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    response = ddb.transact_write_items(
        ClientRequestToken=same,
        TransactItems=increment(table, item_key),
        ReturnConsumedCapacity="TOTAL",
        ReturnItemCollectionMetrics="SIZE",
    )
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]
    assert counter(ddb, table, item_key) == "1"


def test_attribute_order_does_not_make_another_request(ddb: Any, table: str) -> None:
    item_key, same = key(), token()
    item = {**item_key, "a": s("1"), "b": s("2")}
    ddb.transact_write_items(
        ClientRequestToken=same, TransactItems=[{"Put": {"TableName": table, "Item": item}}]
    )
    reordered = {"Put": {"Item": dict(reversed(list(item.items()))), "TableName": table}}
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=[reordered])


def test_another_request_under_the_same_token(ddb: Any, table: str) -> None:
    item_key, same = key(), token()
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    code, message = error_of(
        ddb.transact_write_items, ClientRequestToken=same, TransactItems=increment(table, key())
    )
    assert (code, message) == ("IdempotentParameterMismatchException", "")
    assert counter(ddb, table, item_key) == "1"


def test_a_failed_call_does_not_use_its_token(ddb: Any, table: str) -> None:
    item_key, same = key(), token()
    failing = [
        {"ConditionCheck": {"TableName": table, "Key": key(), "ConditionExpression": "attribute_exists(pk)"}}
    ]
    code, _ = error_of(ddb.transact_write_items, ClientRequestToken=same, TransactItems=failing)
    assert code == "TransactionCanceledException"
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
    assert counter(ddb, table, item_key) == "1"


def test_tokens_belong_to_a_region(target: Target, ddb: Any, table: str) -> None:
    same = token()
    ddb.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, key()))
    elsewhere = dataclasses.replace(target, region="eu-west-1").client()
    other_table = create_table(elsewhere, unique_name("idem-eu"))
    try:
        item_key = key()
        elsewhere.transact_write_items(
            ClientRequestToken=same, TransactItems=increment(other_table, item_key)
        )
        assert counter(elsewhere, other_table, item_key) == "1"
    finally:
        elsewhere.delete_table(TableName=other_table)


@pytest.mark.localddb_only("--transaction-hold is a localddb option")
def test_a_token_whose_first_call_is_running(target: Target) -> None:
    with localddb_client("--transaction-hold", "1000") as client:
        table = create_table(client, unique_name("idem-hold"))
        item_key, same = key(), token()
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(
                client.transact_write_items, ClientRequestToken=same, TransactItems=increment(table, item_key)
            )
            wait_until_held(client, table, item_key)
            code, message = error_of(
                client.transact_write_items, ClientRequestToken=same, TransactItems=increment(table, item_key)
            )
            assert (code, message) == (
                "TransactionInProgressException",
                "The transaction with the given request token is already in progress.",
            )
            running.result()
        client.transact_write_items(ClientRequestToken=same, TransactItems=increment(table, item_key))
        assert counter(client, table, item_key) == "1"
