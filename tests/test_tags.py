"""The tag rules and ARN forms (including the members botocore's model would catch before the handler),
and the tag handlers against an in-memory cluster with a controlled clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.clock import Clock
from app.errors import (
    AccessDeniedException,
    DynamoDBError,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from app.operations.registry import REGISTRY, Context
from app.operations.tag_arns import tagged_table
from app.operations.tag_rules import (
    MAX_TAGS,
    TOO_MANY,
    check_key,
    check_tag_keys,
    check_tags,
    merged,
    text_allowed,
    without,
)
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
INVALID = "One or more parameter values were invalid: "


def invalid_table_arn(arn: str) -> tuple[str, str]:
    return "ValidationException", f"Invalid TableArn: Invalid ResourceArn provided as input {arn}"


def message_of(call: Any, *args: Any) -> tuple[str, str]:
    with pytest.raises(DynamoDBError) as raised:
        call(*args)
    return type(raised.value).__name__, str(raised.value)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("aws:x", "Tag Key cannot be prefixed with aws:, Key: aws:x"),
        ("AWS:x", "Tag Key cannot be prefixed with aws:, Key: AWS:x"),
        ("aWs:", "Tag Key cannot be prefixed with aws:, Key: aWs:"),
        ("", "The Tag Key provided is invalid, Key: "),
        (None, "The Tag Key provided is invalid, Key: null"),
        ("k" * 129, f"The Tag Key provided is invalid, Key: {'k' * 129}"),
        ("a\tb", "The Tag Key provided is invalid, Key: a\tb"),
        ("🔑", "The Tag Key provided is invalid, Key: 🔑"),
    ],
)
def test_invalid_keys(key: object, message: str) -> None:
    assert message_of(check_key, key) == ("ValidationException", message)


def test_lengths_are_java_lengths() -> None:
    assert text_allowed("k" * 128, 128)
    assert text_allowed("é" * 128, 128)
    # A letter outside the Basic Multilingual Plane (MATHEMATICAL BOLD CAPITAL A) counts twice, as in Java.
    assert text_allowed("\U0001d400" * 64, 128)
    assert not text_allowed("\U0001d400" * 65, 128)


@given(st.text(alphabet=st.characters(categories=("L", "N", "Zs")), max_size=128))
def test_letters_digits_and_spaces_are_allowed(text: str) -> None:
    if len(text.encode("utf-16-le")) // 2 <= 128:
        assert text_allowed(text, 128)


@given(st.text(alphabet=st.characters(categories=("P", "S", "C")), min_size=1, max_size=5))
def test_other_punctuation_symbols_and_controls_are_not(text: str) -> None:
    assert text_allowed(text, 128) == all(char in "_.:/=+-@" for char in text)


def test_tags_are_checked_in_order() -> None:
    assert message_of(check_tags, [{"Key": "k"}]) == (
        "ValidationException",
        "The Tag Value provided is invalid, Value: null",
    )
    assert message_of(check_tags, [{}])[1] == "The Tag Key provided is invalid, Key: null"
    assert message_of(check_tags, [{"Key": "k", "Value": "v" * 257}])[1] == (
        f"The Tag Value provided is invalid, Value: {'v' * 257}"
    )
    duplicate = [{"Key": "d", "Value": "1"}, {"Key": "bad#", "Value": "2"}, {"Key": "d", "Value": "3"}]
    assert message_of(check_tags, duplicate)[1] == "The Tag Key provided is invalid, Key: bad#"
    assert message_of(check_tags, duplicate[::2])[1] == (
        "Duplicate Tag Keys provided as input: Duplicate Tag Key found d"
    )
    many = [{"Key": f"k{i}", "Value": ""} for i in range(MAX_TAGS + 1)]
    assert message_of(check_tags, many)[1] == TOO_MANY
    assert check_tags(many[:MAX_TAGS]) == many[:MAX_TAGS]
    assert check_tags([]) == []


def test_tag_keys() -> None:
    assert message_of(check_tag_keys, [])[1] == "Atleast one Tag Key needs to be provided as Input."
    assert message_of(check_tag_keys, ["k"] * 51)[1] == TOO_MANY
    assert message_of(check_tag_keys, ["ok", ""])[1] == "The Tag Key provided is invalid, Key: "
    assert check_tag_keys(["a", "a", "b c"]) == ["a", "a", "b c"]


def test_merge_updates_in_place_and_appends() -> None:
    current = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert merged(current, [{"Key": "c", "Value": "3"}, {"Key": "a", "Value": "9"}]) == [
        {"Key": "a", "Value": "9"},
        {"Key": "b", "Value": "2"},
        {"Key": "c", "Value": "3"},
    ]
    full = [{"Key": f"k{i}", "Value": ""} for i in range(MAX_TAGS)]
    assert merged(full, [{"Key": "k0", "Value": "x"}])[0] == {"Key": "k0", "Value": "x"}
    with pytest.raises(ValidationException, match=TOO_MANY):
        merged(full, [{"Key": "new", "Value": ""}])
    assert without(current, ["b", "absent"]) == [{"Key": "a", "Value": "1"}]


@pytest.mark.parametrize(
    ("arn", "error"),
    [
        (None, ("ValidationException", "Invalid TableArn")),
        ("", ("ValidationException", f"{INVALID}ARNs must start with 'arn:': ")),
        ("orders", ("ValidationException", f"{INVALID}ARNs must start with 'arn:': orders")),
        ("arn:aws:dynamodb", invalid_table_arn("arn:aws:dynamodb")),
        (
            "arn:aws:s3:::bucket",
            (
                "ValidationException",
                f"{INVALID}Provided Arn is not a DynamoDB resource arn: arn:aws:s3:::bucket",
            ),
        ),
        (ARN.replace("123456789012", "210987654321"), ("AccessDeniedException", "Access is denied")),
        (
            f"{ARN}/index/by_x",
            (
                "ValidationException",
                f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
                f"Provided resource arn: {ARN}/index/by_x",
            ),
        ),
        (
            f"{ARN}/stream/2020-01-01T00:00:00.000",
            (
                "ResourceNotFoundException",
                f"Requested resource not found: ResourceArn: {ARN}/stream/2020-01-01T00:00:00.000 not found",
            ),
        ),
        (
            f"{ARN}/backup/01",
            ("ValidationException", f"{INVALID}Provided Arn is not a DynamoDB resource arn: {ARN}/backup/01"),
        ),
        (ARN.replace("eu-west-1", "us-east-1"), invalid_table_arn(ARN.replace("eu-west-1", "us-east-1"))),
        (ARN.replace("arn:aws:", "arn:aws-cn:"), invalid_table_arn(ARN.replace("arn:aws:", "arn:aws-cn:"))),
        (ARN.replace("orders", "ab"), invalid_table_arn(ARN.replace("orders", "ab"))),
        (ARN.replace("orders", "a b c"), invalid_table_arn(ARN.replace("orders", "a b c"))),
    ],
)
def test_resource_arns(arn: str | None, error: tuple[str, str]) -> None:
    assert message_of(tagged_table, arn, NS) == error


def test_table_arn() -> None:
    assert tagged_table(ARN, NS) == "orders"
    assert tagged_table(ARN.replace("orders", "Orders.v2"), NS) == "Orders.v2"


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield Context(NS, cluster, Settings(status_delay=5.0), clock, "req", "")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


async def create(ctx: Context, **extra: Any) -> None:
    await call(
        ctx,
        "CreateTable",
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


async def listed(ctx: Context) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = (await call(ctx, "ListTagsOfResource", ResourceArn=ARN))["Tags"]
    return tags


async def test_tags_through_the_table_life_cycle(ctx: Context) -> None:
    await create(ctx, Tags=[{"Key": "a", "Value": "1"}])
    not_found = f"Requested resource not found: ResourceArn: {ARN} not found"
    with pytest.raises(ResourceNotFoundException, match=not_found):
        await listed(ctx)
    with pytest.raises(ResourceNotFoundException, match=not_found):
        await call(ctx, "UntagResource", ResourceArn=ARN, TagKeys=["a"])
    ctx.clock.advance(5.0)
    assert await listed(ctx) == [{"Key": "a", "Value": "1"}]
    await call(
        ctx, "TagResource", ResourceArn=ARN, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "3"}]
    )
    assert await listed(ctx) == [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    await call(ctx, "UpdateTable", TableName="orders", DeletionProtectionEnabled=False)
    await call(ctx, "UntagResource", ResourceArn=ARN, TagKeys=["b"])  # UPDATING: tags still change
    assert await listed(ctx) == [{"Key": "a", "Value": "3"}]
    ctx.clock.advance(5.0)

    await call(ctx, "DeleteTable", TableName="orders")
    assert await listed(ctx) == [{"Key": "a", "Value": "3"}]
    await call(ctx, "TagResource", ResourceArn=ARN, Tags=[{"Key": "a", "Value": "3"}])
    await call(ctx, "UntagResource", ResourceArn=ARN, TagKeys=["zz"])
    with pytest.raises(ResourceInUseException, match=r"Table is being deleted: orders$"):
        await call(ctx, "UntagResource", ResourceArn=ARN, TagKeys=["a"])
    ctx.clock.advance(5.0)
    with pytest.raises(ResourceNotFoundException, match=not_found):
        await listed(ctx)

    await create(ctx)
    ctx.clock.advance(5.0)
    assert await listed(ctx) == []


async def test_requests_are_checked_before_the_table_is_looked_up(ctx: Context) -> None:
    with pytest.raises(ValidationException, match=r"^Atleast one Tag needs to be provided as Input\.$"):
        await call(ctx, "TagResource", ResourceArn=ARN, Tags=[])
    with pytest.raises(AccessDeniedException):
        await call(ctx, "TagResource", ResourceArn=ARN.replace(NS.account, "000000000000"), Tags=[])
    with pytest.raises(ResourceNotFoundException):
        await call(ctx, "TagResource", ResourceArn=ARN, Tags=[{"Key": "k", "Value": "v"}])


async def test_create_table_keeps_checked_tags(ctx: Context) -> None:
    with pytest.raises(ValidationException, match="Tag Key cannot be prefixed with aws:, Key: AWS:k"):
        await create(ctx, Tags=[{"Key": "AWS:k", "Value": "v"}])
    await create(ctx, Tags=[{"Key": "k", "Value": ""}])
    meta = await ctx.cluster.get_table(NS, "orders")
    assert meta.spec["tags"] == [{"Key": "k", "Value": ""}]


async def test_limits_and_endpoints(ctx: Context) -> None:
    assert await call(ctx, "DescribeLimits") == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }
    # Without a Host header (HTTP/1.0), the address the server listens on.
    assert await call(ctx, "DescribeEndpoints") == {
        "Endpoints": [{"Address": "127.0.0.1:8000", "CachePeriodInMinutes": 1440}]
    }
