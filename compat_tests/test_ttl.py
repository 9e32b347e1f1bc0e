"""Time to live: UpdateTimeToLive / DescribeTimeToLive and the deletion of expired items.

AWS's rules (recorded against AWS: the messages below, and that the content checks come before the
cooldown): enabling twice is "TimeToLive is already enabled", disabling a table without TTL "TimeToLive
is already disabled", naming another attribute while TTL is on "TimeToLive is active on a different
AttributeName: current AttributeName is X" (DynamoDB Local stops after "AttributeName"), and any change
within the cooldown after the last one (documented as one hour) "Time to live has been modified multiple
times within a fixed interval" (DynamoDB Local has no cooldown). The partition key may be the TTL
attribute. Expired items are deleted in the background (on AWS within days, so those tests are skipped
there), from the table and its indexes; expiries that are not Numbers or lie more than five years in the
past are ignored.

The localddb-only tests at the end use a server of their own with `--admin` (the clock route) and
`--status-delay`, so that ENABLING/DISABLING, the cooldown and expiry can be seen without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from compat_tests.conftest import MakeTable, RawClient, Target, create_table, localddb_client, unique_name
from compat_tests.helpers import advance_clock, clock_now, error_of, n, s, validation

ATTRIBUTE = "expires"
NO_COOLDOWN = "DynamoDB Local has no cooldown between two changes of a table's TTL"
SHORT_MESSAGE = "DynamoDB Local omits ': current AttributeName is X' from the message"
RNF_WORDING = "DynamoDB Local says 'Cannot do operations on a non-existent table'"
OWN_MESSAGES = "DynamoDB Local words request validation errors its own way"
COOLDOWN = "Time to live has been modified multiple times within a fixed interval"


def settled(ddb: Any, table: str, timeout: float = 30.0) -> dict[str, Any]:
    """The table's TimeToLiveDescription once it is no longer ENABLING or DISABLING."""
    deadline = time.monotonic() + timeout
    while True:
        description: dict[str, Any] = ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        if description["TimeToLiveStatus"] not in ("ENABLING", "DISABLING") or time.monotonic() > deadline:
            return description
        time.sleep(0.5)


def enable(ddb: Any, table: str, attribute: str = ATTRIBUTE) -> dict[str, Any]:
    answer: dict[str, Any] = ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
    )
    answer.pop("ResponseMetadata", None)
    return answer


def spec(enabled: bool, attribute: str = ATTRIBUTE) -> dict[str, Any]:
    return {"Enabled": enabled, "AttributeName": attribute}


def refusal(ddb: Any, table: str, enabled: bool, attribute: str = ATTRIBUTE) -> str:
    """The ValidationException message of an UpdateTimeToLive that must be refused."""
    return validation(
        ddb.update_time_to_live, TableName=table, TimeToLiveSpecification=spec(enabled, attribute)
    )


@pytest.fixture(scope="module")
def enabled(target: Target) -> Iterator[tuple[str, dict[str, Any]]]:
    """A table with TTL enabled on `expires`, and the UpdateTimeToLive answer that enabled it."""
    client = target.client()
    name = create_table(client, unique_name("ttl"))
    answer = enable(client, name)
    yield name, answer
    client.delete_table(TableName=name)


def test_a_new_table_has_ttl_disabled(ddb: Any, hash_table: str) -> None:
    answer = ddb.describe_time_to_live(TableName=hash_table)
    assert answer["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}


def test_enabling_echoes_the_specification(enabled: tuple[str, dict[str, Any]]) -> None:
    assert enabled[1] == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": ATTRIBUTE}}


def test_an_enabled_table_describes_its_attribute(ddb: Any, enabled: tuple[str, dict[str, Any]]) -> None:
    assert settled(ddb, enabled[0]) == {"TimeToLiveStatus": "ENABLED", "AttributeName": ATTRIBUTE}


def test_describe_accepts_the_table_arn(ddb: Any, enabled: tuple[str, dict[str, Any]]) -> None:
    arn = ddb.describe_table(TableName=enabled[0])["Table"]["TableArn"]
    assert settled(ddb, arn) == {"TimeToLiveStatus": "ENABLED", "AttributeName": ATTRIBUTE}


def test_enabling_twice_is_refused(ddb: Any, enabled: tuple[str, dict[str, Any]]) -> None:
    assert refusal(ddb, enabled[0], True) == "TimeToLive is already enabled"


@pytest.mark.reference_deviation(SHORT_MESSAGE)
@pytest.mark.parametrize("turn_on", [True, False], ids=["enable", "disable"])
def test_naming_another_attribute_while_enabled_is_refused(
    ddb: Any, enabled: tuple[str, dict[str, Any]], turn_on: bool
) -> None:
    expected = f"TimeToLive is active on a different AttributeName: current AttributeName is {ATTRIBUTE}"
    assert refusal(ddb, enabled[0], turn_on, "other") == expected


def test_disabling_a_table_without_ttl_is_refused(ddb: Any, hash_table: str) -> None:
    assert refusal(ddb, hash_table, False) == "TimeToLive is already disabled"
    assert settled(ddb, hash_table) == {"TimeToLiveStatus": "DISABLED"}


@pytest.mark.reference_deviation(NO_COOLDOWN)
def test_a_second_change_right_after_the_first_is_refused(ddb: Any, make_table: MakeTable) -> None:
    table = make_table()
    enable(ddb, table)
    assert refusal(ddb, table, False) == COOLDOWN
    assert settled(ddb, table) == {"TimeToLiveStatus": "ENABLED", "AttributeName": ATTRIBUTE}


def test_the_partition_key_may_be_the_ttl_attribute(ddb: Any, make_table: MakeTable) -> None:
    table = make_table(hash_key=("pk", "N"))
    assert enable(ddb, table, "pk") == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "pk"}}
    assert settled(ddb, table) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "pk"}


@pytest.mark.reference_deviation(RNF_WORDING)
def test_a_missing_table_is_not_found(ddb: Any) -> None:
    name = unique_name("missing")
    expected = ("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
    assert error_of(ddb.update_time_to_live, TableName=name, TimeToLiveSpecification=spec(True)) == expected
    assert error_of(ddb.describe_time_to_live, TableName=name) == expected


NULL = "failed to satisfy constraint: Member must not be null"


@pytest.mark.reference_deviation(OWN_MESSAGES)
@pytest.mark.parametrize(
    ("ttl_spec", "message"),
    [
        (None, f"1 validation error detected: Value null at 'timeToLiveSpecification' {NULL}"),
        (
            {"Enabled": True},
            f"1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' {NULL}",
        ),
        (
            {"AttributeName": "x"},
            f"1 validation error detected: Value null at 'timeToLiveSpecification.enabled' {NULL}",
        ),
        (
            {"Enabled": False, "AttributeName": ""},
            "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to "
            "satisfy constraint: Member must have length greater than or equal to 1",
        ),
        (
            {"Enabled": True, "AttributeName": "a" * 256},
            f"1 validation error detected: Value '{'a' * 256}' at 'timeToLiveSpecification.attributeName' "
            "failed to satisfy constraint: Member must have length less than or equal to 255",
        ),
    ],
    ids=["no-specification", "no-attribute", "no-enabled", "empty-attribute", "long-attribute"],
)
def test_request_validation(raw: RawClient, hash_table: str, ttl_spec: Any, message: str) -> None:
    body: dict[str, Any] = {"TableName": hash_table}
    if ttl_spec is not None:
        body["TimeToLiveSpecification"] = ttl_spec
    response = raw.request("UpdateTimeToLive", body)
    assert (response.status, response.error_type, response.error_message) == (
        400,
        "ValidationException",
        message,
    )


def _keys(items: list[dict[str, Any]]) -> set[str]:
    return {item["pk"]["S"] for item in items}


def _eventually(check: Callable[[], bool], timeout: float = 40.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


INDEXED_TABLE = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "g", "AttributeType": "S"},
        {"AttributeName": "rank", "AttributeType": "N"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by_g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
    "LocalSecondaryIndexes": [
        {
            "IndexName": "by_rank",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "rank", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
}


def test_expired_items_are_deleted_from_the_table_and_its_indexes(
    ddb: Any, target: Target, make_table: MakeTable
) -> None:
    if target.is_aws:
        pytest.skip("AWS deletes expired items within days, not seconds")
    table = make_table(range_key=("sk", "N"), **INDEXED_TABLE)
    enable(ddb, table)
    assert settled(ddb, table)["TimeToLiveStatus"] == "ENABLED"
    now = int(time.time())
    expiries = {
        "expired": n(str(now - 60)),
        "future": n(str(now + 3600)),
        "text": s(str(now - 60)),
        "ancient": n(str(now - 6 * 365 * 24 * 3600)),
    }
    for key, expiry in expiries.items():
        item = {"pk": s(key), "sk": n("1"), "g": s(table), "rank": n("1"), ATTRIBUTE: expiry}
        ddb.put_item(TableName=table, Item=item)
    ddb.put_item(TableName=table, Item={"pk": s("none"), "sk": n("1"), "g": s(table), "rank": n("1")})

    def table_keys() -> set[str]:
        return _keys(ddb.scan(TableName=table, ConsistentRead=True)["Items"])

    assert _eventually(lambda: "expired" not in table_keys())
    assert table_keys() == {"future", "text", "ancient", "none"}
    by_g = ddb.query(
        TableName=table,
        IndexName="by_g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": s(table)},
    )
    assert _keys(by_g["Items"]) == {"future", "text", "ancient", "none"}
    by_rank = ddb.query(
        TableName=table,
        IndexName="by_rank",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": s("expired")},
    )
    assert by_rank["Items"] == []


# --- localddb only: a server with the admin clock and status delays ---

DELAY = 2.0


class Admin:
    """A localddb with `--admin`: its boto3 client and its clock route."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.url = client.meta.endpoint_url

    def now(self) -> float:
        return clock_now(self.url)

    def advance(self, seconds: float) -> float:
        return advance_clock(self.url, seconds)

    def active_table(self, **extra: Any) -> str:
        """A new table, made ACTIVE by advancing the clock past the status delay."""
        name = unique_name("ttl-admin")
        definitions = [{"AttributeName": "pk", "AttributeType": "S"}, *extra.pop("definitions", [])]
        self.client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=definitions,
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )
        self.advance(DELAY)
        return name


@pytest.fixture(scope="module")
def admin(target: Target) -> Iterator[Admin]:
    with localddb_client("--admin", "--ttl-interval", "0.2", "--status-delay", str(DELAY)) as client:
        yield Admin(client)


def _status(admin: Admin, table: str) -> dict[str, Any]:
    description: dict[str, Any] = admin.client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    return description


@pytest.mark.localddb_only("--status-delay and the admin clock are localddb options")
def test_changes_pass_through_enabling_and_disabling(admin: Admin) -> None:
    client = admin.client
    name = unique_name("ttl-states")
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert error_of(client.describe_time_to_live, TableName=name) == (
        "ValidationException",
        "Cannot describe time to live while table is in CREATING state: Current table state is CREATING",
    )
    assert error_of(client.update_time_to_live, TableName=name, TimeToLiveSpecification=spec(True)) == (
        "ResourceInUseException",
        f"Attempt to change a resource which is still in use: Table {name} is being created",
    )
    admin.advance(DELAY)
    enable(client, name)
    assert _status(admin, name) == {"TimeToLiveStatus": "ENABLING", "AttributeName": ATTRIBUTE}
    admin.advance(DELAY)
    assert _status(admin, name) == {"TimeToLiveStatus": "ENABLED", "AttributeName": ATTRIBUTE}
    admin.advance(3600)
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=spec(False))
    assert _status(admin, name) == {"TimeToLiveStatus": "DISABLING", "AttributeName": ATTRIBUTE}
    admin.advance(DELAY)
    assert _status(admin, name) == {"TimeToLiveStatus": "DISABLED"}
    client.delete_table(TableName=name)
    assert error_of(client.describe_time_to_live, TableName=name) == (
        "ValidationException",
        "Cannot describe time to live while table is in DELETING state: Current table state is DELETING",
    )


@pytest.mark.localddb_only("the admin clock is a localddb option")
def test_the_cooldown_ends_an_hour_after_the_last_change(admin: Admin) -> None:
    client, table = admin.client, admin.active_table()
    enable(client, table)
    admin.advance(3590)
    assert refusal(client, table, False) == COOLDOWN
    admin.advance(10)
    client.update_time_to_live(TableName=table, TimeToLiveSpecification=spec(False))
    assert refusal(client, table, True) == COOLDOWN
    admin.advance(3600)
    assert enable(client, table, "other")["TimeToLiveSpecification"] == spec(True, "other")


@pytest.mark.localddb_only("the admin clock is a localddb option")
def test_advancing_the_clock_expires_items(admin: Admin) -> None:
    client = admin.client
    table = admin.active_table(
        definitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    enable(client, table)
    admin.advance(DELAY)  # ENABLING -> ENABLED
    now = admin.now()
    items = {"soon": n(str(int(now) + 600)), "later": n(str(int(now) + 7200)), "text": s(str(int(now) - 1))}
    for key, expiry in items.items():
        client.put_item(TableName=table, Item={"pk": s(key), "g": s("all"), ATTRIBUTE: expiry})

    def index_keys() -> set[str]:
        answer = client.query(
            TableName=table,
            IndexName="by_g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": s("all")},
        )
        return _keys(answer["Items"])

    time.sleep(0.6)  # a few sweeps: nothing has expired yet
    assert _keys(client.scan(TableName=table)["Items"]) == {"soon", "later", "text"}
    admin.advance(601)
    assert _eventually(lambda: "soon" not in index_keys(), timeout=10)
    assert _keys(client.scan(TableName=table)["Items"]) == {"later", "text"}
    assert index_keys() == {"later", "text"}
