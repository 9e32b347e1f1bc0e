"""A localddb server killed (SIGKILL) in the middle of a TransactWriteItems commit comes back with the
transaction either fully applied or fully absent.

The server is started on a data directory with `--crash-at STEP` (a fault-injection point of the
commit protocol, storage/transactions.py), so it kills itself when a transaction reaches that step. It is
then restarted on the same directory without the option, and every item of the transaction must carry
the same version: the new one when the crash came after the commit point (`decide`), the old one
before it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from compat_tests.conftest import TEST_ACCESS_KEY, TEST_SECRET_KEY, Target
from compat_tests.servers import start_localddb

ITEMS = 6
# (crash point, whether the transaction is applied after restart)
STEPS = [("begin", False), ("prepare:2", False), ("decide", True), ("commit:1", True)]


def _client(server: Any) -> Any:
    return Target("localddb", server.endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY).client()


def _write_all(client: Any, version: int) -> None:
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "txn", "Item": {"pk": {"S": f"k{i}"}, "v": {"N": str(version)}}}}
            for i in range(ITEMS)
        ]
    )


def _versions(client: Any) -> set[str | None]:
    found = set()
    for i in range(ITEMS):
        item = client.get_item(TableName="txn", Key={"pk": {"S": f"k{i}"}}, ConsistentRead=True).get("Item")
        found.add(None if item is None else item["v"]["N"])
    return found


@pytest.mark.localddb_only("--crash-at and restarts on a data directory are localddb's own")
@pytest.mark.requires_operation("TransactWriteItems")
@pytest.mark.parametrize(("step", "applied"), STEPS)
def test_a_server_killed_mid_commit_restarts_all_or_nothing(
    target: Target, tmp_path: Path, step: str, applied: bool
) -> None:
    data = str(tmp_path / "data")
    server = start_localddb("--data-dir", data)
    try:
        client = _client(server)
        client.create_table(
            TableName="txn",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        _write_all(client, 1)
    finally:
        server.stop()
    server = start_localddb("--data-dir", data, "--crash-at", step)
    try:
        with pytest.raises((ConnectionClosedError, EndpointConnectionError, ClientError)):
            _write_all(_client(server), 2)
        assert server.process.wait(timeout=10) == -9
    finally:
        server.stop()
    server = start_localddb("--data-dir", data)
    try:
        assert _versions(_client(server)) == {"2" if applied else "1"}
    finally:
        server.stop()
