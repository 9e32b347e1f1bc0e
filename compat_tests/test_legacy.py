"""The legacy parameters through boto3: Expected (+ ConditionalOperator) on PutItem, DeleteItem and
UpdateItem, AttributeUpdates, AttributesToGet, and mixing them with expressions.

Expected messages are AWS's: dynalite's suite recorded them on live DynamoDB, and the reference (DynamoDB
Local 3.x) gives the same text, except where a test carries `reference_deviation`:
- DynamoDB Local words a malformed number "A value provided cannot be converted into a number";
- it names types in full in AttributeUpdates messages ("STRING" where AWS says "S");
- it reports a duplicate in GetItem's AttributesToGet as "Cannot have two attributes with the same name";
- it looks the table up before checking Expected, and ignores empty legacy parameters (`{}`, `""`) in the
  mixing check, where AWS counts every parameter present.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import RawClient
from compat_tests.helpers import error_of, n, s, validation

INVALID = "One or more parameter values were invalid: "
MIXED = "Can not use both expression and non-expression parameters in the same request: "
CONDITION_FAILED = ("ConditionalCheckFailedException", "The conditional request failed")
NUMBER_WORDING = (
    "DynamoDB Local words a malformed number 'A value provided cannot be converted into a number'"
)
TYPE_WORDING = "DynamoDB Local names types in full ('STRING') in AttributeUpdates messages; AWS says 'S'"


def cond(operator: str, *values: Any) -> dict[str, Any]:
    return {"ComparisonOperator": operator, "AttributeValueList": list(values)}


def new_key() -> dict[str, Any]:
    return {"pk": s(f"legacy-{uuid.uuid4().hex}")}


# An item with one attribute of every type, stored once per target.
ITEM: dict[str, Any] = {
    "s": s("hello world"),
    "upper": s("Zebra"),
    "n": n("42"),
    "b": {"B": b"\x01\x02\x03"},
    "ss": {"SS": ["a", "b", "c"]},
    "ns": {"NS": ["1", "2.5"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {"L": [s("x"), n("1"), {"BOOL": True}]},
    "m": {"M": {"k": s("v")}},
    "t": {"BOOL": True},
    "z": {"NULL": True},
}


@pytest.fixture(scope="module")
def stored(ddb: Any, hash_table: str) -> Iterator[dict[str, Any]]:
    item = {**new_key(), **ITEM}
    ddb.put_item(TableName=hash_table, Item=item)
    yield item
    ddb.delete_item(TableName=hash_table, Key={"pk": item["pk"]})


def expected_holds(
    ddb: Any, table: str, item: dict[str, Any], expected: dict[str, Any], **extra: Any
) -> bool:
    """Whether `expected` holds on the stored `item`, asked by re-putting the same item."""
    try:
        ddb.put_item(TableName=table, Item=item, Expected=expected, **extra)
    except ClientError as error:
        assert (error.response["Error"]["Code"], error.response["Error"]["Message"]) == CONDITION_FAILED
        return False
    return True


# --- Expected: every operator ------------------------------------------------------------------------------

OPERATOR_CASES = [
    ("s", cond("EQ", s("hello world")), True),
    ("s", cond("EQ", s("hello")), False),
    ("n", cond("EQ", n("42.000")), True),
    ("n", cond("EQ", s("42")), False),  # a different type is simply unequal
    ("ss", cond("EQ", {"SS": ["c", "b", "a"]}), True),
    ("ns", cond("EQ", {"NS": ["2.50", "1"]}), True),
    ("m", cond("EQ", {"M": {"k": s("v")}}), True),
    ("n", cond("NE", n("41")), True),
    ("n", cond("NE", n("42")), False),
    ("n", cond("NE", s("42")), True),
    ("missing", cond("NE", s("x")), True),  # NE holds for a missing attribute
    ("n", cond("LT", n("42.5")), True),
    ("n", cond("LT", n("42")), False),
    ("n", cond("LE", n("42")), True),
    ("n", cond("GT", n("-100")), True),
    ("n", cond("GE", n("43")), False),
    ("upper", cond("LT", s("a")), True),  # UTF-8 byte order
    ("b", cond("GT", {"B": b"\x01\x02"}), True),
    ("n", cond("GT", s("1")), False),
    ("missing", cond("LT", n("1")), False),
    ("s", cond("NOT_NULL"), True),
    ("missing", cond("NOT_NULL"), False),
    ("z", cond("NULL"), False),  # NULL means "absent", not the NULL type
    ("missing", cond("NULL"), True),
    ("s", cond("CONTAINS", s("lo wo")), True),
    ("ss", cond("CONTAINS", s("b")), True),
    ("ns", cond("CONTAINS", n("2.50")), True),
    ("bs", cond("CONTAINS", {"B": b"\x02"}), True),
    ("l", cond("CONTAINS", n("1")), True),
    ("l", cond("CONTAINS", {"BOOL": True}), True),
    ("t", cond("CONTAINS", {"BOOL": True}), False),
    ("n", cond("CONTAINS", n("4")), False),
    ("missing", cond("CONTAINS", s("x")), False),
    ("s", cond("NOT_CONTAINS", s("xyz")), True),
    ("ss", cond("NOT_CONTAINS", s("b")), False),
    ("n", cond("NOT_CONTAINS", s("4")), True),
    ("missing", cond("NOT_CONTAINS", s("x")), False),  # unlike NOT contains(...), false when missing
    ("s", cond("BEGINS_WITH", s("hell")), True),
    ("s", cond("BEGINS_WITH", s("world")), False),
    ("b", cond("BEGINS_WITH", {"B": b"\x01"}), True),
    ("ss", cond("BEGINS_WITH", s("a")), False),
    ("n", cond("IN", n("1"), n("42"), n("7")), True),
    ("n", cond("IN", n("1"), n("7")), False),
    ("s", cond("IN", s("hello world")), True),
    ("ss", cond("IN", s("a")), False),
    ("missing", cond("IN", s("a")), False),
    ("n", cond("BETWEEN", n("42"), n("42")), True),
    ("n", cond("BETWEEN", n("1"), n("41.9")), False),
    ("s", cond("BETWEEN", s("h"), s("i")), True),
    ("s", cond("BETWEEN", n("1"), n("100")), False),
]


@pytest.mark.parametrize(("attribute", "condition", "holds"), OPERATOR_CASES)
def test_expected_operator(
    ddb: Any, hash_table: str, stored: dict[str, Any], attribute: str, condition: dict[str, Any], holds: bool
) -> None:
    assert expected_holds(ddb, hash_table, stored, {attribute: condition}) is holds


@pytest.mark.parametrize(
    ("expected", "holds"),
    [
        ({"n": {"Value": n("42")}}, True),
        ({"n": {"Value": n("42"), "Exists": True}}, True),
        ({"n": {"Value": n("43")}}, False),
        ({"l": {"Value": {"L": [s("x"), n("1"), {"BOOL": True}]}}}, True),
        ({"t": {"Value": {"BOOL": True}, "Exists": True}}, True),
        ({"missing": {"Exists": False}}, True),
        ({"n": {"Exists": False}}, False),
        ({"n": {"ComparisonOperator": "EQ", "Value": n("42")}}, True),
        ({"n": {"ComparisonOperator": "IN", "Value": n("42")}}, True),
    ],
)
def test_expected_value_and_exists(
    ddb: Any, hash_table: str, stored: dict[str, Any], expected: dict[str, Any], holds: bool
) -> None:
    assert expected_holds(ddb, hash_table, stored, expected) is holds


@pytest.mark.parametrize(
    ("expected", "operator", "holds"),
    [
        ({"n": {"Value": n("42")}, "missing": {"Exists": False}}, None, True),
        ({"n": {"Value": n("42")}, "s": {"Exists": False}}, "AND", False),
        ({"n": {"Value": n("42")}, "s": {"Exists": False}}, "OR", True),
        ({"n": {"Value": n("1")}, "s": {"Exists": False}}, "OR", False),
    ],
)
def test_conditional_operator(
    ddb: Any,
    hash_table: str,
    stored: dict[str, Any],
    expected: dict[str, Any],
    operator: str | None,
    holds: bool,
) -> None:
    extra = {"ConditionalOperator": operator} if operator else {}
    assert expected_holds(ddb, hash_table, stored, expected, **extra) is holds


def test_expected_on_a_missing_item(ddb: Any, hash_table: str) -> None:
    key = new_key()
    ddb.put_item(TableName=hash_table, Item={**key, "a": n("1")}, Expected={"pk": {"Exists": False}})
    assert error_of(ddb.put_item, TableName=hash_table, Item=key, Expected={"pk": {"Exists": False}}) == (
        CONDITION_FAILED
    )
    other = new_key()
    params = {"TableName": hash_table, "Key": other, "Expected": {"a": {"Value": n("1")}}}
    assert error_of(ddb.delete_item, **params) == CONDITION_FAILED
    assert error_of(ddb.update_item, AttributeUpdates={"a": {"Value": n("2")}}, **params) == CONDITION_FAILED
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=other)


def test_delete_and_update_with_expected(ddb: Any, hash_table: str) -> None:
    key = new_key()
    ddb.put_item(TableName=hash_table, Item={**key, "v": n("1")})
    failing = {"v": cond("GT", n("1"))}
    assert error_of(ddb.delete_item, TableName=hash_table, Key=key, Expected=failing) == CONDITION_FAILED
    updated = ddb.update_item(
        TableName=hash_table,
        Key=key,
        Expected={"v": cond("LE", n("1"))},
        AttributeUpdates={"v": {"Action": "ADD", "Value": n("1")}},
        ReturnValues="UPDATED_NEW",
    )
    assert updated["Attributes"] == {"v": n("2")}
    deleted = ddb.delete_item(
        TableName=hash_table, Key=key, Expected={"v": {"Value": n("2")}}, ReturnValues="ALL_OLD"
    )
    assert deleted["Attributes"] == {**key, "v": n("2")}


def test_return_values_on_condition_check_failure(ddb: Any, hash_table: str) -> None:
    key = new_key()
    item = {**key, "a": n("1")}
    ddb.put_item(TableName=hash_table, Item=item)
    calls = [
        (ddb.put_item, {"Item": key}),
        (ddb.delete_item, {"Key": key}),
        (ddb.update_item, {"Key": key, "AttributeUpdates": {"a": {"Action": "ADD", "Value": n("1")}}}),
    ]
    for call, params in calls:
        with pytest.raises(ClientError) as raised:
            call(
                TableName=hash_table,
                Expected={"a": {"Exists": False}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **params,
            )
        assert (raised.value.response["Error"]["Code"], raised.value.response["Item"]) == (
            "ConditionalCheckFailedException",
            item,
        )


# --- Expected: validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({}, "Value must be provided when Exists is null for Attribute: a"),
        ({"Exists": True}, "Value must be provided when Exists is true for Attribute: a"),
        ({"Exists": False, "Value": s("a")}, "Value cannot be used when Exists is false for Attribute: a"),
        (
            {"ComparisonOperator": "LT"},
            "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a",
        ),
        (
            {"Exists": True, "ComparisonOperator": "LT"},
            "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"AttributeValueList": [s("a")], "Value": s("a"), "ComparisonOperator": "LT"},
            "Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            {"Exists": True, "AttributeValueList": [s("a")]},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
        (cond("EQ"), "Invalid number of argument(s) for the EQ ComparisonOperator"),
        (cond("NULL", s("a")), "Invalid number of argument(s) for the NULL ComparisonOperator"),
        (cond("IN"), "Invalid number of argument(s) for the IN ComparisonOperator"),
        (
            cond("BETWEEN", n("1"), n("2"), n("3")),
            "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        (
            {"Value": s("a"), "ComparisonOperator": "BETWEEN"},
            "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
        ),
        (
            cond("BEGINS_WITH", n("1")),
            "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
        ),
        (cond("LT", {"SS": ["a"]}), "ComparisonOperator LT is not valid for SS AttributeValue type"),
        (cond("GE", {"BOOL": True}), "ComparisonOperator GE is not valid for BOOL AttributeValue type"),
        (cond("CONTAINS", {"L": []}), "ComparisonOperator CONTAINS is not valid for L AttributeValue type"),
        (
            cond("NOT_CONTAINS", {"NS": ["1"]}),
            "ComparisonOperator NOT_CONTAINS is not valid for NS AttributeValue type",
        ),
        (cond("IN", n("1"), {"SS": ["2"]}), "ComparisonOperator IN is not valid for SS AttributeValue type"),
        (
            cond("BETWEEN", {"M": {}}, {"M": {}}),
            "ComparisonOperator BETWEEN is not valid for M AttributeValue type",
        ),
        (cond("IN", n("1"), s("2")), "AttributeValues inside AttributeValueList must be of same type"),
        (cond("BETWEEN", s("b"), n("1")), "AttributeValues inside AttributeValueList must be of same type"),
    ],
)
def test_expected_entry_errors(ddb: Any, hash_table: str, entry: dict[str, Any], message: str) -> None:
    assert validation(ddb.put_item, TableName=hash_table, Item=new_key(), Expected={"a": entry}) == (
        INVALID + message
    )


@pytest.mark.parametrize(
    ("low", "high"),
    [(n("2"), n("1")), (n("10"), n("9")), (s("b"), s("a")), (s("a"), s("B")), ({"B": b"b"}, {"B": b"a"})],
)
def test_between_bounds_out_of_order(ddb: Any, hash_table: str, low: Any, high: Any) -> None:
    params = {"TableName": hash_table, "Item": new_key(), "Expected": {"a": cond("BETWEEN", low, high)}}
    assert validation(ddb.put_item, **params) == (
        "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
    )


def test_expected_entries_in_request_order(ddb: Any, hash_table: str) -> None:
    expected = {"c": {"Exists": True}, "b": cond("BETWEEN", n("10"), n("9")), "a": {"Exists": True}}
    assert validation(ddb.put_item, TableName=hash_table, Item=new_key(), Expected=expected) == (
        INVALID + "Value must be provided when Exists is true for Attribute: c"
    )


def test_expected_attribute_values(ddb: Any, hash_table: str) -> None:
    params = {"TableName": hash_table, "Item": new_key()}
    assert validation(ddb.put_item, Expected={"a": {"Value": {}}}, **params) == (
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )
    assert validation(ddb.put_item, Expected={"a": cond("EQ", {"SS": []})}, **params) == (
        INVALID + "An string set  may not be empty"
    )
    assert validation(ddb.put_item, Expected={"": {"Exists": False}}, **params) == "Empty attribute name"


def test_null_entries(raw: RawClient, hash_table: str) -> None:
    key = new_key()
    cases = [
        (
            "PutItem",
            {"Item": key, "Expected": {"a": None}},
            INVALID + "ExpectedAttributeValue must not be null for Attribute: a",
        ),
        (
            "PutItem",
            {"Item": key, "Expected": {"a": cond("IN", s("x"), None)}},
            "The supplied Item contains a null AttributeValue",
        ),
    ]
    for operation, body, message in cases:
        response = raw.request(operation, {"TableName": hash_table, **body})
        assert (response.status, response.error_type, response.error_message) == (
            400,
            "ValidationException",
            message,
        )


@pytest.mark.reference_deviation(NUMBER_WORDING)
def test_expected_malformed_number(ddb: Any, hash_table: str) -> None:
    params = {"TableName": hash_table, "Item": new_key()}
    assert validation(ddb.put_item, Expected={"a": cond("EQ", n("x"), n("1"))}, **params) == (
        "The parameter cannot be converted to a numeric value: x"
    )


def test_expected_size_limit(ddb: Any, hash_table: str) -> None:
    params = {"TableName": hash_table, "Item": new_key()}
    too_large = {"a": cond("IN", s("x" * 300_000), s("y" * 200_000))}
    assert (
        validation(ddb.put_item, Expected=too_large, **params)
        == "Item size has exceeded the maximum allowed size"
    )
    fits = {"a": {"Value": s("x" * 409_599)}}
    assert error_of(ddb.put_item, Expected=fits, **params) == CONDITION_FAILED


@pytest.mark.reference_deviation("DynamoDB Local looks the table up before it checks Expected")
def test_expected_is_checked_before_the_table(ddb: Any) -> None:
    params = {"TableName": "legacy-no-such-table", "Item": new_key(), "Expected": {"a": {"Exists": True}}}
    assert (
        validation(ddb.put_item, **params)
        == INVALID + "Value must be provided when Exists is true for Attribute: a"
    )


def test_conditional_operator_errors(ddb: Any, hash_table: str) -> None:
    params = {"TableName": hash_table, "Item": new_key(), "ConditionalOperator": "OR"}
    without = "ConditionalOperator cannot be used without Filter or Expected"
    one = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
    assert validation(ddb.put_item, **params) == without
    assert validation(ddb.put_item, Expected={}, **params) == without
    assert validation(ddb.put_item, Expected={"a": {"Exists": False}}, **params) == one
    key = new_key()
    update = {"TableName": hash_table, "Key": key, "ConditionalOperator": "AND"}
    assert validation(ddb.update_item, **update) == without
    assert validation(ddb.delete_item, Expected={"a": cond("NOT_NULL")}, **update) == one


# --- mixing ------------------------------------------------------------------------------------------------


def mixed(legacy: str, expressions: str) -> str:
    return f"{MIXED}Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}"


def test_mixing(ddb: Any, hash_table: str) -> None:
    key = new_key()
    two = {"a": cond("EQ", s("x")), "b": cond("EQ", s("y"))}
    put = {"TableName": hash_table, "Item": key}
    assert validation(
        ddb.put_item, ConditionalOperator="AND", ConditionExpression="attribute_exists(pk)", **put
    ) == (mixed("ConditionalOperator", "ConditionExpression"))
    assert validation(
        ddb.delete_item,
        TableName=hash_table,
        Key=key,
        ConditionExpression="attribute_exists(pk)",
        ConditionalOperator="AND",
        Expected=two,
    ) == mixed("Expected, ConditionalOperator", "ConditionExpression")
    assert validation(
        ddb.update_item,
        TableName=hash_table,
        Key=key,
        ConditionExpression="attribute_exists(pk)",
        UpdateExpression="SET a = :v",
        ExpressionAttributeValues={":v": s("x")},
        ConditionalOperator="AND",
        Expected=two,
        AttributeUpdates={"a": {"Value": s("v")}},
    ) == mixed("AttributeUpdates, Expected, ConditionalOperator", "UpdateExpression, ConditionExpression")
    assert validation(
        ddb.update_item,
        TableName=hash_table,
        Key=key,
        UpdateExpression="SET a = :v",
        ExpressionAttributeValues={":v": s("x")},
        ConditionalOperator="OR",
    ) == mixed("ConditionalOperator", "UpdateExpression")


@pytest.mark.reference_deviation("DynamoDB Local checks the Expected entries before the mixing rule")
def test_mixing_comes_before_other_checks(ddb: Any, hash_table: str) -> None:
    params = {
        "TableName": hash_table,
        "Key": {"pk": {"N": "not a number"}},
        "Expected": {"a": {"Exists": True}},
        "ConditionExpression": "attribute_exists(pk)",
        "ExpressionAttributeValues": {":unused": s("x")},
    }
    assert validation(ddb.delete_item, **params) == mixed("Expected", "ConditionExpression")


@pytest.mark.reference_deviation(
    "DynamoDB Local checks Expected before the mixing rule and leaves empty parameters out of it"
)
def test_mixing_counts_empty_parameters(ddb: Any, hash_table: str) -> None:
    params = {
        "TableName": hash_table,
        "Key": new_key(),
        "Expected": {"a": {}},
        "AttributeUpdates": {},
        "ConditionExpression": "",
        "UpdateExpression": "",
    }
    assert validation(ddb.update_item, **params) == mixed(
        "AttributeUpdates, Expected", "UpdateExpression, ConditionExpression"
    )


def test_names_and_values_need_an_expression(ddb: Any, hash_table: str) -> None:
    key = new_key()
    expected = {"a": {"Exists": False}}
    assert validation(
        ddb.update_item,
        TableName=hash_table,
        Key=key,
        Expected=expected,
        ExpressionAttributeValues={":a": s("x")},
    ) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null"
    )
    assert (
        validation(
            ddb.put_item,
            TableName=hash_table,
            Item=key,
            Expected=expected,
            ExpressionAttributeNames={"#a": "a"},
        )
        == "ExpressionAttributeNames can only be specified when using expressions"
    )


# --- AttributeUpdates --------------------------------------------------------------------------------------


def update(ddb: Any, table: str, key: dict[str, Any], updates: dict[str, Any], mode: str = "ALL_NEW") -> Any:
    return ddb.update_item(TableName=table, Key=key, AttributeUpdates=updates, ReturnValues=mode).get(
        "Attributes"
    )


def test_attribute_updates_create_the_item(ddb: Any, hash_table: str) -> None:
    key = new_key()
    updates = {
        "b": {"Action": "DELETE"},
        "c": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}},
        "d": {"Action": "ADD", "Value": n("5")},
        "e": {"Action": "ADD", "Value": {"SS": ["a", "b"]}},
        "f": {"Action": "ADD", "Value": {"L": [s("a"), n("1")]}},
        "g": {"Action": "PUT", "Value": s("put")},
    }
    new = {"d": n("5"), "e": {"SS": ["a", "b"]}, "f": {"L": [s("a"), n("1")]}, "g": s("put")}
    assert update(ddb, hash_table, key, updates, "UPDATED_NEW") == new
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == {**key, **new}


def test_update_without_changes_creates_the_key(ddb: Any, hash_table: str) -> None:
    for updates in ({}, {"a": {"Action": "DELETE"}}):
        key = new_key()
        assert (
            ddb.update_item(TableName=hash_table, Key=key, AttributeUpdates=updates).get("Attributes") is None
        )
        assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == key
    key = new_key()
    ddb.update_item(TableName=hash_table, Key=key)
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == key


def test_attribute_updates_on_an_existing_item(ddb: Any, hash_table: str) -> None:
    key = new_key()
    old = {
        "n": n("5"),
        "s": s("x"),
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2", "3"]},
        "l": {"L": [s("a")]},
    }
    ddb.put_item(TableName=hash_table, Item={**key, **old})
    updates = {
        "n": {"Action": "ADD", "Value": n("-5")},
        "s": {"Action": "DELETE"},
        "ss": {"Action": "DELETE", "Value": {"SS": ["a", "b"]}},
        "ns": {"Action": "DELETE", "Value": {"NS": ["1", "4"]}},
        "l": {"Action": "ADD", "Value": {"L": [s("b")]}},
        "new": {"Action": "PUT", "Value": {"M": {"x": n("1")}}},
    }
    assert update(ddb, hash_table, key, updates, "UPDATED_OLD") == old
    stored = ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]
    assert sorted(stored["ns"]["NS"]) == ["2", "3"]
    assert {name: value for name, value in stored.items() if name != "ns"} == {
        **key,
        "n": n("0"),
        "l": {"L": [s("a"), s("b")]},
        "new": {"M": {"x": n("1")}},
    }


def test_attribute_updates_return_values(ddb: Any, hash_table: str) -> None:
    key = new_key()
    ddb.put_item(TableName=hash_table, Item={**key, "a": s("a"), "b": s("b")})
    updates = {"a": {"Action": "PUT", "Value": s("A")}, "c": {"Action": "DELETE"}}
    assert update(ddb, hash_table, key, updates, "NONE") is None
    assert update(ddb, hash_table, key, {"a": {"Action": "PUT", "Value": s("B")}}, "ALL_OLD") == {
        **key,
        "a": s("A"),
        "b": s("b"),
    }
    assert update(ddb, hash_table, key, updates, "UPDATED_OLD") == {"a": s("B")}
    assert update(ddb, hash_table, key, updates, "UPDATED_NEW") == {"a": s("A")}
    assert update(ddb, hash_table, key, updates, "ALL_NEW") == {**key, "a": s("A"), "b": s("b")}


@pytest.mark.reference_deviation("DynamoDB Local ignores an update without an Action; AWS defaults to PUT")
def test_attribute_update_action_defaults_to_put(ddb: Any, hash_table: str) -> None:
    key = new_key()
    ddb.put_item(TableName=hash_table, Item={**key, "a": s("old")})
    assert update(ddb, hash_table, key, {"a": {"Value": s("new")}}, "UPDATED_OLD") == {"a": s("old")}
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == {**key, "a": s("new")}


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("n", {"Action": "ADD", "Value": {"NS": ["1"]}}),
        ("n", {"Action": "ADD", "Value": {"L": [s("a")]}}),
        ("s", {"Action": "ADD", "Value": n("1")}),
        ("s", {"Action": "DELETE", "Value": {"SS": ["x"]}}),
        ("ss", {"Action": "ADD", "Value": {"NS": ["1"]}}),
        ("ss", {"Action": "DELETE", "Value": {"BS": [b"a"]}}),
        ("ns", {"Action": "ADD", "Value": n("1")}),
        ("l", {"Action": "DELETE", "Value": {"SS": ["a"]}}),
        ("m", {"Action": "ADD", "Value": {"L": []}}),
    ],
)
def test_attribute_update_type_mismatch(ddb: Any, hash_table: str, name: str, entry: dict[str, Any]) -> None:
    key = new_key()
    item = {
        **key,
        "n": n("5"),
        "s": s("x"),
        "ss": {"SS": ["a"]},
        "ns": {"NS": ["1"]},
        "l": {"L": []},
        "m": {"M": {}},
    }
    ddb.put_item(TableName=hash_table, Item=item)
    assert validation(ddb.update_item, TableName=hash_table, Key=key, AttributeUpdates={name: entry}) == (
        "Type mismatch for attribute to update"
    )
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == item


def test_attribute_update_errors(ddb: Any, hash_table: str, hash_range_table: str) -> None:
    params = {"TableName": hash_table, "Key": new_key()}
    needed = INVALID + "Only DELETE action is allowed when no attribute value is specified"
    for entry in ({"Action": "PUT"}, {}, {"Action": "ADD"}):
        assert validation(ddb.update_item, AttributeUpdates={"a": entry}, **params) == needed
    assert (
        validation(ddb.update_item, AttributeUpdates={"": {"Value": s("x")}}, **params)
        == "Empty attribute name"
    )
    assert validation(ddb.update_item, AttributeUpdates={"a": {"Value": {}}}, **params) == (
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )
    key_update = {"pk": {"Action": "PUT", "Value": s("x")}}
    assert validation(ddb.update_item, AttributeUpdates=key_update, **params) == (
        INVALID + "Cannot update attribute pk. This attribute is part of the key"
    )
    range_key = {"pk": s("x"), "sk": n("1")}
    assert validation(
        ddb.update_item,
        TableName=hash_range_table,
        Key=range_key,
        AttributeUpdates={"sk": {"Action": "DELETE"}},
    ) == (INVALID + "Cannot update attribute sk. This attribute is part of the key")


@pytest.mark.reference_deviation(TYPE_WORDING)
@pytest.mark.parametrize(
    ("action", "value", "kind"),
    [
        ("DELETE", s("1"), "S"),
        ("DELETE", n("1"), "N"),
        ("DELETE", {"B": b"b"}, "B"),
        ("DELETE", {"BOOL": True}, "BOOL"),
        ("DELETE", {"M": {}}, "M"),
        ("DELETE", {"L": []}, "L"),
        ("ADD", s("1"), "S"),
        ("ADD", {"B": b"b"}, "B"),
        ("ADD", {"BOOL": True}, "BOOL"),
        ("ADD", {"M": {}}, "M"),
    ],
)
def test_attribute_update_unsupported_types(
    ddb: Any, hash_table: str, action: str, value: Any, kind: str
) -> None:
    message = (
        f"DELETE action with value is not supported for the type {kind}"
        if action == "DELETE"
        else f"ADD action is not supported for the type {kind}"
    )
    params = {
        "TableName": hash_table,
        "Key": new_key(),
        "AttributeUpdates": {"a": {"Action": action, "Value": value}},
    }
    assert validation(ddb.update_item, **params) == INVALID + message


def test_attribute_update_null_type(ddb: Any, hash_table: str) -> None:
    # NULL is the one type both spellings agree on.
    params = {"TableName": hash_table, "Key": new_key()}
    null_delete = {"a": {"Action": "DELETE", "Value": {"NULL": True}}}
    assert validation(ddb.update_item, AttributeUpdates=null_delete, **params) == (
        INVALID + "DELETE action with value is not supported for the type NULL"
    )
    null_add = {"a": {"Action": "ADD", "Value": {"NULL": True}}}
    assert validation(ddb.update_item, AttributeUpdates=null_add, **params) == (
        INVALID + "ADD action is not supported for the type NULL"
    )


@pytest.mark.reference_deviation(NUMBER_WORDING)
def test_attribute_update_malformed_number(ddb: Any, hash_table: str) -> None:
    params = {
        "TableName": hash_table,
        "Key": new_key(),
        "AttributeUpdates": {"a": {"Action": "ADD", "Value": n("x")}},
    }
    assert validation(ddb.update_item, **params) == "The parameter cannot be converted to a numeric value: x"


# --- AttributesToGet ---------------------------------------------------------------------------------------


def test_attributes_to_get(ddb: Any, hash_table: str) -> None:
    key = new_key()
    ddb.put_item(
        TableName=hash_table, Item={**key, "a": s("x"), "a.b": s("dotted"), "m": {"M": {"b": s("in")}}}
    )

    def get(names: list[str], item_key: dict[str, Any] = key) -> Any:
        return ddb.get_item(TableName=hash_table, Key=item_key, AttributesToGet=names, ConsistentRead=True)

    assert get(["a"])["Item"] == {"a": s("x")}
    assert get(["a.b", "pk"])["Item"] == {"a.b": s("dotted"), **key}
    assert get(["m.b", "zz"])["Item"] == {}
    assert "Item" not in get(["a"], new_key())
    params = {"TableName": hash_table, "Key": key}
    assert validation(ddb.get_item, AttributesToGet=["a", ""], **params) == "Empty attribute name"
    assert validation(ddb.get_item, AttributesToGet=["a"], ProjectionExpression="a", **params) == mixed(
        "AttributesToGet", "ProjectionExpression"
    )
    assert validation(
        ddb.get_item, AttributesToGet=["a"], ExpressionAttributeNames={"#a": "a"}, **params
    ) == ("ExpressionAttributeNames can only be specified when using expressions")


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot have two attributes with the same name'")
def test_attributes_to_get_duplicates(ddb: Any, hash_table: str) -> None:
    params = {"TableName": hash_table, "Key": new_key(), "AttributesToGet": ["a", "b", "a"]}
    assert validation(ddb.get_item, **params) == INVALID + "Duplicate value in attribute name: a"
