"""Contributor Insights: UpdateContributorInsights, DescribeContributorInsights, ListContributorInsights.

AWS's behaviour as recorded against AWS (the statuses settle within seconds, so the tests poll); DynamoDB
Local does not implement these operations at all (UnknownOperationException), hence the module-wide
deviation marker.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import create_table, unique_name
from compat_tests.helpers import error_of, validation

pytestmark = pytest.mark.reference_deviation(
    "DynamoDB Local does not implement Contributor Insights: UnknownOperationException"
)

ALL, THROTTLED = "ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"
RULE = re.compile(r"DynamoDBContributorInsights-(PKC|PKT|SKC|SKT)-(.+)-(\d{13})")


def _gsi(name: str, *keys: str) -> dict[str, Any]:
    schema = [{"AttributeName": keys[0], "KeyType": "HASH"}]
    schema += [{"AttributeName": key, "KeyType": "RANGE"} for key in keys[1:]]
    return {"IndexName": name, "KeySchema": schema, "Projection": {"ProjectionType": "KEYS_ONLY"}}


@pytest.fixture(scope="module")
def tables(target: Any) -> Iterator[tuple[Any, str, str]]:
    """A client and two tables: (pk S, sk N) with a hash-only GSI `by-g`, a GSI `by-g-sk` with a sort key
    and an LSI `by-l`; and a hash-only table."""
    client = target.client()
    ranged = create_table(
        client,
        unique_name("ci"),
        range_key=("sk", "N"),
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[_gsi("by-g", "g"), _gsi("by-g-sk", "g", "sk")],
        LocalSecondaryIndexes=[_gsi("by-l", "pk", "l")],
    )
    plain = create_table(client, unique_name("ci"))
    yield client, ranged, plain
    for name in (ranged, plain):
        with contextlib.suppress(Exception):  # best-effort clean-up
            client.delete_table(TableName=name)


def settled(client: Any, expected: str, **names: Any) -> dict[str, Any]:
    """Describe until the status is `expected` (AWS settles within ~20 s)."""
    deadline = time.monotonic() + 60
    while True:
        answer = client.describe_contributor_insights(**names)
        answer.pop("ResponseMetadata")
        if answer["ContributorInsightsStatus"] == expected or time.monotonic() > deadline:
            assert answer["ContributorInsightsStatus"] == expected, answer
            return answer
        time.sleep(1)


def update(client: Any, action: str, **params: Any) -> dict[str, Any]:
    answer = client.update_contributor_insights(ContributorInsightsAction=action, **params)
    answer.pop("ResponseMetadata")
    return dict(answer)


def rules(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for name in answer["ContributorInsightsRuleList"]:
        match = RULE.fullmatch(name)
        assert match is not None, name
        found.append((match[1], match[2], match[3]))
    return found


def test_table_life_cycle(tables: tuple[Any, str, str]) -> None:
    client, table, _ = tables
    assert settled(client, "DISABLED", TableName=table) == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLED",
    }
    answer = update(client, "ENABLE", TableName=table)
    assert answer == {
        "TableName": table,
        "ContributorInsightsStatus": "ENABLING",
        "ContributorInsightsMode": ALL,
    }
    enabled = settled(client, "ENABLED", TableName=table)
    assert enabled["ContributorInsightsMode"] == ALL
    found = rules(enabled)
    assert [kind for kind, _, _ in found] == ["PKC", "PKT", "SKC", "SKT"]
    assert {resource for _, resource, _ in found} == {table}
    stamps = {stamp for _, _, stamp in found}
    assert len(stamps) == 1
    assert abs(int(stamps.pop()) / 1000 - enabled["LastUpdateDateTime"].timestamp()) < 60

    # Enabling again with the same mode changes nothing.
    assert update(client, "ENABLE", TableName=table)["ContributorInsightsStatus"] == "ENABLED"
    assert settled(client, "ENABLED", TableName=table) == enabled

    # A mode change is a new ENABLING; the rules keep their timestamp.
    answer = update(client, "ENABLE", TableName=table, ContributorInsightsMode=THROTTLED)
    assert answer["ContributorInsightsStatus"] == "ENABLING"
    assert answer["ContributorInsightsMode"] == THROTTLED
    narrowed = settled(client, "ENABLED", TableName=table)
    assert [kind for kind, _, _ in rules(narrowed)] == ["PKT", "SKT"]
    assert {stamp for _, _, stamp in rules(narrowed)} == {stamp for _, _, stamp in found}

    # DISABLE echoes the current mode, not the one it is sent.
    answer = update(client, "DISABLE", TableName=table, ContributorInsightsMode=ALL)
    assert answer == {
        "TableName": table,
        "ContributorInsightsStatus": "DISABLING",
        "ContributorInsightsMode": THROTTLED,
    }
    disabled = settled(client, "DISABLED", TableName=table)
    assert set(disabled) == {
        "TableName",
        "ContributorInsightsStatus",
        "LastUpdateDateTime",
        "ContributorInsightsMode",
    }
    assert update(client, "DISABLE", TableName=table)["ContributorInsightsStatus"] == "DISABLED"


def test_disable_never_configured(tables: tuple[Any, str, str]) -> None:
    client, _, plain = tables
    assert update(client, "DISABLE", TableName=plain) == {
        "TableName": plain,
        "ContributorInsightsStatus": "DISABLED",
    }


def test_indexes_and_list(tables: tuple[Any, str, str]) -> None:
    client, table, plain = tables
    answer = update(client, "ENABLE", TableName=plain)
    assert answer["ContributorInsightsStatus"] == "ENABLING"
    answer = update(client, "ENABLE", TableName=table, IndexName="by-g")
    assert answer == {
        "TableName": table,
        "IndexName": "by-g",
        "ContributorInsightsStatus": "ENABLING",
        "ContributorInsightsMode": ALL,
    }
    update(client, "ENABLE", TableName=table, IndexName="by-g-sk", ContributorInsightsMode=THROTTLED)
    by_g = settled(client, "ENABLED", TableName=table, IndexName="by-g")
    assert by_g["IndexName"] == "by-g"
    assert [(kind, resource) for kind, resource, _ in rules(by_g)] == [
        ("PKC", f"{table}-by-g"),
        ("PKT", f"{table}-by-g"),
    ]
    by_g_sk = settled(client, "ENABLED", TableName=table, IndexName="by-g-sk")
    assert [kind for kind, _, _ in rules(by_g_sk)] == ["PKT", "SKT"]
    settled(client, "ENABLED", TableName=plain)

    # One table's entries: the DISABLED table itself is not listed; one entry a page, no empty last page.
    summaries, token, pages = [], None, 0
    while True:
        page = client.list_contributor_insights(
            TableName=table, MaxResults=1, **({"NextToken": token} if token else {})
        )
        pages += 1
        summaries += page["ContributorInsightsSummaries"]
        token = page.get("NextToken")
        if token is None:
            break
    assert pages == 2
    assert sorted(
        (s.get("IndexName"), s["ContributorInsightsStatus"], s["ContributorInsightsMode"]) for s in summaries
    ) == [
        ("by-g", "ENABLED", ALL),
        ("by-g-sk", "ENABLED", THROTTLED),
    ]
    assert all(s["TableName"] == table for s in summaries)

    # Account-wide: follow NextToken to the end (AWS may hand out empty pages on the way).
    found, token = [], None
    while True:
        page = client.list_contributor_insights(MaxResults=100, **({"NextToken": token} if token else {}))
        found += [(s["TableName"], s.get("IndexName")) for s in page["ContributorInsightsSummaries"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert {(plain, None), (table, "by-g"), (table, "by-g-sk")} <= set(found)
    assert (table, None) not in found
    for params in (
        {"TableName": plain},
        {"TableName": table, "IndexName": "by-g"},
        {"TableName": table, "IndexName": "by-g-sk"},
    ):
        update(client, "DISABLE", **params)


def test_missing_table_and_index(tables: tuple[Any, str, str]) -> None:
    client, table, _ = tables
    missing = unique_name("ci-missing")
    message = f"Requested resource not found: Table: {missing} not found"
    assert error_of(client.describe_contributor_insights, TableName=missing) == (
        "ResourceNotFoundException",
        message,
    )
    assert error_of(
        client.update_contributor_insights, TableName=missing, ContributorInsightsAction="ENABLE"
    ) == (
        "ResourceNotFoundException",
        message,
    )
    assert error_of(client.list_contributor_insights, TableName=missing)[0] == "ResourceNotFoundException"
    for index in ("ghost", "by-l"):  # a local index has no insights of its own
        expected = (
            "ResourceNotFoundException",
            f"Requested resource not found: Index: {index} not found for table: {table}",
        )
        assert error_of(client.describe_contributor_insights, TableName=table, IndexName=index) == expected
        assert (
            error_of(
                client.update_contributor_insights,
                TableName=table,
                IndexName=index,
                ContributorInsightsAction="DISABLE",
            )
            == expected
        )


def test_request_validation(tables: tuple[Any, str, str]) -> None:
    client, table, _ = tables
    message = validation(
        client.update_contributor_insights, TableName=table, ContributorInsightsAction="TOGGLE"
    )
    assert message == (
        "1 validation error detected: Value 'TOGGLE' at 'contributorInsightsAction' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ENABLE, DISABLE]"
    )
    message = validation(client.list_contributor_insights, MaxResults=101)
    assert message == (
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )
