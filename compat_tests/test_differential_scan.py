"""Differential property test of Scan: random items, filters, projections, Limit and segments, run against
localddb AND the reference, which must return the same items.

Each example writes a few random items (every attribute type, nested documents, sets; the generators of
test_differential.py) to a fresh table on both servers, then scans it with a random FilterExpression
(comparisons, BETWEEN, IN, functions, AND/OR/NOT), sometimes a ProjectionExpression, a Limit and two
parallel segments, walking every page. Scan order is the servers' own hash order, so the items are
compared as a set, with Count and ScannedCount summed over the pages; an error must be the same error.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from compat_tests.conftest import create_table, unique_name
from compat_tests.helpers import put_all
from compat_tests.test_differential import NAMES, PREFIX_ONLY, Request, canonical, conditions, items


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(items without their keys, Scan parameters without TableName)."""
    request = Request()
    params: dict[str, Any] = {}
    if draw(st.integers(0, 4)):
        params["FilterExpression"] = draw(conditions(request))
    if draw(st.booleans()):
        chosen = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        params["ProjectionExpression"] = ", ".join(["pk", *(request.name(name) for name in chosen)])
    if draw(st.booleans()):
        params["Limit"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        params["TotalSegments"] = 2
    if request.names:
        params["ExpressionAttributeNames"] = request.names
    if request.values:
        params["ExpressionAttributeValues"] = request.values
    return draw(st.lists(items, max_size=6)), params


def _hex(value: Any) -> str:
    if isinstance(value, bytes):  # boto3 hands binary values over as bytes
        return value.hex()
    raise TypeError(type(value))


def scan_all(client: Any, items: list[dict[str, Any]], params: dict[str, Any]) -> tuple[Any, ...]:
    """Every page of every segment of the Scan on a fresh table holding `items`."""
    table = create_table(client, unique_name("differential-scan"))
    try:
        put_all(client, table, [{"pk": {"S": f"k{i}"}, **item} for i, item in enumerate(items)])
        found: list[str] = []
        count = scanned = 0
        total = params.get("TotalSegments")
        for segment in range(total or 1):
            request = {**params, **({"Segment": segment} if total else {})}
            start = None
            while True:
                page = client.scan(
                    TableName=table, **request, **({"ExclusiveStartKey": start} if start else {})
                )
                found += [json.dumps(canonical(i), default=_hex, sort_keys=True) for i in page["Items"]]
                count, scanned = count + page["Count"], scanned + page["ScannedCount"]
                start = page.get("LastEvaluatedKey")
                if start is None:
                    break
        return ("ok", sorted(found), count, scanned)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        if code != "ValidationException":
            return ("error", code)
        return ("error", code, message.split(";")[0] if message.startswith(PREFIX_ONLY) else message)
    finally:
        client.delete_table(TableName=table)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_scan_agrees_with_the_reference(
    differential_clients: tuple[Any, Any], case: tuple[list[dict[str, Any]], dict[str, Any]]
) -> None:
    items, params = case
    local, reference = differential_clients
    expected = scan_all(reference, items, params)
    event("ok" if expected[0] == "ok" else f"error {expected[1]}")
    assert scan_all(local, items, params) == expected
