"""The table control plane through boto3: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable,
their responses and every validation error, with AWS's messages word for word.

Expected messages are AWS's, as recorded against live DynamoDB (dynalite's test suite and a 2026 lab
catalogue of DynamoDB errors); DynamoDB Local words many of them differently, hence the deviation marks.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import MakeTable, Target, unique_name

LOCAL_MESSAGES = "DynamoDB Local words this validation error differently"
PREFIX = "One or more parameter values were invalid: "
LIMITS_HINT = (
    "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
)


def keys(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"} for i, n in enumerate(names)]


def attrs(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


UNITS = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
ALL = {"ProjectionType": "ALL"}


def lsi(name: str, *key: str, projection: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": keys(*key),
        "Projection": ALL if projection is None else projection,
    }


def gsi(name: str, *key: str, projection: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": keys(*key),
        "Projection": ALL if projection is None else projection,
        **extra,
    }


def error_of(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def wait_active(ddb: Any, name: str) -> dict[str, Any]:
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 300})
    table: dict[str, Any] = ddb.describe_table(TableName=name)["Table"]
    return table


# --- CreateTable validation ---------------------------------------------------------------------------------

HASH_RANGE = {"KeySchema": keys("a", "b"), "AttributeDefinitions": attrs(a="S", b="S")}
WITH_C = {"KeySchema": keys("a", "b"), "AttributeDefinitions": attrs(a="S", b="S", c="S")}

CREATE_ERRORS = [
    pytest.param(
        {"BillingMode": None},
        PREFIX
        + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        id="provisioned-without-throughput",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"ProvisionedThroughput": UNITS},
        PREFIX + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
        "PAY_PER_REQUEST",
        id="on-demand-with-throughput",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts and ignores the throughput"),
    ),
    pytest.param(
        {"KeySchema": keys("a"), "AttributeDefinitions": attrs(b="S")},
        PREFIX + "Some index key attributes are not defined in AttributeDefinitions. "
        "Keys: [a], AttributeDefinitions: [b]",
        id="key-not-defined",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": keys("a", "b"), "AttributeDefinitions": attrs(b="S")},
        "Invalid KeySchema: Some index key attribute have no definition",
        id="more-keys-than-definitions",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": keys("a", "a")},
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        id="hash-and-range-same-name",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"}]},
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        id="two-hash-keys",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {
            "KeySchema": [
                {"AttributeName": "a", "KeyType": "RANGE"},
                {"AttributeName": "b", "KeyType": "HASH"},
            ]
        },
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        id="range-key-first",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": keys("a")},
        PREFIX + "Number of attributes in KeySchema does not exactly match number of attributes defined in "
        "AttributeDefinitions",
        id="unused-definition",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": keys("a"), "AttributeDefinitions": attrs(a="S") + attrs(a="N")},
        "Attribute Name is duplicated: a",
        id="duplicate-definition",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"LocalSecondaryIndexes": []},
        PREFIX + "List of LocalSecondaryIndexes is empty",
        id="empty-lsi-list",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts an empty LocalSecondaryIndexes list"),
    ),
    pytest.param(
        {"GlobalSecondaryIndexes": []},
        PREFIX + "List of GlobalSecondaryIndexes is empty",
        id="empty-gsi-list",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"KeySchema": keys("a"), "LocalSecondaryIndexes": [lsi("abc", "a", "b")]},
        PREFIX + "Table KeySchema does not have a range key, which is required when specifying a "
        "LocalSecondaryIndex",
        id="lsi-on-hash-only-table",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"LocalSecondaryIndexes": [lsi("abc", "b", "a")]},
        PREFIX + "Index KeySchema does not have the same leading hash key as table KeySchema for index: abc. "
        "index hash key: b, table hash key: a",
        id="lsi-other-hash-key",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"LocalSecondaryIndexes": [lsi("abc", "a")]},
        PREFIX + "Index KeySchema does not have a range key for index: abc",
        id="lsi-without-range-key",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"GlobalSecondaryIndexes": [gsi("abc", "b", projection={})]},
        PREFIX + "Unknown ProjectionType: null",
        id="projection-without-type",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts a projection without a type"),
    ),
    pytest.param(
        {"GlobalSecondaryIndexes": [gsi("abc", "b", projection={"ProjectionType": "INCLUDE"})]},
        PREFIX + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
        id="include-without-attributes",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {
            "GlobalSecondaryIndexes": [
                gsi("abc", "b", projection={"ProjectionType": "ALL", "NonKeyAttributes": ["x"]})
            ]
        },
        PREFIX + "ProjectionType is ALL, but NonKeyAttributes is specified",
        id="all-with-attributes",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {
            "GlobalSecondaryIndexes": [
                gsi("abc", "b", projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "x"]})
            ]
        },
        PREFIX + "Duplicate element in NonKeyAttributes: x",
        id="duplicate-projected-attribute",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {
            **WITH_C,
            "LocalSecondaryIndexes": [lsi("abc", "a", "c")],
            "GlobalSecondaryIndexes": [gsi("abc", "c")],
        },
        PREFIX + "Duplicate index name: abc",
        id="duplicate-index-name",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {**WITH_C, "LocalSecondaryIndexes": [lsi(f"lsi{i}", "a", "c") for i in range(6)]},
        PREFIX + "Number of LocalSecondaryIndexes exceeds per-table limit of 5",
        id="six-lsis",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"GlobalSecondaryIndexes": [gsi(f"gsi{i}", "b") for i in range(21)]},
        PREFIX + "GlobalSecondaryIndex count exceeds the per-table limit of 20",
        id="twenty-one-gsis",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"GlobalSecondaryIndexes": [gsi("abc", "b", ProvisionedThroughput=UNITS)]},
        PREFIX
        + "ProvisionedThroughput should not be specified for index: abc when BillingMode is PAY_PER_REQUEST",
        id="on-demand-gsi-with-throughput",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts and ignores the throughput"),
    ),
    pytest.param(
        {
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": UNITS,
            "GlobalSecondaryIndexes": [gsi("abc", "b")],
        },
        PREFIX + "ProvisionedThroughput is not specified for index: abc",
        id="provisioned-gsi-without-throughput",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"StreamSpecification": {"StreamEnabled": True}},
        PREFIX + "Table is being created with a stream enabled, UpdateViewType is required",
        id="stream-without-view-type",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"StreamSpecification": {"StreamEnabled": False, "StreamViewType": "NEW_IMAGE"}},
        PREFIX + "Table is being created with a stream disabled, UpdateViewType should not be specified",
        id="disabled-stream-with-view-type",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"SSESpecification": {"Enabled": False, "SSEType": "KMS"}},
        PREFIX + "SSEType can not be specified if Enabled is false",
        id="sse-type-while-disabled",
        marks=pytest.mark.reference_deviation("DynamoDB Local does not validate SSESpecification"),
    ),
    pytest.param(
        {"SSESpecification": {"Enabled": True, "SSEType": "AES256"}},
        PREFIX + "SSEType AES256 is not supported",
        id="sse-aes256",
        marks=pytest.mark.reference_deviation("DynamoDB Local does not validate SSESpecification"),
    ),
    pytest.param(
        {"SSESpecification": {"Enabled": True, "KMSMasterKeyId": "alias/aws/dynamodb"}},
        PREFIX + "SSEType KMS is required if KMSMasterKeyId is specified",
        id="sse-key-without-kms",
        marks=pytest.mark.reference_deviation("DynamoDB Local does not validate SSESpecification"),
    ),
    pytest.param(
        {
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": UNITS,
            "OnDemandThroughput": {"MaxReadRequestUnits": 5},
        },
        PREFIX + "MaxReadRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is "
        "PROVISIONED.",
        id="on-demand-maximum-on-provisioned-table",
        marks=pytest.mark.reference_deviation(
            "DynamoDB Local ignores OnDemandThroughput of provisioned tables"
        ),
    ),
    pytest.param(
        {"OnDemandThroughput": {"MaxReadRequestUnits": 0}},
        PREFIX + "Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range",
        id="on-demand-maximum-zero",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"WarmThroughput": {"ReadUnitsPerSecond": 1, "WriteUnitsPerSecond": 1}},
        PREFIX
        + "Requested ReadUnitsPerSecond for WarmThroughput for table is lower than initial throughput for "
        "OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
        "on-demand-capacity-mode.html#on-demand-capacity-mode-initial",
        id="warm-throughput-below-on-demand-start",
        marks=pytest.mark.reference_deviation("DynamoDB Local ignores WarmThroughput"),
    ),
    pytest.param(
        {"Tags": [{"Key": "aws:owner", "Value": "x"}]},
        "Tag Key cannot be prefixed with aws:, Key: aws:owner",
        id="reserved-tag-prefix",
        marks=pytest.mark.reference_deviation("DynamoDB Local does not validate tags"),
    ),
    pytest.param(
        {"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
        "Number of Tags exceed the current limit for the provided ResourceArn",
        id="fifty-one-tags",
        marks=pytest.mark.reference_deviation("DynamoDB Local does not validate tags"),
    ),
]


@pytest.mark.parametrize(("overrides", "message"), CREATE_ERRORS)
def test_create_table_validation(ddb: Any, table_name: str, overrides: dict[str, Any], message: str) -> None:
    request: dict[str, Any] = {"TableName": table_name, **HASH_RANGE, "BillingMode": "PAY_PER_REQUEST"}
    request.update(overrides)
    request = {k: v for k, v in request.items() if v is not None}
    assert error_of(ddb.create_table, **request) == (400, "ValidationException", message)
    assert error_of(ddb.describe_table, TableName=table_name)[1] == "ResourceNotFoundException"


@pytest.mark.reference_deviation(LOCAL_MESSAGES)
def test_create_table_unused_definition_with_indexes(ddb: Any, table_name: str) -> None:
    request = {"TableName": table_name, "BillingMode": "PAY_PER_REQUEST", **WITH_C}
    status, code, message = error_of(ddb.create_table, **request, GlobalSecondaryIndexes=[gsi("abc", "a")])
    assert (status, code) == (400, "ValidationException")
    # AWS lists both as sets; only their members are certain.
    match = re.fullmatch(
        PREFIX + r"Some AttributeDefinitions are not used\. AttributeDefinitions: \[(.*)\], "
        r"keys used: \[(.*)\]",
        message,
    )
    assert match is not None, message
    assert sorted(match[1].split(", ")) == ["a", "b", "c"] and sorted(match[2].split(", ")) == ["a", "b"]


@pytest.mark.reference_deviation(LOCAL_MESSAGES)
def test_create_table_with_three_key_elements(ddb: Any, table_name: str) -> None:
    request = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": keys("a", "b", "c"),
        "AttributeDefinitions": attrs(a="S", b="S", c="S"),
    }
    status, code, message = error_of(ddb.create_table, **request)
    # AWS renders the structures either as Java identity strings or by their fields, depending on the host
    # that answers (both are recorded from live AWS); either is AWS's behaviour.
    element = (
        r"(?:com\.amazonaws\.dynamodb\.v20120810\.KeySchemaElement@[0-9a-f]+"
        r"|KeySchemaElement\(attributeName=\w+, keyType=\w+\))"
    )
    assert (status, code) == (400, "ValidationException")
    assert re.fullmatch(
        rf"1 validation error detected: Value '\[{element}, {element}, {element}\]' at 'keySchema' failed to "
        r"satisfy constraint: Member must have length less than or equal to 2",
        message,
    ), message


@pytest.mark.reference_deviation("DynamoDB Local enforces no per-table capacity quota")
def test_create_table_above_the_per_table_quota(ddb: Any, target: Target, table_name: str) -> None:
    units = {"ReadCapacityUnits": 40001, "WriteCapacityUnits": 1}
    request = {"TableName": table_name, **HASH_RANGE, "ProvisionedThroughput": units}
    assert error_of(ddb.create_table, **request) == (
        400,
        "LimitExceededException",
        "The requested ReadCapacityUnits, 40001, is above the per table maximum for the account in "
        f"{target.region}. Per table maximum: 40000. {LIMITS_HINT}",
    )


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot create preexisting table'")
def test_create_existing_table_is_in_use(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    request = {
        "TableName": name,
        "KeySchema": keys("x"),
        "AttributeDefinitions": attrs(x="N"),
        "BillingMode": "PAY_PER_REQUEST",
    }
    assert error_of(ddb.create_table, **request) == (
        400,
        "ResourceInUseException",
        f"Table already exists: {name}",
    )


# --- CreateTable and DescribeTable responses ----------------------------------------------------------------


@pytest.mark.reference_deviation("DynamoDB Local creates tables ACTIVE at once and omits TableId")
def test_create_table_response(ddb: Any, target: Target, table_name: str) -> None:
    created = ddb.create_table(TableName=table_name, **HASH_RANGE, BillingMode="PAY_PER_REQUEST")[
        "TableDescription"
    ]
    assert created["TableStatus"] == "CREATING"
    assert created["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert "WarmThroughput" not in created
    assert str(uuid.UUID(created["TableId"])) == created["TableId"]
    assert (created["ItemCount"], created["TableSizeBytes"]) == (0, 0)
    assert re.fullmatch(rf"arn:aws:dynamodb:{target.region}:\d{{12}}:table/{table_name}", created["TableArn"])


@pytest.mark.reference_deviation("DynamoDB Local reports 0.0 increase/decrease times and no WarmThroughput")
def test_describe_provisioned_table(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(
        BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 3,
        "WriteCapacityUnits": 2,
    }
    assert "BillingModeSummary" not in table
    assert table["WarmThroughput"] == {"ReadUnitsPerSecond": 3, "WriteUnitsPerSecond": 2, "Status": "ACTIVE"}
    assert table["DeletionProtectionEnabled"] is False


def test_describe_on_demand_table_with_indexes(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(
        hash_key=("a", "S"),
        range_key=("b", "N"),
        AttributeDefinitions=attrs(b="N", a="S", c="B"),
        LocalSecondaryIndexes=[lsi("by_c", "a", "c", projection={"ProjectionType": "KEYS_ONLY"})],
        GlobalSecondaryIndexes=[
            gsi("c_only", "c", projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]})
        ],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["KeySchema"] == keys("a", "b")
    assert sorted(d["AttributeName"] for d in table["AttributeDefinitions"]) == ["a", "b", "c"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    [local] = table["LocalSecondaryIndexes"]
    assert local["IndexName"] == "by_c" and local["KeySchema"] == keys("a", "c")
    assert local["IndexArn"] == f"{table['TableArn']}/index/by_c" and local["ItemCount"] == 0
    [global_] = table["GlobalSecondaryIndexes"]
    assert global_["IndexStatus"] == "ACTIVE" and global_["Projection"]["NonKeyAttributes"] == ["x"]
    assert global_["IndexArn"] == f"{table['TableArn']}/index/c_only"


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_describe_missing_table(ddb: Any) -> None:
    name = unique_name("missing")
    assert error_of(ddb.describe_table, TableName=name) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


# --- ListTables ---------------------------------------------------------------------------------------------


def test_list_tables_pages(ddb: Any, make_table: MakeTable) -> None:
    names = sorted(make_table() for _ in range(3))
    listed: list[str] = []
    start: dict[str, str] = {}
    while True:
        page = ddb.list_tables(Limit=2, **start)
        listed.extend(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            break
        assert len(page["TableNames"]) == 2 and page["LastEvaluatedTableName"] == page["TableNames"][-1]
        start = {"ExclusiveStartTableName": page["LastEvaluatedTableName"]}
    assert [n for n in listed if n in names] == names
    # Other tests' tables (some still DELETING, which ListTables includes) may sort in between.
    [after_first] = ddb.list_tables(ExclusiveStartTableName=names[0], Limit=1)["TableNames"]
    assert names[0] < after_first <= names[1]


# --- DeleteTable --------------------------------------------------------------------------------------------


@pytest.mark.reference_deviation("DynamoDB Local answers DeleteTable with TableStatus ACTIVE")
def test_delete_table(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING" and deleted["TableName"] == name
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert name not in ddb.list_tables()["TableNames"]


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_delete_missing_table(ddb: Any) -> None:
    name = unique_name("missing")
    assert error_of(ddb.delete_table, TableName=name) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


def test_deletion_protection(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    assert error_of(ddb.delete_table, TableName=name) == (
        400,
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.",
    )
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    wait_active(ddb, name)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableName"] == name


# --- UpdateTable --------------------------------------------------------------------------------------------

NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, "
    "MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is "
    "required"
)

UPDATE_ERRORS = [
    pytest.param(
        {}, NOTHING_TO_UPDATE, id="nothing-to-update", marks=pytest.mark.reference_deviation(LOCAL_MESSAGES)
    ),
    pytest.param(
        {"ProvisionedThroughput": UNITS},
        PREFIX + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
        "PAY_PER_REQUEST",
        id="throughput-on-on-demand-table",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts and ignores the throughput"),
    ),
    pytest.param(
        {"BillingMode": "PROVISIONED"},
        PREFIX + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED",
        id="provisioned-without-throughput",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"BillingMode": "PAY_PER_REQUEST", "ProvisionedThroughput": UNITS},
        PREFIX + "ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST",
        id="on-demand-with-throughput",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts and ignores the throughput"),
    ),
    pytest.param(
        {"DeletionProtectionEnabled": True, "BillingMode": "PAY_PER_REQUEST"},
        PREFIX + "DeletionProtection modification must be the only operation in the request",
        id="deletion-protection-with-more",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts several changes in one UpdateTable"),
    ),
    pytest.param(
        {"SSESpecification": {"Enabled": True}, "DeletionProtectionEnabled": True},
        PREFIX + "Server-Side Encryption modification must be the only operation in the request",
        id="sse-with-more",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts several changes in one UpdateTable"),
    ),
    pytest.param(
        {"TableClass": "STANDARD_INFREQUENT_ACCESS", "DeletionProtectionEnabled": True},
        PREFIX + "TableClass modification must be the only operation in the request",
        id="table-class-with-more",
        marks=pytest.mark.reference_deviation("DynamoDB Local accepts several changes in one UpdateTable"),
    ),
    pytest.param(
        {"OnDemandThroughput": {"MaxReadRequestUnits": 10}, "StreamSpecification": {"StreamEnabled": False}},
        PREFIX + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request",
        id="on-demand-maximum-with-stream",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"StreamSpecification": {"StreamEnabled": False}},
        "Table has no stream to disable: TableName: {name}",
        id="disable-missing-stream",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"StreamSpecification": {"StreamEnabled": True}},
        PREFIX + "If stream is being enabled then UpdateViewType is required",
        id="enable-stream-without-view-type",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"StreamSpecification": {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}},
        PREFIX + "If stream is being disabled, then UpdateViewType must not be specified",
        id="disable-stream-with-view-type",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"SSESpecification": {"Enabled": False}},
        PREFIX + "Table is already encrypted by default",
        id="disable-default-encryption",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
    pytest.param(
        {"OnDemandThroughput": {"MaxReadRequestUnits": 0}},
        PREFIX + "Requested MaxReadRequestUnits for OnDemandThroughput for table is outside of valid range",
        id="on-demand-maximum-zero",
        marks=pytest.mark.reference_deviation("DynamoDB Local answers with a 500 InternalFailure"),
    ),
    pytest.param(
        {"WarmThroughput": {"ReadUnitsPerSecond": 100}},
        PREFIX + "Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current "
        "WarmThroughput, decreasing WarmThroughput is not supported",
        id="warm-throughput-decrease",
        marks=pytest.mark.reference_deviation(LOCAL_MESSAGES),
    ),
]


@pytest.mark.parametrize(("request_", "message"), UPDATE_ERRORS)
def test_update_table_validation(
    ddb: Any, make_table: MakeTable, request_: dict[str, Any], message: str
) -> None:
    name = make_table()
    expected = message.format(name=name)
    assert error_of(ddb.update_table, TableName=name, **request_) == (400, "ValidationException", expected)


@pytest.mark.reference_deviation(LOCAL_MESSAGES)
def test_update_provisioned_table_errors(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(BillingMode="PROVISIONED", ProvisionedThroughput=UNITS)
    assert error_of(ddb.update_table, TableName=name, ProvisionedThroughput=UNITS) == (
        400,
        "ValidationException",
        "The provisioned throughput for the table will not change. The requested value equals the current "
        "value. Current ReadCapacityUnits provisioned for the table: 1. Requested ReadCapacityUnits: 1. "
        "Current WriteCapacityUnits provisioned for the table: 1. Requested WriteCapacityUnits: 1. "
        + LIMITS_HINT,
    )
    assert error_of(ddb.update_table, TableName=name, OnDemandThroughput={"MaxWriteRequestUnits": 5}) == (
        400,
        "ValidationException",
        PREFIX
        + "MaxWriteRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is "
        "PROVISIONED",
    )
    streams = {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}}
    assert error_of(ddb.update_table, TableName=name, ProvisionedThroughput=UNITS, **streams) == (
        400,
        "ValidationException",
        PREFIX + "You cannot modify stream status while updating table IOPS",
    )


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_update_missing_table(ddb: Any) -> None:
    name = unique_name("missing")
    assert error_of(ddb.update_table, TableName=name, DeletionProtectionEnabled=True) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
    )


@pytest.mark.reference_deviation("DynamoDB Local answers with a 500 InternalFailure")
def test_update_missing_index(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    update = [{"Update": {"IndexName": "ghost", "OnDemandThroughput": {"MaxReadRequestUnits": 10}}}]
    assert error_of(ddb.update_table, TableName=name, GlobalSecondaryIndexUpdates=update) == (
        400,
        "ResourceNotFoundException",
        f"Requested resource not found: Index ghost for table {name}",
    )


@pytest.mark.reference_deviation("DynamoDB Local reports 0.0 increase/decrease times and no decrease count")
def test_update_provisioned_throughput(ddb: Any, make_table: MakeTable) -> None:
    name = make_table(
        BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    )
    response = ddb.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 4}
    )
    assert response["TableDescription"]["TableStatus"] == "UPDATING"
    throughput = wait_active(ddb, name)["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (7, 4)
    assert throughput["NumberOfDecreasesToday"] == 1
    assert "LastIncreaseDateTime" in throughput and "LastDecreaseDateTime" in throughput


def test_switch_billing_mode(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=UNITS)
    table = wait_active(ddb, name)
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert (
        table["ProvisionedThroughput"]["ReadCapacityUnits"],
        table["ProvisionedThroughput"]["WriteCapacityUnits"],
    ) == (1, 1)
    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    table = wait_active(ddb, name)
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


@pytest.mark.reference_deviation(
    "DynamoDB Local answers an already enabled stream without the ': TableName: X' suffix"
)
def test_enable_and_disable_stream(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    ddb.update_table(
        TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    table = wait_active(ddb, name)
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    assert error_of(
        ddb.update_table,
        TableName=name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    ) == (400, "ValidationException", f"Table already has an enabled stream: TableName: {name}")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = wait_active(ddb, name)
    assert "StreamSpecification" not in table and "LatestStreamArn" in table


@pytest.mark.reference_deviation("DynamoDB Local ignores SSESpecification and TableClass")
def test_encryption_and_table_class(ddb: Any, make_table: MakeTable, target: Target) -> None:
    name = make_table(SSESpecification={"Enabled": True}, TableClass="STANDARD_INFREQUENT_ACCESS")
    table = ddb.describe_table(TableName=name)["Table"]
    sse = table["SSEDescription"]
    assert (sse["Status"], sse["SSEType"]) == ("ENABLED", "KMS")
    assert re.fullmatch(rf"arn:aws:kms:{target.region}:\d{{12}}:key/[0-9a-f-]{{36}}", sse["KMSMasterKeyArn"])
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    ddb.update_table(TableName=name, TableClass="STANDARD")
    assert wait_active(ddb, name)["TableClassSummary"]["TableClass"] == "STANDARD"
