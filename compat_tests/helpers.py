"""Small helpers the compat test files share: AttributeValue builders and error capture."""

from __future__ import annotations

import dataclasses
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from botocore.exceptions import ClientError

T = TypeVar("T")


def s(text: str) -> dict[str, str]:
    return {"S": text}


def n(number: str) -> dict[str, str]:
    return {"N": number}


def error_of(call: Any, **params: Any) -> tuple[str, str]:
    """(code, message) of the HTTP 400 error `call(**params)` must raise."""
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def validation(call: Any, **params: Any) -> str:
    """The message of the ValidationException `call(**params)` must raise."""
    code, message = error_of(call, **params)
    assert code == "ValidationException", message
    return message


def put_all(client: Any, table: str, items: list[dict[str, Any]]) -> None:
    """Write items with BatchWriteItem, 25 at a time, retrying whatever comes back unprocessed."""
    for start in range(0, len(items), 25):
        requests: list[Any] = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        while requests:
            answer = client.batch_write_item(RequestItems={table: requests})
            requests = answer.get("UnprocessedItems", {}).get(table, [])


# --- localddb's admin routes (`--admin`): the clock and a TTL sweep ---


def admin_call(endpoint_url: str, path: str, body: Any = None, method: str | None = None) -> tuple[int, Any]:
    """An admin route's status and JSON answer (a body is sent as JSON unless it is bytes)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(endpoint_url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def clock_now(endpoint_url: str) -> float:
    """The server's time, read from its admin clock."""
    status, answer = admin_call(endpoint_url, "/_localddb/clock")
    assert status == 200, answer
    return float(answer["now"])


def advance_clock(endpoint_url: str, seconds: float) -> float:
    """Move the server's clock forward; its new time."""
    status, answer = admin_call(endpoint_url, "/_localddb/clock", {"advance": seconds})
    assert status == 200, answer
    return float(answer["now"])


def sweep_ttl(endpoint_url: str) -> Any:
    """Run a TTL sweep now; what it did."""
    status, answer = admin_call(endpoint_url, "/_localddb/ttl/sweep", b"", "POST")
    assert status == 200, answer
    return answer


# --- global tables: clients of other regions, waiting for replication ---


def regional_client(target: Any, region: str, service: str = "dynamodb") -> Any:
    """A boto3 client of `target` (a compat_tests.conftest.Target) in another region."""
    return dataclasses.replace(target, region=region).client(service)


def eventually(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    """The first truthy result of `check()`, polled until `timeout` seconds have passed (then the last
    result is asserted, so the failure shows it)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            assert result, f"still {result!r} after {timeout} s"
            return result
        time.sleep(interval)
