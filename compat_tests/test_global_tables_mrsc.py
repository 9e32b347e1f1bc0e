"""Global tables with multi-Region strong consistency (MRSC): UpdateTable MultiRegionConsistency STRONG
with two replica Creates, or one Create and a witness (GlobalTableWitnessUpdates), DescribeTable's
MultiRegionConsistency and GlobalTableWitnesses, the frozen membership, the one-call teardown, and
strongly consistent reads in every region.

AWS's behaviour as measured by ack-api-quirks (table-global-tables.md: DDB-TABLE-257, 258, 202, 259, 260,
261). DynamoDB Local has no global tables, hence the reference_deviation markers. The tables are made in
the target's region, which must be one of the US MRSC region set (us-east-1 by default).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, eventually, regional_client, s, validation
from compat_tests.test_global_tables import REPLICA_TIMEOUT, dataclass_target, wait_gone, wait_regional

NO_GLOBAL_TABLES = "DynamoDB Local has no global tables (no MultiRegionConsistency, no witnesses)"
US_SET = ("us-east-1", "us-east-2", "us-west-2")
COUNT = "Unsupported replica count for global tables with MultiRegionConsistency set to STRONG."
ONE_REPLICA = (
    "Deletion of only one table replica is not supported for global tables with MultiRegionConsistency set "
    "to STRONG."
)
ONLY_CREATES = "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided."
EXISTING = "MultiRegionConsistency parameter is unsupported on existing global table"


def other_regions(target: Target) -> tuple[str, str]:
    if target.region not in US_SET:
        pytest.skip("the MRSC tests run from a region of the US region set")
    first, second = (region for region in US_SET if region != target.region)
    return first, second


def create(region: str) -> dict[str, Any]:
    return {"Create": {"RegionName": region}}


def delete(region: str) -> dict[str, Any]:
    return {"Delete": {"RegionName": region}}


def wait_active(client: Any, name: str) -> dict[str, Any]:
    """The table once it, its replicas and its witness are ACTIVE."""

    def settled() -> dict[str, Any] | None:
        table: dict[str, Any] = client.describe_table(TableName=name)["Table"]
        parts = [table["TableStatus"]]
        parts += [r["ReplicaStatus"] for r in table.get("Replicas", [])]
        parts += [w["WitnessStatus"] for w in table.get("GlobalTableWitnesses", [])]
        return table if table.get("Replicas") and set(parts) == {"ACTIVE"} else None

    return eventually(settled, REPLICA_TIMEOUT, 0.05)


def drop(clients: list[Any], name: str) -> None:
    """Best-effort clean-up: dissolve whatever group is left, then delete the tables."""
    for client in clients:
        with contextlib.suppress(Exception):
            client.delete_table(TableName=name)


@dataclass(frozen=True)
class StrongTable:
    name: str
    home: Any
    away: Any
    away_region: str
    witness_region: str
    target: Target


@pytest.fixture(scope="module")
def strong_table(target: Target) -> Iterator[StrongTable]:
    """An MRSC global table: the table, one replica and a witness."""
    away_region, witness = other_regions(target)
    home, away = target.client(), regional_client(target, away_region)
    name = create_table(home, unique_name("mrsc"))
    with contextlib.suppress(ClientError):  # DynamoDB Local: the tests then fail, as marked
        home.update_table(
            TableName=name,
            MultiRegionConsistency="STRONG",
            ReplicaUpdates=[create(away_region)],
            GlobalTableWitnessUpdates=[create(witness)],
        )
        wait_active(home, name)
    yield StrongTable(name, home, away, away_region, witness, target)
    with contextlib.suppress(Exception):
        home.update_table(
            TableName=name, ReplicaUpdates=[delete(away_region)], GlobalTableWitnessUpdates=[delete(witness)]
        )
        wait_regional(home, name)
    drop([home, away], name)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_request_rules_of_a_new_strong_group(target: Target, make_table: Any) -> None:
    first, second = other_regions(target)
    client = target.client()
    name = make_table()

    def refused(**params: Any) -> str:
        return validation(client.update_table, TableName=name, **params)

    strong: dict[str, Any] = {"MultiRegionConsistency": "STRONG"}
    assert refused(**strong, ReplicaUpdates=[create(first)]) == COUNT
    # Witness updates do not count as a change.
    assert refused(**strong, GlobalTableWitnessUpdates=[create(second)]) == (
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
        "ReplicaTransitRoleArn, "
        "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
    )
    witness = {"ReplicaUpdates": [create(first)], "GlobalTableWitnessUpdates": [create(second)]}
    needs_strong = (
        "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present."
    )
    assert refused(**witness) == needs_strong
    assert refused(**witness, MultiRegionConsistency="EVENTUAL") == needs_strong
    assert refused(**strong, ReplicaUpdates=[create(first)], GlobalTableWitnessUpdates=[create(first)]) == (
        "Cannot target multiple regions with the same action"
    )
    own = [create(target.region)]
    assert refused(**strong, ReplicaUpdates=[create(first)], GlobalTableWitnessUpdates=own) == (
        "Cannot add a witness in the same region as an existing replica when creating a global table with "
        "MultiRegionConsistency set to STRONG."
    )
    assert refused(
        **strong, ReplicaUpdates=[create("us-west-1")], GlobalTableWitnessUpdates=[create(first)]
    ) == (
        "Unsupported Region(s) specified for global tables with MultiRegionConsistency set to STRONG: "
        "[us-west-1]."
    )
    assert refused(
        **strong, ReplicaUpdates=[create(first), create(second)], DeletionProtectionEnabled=True
    ) == ("Requests that modify replicas or witnesses must not also modify other fields")
    assert refused(**strong, ReplicaUpdates=[delete(first)]) == ONLY_CREATES
    two = refused(**strong, ReplicaUpdates=[create(first)], GlobalTableWitnessUpdates=[create(second)] * 2)
    assert two.startswith("1 validation error detected: Value '[")
    assert two.endswith(
        "at 'globalTableWitnessUpdates' failed to satisfy constraint: Member must have length less than or "
        "equal to 1"
    )
    # Without MultiRegionConsistency two Creates are still one too many.
    assert refused(ReplicaUpdates=[create(first), create(second)]) == (
        "Update table operation with more than one create or delete replica actions not allowed"
    )
    table = client.describe_table(TableName=name)["Table"]
    assert "MultiRegionConsistency" not in table and "Replicas" not in table


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_every_member_describes_the_strong_group(strong_table: StrongTable) -> None:
    st = strong_table
    witnesses = [{"RegionName": st.witness_region, "WitnessStatus": "ACTIVE"}]
    for client, other in ((st.home, st.away_region), (st.away, st.target.region)):
        table = client.describe_table(TableName=st.name)["Table"]
        assert table["MultiRegionConsistency"] == "STRONG"
        assert table["GlobalTableVersion"] == "2019.11.21"
        assert table["GlobalTableWitnesses"] == witnesses
        assert [(r["RegionName"], r["ReplicaStatus"]) for r in table["Replicas"]] == [(other, "ACTIVE")]
        assert "StreamSpecification" not in table  # MRSC does not replicate through streams
    # The witness holds no table: a table of the same name may be made in its region.
    witness = regional_client(st.target, st.witness_region)
    code, _ = error_of(witness.describe_table, TableName=st.name)
    assert code == "ResourceNotFoundException"
    create_table(witness, st.name)
    witness.delete_table(TableName=st.name)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_strongly_consistent_reads_see_every_write_at_once(strong_table: StrongTable) -> None:
    st, key = strong_table, unique_name("item")
    st.home.put_item(TableName=st.name, Item={"pk": s(key), "v": s("home")})
    read = st.away.get_item(TableName=st.name, Key={"pk": s(key)}, ConsistentRead=True)
    assert read["Item"] == {"pk": s(key), "v": s("home")}
    # A conditional write evaluates the latest version, whichever region wrote it.
    st.away.update_item(
        TableName=st.name,
        Key={"pk": s(key)},
        UpdateExpression="SET v = :new",
        ConditionExpression="v = :old",
        ExpressionAttributeValues={":old": s("home"), ":new": s("away")},
    )
    read = st.home.get_item(TableName=st.name, Key={"pk": s(key)}, ConsistentRead=True)
    assert read["Item"]["v"] == s("away")
    st.home.batch_write_item(RequestItems={st.name: [{"DeleteRequest": {"Key": {"pk": s(key)}}}]})
    assert "Item" not in st.away.get_item(TableName=st.name, Key={"pk": s(key)}, ConsistentRead=True)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_a_strong_group_is_frozen(strong_table: StrongTable) -> None:
    st = strong_table

    def refused(**params: Any) -> str:
        return validation(st.home.update_table, TableName=st.name, **params)

    assert refused(ReplicaUpdates=[create("eu-west-1")]) == (
        "Cannot add replicas to a global table with strong MultiRegionConsistency"
    )
    assert refused(MultiRegionConsistency="STRONG", ReplicaUpdates=[create("eu-west-1")]) == COUNT
    assert refused(MultiRegionConsistency="EVENTUAL", ReplicaUpdates=[create("eu-west-1")]) == EXISTING
    assert refused(MultiRegionConsistency="STRONG", ReplicaUpdates=[delete(st.away_region)]) == ONLY_CREATES
    assert refused(ReplicaUpdates=[delete(st.away_region)]) == (
        "Update table delete operation does not include all witnesses."
    )
    assert refused(
        ReplicaUpdates=[delete(st.away_region)], GlobalTableWitnessUpdates=[delete("eu-west-1")]
    ) == (
        "Update global table operation failed because one or more witnesses were not part of the global "
        "table. Please retry the request without these witnesses: [eu-west-1]."
    )
    for client in (st.home, st.away):
        assert validation(client.delete_table, TableName=st.name) == ONE_REPLICA
    assert st.away.describe_table(TableName=st.name)["Table"]["TableStatus"] == "ACTIVE"


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_three_replicas_leave_together(target: Target) -> None:
    first, second = other_regions(target)
    home = target.client()
    clients = [regional_client(target, region) for region in (first, second)]
    name = create_table(home, unique_name("mrsc3"))
    try:
        answer = home.update_table(
            TableName=name, MultiRegionConsistency="STRONG", ReplicaUpdates=[create(first), create(second)]
        )["TableDescription"]
        assert answer["TableStatus"] == "UPDATING"
        assert answer["MultiRegionConsistency"] == "STRONG"
        assert answer["GlobalTableVersion"] == "2019.11.21"
        table = wait_active(home, name)
        assert [r["RegionName"] for r in table["Replicas"]] == [first, second]
        assert "GlobalTableWitnesses" not in table
        home.put_item(TableName=name, Item={"pk": s("k")})
        for client in clients:
            assert client.get_item(TableName=name, Key={"pk": s("k")}, ConsistentRead=True)["Item"]
        assert validation(home.update_table, TableName=name, ReplicaUpdates=[delete(first)]) == ONE_REPLICA
        home.update_table(TableName=name, ReplicaUpdates=[delete(first), delete(second)])
        wait_regional(home, name)
        for client in clients:
            wait_gone(client, name)
        table = home.describe_table(TableName=name)["Table"]
        for member in ("MultiRegionConsistency", "GlobalTableWitnesses", "GlobalTableVersion", "Replicas"):
            assert member not in table
    finally:
        drop([home, *clients], name)


@pytest.mark.localddb_only("--status-delay is localddb's own")
def test_witness_and_replica_statuses_over_the_status_delay(target: Target) -> None:
    delay = 0.4
    with localddb_client("--status-delay", str(delay)) as home:
        away = regional_client(dataclass_target(home, target), "us-east-2")
        name = unique_name("mrsc-delay")
        home.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        eventually(lambda: home.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE", 5)
        witness = [create("us-west-2")]
        home.update_table(
            TableName=name,
            MultiRegionConsistency="STRONG",
            ReplicaUpdates=[create("us-east-2")],
            GlobalTableWitnessUpdates=witness,
        )
        table = home.describe_table(TableName=name)["Table"]
        assert table["TableStatus"] == "UPDATING"
        assert table["GlobalTableWitnesses"] == [{"RegionName": "us-west-2", "WitnessStatus": "CREATING"}]
        assert [r["ReplicaStatus"] for r in table["Replicas"]] == ["CREATING"]
        table = wait_active(home, name)
        home.update_table(
            TableName=name,
            ReplicaUpdates=[delete("us-east-2")],
            GlobalTableWitnessUpdates=[delete("us-west-2")],
        )
        table = home.describe_table(TableName=name)["Table"]
        assert table["GlobalTableWitnesses"] == [{"RegionName": "us-west-2", "WitnessStatus": "DELETING"}]
        assert [r["ReplicaStatus"] for r in table["Replicas"]] == ["DELETING"]
        assert away.describe_table(TableName=name)["Table"]["TableStatus"] == "DELETING"
        wait_regional(home, name)
        table = home.describe_table(TableName=name)["Table"]
        assert "MultiRegionConsistency" not in table and "GlobalTableWitnesses" not in table


@pytest.mark.localddb_only("--replication-interval 0 (no background shipping) is localddb's own")
def test_every_write_path_reaches_the_other_members_before_it_returns(target: Target) -> None:
    with localddb_client("--replication-interval", "0") as home:
        regions = ("us-east-2", "us-west-2")
        others = [regional_client(dataclass_target(home, target), region) for region in regions]
        name = unique_name("mrsc-sync")
        home.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        eventually(lambda: home.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE", 5)
        home.update_table(
            TableName=name, MultiRegionConsistency="STRONG", ReplicaUpdates=[create(r) for r in regions]
        )
        writer, reader = others

        def seen(key: str) -> dict[str, Any] | None:
            item: dict[str, Any] | None = reader.get_item(
                TableName=name, Key={"pk": s(key)}, ConsistentRead=True
            ).get("Item")
            return item

        writer.put_item(TableName=name, Item={"pk": s("put")})
        writer.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": s("batch")}}}]})
        writer.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'pk': 'partiql'}}")
        home.update_item(
            TableName=name,
            Key={"pk": s("put")},
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": s("home")},
        )
        assert seen("batch") and seen("partiql")
        assert seen("put") == {"pk": s("put"), "v": s("home")}
        home.delete_item(TableName=name, Key={"pk": s("batch")})
        assert seen("batch") is None
