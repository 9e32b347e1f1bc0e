"""Differential property test of reads: random items and Query requests, walked page by page on localddb
AND the reference, which must agree on every page.

Hypothesis builds a partition of items (numeric sort keys across signs and scales, a string key of a
local index with non-ASCII characters, a binary key of a global index, sometimes absent so the indexes
are sparse) and a Query on the table, the local index or the global index: a random sort-key condition,
direction, Limit and sometimes a filter. Both servers hold the same items under a fresh partition key and
walk the same pages with ExclusiveStartKey; every page's items (in order), Count, ScannedCount and
LastEvaluatedKey must be equal. Numbers are written in canonical form (DynamoDB Local keeps numbers as
written in some places; see test_differential.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compat_tests.conftest import create_table, unique_name
from compat_tests.helpers import put_all

SORT_KEYS = ["-100", "-10.5", "-1", "-0.01", "0", "0.001", "0.5", "1", "2", "10", "99.99", "100", "1E+20"]
# In DynamoDB's order: numbers by value, strings by their UTF-8 bytes (BETWEEN bounds are drawn in order).
LOCAL_KEYS = sorted(
    ["a", "ab", "abc", "b", "B", "\u00e9", "\u00e9t\u00e9", "\U0001f600", "z"], key=str.encode
)
OPERATORS = ["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"]


def _attributes(draw: st.DrawFn, sk: str, local_key: str, group: bytes) -> dict[str, Any]:
    item: dict[str, Any] = {"sk": {"N": sk}}
    if draw(st.booleans()):
        item["l"] = {"S": local_key}
    if draw(st.integers(0, 3)):
        item["g"] = {"B": group + draw(st.sampled_from([b"\x00", b"\x01"]))}
    if draw(st.booleans()):
        item["x"] = {"N": draw(st.sampled_from(["1", "2", "3"]))}
    return item


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    group = uuid.uuid4().bytes[:6]
    sort_keys = draw(st.lists(st.sampled_from(SORT_KEYS), min_size=0, max_size=10, unique=True))
    # Index keys are unique within the partition: AWS orders entries with equal index keys arbitrarily.
    local_keys = draw(st.permutations(LOCAL_KEYS))
    items = [_attributes(draw, sk, local, group) for sk, local in zip(sort_keys, local_keys, strict=False)]
    source = draw(st.sampled_from(["table", "by_l", "by_g"]))
    values: dict[str, Any] = {}
    if source == "by_g":
        key_condition = "g = :h"
        values[":h"] = {"B": group + draw(st.sampled_from([b"\x00", b"\x01"]))}
        range_name, pool, kind = "sk", SORT_KEYS, "N"
    else:
        key_condition = "pk = :h"  # the partition key value is filled in per server
        range_name, pool, kind = ("sk", SORT_KEYS, "N") if source == "table" else ("l", LOCAL_KEYS, "S")
    operator = draw(st.sampled_from([None, *(OPERATORS if kind == "S" else OPERATORS[:-1])]))
    if operator == "BETWEEN":
        low, high = sorted(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2)), key=pool.index)
        values[":lo"], values[":hi"] = {kind: low}, {kind: high}
        key_condition += f" AND {range_name} BETWEEN :lo AND :hi"
    elif operator == "begins_with":
        values[":r"] = {kind: draw(st.sampled_from(["a", "\u00e9", "b", "\U0001f600"]))}
        key_condition += f" AND begins_with({range_name}, :r)"
    elif operator is not None:
        values[":r"] = {kind: draw(st.sampled_from(pool))}
        key_condition += f" AND {range_name} {operator} :r"
    params: dict[str, Any] = {"KeyConditionExpression": key_condition, "ExpressionAttributeValues": values}
    if source != "table":
        params["IndexName"] = source
    if draw(st.booleans()):
        params["ScanIndexForward"] = False
    if draw(st.booleans()):
        params["Limit"] = draw(st.integers(1, 4))
    if draw(st.booleans()):
        params["FilterExpression"] = "attribute_not_exists(x) OR x < :x"
        values[":x"] = {"N": "3"}
    return items, params


@dataclass
class Endpoint:
    client: Any
    table: str


def walk(endpoint: Endpoint, items: list[dict[str, Any]], params: dict[str, Any]) -> list[Any]:
    """Store the items under a fresh partition key; the pages of the Query, partition key left out."""
    pk = {"S": f"reads-{uuid.uuid4().hex}"}
    if items:
        put_all(endpoint.client, endpoint.table, [{"pk": pk, **item} for item in items])
    values = dict(params["ExpressionAttributeValues"])
    if params["KeyConditionExpression"].startswith("pk"):
        values[":h"] = pk
    pages: list[Any] = []
    start = None
    while True:
        request = {**params, "ExpressionAttributeValues": values}
        if start is not None:
            request["ExclusiveStartKey"] = start
        response = endpoint.client.query(TableName=endpoint.table, **request)
        start = response.get("LastEvaluatedKey")
        strip = [{k: v for k, v in item.items() if k != "pk"} for item in response["Items"]]
        last = None if start is None else {k: v for k, v in start.items() if k != "pk"}
        pages.append((strip, response["Count"], response["ScannedCount"], last))
        if start is None or len(pages) > 20:
            return pages


@pytest.fixture(scope="module")
def endpoints(differential_clients: tuple[Any, Any]) -> Iterator[tuple[Endpoint, Endpoint]]:
    pair = []
    for client in differential_clients:
        table = create_table(
            client,
            unique_name("differential-reads"),
            range_key=("sk", "N"),
            AttributeDefinitions=[
                {"AttributeName": a, "AttributeType": t}
                for a, t in (("pk", "S"), ("sk", "N"), ("l", "S"), ("g", "B"))
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_l",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "l", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
                }
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]},
                }
            ],
        )
        pair.append(Endpoint(client, table))
    yield pair[0], pair[1]
    for endpoint in pair:
        endpoint.client.delete_table(TableName=endpoint.table)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_query_pages_agree_with_the_reference(
    endpoints: tuple[Endpoint, Endpoint], case: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    items, params = case
    local, reference = endpoints
    expected = without_empty_last_page(walk(reference, items, params))
    assert without_empty_last_page(walk(local, items, params)) == expected


def without_empty_last_page(pages: list[Any]) -> list[Any]:
    """Pages with a trailing empty page folded into the one before. When Limit stops a page on the last
    item, AWS (and localddb) still returns a LastEvaluatedKey and the next page is empty; DynamoDB Local
    sometimes peeks ahead and returns none (its documented deviation, see test_query.py)."""
    if len(pages) > 1 and pages[-1] == ([], 0, 0, None):
        items, count, scanned, _ = pages[-2]
        return [*pages[:-2], (items, count, scanned, None)]
    return pages
