"""DescribeLimits (the account's default capacity quotas) and DescribeEndpoints (the endpoint the client
reached, cached for a day)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from compat_tests.conftest import RawClient, Target


def test_describe_limits(ddb: Any) -> None:
    limits = ddb.describe_limits()
    limits.pop("ResponseMetadata")
    assert limits == {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


@pytest.mark.reference_deviation("DynamoDB Local does not implement DescribeEndpoints")
def test_describe_endpoints_names_the_endpoint_used(ddb: Any, target: Target) -> None:
    url = target.endpoint_url or f"https://dynamodb.{target.region}.amazonaws.com"
    endpoints = ddb.describe_endpoints()["Endpoints"]
    assert endpoints == [{"Address": urlsplit(url).netloc, "CachePeriodInMinutes": 1440}]


@pytest.mark.localddb_only("a Host header naming another server than the one reached")
def test_describe_endpoints_answers_the_host_header(raw: RawClient) -> None:
    response = raw.request("DescribeEndpoints", {}, headers={"Host": "ddb.example.test:4566"})
    assert response.status == 200, response.body
    assert response.json() == {
        "Endpoints": [{"Address": "ddb.example.test:4566", "CachePeriodInMinutes": 1440}]
    }
