"""BatchExecuteStatement: single-item reads or writes, each statement's error in its own response, the
checks that fail the whole request (mixed reads and writes, one item twice, bad parameter values, more
than 25 statements).

Expected answers are the reference's and AWS's BatchStatementError documentation (codes
ConditionalCheckFailed, ValidationError, ResourceNotFound, DuplicateItem, …). DynamoDB Local words a
missing table its own way and counts the statements with its own message; those tests carry
`reference_deviation`.
"""

from __future__ import annotations

from typing import Any

import pytest

from compat_tests.conftest import unique_name
from compat_tests.helpers import n, s, validation

Item = dict[str, Any]

SINGLE_ITEM = {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}}
COUNT = {
    "Error": {
        "Code": "ValidationError",
        "Message": "Number of parameters in request and statement don't match.",
    }
}
CONDITION_FAILED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}


def statement(text: str, *parameters: Any, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"Statement": text, **extra}
    if parameters:
        out["Parameters"] = list(parameters)
    return out


def batch(ddb: Any, *statements: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
    responses: list[dict[str, Any]] = ddb.batch_execute_statement(Statements=list(statements), **params)[
        "Responses"
    ]
    return responses


@pytest.fixture
def keys(ddb: Any, hash_range_table: str) -> tuple[str, str]:
    """Two partition keys of hash_range_table: the first holds items sk 1 and 2, the second nothing."""
    first, second = unique_name("b"), unique_name("b")
    for sk in ("1", "2"):
        ddb.put_item(TableName=hash_range_table, Item={"pk": s(first), "sk": n(sk), "v": s(f"v{sk}")})
    return first, second


def test_reads(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, second = keys
    table = hash_range_table
    responses = batch(
        ddb,
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(first)),
        statement(f'SELECT v FROM "{table}" WHERE sk = 2 AND pk = ?', s(first), ConsistentRead=True),
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(second)),
        statement(f"SELECT * FROM \"{table}\" WHERE pk = '{second}' AND sk = 2 ORDER BY sk"),
    )
    assert responses == [
        {"TableName": table, "Item": {"pk": s(first), "sk": n("1"), "v": s("v1")}},
        {"TableName": table, "Item": {"v": s("v2")}},
        {"TableName": table},
        {"TableName": table},
    ]


def test_each_statement_fails_on_its_own(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, _ = keys
    table = hash_range_table
    limited = f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1 LIMIT 1'
    limit_column = limited.rindex("1") + 1
    responses = batch(
        ddb,
        statement(f'SELECT * FROM "{table}" WHERE pk = ?', s(first)),
        statement(f'SELECT * FROM "{table}"'),
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1 AND v = 1', s(first)),
        statement(f'SELECT * FROM "{table}" WHERE pk IN [?] AND sk = 1', s(first)),
        statement(
            f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1 OR pk = ? AND sk = 2', s(first), s(first)
        ),
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?', s(first)),
        statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 2', s(first)),
        statement("SELECT * FROM"),
        statement("FOO"),
        statement(f'SELECT * FROM "{table}" WHERE pk = 1 AND sk = 1'),
        statement(f"EXISTS(SELECT * FROM \"{table}\" WHERE pk = 'a' AND sk = 1 AND v = 1)"),
        statement(limited, s(first)),
    )
    assert responses == [
        SINGLE_ITEM,
        SINGLE_ITEM,
        SINGLE_ITEM,
        SINGLE_ITEM,
        SINGLE_ITEM,
        COUNT,
        {"TableName": table, "Item": {"pk": s(first), "sk": n("2"), "v": s("v2")}},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Statement wasn't well formed, can't be processed: SELECT * FROM",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Invalid operation. Only select, insert, update and delete operations are valid",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Key attribute's data type should match its data type in table's schema: Key pk",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "EXISTS can only be used in ExecuteTransaction write requests.",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": f"Unsupported clause: LIMIT at 1:{limit_column}:1",
            }
        },
    ]


def test_an_index_plays_no_part(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, _ = keys
    table = hash_range_table
    responses = batch(ddb, statement(f'SELECT v FROM "{table}"."idx" WHERE pk = ? AND sk = 1', s(first)))
    assert responses == [{"TableName": table, "Item": {"v": s("v1")}}]


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_a_missing_table_is_one_statements_error(ddb: Any, hash_table: str) -> None:
    missing = unique_name("nope")
    responses = batch(
        ddb,
        statement(f"SELECT * FROM \"{missing}\" WHERE pk = 'a'"),
        statement(f"SELECT * FROM \"{hash_table}\" WHERE pk = '{unique_name('x')}'"),
    )
    assert responses == [
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
        {"TableName": hash_table},
    ]


def test_writes(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, second = keys
    table = hash_range_table
    responses = batch(
        ddb,
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1, 'v': 'new'}}", s(second)),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1}}", s(first)),
        statement(f"UPDATE \"{table}\" SET v = 'u' WHERE pk = ? AND sk = 2 RETURNING ALL NEW *", s(first)),
        statement(f"UPDATE \"{table}\" SET v = 'u' WHERE pk = ? AND sk = 3", s(first)),
        statement(f'DELETE FROM "{table}" WHERE pk = ? AND sk = 2', s(second)),
        statement(f"UPDATE \"{table}\" SET v = 'u' WHERE pk = ?", s(first)),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 'x'}}", s(second)),
        statement(f'UPDATE "{table}" SET q = q + 1 WHERE pk = ? AND sk = 3', s(second)),
    )
    assert responses == [
        {"TableName": table},
        {
            "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
            "TableName": table,
        },
        {"TableName": table, "Item": {"pk": s(first), "sk": n("2"), "v": s("u")}},
        {"Error": CONDITION_FAILED, "TableName": table},
        {"TableName": table},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Where clause does not contain a mandatory equality on all key attributes",
            }
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Key attribute's data type should match its data type in table's schema: Key sk",
            }
        },
        {"Error": CONDITION_FAILED, "TableName": table},
    ]
    item = ddb.get_item(TableName=table, Key={"pk": s(second), "sk": n("1")}, ConsistentRead=True)["Item"]
    assert item == {"pk": s(second), "sk": n("1"), "v": s("new")}


def test_write_errors_carry_the_table_name(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, _ = keys
    table = hash_range_table
    responses = batch(
        ddb,
        statement(f"UPDATE \"{table}\" SET pk = 'x' WHERE pk = ? AND sk = 1", s(first)),
        statement(f'UPDATE "{table}" SET q = q + 1 WHERE pk = ? AND sk = 2', s(first)),
    )
    assert responses == [
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "One or more parameter values were invalid: Cannot update attribute pk. "
                "This attribute is part of the key",
            },
            "TableName": table,
        },
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "The provided expression refers to an attribute that does not exist in the item",
            },
            "TableName": table,
        },
    ]


def test_return_values_on_condition_check_failure(
    ddb: Any, hash_range_table: str, keys: tuple[str, str]
) -> None:
    first, _ = keys
    table = hash_range_table
    text = f"UPDATE \"{table}\" SET v = 'x' WHERE pk = ? AND sk = 1 AND v = 'nope'"
    responses = batch(ddb, statement(text, s(first), ReturnValuesOnConditionCheckFailure="ALL_OLD"))
    assert responses == [
        {
            "Error": {**CONDITION_FAILED, "Item": {"pk": s(first), "sk": n("1"), "v": s("v1")}},
            "TableName": table,
        }
    ]


def test_reads_and_writes_do_not_mix(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, second = keys
    table = hash_range_table
    message = validation(
        ddb.batch_execute_statement,
        Statements=[
            statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(first)),
            statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1}}", s(second)),
        ],
    )
    assert message == "Read and write requests together in the same batch is not supported."
    assert "Item" not in ddb.get_item(
        TableName=table, Key={"pk": s(second), "sk": n("1")}, ConsistentRead=True
    )
    responses = batch(
        ddb,
        statement("FOO"),
        statement(f"INSERT INTO \"{table}\" VALUE {{'pk': ?, 'sk': 1}}", s(second)),
    )
    assert responses[1] == {"TableName": table}


@pytest.mark.parametrize("kind", ["read", "write"])
def test_one_item_twice(ddb: Any, hash_range_table: str, keys: tuple[str, str], kind: str) -> None:
    first, _ = keys
    table = hash_range_table
    if kind == "read":
        texts = [
            f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1',
            f'SELECT * FROM "{table}" WHERE sk = 1.0 AND pk = ?',
        ]
    else:
        texts = [
            f"UPDATE \"{table}\" SET v = 'a' WHERE pk = ? AND sk = 1",
            f'DELETE FROM "{table}" WHERE pk = ? AND sk = 1',
        ]
    message = validation(
        ddb.batch_execute_statement, Statements=[statement(text, s(first)) for text in texts]
    )
    assert message == "Provided list of item keys contains duplicates"


def test_bad_parameter_values_fail_the_request(ddb: Any, hash_table: str) -> None:
    message = validation(
        ddb.batch_execute_statement,
        Statements=[statement(f'SELECT * FROM "{hash_table}" WHERE pk = ?', {})],
    )
    assert message == "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"


@pytest.mark.reference_deviation("DynamoDB Local says 'BatchGetItem cannot fetch more than 25 items'")
def test_at_most_25_statements(ddb: Any, hash_table: str) -> None:
    statements = [statement(f"SELECT * FROM \"{hash_table}\" WHERE pk = 'k{i}'") for i in range(26)]
    message = validation(ddb.batch_execute_statement, Statements=statements)
    assert message.startswith("1 validation error detected: Value '[BatchStatementRequest(statement=")
    assert message.endswith(
        "at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25"
    )


@pytest.mark.reference_deviation("DynamoDB Local returns no ConsumedCapacity for PartiQL statements")
def test_consumed_capacity(ddb: Any, hash_range_table: str, keys: tuple[str, str]) -> None:
    first, second = keys
    table = hash_range_table
    answer = ddb.batch_execute_statement(
        Statements=[
            statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(first)),
            statement(f'SELECT * FROM "{table}" WHERE pk = ? AND sk = 1', s(second), ConsistentRead=True),
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 1.5}]
