"""The legacy global tables API (version 2017.11.29) as AWS answers it today: CreateGlobalTable is refused
("… version 2017.11.29 is not supported …"), UpdateGlobalTable, DescribeGlobalTable and the two settings
operations find no global table whatever the name, ListGlobalTables lists nothing.

DynamoDB Local does not have these operations (UnknownOperationException), so the answers come from requests
recorded against AWS in 2026 (see app/operations/global_tables_legacy.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import RawClient, Target, create_table, unique_name
from compat_tests.helpers import error_of, validation

pytestmark = pytest.mark.reference_deviation("DynamoDB Local does not implement the legacy global tables API")

INVALID = "One or more parameter values were invalid"
VERSION_UNSUPPORTED = (
    f"{INVALID}: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB "
    "global tables version 2019.11.21, instead of version 2017.11.29 (Legacy)."
)
NAME_LENGTH = "TableName must be at least 3 characters long and at most 255 characters long"
NOT_FOUND = "Global table not found: Global table with name: '{}' does not exist."
SETTINGS_NOT_FOUND = "Global table with name: '{}' does not exist."
NOT_NULL = "failed to satisfy constraint: Member must not be null"
REGIONS = (
    "ap-east-2, sa-east-1, us-gov-west-1, ca-west-1, us-west-1, us-isob-east-1, us-west-2, me-central-1, "
    "cn-north-1, ap-northeast-1, ap-northeast-2, af-south-1, ca-central-1, ap-northeast-3, us-iso-west-1, "
    "eu-north-1, il-central-1, us-gov-east-1, ap-southeast-1, us-east-1, eu-west-1, ap-southeast-2, "
    "eu-west-2, us-east-2, ap-southeast-3, eu-west-3, ap-southeast-4, ap-south-1, eu-south-1, "
    "ap-southeast-5, ap-south-2, us-isob-west-1, us-isof-south-1, eu-south-2, ap-southeast-6, "
    "cn-northwest-1, ap-southeast-7, mx-central-1, us-northeast-1, us-iso-east-1, eu-central-1, me-south-1, "
    "eu-central-2, us-isof-east-1, ap-east-1"
)


@pytest.fixture(scope="module")
def regional(target: Target) -> Iterator[str]:
    """A regional table with a NEW_AND_OLD_IMAGES stream: everything the legacy API once asked for."""
    client = target.client()
    stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    name = create_table(client, unique_name("legacy-gt"), StreamSpecification=stream)
    yield name
    client.delete_table(TableName=name)


def test_create_global_table_is_refused(ddb: Any, target: Target, regional: str) -> None:
    here = target.region
    for group in (
        [{"RegionName": here}],
        [{"RegionName": here}, {"RegionName": "us-east-2"}],
        [{"RegionName": "us-east-2"}, {"RegionName": here}],
        [{"RegionName": here}, {"RegionName": here}],
    ):
        for name in (regional, unique_name("legacy-missing")):
            assert validation(ddb.create_global_table, GlobalTableName=name, ReplicationGroup=group) == (
                VERSION_UNSUPPORTED
            )
    # Nothing was created and the regional table is untouched.
    assert error_of(ddb.describe_global_table, GlobalTableName=regional) == (
        "GlobalTableNotFoundException",
        NOT_FOUND.format(regional),
    )
    table = ddb.describe_table(TableName=regional)["Table"]
    assert "GlobalTableVersion" not in table and "Replicas" not in table


def test_create_global_table_checks_its_replicas_first(ddb: Any) -> None:
    name = unique_name("legacy-missing")
    create = ddb.create_global_table
    assert validation(create, GlobalTableName=name, ReplicationGroup=[]) == (
        f"{INVALID}: Global table must have atleast one replica"
    )
    assert validation(create, GlobalTableName=name, ReplicationGroup=[{}]) == (
        f"{INVALID}: 1 validation error detected: Value null at 'replicationGroup.1.member.regionName' "
        f"{NOT_NULL}"
    )
    assert validation(create, GlobalTableName=name, ReplicationGroup=[{"RegionName": "bad-region"}]) == (
        f"{INVALID}: 1 validation error detected: Value 'bad-region' at "
        "'replicationGroup.1.member.regionName' failed to satisfy constraint: Member must satisfy enum value "
        f"set: [{REGIONS}]"
    )


def test_create_global_table_request_checked_by_hand(ddb: Any) -> None:
    create = ddb.create_global_table
    assert validation(create) == INVALID
    assert validation(create, GlobalTableName=unique_name("legacy-missing")) == INVALID
    assert validation(create, GlobalTableName="x", ReplicationGroup=[]) == NAME_LENGTH


def test_update_global_table_finds_no_global_table(ddb: Any, regional: str) -> None:
    for name in (regional, unique_name("legacy-missing")):
        for updates in (
            [{"Delete": {"RegionName": "us-east-2"}}],
            [{"Delete": {"RegionName": "us-west-2"}}, {"Delete": {"RegionName": "us-west-2"}}],
        ):
            assert error_of(ddb.update_global_table, GlobalTableName=name, ReplicaUpdates=updates) == (
                "GlobalTableNotFoundException",
                NOT_FOUND.format(name),
            )


def test_update_global_table_refuses_every_create(ddb: Any, regional: str) -> None:
    update = ddb.update_global_table
    for name in (regional, unique_name("legacy-missing")):
        for updates in (
            [{"Create": {"RegionName": "us-east-2"}}],
            [{"Create": {"RegionName": "us-east-1"}}, {"Create": {"RegionName": "us-east-1"}}],
            [{"Delete": {"RegionName": "us-east-2"}}, {"Create": {"RegionName": "us-west-2"}}],
        ):
            assert validation(update, GlobalTableName=name, ReplicaUpdates=updates) == VERSION_UNSUPPORTED


def test_update_global_table_request_errors(ddb: Any) -> None:
    name = unique_name("legacy-missing")
    update = ddb.update_global_table
    assert validation(update) == (
        f"2 validation errors detected: Value null at 'globalTableName' {NOT_NULL}; "
        f"Value null at 'replicaUpdates' {NOT_NULL}"
    )
    assert validation(update, GlobalTableName=name) == (
        f"1 validation error detected: Value null at 'replicaUpdates' {NOT_NULL}"
    )
    assert validation(update, GlobalTableName="x", ReplicaUpdates=[]) == (
        "1 validation error detected: Value 'x' at 'globalTableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )
    assert validation(update, GlobalTableName=name, ReplicaUpdates=[]) == INVALID
    assert validation(update, GlobalTableName=name, ReplicaUpdates=[{}]) == INVALID
    for action in ("create", "delete"):
        updates = [{action.capitalize(): {}}]
        assert validation(update, GlobalTableName=name, ReplicaUpdates=updates) == (
            f"1 validation error detected: Value null at 'replicaUpdates.1.member.{action}.regionName' "
            f"{NOT_NULL}"
        )
    both = [{"Create": {"RegionName": "us-east-2"}, "Delete": {"RegionName": "us-east-1"}}]
    assert validation(update, GlobalTableName=name, ReplicaUpdates=both) == (
        f"{INVALID}: A ReplicaUpdate structure cannot contain both a create replica action and a delete "
        "replica action"
    )
    bad = [{"Create": {"RegionName": "bad-region"}}]
    assert validation(update, GlobalTableName=name, ReplicaUpdates=bad) == (
        f"{INVALID}: 1 validation error detected: Value 'bad-region' at 'replicasToAdd.1.member.regionName' "
        f"failed to satisfy constraint: Member must satisfy enum value set: [{REGIONS}]"
    )


def test_describe_global_table_finds_no_global_table(ddb: Any, regional: str) -> None:
    for name in (regional, unique_name("legacy-missing")):
        assert error_of(ddb.describe_global_table, GlobalTableName=name) == (
            "GlobalTableNotFoundException",
            NOT_FOUND.format(name),
        )


def test_global_table_settings_find_no_global_table(ddb: Any, regional: str) -> None:
    for name in (regional, unique_name("legacy-missing")):
        expected = ("GlobalTableNotFoundException", SETTINGS_NOT_FOUND.format(name))
        assert error_of(ddb.describe_global_table_settings, GlobalTableName=name) == expected
        update = ddb.update_global_table_settings
        assert error_of(update, GlobalTableName=name, GlobalTableBillingMode="PAY_PER_REQUEST") == expected
        replica = [{"RegionName": "us-east-2", "ReplicaProvisionedReadCapacityUnits": 5}]
        assert error_of(update, GlobalTableName=name, ReplicaSettingsUpdate=replica) == expected
    assert validation(
        ddb.update_global_table_settings, GlobalTableName=regional, ReplicaSettingsUpdate=[{}]
    ) == (
        f"1 validation error detected: Value null at 'replicaSettingsUpdate.1.member.regionName' {NOT_NULL}"
    )


def test_describe_names_checked_by_hand(ddb: Any) -> None:
    assert validation(ddb.describe_global_table, GlobalTableName="") == NAME_LENGTH
    assert validation(ddb.describe_global_table_settings, GlobalTableName="") == NAME_LENGTH


def test_list_global_tables_lists_nothing(ddb: Any, target: Target, regional: str) -> None:
    for params in (
        {},
        {"RegionName": target.region},
        {"RegionName": "us-east-2"},
        {"Limit": 1},
        {"Limit": 101},
        {"Limit": 2147483647},
        {"Limit": 1, "ExclusiveStartGlobalTableName": regional},
        {"ExclusiveStartGlobalTableName": unique_name("legacy-missing"), "Limit": 100},
    ):
        listed = ddb.list_global_tables(**params)
        listed.pop("ResponseMetadata")
        assert listed == {"GlobalTables": []}, params


def test_list_global_tables_request_errors(ddb: Any, raw: RawClient) -> None:
    for limit in (0, -1):
        assert validation(ddb.list_global_tables, Limit=limit) == (
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    assert validation(ddb.list_global_tables, ExclusiveStartGlobalTableName="x") == (
        "1 validation error detected: Value 'x' at 'exclusiveStartGlobalTableName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 3"
    )
    # A region AWS does not know is an internal error, not a validation error.
    for region in ("bad-region", ""):
        response = raw.request("ListGlobalTables", {"RegionName": region})
        assert response.status == 500
        assert response.json() == {
            "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "message": "Internal server error",
        }


def test_error_namespaces_on_the_wire(raw: RawClient) -> None:
    name = unique_name("legacy-missing")
    found = raw.request("DescribeGlobalTable", {"GlobalTableName": name})
    assert (found.status, found.json()) == (
        400,
        {
            "__type": "com.amazonaws.dynamodb.v20120810#GlobalTableNotFoundException",
            "message": NOT_FOUND.format(name),
        },
    )
    refused = raw.request(
        "CreateGlobalTable", {"GlobalTableName": name, "ReplicationGroup": [{"RegionName": "us-east-1"}]}
    )
    assert (refused.status, refused.json()) == (
        400,
        {"__type": "com.amazon.coral.validate#ValidationException", "message": VERSION_UNSUPPORTED},
    )
