"""Global tables (UpdateTable ReplicaUpdates) against an in-memory cluster: the region list's order, the
request rules, and what needs the clock or several regions at once (the 24-hour source rule, statuses
over the status delay, per-replica budgets and keys, three-region views)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

import app.operations  # noqa: F401  (registers every handler)
from app.cli import parser
from app.clock import Clock
from app.errors import LimitExceededException, ResourceInUseException, ValidationException
from app.operations.registry import REGISTRY, Context
from app.operations.replica_rules import SUPPORTED_REGIONS, check_replica_updates
from app.settings import Settings, from_env
from app.shapes.javaorder import hashmap_order
from storage import Cluster
from storage.api import Namespace, StorageConfig

ACCOUNT = "123456789012"
HOME, AWAY, THIRD = "us-east-1", "us-west-2", "eu-west-1"
DELAY = 5.0


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=2))
    yield Context(Namespace(ACCOUNT, HOME), cluster, Settings(status_delay=0.0), clock, "req", "localhost")
    await cluster.close()


def at(ctx: Context, region: str, delay: float | None = None) -> Context:
    settings = ctx.settings if delay is None else dataclasses.replace(ctx.settings, status_delay=delay)
    return dataclasses.replace(ctx, namespace=Namespace(ACCOUNT, region), settings=settings)


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    return await REGISTRY[operation](request, ctx)


async def create(ctx: Context, name: str = "orders", **extra: Any) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    request.update(extra)
    await call(ctx, "CreateTable", **request)


async def replicate(ctx: Context, name: str, region: str, **members: Any) -> dict[str, Any]:
    action = {"Create": {"RegionName": region, **members}}
    return (await call(ctx, "UpdateTable", TableName=name, ReplicaUpdates=[action]))["TableDescription"]


async def describe(ctx: Context, name: str = "orders") -> dict[str, Any]:
    table: dict[str, Any] = (await call(ctx, "DescribeTable", TableName=name))["Table"]
    return table


def test_supported_regions_iterate_as_awss_hash_set() -> None:
    assert len(SUPPORTED_REGIONS) == len(set(SUPPORTED_REGIONS)) == 36
    assert hashmap_order(list(SUPPORTED_REGIONS)) == list(SUPPORTED_REGIONS)
    measured = "ap-south-2 ap-south-1 eu-south-1 eu-south-2 me-central-1 il-central-1 ca-central-1 ap-east-2"
    assert list(SUPPORTED_REGIONS[:8]) == measured.split()


def test_replication_interval_setting() -> None:
    assert Settings().replication_interval == 0.05
    assert from_env({"LOCALDDB_REPLICATION_INTERVAL": "0.5"}).replication_interval == 0.5
    args = parser(Settings()).parse_args(["serve", "--replication-interval", "0"])
    assert (
        Settings()
        .with_overrides(**{k: v for k, v in vars(args).items() if k != "command"})
        .replication_interval
        == 0
    )


def test_request_rules() -> None:
    create = {"Create": {"RegionName": AWAY}}
    with pytest.raises(ValidationException, match="must be the only operation"):
        check_replica_updates([create], {"ReplicaUpdates", "TableClass"}, HOME)
    assert [a.region for a in check_replica_updates([create, create], {"ReplicaUpdates"}, HOME)] == [AWAY]
    with pytest.raises(ValidationException, match="more than one type of replica actions"):
        check_replica_updates([create, {"Delete": {"RegionName": THIRD}}], {"ReplicaUpdates"}, HOME)
    with pytest.raises(ValidationException, match=r"^Region  is not supported"):
        check_replica_updates([{"Delete": {"RegionName": ""}}], {"ReplicaUpdates"}, HOME)
    with pytest.raises(ValidationException, match=r"^Region EU-WEST-1 is not supported"):
        check_replica_updates([{"Create": {"RegionName": "EU-WEST-1"}}], {"ReplicaUpdates"}, HOME)
    index_only = {"Update": {"RegionName": AWAY, "GlobalSecondaryIndexes": [{"IndexName": "idx"}]}}
    with pytest.raises(ValidationException, match="no actions specified"):
        check_replica_updates([index_only], {"ReplicaUpdates"}, HOME)
    updates = [{"Update": {"RegionName": r, "TableClassOverride": "STANDARD"}} for r in (HOME, AWAY)]
    assert len(check_replica_updates(updates, {"ReplicaUpdates"}, HOME)) == 2


async def test_three_regions_list_the_others_in_joining_order(ctx: Context) -> None:
    await create(ctx)
    await replicate(ctx, "orders", AWAY)
    await replicate(at(ctx, AWAY), "orders", THIRD)  # a Create from any member's endpoint
    views = {region: await describe(at(ctx, region)) for region in (HOME, AWAY, THIRD)}
    assert [r["RegionName"] for r in views[HOME]["Replicas"]] == [AWAY, THIRD]
    assert [r["RegionName"] for r in views[AWAY]["Replicas"]] == [HOME, THIRD]
    assert [r["RegionName"] for r in views[THIRD]["Replicas"]] == [HOME, AWAY]
    # The source of a replica added in the last 24 hours cannot leave while it exists; later it can.
    delete_away = [{"Delete": {"RegionName": AWAY}}]
    with pytest.raises(ValidationException, match="acted as a source region"):
        await call(ctx, "UpdateTable", TableName="orders", ReplicaUpdates=delete_away)
    ctx.clock.advance(24 * 3600.0)
    await call(ctx, "UpdateTable", TableName="orders", ReplicaUpdates=delete_away)
    assert [r["RegionName"] for r in (await describe(ctx))["Replicas"]] == [THIRD]


async def test_statuses_over_the_delay(ctx: Context) -> None:
    slow = at(ctx, HOME, DELAY)
    await create(slow)
    ctx.clock.advance(DELAY)
    answer = await replicate(slow, "orders", AWAY)
    assert (answer["TableStatus"], answer["GlobalTableVersion"], answer["Replicas"]) == (
        "UPDATING",
        "2019.11.21",
        [],
    )
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in (await describe(slow))["Replicas"]] == [
        (AWAY, "CREATING")
    ]
    assert (await describe(at(ctx, AWAY)))["TableStatus"] == "CREATING"
    with pytest.raises(ResourceInUseException, match=r"^The resource which you are attempting"):
        await replicate(slow, "orders", THIRD)
    with pytest.raises(ValidationException, match="Disabling Stream is not allowed"):
        await call(slow, "UpdateTable", TableName="orders", StreamSpecification={"StreamEnabled": False})
    ctx.clock.advance(DELAY)
    assert (await describe(slow))["Replicas"][0]["ReplicaStatus"] == "ACTIVE"
    await call(slow, "UpdateTable", TableName="orders", ReplicaUpdates=[{"Delete": {"RegionName": AWAY}}])
    assert [r["ReplicaStatus"] for r in (await describe(slow))["Replicas"]] == ["DELETING"]
    with pytest.raises(ValidationException, match="already existed as tables"):
        await replicate(slow, "orders", AWAY)  # its table is still being deleted
    ctx.clock.advance(DELAY)
    table = await describe(slow)
    assert "Replicas" not in table and "GlobalTableVersion" not in table
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


async def test_table_class_spends_every_members_budget(ctx: Context) -> None:
    await create(ctx)
    await replicate(ctx, "orders", AWAY)
    away = [{"Update": {"RegionName": AWAY, "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}]
    await call(ctx, "UpdateTable", TableName="orders", ReplicaUpdates=away)
    away[0]["Update"]["TableClassOverride"] = "STANDARD"
    await call(ctx, "UpdateTable", TableName="orders", ReplicaUpdates=away)
    with pytest.raises(LimitExceededException, match=rf"^Limit exceeded for replica in {AWAY}\. Updates"):
        await call(ctx, "UpdateTable", TableName="orders", TableClass="STANDARD_INFREQUENT_ACCESS")
    assert "TableClassSummary" not in await describe(ctx)


async def test_keys_of_replicas(ctx: Context) -> None:
    await create(ctx, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/mine"})
    with pytest.raises(ValidationException, match="KMSMasterKeyId must be specified for each replica"):
        await replicate(ctx, "orders", AWAY)
    with pytest.raises(ValidationException, match="either be Customer Managed CMK or AWS Managed CMK"):
        await replicate(ctx, "orders", AWAY, KMSMasterKeyId="alias/aws/dynamodb")
    await replicate(ctx, "orders", AWAY, KMSMasterKeyId="alias/mine")
    replica = (await describe(ctx))["Replicas"][0]
    assert replica["KMSMasterKeyId"].startswith(f"arn:aws:kms:{AWAY}:{ACCOUNT}:key/")
    assert (await describe(at(ctx, AWAY)))["SSEDescription"]["KMSMasterKeyArn"] == replica["KMSMasterKeyId"]
    await create(ctx, "plain")
    with pytest.raises(ValidationException, match="KMSMasterKeyId must be specified for each replica"):
        await replicate(ctx, "plain", AWAY, KMSMasterKeyId="alias/mine")


async def test_items_and_ttl_reach_every_member(ctx: Context) -> None:
    await create(ctx)
    await call(ctx, "PutItem", TableName="orders", Item={"pk": {"S": "before"}})
    await replicate(ctx, "orders", AWAY)
    away = at(ctx, AWAY)
    assert (await call(away, "GetItem", TableName="orders", Key={"pk": {"S": "before"}}))["Item"]
    await call(away, "PutItem", TableName="orders", Item={"pk": {"S": "after"}})
    await ctx.cluster.replicate()
    assert (await call(ctx, "GetItem", TableName="orders", Key={"pk": {"S": "after"}}))["Item"]
    spec = {"Enabled": True, "AttributeName": "expires"}
    await call(away, "UpdateTimeToLive", TableName="orders", TimeToLiveSpecification=spec)
    ttl = (await call(ctx, "DescribeTimeToLive", TableName="orders"))["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
