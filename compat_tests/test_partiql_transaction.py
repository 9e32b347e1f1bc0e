"""ExecuteTransaction: all-or-nothing writes (INSERT, UPDATE, DELETE, EXISTS condition checks), reads of
one instant, cancellation reasons in statement order, the checks that fail the whole request, and
ClientRequestToken idempotency.

Expected answers are the reference's, which runs DynamoDB's PartiQL front end, where it agrees with AWS's
documentation ("Performing transactions with PartiQL for DynamoDB", the ExecuteTransaction API reference).
DynamoDB Local ends a condition check's message with a period, returns no ConsumedCapacity, and counts the
statements with its own messages; those tests carry `reference_deviation`.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import create_table, localddb_client, unique_name
from compat_tests.helpers import error_of, n, s, validation

Item = dict[str, Any]

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
FAILED_0 = "Validation failed in TransactStatements[0]: "
FAILED_1 = "Validation failed in TransactStatements[1]: "


def statement(text: str, *parameters: Any, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Statement": text, **extra}
    if parameters:
        out["Parameters"] = list(parameters)
    return out


def transact(ddb: Any, *statements: dict[str, Any], **params: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ddb.execute_transaction(TransactStatements=list(statements), **params)
    answer.pop("ResponseMetadata", None)
    return answer


def cancelled(ddb: Any, *statements: dict[str, Any], **params: Any) -> tuple[str, list[dict[str, Any]]]:
    """The message and CancellationReasons of the TransactionCanceledException the request must raise."""
    with pytest.raises(ClientError) as raised:
        ddb.execute_transaction(TransactStatements=list(statements), **params)
    response = raised.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException", response["Error"]
    return response["Error"]["Message"], response.get("CancellationReasons", [])


def get(ddb: Any, table: str, pk: str, sk: int) -> Item | None:
    item: Item | None = ddb.get_item(
        TableName=table, Key={"pk": s(pk), "sk": n(str(sk))}, ConsistentRead=True
    ).get("Item")
    return item


@pytest.fixture
def key(ddb: Any, hash_range_table: str) -> str:
    """A partition of hash_range_table holding sk 1 (v one) and sk 2 (v two)."""
    pk = unique_name("tx")
    for sk, v in ((1, "one"), (2, "two")):
        ddb.put_item(TableName=hash_range_table, Item={"pk": s(pk), "sk": n(str(sk)), "v": s(v)})
    return pk


# --- reads --------------------------------------------------------------------------------------------------


def test_reads(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    answer = transact(
        ddb,
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(key)),
        statement(f'SELECT v FROM "{table}" WHERE sk = 2 AND pk = ?', s(key)),
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 3', s(key)),
    )
    assert answer == {
        "Responses": [{"Item": {"pk": s(key), "sk": n("1"), "v": s("one")}}, {"Item": {"v": s("two")}}, {}]
    }


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "pk = ?",
            "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
        ),
        (
            "pk = ? AND sk = 1 AND v = 'one'",
            "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
        ),
    ],
)
def test_a_read_names_one_item(ddb: Any, hash_range_table: str, key: str, where: str, message: str) -> None:
    text = f'SELECT * FROM "{hash_range_table}" WHERE {where}'
    found = validation(ddb.execute_transaction, TransactStatements=[statement(text, s(key))])
    assert found == f"Validation failed in TransactStatements[0]: {message}"


def test_reads_of_an_index_are_refused(ddb: Any, hash_range_table: str, key: str) -> None:
    text = f'SELECT * FROM "{hash_range_table}"."idx" WHERE pk = ? AND sk = 1'
    message = validation(ddb.execute_transaction, TransactStatements=[statement(text, s(key))])
    assert message == (
        "Validation failed in TransactStatements[0]: Reads on indices are not supported within transactions."
    )


def test_a_read_key_of_the_wrong_type_is_a_reason(ddb: Any, hash_range_table: str) -> None:
    message, reasons = cancelled(
        ddb, statement(f'SELECT * FROM "{hash_range_table}" WHERE pk = 1 AND sk = 1')
    )
    assert message == CANCELLED.format("ValidationError")
    assert reasons == [
        {
            "Code": "ValidationError",
            "Message": "Key attribute's data type should match its data type in table's schema: Key pk",
        }
    ]


# --- writes -------------------------------------------------------------------------------------------------


def test_writes_apply_together(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    answer = transact(
        ddb,
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 3, 'v': 'three'}}", s(key)),
        statement(f"UPDATE \"{table}\" SET v = 'uno' WHERE pk = ? AND sk = 1 AND v = 'one'", s(key)),
        statement(f'DELETE FROM "{table}" WHERE pk = ? AND sk = 2', s(key)),
    )
    assert answer == {"Responses": []}
    assert get(ddb, table, key, 1) == {"pk": s(key), "sk": n("1"), "v": s("uno")}
    assert get(ddb, table, key, 2) is None
    assert get(ddb, table, key, 3) == {"pk": s(key), "sk": n("3"), "v": s("three")}


def test_a_failing_condition_cancels_everything(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    message, reasons = cancelled(
        ddb,
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 3}}", s(key)),
        statement(f"UPDATE \"{table}\" SET v = 'x' WHERE pk = ? AND sk = 1 AND v = 'nope'", s(key)),
        statement(f"UPDATE \"{table}\" SET v = 'x' WHERE pk = ? AND sk = 9", s(key)),
    )
    assert message == CANCELLED.format("None, ConditionalCheckFailed, ConditionalCheckFailed")
    failed = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
    assert reasons == [{"Code": "None"}, failed, failed]
    assert get(ddb, table, key, 3) is None
    assert get(ddb, table, key, 1) == {"pk": s(key), "sk": n("1"), "v": s("one")}


def test_return_values_on_condition_check_failure(ddb: Any, hash_range_table: str, key: str) -> None:
    text = f"DELETE FROM \"{hash_range_table}\" WHERE pk = ? AND sk = 1 AND v = 'nope'"
    _, reasons = cancelled(ddb, statement(text, s(key), ReturnValuesOnConditionCheckFailure="ALL_OLD"))
    assert reasons == [
        {
            "Code": "ConditionalCheckFailed",
            "Item": {"pk": s(key), "sk": n("1"), "v": s("one")},
            "Message": "The conditional request failed",
        }
    ]


def test_an_existing_key_is_a_validation_reason(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    message, reasons = cancelled(
        ddb,
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1}}", s(key)),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 4}}", s(key)),
    )
    assert message == CANCELLED.format("ValidationError, None")
    assert reasons == [
        {"Code": "ValidationError", "Message": "Duplicate primary key exists in table"},
        {"Code": "None"},
    ]
    assert get(ddb, table, key, 4) is None


def test_key_errors_are_reasons(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    for text, why in (
        (f"INSERT INTO \"{table}\" VALUE {{'pk': ?}}", "Key attribute should be present in the item: Key sk"),
        (
            f'UPDATE "{table}" SET a = 1 WHERE pk = 1 AND sk = ? AND a = ?',
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
    ):
        message, reasons = cancelled(
            ddb,
            statement(text, n("1"), n("1")) if "UPDATE" in text else statement(text, s(key)),
            statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 5}}", s(key)),
        )
        assert message == CANCELLED.format("ValidationError, None")
        assert reasons == [{"Code": "ValidationError", "Message": why}, {"Code": "None"}]
    assert get(ddb, table, key, 5) is None


def test_condition_checks(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    transact(
        ddb,
        statement(f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = ? AND sk = 1 AND v = 'one')", s(key)),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 6}}", s(key)),
    )
    assert get(ddb, table, key, 6) == {"pk": s(key), "sk": n("6")}
    message, reasons = cancelled(
        ddb,
        statement(f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = ? AND sk = 1 AND v = 'nope')", s(key)),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 7}}", s(key)),
    )
    assert message == CANCELLED.format("ConditionalCheckFailed, None")
    assert [reason["Code"] for reason in reasons] == ["ConditionalCheckFailed", "None"]
    assert get(ddb, table, key, 7) is None


@pytest.mark.reference_deviation("DynamoDB Local ends a condition check's message with a period")
def test_condition_check_message(ddb: Any, hash_range_table: str, key: str) -> None:
    text = f"EXISTS(SELECT * FROM \"{hash_range_table}\" WHERE pk = ? AND sk = 1 AND v = 'nope')"
    _, reasons = cancelled(
        ddb,
        statement(text, s(key)),
        statement(f'DELETE FROM "{hash_range_table}" WHERE pk = ? AND sk = 2', s(key)),
    )
    assert reasons[0] == {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}


def test_a_write_without_its_whole_key(ddb: Any, hash_range_table: str, key: str) -> None:
    code, message = error_of(
        ddb.execute_transaction,
        TransactStatements=[
            statement(f'DELETE FROM "{hash_range_table}" WHERE pk = ? AND sk = 1', s(key)),
            statement(f'DELETE FROM "{hash_range_table}" WHERE pk = ?', s(key)),
        ],
    )
    assert (code, message) == (
        "TransactionCanceledException",
        "ValidationError Where clause does not contain a mandatory equality on all key attributes",
    )
    assert get(ddb, hash_range_table, key, 1) is not None


# --- request-level errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (
            [
                "SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 1",
                "INSERT INTO \"{t}\" VALUE {{'pk': 'b', 'sk': 1}}",
            ],
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ),
        (
            ["DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *"],
            FAILED_0 + "RETURNING clause is not supported in ExecuteTransaction.",
        ),
        (
            [
                "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1",
                "UPDATE \"{t}\" SET a = 1, a = 2 WHERE pk = 'b' AND sk = 1",
            ],
            FAILED_1 + "Two document paths overlap with each other; must remove or "
            "rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            ["DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1 AND foo(v)"],
            FAILED_0 + "Unrecognized function: foo",
        ),
        (
            ["DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1", 'DELETE FROM "{t}" WHERE pk = ? AND sk = 1'],
            FAILED_1 + "Number of parameters in request and statement don't match.",
        ),
        (
            [
                "EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 1)",
                "DELETE FROM \"{t}\" WHERE pk = 'b' AND sk = 1",
            ],
            FAILED_0 + "EXISTS() must contain a single item read with additional condition",
        ),
        (
            [
                "EXISTS(SELECT * FROM \"{t}\" WHERE pk = 'a' AND v = 1)",
                "DELETE FROM \"{t}\" WHERE pk = 'b' AND sk = 1",
            ],
            FAILED_0 + "EXISTS() must contain a single item read with additional condition",
        ),
        (
            ["DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1", "FOO"],
            "Unsupported operation: VariableReference",
        ),
        (
            ["DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1", "SELECT * FROM"],
            "Statement wasn't well formed, can't be processed: SELECT * FROM",
        ),
        (
            [
                "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1",
                "UPDATE \"{t}\" SET v = 1 WHERE sk = 1 AND pk = 'a'",
            ],
            "Transaction request cannot include multiple operations on one item",
        ),
        (
            [
                "SELECT * FROM \"{t}\" WHERE pk = 'a' AND sk = 1",
                "SELECT v FROM \"{t}\" WHERE sk = 1 AND pk = 'a'",
            ],
            "Transaction request cannot include multiple operations on one item",
        ),
        (
            ["INSERT INTO \"{t}\" VALUE {{'pk': '', 'sk': 1}}"],
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            "contain an empty string value. Key: pk",
        ),
    ],
)
def test_request_errors(ddb: Any, hash_range_table: str, texts: list[str], message: str) -> None:
    statements = [statement(text.format(t=hash_range_table)) for text in texts]
    assert validation(ddb.execute_transaction, TransactStatements=statements) == message


def test_a_missing_table(ddb: Any, hash_range_table: str) -> None:
    code, message = error_of(
        ddb.execute_transaction,
        TransactStatements=[
            statement(f"DELETE FROM \"{hash_range_table}\" WHERE pk = 'a' AND sk = 1"),
            statement(f"DELETE FROM \"{unique_name('nope')}\" WHERE pk = 'a'"),
        ],
    )
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")


@pytest.mark.reference_deviation(
    "DynamoDB Local says 'ExecutePartiQLTransaction can not have empty statement.'"
)
def test_at_least_one_statement(ddb: Any) -> None:
    message = validation(ddb.execute_transaction, TransactStatements=[])
    assert message == (
        "1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


# --- idempotency --------------------------------------------------------------------------------------------


def test_client_request_token(ddb: Any, hash_range_table: str, key: str) -> None:
    token = unique_name("token")
    insert = statement(f"INSERT INTO \"{hash_range_table}\" VALUE {{'pk': ?, 'sk': 8, 'v': 1}}", s(key))
    assert transact(ddb, insert, ClientRequestToken=token) == {"Responses": []}
    assert transact(ddb, insert, ClientRequestToken=token) == {"Responses": []}
    assert get(ddb, hash_range_table, key, 8) == {"pk": s(key), "sk": n("8"), "v": n("1")}
    other = statement(f"INSERT INTO \"{hash_range_table}\" VALUE {{'pk': ?, 'sk': 9}}", s(key))
    code, message = error_of(ddb.execute_transaction, TransactStatements=[other], ClientRequestToken=token)
    assert code == "IdempotentParameterMismatchException"
    assert message == (
        "Specified idempotent token was used with different request parameters within the idempotency window"
    )
    assert get(ddb, hash_range_table, key, 9) is None


# --- capacity -----------------------------------------------------------------------------------------------


@pytest.mark.reference_deviation("DynamoDB Local returns no ConsumedCapacity for PartiQL statements")
def test_consumed_capacity(ddb: Any, hash_range_table: str, key: str) -> None:
    table = hash_range_table
    answer = transact(
        ddb,
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 10}}", s(key)),
        statement(f"UPDATE \"{table}\" SET v = 'x' WHERE pk = ? AND sk = 1", s(key)),
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0}]
    answer = transact(
        ddb,
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(key)),
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]


# --- isolation (localddb: a transaction held open by --transaction-hold) ---------------------------------


@pytest.mark.localddb_only(
    "--transaction-hold keeps a transaction's items held long enough to collide with it"
)
def test_writes_meet_a_transaction_in_flight(target: Any) -> None:
    with localddb_client("--transaction-hold", "800") as client:
        table = create_table(client, unique_name("pql-tx"))
        client.put_item(TableName=table, Item={"pk": s("a"), "v": n("1")})
        holder = threading.Thread(
            target=client.execute_transaction,
            kwargs={"TransactStatements": [statement(f"UPDATE \"{table}\" SET v = 2 WHERE pk = 'a'")]},
        )
        holder.start()
        time.sleep(0.3)
        try:
            code, message = error_of(
                client.execute_statement, Statement=f"UPDATE \"{table}\" SET v = 3 WHERE pk = 'a'"
            )
            assert (code, message) == ("TransactionConflictException", "Transaction is ongoing for the item")
            _, reasons = cancelled(client, statement(f"DELETE FROM \"{table}\" WHERE pk = 'a'"))
            assert reasons == [
                {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
            ]
            responses = client.batch_execute_statement(
                Statements=[statement(f"UPDATE \"{table}\" SET v = 4 WHERE pk = 'a'")]
            )["Responses"]
            assert responses == [
                {
                    "Error": {
                        "Code": "TransactionConflict",
                        "Message": "Transaction is ongoing for the item",
                    },
                    "TableName": table,
                }
            ]
        finally:
            holder.join()
        assert client.get_item(TableName=table, Key={"pk": s("a")})["Item"]["v"] == n("2")
