"""Resource policies: the ARN forms, the document checks and canonical form, revisions and ExpectedRevisionId,
and the handlers against an in-memory cluster with a controlled clock (CREATING, DELETING, tombstones,
a legacy spec, CreateTable's ResourcePolicy)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.clock import Clock
from app.errors import (
    DynamoDBError,
    PolicyNotFoundException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from app.operations.registry import REGISTRY, Context
from app.operations.resource_policies import (
    MAX_POLICY_BYTES,
    PolicyTarget,
    check_expected,
    checked_policy,
    policy_target,
    revision_at,
)
from app.operations.table_spec import copy_spec
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace, StorageConfig

NS = Namespace("123456789012", "eu-west-1")
ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
INVALID = "One or more parameter values were invalid: "


def error_of(call: Any, *args: Any) -> tuple[str, str]:
    with pytest.raises(DynamoDBError) as raised:
        call(*args)
    return type(raised.value).__name__, str(raised.value)


def policy(*statements: dict[str, Any]) -> str:
    default = {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "dynamodb:GetItem"}
    return json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements) or [default | {"Resource": ARN}]}
    )


def test_arn_forms() -> None:
    assert policy_target(ARN, NS) == PolicyTarget(ARN, "orders")
    stream = f"{ARN}/stream/2024-01-01T00:00:00.000"
    assert policy_target(stream, NS) == PolicyTarget(stream, "orders", "2024-01-01T00:00:00.000")
    invalid = ("ValidationException", f"{INVALID}Invalid resource Arn: ")
    cases = {
        "orders": ("ValidationException", f"{INVALID}ARNs must start with 'arn:': orders"),
        ARN.replace("eu-west-1", "us-east-1"): invalid,
        ARN.replace("arn:aws:", "arn:aws-cn:"): invalid,
        ARN.replace("/orders", "/ab"): invalid,
        "arn:aws:dynamodb:eu-west-1": invalid,
        f"{ARN}/stream/": invalid,
        f"{ARN}/stream/x/y": invalid,
        ARN.replace("123456789012", "111122223333"): (
            "ValidationException",
            "This action is only supported by accounts that match the resource owner\u2019s account.",
        ),
        f"{ARN}/index/by_x": (
            "ValidationException",
            f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
            "Provided resource arn: ",
        ),
        f"{ARN}/backup/0170": (
            "ValidationException",
            f"{INVALID}Provided Arn is not a DynamoDB resource arn: ",
        ),
        ARN.replace(":dynamodb:", ":s3:"): (
            "ValidationException",
            f"{INVALID}Provided Arn is not a DynamoDB resource arn: ",
        ),
    }
    for arn, (kind, start) in cases.items():
        code, message = error_of(policy_target, arn, NS)
        assert code == kind, arn
        assert message.startswith(start), arn
        if start.endswith(": ") and start != cases["orders"][1]:
            assert message == start + arn


def test_canonical_form() -> None:
    pretty = json.dumps(
        {
            "Statement": [
                {
                    "Resource": [ARN, ARN],
                    "Action": ["dynamodb:GetItem"],
                    "Principal": {"AWS": ["123456789012", "arn:aws:iam::123456789012:root"]},
                    "Effect": "Allow",
                    "Sid": "read",
                }
            ],
            "Version": "2012-10-17",
        },
        indent=4,
    )
    assert checked_policy(pretty) == (
        '{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Allow","Principal":{"AWS":'
        '"arn:aws:iam::123456789012:root"},"Action":"dynamodb:GetItem","Resource":"' + ARN + '"}]}'
    )
    assert checked_policy(checked_policy(pretty)) == checked_policy(pretty)
    two = policy({"Effect": "Deny", "Principal": "*", "Action": ["a", "b"], "Resource": "*"})
    assert json.loads(checked_policy(two))["Statement"][0]["Action"] == ["a", "b"]


@given(st.dictionaries(st.sampled_from(["Sid", "Condition", "Action", "Extra"]), st.text(max_size=5)))
def test_canonical_form_is_a_fixpoint(members: dict[str, str]) -> None:
    statement = {"Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Resource": ARN} | members
    once = checked_policy(policy(statement))
    assert checked_policy(once) == once
    assert json.loads(once)["Statement"][0].keys() >= {"Effect", "Principal", "Resource"}


def test_document_checks() -> None:
    doc = INVALID + "Invalid policy document: "
    allow_all = {"Effect": "Allow", "Principal": "*", "Action": "x", "Resource": ARN}
    unbounded = "Resource-based policy grants unbounded access in one or more elements. "
    cases = {
        "{": doc + "This policy contains invalid Json",
        "[1]": doc + "This policy contains invalid Json",
        json.dumps({"Statement": []}): doc + "Could not parse the policy: Statement is empty!",
        json.dumps({"Version": "2012-10-17"}): doc + "Could not parse the policy: Statement is empty!",
        policy({"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "x"}): doc
        + "Missing required field Resource",
        policy(allow_all | {"Sid": "a", "Effect": "Deny"}, allow_all | {"Sid": "a", "Effect": "Deny"}): doc
        + "The Statement Ids in the policy are not unique",
        policy(allow_all): unbounded,
        policy(allow_all | {"Principal": {"AWS": ["123456789012", "*"]}}): unbounded,
        " " * (MAX_POLICY_BYTES - 1) + "é": INVALID + "Maximum policy size of 20480 bytes exceeded",
    }
    for text, message in cases.items():
        code, got = error_of(checked_policy, text)
        assert code == "ValidationException"
        assert got.startswith(message), text[:60]
    # An Allow to everyone with a Condition, and a Deny to everyone, are not unbounded.
    checked_policy(policy(allow_all | {"Condition": {"StringEquals": {"aws:PrincipalAccount": "1"}}}))
    checked_policy(policy(allow_all | {"Effect": "Deny"}))
    checked_policy(policy() + " " * (MAX_POLICY_BYTES - len(policy())))


def test_revisions_increase() -> None:
    assert revision_at(1700000000.1234, None) == "1700000000123"
    assert revision_at(1700000000.1234, "1700000000123") == "1700000000124"
    assert revision_at(1700000001.0, "1700000000123") == "1700000001000"


def test_expected_revision() -> None:
    target = PolicyTarget(ARN, "orders")
    held = {"Policy": "{}", "RevisionId": "5"}
    check_expected(None, held, target, put=True)
    check_expected("5", held, target, put=False)
    check_expected("NO_POLICY", None, target, put=True)
    check_expected("NO_POLICY", {"Policy": None, "RevisionId": "6"}, target, put=True)
    prefix = "Resource-based policy not found for the provided ResourceArn: Requested "
    assert error_of(check_expected, "NO_POLICY", held, target, True)[1] == (
        prefix + "policy update expecting none to be present for table orders, but a policy exists with "
        "revision id 5."
    )
    assert error_of(check_expected, "NO_POLICY", held, target, False)[1] == (
        prefix + "update for policy with revision id NO_POLICY, but the policy associated to target table "
        "orders has revision id 5."
    )
    assert error_of(check_expected, "4", None, target, False) == (
        "PolicyNotFoundException",
        prefix + "update for policy with revision id 4, but table orders has no associated policy.",
    )


@pytest.fixture
async def ctx() -> AsyncIterator[Context]:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield Context(NS, cluster, Settings(status_delay=5.0), clock, "req", "")
    await cluster.close()


async def call(ctx: Context, operation: str, **request: Any) -> dict[str, Any]:
    import app.operations  # noqa: F401  (registers the handlers)

    return await REGISTRY[operation](request, ctx)


async def failure(ctx: Context, operation: str, **request: Any) -> DynamoDBError:
    with pytest.raises(DynamoDBError) as raised:
        await call(ctx, operation, **request)
    return raised.value


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


async def test_life_of_a_policy(ctx: Context) -> None:
    await create(ctx, ResourcePolicy=policy())
    assert isinstance(await failure(ctx, "GetResourcePolicy", ResourceArn=ARN), ResourceNotFoundException)
    ctx.clock.advance(5)
    created = await call(ctx, "GetResourcePolicy", ResourceArn=ARN)
    assert created["Policy"] == checked_policy(policy())
    assert int(created["RevisionId"]) < int(ctx.clock.now() * 1000)

    other = policy({"Effect": "Deny", "Principal": "*", "Action": "dynamodb:*", "Resource": ARN})
    second = (await call(ctx, "PutResourcePolicy", ResourceArn=ARN, Policy=other))["RevisionId"]
    assert second > created["RevisionId"]
    deleted = await call(ctx, "DeleteResourcePolicy", ResourceArn=ARN, ExpectedRevisionId=second)
    assert deleted == {"RevisionId": second}
    assert isinstance(await failure(ctx, "GetResourcePolicy", ResourceArn=ARN), PolicyNotFoundException)
    tombstone = (await call(ctx, "DeleteResourcePolicy", ResourceArn=ARN))["RevisionId"]
    assert tombstone > second
    error = await failure(ctx, "DeleteResourcePolicy", ResourceArn=ARN, ExpectedRevisionId=second)
    assert str(error).endswith(f"target table orders has revision id {tombstone}.")

    third = (await call(ctx, "PutResourcePolicy", ResourceArn=ARN, Policy=other))["RevisionId"]
    await call(ctx, "DeleteTable", TableName="orders")
    assert (await call(ctx, "GetResourcePolicy", ResourceArn=ARN))["RevisionId"] == third
    assert (await call(ctx, "PutResourcePolicy", ResourceArn=ARN, Policy=other))["RevisionId"] == third
    for operation, request in (("PutResourcePolicy", {"Policy": policy()}), ("DeleteResourcePolicy", {})):
        error = await failure(ctx, operation, ResourceArn=ARN, **request)
        assert isinstance(error, ResourceInUseException)
        assert str(error).endswith("Table is being deleted: orders")


async def test_stream_slots(ctx: Context) -> None:
    await create(ctx, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    ctx.clock.advance(5)
    table = (await call(ctx, "DescribeTable", TableName="orders"))["Table"]
    stream = table["LatestStreamArn"]
    revision = (await call(ctx, "PutResourcePolicy", ResourceArn=stream, Policy=policy()))["RevisionId"]
    assert (await call(ctx, "GetResourcePolicy", ResourceArn=stream))["RevisionId"] == revision
    assert isinstance(await failure(ctx, "GetResourcePolicy", ResourceArn=ARN), PolicyNotFoundException)
    error = await failure(ctx, "GetResourcePolicy", ResourceArn=f"{ARN}/stream/2000-01-01T00:00:00.000")
    assert (
        str(error)
        == "Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: orders"
    )
    error = await failure(
        ctx, "PutResourcePolicy", ResourceArn=stream, Policy=policy(), ExpectedRevisionId="1"
    )
    assert "target stream " in str(error)


async def test_a_legacy_spec_keeps_its_policy_text(ctx: Context) -> None:
    await create(ctx)
    ctx.clock.advance(5)
    meta = await ctx.cluster.get_table(NS, "orders")
    spec = copy_spec(meta.spec)
    spec["resource_policy"] = policy()
    await ctx.cluster.update_table(NS, "orders", spec)
    answer = await call(ctx, "GetResourcePolicy", ResourceArn=ARN)
    assert answer == {"Policy": policy(), "RevisionId": str(int(meta.created_at * 1000))}


async def test_create_table_checks_the_policy(ctx: Context) -> None:
    with pytest.raises(ValidationException, match="invalid Json"):
        await create(ctx, ResourcePolicy="{")
    assert isinstance(await failure(ctx, "GetResourcePolicy", ResourceArn=ARN), ResourceNotFoundException)
