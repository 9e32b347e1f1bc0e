"""Global tables version 2019.11.21: UpdateTable ReplicaUpdates adds, changes and removes replicas of a
table in other regions of the account, and writes in any region reach the others (last writer wins).

AWS's behaviour as measured by ack-api-quirks (table-replicas.md, table-global-tables.md) and ScyllaDB's
alternator tests (run against AWS). DynamoDB Local has no global tables: it answers ReplicaUpdates with
"Nothing to update" and DescribeTableReplicaAutoScaling with UnknownOperationException, hence the
reference_deviation markers. The waits are long enough for AWS (a replica takes ~20 s to appear there);
localddb replicates within its --replication-interval (50 ms).
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import (
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    Target,
    create_table,
    localddb_client,
    unique_name,
)
from compat_tests.helpers import error_of, eventually, regional_client, s, validation
from compat_tests.servers import start_localddb

NO_GLOBAL_TABLES = "DynamoDB Local has no global tables: ReplicaUpdates is 'Nothing to update'"
REPLICA_TIMEOUT = 600.0  # AWS: ~20 s for an empty table, minutes with items
REPLICATION_TIMEOUT = 30.0
FIRST_SUPPORTED_REGIONS = (
    "[ap-south-2, ap-south-1, eu-south-1, eu-south-2, me-central-1, il-central-1, ca-central-1, ap-east-2, "
    "mx-central-1, eu-central-1, eu-central-2, us-west-1"
)
IN_USE = "The resource which you are attempting to change is in use."


def other_region(target: Target) -> str:
    return "us-west-2" if target.region != "us-west-2" else "us-east-1"


def _replicas(client: Any, name: str) -> list[dict[str, Any]]:
    return list(client.describe_table(TableName=name)["Table"].get("Replicas", []))


def add_replica(client: Any, name: str, region: str) -> None:
    """ReplicaUpdates Create, then wait until the replica and the table are ACTIVE."""
    client.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": region}}])

    def active() -> bool:
        table = client.describe_table(TableName=name)["Table"]
        replicas = {r["RegionName"]: r["ReplicaStatus"] for r in table.get("Replicas", [])}
        return replicas.get(region) == "ACTIVE" and table["TableStatus"] == "ACTIVE"

    eventually(active, REPLICA_TIMEOUT, 0.05)


def wait_regional(client: Any, name: str) -> None:
    """Wait until the table lists no replica any more."""
    eventually(lambda: not _replicas(client, name), REPLICA_TIMEOUT, 0.05)


def wait_gone(client: Any, name: str) -> None:
    def gone() -> bool:
        try:
            client.describe_table(TableName=name)
        except ClientError as error:
            return bool(error.response["Error"]["Code"] == "ResourceNotFoundException")
        return False

    eventually(gone, REPLICA_TIMEOUT, 0.05)


def drop_global_table(home: Any, away: Any, name: str) -> None:
    """Best-effort clean-up: the replica first (AWS refuses the source while a fresh replica exists)."""
    with contextlib.suppress(Exception):
        away.delete_table(TableName=name)
        wait_regional(home, name)
    with contextlib.suppress(Exception):
        home.delete_table(TableName=name)


def get(client: Any, name: str, key: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = client.get_item(
        TableName=name, Key={"pk": s(key)}, ConsistentRead=True
    ).get("Item")
    return item


@dataclass(frozen=True)
class GlobalTable:
    name: str
    home: Any  # client of the table's region
    away: Any  # client of the replica's region
    away_region: str
    target: Target


@pytest.fixture(scope="module")
def global_table(target: Target) -> Iterator[GlobalTable]:
    """A table with a global secondary index and one item, and its replica in another region."""
    home = target.client()
    away_region = other_region(target)
    away = regional_client(target, away_region)
    name = create_table(
        home,
        unique_name("global"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, s_def("g")],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_g", "KeySchema": [hash_key("g")], "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    home.put_item(TableName=name, Item={"pk": s("seed"), "g": s("seeded")})
    with contextlib.suppress(ClientError):  # DynamoDB Local: the tests then fail, as marked
        add_replica(home, name, away_region)
    yield GlobalTable(name, home, away, away_region, target)
    drop_global_table(home, away, name)


def s_def(name: str) -> dict[str, str]:
    return {"AttributeName": name, "AttributeType": "S"}


def hash_key(name: str) -> dict[str, str]:
    return {"AttributeName": name, "KeyType": "HASH"}


def test_regional_table_has_no_global_table_members(ddb: Any, make_table: Any) -> None:
    table = ddb.describe_table(TableName=make_table())["Table"]
    for member in ("GlobalTableVersion", "Replicas", "GlobalTableSettingsReplicationMode"):
        assert member not in table


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_both_regions_describe_the_global_table(global_table: GlobalTable) -> None:
    gt = global_table
    home = gt.home.describe_table(TableName=gt.name)["Table"]
    away = gt.away.describe_table(TableName=gt.name)["Table"]
    for table, other in ((home, gt.away_region), (away, gt.target.region)):
        assert table["GlobalTableVersion"] == "2019.11.21"
        assert table["GlobalTableSettingsReplicationMode"] == "ENABLED_WITH_OVERRIDES"
        # Replicas lists the other members only, never the table itself.
        assert [r["RegionName"] for r in table["Replicas"]] == [other]
        replica = table["Replicas"][0]
        assert replica["ReplicaStatus"] == "ACTIVE"
        assert replica["GlobalTableSettingsReplicationMode"] == "ENABLED_WITH_OVERRIDES"
        assert "ReplicaArn" not in replica and "ProvisionedThroughputOverride" not in replica
        assert [i["IndexName"] for i in replica["GlobalSecondaryIndexes"]] == ["by_g"]
        # DynamoDB enabled the stream replication needs.
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    for member in ("KeySchema", "AttributeDefinitions", "TableName"):
        assert away[member] == home[member]
    assert away["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in away["GlobalSecondaryIndexes"]] == ["by_g"]
    assert away["TableArn"] == home["TableArn"].replace(f":{gt.target.region}:", f":{gt.away_region}:")
    assert away["TableId"] != home["TableId"]
    assert f":{gt.away_region}:" in away["LatestStreamArn"]


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_items_replicate_both_ways(global_table: GlobalTable) -> None:
    gt, key = global_table, unique_name("item")
    assert get(gt.away, gt.name, "seed") == {"pk": s("seed"), "g": s("seeded")}  # copied when added
    gt.home.put_item(TableName=gt.name, Item={"pk": s(key), "v": s("home")})
    eventually(lambda: get(gt.away, gt.name, key) == {"pk": s(key), "v": s("home")}, REPLICATION_TIMEOUT)
    gt.away.update_item(
        TableName=gt.name,
        Key={"pk": s(key)},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": s("away")},
    )
    eventually(lambda: get(gt.home, gt.name, key) == {"pk": s(key), "v": s("away")}, REPLICATION_TIMEOUT)
    gt.home.delete_item(TableName=gt.name, Key={"pk": s(key)})
    eventually(lambda: get(gt.away, gt.name, key) is None, REPLICATION_TIMEOUT)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_concurrent_writes_converge_on_one_item(global_table: GlobalTable) -> None:
    gt, key = global_table, unique_name("race")
    written = [{"pk": s(key), "v": s("home")}, {"pk": s(key), "v": s("away")}]
    gt.home.put_item(TableName=gt.name, Item=written[0])
    gt.away.put_item(TableName=gt.name, Item=written[1])

    def converged() -> dict[str, Any] | None:
        home, away = get(gt.home, gt.name, key), get(gt.away, gt.name, key)
        return home if home == away else None

    # Last writer wins: both regions end with the same one of the two writes.
    assert eventually(converged, REPLICATION_TIMEOUT) in written


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_index_of_the_replica_serves_replicated_items(global_table: GlobalTable) -> None:
    gt, key, value = global_table, unique_name("indexed"), unique_name("g")
    gt.home.put_item(TableName=gt.name, Item={"pk": s(key), "g": s(value)})

    def found() -> list[dict[str, Any]]:
        answer = gt.away.query(
            TableName=gt.name,
            IndexName="by_g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": s(value)},
        )
        return list(answer["Items"])

    assert eventually(found, REPLICATION_TIMEOUT) == [{"pk": s(key), "g": s(value)}]


def _stream_records(streams: Any, arn: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            answer = streams.get_records(ShardIterator=iterator)
            records += answer["Records"]
            if not answer["Records"]:
                break
            iterator = answer.get("NextShardIterator")
    return records


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_replica_stream_shows_replicated_writes(global_table: GlobalTable) -> None:
    gt, key = global_table, unique_name("streamed")
    arn = gt.away.describe_table(TableName=gt.name)["Table"]["LatestStreamArn"]
    streams = regional_client(gt.target, gt.away_region, "dynamodbstreams")
    gt.home.put_item(TableName=gt.name, Item={"pk": s(key), "v": s("home")})

    def inserted() -> list[dict[str, Any]]:
        records = _stream_records(streams, arn)
        return [r for r in records if r["dynamodb"]["Keys"] == {"pk": s(key)} and r["eventName"] == "INSERT"]

    (record,) = eventually(inserted, REPLICATION_TIMEOUT, 0.2)
    assert record["dynamodb"]["NewImage"] == {"pk": s(key), "v": s("home")}
    assert record["awsRegion"] == gt.away_region


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_stream_cannot_be_disabled_or_changed(global_table: GlobalTable) -> None:
    gt = global_table
    for client in (gt.home, gt.away):
        message = validation(
            client.update_table, TableName=gt.name, StreamSpecification={"StreamEnabled": False}
        )
        assert message == (
            "One or more parameter values were invalid: "
            "Disabling Stream is not allowed for a Global Table replica."
        )
        message = validation(
            client.update_table,
            TableName=gt.name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )
        assert message == f"Table already has an enabled stream: TableName: {gt.name}"


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_replica_update_errors(global_table: GlobalTable) -> None:
    gt = global_table
    name, home_region, away_region = gt.name, gt.target.region, gt.away_region

    def replica_error(*updates: dict[str, Any], **extra: Any) -> str:
        return validation(gt.home.update_table, TableName=name, ReplicaUpdates=list(updates), **extra)

    assert replica_error({"Create": {"RegionName": "eu-west-1"}}, DeletionProtectionEnabled=True) == (
        "One or more parameter values were invalid: Replica modification must be the only operation in the "
        "request"
    )
    assert replica_error({"Create": {"RegionName": home_region}}) == (
        "Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or "
        "UpdateTable as required."
    )
    assert replica_error({"Delete": {"RegionName": home_region}}).startswith("Cannot add or delete the local")
    assert replica_error({"Create": {"RegionName": "us-fake-1"}}).startswith(
        "Region us-fake-1 is not supported. The latest version of global tables are only supported in the "
        "following regions: " + FIRST_SUPPORTED_REGIONS
    )
    assert replica_error({"Create": {"RegionName": away_region}}) == (
        f"Failed to create a the new replica of table with name: \u2018{name}\u2019 because one or more "
        "replicas already existed as tables."
    )
    not_member = (
        "Update global table operation failed because one or more replicas were not part of the global "
        "table. Please retry the request without these replicas: [eu-west-1]."
    )
    assert replica_error({"Delete": {"RegionName": "eu-west-1"}}) == not_member
    assert (
        replica_error({"Update": {"RegionName": "eu-west-1", "TableClassOverride": "STANDARD"}}) == not_member
    )
    no_actions = "There are no actions specified in the Replica Update Action of the request."
    assert replica_error({"Update": {"RegionName": away_region}}) == no_actions
    assert replica_error({}) == no_actions
    assert replica_error({"Create": {"RegionName": "eu-west-1"}, "Delete": {"RegionName": away_region}}) == (
        "Update table operation with more than one type of replica actions not allowed."
    )
    assert replica_error(
        {"Create": {"RegionName": "eu-west-1"}}, {"Create": {"RegionName": "eu-west-2"}}
    ) == ("Update table operation with more than one create or delete replica actions not allowed")
    override = {"RegionName": away_region, "ProvisionedThroughputOverride": {"ReadCapacityUnits": 5}}
    assert replica_error({"Update": override}) == (
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
        "specified when BillingMode is PAY_PER_REQUEST"
    )
    key = {"RegionName": away_region, "KMSMasterKeyId": "alias/aws/dynamodb"}
    assert replica_error({"Update": key}) == (
        "One or more parameter values were invalid: KMSMasterKeyId must be specified for each replica."
    )


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_replica_overrides_are_per_region(global_table: GlobalTable) -> None:
    gt = global_table
    update = {
        "RegionName": gt.away_region,
        "OnDemandThroughputOverride": {"MaxReadRequestUnits": 150},
        "TableClassOverride": "STANDARD_INFREQUENT_ACCESS",
    }
    answer = gt.home.update_table(TableName=gt.name, ReplicaUpdates=[{"Update": update}])["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert "OnDemandThroughputOverride" not in answer["Replicas"][0]  # AWS never echoes a new override
    eventually(lambda: gt.home.describe_table(TableName=gt.name)["Table"]["TableStatus"] == "ACTIVE", 600)
    (replica,) = eventually(
        lambda: [r for r in _replicas(gt.home, gt.name) if r.get("OnDemandThroughputOverride")], 600
    )
    assert replica["OnDemandThroughputOverride"] == {"MaxReadRequestUnits": 150}
    assert replica["ReplicaTableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    away = gt.away.describe_table(TableName=gt.name)["Table"]
    assert away["OnDemandThroughput"]["MaxReadRequestUnits"] == 150
    assert away["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    home = gt.home.describe_table(TableName=gt.name)["Table"]
    assert "TableClassSummary" not in home
    assert "OnDemandThroughputOverride" not in _replicas(gt.away, gt.name)[0]


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_shared_and_regional_settings(global_table: GlobalTable) -> None:
    gt = global_table
    # Time to live: one setting of the group, changed from any member.
    gt.away.update_time_to_live(
        TableName=gt.name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    eventually(
        lambda: (
            gt.home.describe_time_to_live(TableName=gt.name)["TimeToLiveDescription"].get("AttributeName")
            == "expires"
        ),
        120,
    )
    # Tags and deletion protection stay in their region.
    arn = gt.home.describe_table(TableName=gt.name)["Table"]["TableArn"]
    gt.home.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "home"}])
    away_arn = gt.away.describe_table(TableName=gt.name)["Table"]["TableArn"]
    assert gt.away.list_tags_of_resource(ResourceArn=away_arn)["Tags"] == []
    # A global secondary index created from the replica's region reaches every member.
    gt.away.update_table(
        TableName=gt.name,
        AttributeDefinitions=[s_def("h")],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by_h",
                    "KeySchema": [hash_key("h")],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )

    def home_index_active() -> bool:
        indexes = gt.home.describe_table(TableName=gt.name)["Table"].get("GlobalSecondaryIndexes", [])
        return any(i["IndexName"] == "by_h" and i["IndexStatus"] == "ACTIVE" for i in indexes)

    eventually(home_index_active, 900, 0.05)
    key, value = unique_name("h"), unique_name("hv")
    gt.away.put_item(TableName=gt.name, Item={"pk": s(key), "h": s(value)})

    def found() -> list[dict[str, Any]]:
        answer = gt.home.query(
            TableName=gt.name,
            IndexName="by_h",
            KeyConditionExpression="h = :h",
            ExpressionAttributeValues={":h": s(value)},
        )
        return list(answer["Items"])

    assert eventually(found, REPLICATION_TIMEOUT) == [{"pk": s(key), "h": s(value)}]


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_removing_the_replica_leaves_a_regional_table(target: Target) -> None:
    home, away_region = target.client(), other_region(target)
    away = regional_client(target, away_region)
    keys_only = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    name = create_table(home, unique_name("global-rm"), StreamSpecification=keys_only)
    try:
        add_replica(home, name, away_region)
        # An existing stream keeps its view type, in the replica too; replication works all the same.
        for client in (home, away):
            assert client.describe_table(TableName=name)["Table"]["StreamSpecification"] == keys_only
        home.put_item(TableName=name, Item={"pk": s("k"), "v": s("1")})
        eventually(lambda: get(away, name, "k") is not None, REPLICATION_TIMEOUT)
        answer = home.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": away_region}}])
        assert answer["TableDescription"]["TableStatus"] == "UPDATING"
        wait_regional(home, name)
        wait_gone(away, name)
        table = home.describe_table(TableName=name)["Table"]
        assert "GlobalTableVersion" not in table and "Replicas" not in table
        assert table["StreamSpecification"] == keys_only
        eventually(lambda: home.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE", 600)
        home.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})  # allowed again
    finally:
        drop_global_table(home, away, name)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_delete_table_in_the_replica_region(target: Target) -> None:
    home, away_region = target.client(), other_region(target)
    away = regional_client(target, away_region)
    name = create_table(home, unique_name("global-del"))
    try:
        add_replica(home, name, away_region)
        # The source of a replica added in the last 24 hours cannot go first.
        assert validation(home.delete_table, TableName=name) == (
            "Replica cannot be deleted because it has acted as a source region for new replica(s) being "
            "added to the table in the last 24 hours."
        )
        answer = away.delete_table(TableName=name)["TableDescription"]
        assert answer["TableStatus"] == "DELETING"
        assert [r["RegionName"] for r in answer["Replicas"]] == [target.region]
        wait_regional(home, name)
        assert "GlobalTableVersion" not in home.describe_table(TableName=name)["Table"]
        wait_gone(away, name)
    finally:
        drop_global_table(home, away, name)


@pytest.mark.reference_deviation(NO_GLOBAL_TABLES)
def test_create_refused_for_provisioned_table_and_existing_table(target: Target) -> None:
    home, away_region = target.client(), other_region(target)
    away = regional_client(target, away_region)
    units = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    name = create_table(
        home, unique_name("global-no"), BillingMode="PROVISIONED", ProvisionedThroughput=units
    )
    try:
        create = [{"Create": {"RegionName": away_region}}]
        # localddb has no Application Auto Scaling: refused as AWS refuses a table without it.
        assert validation(home.update_table, TableName=name, ReplicaUpdates=create) == (
            "Table write capacity should either be Pay-Per-Request or AutoScaled."
        )
        home.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        eventually(lambda: home.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE", 600)
        create_table(away, name)  # a table of that name in the other region is never adopted
        assert validation(home.update_table, TableName=name, ReplicaUpdates=create) == (
            f"Failed to create a the new replica of table with name: \u2018{name}\u2019 because one or more "
            "replicas already existed as tables."
        )
    finally:
        for client in (away, home):
            with contextlib.suppress(Exception):
                client.delete_table(TableName=name)


@pytest.mark.reference_deviation("DynamoDB Local does not implement DescribeTableReplicaAutoScaling")
def test_describe_table_replica_auto_scaling(global_table: GlobalTable, make_table: Any) -> None:
    gt = global_table
    regional = make_table()
    code, message = error_of(gt.home.describe_table_replica_auto_scaling, TableName=regional)
    assert (code, message) == (
        "ResourceNotFoundException",
        f"Global table with name: '{regional}' does not exist.",
    )
    description = gt.home.describe_table_replica_auto_scaling(TableName=gt.name)[
        "TableAutoScalingDescription"
    ]
    assert description["TableName"] == gt.name
    replicas = description["Replicas"]
    assert [r["RegionName"] for r in replicas] == sorted([gt.target.region, gt.away_region])
    disabled = {"AutoScalingDisabled": True, "ScalingPolicies": []}
    for replica in replicas:
        assert replica["ReplicaProvisionedReadCapacityAutoScalingSettings"] == disabled
        assert replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == disabled
        assert "by_g" in [i["IndexName"] for i in replica["GlobalSecondaryIndexes"]]


@pytest.mark.localddb_only("--status-delay makes CREATING and DELETING observable")
def test_replica_statuses_over_the_status_delay(target: Target) -> None:
    delay = 0.4
    with localddb_client("--status-delay", str(delay)) as home:
        away = regional_client(dataclass_target(home, target), "us-west-2")
        name = unique_name("global-delay")
        home.create_table(
            TableName=name,
            KeySchema=[hash_key("pk")],
            AttributeDefinitions=[s_def("pk")],
            BillingMode="PAY_PER_REQUEST",
        )
        time.sleep(delay)
        answer = home.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])
        assert answer["TableDescription"]["TableStatus"] == "UPDATING"
        assert answer["TableDescription"]["Replicas"] == []  # AWS lists the new replica seconds later
        assert [r["ReplicaStatus"] for r in _replicas(home, name)] == ["CREATING"]
        assert away.describe_table(TableName=name)["Table"]["TableStatus"] == "CREATING"
        for call in (
            lambda: home.update_table(
                TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}]
            ),
            lambda: home.update_table(TableName=name, DeletionProtectionEnabled=True),
        ):
            with pytest.raises(ClientError) as refused:
                call()
            assert refused.value.response["Error"]["Code"] == "ResourceInUseException"
            assert refused.value.response["Error"]["Message"] == IN_USE
        time.sleep(delay)
        assert [r["ReplicaStatus"] for r in _replicas(home, name)] == ["ACTIVE"]
        home.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": "us-west-2"}}])
        assert [r["ReplicaStatus"] for r in _replicas(home, name)] == ["DELETING"]
        assert away.describe_table(TableName=name)["Table"]["TableStatus"] == "DELETING"
        time.sleep(delay)
        assert "Replicas" not in home.describe_table(TableName=name)["Table"]


def dataclass_target(client: Any, target: Target) -> Target:
    """The Target of a client that localddb_client made (same keys, its own endpoint)."""
    return dataclasses.replace(target, endpoint_url=client.meta.endpoint_url, server=None)


@pytest.mark.localddb_only("restarts on a data directory are localddb's own")
def test_a_global_table_survives_a_restart(tmp_path: Any) -> None:
    data = str(tmp_path / "data")
    # No replication until the restart: the change written before it must still be shipped after it.
    server = start_localddb("--data-dir", data, "--replication-interval", "0")
    try:
        target = Target("localddb", server.endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY)
        home, away = target.client(), regional_client(target, "eu-west-1")
        home.create_table(
            TableName="survivor",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[hash_key("pk")],
            AttributeDefinitions=[s_def("pk")],
        )
        home.put_item(TableName="survivor", Item={"pk": s("copied")})
        home.update_table(TableName="survivor", ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
        home.put_item(TableName="survivor", Item={"pk": s("shipped"), "v": s("before restart")})
        assert get(away, "survivor", "copied") == {"pk": s("copied")}
        assert get(away, "survivor", "shipped") is None
    finally:
        server.stop()
    server = start_localddb("--data-dir", data)
    try:
        target = Target("localddb", server.endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY)
        home, away = target.client(), regional_client(target, "eu-west-1")
        expected = {"pk": s("shipped"), "v": s("before restart")}
        assert eventually(lambda: get(away, "survivor", "shipped"), REPLICATION_TIMEOUT) == expected
        away.put_item(TableName="survivor", Item={"pk": s("back"), "v": s("after restart")})
        assert eventually(lambda: get(home, "survivor", "back"), REPLICATION_TIMEOUT)
        replicas = home.describe_table(TableName="survivor")["Table"]["Replicas"]
        assert [r["RegionName"] for r in replicas] == ["eu-west-1"]
    finally:
        server.stop()
