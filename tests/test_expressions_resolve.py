"""ExpressionAttributeNames / ExpressionAttributeValues: validation, lookups and the unused-keys check.

Messages and their order were recorded from the reference (DynamoDB Local 3.3) with GetItem, Scan,
Query, PutItem and UpdateItem requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import compile_condition
from app.expressions.kinds import ExpressionKind
from app.expressions.resolve import ExpressionMaps, java_hash_set_order, java_string_hash

SCAN_FIELDS = {
    "expression_fields": ("ProjectionExpression", "FilterExpression"),
    "value_fields": ("FilterExpression",),
}
N1 = {"N": "1"}


def maps_for(params: Mapping[str, Any], **fields: Any) -> ExpressionMaps:
    """The maps of a request, contents checked (as the first compiled expression does)."""
    maps = ExpressionMaps.for_request(params, **(fields or SCAN_FIELDS))
    maps.check_contents()
    return maps


def error(params: Mapping[str, Any], **fields: Any) -> str:
    with pytest.raises(ValidationException) as raised:
        maps_for(params, **fields)
    return raised.value.message


# --- maps without expressions ------------------------------------------------------------------------------


def test_names_need_an_expression() -> None:
    assert error({"ExpressionAttributeNames": {"#a": "x"}}) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )
    # Checked before the map itself, and before values.
    assert error({"ExpressionAttributeNames": {"#a-b": ""}, "ExpressionAttributeValues": {":v": N1}}) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )


def test_values_need_an_expression_that_takes_values() -> None:
    values = {"ExpressionAttributeValues": {":v": N1}}
    assert (
        error(values)
        == "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"
    )
    assert error({**values, "ProjectionExpression": "a"}) == (
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"
    )
    # An empty FilterExpression counts as given (AWS, per dynalite's suite; DynamoDB Local calls it null
    # here): the values are checked, then the expression fails as empty.
    maps_for({**values, "FilterExpression": "", "ProjectionExpression": "a b"})
    assert error({"FilterExpression": "", "ExpressionAttributeValues": {}}) == (
        "ExpressionAttributeValues must not be empty"
    )
    query = {
        "expression_fields": ("KeyConditionExpression",),
        "value_fields": ("FilterExpression", "KeyConditionExpression"),
    }
    assert error(values, **query) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "FilterExpression and KeyConditionExpression are null"
    )
    update = {
        "expression_fields": ("UpdateExpression",),
        "value_fields": ("UpdateExpression", "ConditionExpression"),
    }
    assert error(values, **update) == (
        "ExpressionAttributeValues can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null"
    )


def test_empty_maps_without_expressions_count() -> None:
    # AWS (dynalite's recorded suite): an empty map is still specified. DynamoDB Local ignores it.
    assert error({"ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}}) == (
        "ExpressionAttributeNames can only be specified when using expressions"
    )
    assert error({"ExpressionAttributeValues": {}}) == (
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"
    )
    maps_for({}).check_all_used()


def test_operation_without_values_ignores_them() -> None:
    maps = maps_for(
        {"ProjectionExpression": "a", "ExpressionAttributeValues": {}},
        expression_fields=("ProjectionExpression",),
    )
    maps.check_all_used()


# --- ExpressionAttributeNames ------------------------------------------------------------------------------


def test_names_must_not_be_empty() -> None:
    assert (
        error({"ProjectionExpression": "a", "ExpressionAttributeNames": {}})
        == "ExpressionAttributeNames must not be empty"
    )
    # An empty expression is still an expression.
    assert (
        error({"ProjectionExpression": "", "ExpressionAttributeNames": {}})
        == "ExpressionAttributeNames must not be empty"
    )
    # Names before values.
    assert error(
        {"FilterExpression": "n = :v", "ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}}
    ) == ("ExpressionAttributeNames must not be empty")


@pytest.mark.parametrize("key", ["#a-b", "x", "#", "#é", ":v", "# a"])
def test_name_key_syntax(key: str) -> None:
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "x", key: "y"}}) == (
        f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
    )


def test_name_key_length() -> None:
    maps_for({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#" + "k" * 254: "n"}})
    too_long = (
        "ExpressionAttributeNames contains invalid key: "
        "The expression attribute map contains a key that is too long;"
    )
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#" + "k" * 255: "n"}}) == (
        too_long + " size of key: 256"
    )
    # Length is checked before syntax, and counted in characters.
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#" + "é" * 300: "n"}}) == (
        too_long + " size of key: 301"
    )


def test_name_keys_in_request_order() -> None:
    long_key = "#" + "w" * 255
    names = {"#a-b": "x", long_key: "x"}
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": names}) == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'
    )
    names = {long_key: "x", "#a-b": "x"}
    assert "size of key: 256" in error({"ProjectionExpression": "a", "ExpressionAttributeNames": names})


def test_name_keys_before_name_values() -> None:
    names = {"#a": "", "#b": "x", "#c-": "x"}
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": names}) == (
        'ExpressionAttributeNames contains invalid key: Syntax error; key: "#c-"'
    )


def test_name_values() -> None:
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#b": "x", "#a": ""}}) == (
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"
    )
    too_large = (
        "ExpressionAttributeNames contains invalid value: "
        "Attribute name is too large, must be less than 65536 bytes for key #a"
    )
    maps_for(
        {"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "é" * 32767 + "a"}}
    )  # 65535 bytes
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "é" * 32768}}) == too_large
    assert error({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "😀" * 16384}}) == too_large
    # In request order.
    assert error(
        {"ProjectionExpression": "a", "ExpressionAttributeNames": {"#b": "x" * 70000, "#a": ""}}
    ) == (
        "ExpressionAttributeNames contains invalid value: "
        "Attribute name is too large, must be less than 65536 bytes for key #b"
    )


# --- ExpressionAttributeValues -----------------------------------------------------------------------------


def test_values_must_not_be_empty() -> None:
    assert (
        error({"FilterExpression": "n = :v", "ExpressionAttributeValues": {}})
        == "ExpressionAttributeValues must not be empty"
    )
    assert (
        error({"ProjectionExpression": "a", "FilterExpression": "", "ExpressionAttributeValues": {}})
        == "ExpressionAttributeValues must not be empty"
    )


def test_names_are_checked_before_values() -> None:
    params = {
        "FilterExpression": "n = :v",
        "ExpressionAttributeNames": {"#a-b": "x"},
        "ExpressionAttributeValues": {},
    }
    assert error(params) == 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'
    params["ExpressionAttributeValues"] = {":v-x": N1}
    assert error(params) == 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'


@pytest.mark.parametrize("key", [":w-x", "w", ":", "#w", ":é"])
def test_value_key_syntax(key: str) -> None:
    assert error({"FilterExpression": "n = :v", "ExpressionAttributeValues": {":v": N1, key: N1}}) == (
        f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
    )


def test_value_key_length() -> None:
    maps_for({"FilterExpression": "n = :v", "ExpressionAttributeValues": {":" + "w" * 254: N1}})
    # The reference gives no size for values.
    assert error({"FilterExpression": "n = :v", "ExpressionAttributeValues": {":" + "w" * 255: N1}}) == (
        "ExpressionAttributeValues contains invalid key: "
        "The expression attribute map contains a key that is too long;"
    )


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (
            {"S": "x", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes",
        ),
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"NULL": False},
            "One or more parameter values were invalid: "
            "Null attribute value types must have the value of true",
        ),
        (
            {"L": [{"M": {"x": {"N": "1e999"}}}]},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        # In the legacy layer's words, whatever the operation (dynalite's suite, recorded on AWS).
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
        ),
        ({"N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"N": "b"}, "The parameter cannot be converted to a numeric value: b"),
    ],
)
def test_values_are_validated_as_attribute_values(value: dict[str, Any], why: str) -> None:
    params = {"FilterExpression": "n = :v", "ExpressionAttributeValues": {":v": N1, ":w": value}}
    assert error(params) == f"ExpressionAttributeValues contains invalid value: {why} for key :w"


def test_contents_are_checked_when_the_first_expression_is_compiled() -> None:
    # The reference checks Item/Key values, ReturnValues and the item size between the two steps: an
    # invalid Key wins over an invalid ExpressionAttributeValues value, which wins over a syntax error.
    params = {"ConditionExpression": "a = =", "ExpressionAttributeValues": {":v": {"S": "x", "N": "1"}}}
    fields = {"expression_fields": ("ConditionExpression",), "value_fields": ("ConditionExpression",)}
    maps = ExpressionMaps.for_request(params, **fields)
    with pytest.raises(ValidationException) as raised:
        compile_condition(ExpressionKind.CONDITION, params["ConditionExpression"], maps)
    assert raised.value.message.startswith("ExpressionAttributeValues contains invalid value: ")
    empty = ExpressionMaps.for_request({"ConditionExpression": "", "ExpressionAttributeNames": {}}, **fields)
    with pytest.raises(ValidationException) as raised:
        compile_condition(ExpressionKind.CONDITION, "", empty)
    assert raised.value.message == "ExpressionAttributeNames must not be empty"


def test_value_keys_before_values_and_canonical_numbers() -> None:
    # Every key is checked before any value (the reference reports "bad" although ":v" comes first).
    params = {
        "FilterExpression": "n = :v",
        "ExpressionAttributeValues": {":v": {"S": "x", "N": "1"}, "bad": N1},
    }
    assert error(params) == 'ExpressionAttributeValues contains invalid key: Syntax error; key: "bad"'
    maps = maps_for({"FilterExpression": "n = :v", "ExpressionAttributeValues": {":v": {"N": "-2E3"}}})
    assert maps.value(":v", ExpressionKind.FILTER) == {"N": "-2000"}
    assert maps.sent_value(":v") == {"N": "-2E3"}


# --- lookups and the unused check --------------------------------------------------------------------------


def test_lookups_and_undefined_placeholders() -> None:
    maps = maps_for(
        {
            "FilterExpression": "#n = :v",
            "ExpressionAttributeNames": {"#n": "name"},
            "ExpressionAttributeValues": {":v": N1},
        }
    )
    assert maps.name("#n", ExpressionKind.FILTER) == "name"
    assert maps.value(":v", ExpressionKind.FILTER) == N1
    with pytest.raises(ValidationException) as raised:
        maps.name("#m", ExpressionKind.CONDITION)
    assert raised.value.message == (
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #m"
    )
    with pytest.raises(ValidationException) as raised:
        maps.value(":w", ExpressionKind.UPDATE)
    assert raised.value.message == (
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :w"
    )
    maps.check_all_used()


def unused_error(maps: ExpressionMaps) -> str:
    with pytest.raises(ValidationException) as raised:
        maps.check_all_used()
    return raised.value.message


def test_unused_names_before_unused_values() -> None:
    maps = maps_for(
        {
            "FilterExpression": "x",
            "ExpressionAttributeNames": {"#q": "x"},
            "ExpressionAttributeValues": {":w": N1},
        }
    )
    assert (
        unused_error(maps) == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#q}"
    )
    maps.name("#q", ExpressionKind.FILTER)
    assert (
        unused_error(maps) == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    )


def test_usage_is_shared_by_all_expressions_of_a_request() -> None:
    maps = maps_for(
        {
            "FilterExpression": "#x = :v",
            "ProjectionExpression": "#y",
            "ExpressionAttributeNames": {"#x": "n", "#y": "n"},
            "ExpressionAttributeValues": {":v": N1},
        }
    )
    maps.name("#x", ExpressionKind.FILTER)
    maps.value(":v", ExpressionKind.FILTER)
    assert (
        unused_error(maps) == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#y}"
    )
    maps.name("#y", ExpressionKind.PROJECTION)
    maps.check_all_used()


@pytest.mark.parametrize(
    ("keys", "used", "listed"),
    [
        # Recorded from the reference: the names in request order, the one used, the message's listing.
        (["#y", "#x", "#z", "#a", "#b1", "#B", "#10", "#9"], {"#x", "#y"}, "#b1, #10, #9, #z, #a, #B"),
        (["#x", "#baY", "#X", "#b"], {"#x"}, "#X, #baY, #b"),
        (
            ["#x", "#9b_", "#aa", "#X", "#9", "#a9X", "#90X", "#_Y", "#c", "#0ZY", "#bb", "#bZ", "#1"],
            {"#x"},
            "#c, #9b_, #aa, #bb, #a9X, #90X, #1, #X, #9, #bZ, #0ZY, #_Y",
        ),
        (
            [
                "#x",
                "#b0b",
                "#Y_Z",
                "#Xba",
                "#XYb",
                "#b",
                "#Y1",
                "#ZcZ",
                "#XY",
                "#b_c",
                "#Xc1",
                "#Y9",
                "#Z",
                "#X",
            ],
            {"#x"},
            "#b0b, #Y_Z, #Y9, #XY, #Xba, #XYb, #b_c, #Xc1, #X, #Z, #Y1, #b, #ZcZ",
        ),
        (
            [
                "#x",
                "#Z",
                "#Yb",
                "#_",
                "#ZX1",
                "#1c",
                "#cX",
                "#99Y",
                "#_0_",
                "#ZX",
                "#9",
                "#ba",
                "#c",
                "#c0_",
                "#0",
                "#_1",
                "#Y9a",
                "#b9Y",
                "#ZbY",
                "#c1",
                "#Y",
                "#c9b",
                "#Y9_",
                "#c9",
                "#a_Z",
                "#ab",
            ],
            {"#x"},
            "#ab, #Yb, #Y9_, #b9Y, #Y9a, #c1, #_1, #Y, #Z, #c9, #_0_, #_, #c0_, #ZbY, #c, #ZX1, #ZX, "
            "#ba, #99Y, #a_Z, #0, #1c, #9, #cX, #c9b",
        ),
    ],
)
def test_unused_names_are_listed_in_java_hash_set_order(keys: list[str], used: set[str], listed: str) -> None:
    maps = maps_for({"ProjectionExpression": "a", "ExpressionAttributeNames": dict.fromkeys(keys, "v")})
    for key in used:
        maps.name(key, ExpressionKind.PROJECTION)
    assert (
        unused_error(maps)
        == f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{listed}}}"
    )


def test_unused_values_are_listed_in_java_hash_set_order() -> None:
    values = {":v": N1, ":w": N1, ":a": N1, ":b1": N1}
    maps = maps_for({"FilterExpression": "n = :v", "ExpressionAttributeValues": values})
    maps.value(":v", ExpressionKind.FILTER)
    assert (
        unused_error(maps)
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :b1, :w}"
    )


def test_java_helpers() -> None:
    assert java_string_hash("") == 0
    assert java_string_hash("a") == 97
    assert java_string_hash("ab") == 97 * 31 + 98
    assert java_string_hash("😀") == (0xD83D * 31 + 0xDE00)
    assert java_string_hash("polygenelubricants") == 0x80000000  # Java: Integer.MIN_VALUE
    assert java_hash_set_order([]) == []
    # Same bucket: request order is kept.
    assert java_hash_set_order(["#q", "#a"]) == ["#q", "#a"]
    assert java_hash_set_order(["#a", "#q"]) == ["#a", "#q"]
