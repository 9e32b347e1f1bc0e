"""TagResource, UntagResource and ListTagsOfResource, and the Tags of CreateTable: upserts, removals, the
50-tag limit, the characters AWS allows, the ARN forms it refuses, and tags going with their table.

DynamoDB Local has no tagging at all (every tag operation answers UnknownOperationException "Tagging is
not currently supported in DynamoDB Local."), so the messages come from AWS observations and dynalite's
recordings (see app/operations/tag_rules.py and tag_arns.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import MakeTable, Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, validation

pytestmark = pytest.mark.reference_deviation(
    "DynamoDB Local does not implement tagging (UnknownOperationException)"
)
INVALID = "One or more parameter values were invalid: "
TOO_MANY = "Number of Tags exceed the current limit for the provided ResourceArn"
HASH = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def tags_of(ddb: Any, arn: str) -> dict[str, str]:
    listed = ddb.list_tags_of_resource(ResourceArn=arn)
    assert "NextToken" not in listed
    return {tag["Key"]: tag["Value"] for tag in listed["Tags"]}


def arn_of(ddb: Any, table: str) -> str:
    arn: str = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    return arn


@pytest.fixture(scope="module")
def untouched(target: Target) -> Iterator[tuple[str, str]]:
    """(name, ARN) of a table whose tags no test changes (requests on it fail)."""
    client = target.client()
    name = create_table(client, unique_name("tags"), Tags=[{"Key": "kept", "Value": "yes"}])
    yield name, arn_of(client, name)
    client.delete_table(TableName=name)


def tags(count: int, prefix: str = "k", value: str = "v") -> list[dict[str, str]]:
    return [{"Key": f"{prefix}{i:02d}", "Value": value} for i in range(count)]


def test_tag_untag_and_list(ddb: Any, make_table: MakeTable) -> None:
    table = make_table(Tags=[{"Key": "team", "Value": "core"}, {"Key": "env", "Value": "dev"}])
    arn = arn_of(ddb, table)
    assert tags_of(ddb, arn) == {"team": "core", "env": "dev"}
    assert "Tags" not in ddb.describe_table(TableName=table)["Table"]

    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "cost", "Value": ""}])
    assert tags_of(ddb, arn) == {"team": "core", "env": "prod", "cost": ""}

    ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "never-set"])
    assert tags_of(ddb, arn) == {"env": "prod", "cost": ""}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["never-set"])  # removing an absent key is fine
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env", "cost"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_keys_are_case_sensitive_and_allow_letters_of_any_script(ddb: Any, make_table: MakeTable) -> None:
    arn = arn_of(ddb, make_table())
    allowed = {
        "Env": "",
        "env": "x",
        " sp ace": "a b+c-d=e.f_g:h/i@j",
        "ключ": "значение",
        "café": "表",
        "nbsp\u00a0and\u3000ideographic space": "9",
        "k" * 128: "v" * 256,
        "myaws:prefix-inside": "ok",
    }
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in allowed.items()])
    assert tags_of(ddb, arn) == allowed


def test_fifty_tags_per_table(ddb: Any, make_table: MakeTable) -> None:
    arn = arn_of(ddb, make_table(Tags=tags(49)))
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k49", "Value": "v"}])
    assert len(tags_of(ddb, arn)) == 50
    # Changing the values of all 50 is fine; one more key is not, even alongside existing ones.
    ddb.tag_resource(ResourceArn=arn, Tags=tags(50, value="w"))
    assert set(tags_of(ddb, arn).values()) == {"w"}
    assert validation(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "k50", "Value": "v"}]) == TOO_MANY
    more = [{"Key": "k00", "Value": "new"}, {"Key": "extra", "Value": "v"}]
    assert validation(ddb.tag_resource, ResourceArn=arn, Tags=more) == TOO_MANY
    assert tags_of(ddb, arn)["k00"] == "w"  # a refused request changes nothing
    ddb.untag_resource(ResourceArn=arn, TagKeys=["k00"])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "extra", "Value": "v"}])
    assert len(tags_of(ddb, arn)) == 50


def test_tags_go_with_their_table(ddb: Any, table_name: str) -> None:
    ddb.create_table(TableName=table_name, **HASH, Tags=[{"Key": "generation", "Value": "1"}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = arn_of(ddb, table_name)
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "more", "Value": "x"}])
    ddb.delete_table(TableName=table_name)
    ddb.get_waiter("table_not_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    assert error_of(ddb.list_tags_of_resource, ResourceArn=arn) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourceArn: {arn} not found",
    )
    ddb.create_table(TableName=table_name, **HASH, Tags=[])  # an empty list is accepted here
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


@pytest.mark.parametrize(
    ("request_tags", "message"),
    [
        pytest.param(
            [{"Key": "AWS:owner", "Value": "x"}], "Tag Key cannot be prefixed with aws:, Key: AWS:owner"
        ),
        pytest.param([{"Key": "a#b", "Value": "x"}], "The Tag Key provided is invalid, Key: a#b"),
        pytest.param(
            [{"Key": "ok", "Value": "x"}, {"Key": "ok", "Value": "y"}],
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found ok",
        ),
    ],
)
def test_create_table_checks_tags_like_tag_resource(
    ddb: Any, table_name: str, request_tags: list[dict[str, str]], message: str
) -> None:
    assert validation(ddb.create_table, TableName=table_name, **HASH, Tags=request_tags) == message
    assert error_of(ddb.describe_table, TableName=table_name)[0] == "ResourceNotFoundException"


TAG_ERRORS = [
    pytest.param([], "Atleast one Tag needs to be provided as Input.", id="no-tags"),
    pytest.param(tags(51), TOO_MANY, id="fifty-one"),
    pytest.param(
        [{"Key": "aws:x", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: aws:x", id="aws"
    ),
    pytest.param(
        [{"Key": "Aws:x", "Value": "v"}], "Tag Key cannot be prefixed with aws:, Key: Aws:x", id="Aws"
    ),
    pytest.param([{"Key": "a,b", "Value": "v"}], "The Tag Key provided is invalid, Key: a,b", id="comma-key"),
    pytest.param([{"Key": "🔑", "Value": "v"}], "The Tag Key provided is invalid, Key: 🔑", id="emoji-key"),
    pytest.param(
        [{"Key": "k", "Value": "100%"}], "The Tag Value provided is invalid, Value: 100%", id="percent"
    ),
    pytest.param([{"Key": "k", "Value": "<a>"}], "The Tag Value provided is invalid, Value: <a>", id="angle"),
    pytest.param(
        [{"Key": "good", "Value": "v"}, {"Key": "bad#", "Value": "v"}],
        "The Tag Key provided is invalid, Key: bad#",
        id="one-bad-of-two",
    ),
    pytest.param(
        [{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}],
        "Duplicate Tag Keys provided as input: Duplicate Tag Key found dup",
        id="duplicate",
    ),
    pytest.param(
        [{"Key": "k" * 129, "Value": "v"}],
        f"The Tag Key provided is invalid, Key: {'k' * 129}",
        id="key-129",
    ),
    pytest.param(
        [{"Key": "k", "Value": "v" * 257}],
        f"The Tag Value provided is invalid, Value: {'v' * 257}",
        id="value-257",
    ),
    pytest.param(
        [{"Key": "", "Value": "v"}],
        "The Tag Key provided is invalid, Key: ",
        id="empty-key",
    ),
    pytest.param([{"Key": "k"}], "The Tag Value provided is invalid, Value: null", id="no-value"),
    pytest.param([{}], "The Tag Key provided is invalid, Key: null", id="empty-tag"),
]


@pytest.mark.parametrize(("request_tags", "message"), TAG_ERRORS)
def test_tag_resource_rules(
    ddb: Any, untouched: tuple[str, str], request_tags: list[dict[str, str]], message: str
) -> None:
    _, arn = untouched
    assert validation(ddb.tag_resource, ResourceArn=arn, Tags=request_tags) == message
    assert tags_of(ddb, arn) == {"kept": "yes"}


UNTAG_ERRORS = [
    pytest.param([], "Atleast one Tag Key needs to be provided as Input.", id="no-keys"),
    pytest.param([f"k{i}" for i in range(51)], TOO_MANY, id="fifty-one"),
    pytest.param(["kept", "aws:x"], "Tag Key cannot be prefixed with aws:, Key: aws:x", id="aws"),
    pytest.param(["kept", "a|b"], "The Tag Key provided is invalid, Key: a|b", id="pipe"),
    pytest.param([""], "The Tag Key provided is invalid, Key: ", id="empty"),
    pytest.param(["k" * 129], f"The Tag Key provided is invalid, Key: {'k' * 129}", id="129"),
]


@pytest.mark.parametrize(("keys", "message"), UNTAG_ERRORS)
def test_untag_resource_rules(ddb: Any, untouched: tuple[str, str], keys: list[str], message: str) -> None:
    _, arn = untouched
    assert validation(ddb.untag_resource, ResourceArn=arn, TagKeys=keys) == message
    assert tags_of(ddb, arn) == {"kept": "yes"}


def _other_region(target: Target) -> str:
    return "eu-west-1" if target.region != "eu-west-1" else "us-east-1"


def test_resource_arn_forms(ddb: Any, target: Target, untouched: tuple[str, str]) -> None:
    name, arn = untouched
    prefix, _, _ = arn.rpartition(":table/")
    _, _, region, account = prefix.split(":", 4)[1:]
    not_found = "ResourceNotFoundException"
    expected = {
        name: ("ValidationException", f"{INVALID}ARNs must start with 'arn:': {name}"),
        f"{arn}/index/by_x": (
            "ValidationException",
            f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
            f"Provided resource arn: {arn}/index/by_x",
        ),
        f"{arn}/backup/01700000000000-abcdef12": (
            "ValidationException",
            f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}/backup/01700000000000-abcdef12",
        ),
        f"{arn}/stream/2020-01-01T00:00:00.000": (
            not_found,
            f"Requested resource not found: ResourceArn: {arn}/stream/2020-01-01T00:00:00.000 not found",
        ),
        f"{arn}-missing": (not_found, f"Requested resource not found: ResourceArn: {arn}-missing not found"),
        f"{prefix}:table/{name.upper()}": (
            not_found,
            f"Requested resource not found: ResourceArn: {prefix}:table/{name.upper()} not found",
        ),
        f"{prefix}:table/ab": (
            "ValidationException",
            f"Invalid TableArn: Invalid ResourceArn provided as input {prefix}:table/ab",
        ),
    }
    other_region = arn.replace(f":{region}:", f":{_other_region(target)}:")
    expected[other_region] = (
        "ValidationException",
        f"Invalid TableArn: Invalid ResourceArn provided as input {other_region}",
    )
    stranger = "111122223333" if account != "111122223333" else "444455556666"
    other_account = arn.replace(f":{account}:", f":{stranger}:")
    expected[other_account] = ("AccessDeniedException", "Access is denied")
    for resource_arn, error in expected.items():
        assert error_of(ddb.list_tags_of_resource, ResourceArn=resource_arn) == error, resource_arn
        assert (
            error_of(ddb.tag_resource, ResourceArn=resource_arn, Tags=[{"Key": "k", "Value": "v"}]) == error
        )
        assert error_of(ddb.untag_resource, ResourceArn=resource_arn, TagKeys=["kept"]) == error
    assert tags_of(ddb, arn) == {"kept": "yes"}


def test_arn_is_checked_before_the_tags(ddb: Any, untouched: tuple[str, str]) -> None:
    name, arn = untouched
    bare = f"{INVALID}ARNs must start with 'arn:': {name}"
    assert validation(ddb.tag_resource, ResourceArn=name, Tags=[]) == bare
    missing = f"{arn}-missing"
    no_tags = "Atleast one Tag needs to be provided as Input."
    assert validation(ddb.tag_resource, ResourceArn=missing, Tags=[]) == no_tags
    assert validation(ddb.untag_resource, ResourceArn=missing, TagKeys=["aws:k"]) == (
        "Tag Key cannot be prefixed with aws:, Key: aws:k"
    )


def test_missing_resource_arn(ddb: Any) -> None:
    assert validation(ddb.list_tags_of_resource) == "Invalid TableArn"


STATUS_DELAY = 0.5


@pytest.fixture(scope="module")
def slow_tables() -> Iterator[Any]:
    with localddb_client("--status-delay", str(STATUS_DELAY)) as client:
        yield client


@pytest.mark.localddb_only("--status-delay is a localddb option")
def test_tags_while_creating_and_deleting(target: Target, slow_tables: Any) -> None:
    client = slow_tables
    name = unique_name("tags-status")
    arn = client.create_table(TableName=name, **HASH, Tags=[{"Key": "a", "Value": "1"}])["TableDescription"][
        "TableArn"
    ]
    absent = ("ResourceNotFoundException", f"Requested resource not found: ResourceArn: {arn} not found")
    # AWS's tagging learns of a table when it becomes ACTIVE; CreateTable's own tags appear then.
    assert error_of(client.list_tags_of_resource, ResourceArn=arn) == absent
    assert error_of(client.tag_resource, ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}]) == absent
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    assert tags_of(client, arn) == {"a": "1"}

    client.delete_table(TableName=name)
    assert tags_of(client, arn) == {"a": "1"}
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}])  # changes nothing: accepted
    client.untag_resource(ResourceArn=arn, TagKeys=["never-set"])
    assert error_of(client.tag_resource, ResourceArn=arn, Tags=[{"Key": "a", "Value": "2"}]) == (
        "ResourceInUseException",
        f"Attempt to change a resource which is still in use: Table is being deleted: {name}",
    )
    time.sleep(STATUS_DELAY)
    assert error_of(client.list_tags_of_resource, ResourceArn=arn) == absent
