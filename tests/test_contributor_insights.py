"""Contributor Insights against an in-memory cluster: statuses under a status delay, AWS's no-ops and mode
changes, rule names, per-index state, the table and index states that refuse an update, and
ListContributorInsights' filter and pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.clock import Clock
from app.errors import ResourceNotFoundException, ValidationException
from app.operations.contributor_insights import (
    INDEX_NOT_ACTIVE,
    INVALID_TOKEN,
    TABLE_NOT_ACTIVE,
    changed_state,
    decode_token,
    encode_token,
    insights_status,
    rule_names,
)
from app.operations.registry import REGISTRY, Context
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
DELAY = 5.0
ALL, THROTTLED = "ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"


class FrozenClock(Clock):
    """A clock that only moves when told to, so that times can be compared exactly."""

    START = 1_700_000_000.25

    def now(self) -> float:
        return self.START + self.offset


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = FrozenClock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield Context(NS, cluster, Settings(status_delay=DELAY), clock, "req", "localhost")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


def _gsi(name: str, *keys: str) -> dict[str, Any]:
    schema = [{"AttributeName": keys[0], "KeyType": "HASH"}]
    schema += [{"AttributeName": key, "KeyType": "RANGE"} for key in keys[1:]]
    return {"IndexName": name, "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}}


async def create(ctx: Context, name: str = "events", settle: bool = True) -> str:
    await call(
        ctx,
        "CreateTable",
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gk", "lk")
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-lk",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "lk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        GlobalSecondaryIndexes=[_gsi("by-gk", "gk")],
        BillingMode="PAY_PER_REQUEST",
    )
    if settle:
        ctx.clock.advance(DELAY)
    return name


async def update(ctx: Context, table: str, action: str, **extra: Any) -> dict[str, Any]:
    return await call(
        ctx, "UpdateContributorInsights", TableName=table, ContributorInsightsAction=action, **extra
    )


async def describe(ctx: Context, table: str, **extra: Any) -> dict[str, Any]:
    return await call(ctx, "DescribeContributorInsights", TableName=table, **extra)


def test_status_follows_the_state_and_the_clock() -> None:
    assert insights_status(None, 0.0) == "DISABLED"
    state = changed_state(None, "ENABLE", None, 10.0, DELAY)
    assert state is not None
    assert insights_status(state, 14.9) == "ENABLING"
    assert insights_status(state, 15.0) == "ENABLED"
    disabled = changed_state(state, "DISABLE", THROTTLED, 20.0, DELAY)
    assert disabled is not None
    assert disabled["mode"] == ALL  # DISABLE ignores the mode it is given
    assert insights_status(disabled, 24.0) == "DISABLING"
    assert insights_status(disabled, 25.0) == "DISABLED"


def test_no_ops_and_mode_changes() -> None:
    assert changed_state(None, "DISABLE", None, 0.0, DELAY) is None
    enabled = changed_state(None, "ENABLE", THROTTLED, 1.0, DELAY)
    assert enabled is not None and enabled["rules_at"] == 1000 and enabled["mode"] == THROTTLED
    assert changed_state(enabled, "ENABLE", THROTTLED, 2.0, DELAY) is None
    widened = changed_state(enabled, "ENABLE", None, 3.0, DELAY)  # no mode means ACCESSED_AND_THROTTLED_KEYS
    assert widened is not None and widened["mode"] == ALL and widened["rules_at"] == 1000
    again = changed_state(changed_state(widened, "DISABLE", None, 4.0, DELAY), "ENABLE", None, 5.0, DELAY)
    assert again is not None and again["rules_at"] == 5000  # new rules after a disable


def test_rule_names() -> None:
    assert rule_names("t", False, ALL, 7) == [
        "DynamoDBContributorInsights-PKC-t-7",
        "DynamoDBContributorInsights-PKT-t-7",
    ]
    assert rule_names("t-i", True, THROTTLED, 7) == [
        "DynamoDBContributorInsights-PKT-t-i-7",
        "DynamoDBContributorInsights-SKT-t-i-7",
    ]
    assert len(rule_names("t", True, ALL, 7)) == 4


def test_tokens_round_trip_and_garbage_is_refused() -> None:
    assert decode_token(encode_token("tbl", "idx")) == (b"tbl", b"idx")
    for garbage in ("not base64!", "e30=", encode_token("t", None)[:-4]):
        with pytest.raises(ValidationException, match=INVALID_TOKEN):
            decode_token(garbage)


async def test_table_life_cycle(ctx: Context) -> None:
    table = await create(ctx)
    assert await describe(ctx, table) == {"TableName": table, "ContributorInsightsStatus": "DISABLED"}
    assert await update(ctx, table, "DISABLE") == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLED",
    }
    enabled_at = ctx.clock.now()
    answer = await update(ctx, table, "ENABLE")
    assert answer == {
        "TableName": table,
        "ContributorInsightsStatus": "ENABLING",
        "ContributorInsightsMode": ALL,
    }
    assert (await describe(ctx, table))["ContributorInsightsStatus"] == "ENABLING"
    ctx.clock.advance(DELAY)
    described = await describe(ctx, table)
    stamp = int(enabled_at * 1000)
    assert described == {
        "TableName": table,
        "ContributorInsightsRuleList": [
            f"DynamoDBContributorInsights-{kind}-{table}-{stamp}" for kind in ("PKC", "PKT", "SKC", "SKT")
        ],
        "ContributorInsightsStatus": "ENABLED",
        "LastUpdateDateTime": round(enabled_at, 3),
        "ContributorInsightsMode": ALL,
    }
    ctx.clock.advance(1)
    assert (await update(ctx, table, "ENABLE"))["ContributorInsightsStatus"] == "ENABLED"
    assert await describe(ctx, table) == described  # a no-op keeps LastUpdateDateTime
    answer = await update(ctx, table, "DISABLE", ContributorInsightsMode=THROTTLED)
    assert answer == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLING",
        "ContributorInsightsMode": ALL,
    }
    ctx.clock.advance(DELAY)
    assert await describe(ctx, table) == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLED",
        "LastUpdateDateTime": round(enabled_at + DELAY + 1, 3),
        "ContributorInsightsMode": ALL,
    }


async def test_indexes_have_their_own_state(ctx: Context) -> None:
    table = await create(ctx)
    answer = await update(ctx, table, "ENABLE", IndexName="by-gk", ContributorInsightsMode=THROTTLED)
    assert answer["IndexName"] == "by-gk" and answer["ContributorInsightsStatus"] == "ENABLING"
    stamp = int(ctx.clock.now() * 1000)
    ctx.clock.advance(DELAY)
    described = await describe(ctx, table, IndexName="by-gk")
    assert described["ContributorInsightsRuleList"] == [
        f"DynamoDBContributorInsights-PKT-{table}-by-gk-{stamp}"
    ]
    assert described["ContributorInsightsMode"] == THROTTLED
    assert (await describe(ctx, table))["ContributorInsightsStatus"] == "DISABLED"
    listed = await call(ctx, "ListContributorInsights", TableName=table)
    assert listed == {
        "ContributorInsightsSummaries": [
            {
                "TableName": table,
                "IndexName": "by-gk",
                "ContributorInsightsStatus": "ENABLED",
                "ContributorInsightsMode": THROTTLED,
            }
        ]
    }


async def test_unknown_tables_and_indexes(ctx: Context) -> None:
    table = await create(ctx)
    with pytest.raises(
        ResourceNotFoundException, match=r"^Requested resource not found: Table: nope not found$"
    ):
        await describe(ctx, "nope")
    with pytest.raises(ResourceNotFoundException, match="Table: nope not found"):
        await call(ctx, "ListContributorInsights", TableName="nope")
    for index in ("ghost", "by-lk"):  # a local index has no insights of its own
        expected = f"^Requested resource not found: Index: {index} not found for table: {table}$"
        with pytest.raises(ResourceNotFoundException, match=expected):
            await update(ctx, table, "ENABLE", IndexName=index)
        with pytest.raises(ResourceNotFoundException, match=expected):
            await describe(ctx, table, IndexName=index)


async def test_updates_need_an_active_table_and_index(ctx: Context) -> None:
    table = await create(ctx, settle=False)
    with pytest.raises(ValidationException) as raised:
        await update(ctx, table, "ENABLE")
    assert raised.value.message == TABLE_NOT_ACTIVE
    assert (await describe(ctx, table))["ContributorInsightsStatus"] == "DISABLED"
    ctx.clock.advance(DELAY)
    await call(
        ctx,
        "UpdateTable",
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "gk", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": _gsi("by-gk-2", "gk")}],
    )
    with pytest.raises(ValidationException) as raised:
        await update(ctx, table, "ENABLE", IndexName="by-gk-2")
    assert raised.value.message == INDEX_NOT_ACTIVE
    assert (await update(ctx, table, "ENABLE"))["ContributorInsightsStatus"] == "ENABLING"  # UPDATING is fine


async def test_deleted_index_takes_its_state_along(ctx: Context) -> None:
    table = await create(ctx)
    await update(ctx, table, "ENABLE", IndexName="by-gk")
    await call(
        ctx, "UpdateTable", TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-gk"}}]
    )
    ctx.clock.advance(DELAY)
    assert (await call(ctx, "ListContributorInsights"))["ContributorInsightsSummaries"] == []
    with pytest.raises(ResourceNotFoundException):
        await describe(ctx, table, IndexName="by-gk")


async def test_list_filters_disabled_entries_and_pages(ctx: Context) -> None:
    tables = [await create(ctx, name) for name in ("t-b", "t-a", "t-c")]
    for table in tables:
        await update(ctx, table, "ENABLE", IndexName="by-gk")
    await update(ctx, "t-a", "ENABLE")
    await update(ctx, "t-c", "ENABLE")
    ctx.clock.advance(DELAY)
    await update(ctx, "t-c", "DISABLE")
    assert (await describe(ctx, "t-c"))["ContributorInsightsStatus"] == "DISABLING"
    expected = [("t-a", None), ("t-a", "by-gk"), ("t-b", "by-gk"), ("t-c", None), ("t-c", "by-gk")]
    everything = await call(ctx, "ListContributorInsights")
    assert "NextToken" not in everything
    assert [
        (s["TableName"], s.get("IndexName")) for s in everything["ContributorInsightsSummaries"]
    ] == expected
    seen: list[tuple[str, str | None]] = []
    request: dict[str, Any] = {"MaxResults": 2}
    pages = 0
    while True:
        page = await call(ctx, "ListContributorInsights", **request)
        pages += 1
        seen += [(s["TableName"], s.get("IndexName")) for s in page["ContributorInsightsSummaries"]]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    assert seen == expected and pages == 3
    ctx.clock.advance(DELAY)  # t-c's table entry is DISABLED now: no longer listed
    listed = await call(ctx, "ListContributorInsights", TableName="t-c")
    assert [s.get("IndexName") for s in listed["ContributorInsightsSummaries"]] == ["by-gk"]
