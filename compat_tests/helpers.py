"""Small helpers the compat test files share: AttributeValue builders and error capture."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


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
