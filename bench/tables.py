"""Scenario setup through boto3: the client, creating tables, preloading items (one PutItem each for the
single-item scenarios, BatchWriteItem for the larger tables of the query and scan scenarios).

Setup runs once per server before its scenario is measured; it goes through the ordinary DynamoDB API so
it works against any server, and is not timed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config

from bench.signing import ACCESS_KEY, REGION, SECRET_KEY

# DynamoDB's item size counts attribute names and values; bench items are sized to about this.
ITEM_BYTES = 200
PAYLOAD_ATTRIBUTE = "payload"
TABLE_ACTIVE_TIMEOUT_S = 60.0
BATCH_WRITE_LIMIT = 25
BATCH_RETRIES = 10


def client(endpoint_url: str) -> Any:
    """A boto3 DynamoDB client with the benchmark's identity (see bench/signing.py)."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


def create_hash_table(dynamodb: Any, name: str) -> str:
    """An on-demand table keyed by the string `pk`, ACTIVE when this returns; returns its name."""
    return _create_table(dynamodb, name, [("pk", "S", "HASH")])


def create_hash_range_table(dynamodb: Any, name: str) -> str:
    """An on-demand table keyed by the string `pk` and the number `sk`, ACTIVE when this returns."""
    return _create_table(dynamodb, name, [("pk", "S", "HASH"), ("sk", "N", "RANGE")])


def create_indexed_table(dynamodb: Any, name: str) -> str:
    """An on-demand table keyed by the string `pk`, with two global secondary indexes: `by_g` on the
    string `g` (projecting ALL) and `by_h` on the string `h` and `pk` (KEYS_ONLY)."""
    indexes = [
        {
            "IndexName": "by_g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "by_h",
            "KeySchema": [
                {"AttributeName": "h", "KeyType": "HASH"},
                {"AttributeName": "pk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        },
    ]
    return _create_table(
        dynamodb, name, [("pk", "S", "HASH")], [("g", "S"), ("h", "S")], GlobalSecondaryIndexes=indexes
    )


def _create_table(
    dynamodb: Any,
    name: str,
    key: list[tuple[str, str, str]],
    other_attributes: list[tuple[str, str]] | None = None,
    **options: Any,
) -> str:
    definitions = [(a, t) for a, t, _ in key] + (other_attributes or [])
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in definitions],
        KeySchema=[{"AttributeName": a, "KeyType": k} for a, _, k in key],
        BillingMode="PAY_PER_REQUEST",
        **options,
    )
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_S
    while dynamodb.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {name} not ACTIVE after {TABLE_ACTIVE_TIMEOUT_S:.0f}s")
        time.sleep(0.1)
    return name


def payload(key_length: int) -> str:
    """A `payload` value that makes an item with a `pk` of key_length characters about ITEM_BYTES big."""
    return "x" * (ITEM_BYTES - len("pk") - key_length - len(PAYLOAD_ATTRIBUTE))


def put_items(
    dynamodb: Any, table: str, keys: list[str], value: str, extra: Mapping[str, Any] | None = None
) -> None:
    """One PutItem per key (PutItem, not BatchWriteItem: the smallest API a server must have); `extra`
    attributes are stored in every item too."""
    for key in keys:
        item = {"pk": {"S": key}, PAYLOAD_ATTRIBUTE: {"S": value}, **(extra or {})}
        dynamodb.put_item(TableName=table, Item=item)


def batch_put_items(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Store `items` with BatchWriteItem, 25 a request, retrying whatever comes back unprocessed."""
    for start in range(0, len(items), BATCH_WRITE_LIMIT):
        pending: dict[str, Any] = {
            table: [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]
        }
        for _ in range(BATCH_RETRIES):
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"BatchWriteItem left items unprocessed after {BATCH_RETRIES} attempts")
