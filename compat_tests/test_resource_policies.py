"""PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy, and CreateTable's ResourcePolicy: revisions,
ExpectedRevisionId, the canonical form a policy is read back in, the document checks, the ARN forms, the
stream's own slot, and policies going with their table.

DynamoDB Local does not implement resource policies; the messages come from AWS observations and moto's
aws-verified tests (see app/operations/resource_policies.py). On AWS a policy change is applied a second or
two late and a second change within 15 s is refused, so `changed` and `policy_of` retry there; localddb
answers at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import MakeTable, Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, validation

pytestmark = pytest.mark.reference_deviation(
    "DynamoDB Local does not implement resource-based policies (UnknownOperationException)"
)
INVALID = "One or more parameter values were invalid: "
NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "
HASH = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


class _Any:
    """Equal to anything (a response's metadata)."""

    def __eq__(self, other: object) -> bool:
        return True


ANY = _Any()


def arn_parts(arn: str) -> tuple[str, str, str]:
    """(region, account, table name) of a table ARN."""
    prefix, _, name = arn.rpartition(":table/")
    _, _, region, account = prefix.split(":", 4)[1:]
    return region, account, name


def statement(arn: str, action: Any = "dynamodb:GetItem", **extra: Any) -> dict[str, Any]:
    account = arn_parts(arn)[1]
    return {"Effect": "Allow", "Principal": {"AWS": account}, "Action": action, "Resource": arn} | extra


def document(arn: str, *statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements) or [statement(arn)]})


def changed(call: Callable[..., Any], **params: Any) -> Any:
    """A policy change; on AWS retried while a previous change is still applying or within its 15 s."""
    for _ in range(40):
        try:
            return call(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code not in ("ThrottlingException", "ResourceInUseException") or "policy" not in str(error):
                raise
            time.sleep(1)
    raise AssertionError("policy change refused for 40 s")


def policy_of(ddb: Any, arn: str, revision: str | None) -> dict[str, Any] | None:
    """GetResourcePolicy's answer once it shows `revision` (None: once there is no policy)."""
    for _ in range(20):
        try:
            answer: dict[str, Any] = ddb.get_resource_policy(ResourceArn=arn)
        except ClientError as error:
            if error.response["Error"]["Code"] != "PolicyNotFoundException":
                raise
            if revision is None:
                return None
        else:
            if answer["RevisionId"] == revision:
                return answer
        time.sleep(1)
    raise AssertionError(f"revision {revision} not seen")


@pytest.fixture(scope="module")
def untouched(target: Target) -> Iterator[tuple[str, str]]:
    """(ARN, stream ARN) of a table with a stream and a policy that no test changes."""
    client = target.client()
    name = create_table(
        client,
        unique_name("policy"),
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    table = client.describe_table(TableName=name)["Table"]
    arn = table["TableArn"]
    changed(client.put_resource_policy, ResourceArn=arn, Policy=document(arn))
    yield arn, table["LatestStreamArn"]
    client.delete_table(TableName=name)


def test_put_get_and_delete(ddb: Any, make_table: MakeTable) -> None:
    arn = ddb.describe_table(TableName=make_table())["Table"]["TableArn"]
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == ("PolicyNotFoundException", NOT_FOUND + arn)
    deleted = ddb.delete_resource_policy(ResourceArn=arn)
    assert "RevisionId" not in deleted  # no policy ever: nothing to name

    pretty = json.dumps(json.loads(document(arn, statement(arn, ["dynamodb:GetItem"]))), indent=4)
    first = changed(ddb.put_resource_policy, ResourceArn=arn, Policy=pretty)["RevisionId"]
    assert len(first) == 13 and first.isdigit()  # epoch milliseconds of the change
    account = arn_parts(arn)[1]
    canonical = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'
        + account
        + ':root"},"Action":"dynamodb:GetItem","Resource":"'
        + arn
        + '"}]}'
    )
    assert policy_of(ddb, arn, first) == {"Policy": canonical, "RevisionId": first, "ResponseMetadata": ANY}
    # An equivalent document (any layout, key order, 1-element list) changes nothing.
    for same in (canonical, document(arn), json.dumps(json.loads(pretty), sort_keys=True)):
        assert ddb.put_resource_policy(ResourceArn=arn, Policy=same)["RevisionId"] == first

    other = document(arn, statement(arn, ["dynamodb:GetItem", "dynamodb:Query"]))
    second = changed(ddb.put_resource_policy, ResourceArn=arn, Policy=other)["RevisionId"]
    assert second > first
    assert policy_of(ddb, arn, second) is not None

    assert changed(ddb.delete_resource_policy, ResourceArn=arn)["RevisionId"] == second
    assert policy_of(ddb, arn, None) is None
    # After a real delete, Delete answers the deletion's own revision (a tombstone), later than `second`.
    tombstone = ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"]
    assert tombstone > second
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == tombstone


def test_expected_revision_id(ddb: Any, make_table: MakeTable) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    policy = document(arn)
    nothing = f"{NOT_FOUND}Requested update for policy with revision id 123456789, but table {name} has no "
    assert error_of(
        ddb.put_resource_policy, ResourceArn=arn, Policy=policy, ExpectedRevisionId="123456789"
    ) == (
        "PolicyNotFoundException",
        nothing + "associated policy.",
    )
    assert error_of(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId="123456789") == (
        "PolicyNotFoundException",
        nothing + "associated policy.",
    )
    first = changed(ddb.put_resource_policy, ResourceArn=arn, Policy=policy, ExpectedRevisionId="NO_POLICY")
    revision = first["RevisionId"]
    assert error_of(
        ddb.put_resource_policy, ResourceArn=arn, Policy=policy, ExpectedRevisionId="NO_POLICY"
    ) == (
        "PolicyNotFoundException",
        f"{NOT_FOUND}Requested policy update expecting none to be present for table {name}, but a policy "
        f"exists with revision id {revision}.",
    )
    mismatch = (
        "PolicyNotFoundException",
        f"{NOT_FOUND}Requested update for policy with revision id 1, but the policy associated to target "
        f"table {name} has revision id {revision}.",
    )
    other = document(arn, statement(arn, "dynamodb:Query"))
    assert (
        error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=other, ExpectedRevisionId="1") == mismatch
    )
    assert error_of(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId="1") == mismatch
    assert policy_of(ddb, arn, revision) is not None
    second = changed(ddb.put_resource_policy, ResourceArn=arn, Policy=other, ExpectedRevisionId=revision)
    assert second["RevisionId"] > revision
    deleted = changed(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=second["RevisionId"])
    assert deleted["RevisionId"] == second["RevisionId"]


def test_document_checks(ddb: Any, untouched: tuple[str, str]) -> None:
    arn, _ = untouched
    kept = ddb.get_resource_policy(ResourceArn=arn)
    bad = INVALID + "Invalid policy document: "
    refused = {
        "{not json": bad + "This policy contains invalid Json",
        "": bad + "This policy contains invalid Json",
        json.dumps({"Version": "2012-10-17", "Statement": []}): bad
        + "Could not parse the policy: Statement is empty!",
        document(arn, {k: v for k, v in statement(arn).items() if k != "Resource"}): bad
        + "Missing required field Resource",
        document(arn, statement(arn, Sid="a"), statement(arn, "dynamodb:Query", Sid="a")): bad
        + "The Statement Ids in the policy are not unique",
        document(
            arn, statement(arn, Principal="*")
        ): "Resource-based policy grants unbounded access in one or "
        "more elements. Please revise the policy to ensure least-privilege form of access",
        document(arn, statement(arn, Principal={"AWS": "*"})): "Resource-based policy grants unbounded "
        "access in one or more elements. Please revise the policy to ensure least-privilege form of access",
        document(arn) + " " * 20481: INVALID + "Maximum policy size of 20480 bytes exceeded",
    }
    for policy, message in refused.items():
        assert validation(ddb.put_resource_policy, ResourceArn=arn, Policy=policy) == message, policy[:80]
    assert ddb.get_resource_policy(ResourceArn=arn)["RevisionId"] == kept["RevisionId"]


def test_resource_arn_forms(ddb: Any, target: Target, untouched: tuple[str, str]) -> None:
    arn, stream = untouched
    region, account, name = arn_parts(arn)
    prefix = arn.rpartition(":table/")[0]
    other_region = arn.replace(f":{region}:", ":eu-west-1:" if region != "eu-west-1" else ":us-east-1:")
    stranger = "111122223333" if account != "111122223333" else "444455556666"
    missing = ("ResourceNotFoundException", f"Requested resource not found: Table: {name}-missing not found")
    expected = {
        name: ("ValidationException", f"{INVALID}ARNs must start with 'arn:': {name}"),
        f"{arn}-missing": missing,
        f"{prefix}:table/{name.upper()}": (
            "ResourceNotFoundException",
            f"Requested resource not found: Table: {name.upper()} not found",
        ),
        arn.replace(f":{account}:", f":{stranger}:"): (
            "ValidationException",
            "This action is only supported by accounts that match the resource owner\u2019s account.",
        ),
        other_region: ("ValidationException", f"{INVALID}Invalid resource Arn: {other_region}"),
        arn.replace("arn:aws:", "arn:aws-cn:"): (
            "ValidationException",
            f"{INVALID}Invalid resource Arn: {arn.replace('arn:aws:', 'arn:aws-cn:')}",
        ),
        f"{arn}/index/by_x": (
            "ValidationException",
            f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
            f"Provided resource arn: {arn}/index/by_x",
        ),
        f"{arn}/backup/01700000000000-abcdef12": (
            "ValidationException",
            f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}/backup/01700000000000-abcdef12",
        ),
    }
    for resource_arn, error in expected.items():
        assert error_of(ddb.get_resource_policy, ResourceArn=resource_arn) == error, resource_arn
        assert error_of(ddb.delete_resource_policy, ResourceArn=resource_arn) == error, resource_arn
        put = error_of(ddb.put_resource_policy, ResourceArn=resource_arn, Policy=document(arn))
        assert put == error, resource_arn
    assert error_of(ddb.get_resource_policy, ResourceArn=f"{arn}/stream/2000-01-01T00:00:00.000") == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: 2000-01-01T00:00:00.000 not found for Table: {name}",
    )
    # The stream has a policy slot of its own, empty here although the table has a policy.
    assert error_of(ddb.get_resource_policy, ResourceArn=stream) == (
        "PolicyNotFoundException",
        NOT_FOUND + stream,
    )


def test_stream_policy_is_its_own(ddb: Any, make_table: MakeTable) -> None:
    table = ddb.describe_table(
        TableName=make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    )["Table"]
    arn, stream = table["TableArn"], table["LatestStreamArn"]
    policy = document(stream, statement(stream, "dynamodb:GetRecords"))
    revision = changed(ddb.put_resource_policy, ResourceArn=stream, Policy=policy)["RevisionId"]
    assert policy_of(ddb, stream, revision) is not None
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == ("PolicyNotFoundException", NOT_FOUND + arn)
    assert changed(ddb.delete_resource_policy, ResourceArn=stream)["RevisionId"] == revision
    assert policy_of(ddb, stream, None) is None


def test_create_table_policy_goes_with_its_table(ddb: Any, table_name: str) -> None:
    arn = ddb.create_table(TableName=table_name, **HASH)["TableDescription"]["TableArn"]
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    ddb.delete_table(TableName=table_name)
    ddb.get_waiter("table_not_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    gone = ("ResourceNotFoundException", f"Requested resource not found: Table: {table_name} not found")
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == gone
    assert error_of(ddb.put_resource_policy, ResourceArn=arn, Policy=document(arn)) == gone
    assert error_of(ddb.delete_resource_policy, ResourceArn=arn) == gone

    assert validation(ddb.create_table, TableName=table_name, **HASH, ResourcePolicy="{not json") == (
        INVALID + "Invalid policy document: This policy contains invalid Json"
    )
    pretty = json.dumps(json.loads(document(arn)), indent=2)
    ddb.create_table(TableName=table_name, **HASH, ResourcePolicy=pretty)
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    created = policy_of_any(ddb, arn)
    assert json.loads(created["Policy"])["Statement"][0]["Action"] == "dynamodb:GetItem"
    assert created["Policy"] == created["Policy"].replace(" ", "")
    ddb.delete_table(TableName=table_name)
    ddb.get_waiter("table_not_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    ddb.create_table(TableName=table_name, **HASH)
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == ("PolicyNotFoundException", NOT_FOUND + arn)


def policy_of_any(ddb: Any, arn: str) -> dict[str, Any]:
    for _ in range(20):
        try:
            answer: dict[str, Any] = ddb.get_resource_policy(ResourceArn=arn)
            return answer
        except ClientError as error:
            if error.response["Error"]["Code"] != "PolicyNotFoundException":
                raise
        time.sleep(1)
    raise AssertionError("no policy")


STATUS_DELAY = 0.5


@pytest.mark.localddb_only("--status-delay is a localddb option")
def test_policies_while_creating_and_deleting(target: Target) -> None:
    with localddb_client("--status-delay", str(STATUS_DELAY)) as client:
        name = unique_name("policy-status")
        arn = client.create_table(TableName=name, **HASH)["TableDescription"]["TableArn"]
        absent = ("ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
        policy = document(arn)
        assert error_of(client.get_resource_policy, ResourceArn=arn) == absent
        assert error_of(client.put_resource_policy, ResourceArn=arn, Policy=policy) == absent
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
        revision = client.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"]

        client.delete_table(TableName=name)
        assert client.get_resource_policy(ResourceArn=arn)["RevisionId"] == revision
        assert client.put_resource_policy(ResourceArn=arn, Policy=policy)["RevisionId"] == revision
        in_use = (
            "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table is being deleted: {name}",
        )
        other = document(arn, statement(arn, "dynamodb:Query"))
        assert error_of(client.put_resource_policy, ResourceArn=arn, Policy=other) == in_use
        assert error_of(client.delete_resource_policy, ResourceArn=arn) == in_use
        time.sleep(STATUS_DELAY)
        assert error_of(client.get_resource_policy, ResourceArn=arn) == absent
