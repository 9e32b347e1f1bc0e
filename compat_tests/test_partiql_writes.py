"""ExecuteStatement INSERT, UPDATE and DELETE: the item each writes, RETURNING, conditions from the WHERE
clause, the whole-key rule, value literals and their errors, ReturnValuesOnConditionCheckFailure.

Expected answers are the reference's where it agrees with AWS's documentation ("PartiQL insert/update/
delete statements for DynamoDB"); DynamoDB Local names DuplicateItemException `DuplicateItem` and returns
no ConsumedCapacity, so those tests carry `reference_deviation`.
"""

from __future__ import annotations

from typing import Any

import pytest

from compat_tests.conftest import unique_name
from compat_tests.helpers import error_of, n, s, validation

Item = dict[str, Any]

CONDITION_FAILED = ("ConditionalCheckFailedException", "The conditional request failed")
MANDATORY_KEYS = "Where clause does not contain a mandatory equality on all key attributes"
KEY_TYPE = "Key attribute's data type should match its data type in table's schema: Key "


def run(ddb: Any, statement: str, *parameters: Any, **params: Any) -> dict[str, Any]:
    if parameters:
        params["Parameters"] = list(parameters)
    answer: dict[str, Any] = ddb.execute_statement(Statement=statement, **params)
    answer.pop("ResponseMetadata", None)
    return answer


def get(ddb: Any, table: str, **key: Any) -> Item | None:
    item: Item | None = ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    return item


# --- INSERT -------------------------------------------------------------------------------------------------


def test_insert_writes_the_item(ddb: Any, hash_table: str) -> None:
    key = unique_name("ins")
    answer = run(
        ddb,
        f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?, 's': 'it''s', 'n': -1.50e1, 'z': 0.0, 'b': TRUE, "
        "'f': false, 'u': NULL, 'l': [1, 'two', [3]], 'm': {'a': {'b': 1}}, 'ss': <<'x', 'y'>>, "
        "'ns': <<1, 2>>, "
        "'p': (5)}",
        s(key),
    )
    assert answer == {"Items": []}
    assert get(ddb, hash_table, pk=s(key)) == {
        "pk": s(key),
        "s": s("it's"),
        "n": n("-15"),
        "z": n("0"),
        "b": {"BOOL": True},
        "f": {"BOOL": False},
        "u": {"NULL": True},
        "l": {"L": [n("1"), s("two"), {"L": [n("3")]}]},
        "m": {"M": {"a": {"M": {"b": n("1")}}}},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2"]},
        "p": n("5"),
    }


def test_insert_takes_values_from_parameters(ddb: Any, hash_table: str) -> None:
    key = unique_name("ins")
    nested = {"M": {"q": n("1.5"), "l": {"L": [s("x")]}}}
    run(ddb, f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?, 'a': ?}}", s(key), nested)
    assert get(ddb, hash_table, pk=s(key)) == {"pk": s(key), "a": nested}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{{'pk': 'a', 'l': [?]}}", "Unsupported data type: Parameter under key root.0 at 1:{col}:1"),
        ("{{'pk': 'a', 'm': {{'b': ?}}}}", "Unsupported data type: Parameter under key root.b at 1:{col}:1"),
        (
            "{{'pk': 'a', 's': <<?>>}}",
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags "
            "at 1:{col}:1",
        ),
    ],
)
def test_parameters_only_stand_for_whole_values(ddb: Any, hash_table: str, value: str, message: str) -> None:
    statement = f'INSERT INTO "{hash_table}" VALUE ' + value.format()
    column = statement.index("?") + 1
    message = message.format(col=column)
    assert validation(ddb.execute_statement, Statement=statement, Parameters=[s("x")]) == message


@pytest.mark.reference_deviation("DynamoDB Local's error code is DuplicateItem, not DuplicateItemException")
def test_insert_refuses_an_existing_key(ddb: Any, hash_table: str) -> None:
    key = unique_name("ins")
    statement = f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?, 'v': 1}}"
    run(ddb, statement, s(key))
    code, message = error_of(ddb.execute_statement, Statement=statement, Parameters=[s(key)])
    assert (code, message) == ("DuplicateItemException", "Duplicate primary key exists in table")


def test_insert_of_an_existing_key_changes_nothing(ddb: Any, hash_table: str) -> None:
    key = unique_name("ins")
    run(ddb, f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?, 'v': 1}}", s(key))
    with pytest.raises(Exception) as raised:
        run(ddb, f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?, 'v': 2}}", s(key))
    assert "Duplicate primary key exists in table" in str(raised.value)
    assert get(ddb, hash_table, pk=s(key)) == {"pk": s(key), "v": n("1")}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{'sk': 1}", "Key attribute should be present in the item: Key pk"),
        ("{'pk': 'a'}", "Key attribute should be present in the item: Key sk"),
        ("{'pk': 'a', 'sk': 'x'}", KEY_TYPE + "sk"),
        ("{'pk': 1, 'sk': 1}", KEY_TYPE + "pk"),
        (
            "{'pk': '', 'sk': 1}",
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            "contain "
            "an empty string value. Key: pk",
        ),
        ("{'pk': 'a', 'sk': 1, 'e': <<>>}", "Empty bags are not supported at 1:{col}:2"),
        (
            "{'pk': 'a', 'sk': 1, 'e': <<1, 'a'>>}",
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
        ),
        ("{'pk': 'a', 'sk': 1, 'e': <<'a', 'a'>>}", "Input collection contains duplicates"),
        ("{'pk': 'a', 'sk': 1, 'e': <<1, 1.0>>}", "Input collection contains duplicates"),
        ("{'pk': 'a', 'sk': 1, 'e': MISSING}", "Unsupported data type: MISSING under key root at 1:{col}:7"),
        (
            "{'pk': 'a', 'sk': 1, 'e': {'f': MISSING}}",
            "Unsupported data type: LiteralMissing under key root.f at 1:{col}:7",
        ),
        (
            "{'pk': 'a', 'sk': 1, 'e': [MISSING]}",
            "Unsupported data type: LiteralMissing under key root.0 at 1:{col}:7",
        ),
        ("{'pk': 'a', 'sk': 1, 'e': 1 + 1}", "Unsupported data type: + under key root at 1:{col}:1"),
        ("{'pk': 'a', 'sk': 1, 'e': y}", "Unsupported data type: y under key root at 1:{col}:1"),
        ("{'pk': 'a', 'sk': 1, 'pk': 'b'}", "Duplicate keys in tuple. Key: pk under root at 1:{col}:4"),
        (
            "{'pk': 'a', 'sk': 1, 'e': {'x': 1, 'x': 2}}",
            "Duplicate keys in tuple. Key: x under root at 1:{col}:1",
        ),
        (
            "{'pk': 'a', 'sk': 1, \"e\": 1}",
            "Tuple keys must be of type String. Actual type: VariableReference under root at 1:{col}:3",
        ),
        (
            "{'pk': 'a', 'sk': 1, 5: 1}",
            "Tuple keys must be of type String. Actual type: INT under root at 1:{col}:1",
        ),
        (
            "{'pk': 'a', 'sk': 1, 'e': 1e500}",
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "{'pk': 'a', 'sk': 1, 'e': 123456789012345678901234567890123456789}",
            "DynamoDB only supports precision up to 38 digits",
        ),
        (
            "[1]",
            "Unsupported format in item expression. Please use struct format {{...}} to express item values "
            "for "
            "insert statement. at 1:{col}:1",
        ),
    ],
)
def test_insert_errors(ddb: Any, hash_range_table: str, value: str, message: str) -> None:
    statement = f'INSERT INTO "{hash_range_table}" VALUE {value}'
    column = _column_of_error(statement, value, message)
    assert validation(ddb.execute_statement, Statement=statement) == message.format(col=column)


def _column_of_error(statement: str, value: str, message: str) -> int:
    """The 1-based column the message points at: the token the test case is about."""
    if "Duplicate keys" in message and "Key: pk" in message:
        return statement.rindex("'pk'") + 1
    if "Duplicate keys" in message:
        return statement.rindex("{") + 1
    if "Tuple keys" in message:
        return statement.rindex(", ") + 3
    for marker in ("<<>>", "MISSING", " + ", ": y", "[1]"):
        if marker in value:
            offset = {" + ": 1, ": y": 2}.get(marker, 0)
            return statement.rindex(marker) + offset + 1
    return 0


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "INSERT INTO \"{t}\" VALUE {{'pk': 'a'}} RETURNING ALL OLD *",
            "RETURNING is not supported in INSERT",
        ),
        (
            "INSERT INTO \"{t}\".\"idx\" VALUE {{'pk': 'a'}}",
            "FROM clause may only contain a single table name in data manipulation statements",
        ),
        (
            "INSERT INTO \"{t}\" VALUES {{'pk': 'a'}}",
            "Statement wasn't well formed, can't be processed: {statement}",
        ),
    ],
)
def test_insert_statement_errors(ddb: Any, hash_table: str, statement: str, message: str) -> None:
    text = statement.format(t=hash_table)
    assert validation(ddb.execute_statement, Statement=text) == message.format(statement=text)


# --- UPDATE -------------------------------------------------------------------------------------------------


@pytest.fixture
def item_key(ddb: Any, hash_table: str) -> str:
    key = unique_name("upd")
    ddb.put_item(
        TableName=hash_table,
        Item={"pk": s(key), "v": s("one"), "n": n("5"), "l": {"L": [n("1")]}, "m": {"M": {"a": n("1")}}},
    )
    return key


def update(ddb: Any, table: str, key: str, action: str, returning: str = "", **params: Any) -> list[Item]:
    statement = f'UPDATE "{table}" {action} WHERE pk = ? {returning}'
    items: list[Item] = run(ddb, statement, s(key), **params)["Items"]
    return items


def test_update_returning_forms(ddb: Any, hash_table: str, item_key: str) -> None:
    assert update(ddb, hash_table, item_key, "SET v = 'two'") == []
    old = update(ddb, hash_table, item_key, "SET v = 'three', w = 1", "RETURNING MODIFIED OLD *")
    assert old == [{"v": s("two")}]
    new = update(ddb, hash_table, item_key, "SET v = 'four'", "RETURNING MODIFIED NEW *")
    assert new == [{"v": s("four")}]
    everything = update(ddb, hash_table, item_key, "REMOVE w", "RETURNING ALL OLD *")
    assert everything == [
        {
            "pk": s(item_key),
            "v": s("four"),
            "n": n("5"),
            "l": {"L": [n("1")]},
            "m": {"M": {"a": n("1")}},
            "w": n("1"),
        }
    ]
    after = update(ddb, hash_table, item_key, "SET m.b = 2", "RETURNING ALL NEW *")
    assert after == [
        {
            "pk": s(item_key),
            "v": s("four"),
            "n": n("5"),
            "l": {"L": [n("1")]},
            "m": {"M": {"a": n("1"), "b": n("2")}},
        }
    ]
    assert update(ddb, hash_table, item_key, "SET nothing_new = 1", "RETURNING MODIFIED OLD *") == []


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("SET n = n + 1", {"n": n("6")}),
        ("SET n = n - 10", {"n": n("-5")}),
        ("SET n = n + 1 + 1", {"n": n("7")}),
        ("SET n = (n + 1)", {"n": n("6")}),
        ("SET n = 1 + 2", {"n": n("3")}),
        ("SET c = n", {"c": n("5")}),
        ("SET l = list_append(l, [2])", {"l": {"L": [n("1"), n("2")]}}),
        ("SET l = list_append([0], l)", {"l": {"L": [n("0"), n("1")]}}),
        ("SET l[0] = 9", {"l": {"L": [n("9")]}}),
        ("SET m.a = 2", {"m": {"M": {"a": n("2")}}}),
        ("SET m['a'] = 2", {"m": {"M": {"a": n("2")}}}),
        ("SET z = if_not_exists(z, 7)", {"z": n("7")}),
        ("SET n = if_not_exists(n, 7)", {"n": n("5")}),
        ("SET ss = set_add(ss, <<'a'>>)", {"ss": {"SS": ["a"]}}),
        ("SET u = NULL", {"u": {"NULL": True}}),
        ("SET a = 1, b = 2", {"a": n("1"), "b": n("2")}),
        ("SET a = 1 SET b = 2", {"a": n("1"), "b": n("2")}),
        ("SET v = 'x' REMOVE l", {"v": s("x")}),
    ],
)
def test_update_actions(ddb: Any, hash_table: str, item_key: str, action: str, expected: Item) -> None:
    assert update(ddb, hash_table, item_key, action, "RETURNING MODIFIED NEW *") == [expected]


def test_set_add_and_set_delete(ddb: Any, hash_table: str, item_key: str) -> None:
    update(ddb, hash_table, item_key, "SET ns = <<1, 2, 3>>")
    assert update(ddb, hash_table, item_key, "SET ns = set_add(ns, <<4>>)", "RETURNING MODIFIED NEW *") == [
        {"ns": {"NS": ["1", "2", "3", "4"]}}
    ]
    found = update(ddb, hash_table, item_key, "SET ns = set_delete(ns, <<1, 2>>)", "RETURNING MODIFIED NEW *")
    assert found == [{"ns": {"NS": ["3", "4"]}}]
    update(ddb, hash_table, item_key, "SET ns = set_delete(ns, <<3, 4>>)")
    assert "ns" not in (get(ddb, hash_table, pk=s(item_key)) or {})


def test_update_condition_from_the_where_clause(ddb: Any, hash_table: str, item_key: str) -> None:
    statement = f"UPDATE \"{hash_table}\" SET v = 'x' WHERE pk = ? AND v = 'nope'"
    assert error_of(ddb.execute_statement, Statement=statement, Parameters=[s(item_key)]) == CONDITION_FAILED
    statement = f"UPDATE \"{hash_table}\" SET v = 'x' WHERE pk = ? AND v = 'one' AND attribute_exists(n)"
    run(ddb, statement, s(item_key))
    assert (get(ddb, hash_table, pk=s(item_key)) or {})["v"] == s("x")


def test_update_of_a_missing_item_fails_its_condition(ddb: Any, hash_table: str) -> None:
    key = unique_name("none")
    statement = f"UPDATE \"{hash_table}\" SET v = 'x' WHERE pk = ?"
    assert error_of(ddb.execute_statement, Statement=statement, Parameters=[s(key)]) == CONDITION_FAILED
    assert get(ddb, hash_table, pk=s(key)) is None


def test_return_values_on_condition_check_failure(ddb: Any, hash_table: str, item_key: str) -> None:
    statement = f"UPDATE \"{hash_table}\" SET v = 'x' WHERE pk = ? AND v = 'nope'"
    with pytest.raises(Exception) as raised:
        ddb.execute_statement(
            Statement=statement, Parameters=[s(item_key)], ReturnValuesOnConditionCheckFailure="ALL_OLD"
        )
    response = raised.value.response  # type: ignore[attr-defined]
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert response["Item"] == {
        "pk": s(item_key),
        "v": s("one"),
        "n": n("5"),
        "l": {"L": [n("1")]},
        "m": {"M": {"a": n("1")}},
    }


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a'", MANDATORY_KEYS),
        ("UPDATE \"{t}\" SET v = 'x' WHERE sk = 1", MANDATORY_KEYS),
        ("UPDATE \"{t}\" SET v = 'x'", MANDATORY_KEYS),
        ("UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a' AND sk > 1", MANDATORY_KEYS),
        ("UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a' AND sk = 1 OR pk = 'b'", MANDATORY_KEYS),
        ("UPDATE \"{t}\" SET v = 'x' WHERE pk IN ['a'] AND sk = 1", MANDATORY_KEYS),
        (
            "UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a' AND sk = 1 AND pk = 'b'",
            "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported",
        ),
        ("UPDATE \"{t}\" SET v = 'x' WHERE pk = 1 AND sk = 1", KEY_TYPE + "pk"),
        (
            "UPDATE \"{t}\" SET v = 'x', v = 'y' WHERE pk = 'a' AND sk = 1",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [v], path two: [v]",
        ),
        (
            "UPDATE \"{t}\" SET v = MISSING WHERE pk = 'a' AND sk = 1",
            "MISSING must be compared using IS operator",
        ),
        (
            "UPDATE \"{t}\" SET n = n * 2 WHERE pk = 'a' AND sk = 1",
            "Unsupported operator in Update Expression. Operator: *",
        ),
        (
            "UPDATE \"{t}\" SET c = size(n) WHERE pk = 'a' AND sk = 1",
            "The function is not allowed in an update expression; function: size",
        ),
        (
            "UPDATE \"{t}\" SET t = set_add(s, <<'b'>>) WHERE pk = 'a' AND sk = 1",
            "The first argument to SET_ADD must equal the assignment value",
        ),
        (
            "UPDATE \"{t}\" SET s = set_add(s, 'b') WHERE pk = 'a' AND sk = 1",
            "The second argument to SET_ADD must be a value with type SET at 1:{col}:1",
        ),
        (
            "UPDATE \"{t}\" SET v = 'x' WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD v",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        (
            "UPDATE \"{t}\".\"idx\" SET v = 'x' WHERE pk = 'a' AND sk = 1",
            "This operation is not supported on an index",
        ),
        (
            "UPDATE \"{t}\" REMOVE a, b WHERE pk = 'a' AND sk = 1",
            "Statement wasn't well formed, can't be processed: {s}",
        ),
        (
            "UPDATE \"{t}\" SET a = 2 WHERE pk = 'a' AND sk = 1 AND pk.x = 1",
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
            "Key pk",
        ),
    ],
)
def test_update_errors(ddb: Any, hash_range_table: str, statement: str, message: str) -> None:
    text = statement.format(t=hash_range_table)
    column = text.find("set_add(") + len("set_add(") + 1
    assert validation(ddb.execute_statement, Statement=text) == message.format(s=text, col=column)


def test_update_of_a_key_attribute(ddb: Any, hash_table: str, item_key: str) -> None:
    message = validation(
        ddb.execute_statement,
        Statement=f"UPDATE \"{hash_table}\" SET pk = 'x' WHERE pk = ?",
        Parameters=[s(item_key)],
    )
    assert message == (
        "One or more parameter values were invalid: Cannot update attribute pk. "
        "This attribute is part of the key"
    )


def test_update_errors_at_apply_time(ddb: Any, hash_table: str, item_key: str) -> None:
    statement = f'UPDATE "{hash_table}" SET q = q + 1 WHERE pk = ?'
    message = validation(ddb.execute_statement, Statement=statement, Parameters=[s(item_key)])
    assert message == "The provided expression refers to an attribute that does not exist in the item"
    statement = f'UPDATE "{hash_table}" SET v.a = 1 WHERE pk = ?'
    message = validation(ddb.execute_statement, Statement=statement, Parameters=[s(item_key)])
    assert message == "The document path provided in the update expression is invalid for update"
    statement = f'UPDATE "{hash_table}" SET ss = set_add(ss, <<1>>) WHERE pk = ?'
    update(ddb, hash_table, item_key, "SET ss = <<'a'>>")
    message = validation(ddb.execute_statement, Statement=statement, Parameters=[s(item_key)])
    assert message == "An operand in the update expression has an incorrect data type"


# --- DELETE -------------------------------------------------------------------------------------------------


def test_delete(ddb: Any, hash_table: str, item_key: str) -> None:
    statement = f'DELETE FROM "{hash_table}" WHERE pk = ? RETURNING ALL OLD *'
    assert run(ddb, statement, s(item_key))["Items"] == [
        {"pk": s(item_key), "v": s("one"), "n": n("5"), "l": {"L": [n("1")]}, "m": {"M": {"a": n("1")}}}
    ]
    assert get(ddb, hash_table, pk=s(item_key)) is None
    assert run(ddb, statement, s(item_key)) == {"Items": []}
    assert run(ddb, f'DELETE FROM "{hash_table}" WHERE pk = ?', s(item_key)) == {"Items": []}


def test_delete_condition(ddb: Any, hash_table: str, item_key: str) -> None:
    statement = f'DELETE FROM "{hash_table}" WHERE pk = ? AND n = 4'
    assert error_of(ddb.execute_statement, Statement=statement, Parameters=[s(item_key)]) == CONDITION_FAILED
    with pytest.raises(Exception) as raised:
        ddb.execute_statement(
            Statement=statement, Parameters=[s(item_key)], ReturnValuesOnConditionCheckFailure="ALL_OLD"
        )
    assert raised.value.response["Item"]["v"] == s("one")  # type: ignore[attr-defined]
    run(ddb, f'DELETE FROM "{hash_table}" WHERE pk = ? AND n = 5', s(item_key))
    assert get(ddb, hash_table, pk=s(item_key)) is None


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("DELETE FROM \"{t}\" WHERE pk = 'a'", MANDATORY_KEYS),
        ('DELETE FROM "{t}"', MANDATORY_KEYS),
        (
            "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.",
        ),
        (
            "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *",
            "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in "
            "DELETE "
            "statements.",
        ),
        (
            'DELETE FROM "{t}"."idx" WHERE pk = \'a\' AND sk = 1',
            "This operation is not supported on an index",
        ),
        ("DELETE \"{t}\" WHERE pk = 'a' AND sk = 1", "Statement wasn't well formed, can't be processed: {s}"),
        (
            "DELETE FROM \"{t}\" WHERE pk = 'a' AND sk = 1 AND v = v",
            "The first operand must be distinct from "
            "the remaining operands for this operator or function; operator: =, first operand: [v]",
        ),
    ],
)
def test_delete_errors(ddb: Any, hash_range_table: str, statement: str, message: str) -> None:
    text = statement.format(t=hash_range_table)
    assert validation(ddb.execute_statement, Statement=text) == message.format(s=text)


# --- capacity -----------------------------------------------------------------------------------------------


@pytest.mark.reference_deviation("DynamoDB Local returns no ConsumedCapacity for PartiQL statements")
def test_consumed_capacity_of_writes(ddb: Any, hash_table: str) -> None:
    key = unique_name("cap")
    answer = run(
        ddb, f"INSERT INTO \"{hash_table}\" VALUE {{'pk': ?}}", s(key), ReturnConsumedCapacity="TOTAL"
    )
    assert answer["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 1.0}
    statement = f'UPDATE "{hash_table}" SET v = 1 WHERE pk = ?'
    answer = run(ddb, statement, s(key), ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {
        "TableName": hash_table,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
