"""Attribute values and items: AWS's messages, which problem is reported first, normalisation.

Messages: AWS captures and the DynamoDB API reference; ordering: DynamoDB Local 3.3 (random items were
compared against it, first-error category by category) and AWS's "document order" captures.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationException
from app.values.attributes import validate_item, validate_value
from app.values.dialect import Dialect

INVALID = "One or more parameter values were invalid: "
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes"
)
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
    "supported limit"
)


def value_error(value: Any, dialect: Dialect = Dialect.CURRENT) -> str:
    with pytest.raises(ValidationException) as caught:
        validate_value(value, dialect)
    return caught.value.message


def item_error(item: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as caught:
        validate_item(item)
    return caught.value.message


def deep(levels: int, leaf: dict[str, Any], kind: str = "M") -> dict[str, Any]:
    value = leaf
    for _ in range(levels):
        value = {"M": {"n": value}} if kind == "M" else {"L": [value]}
    return value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, EMPTY),
        (None, EMPTY),
        ({"S": None}, EMPTY),
        ({"S": "a", "N": "1"}, SEVERAL),
        ({"S": "a", "BOOL": True}, SEVERAL),
        ({"NULL": True, "BOOL": False}, SEVERAL),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"N": "b"}, f"{NOT_NUMERIC}: b"),
        ({"NS": ["1", "b"]}, f"{NOT_NUMERIC}: b"),
        ({"NS": ["1", ""]}, f"{NOT_NUMERIC}: "),
        ({"NS": ["1e126", "1"]}, OVERFLOW),
        ({"L": [{}]}, EMPTY),
        ({"M": {"x": {}}}, EMPTY),
        ({"L": [{"S": "a", "N": "1"}]}, SEVERAL),
        ({"M": {"a": {"SS": []}}}, INVALID + "An string set  may not be empty"),
        ({"M": {"x": {"L": [{"N": "abc"}]}}}, f"{NOT_NUMERIC}: abc"),
        ({"M": {"": {"S": "x"}}}, "Empty attribute name"),
    ],
)
def test_value_messages(value: Any, expected: str) -> None:
    assert value_error(value) == expected


@pytest.mark.parametrize(
    ("value", "current", "legacy"),
    [
        (
            {"SS": ["a", "a"]},
            INVALID + 'Input collection ["a", "a"] contains duplicates.',
            INVALID + "Input collection [a, a] contains duplicates.",
        ),
        (
            {"SS": ["b", "a", "b"]},
            INVALID + 'Input collection ["a", "b", "b"] contains duplicates.',
            INVALID + "Input collection [b, a, b] contains duplicates.",
        ),
        (  # sorted up to the repeat, then the repeat, then the rest as sent
            {"SS": ["d", "b", "c", "b", "a", "z"]},
            INVALID + 'Input collection ["b", "c", "d", "b", "a", "z"] contains duplicates.',
            INVALID + "Input collection [d, b, c, b, a, z] contains duplicates.",
        ),
        (
            {"SS": ["", ""]},
            INVALID + 'Input collection ["", ""] contains duplicates.',
            INVALID + "Input collection [, ] contains duplicates.",
        ),
        (
            {"BS": ["/w==", "AA==", "AA=="]},
            INVALID + 'Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.',
            INVALID + "Input collection [/w==, AA==, AA==]of type BS contains duplicates.",
        ),
        (
            {"NS": ["2", "1", "2"]},
            INVALID + "Input collection contains duplicates.",
            "Input collection contains duplicates",
        ),
        (  # numbers are compared by value
            {"NS": ["1", "1.0"]},
            INVALID + "Input collection contains duplicates.",
            "Input collection contains duplicates",
        ),
    ],
)
def test_duplicate_members_in_both_layers(value: Any, current: str, legacy: str) -> None:
    assert value_error(value, Dialect.CURRENT) == current
    assert value_error(value, Dialect.LEGACY) == legacy


def test_number_set_members_are_read_one_by_one() -> None:
    assert value_error({"NS": ["1", "1", "b"]}) == INVALID + "Input collection contains duplicates."
    assert value_error({"NS": ["b", "1", "1"]}) == f"{NOT_NUMERIC}: b"


def test_the_legacy_layer_words_an_empty_number_without_a_colon() -> None:
    assert value_error({"N": ""}, Dialect.LEGACY) == NOT_NUMERIC
    assert value_error({"N": ""}) == f"{NOT_NUMERIC}: "


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # content problems first, in the order SS, N, NS, BS, M, L, NULL, whatever the JSON order
        ({"N": "x", "SS": ["a", "a"]}, INVALID + 'Input collection ["a", "a"] contains duplicates.'),
        ({"S": "a", "N": "b"}, f"{NOT_NUMERIC}: b"),
        ({"NS": [], "N": "x"}, f"{NOT_NUMERIC}: x"),
        ({"BS": [], "NS": []}, INVALID + "An number set  may not be empty"),
        ({"NULL": False, "BS": []}, INVALID + "Binary sets should not be empty"),
        (
            {"L": [{"BS": []}], "M": {"a": {"NULL": False}}},
            INVALID + "Null attribute value types must have the value of true",
        ),
        ({"NULL": False, "L": [{"BS": []}]}, INVALID + "Binary sets should not be empty"),
        ({"NULL": False, "S": "x"}, INVALID + "Null attribute value types must have the value of true"),
    ],
)
def test_order_within_one_value(value: Any, expected: str) -> None:
    assert value_error(value) == expected


@pytest.mark.parametrize("kind", ["M", "L"])
def test_nesting_limit(kind: str) -> None:
    # the attribute is level 1: a scalar may sit at level 32, a map or list at level 31 at most
    scalars: list[dict[str, Any]] = [{"S": "x"}, {"SS": ["a"]}, {"N": "1"}]
    for scalar in scalars:
        assert validate_value(deep(31, scalar, kind)) == deep(31, scalar, kind)
        assert value_error(deep(32, scalar, kind)) == TOO_DEEP
    documents: list[dict[str, Any]] = [{"M": {}}, {"L": []}]
    for document in documents:
        assert validate_value(deep(30, document, kind)) == deep(30, document, kind)
        assert value_error(deep(31, document, kind)) == TOO_DEEP


def test_first_problem_in_document_order_wins() -> None:
    too_deep = deep(40, {"S": "x"})
    assert item_error({"a": {"N": "abc"}, "v": too_deep}) == f"{NOT_NUMERIC}: abc"
    assert item_error({"v": too_deep, "a": {"N": "abc"}}) == TOO_DEEP
    assert item_error({"m": {"M": {"bad": {"N": "abc"}, "d": too_deep}}}) == f"{NOT_NUMERIC}: abc"
    assert item_error({"m": {"M": {"d": too_deep, "bad": {"N": "abc"}}}}) == TOO_DEEP
    # a bad number at the bottom of a too-deep value is never reached
    assert item_error({"v": deep(40, {"N": "abc"})}) == TOO_DEEP


def test_empty_attribute_names_are_reported_after_their_value() -> None:
    assert item_error({"": {"S": "v"}, "a": {"N": "bad"}}) == "Empty attribute name"
    assert item_error({"a": {"N": "bad"}, "": {"S": "v"}}) == f"{NOT_NUMERIC}: bad"
    assert item_error({"": {"N": "bad"}}) == f"{NOT_NUMERIC}: bad"
    assert item_error({"m": {"M": {"": {"N": "bad"}}}}) == f"{NOT_NUMERIC}: bad"


def test_valid_values_are_returned_with_canonical_numbers() -> None:
    item = {
        "s": {"S": ""},
        "b": {"B": ""},
        "n": {"N": "1.50"},
        "ns": {"NS": ["1e2", "-0.0", "007"]},
        "ss": {"SS": ["", "a"]},
        "bs": {"BS": ["", "AA=="]},
        "t": {"BOOL": False},
        "z": {"NULL": True},
        "l": {"L": [{"N": "+1"}, {"M": {"x": {"N": "2.000"}}}, {"L": []}]},
        "m": {"M": {"deep": {"L": [{"NS": ["10E-1"]}]}}},
    }
    assert validate_item(item) == {
        "s": {"S": ""},
        "b": {"B": ""},
        "n": {"N": "1.5"},
        "ns": {"NS": ["100", "0", "7"]},
        "ss": {"SS": ["", "a"]},
        "bs": {"BS": ["", "AA=="]},
        "t": {"BOOL": False},
        "z": {"NULL": True},
        "l": {"L": [{"N": "1"}, {"M": {"x": {"N": "2"}}}, {"L": []}]},
        "m": {"M": {"deep": {"L": [{"NS": ["1"]}]}}},
    }
    assert list(validate_item({"b": {"S": "1"}, "a": {"S": "2"}})) == ["b", "a"]


def test_members_that_are_absent_or_unknown_do_not_count_as_types() -> None:
    assert validate_value({"S": "x", "N": None}) == {"S": "x"}
    assert validate_value({"S": "x", "Unknown": "y"}) == {"S": "x"}
