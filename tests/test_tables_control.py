"""The table handlers against an in-memory cluster: descriptions, status timing, the table lookups and the
rules whose messages are hard to reach through boto3 (clock-dependent quotas, Java-style renderings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.clock import Clock
from app.errors import (
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from app.operations.registry import REGISTRY, Context
from app.operations.table_lookup import active_table, existing_table, resolve_table_name
from app.operations.table_schema_rules import check_index_key_schemas
from app.operations.table_spec import new_throughput, spec_index_defs
from app.operations.table_throughput import apply_change, check_decrease_allowed
from app.settings import Settings
from storage import Cluster
from storage.api import KeyAttribute, KeySchema, Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
# 2026-10-08 23:20:48 UTC
LATE_EVENING = 1791501648.0


def ks(*names: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "KeyType": "HASH" if i == 0 else "RANGE"} for i, n in enumerate(names)]


def ad(**types: str) -> list[dict[str, str]]:
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield Context(NS, cluster, Settings(status_delay=5.0), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations.tables  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


async def create(ctx: Context, name: str = "orders", **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": ks("pk", "sk"),
        "AttributeDefinitions": ad(sk="N", pk="S"),
        "BillingMode": "PAY_PER_REQUEST",
    }
    request.update(extra)
    return (await call(ctx, "CreateTable", **request))["TableDescription"]


async def test_new_table_is_creating_for_the_delay_then_active(ctx: Context) -> None:
    created = await create(ctx)
    assert created["TableStatus"] == "CREATING"
    assert "WarmThroughput" not in created
    assert created["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert (await call(ctx, "DescribeTable", TableName="orders"))["Table"]["TableStatus"] == "CREATING"
    with pytest.raises(ResourceNotFoundException, match=r"^Requested resource not found$"):
        await active_table(ctx, "orders")
    with pytest.raises(ResourceInUseException, match="Table is being created: orders"):
        await create(ctx)
    ctx.clock.advance(5.0)
    table = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["AttributeDefinitions"] == ad(pk="S", sk="N")  # sorted by name, as AWS returns them
    assert table["TableArn"] == "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
    assert table["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }
    assert table["WarmThroughput"] == {
        "ReadUnitsPerSecond": 12000,
        "WriteUnitsPerSecond": 4000,
        "Status": "ACTIVE",
    }
    assert table["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] == table["CreationDateTime"]
    assert (await active_table(ctx, "orders")).key_schema == KeySchema(
        KeyAttribute("pk", "S"), KeyAttribute("sk", "N")
    )
    with pytest.raises(ResourceInUseException, match=r"^Table already exists: orders$"):
        await create(ctx)


async def test_deleted_table_lingers_as_deleting(ctx: Context) -> None:
    await create(ctx)
    ctx.clock.advance(5.0)
    deleted = (await call(ctx, "DeleteTable", TableName="orders"))["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    with pytest.raises(ResourceInUseException, match="Table is being deleted: orders"):
        await call(ctx, "DeleteTable", TableName="orders")
    assert (await call(ctx, "ListTables"))["TableNames"] == ["orders"]
    ctx.clock.advance(5.1)
    with pytest.raises(
        ResourceNotFoundException, match=r"^Requested resource not found: Table: orders not found$"
    ):
        await call(ctx, "DescribeTable", TableName="orders")


async def test_lookups_accept_arns_of_this_namespace_only(ctx: Context) -> None:
    await create(ctx)
    ctx.clock.advance(5.0)
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
    assert (await existing_table(ctx, arn)).name == "orders"
    with pytest.raises(ResourceNotFoundException, match="Table: orders not found"):
        await existing_table(ctx, arn.replace("eu-west-1", "us-east-1"))
    assert resolve_table_name(arn.replace("123456789012", "210987654321"), NS) == ("orders", False)


async def test_plain_names_are_validated_like_aws(ctx: Context) -> None:
    with pytest.raises(ValidationException) as raised:
        await existing_table(ctx, "a;")
    assert raised.value.message == (
        "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: Member must "
        "satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'tableName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 3"
    )


def test_over_long_index_key_schema_prints_java_objects() -> None:
    # The Java hashes fit AWS's recorded message for [{KeyType: HASH}, {AttributeName: a}, {Woop, a}].
    elements = [
        {"AttributeName": "", "KeyType": "HASH"},
        {"AttributeName": "a", "KeyType": ""},
        {"AttributeName": "a", "KeyType": "Woop"},
    ]
    request = {
        "LocalSecondaryIndexes": [{"IndexName": "ok", "KeySchema": ks("pk", "sk")}, {"KeySchema": elements}]
    }
    with pytest.raises(ValidationException) as raised:
        check_index_key_schemas(request)
    prefix = "com.amazonaws.dynamodb.v20120810.KeySchemaElement@"
    assert raised.value.message == (
        f"1 validation error detected: Value '[{prefix}21b90f, {prefix}62, {prefix}293b3b]' at "
        "'localSecondaryIndexes.2.member.keySchema' failed to satisfy constraint: Member must have length "
        "less than or equal to 2"
    )


def test_decrease_budget_names_the_next_allowed_time() -> None:
    record = new_throughput(10, 10)
    for step in range(4):
        apply_change(record, 9 - step, 9 - step, LATE_EVENING - 40 + step)
    with pytest.raises(LimitExceededException) as raised:
        apply_change(record, 1, 1, LATE_EVENING)
    assert raised.value.message.endswith(
        "Number of decreases today: 4. Last decrease at Thursday, October 8, 2026 at 11:20:11 PM Coordinated "
        "Universal Time. Next decrease can be made at Friday, October 9, 2026 at 12:00:00 AM Coordinated "
        "Universal Time."
    )
    check_decrease_allowed(record, LATE_EVENING + 3600)  # a new UTC day: the budget is back
    assert record["ReadCapacityUnits"] == 6 and len(record["decreases"]) == 4


async def test_update_echoes_old_units_and_counts_decreases(ctx: Context) -> None:
    await create(
        ctx,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    ctx.clock.advance(5.0)
    units = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 6}
    updated = (await call(ctx, "UpdateTable", TableName="orders", ProvisionedThroughput=units))[
        "TableDescription"
    ]
    assert updated["TableStatus"] == "UPDATING"
    echoed = updated["ProvisionedThroughput"]
    assert (echoed["ReadCapacityUnits"], echoed["NumberOfDecreasesToday"]) == (5, 0)
    assert "LastIncreaseDateTime" in echoed and "LastDecreaseDateTime" in echoed
    busy = r"Table IOPS are currently being updated\. Table: orders"
    with pytest.raises(ResourceInUseException, match=busy):
        await call(ctx, "UpdateTable", TableName="orders", ProvisionedThroughput=units)
    with pytest.raises(ResourceInUseException, match=r"Table: orders is in the process of being updated\."):
        await call(ctx, "DeleteTable", TableName="orders")
    ctx.clock.advance(5.0)
    table = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert table["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1
    assert table["WarmThroughput"]["WriteUnitsPerSecond"] == 6  # the highest units ever provisioned
    assert "BillingModeSummary" not in table


async def test_indexes_are_exposed_to_the_data_plane(ctx: Context) -> None:
    await create(
        ctx,
        AttributeDefinitions=ad(pk="S", sk="N", g="B"),
        LocalSecondaryIndexes=[
            {"IndexName": "by_g", "KeySchema": ks("pk", "g"), "Projection": {"ProjectionType": "KEYS_ONLY"}}
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "g_only",
                "KeySchema": ks("g"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["z", "a"]},
            }
        ],
    )
    meta = await existing_table(ctx, "orders")
    assert [(i.name, i.is_global) for i in spec_index_defs(meta.spec)] == [
        ("by_g", False),
        ("g_only", True),
    ]
    assert meta.indexes == spec_index_defs(meta.spec)
    index = meta.index("g_only")
    assert index is not None and index.key_schema == KeySchema(KeyAttribute("g", "B"))
    assert index.projected == ("z", "a")
    ctx.clock.advance(5.0)
    described = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]["GlobalSecondaryIndexes"][0]
    assert described["Projection"]["NonKeyAttributes"] == ["a", "z"]
    assert described["IndexArn"].endswith(":table/orders/index/g_only")


async def test_stream_change_in_progress_blocks_stream_and_delete(ctx: Context) -> None:
    await create(ctx)
    ctx.clock.advance(5.0)
    enable = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    updated = (await call(ctx, "UpdateTable", TableName="orders", StreamSpecification=enable))[
        "TableDescription"
    ]
    label = updated["LatestStreamLabel"]
    assert updated["TableStatus"] == "UPDATING" and updated["StreamSpecification"] == enable
    with pytest.raises(ResourceInUseException) as raised:
        await call(ctx, "UpdateTable", TableName="orders", StreamSpecification={"StreamEnabled": False})
    assert raised.value.message == (
        "Attempt to change a resource which is still in use: A stream status change is currently in "
        f"progress. Table: orders Stream: {label} Operation: ENABLE"
    )
    with pytest.raises(
        ResourceInUseException, match="Cannot delete table while stream is being enabled/disabled"
    ):
        await call(ctx, "DeleteTable", TableName="orders")
    # Deletion protection may change while UPDATING; it does not make the table UPDATING longer.
    protected = await call(ctx, "UpdateTable", TableName="orders", DeletionProtectionEnabled=True)
    assert protected["TableDescription"]["DeletionProtectionEnabled"] is True


async def test_table_class_changes_are_limited_to_two_in_thirty_days(ctx: Context) -> None:
    await create(ctx)
    for table_class in ("STANDARD_INFREQUENT_ACCESS", "STANDARD"):
        ctx.clock.advance(5.0)
        await call(ctx, "UpdateTable", TableName="orders", TableClass=table_class)
    ctx.clock.advance(5.0)
    with pytest.raises(LimitExceededException, match=r"limited to 2 times in 30 day\(s\)\.$"):
        await call(ctx, "UpdateTable", TableName="orders", TableClass="STANDARD_INFREQUENT_ACCESS")
    ctx.clock.advance(30 * 24 * 3600.0)
    await call(ctx, "UpdateTable", TableName="orders", TableClass="STANDARD_INFREQUENT_ACCESS")


async def test_switching_to_on_demand_needs_no_throughput_and_stamps_the_switch(ctx: Context) -> None:
    await create(
        ctx,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    ctx.clock.advance(5.0)
    switched = (await call(ctx, "UpdateTable", TableName="orders", BillingMode="PAY_PER_REQUEST"))[
        "TableDescription"
    ]
    assert switched["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    ctx.clock.advance(5.0)
    table = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]
    assert table["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] > table["CreationDateTime"]
    assert table["WarmThroughput"]["ReadUnitsPerSecond"] == 12000
    back = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    await call(ctx, "UpdateTable", TableName="orders", BillingMode="PROVISIONED", ProvisionedThroughput=back)
    ctx.clock.advance(5.0)
    table = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0  # a switch is not a decrease
