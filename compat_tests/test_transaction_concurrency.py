"""Many clients transferring between accounts with TransactWriteItems, across partitions.

Money is never created or lost: the sum of the balances never changes, every read transaction sees a
consistent snapshot (never half of a transfer), and every transfer the server reports as done is in the
final balances while every one it reports as cancelled (condition failed, or a conflict with a transfer
in flight) is not. A conflict is always reported, never silently lost.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, localddb_client

ACCOUNTS = 10
OPENING = 100
CLIENTS = 6
TRANSFERS_PER_CLIENT = 25


def _account(number: int) -> dict[str, Any]:
    return {"pk": {"S": f"account-{number}"}}


def _open_accounts(client: Any, table: str) -> None:
    for number in range(ACCOUNTS):
        client.put_item(TableName=table, Item={**_account(number), "balance": {"N": str(OPENING)}})


def _transfer(client: Any, table: str, source: int, target: int, amount: int) -> str:
    """Move `amount` from `source` to `target`; "done", or the cancellation reason codes joined."""
    value = {":x": {"N": str(amount)}}
    try:
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": _account(source),
                        "UpdateExpression": "SET balance = balance - :x",
                        "ConditionExpression": "balance >= :x",
                        "ExpressionAttributeValues": value,
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": _account(target),
                        "UpdateExpression": "SET balance = balance + :x",
                        "ExpressionAttributeValues": value,
                    }
                },
            ]
        )
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException", error.response
        codes = [reason["Code"] for reason in error.response["CancellationReasons"]]
        assert set(codes) <= {"None", "ConditionalCheckFailed", "TransactionConflict"}, codes
        assert set(codes) != {"None"}, "a cancellation names at least one reason"
        return ",".join(codes)
    return "done"


def _balances(client: Any, table: str) -> list[int] | None:
    """Every balance read in one TransactGetItems; None when it conflicted with a transfer in flight."""
    try:
        response = client.transact_get_items(
            TransactItems=[{"Get": {"TableName": table, "Key": _account(n)}} for n in range(ACCOUNTS)]
        )
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException", error.response
        codes = {reason["Code"] for reason in error.response["CancellationReasons"]}
        assert codes <= {"None", "TransactionConflict"}, codes
        return None
    return [int(entry["Item"]["balance"]["N"]) for entry in response["Responses"]]


def _run_transfers(make_client: Any, table: str, seed: int) -> tuple[list[int], dict[str, int]]:
    """Run the clients; the expected final balances (from the transfers reported done) and outcomes."""

    def work(worker: int) -> list[tuple[int, int, int, str]]:
        client = make_client()
        rng = random.Random(seed * 100 + worker)
        log = []
        for round_ in range(TRANSFERS_PER_CLIENT):
            if worker == 0 and round_ % 2 == 0:
                balances = _balances(client, table)
                assert balances is None or sum(balances) == ACCOUNTS * OPENING, balances
            source, target = rng.sample(range(ACCOUNTS), 2)
            amount = rng.randint(1, 30)
            log.append((source, target, amount, _transfer(client, table, source, target, amount)))
        return log

    with ThreadPoolExecutor(CLIENTS) as pool:
        logs = list(pool.map(work, range(CLIENTS)))
    expected = [OPENING] * ACCOUNTS
    outcomes: dict[str, int] = {}
    for log in logs:
        for source, target, amount, outcome in log:
            kind = (
                "done"
                if outcome == "done"
                else "conflict"
                if "TransactionConflict" in outcome
                else "condition"
            )
            outcomes[kind] = outcomes.get(kind, 0) + 1
            if outcome == "done":
                expected[source] -= amount
                expected[target] += amount
    return expected, outcomes


def _final_balances(client: Any, table: str) -> list[int]:
    return [
        int(client.get_item(TableName=table, Key=_account(n), ConsistentRead=True)["Item"]["balance"]["N"])
        for n in range(ACCOUNTS)
    ]


@pytest.mark.requires_operation("TransactWriteItems")
def test_concurrent_transfers_keep_the_sum_and_lose_nothing(target: Target, hash_table: str) -> None:
    client = target.client()
    _open_accounts(client, hash_table)
    expected, outcomes = _run_transfers(target.client, hash_table, seed=1)
    final = _final_balances(client, hash_table)
    assert sum(final) == ACCOUNTS * OPENING
    assert final == expected, outcomes
    assert outcomes.get("done", 0) > 0
    assert min(final) >= 0


@pytest.mark.localddb_only("--transaction-hold is a localddb option")
@pytest.mark.requires_operation("TransactWriteItems")
def test_transfers_held_in_flight_conflict_and_are_reported(target: Target) -> None:
    """With each transaction holding its items for a while (`--transaction-hold`), concurrent transfers
    on the same accounts must conflict, and each conflict is reported."""
    with localddb_client("--transaction-hold", "20") as client:
        client.create_table(
            TableName="accounts",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        _open_accounts(client, "accounts")
        held = replace(target, endpoint_url=client.meta.endpoint_url, server=None)
        expected, outcomes = _run_transfers(held.client, "accounts", seed=2)
        final = _final_balances(client, "accounts")
        assert sum(final) == ACCOUNTS * OPENING
        assert final == expected, outcomes
        assert outcomes.get("conflict", 0) > 0, outcomes
        assert outcomes.get("done", 0) > 0, outcomes
