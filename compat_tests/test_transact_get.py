"""TransactGetItems: reads in order, projections, validation, cancellation reasons and capacity.

Expected answers are AWS's: the API reference, moto's and the 2026 conformance suite's tests (AWS's
messages for a missing table, a malformed projection and a key that does not fit, which cancels the read
with a ValidationError reason). DynamoDB Local says "Cannot do operations on a non-existent table" and
answers a key that does not fit with a TransactionCanceledException without reasons (marked).
A read held up by a write transaction in flight is in test_transactions.py (localddb only).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import error_of, n, put_all, s, validation

Item = dict[str, Any]
DUPLICATE = "Transaction request cannot include multiple operations on one item"


@pytest.fixture(scope="module")
def tables(target: Target) -> Iterator[dict[str, str]]:
    """ "hash": keyed by pk (S); "range": pk (S) + sk (N)."""
    client = target.client()
    names = {
        "hash": create_table(client, unique_name("tg-h")),
        "range": create_table(client, unique_name("tg-r"), range_key=("sk", "N")),
    }
    yield names
    for name in names.values():
        client.delete_table(TableName=name)


def key() -> Item:
    return {"pk": s(f"tg-{uuid.uuid4().hex[:12]}")}


def get(table: str, item_key: Item, **extra: Any) -> dict[str, Any]:
    return {"Get": {"TableName": table, "Key": item_key, **extra}}


def test_items_come_back_in_order_with_missing_ones_empty(ddb: Any, tables: dict[str, str]) -> None:
    first, missing = {**key(), "v": s("1")}, key()
    second = {**key(), "sk": n("2"), "v": s("2")}
    ddb.put_item(TableName=tables["hash"], Item=first)
    ddb.put_item(TableName=tables["range"], Item=second)
    response = ddb.transact_get_items(
        TransactItems=[
            get(tables["range"], {"pk": second["pk"], "sk": second["sk"]}),
            get(tables["hash"], missing),
            get(tables["hash"], {"pk": first["pk"]}),
        ]
    )
    assert response["Responses"] == [{"Item": second}, {}, {"Item": first}]
    assert "ConsumedCapacity" not in response


def test_projection_with_names(ddb: Any, tables: dict[str, str]) -> None:
    item = {**key(), "a": s("1"), "b": {"M": {"c": n("2"), "d": n("3")}}}
    ddb.put_item(TableName=tables["hash"], Item=item)
    response = ddb.transact_get_items(
        TransactItems=[
            get(
                tables["hash"],
                {"pk": item["pk"]},
                ProjectionExpression="#b.c, pk",
                ExpressionAttributeNames={"#b": "b"},
            )
        ]
    )
    assert response["Responses"] == [{"Item": {"pk": item["pk"], "b": {"M": {"c": n("2")}}}}]


def test_one_item_twice(ddb: Any, tables: dict[str, str]) -> None:
    item_key = key()
    message = validation(
        ddb.transact_get_items, TransactItems=[get(tables["hash"], item_key), get(tables["hash"], item_key)]
    )
    assert message == DUPLICATE
    # Numbers compare by value: 1 and 1.0 are one key.
    pk = key()["pk"]
    message = validation(
        ddb.transact_get_items,
        TransactItems=[
            get(tables["range"], {"pk": pk, "sk": n("1")}),
            get(tables["range"], {"pk": pk, "sk": n("1.0")}),
        ],
    )
    assert message == DUPLICATE


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_a_missing_table(ddb: Any, tables: dict[str, str]) -> None:
    code, message = error_of(
        ddb.transact_get_items,
        TransactItems=[get(tables["hash"], key()), get(unique_name("tg-missing"), key())],
    )
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")


@pytest.mark.reference_deviation(
    "DynamoDB Local cancels without CancellationReasons ('Type mismatch for key')"
)
def test_a_key_that_does_not_fit_cancels_the_read(ddb: Any, tables: dict[str, str]) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.transact_get_items(
            TransactItems=[get(tables["hash"], key()), get(tables["hash"], {"pk": n("1")})]
        )
    response = raised.value.response
    assert response["Error"] == {
        "Code": "TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ValidationError]",
    }
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ValidationError", "Message": "The provided key element does not match the schema"},
    ]


REQUEST_ERRORS = [
    (
        {"Key": {"pk": s("")}},
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk",
    ),
    ({"ProjectionExpression": "!!!"}, 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"'),
    (
        {"ProjectionExpression": "pk", "ExpressionAttributeNames": {"#a": "a"}},
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}",
    ),
    (
        {"ExpressionAttributeNames": {"#a": "a"}},
        "ExpressionAttributeNames can only be specified when using expressions",
    ),
]


@pytest.mark.parametrize(("params", "expected"), REQUEST_ERRORS)
def test_request_errors(ddb: Any, tables: dict[str, str], params: dict[str, Any], expected: str) -> None:
    entry = {"TableName": tables["hash"], "Key": key(), **params}
    assert validation(ddb.transact_get_items, TransactItems=[{"Get": entry}]) == expected


def test_capacity_is_two_units_per_4_kb_per_item(ddb: Any, tables: dict[str, str]) -> None:
    big, small = {**key(), "v": s("x" * 5000)}, key()
    ddb.put_item(TableName=tables["hash"], Item=big)
    ddb.put_item(TableName=tables["range"], Item={**small, "sk": n("1")})
    response = ddb.transact_get_items(
        TransactItems=[
            get(tables["hash"], {"pk": big["pk"]}, ProjectionExpression="pk"),  # projection costs the same
            get(tables["hash"], key()),  # a missing item costs 2
            get(tables["range"], {**small, "sk": n("1")}),
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    by_table = {entry["TableName"]: entry["CapacityUnits"] for entry in response["ConsumedCapacity"]}
    assert by_table == {tables["hash"]: 6.0, tables["range"]: 2.0}
    assert len(response["ConsumedCapacity"]) == 2
    response = ddb.transact_get_items(
        TransactItems=[get(tables["hash"], {"pk": big["pk"]})], ReturnConsumedCapacity="INDEXES"
    )
    assert response["ConsumedCapacity"] == [
        {"TableName": tables["hash"], "CapacityUnits": 4.0, "Table": {"CapacityUnits": 4.0}}
    ]


def test_the_response_is_at_most_4_mb(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    prefix = uuid.uuid4().hex[:6]
    items = [{"pk": s(f"{prefix}{i:02d}"), "v": s("x" * 400_000)} for i in range(11)]
    put_all(ddb, table, items)
    gets = [get(table, {"pk": item["pk"]}) for item in items]
    message = validation(ddb.transact_get_items, TransactItems=gets)
    # 11 items of 400,011 bytes, each counted with 4 bytes more.
    assert message == "Payload in response is too large.4400165"
    # Projected, they fit.
    response = ddb.transact_get_items(
        TransactItems=[get(table, {"pk": item["pk"]}, ProjectionExpression="pk") for item in items]
    )
    assert response["Responses"] == [{"Item": {"pk": item["pk"]}} for item in items]
