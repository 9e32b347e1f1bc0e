"""With `--status-delay`, tables pass through CREATING / UPDATING / DELETING as on AWS, so boto3's
waiters really wait."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, localddb_client, unique_name

DELAY = 1.0


@pytest.fixture(scope="module")
def slow_tables() -> Iterator[Any]:
    with localddb_client("--status-delay", str(DELAY)) as client:
        yield client


@pytest.mark.localddb_only("--status-delay is a localddb option")
def test_waiters_see_creating_updating_and_deleting(target: Target, slow_tables: Any) -> None:
    client = slow_tables
    name = unique_name("status")
    started = time.monotonic()
    created = client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    assert created["TableDescription"]["TableStatus"] == "CREATING"
    with pytest.raises(ClientError) as caught:  # items are not served while the table is CREATING
        client.put_item(TableName=name, Item={"pk": {"S": "early"}})
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    assert time.monotonic() - started >= DELAY * 0.9
    assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"

    updated = client.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
    )
    assert updated["TableDescription"]["TableStatus"] == "UPDATING"
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})

    deleted = client.delete_table(TableName=name)
    assert deleted["TableDescription"]["TableStatus"] == "DELETING"
    assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "DELETING"
    client.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    with pytest.raises(ClientError) as gone:
        client.describe_table(TableName=name)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
