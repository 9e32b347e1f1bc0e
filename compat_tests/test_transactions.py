"""TransactWriteItems: all-or-nothing writes, cancellation reasons, validation, capacity, and isolation.

Expected answers are AWS's: the API reference, the moto suite's tests verified against AWS, and the 2026
conformance suite's captures (nubo-db/dynamodb-conformance: which errors of an action are the whole
request's ValidationException and which are its ValidationError reason, with their exact messages).
DynamoDB Local differs in places (marked): it ends "The conditional request failed" with a period, says
"Cannot do operations on a non-existent table", words a key mismatch "Type mismatch for key", answers an
update's runtime type error for the whole request, misses a second action on one item when it is a
ConditionCheck, and never returns ItemCollectionMetrics.

The isolation tests (an item held by a transaction in flight) need `--transaction-hold` and run on
localddb only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, n, s, validation

Item = dict[str, Any]

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
CONDITION_FAILED = "The conditional request failed"
DUPLICATE = "Transaction request cannot include multiple operations on one item"
SCHEMA_MISMATCH = "The provided key element does not match the schema"
PERIOD = "DynamoDB Local ends the reason's message with a period: 'The conditional request failed.'"
NOT_FOUND_WORDING = "DynamoDB Local says 'Cannot do operations on a non-existent table'"
KEY_WORDING = (
    "DynamoDB Local words a key mismatch 'One or more parameter values were invalid: Type mismatch for key'"
)


@pytest.fixture(scope="module")
def tables(target: Target) -> Iterator[dict[str, str]]:
    """ "hash": keyed by pk (S); "range": pk (S) + sk (N); "indexed": pk + sk (S) with LSI by_l (l) and
    GSI by_g (g), both ALL."""
    client = target.client()
    names = {
        "hash": create_table(client, unique_name("tx-h")),
        "range": create_table(client, unique_name("tx-r"), range_key=("sk", "N")),
        "indexed": create_table(
            client,
            unique_name("tx-i"),
            range_key=("sk", "S"),
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "l", "g")],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_l",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "l", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        ),
    }
    yield names
    for name in names.values():
        client.delete_table(TableName=name)


def key() -> Item:
    return {"pk": s(f"tx-{uuid.uuid4().hex[:12]}")}


def get(client: Any, table: str, item_key: Item) -> Item | None:
    found: Item | None = client.get_item(TableName=table, Key=item_key, ConsistentRead=True).get("Item")
    return found


def cancelled(client: Any, **params: Any) -> tuple[str, list[dict[str, Any]]]:
    """The message and CancellationReasons of the TransactionCanceledException the call must raise."""
    with pytest.raises(ClientError) as raised:
        client.transact_write_items(**params)
    response = raised.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException", response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Message"], response["CancellationReasons"]


def put(table: str, item: Item, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": item, **extra}}


def check(table: str, item_key: Item, condition: str, **extra: Any) -> dict[str, Any]:
    return {
        "ConditionCheck": {"TableName": table, "Key": item_key, "ConditionExpression": condition, **extra}
    }


def body(response: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in response.items() if name != "ResponseMetadata"}


# --- applying ---------------------------------------------------------------------------------------------


def test_put_update_delete_and_check_apply_together(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    new, updated, deleted, checked = key(), key(), key(), key()
    for item_key in (updated, deleted, checked):
        ddb.put_item(TableName=table, Item={**item_key, "v": s("old")})
    response = ddb.transact_write_items(
        TransactItems=[
            put(table, {**new, "v": s("new")}),
            {
                "Update": {
                    "TableName": table,
                    "Key": updated,
                    "UpdateExpression": "SET v = :v ADD c :one",
                    "ExpressionAttributeValues": {":v": s("updated"), ":one": n("1")},
                }
            },
            {"Delete": {"TableName": table, "Key": deleted, "ConditionExpression": "attribute_exists(pk)"}},
            check(table, checked, "v = :old", ExpressionAttributeValues={":old": s("old")}),
        ]
    )
    assert body(response) == {}
    assert get(ddb, table, new) == {**new, "v": s("new")}
    assert get(ddb, table, updated) == {**updated, "v": s("updated"), "c": n("1")}
    assert get(ddb, table, deleted) is None
    assert get(ddb, table, checked) == {**checked, "v": s("old")}


def test_actions_span_tables(ddb: Any, tables: dict[str, str]) -> None:
    first, second = key(), {**key(), "sk": n("7")}
    ddb.transact_write_items(TransactItems=[put(tables["hash"], first), put(tables["range"], second)])
    assert get(ddb, tables["hash"], first) == first
    assert get(ddb, tables["range"], second) == second


@pytest.mark.reference_deviation("DynamoDB Local does not find a table by its ARN in a transaction")
def test_a_table_arn_names_its_table(ddb: Any, tables: dict[str, str]) -> None:
    arn = ddb.describe_table(TableName=tables["range"])["Table"]["TableArn"]
    item = {**key(), "sk": n("7")}
    ddb.transact_write_items(TransactItems=[put(arn, item)])
    assert get(ddb, tables["range"], item) == item


def test_a_failed_condition_cancels_everything(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    new, existing, other = key(), key(), key()
    ddb.put_item(TableName=table, Item={**existing, "v": s("old")})
    ddb.put_item(TableName=table, Item=other)
    message, reasons = cancelled(
        ddb,
        TransactItems=[
            put(table, new),
            {
                "Update": {
                    "TableName": table,
                    "Key": existing,
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": s("new")},
                }
            },
            check(table, other, "attribute_not_exists(pk)"),
        ],
    )
    assert message == CANCELLED.format("None, None, ConditionalCheckFailed")
    assert [reason["Code"] for reason in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[0] == {"Code": "None"}
    assert get(ddb, table, new) is None
    assert get(ddb, table, existing) == {**existing, "v": s("old")}


def test_every_failing_condition_is_reported(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    first, second, third = key(), key(), key()
    ddb.put_item(TableName=table, Item=first)
    ddb.put_item(TableName=table, Item=third)
    message, reasons = cancelled(
        ddb,
        TransactItems=[
            put(table, first, ConditionExpression="attribute_not_exists(pk)"),
            put(table, second, ConditionExpression="attribute_not_exists(pk)"),
            {"Delete": {"TableName": table, "Key": third, "ConditionExpression": "attribute_not_exists(pk)"}},
        ],
    )
    assert message == CANCELLED.format("ConditionalCheckFailed, None, ConditionalCheckFailed")
    assert [reason["Code"] for reason in reasons] == [
        "ConditionalCheckFailed",
        "None",
        "ConditionalCheckFailed",
    ]


@pytest.mark.reference_deviation(PERIOD)
def test_condition_failure_reason_message(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    existing = key()
    ddb.put_item(TableName=table, Item=existing)
    _, reasons = cancelled(ddb, TransactItems=[check(table, existing, "attribute_not_exists(pk)")])
    assert reasons == [{"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED}]


def _failing_action(kind: str, table: str, item_key: Item) -> dict[str, Any]:
    common = {
        "TableName": table,
        "ConditionExpression": "attribute_not_exists(pk)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if kind == "Put":
        return {"Put": {**common, "Item": {**item_key, "v": s("new")}}}
    if kind == "Update":
        return {"Update": {**common, "Key": item_key, "UpdateExpression": "REMOVE v"}}
    return {kind: {**common, "Key": item_key}}


@pytest.mark.parametrize("kind", ["Put", "Update", "Delete", "ConditionCheck"])
def test_all_old_returns_the_item_with_the_reason(ddb: Any, tables: dict[str, str], kind: str) -> None:
    table = tables["hash"]
    existing = {**key(), "v": s("old"), "n": n("1.50")}
    ddb.put_item(TableName=table, Item=existing)
    _, reasons = cancelled(ddb, TransactItems=[_failing_action(kind, table, {"pk": existing["pk"]})])
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"] == {**existing, "n": n("1.5")}


def test_all_old_without_an_item_returns_none(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    _, reasons = cancelled(
        ddb,
        TransactItems=[
            check(table, key(), "attribute_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD")
        ],
    )
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert "Item" not in reasons[0]


# --- the whole request's ValidationException ---------------------------------------------------------------


def test_an_entry_with_several_actions(ddb: Any, tables: dict[str, str]) -> None:
    table, item_key = tables["hash"], key()
    both = {**put(table, item_key), "Delete": {"TableName": table, "Key": item_key}}
    message = validation(ddb.transact_write_items, TransactItems=[both])
    assert message == "TransactItems can only contain one of Check, Put, Update or Delete"


def test_an_entry_without_an_action(ddb: Any, tables: dict[str, str]) -> None:
    message = validation(ddb.transact_write_items, TransactItems=[put(tables["hash"], key()), {}])
    assert message == "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"


def test_two_actions_on_one_item(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["range"]
    item_key = {**key(), "sk": n("1")}
    reordered = {"sk": item_key["sk"], "pk": item_key["pk"]}
    message = validation(
        ddb.transact_write_items,
        TransactItems=[
            put(table, {**item_key, "v": s("x")}),
            {"Delete": {"TableName": table, "Key": reordered}},
        ],
    )
    assert message == DUPLICATE
    assert get(ddb, table, item_key) is None


@pytest.mark.reference_deviation("DynamoDB Local lets a ConditionCheck name an item another action writes")
def test_a_condition_check_on_an_item_another_action_writes(ddb: Any, tables: dict[str, str]) -> None:
    table, item_key = tables["hash"], key()
    message = validation(
        ddb.transact_write_items,
        TransactItems=[put(table, item_key), check(table, item_key, "attribute_not_exists(pk)")],
    )
    assert message == DUPLICATE


@pytest.mark.reference_deviation("DynamoDB Local compares key numbers by their text (1 and 1.0 differ)")
def test_equal_numbers_name_one_item(ddb: Any, tables: dict[str, str]) -> None:
    table, pk = tables["range"], key()["pk"]
    message = validation(
        ddb.transact_write_items,
        TransactItems=[
            put(table, {"pk": pk, "sk": n("1")}),
            {"Delete": {"TableName": table, "Key": {"pk": pk, "sk": n("1.0")}}},
        ],
    )
    assert message == DUPLICATE


@pytest.mark.reference_deviation(NOT_FOUND_WORDING)
def test_a_missing_table(ddb: Any, tables: dict[str, str]) -> None:
    first = key()
    code, message = error_of(
        ddb.transact_write_items,
        TransactItems=[put(tables["hash"], first), put(unique_name("tx-missing"), key())],
    )
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")
    assert get(ddb, tables["hash"], first) is None


@pytest.mark.reference_deviation("DynamoDB Local does not name the member holding a malformed table name")
def test_a_malformed_table_name_names_its_member(ddb: Any, tables: dict[str, str]) -> None:
    message = validation(
        ddb.transact_write_items,
        TransactItems=[
            put(tables["hash"], key()),
            {"Delete": {"TableName": "bad!name", "Key": key()}},
        ],
    )
    assert message == (
        "1 validation error detected: Value 'bad!name' at 'transactItems.2.member.delete.tableName' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )


EXPRESSION_ERRORS = [
    (
        check("{table}", {"pk": s("x")}, "attribute_not_exists("),
        'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("',
    ),
    (
        check(
            "{table}", {"pk": s("x")}, "attribute_not_exists(pk)", ExpressionAttributeValues={":v": s("x")}
        ),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}",
    ),
    (
        {
            "Update": {
                "TableName": "{table}",
                "Key": {"pk": s("x")},
                "UpdateExpression": "SET a = :a SET b = :a",
            }
        },
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ),
]


@pytest.mark.parametrize(("action", "expected"), EXPRESSION_ERRORS)
def test_expression_errors_fail_the_request(
    ddb: Any, tables: dict[str, str], action: dict[str, Any], expected: str
) -> None:
    table, first = tables["hash"], key()
    kind, params = next(iter(action.items()))
    params = {**params, "TableName": table}
    if kind == "Update":
        params["ExpressionAttributeValues"] = {":a": s("v")}
    message = validation(ddb.transact_write_items, TransactItems=[put(table, first), {kind: params}])
    assert message.startswith(expected)
    assert get(ddb, table, first) is None


def test_an_empty_key_value_fails_the_request(ddb: Any, tables: dict[str, str]) -> None:
    message = validation(
        ddb.transact_write_items,
        TransactItems=[{"Delete": {"TableName": tables["hash"], "Key": {"pk": s("")}}}],
    )
    assert message == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk"
    )


def test_an_oversized_put_fails_the_request(ddb: Any, tables: dict[str, str]) -> None:
    item = {**key(), "v": s("x" * 409_600)}
    message = validation(ddb.transact_write_items, TransactItems=[put(tables["hash"], item)])
    assert message == "Item size has exceeded the maximum allowed size"


def test_the_transaction_payload_is_at_most_4_mb(ddb: Any, tables: dict[str, str]) -> None:
    # Eleven items of 381,406 bytes and one of 380,240: 4,194,300 bytes; a Delete adds its key (6 bytes).
    table = tables["hash"]
    items = [{"pk": s(f"b{i:02d}"), "v": s("x" * (381_400 if i < 10 else 380_234))} for i in range(11)]
    actions = [put(table, item) for item in items]
    message = validation(
        ddb.transact_write_items,
        TransactItems=[*actions, {"Delete": {"TableName": table, "Key": {"pk": s("abcd")}}}],
    )
    assert message == "Transaction payload size cannot exceed 4MB. Payload Size: 4194306"
    # An Update counts its key, its expression and the values it uses.
    update = {
        "Update": {
            "TableName": table,
            "Key": {"pk": s("abcd")},
            "UpdateExpression": "SET #a = :a",
            "ExpressionAttributeNames": {"#a": "abc"},
            "ExpressionAttributeValues": {":a": s("12345")},
        }
    }
    message = validation(ddb.transact_write_items, TransactItems=[*actions, update])
    assert message == "Transaction payload size cannot exceed 4MB. Payload Size: 4194325"
    assert get(ddb, table, {"pk": s("b00")}) is None


# --- an action's ValidationError reason -------------------------------------------------------------------


def _wrong_key_actions(table: str) -> list[dict[str, Any]]:
    wrong = {"pk": n("5")}
    return [
        {"Update": {"TableName": table, "Key": wrong, "UpdateExpression": "REMOVE a"}},
        {"Delete": {"TableName": table, "Key": wrong}},
        check(table, wrong, "attribute_exists(pk)"),
    ]


def test_a_key_of_the_wrong_type_cancels_with_a_validation_error(ddb: Any, tables: dict[str, str]) -> None:
    for action in _wrong_key_actions(tables["hash"]):
        message, reasons = cancelled(ddb, TransactItems=[action])
        assert message == CANCELLED.format("ValidationError")
        assert [reason["Code"] for reason in reasons] == ["ValidationError"]


@pytest.mark.reference_deviation(KEY_WORDING)
def test_a_key_of_the_wrong_type_reason_message(ddb: Any, tables: dict[str, str]) -> None:
    for action in _wrong_key_actions(tables["hash"]):
        _, reasons = cancelled(ddb, TransactItems=[action])
        assert reasons == [{"Code": "ValidationError", "Message": SCHEMA_MISMATCH}]


def test_other_actions_are_still_evaluated(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    message, reasons = cancelled(
        ddb,
        TransactItems=[
            {"Delete": {"TableName": table, "Key": {"pk": n("1")}}},
            check(table, key(), "attribute_exists(pk)"),
            put(table, key()),
        ],
    )
    assert message == CANCELLED.format("ValidationError, ConditionalCheckFailed, None")
    assert [reason["Code"] for reason in reasons] == ["ValidationError", "ConditionalCheckFailed", "None"]


def test_an_update_of_a_key_attribute_cancels(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    _, reasons = cancelled(
        ddb,
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": key(),
                    "UpdateExpression": "SET pk = :v",
                    "ExpressionAttributeValues": {":v": s("x")},
                }
            }
        ],
    )
    assert reasons == [
        {
            "Code": "ValidationError",
            "Message": "One or more parameter values were invalid: Cannot update attribute pk. This "
            "attribute is part of the key",
        }
    ]


@pytest.mark.reference_deviation("DynamoDB Local fails the whole request with the update's type error")
def test_an_update_meeting_a_wrong_type_cancels(ddb: Any, tables: dict[str, str]) -> None:
    table, existing = tables["hash"], {**key(), "v": s("text")}
    ddb.put_item(TableName=table, Item=existing)
    update = {
        "TableName": table,
        "Key": {"pk": existing["pk"]},
        "UpdateExpression": "SET v = v + :one",
        "ExpressionAttributeValues": {":one": n("1")},
    }
    _, reasons = cancelled(ddb, TransactItems=[put(table, key()), {"Update": update}])
    assert reasons == [
        {"Code": "None"},
        {
            "Code": "ValidationError",
            "Message": "An operand in the update expression has an incorrect data type",
        },
    ]


def test_an_update_making_the_item_too_large_cancels(ddb: Any, tables: dict[str, str]) -> None:
    table, existing = tables["hash"], {**key(), "a": s("x" * 300_000)}
    ddb.put_item(TableName=table, Item=existing)
    update = {
        "TableName": table,
        "Key": {"pk": existing["pk"]},
        "UpdateExpression": "SET b = :b",
        "ExpressionAttributeValues": {":b": s("x" * 200_000)},
    }
    _, reasons = cancelled(ddb, TransactItems=[{"Update": update}])
    assert reasons == [
        {"Code": "ValidationError", "Message": "Item size to update has exceeded the maximum allowed size"}
    ]


# --- ConsumedCapacity and ItemCollectionMetrics ------------------------------------------------------------


def test_capacity_is_twice_the_single_item_cost(ddb: Any, tables: dict[str, str]) -> None:
    table = tables["hash"]
    big, small = {**key(), "v": s("x" * 5000)}, key()
    ddb.put_item(TableName=table, Item=big)
    ddb.put_item(TableName=table, Item=small)
    response = ddb.transact_write_items(
        TransactItems=[put(table, {**big, "v": s("y" * 100)}), check(table, small, "attribute_exists(pk)")],
        ReturnConsumedCapacity="TOTAL",
    )
    # The put: 2 x 5 units (the larger, old item); the check: 2 x 1 read unit.
    assert response["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 12.0}]
    response = ddb.transact_write_items(
        TransactItems=[check(table, {"pk": big["pk"]}, "attribute_exists(pk)")],
        ReturnConsumedCapacity="INDEXES",
    )
    assert response["ConsumedCapacity"] == [
        {"TableName": table, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}}
    ]


def test_capacity_per_table_with_index_writes(ddb: Any, tables: dict[str, str]) -> None:
    indexed, plain = tables["indexed"], tables["hash"]
    item = {**key(), "sk": s("s"), "g": s("g")}
    response = ddb.transact_write_items(
        TransactItems=[put(indexed, item), put(plain, key())], ReturnConsumedCapacity="INDEXES"
    )
    by_table = {entry["TableName"]: entry for entry in response["ConsumedCapacity"]}
    assert by_table == {
        indexed: {
            "TableName": indexed,
            "CapacityUnits": 4.0,
            "Table": {"CapacityUnits": 2.0},
            "GlobalSecondaryIndexes": {"by_g": {"CapacityUnits": 2.0}},
        },
        plain: {"TableName": plain, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}},
    }


@pytest.mark.reference_deviation("DynamoDB Local never returns ItemCollectionMetrics")
def test_item_collection_metrics_for_tables_with_local_indexes(ddb: Any, tables: dict[str, str]) -> None:
    indexed, plain = tables["indexed"], tables["hash"]
    first, second = {**key(), "sk": s("a"), "l": s("l")}, {**key(), "sk": s("b")}
    response = ddb.transact_write_items(
        TransactItems=[put(indexed, first), put(plain, key()), put(indexed, second)],
        ReturnItemCollectionMetrics="SIZE",
    )
    assert response["ItemCollectionMetrics"] == {
        indexed: [
            {"ItemCollectionKey": {"pk": first["pk"]}, "SizeEstimateRangeGB": [0.0, 1.0]},
            {"ItemCollectionKey": {"pk": second["pk"]}, "SizeEstimateRangeGB": [0.0, 1.0]},
        ]
    }


# --- isolation: an item held by a transaction in flight (localddb only) ------------------------------------

HOLD_MS = 1000


def wait_until_held(client: Any, table: str, item_key: Item) -> None:
    """Return once a write transaction holds the item (a read transaction on it is cancelled)."""
    deadline = time.monotonic() + HOLD_MS / 1000
    while time.monotonic() < deadline:
        try:
            client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": item_key}}])
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                return
            raise
        time.sleep(0.01)
    raise AssertionError("the transaction never held its item")


@pytest.fixture(scope="module")
def held_server() -> Iterator[tuple[Any, str]]:
    """A localddb whose write transactions hold their items for a second, and a table on it."""
    with localddb_client("--transaction-hold", str(HOLD_MS)) as client:
        yield client, create_table(client, unique_name("tx-hold"))


@pytest.mark.localddb_only("--transaction-hold is a localddb option")
def test_an_item_held_by_a_transaction_in_flight(target: Target, held_server: tuple[Any, str]) -> None:
    client, table = held_server
    first, second = key(), key()
    client.put_item(TableName=table, Item={**first, "v": s("old")})
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(
            client.transact_write_items,
            TransactItems=[put(table, {**first, "v": s("new")}), put(table, second)],
        )
        wait_until_held(client, table, first)
        # A single-item write is refused.
        code, message = error_of(client.put_item, TableName=table, Item={**first, "v": s("other")})
        assert (code, message) == ("TransactionConflictException", "Transaction is ongoing for the item")
        # Another transaction is cancelled with reason TransactionConflict.
        message, reasons = cancelled(
            client, TransactItems=[put(table, key()), check(table, second, "attribute_exists(v)")]
        )
        assert message == CANCELLED.format("None, TransactionConflict")
        assert reasons[1] == {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
        # A read transaction is cancelled too.
        with pytest.raises(ClientError) as raised:
            client.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": first}}])
        error = raised.value.response
        assert error["Error"]["Code"] == "TransactionCanceledException"
        assert error["CancellationReasons"] == [
            {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
        ]
        # A batch write leaves the held item unprocessed and applies the rest.
        free = key()
        answer = client.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": first}}, {"PutRequest": {"Item": free}}]}
        )
        assert answer["UnprocessedItems"] == {table: [{"PutRequest": {"Item": first}}]}
        # A plain read sees the last committed item.
        assert get(client, table, first) == {**first, "v": s("old")}
        assert get(client, table, second) is None
        assert body(running.result()) == {}
    assert get(client, table, first) == {**first, "v": s("new")}
    assert get(client, table, second) == second
    assert get(client, table, free) == free
