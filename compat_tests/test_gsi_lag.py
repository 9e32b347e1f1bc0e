"""`--gsi-lag MS`: global secondary indexes that trail their table, as on AWS.

By default localddb updates a global index before the write returns (as DynamoDB Local does, so tests
are not flaky). With `--gsi-lag` the index is fed from the table's log asynchronously, so a Query on the
index right after a write does not see it yet, and does once the lag has passed; the table itself and
local indexes are always up to date.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import s

LAG_MS = 400


@pytest.fixture(scope="module")
def lagging(target: Target) -> Iterator[Any]:
    with localddb_client("--gsi-lag", str(LAG_MS)) as client:
        yield client


def _query(ddb: Any, table: str, value: str) -> list[Any]:
    items: list[Any] = ddb.query(
        TableName=table,
        IndexName="by_g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": s(value)},
    )["Items"]
    return items


@pytest.mark.localddb_only("--gsi-lag is a localddb option")
def test_global_index_trails_the_table_by_the_lag(lagging: Any) -> None:
    ddb = lagging
    table = create_table(
        ddb,
        unique_name("lag"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "g")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    written = time.monotonic()
    ddb.put_item(TableName=table, Item={"pk": s("a"), "g": s("G")})
    assert ddb.get_item(TableName=table, Key={"pk": s("a")})["Item"]["g"] == s("G")
    assert _query(ddb, table, "G") == []
    while not _query(ddb, table, "G"):
        assert time.monotonic() - written < 10, "the index never caught up"
        time.sleep(0.02)
    assert time.monotonic() - written >= LAG_MS / 1000 * 0.9
    # A change of the index key moves the entry only after the lag too.
    ddb.put_item(TableName=table, Item={"pk": s("a"), "g": s("H")})
    assert len(_query(ddb, table, "G")) == 1 and _query(ddb, table, "H") == []
    deadline = time.monotonic() + 10
    while _query(ddb, table, "G") or not _query(ddb, table, "H"):
        assert time.monotonic() < deadline, "the index never caught up"
        time.sleep(0.02)
