"""UpdateTimeToLive / DescribeTimeToLive against an in-memory cluster: AWS's rules in AWS's order, the
ENABLING/DISABLING statuses under a status delay, the cooldown, and the table states that refuse them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.clock import Clock
from app.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from app.operations.registry import REGISTRY, Context
from app.operations.ttl import COOLDOWN, expiring_attribute, ttl_status
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
DELAY = 5.0
COOLDOWN_SECONDS = 3600.0


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    settings = Settings(status_delay=DELAY, ttl_cooldown=COOLDOWN_SECONDS)
    yield Context(NS, cluster, settings, clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


async def active_table(ctx: Context, name: str = "events") -> str:
    await call(
        ctx,
        "CreateTable",
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ctx.clock.advance(DELAY)
    return name


async def update(ctx: Context, table: str, enabled: bool, attribute: str = "expires") -> dict[str, Any]:
    spec = {"Enabled": enabled, "AttributeName": attribute}
    return await call(ctx, "UpdateTimeToLive", TableName=table, TimeToLiveSpecification=spec)


async def describe(ctx: Context, table: str) -> dict[str, Any]:
    answer = await call(ctx, "DescribeTimeToLive", TableName=table)
    description: dict[str, Any] = answer["TimeToLiveDescription"]
    return description


async def test_enabling_then_disabling_passes_through_the_transitional_statuses(ctx: Context) -> None:
    table = await active_table(ctx)
    assert await describe(ctx, table) == {"TimeToLiveStatus": "DISABLED"}
    answer = await update(ctx, table, True)
    assert answer == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}
    assert await describe(ctx, table) == {"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"}
    meta = await ctx.cluster.get_table(NS, table)
    assert expiring_attribute(meta, ctx.clock.now()) is None  # not swept while ENABLING
    ctx.clock.advance(DELAY)
    assert await describe(ctx, table) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert expiring_attribute(meta, ctx.clock.now()) == "expires"
    ctx.clock.advance(COOLDOWN_SECONDS)
    answer = await update(ctx, table, False)
    assert answer == {"TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires"}}
    assert await describe(ctx, table) == {"TimeToLiveStatus": "DISABLING", "AttributeName": "expires"}
    ctx.clock.advance(DELAY)
    assert await describe(ctx, table) == {"TimeToLiveStatus": "DISABLED"}


async def test_content_checks_come_before_the_cooldown(ctx: Context) -> None:
    table = await active_table(ctx)
    await update(ctx, table, True)
    with pytest.raises(ValidationException, match=r"^TimeToLive is already enabled$"):
        await update(ctx, table, True)
    different = r"^TimeToLive is active on a different AttributeName: current AttributeName is expires$"
    with pytest.raises(ValidationException, match=different):
        await update(ctx, table, True, "other")
    with pytest.raises(ValidationException, match=different):
        await update(ctx, table, False, "other")
    with pytest.raises(ValidationException, match=f"^{COOLDOWN}$"):
        await update(ctx, table, False)


async def test_the_cooldown_counts_from_the_last_change(ctx: Context) -> None:
    table = await active_table(ctx)
    await update(ctx, table, True)
    ctx.clock.advance(COOLDOWN_SECONDS - 1)
    with pytest.raises(ValidationException, match=f"^{COOLDOWN}$"):
        await update(ctx, table, False)
    ctx.clock.advance(1)
    await update(ctx, table, False)
    with pytest.raises(ValidationException, match=r"^TimeToLive is already disabled$"):
        await update(ctx, table, False)  # content first: already disabled, although within the cooldown
    with pytest.raises(ValidationException, match=f"^{COOLDOWN}$"):
        await update(ctx, table, True, "renamed")
    ctx.clock.advance(COOLDOWN_SECONDS)
    await update(ctx, table, True, "renamed")
    ctx.clock.advance(DELAY)
    assert await describe(ctx, table) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "renamed"}


async def test_no_cooldown_when_it_is_zero(ctx: Context) -> None:
    from dataclasses import replace

    quick = replace(ctx, settings=Settings(ttl_cooldown=0.0))
    table = await active_table(quick)
    await update(quick, table, True)
    await update(quick, table, False)
    await update(quick, table, True, "other")
    assert await describe(quick, table) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "other"}


async def test_table_states_that_refuse(ctx: Context) -> None:
    await call(
        ctx,
        "CreateTable",
        TableName="young",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    busy = r"^Attempt to change a resource which is still in use: Table young is being created$"
    with pytest.raises(ResourceInUseException, match=busy):
        await update(ctx, "young", True)
    creating = (
        r"^Cannot describe time to live while table is in CREATING state: Current table state is CREATING$"
    )
    with pytest.raises(ValidationException, match=creating):
        await describe(ctx, "young")
    ctx.clock.advance(DELAY)
    await call(ctx, "DeleteTable", TableName="young")
    deleting = (
        r"^Cannot describe time to live while table is in DELETING state: Current table state is DELETING$"
    )
    with pytest.raises(ValidationException, match=deleting):
        await describe(ctx, "young")
    await update(ctx, "young", True)  # AWS accepts changes while the table is being deleted


async def test_missing_tables_and_arns(ctx: Context) -> None:
    with pytest.raises(
        ResourceNotFoundException, match=r"^Requested resource not found: Table: nope not found$"
    ):
        await describe(ctx, "nope")
    with pytest.raises(
        ResourceNotFoundException, match=r"^Requested resource not found: Table: nope not found$"
    ):
        await update(ctx, "nope", True)
    table = await active_table(ctx)
    await update(ctx, f"arn:aws:dynamodb:{NS.region}:{NS.account}:table/{table}", True)
    ctx.clock.advance(DELAY)
    assert (await describe(ctx, table))["TimeToLiveStatus"] == "ENABLED"
    with pytest.raises(ResourceNotFoundException):
        await describe(ctx, f"arn:aws:dynamodb:us-west-2:{NS.account}:table/{table}")


def test_status_of_a_spec_without_ttl() -> None:
    assert ttl_status({}, 0.0) == ("DISABLED", None)
