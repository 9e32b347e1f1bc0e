"""Tables belong to an (account, region): other regions and other accounts never see them, and ARNs name
both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.servers import start_localddb


def _name_in_all_tables(client: Any, name: str) -> bool:
    paginator = client.get_paginator("list_tables")
    return any(name in page["TableNames"] for page in paginator.paginate())


def test_tables_of_one_region_are_invisible_in_another(target: Target, make_table: Any) -> None:
    name = make_table()
    other = replace(target, region="eu-west-1" if target.region != "eu-west-1" else "us-west-2").client()
    assert not _name_in_all_tables(other, name)
    with pytest.raises(ClientError) as caught:
        other.describe_table(TableName=name)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.reference_deviation("DynamoDB Local reports the region in ARNs as 'ddblocal'")
def test_table_arn_names_region(ddb: Any, target: Target, make_table: Any) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn.startswith(f"arn:aws:dynamodb:{target.region}:")
    assert arn.endswith(f":table/{name}")


ACCOUNT_ONE = ("AKIDACCOUNTONE", "secret-one", "111111111111")
ACCOUNT_TWO = ("AKIDACCOUNTTWO", "secret-two", "222222222222")


@pytest.fixture(scope="module")
def two_accounts() -> Iterator[tuple[Target, Target]]:
    keys = ",".join(":".join(account) for account in (ACCOUNT_ONE, ACCOUNT_TWO))
    server = start_localddb("--auth", "strict", "--access-keys", keys)
    one, two = (
        Target("localddb", server.endpoint_url, "us-east-1", key, secret)
        for key, secret, _ in (ACCOUNT_ONE, ACCOUNT_TWO)
    )
    try:
        yield one, two
    finally:
        server.stop()


@pytest.mark.localddb_only("needs a server configured with two accounts' keys")
def test_accounts_are_isolated_and_named_in_arns(target: Target, two_accounts: tuple[Target, Target]) -> None:
    one, two = (account.client() for account in two_accounts)
    name = create_table(one, unique_name("acct"))
    assert _name_in_all_tables(one, name)
    assert not _name_in_all_tables(two, name)
    # the same name is free in the other account
    create_table(two, name)
    arn_one = one.describe_table(TableName=name)["Table"]["TableArn"]
    arn_two = two.describe_table(TableName=name)["Table"]["TableArn"]
    assert arn_one == f"arn:aws:dynamodb:us-east-1:{ACCOUNT_ONE[2]}:table/{name}"
    assert arn_two == f"arn:aws:dynamodb:us-east-1:{ACCOUNT_TWO[2]}:table/{name}"
    one.put_item(TableName=name, Item={"pk": {"S": "only-in-one"}})
    assert "Item" not in two.get_item(TableName=name, Key={"pk": {"S": "only-in-one"}})
