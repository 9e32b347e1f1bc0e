"""The controllable clock: `--clock-offset S` and, with `--admin`, the admin route `/_localddb/clock`
(GET reads the server's time, POST `{"advance": S}` or `{"set": EPOCH}` moves it forward), plus
`POST /_localddb/ttl/sweep`, which runs a TTL sweep at once.

These are localddb features (no AWS counterpart). Without `--admin` the admin paths are ordinary
DynamoDB requests: the server's answers there are those it gives on any other path.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import RawClient, Target, localddb_client, unique_name
from compat_tests.helpers import admin_call, n, s

OFFSET = 86400.0
ONLY = "the admin routes and --clock-offset are localddb options"


class AdminClient:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.base = client.meta.endpoint_url

    def call(self, path: str, body: Any = None, method: str | None = None) -> tuple[int, Any]:
        return admin_call(self.base, path, body, method)


@pytest.fixture(scope="module")
def admin(target: Target) -> Iterator[AdminClient]:
    with localddb_client("--admin", "--clock-offset", str(OFFSET), "--ttl-interval", "0") as client:
        yield AdminClient(client)


@pytest.mark.localddb_only(ONLY)
def test_the_clock_starts_at_the_offset(admin: AdminClient) -> None:
    before = time.time()
    status, answer = admin.call("/_localddb/clock")
    assert status == 200
    assert answer["offset"] >= OFFSET
    assert before + OFFSET <= answer["now"] <= time.time() + answer["offset"]


@pytest.mark.localddb_only(ONLY)
def test_advancing_and_setting_move_the_clock_forward(admin: AdminClient) -> None:
    offset = admin.call("/_localddb/clock")[1]["offset"]
    status, answer = admin.call("/_localddb/clock", {"advance": 90})
    assert status == 200
    assert answer["offset"] == pytest.approx(offset + 90)
    target = answer["now"] + 1000
    status, answer = admin.call("/_localddb/clock", {"set": target})
    assert status == 200
    assert target <= answer["now"] < target + 5


@pytest.mark.localddb_only(ONLY)
@pytest.mark.parametrize(
    "body",
    [{"advance": -1}, {"set": 0}, {"advance": "1"}, {"advance": True}, {"pause": 1}, {}, [1], b"{"],
    ids=["backwards", "set-backwards", "text", "boolean", "unknown", "empty", "list", "not-json"],
)
def test_bad_clock_requests_are_refused(admin: AdminClient, body: Any) -> None:
    before = admin.call("/_localddb/clock")[1]["offset"]
    status, answer = admin.call("/_localddb/clock", body)
    assert status == 400
    assert answer["message"]
    assert admin.call("/_localddb/clock")[1]["offset"] == before


@pytest.mark.localddb_only(ONLY)
def test_unknown_admin_paths_and_methods(admin: AdminClient) -> None:
    assert admin.call("/_localddb/nothing")[0] == 404
    assert admin.call("/_localddb/ttl/sweep")[0] == 405  # GET
    assert admin.call("/_localddb/clock", method="DELETE")[0] == 405


@pytest.mark.localddb_only(ONLY)
def test_tables_and_items_live_in_the_servers_time(admin: AdminClient) -> None:
    client = admin.client
    name = unique_name("clock")
    created = client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    now = admin.call("/_localddb/clock")[1]["now"]
    assert abs(created["TableDescription"]["CreationDateTime"].timestamp() - now) < 5
    client.delete_table(TableName=name)


@pytest.mark.localddb_only(ONLY)
def test_a_sweep_on_demand_deletes_what_has_expired(admin: AdminClient) -> None:
    client = admin.client
    name = unique_name("clock-sweep")
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ttl = {"Enabled": True, "AttributeName": "ttl"}
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    now = admin.call("/_localddb/clock")[1]["now"]
    client.put_item(TableName=name, Item={"pk": s("gone"), "ttl": n(str(int(now) - 1))})
    client.put_item(TableName=name, Item={"pk": s("kept"), "ttl": n(str(int(now) + 60))})
    # This server sweeps only on demand (--ttl-interval 0): an expired item is still served.
    assert "Item" in client.get_item(TableName=name, Key={"pk": s("gone")})
    status, answer = admin.call("/_localddb/ttl/sweep", {})
    assert status == 200
    assert answer["deleted"] == 1
    assert answer["tables"] >= 1
    assert "Item" not in client.get_item(TableName=name, Key={"pk": s("gone")})
    assert "Item" in client.get_item(TableName=name, Key={"pk": s("kept")})
    client.delete_table(TableName=name)


@pytest.mark.localddb_only("without --admin the admin paths are DynamoDB's")
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_without_admin_the_paths_are_ordinary_requests(raw: RawClient, method: str) -> None:
    admin_path = raw.request(None, b"{}", method=method, path="/_localddb/clock")
    other_path = raw.request(None, b"{}", method=method, path="/some/other/path")
    assert admin_path.status == other_path.status
    assert admin_path.body == other_path.body
