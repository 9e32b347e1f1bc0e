"""The legacy parameters: Expected, AttributeUpdates, AttributesToGet, filters, and the mixing rule.

Messages are AWS's: recorded on AWS by dynalite's suite, and the same on the reference (DynamoDB Local
3.x) unless a test says otherwise; evaluation follows the reference's answers to PutItem probes.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import Condition, Update
from app.expressions.conditions import AttributeExists, Comparison, In, Or
from app.expressions.operands import Literal, PathValue
from app.operations.legacy import (
    AttributeCondition,
    Operator,
    check_not_mixed,
    legacy_condition,
    legacy_filter,
    legacy_key_conditions,
    legacy_projection,
    legacy_update,
)

INVALID = "One or more parameter values were invalid: "
MIXED = "Can not use both expression and non-expression parameters in the same request: "
S = {"S": "abc"}
N = {"N": "5"}
B = {"B": "YWJj"}


def error_of(call: Callable[..., Any], *args: Any) -> str:
    with pytest.raises(ValidationException) as raised:
        call(*args)
    return raised.value.message


def expected_error(expected: dict[str, Any], **extra: Any) -> str:
    return error_of(legacy_condition, {"Expected": expected, **extra})


def update_error(updates: dict[str, Any]) -> str:
    return error_of(legacy_update, {"AttributeUpdates": updates})


def cond(operator: str, *values: Any) -> dict[str, Any]:
    return {"ComparisonOperator": operator, "AttributeValueList": list(values)}


# --- mixing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params", "legacy", "expressions"),
    [
        ("PutItem", {"Expected": {}, "ConditionExpression": "x"}, "Expected", "ConditionExpression"),
        ("PutItem", {"ConditionalOperator": "AND", "ConditionExpression": "x"}, "ConditionalOperator", None),
        (
            "DeleteItem",
            {"ConditionExpression": "x", "ConditionalOperator": "OR", "Expected": {"a": {}}},
            "Expected, ConditionalOperator",
            "ConditionExpression",
        ),
        (
            "UpdateItem",
            {
                "ConditionExpression": "c",
                "ConditionalOperator": "AND",
                "UpdateExpression": "u",
                "Expected": {},
                "AttributeUpdates": {},
            },
            "AttributeUpdates, Expected, ConditionalOperator",
            "UpdateExpression, ConditionExpression",
        ),
        ("UpdateItem", {"AttributeUpdates": {}, "ConditionExpression": ""}, "AttributeUpdates", None),
        ("GetItem", {"AttributesToGet": ["a"], "ProjectionExpression": "a"}, "AttributesToGet", None),
        (
            "Query",
            {
                "KeyConditionExpression": "k",
                "ProjectionExpression": "p",
                "FilterExpression": "f",
                "KeyConditions": {},
                "ConditionalOperator": "AND",
                "QueryFilter": {},
                "AttributesToGet": ["a"],
            },
            "AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions",
            "ProjectionExpression, FilterExpression, KeyConditionExpression",
        ),
        (
            "Scan",
            {
                "FilterExpression": "f",
                "ScanFilter": {},
                "AttributesToGet": ["a"],
                "ProjectionExpression": "p",
            },
            "AttributesToGet, ScanFilter",
            "ProjectionExpression, FilterExpression",
        ),
    ],
)
def test_mixing_lists_both_sides_in_aws_order(
    operation: str, params: dict[str, Any], legacy: str, expressions: str | None
) -> None:
    if expressions is None:
        expressions = next(name for name in params if name.endswith("Expression"))
    assert error_of(check_not_mixed, params, operation) == (
        f"{MIXED}Non-expression parameters: {{{legacy}}} Expression parameters: {{{expressions}}}"
    )


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("PutItem", {"Expected": {"a": {}}}),
        ("PutItem", {"ConditionExpression": "x", "ExpressionAttributeValues": {}}),
        ("PutItem", {"Expected": None, "ConditionExpression": "x"}),
        ("Query", {"KeyConditions": {}, "FilterExpression": "f", "ProjectionExpression": "p"}),
        ("GetItem", {"ProjectionExpression": "a", "Expected": {}}),  # not a GetItem parameter
    ],
)
def test_not_mixed(operation: str, params: dict[str, Any]) -> None:
    check_not_mixed(params, operation)


# --- Expected: shape of an entry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({}, "Value must be provided when Exists is null for Attribute: a"),
        ({"Exists": True}, "Value must be provided when Exists is true for Attribute: a"),
        ({"Exists": False, "Value": S}, "Value cannot be used when Exists is false for Attribute: a"),
        (
            {"ComparisonOperator": "LT"},
            "Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a",
        ),
        (
            {"Exists": True, "ComparisonOperator": "LT"},
            "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"Exists": False, "ComparisonOperator": "NULL"},
            "Exists and ComparisonOperator cannot be used together for Attribute: a",
        ),
        (
            {"AttributeValueList": [S], "Value": S, "ComparisonOperator": "LT"},
            "Value and AttributeValueList cannot be used together for Attribute: a",
        ),
        (
            {"AttributeValueList": [S]},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
        (
            {"Exists": True, "AttributeValueList": [S]},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
        (
            {"Exists": False, "AttributeValueList": []},
            "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
        ),
    ],
)
def test_expected_entry_shape(entry: dict[str, Any], message: str) -> None:
    assert expected_error({"a": entry}) == INVALID + message


def test_expected_null_entry() -> None:
    assert expected_error({"a": None}) == INVALID + "ExpectedAttributeValue must not be null for Attribute: a"


def test_expected_entries_are_checked_in_request_order() -> None:
    assert expected_error({"b": {"Exists": True}, "a": {"Value": {"N": "x"}}}) == (
        INVALID + "Value must be provided when Exists is true for Attribute: b"
    )
    assert expected_error({"a": {"Value": {"N": "x"}}, "b": {"Exists": True}}) == (
        "The parameter cannot be converted to a numeric value: x"
    )


def test_expected_values_are_checked_as_attribute_values() -> None:
    assert expected_error({"a": {"Value": {}}}) == (
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )
    assert expected_error({"a": {"Exists": True, "Value": {"N": "x"}}}) == (
        "The parameter cannot be converted to a numeric value: x"
    )
    assert expected_error({"a": cond("EQ", {"SS": []})}) == INVALID + "An string set  may not be empty"
    assert expected_error({"a": cond("IN", S, None)}) == "The supplied Item contains a null AttributeValue"


def test_values_come_before_the_argument_checks() -> None:
    # A bad number wins over a wrong count, a wrong count over an unsupported type.
    assert expected_error({"a": cond("EQ", {"N": "x"}, N)}) == (
        "The parameter cannot be converted to a numeric value: x"
    )
    assert expected_error({"a": {"Value": {"N": "x"}, "ComparisonOperator": "NULL"}}) == (
        "The parameter cannot be converted to a numeric value: x"
    )
    assert expected_error({"a": cond("LT", {"SS": ["a"]}, N)}) == (
        INVALID + "Invalid number of argument(s) for the LT ComparisonOperator"
    )


def test_empty_name_after_values_before_arguments() -> None:
    assert expected_error({"": {"Exists": True}}) == (
        INVALID + "Value must be provided when Exists is true for Attribute: "
    )
    assert expected_error({"": cond("NULL", {"N": "x"})}) == (
        "The parameter cannot be converted to a numeric value: x"
    )
    assert expected_error({"": {"Value": S, "ComparisonOperator": "NULL"}}) == "Empty attribute name"


def test_expected_size_limit_counts_names_and_values() -> None:
    fits = {"a": {"Value": {"S": "x" * 409_599}}}
    assert legacy_condition({"Expected": fits}) is not None
    too_large = {"a": {"Value": {"S": "x" * 409_600}}}
    assert expected_error(too_large) == "Item size has exceeded the maximum allowed size"
    split = {"a": cond("IN", {"S": "x" * 300_000}, {"S": "y" * 200_000})}
    assert expected_error(split) == "Item size has exceeded the maximum allowed size"


# --- Expected: operator arguments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "count"),
    [
        ("EQ", 0),
        ("NE", 2),
        ("LE", 0),
        ("LT", 2),
        ("GE", 0),
        ("GT", 2),
        ("CONTAINS", 0),
        ("NOT_CONTAINS", 2),
        ("BEGINS_WITH", 2),
        ("NULL", 1),
        ("NOT_NULL", 1),
        ("IN", 0),
        ("BETWEEN", 1),
        ("BETWEEN", 3),
    ],
)
def test_argument_count(operator: str, count: int) -> None:
    values = [{"N": str(i)} for i in range(count)]
    message = f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
    assert expected_error({"a": cond(operator, *values)}) == message


def test_argument_count_with_value() -> None:
    for operator in ("NULL", "BETWEEN"):
        entry = {"Value": S, "ComparisonOperator": operator}
        assert expected_error({"a": entry}) == (
            f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"
        )


ALL_TYPES: dict[str, Any] = {
    "S": S,
    "N": N,
    "B": B,
    "SS": {"SS": ["a"]},
    "NS": {"NS": ["1"]},
    "BS": {"BS": ["YWJj"]},
    "L": {"L": [S]},
    "M": {"M": {"a": S}},
    "BOOL": {"BOOL": True},
    "NULL": {"NULL": True},
}
ACCEPTED = {
    "EQ": set(ALL_TYPES),
    "NE": set(ALL_TYPES),
    "LT": {"S", "N", "B"},
    "LE": {"S", "N", "B"},
    "GT": {"S", "N", "B"},
    "GE": {"S", "N", "B"},
    "IN": {"S", "N", "B"},
    "CONTAINS": {"S", "N", "B", "BOOL", "NULL"},
    "NOT_CONTAINS": {"S", "N", "B", "BOOL", "NULL"},
    "BEGINS_WITH": {"S", "B"},
}


@pytest.mark.parametrize("operator", sorted(ACCEPTED))
@pytest.mark.parametrize("kind", sorted(ALL_TYPES))
def test_argument_types(operator: str, kind: str) -> None:
    expected = {"a": cond(operator, ALL_TYPES[kind])}
    if kind in ACCEPTED[operator]:
        assert legacy_condition({"Expected": expected}) is not None
    else:
        assert expected_error(expected) == (
            f"{INVALID}ComparisonOperator {operator} is not valid for {kind} AttributeValue type"
        )


def test_arguments_of_one_type() -> None:
    same_type = INVALID + "AttributeValues inside AttributeValueList must be of same type"
    assert expected_error({"a": cond("IN", N, S)}) == same_type
    assert expected_error({"a": cond("BETWEEN", {"S": "b"}, N)}) == same_type
    # Each argument's own type is checked before its agreement with the first.
    assert expected_error({"a": cond("IN", N, {"SS": ["2"]})}) == (
        INVALID + "ComparisonOperator IN is not valid for SS AttributeValue type"
    )
    assert expected_error({"a": cond("BETWEEN", S, {"SS": ["x"]})}) == (
        INVALID + "ComparisonOperator BETWEEN is not valid for SS AttributeValue type"
    )


@pytest.mark.parametrize(
    ("low", "high", "in_order"),
    [
        ({"N": "2"}, {"N": "1"}, False),
        ({"N": "10"}, {"N": "9"}, False),
        ({"N": "1"}, {"N": "1"}, True),
        ({"N": "-3"}, {"N": "-2.5"}, True),
        ({"S": "b"}, {"S": "a"}, False),
        ({"S": "B"}, {"S": "a"}, True),  # UTF-8 byte order: upper case first
        ({"B": "Yg=="}, {"B": "YQ=="}, False),
        ({"B": "fw=="}, {"B": "gA=="}, True),  # bytes are unsigned
    ],
)
def test_between_bounds(low: Any, high: Any, in_order: bool) -> None:
    expected = {"a": cond("BETWEEN", low, high)}
    if in_order:
        assert legacy_condition({"Expected": expected}) is not None
    else:
        assert expected_error(expected) == (
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
        )


def test_in_takes_more_than_a_hundred_values() -> None:
    values = [{"N": str(i)} for i in range(1000)]
    condition = legacy_condition({"Expected": {"a": cond("IN", *values)}})
    assert condition is not None
    assert condition.evaluate({"a": {"N": "999"}})


# --- ConditionalOperator -----------------------------------------------------------------------------------


def test_conditional_operator_rules() -> None:
    without = "ConditionalOperator cannot be used without Filter or Expected"
    one = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
    assert error_of(legacy_condition, {"ConditionalOperator": "AND"}) == without
    assert expected_error({}, ConditionalOperator="OR") == without
    assert expected_error({"a": {"Exists": False}}, ConditionalOperator="OR") == one
    # The entries are checked first.
    assert expected_error({"a": {"Exists": True}}, ConditionalOperator="AND") == (
        INVALID + "Value must be provided when Exists is true for Attribute: a"
    )
    two = legacy_condition(
        {"Expected": {"a": {"Exists": False}, "b": {"Exists": False}}, "ConditionalOperator": "OR"}
    )
    assert two is not None and isinstance(two.predicate, Or)


def test_no_condition() -> None:
    assert legacy_condition({}) is None
    assert legacy_condition({"Expected": {}}) is None


# --- Expected: evaluation ----------------------------------------------------------------------------------

ITEM_VALUES: dict[str, Any] = {
    "missing": None,
    "S": {"S": "abc"},
    "S2": {"S": "b"},
    "N": {"N": "5"},
    "B": {"B": "YWJj"},
    "SS": {"SS": ["abc", "b"]},
    "NS": {"NS": ["5", "6"]},
    "BS": {"BS": ["YWJj"]},
    "L": {"L": [{"S": "abc"}, {"N": "5"}]},
    "M": {"M": {"x": {"S": "abc"}}},
    "BOOL": {"BOOL": True},
    "NULL": {"NULL": True},
}
# Item values for which the condition holds, per (operator, argument): the reference's answers.
HOLDS = {
    ("EQ", "S"): {"S"},
    ("EQ", "N"): {"N"},
    ("NE", "S"): set(ITEM_VALUES) - {"S"},
    ("NE", "N"): set(ITEM_VALUES) - {"N"},
    ("LT", "Sb"): {"S"},
    ("LE", "Sb"): {"S", "S2"},
    ("GT", "S"): {"S2"},
    ("GE", "S"): {"S", "S2"},
    ("LE", "N"): {"N"},
    ("GT", "N"): set(),
    ("CONTAINS", "S"): {"S", "SS", "L"},
    ("CONTAINS", "Sb"): {"S", "S2", "SS"},
    ("CONTAINS", "N"): {"NS", "L"},
    ("CONTAINS", "B"): {"B", "BS"},
    ("NOT_CONTAINS", "S"): set(ITEM_VALUES) - {"missing", "S", "SS", "L"},
    ("NOT_CONTAINS", "N"): set(ITEM_VALUES) - {"missing", "NS", "L"},
    ("BEGINS_WITH", "S"): {"S"},
    ("BEGINS_WITH", "Sb"): {"S2"},
    ("BEGINS_WITH", "B"): {"B"},
}
ARGUMENTS = {"S": {"S": "abc"}, "Sb": {"S": "b"}, "N": {"N": "5"}, "B": {"B": "YWJj"}}


def item_with(name: str) -> dict[str, Any] | None:
    value = ITEM_VALUES[name]
    return {"pk": {"S": "k"}, **({"a": value} if value is not None else {})}


@pytest.mark.parametrize(("operator", "argument"), sorted(HOLDS))
def test_operator_semantics(operator: str, argument: str) -> None:
    condition = legacy_condition({"Expected": {"a": cond(operator, ARGUMENTS[argument])}})
    assert condition is not None
    holds = {name for name in ITEM_VALUES if condition.evaluate(item_with(name))}
    assert holds == HOLDS[(operator, argument)]


def test_exists_forms() -> None:
    equal = legacy_condition({"Expected": {"a": {"Value": {"N": "5.0"}}}})
    absent = legacy_condition({"Expected": {"a": {"Exists": False}}})
    assert equal is not None and absent is not None
    assert equal.evaluate({"a": {"N": "5"}}) and not equal.evaluate({"a": {"S": "5"}})
    assert not equal.evaluate(None)
    assert absent.evaluate(None) and absent.evaluate({"b": N}) and not absent.evaluate({"a": N})
    # Value with Exists true takes any type, lists and maps included.
    listed = legacy_condition({"Expected": {"a": {"Value": {"L": [S]}, "Exists": True}}})
    assert listed is not None and listed.evaluate({"a": {"L": [S]}})


def test_null_not_null_in_between() -> None:
    for operator, present, missing in (("NULL", False, True), ("NOT_NULL", True, False)):
        condition = legacy_condition({"Expected": {"a": {"ComparisonOperator": operator}}})
        assert condition is not None
        assert condition.evaluate({"a": {"NULL": True}}) is present
        assert condition.evaluate({}) is missing
    within = legacy_condition({"Expected": {"a": cond("BETWEEN", {"N": "1"}, {"N": "10"})}})
    among = legacy_condition({"Expected": {"a": cond("IN", {"S": "x"}, {"S": "y"})}})
    assert within is not None and among is not None
    assert within.evaluate({"a": {"N": "10"}}) and not within.evaluate({"a": {"S": "5"}})
    assert among.evaluate({"a": {"S": "y"}}) and not among.evaluate({"a": {"SS": ["y"]}})
    assert not among.evaluate(None)


def test_contains_bool_and_null_only_in_lists() -> None:
    condition = legacy_condition({"Expected": {"a": cond("CONTAINS", {"BOOL": True})}})
    assert condition is not None
    assert condition.evaluate({"a": {"L": [{"BOOL": True}]}})
    assert not condition.evaluate({"a": {"BOOL": True}})


def test_conjunctions() -> None:
    expected = {"a": {"Value": N}, "b": {"Exists": False}}
    both = legacy_condition({"Expected": expected})
    either = legacy_condition({"Expected": expected, "ConditionalOperator": "OR"})
    assert both is not None and either is not None
    assert both.evaluate({"a": N}) and not both.evaluate({"a": N, "b": N})
    assert either.evaluate({"a": N, "b": N}) and either.evaluate({}) and not either.evaluate({"b": N})


def test_conditions_are_the_engines() -> None:
    condition = legacy_condition({"Expected": {"a": cond("IN", N, {"N": "6"})}})
    assert pickle.loads(pickle.dumps(condition)) == condition
    assert condition == Condition(In(PathValue(("a",)), (Literal(N), Literal({"N": "6"}))))
    exists = legacy_condition({"Expected": {"a": {"Value": {"N": "5.00"}}, "b": cond("NOT_NULL")}})
    equal = Comparison("=", PathValue(("a",)), Literal(N))
    assert exists is not None and exists.predicate.left == equal  # type: ignore[attr-defined]
    assert exists.predicate.right == AttributeExists(PathValue(("b",)))  # type: ignore[attr-defined]


def test_many_entries_stay_shallow() -> None:
    expected = {f"a{i}": {"Exists": False} for i in range(5000)}
    condition = legacy_condition({"Expected": expected, "ConditionalOperator": "OR"})
    assert condition is not None
    assert condition.evaluate({f"a{i}": N for i in range(4999)})
    assert not condition.evaluate({f"a{i}": N for i in range(5000)})


# --- AttributeUpdates: validation --------------------------------------------------------------------------


def test_update_needs_a_value_except_delete() -> None:
    message = INVALID + "Only DELETE action is allowed when no attribute value is specified"
    for entry in ({"Action": "PUT"}, {}, {"Action": "ADD"}):
        assert update_error({"a": entry}) == message
    update = legacy_update({"AttributeUpdates": {"a": {"Action": "DELETE"}}})
    assert update is not None and update.apply({**KEY, "a": N}, KEY) == KEY


@pytest.mark.parametrize("kind", ["S", "N", "B", "NULL", "BOOL", "M", "L"])
def test_delete_takes_only_sets(kind: str) -> None:
    assert update_error({"a": {"Action": "DELETE", "Value": ALL_TYPES[kind]}}) == (
        f"{INVALID}DELETE action with value is not supported for the type {kind}"
    )


@pytest.mark.parametrize("kind", ["S", "B", "NULL", "BOOL", "M"])
def test_add_takes_numbers_sets_and_lists(kind: str) -> None:
    assert update_error({"a": {"Action": "ADD", "Value": ALL_TYPES[kind]}}) == (
        f"{INVALID}ADD action is not supported for the type {kind}"
    )


def test_update_entry_checks_in_order() -> None:
    assert update_error({"": {"Action": "ADD", "Value": {"N": "x"}}}) == "Empty attribute name"
    assert update_error({"a": {"Action": "ADD", "Value": {"N": "x"}}}) == (
        "The parameter cannot be converted to a numeric value: x"
    )
    assert update_error({"a": {"Action": "PUT", "Value": {}}}) == (
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )
    assert update_error({"b": {"Action": "ADD", "Value": S}, "a": {"Action": "PUT"}}) == (
        INVALID + "ADD action is not supported for the type S"
    )
    assert update_error({"a": None}) == (
        "Supplied AttributeValueUpdate is empty, must contain one of the supported actions: a is null"
    )


def test_update_size_counts_all_but_deletes() -> None:
    too_large = "Item size to update has exceeded the maximum allowed size"
    assert (
        update_error({"a": {"Value": {"S": "x" * 300_000}}, "b": {"Value": {"S": "y" * 200_000}}})
        == too_large
    )
    deleted = {
        "a": {"Value": {"S": "x" * 300_000}},
        "b": {"Action": "DELETE", "Value": {"SS": ["y" * 200_000]}},
    }
    assert legacy_update({"AttributeUpdates": deleted}) is not None
    assert legacy_update({"AttributeUpdates": {"a": {"Value": {"S": "x" * 409_599}}}}) is not None


@pytest.mark.parametrize(
    ("updates", "key"),
    [
        ({"a": {"Value": S}, "sk": {"Action": "DELETE"}}, "sk"),
        ({"pk": {"Action": "ADD", "Value": N}, "a": {"Value": S}}, "pk"),
    ],
)
def test_key_attributes_cannot_be_updated(updates: dict[str, Any], key: str) -> None:
    update = legacy_update({"AttributeUpdates": updates})
    assert update is not None
    assert error_of(update.check_key_attributes, ("pk", "sk")) == (
        f"{INVALID}Cannot update attribute {key}. This attribute is part of the key"
    )
    update.check_key_attributes(("id",))


# --- AttributeUpdates: applying ----------------------------------------------------------------------------

KEY = {"pk": {"S": "k"}}
OLD: dict[str, Any] = {
    **KEY,
    "n": {"N": "5"},
    "s": {"S": "x"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2"]},
    "l": {"L": [S]},
    "m": {"M": {"x": S}},
}


def applied(updates: dict[str, Any], item: dict[str, Any] | None = OLD) -> dict[str, Any]:
    update = legacy_update({"AttributeUpdates": updates})
    assert update is not None
    new = update.apply(item, KEY)
    assert new is not None
    return new


@pytest.mark.parametrize(
    ("name", "entry", "result"),
    [
        ("s", {"Value": {"N": "1"}}, {"N": "1"}),
        ("s", {"Action": "DELETE"}, None),
        ("zz", {"Action": "DELETE"}, None),
        ("n", {"Action": "ADD", "Value": {"N": "-5"}}, {"N": "0"}),
        ("n", {"Action": "ADD", "Value": {"N": "0.25"}}, {"N": "5.25"}),
        ("zz", {"Action": "ADD", "Value": {"N": "3"}}, {"N": "3"}),
        ("ss", {"Action": "ADD", "Value": {"SS": ["b", "c"]}}, {"SS": ["a", "b", "c"]}),
        ("ns", {"Action": "ADD", "Value": {"NS": ["2.0", "3"]}}, {"NS": ["1", "2", "3"]}),
        ("zz", {"Action": "ADD", "Value": {"SS": ["x"]}}, {"SS": ["x"]}),
        ("l", {"Action": "ADD", "Value": {"L": [N]}}, {"L": [S, N]}),
        ("zz", {"Action": "ADD", "Value": {"L": []}}, {"L": []}),
        ("ss", {"Action": "DELETE", "Value": {"SS": ["a", "z"]}}, {"SS": ["b"]}),
        ("ss", {"Action": "DELETE", "Value": {"SS": ["a", "b"]}}, None),
        ("ns", {"Action": "DELETE", "Value": {"NS": ["1.00"]}}, {"NS": ["2"]}),
        ("zz", {"Action": "DELETE", "Value": {"NS": ["1"]}}, None),
    ],
)
def test_apply(name: str, entry: dict[str, Any], result: Any) -> None:
    new = applied({name: entry})
    assert new.get(name) == result
    assert {key: value for key, value in new.items() if key != name} == {
        key: value for key, value in OLD.items() if key != name
    }


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("n", {"Action": "ADD", "Value": {"NS": ["1"]}}),
        ("n", {"Action": "ADD", "Value": {"L": [S]}}),
        ("s", {"Action": "ADD", "Value": {"N": "1"}}),
        ("s", {"Action": "DELETE", "Value": {"SS": ["x"]}}),
        ("ss", {"Action": "ADD", "Value": {"NS": ["1"]}}),
        ("ss", {"Action": "DELETE", "Value": {"NS": ["1"]}}),
        ("ns", {"Action": "ADD", "Value": {"N": "1"}}),
        ("l", {"Action": "ADD", "Value": {"SS": ["b"]}}),
        ("l", {"Action": "DELETE", "Value": {"SS": ["a"]}}),
        ("m", {"Action": "ADD", "Value": {"L": []}}),
    ],
)
def test_apply_type_mismatch(name: str, entry: dict[str, Any]) -> None:
    assert error_of(applied, {name: entry}) == "Type mismatch for attribute to update"


def test_apply_number_overflow() -> None:
    updates = {"n": {"Action": "ADD", "Value": {"N": "9.9999999999999999999999999999999999999E+125"}}}
    assert error_of(applied, updates) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


def test_apply_to_missing_item_starts_from_the_key() -> None:
    assert applied({}, None) == KEY
    assert (
        applied({"a": {"Action": "DELETE"}, "b": {"Action": "DELETE", "Value": {"SS": ["x"]}}}, None) == KEY
    )
    assert applied({"a": {"Action": "ADD", "Value": N}}, None) == {**KEY, "a": N}


def test_apply_leaves_the_old_item_alone() -> None:
    old = {**KEY, "l": {"L": [S]}, "ss": {"SS": ["a"]}}
    snapshot = pickle.dumps(old)
    applied(
        {"l": {"Action": "ADD", "Value": {"L": [N]}}, "ss": {"Action": "ADD", "Value": {"SS": ["b"]}}}, old
    )
    assert pickle.dumps(old) == snapshot


def test_updated_attributes() -> None:
    update = legacy_update(
        {"AttributeUpdates": {"s": {"Value": S}, "zz": {"Action": "DELETE"}, "n": {"Value": N}}}
    )
    assert isinstance(update, Update)
    assert update.updated_attributes(OLD) == {"s": OLD["s"], "n": OLD["n"]}
    assert update.updated_attributes(None) == {}


def test_no_attribute_updates() -> None:
    assert legacy_update({}) is None
    update = legacy_update({"AttributeUpdates": {}})
    assert update is not None and update.creates_item and update.apply(None, KEY) == KEY


def test_update_is_picklable() -> None:
    update = legacy_update({"AttributeUpdates": {"a": {"Action": "ADD", "Value": {"L": [N]}}}})
    assert update is not None
    copy = pickle.loads(pickle.dumps(update))
    assert copy.apply({**KEY, "a": {"L": [S]}}, KEY) == {**KEY, "a": {"L": [S, N]}}


# --- AttributesToGet ---------------------------------------------------------------------------------------


def test_attributes_to_get() -> None:
    assert legacy_projection({}) is None
    projection = legacy_projection({"AttributesToGet": ["a.b", "pk", "zz"]})
    assert projection is not None
    item = {"pk": S, "a.b": N, "a": {"M": {"b": N}}, "c": B}
    assert projection.apply(item) == {"pk": S, "a.b": N}
    assert projection.apply({"c": B}) == {}


def test_attributes_to_get_errors() -> None:
    assert error_of(legacy_projection, {"AttributesToGet": ["a", "b", "a"]}) == (
        INVALID + "Duplicate value in attribute name: a"
    )
    assert error_of(legacy_projection, {"AttributesToGet": ["a", ""]}) == "Empty attribute name"


# --- QueryFilter / ScanFilter / KeyConditions --------------------------------------------------------------


def test_filters() -> None:
    both = legacy_filter(
        {"ScanFilter": {"a": cond("NOT_NULL"), "b": cond("EQ", N)}, "ConditionalOperator": "OR"}, "ScanFilter"
    )
    assert both is not None and both.evaluate({"b": N}) and not both.evaluate({})
    assert legacy_filter({}, "QueryFilter") is None
    assert error_of(legacy_filter, {"ScanFilter": {"a": cond("EQ")}}, "ScanFilter") == (
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator"
    )
    assert error_of(legacy_filter, {"ScanFilter": {"": cond("NOT_NULL")}}, "ScanFilter") == (
        "Empty attribute name"
    )
    assert error_of(legacy_filter, {"QueryFilter": {"a": None}}, "QueryFilter") == (
        "The filter condition for an attribute cannot be null: a"
    )
    assert error_of(
        legacy_filter, {"QueryFilter": {"a": cond("NULL")}, "ConditionalOperator": "OR"}, "QueryFilter"
    ) == ("ConditionalOperator can only be used when Filter or Expected has two or more elements")


def test_key_conditions_entries() -> None:
    assert legacy_key_conditions({}) is None
    entries = legacy_key_conditions(
        {"KeyConditions": {"pk": cond("EQ", S), "sk": cond("BETWEEN", N, {"N": "9"})}}
    )
    assert entries == (
        AttributeCondition("pk", Operator.EQ, (S,)),
        AttributeCondition("sk", Operator.BETWEEN, (N, {"N": "9"})),
    )
    assert error_of(legacy_key_conditions, {"KeyConditions": {"sk": cond("BEGINS_WITH", N)}}) == (
        INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"
    )
