"""Primary keys of items (PutItem) and keys given on their own (GetItem, DeleteItem).

Messages: AWS (API reference, captures of PutItem/DeleteItem/transactions, dynalite's AWS-derived
tests for the key size typo "of2048"); the order of checks was compared against DynamoDB Local 3.3,
whose own key messages differ from AWS's.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from app.errors import ValidationException
from app.values.attributes import validate_item
from app.values.keys import key_of_item, validate_key
from storage.api import KeyAttribute, KeySchema

INVALID = "One or more parameter values were invalid: "
MISMATCH = "The provided key element does not match the schema"
HASH_TOO_LARGE = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_TOO_LARGE = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
NOT_NUMERIC = "The parameter cannot be converted to a numeric value"

HASH_S = KeySchema(KeyAttribute("pk", "S"))
HASH_B = KeySchema(KeyAttribute("pk", "B"))
HASH_N = KeySchema(KeyAttribute("pk", "N"))
S_N = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
S_B = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "B"))


def empty_key(kind: str, name: str) -> str:
    return (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        f"contain an empty {kind} value. Key: {name}"
    )


def blob(size: int) -> dict[str, str]:
    return {"B": base64.b64encode(b"q" * size).decode()}


def put_error(item: dict[str, Any], schema: KeySchema) -> str:
    with pytest.raises(ValidationException) as caught:
        key_of_item(validate_item(item), schema)
    return caught.value.message


def get_error(key: dict[str, Any], schema: KeySchema) -> str:
    with pytest.raises(ValidationException) as caught:
        validate_key(key, schema)
    return caught.value.message


@pytest.mark.parametrize(
    ("item", "schema", "expected"),
    [
        ({"sk": {"N": "1"}}, S_N, INVALID + "Missing the key pk in the item"),
        ({"pk": {"S": "a"}}, S_N, INVALID + "Missing the key sk in the item"),
        ({}, S_N, INVALID + "Missing the key pk in the item"),
        (
            {"pk": {"N": "1"}, "sk": {"N": "1"}},
            S_N,
            INVALID + "Type mismatch for key pk expected: S actual: N",
        ),
        (
            {"pk": {"S": "a"}, "sk": {"S": "1"}},
            S_N,
            INVALID + "Type mismatch for key sk expected: N actual: S",
        ),
        ({"pk": {"L": [{"S": "x"}]}}, HASH_S, INVALID + "Type mismatch for key pk expected: S actual: L"),
        ({"pk": {"SS": ["a"]}}, HASH_S, INVALID + "Type mismatch for key pk expected: S actual: SS"),
        ({"pk": {"NULL": True}}, HASH_S, INVALID + "Type mismatch for key pk expected: S actual: NULL"),
        ({"pk": {"S": ""}}, HASH_B, INVALID + "Type mismatch for key pk expected: B actual: S"),
        ({"pk": {"S": ""}, "sk": {"N": "1"}}, S_N, empty_key("string", "pk")),
        ({"pk": {"S": ""}, "sk": {"S": "1"}}, S_N, empty_key("string", "pk")),
        (
            {"pk": {"S": "a"}, "sk": {"S": ""}},
            S_N,
            INVALID + "Type mismatch for key sk expected: N actual: S",
        ),
        ({"pk": {"B": ""}}, HASH_B, empty_key("binary", "pk")),
        ({"pk": {"S": "a"}, "sk": {"B": ""}}, S_B, empty_key("binary", "sk")),
        ({"pk": {"S": "a" * 2049}}, HASH_S, HASH_TOO_LARGE),
        ({"pk": {"S": "é" * 1025}}, HASH_S, HASH_TOO_LARGE),
        ({"pk": blob(2049)}, HASH_B, HASH_TOO_LARGE),
        ({"pk": {"S": "a"}, "sk": blob(1025)}, S_B, RANGE_TOO_LARGE),
        # partition key first
        ({"pk": {"S": "a" * 2049}, "sk": {"B": ""}}, S_B, HASH_TOO_LARGE),
        ({"pk": {"S": ""}, "sk": blob(1025)}, S_B, empty_key("string", "pk")),
    ],
)
def test_key_of_item_messages(item: dict[str, Any], schema: KeySchema, expected: str) -> None:
    assert put_error(item, schema) == expected


def test_key_of_item_takes_the_key_in_schema_order_and_accepts_the_limits() -> None:
    item = validate_item({"x": {"S": "y"}, "sk": {"N": "1.0"}, "pk": {"S": "a" * 2048}})
    assert key_of_item(item, S_N) == {"pk": {"S": "a" * 2048}, "sk": {"N": "1"}}
    assert list(key_of_item(item, S_N)) == ["pk", "sk"]
    assert key_of_item(validate_item({"pk": {"S": "a"}, "sk": blob(1024)}), S_B)["sk"] == blob(1024)
    assert key_of_item(validate_item({"pk": blob(2048)}), HASH_B) == {"pk": blob(2048)}
    assert key_of_item(validate_item({"pk": {"N": "-1e125"}}), HASH_N) == {"pk": {"N": "-1" + "0" * 125}}


@pytest.mark.parametrize(
    ("key", "schema", "expected"),
    [
        ({"pk": {"S": "a"}}, S_N, MISMATCH),
        ({}, HASH_S, MISMATCH),
        ({"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "1"}}, S_N, MISMATCH),
        ({"pk": {"S": "a"}, "x": {"S": "1"}}, S_N, MISMATCH),
        ({"pk": {"N": "1"}, "sk": {"N": "1"}}, S_N, MISMATCH),
        ({"pk": {"M": {"a": {"S": "a"}}}, "sk": {"N": "1"}}, S_N, MISMATCH),
        ({"pk": {"S": "a"}, "sk": {"S": ""}}, S_N, MISMATCH),
        ({"pk": {"S": ""}}, HASH_B, MISMATCH),
        ({"pk": {"S": ""}, "sk": {"N": "1"}}, S_N, empty_key("string", "pk")),
        ({"pk": {"S": ""}, "sk": {"S": "1"}}, S_N, empty_key("string", "pk")),
        ({"pk": {"B": ""}}, HASH_B, empty_key("binary", "pk")),
        # the count is checked before any attribute
        ({"pk": {"S": ""}, "sk": {"N": "1"}, "x": {"S": "1"}}, S_N, MISMATCH),
        ({"pk": {"S": "a" * 2049}}, S_N, MISMATCH),
        ({"pk": {"S": "a" * 2049}, "sk": {"N": "1"}}, S_N, HASH_TOO_LARGE),
        ({"pk": {"S": "a" * 2049}, "sk": {"S": "1"}}, S_N, HASH_TOO_LARGE),
        ({"pk": {"S": "a"}, "sk": blob(1025)}, S_B, RANGE_TOO_LARGE),
        # the values are checked first, as any attribute values
        ({"pk": {"S": "a"}, "sk": {"N": "bad"}}, S_N, f"{NOT_NUMERIC}: bad"),
        ({"pk": {"S": "a"}, "x": {"N": "bad"}}, S_N, f"{NOT_NUMERIC}: bad"),
        ({"pk": {"SS": []}, "sk": {"N": "1"}}, S_N, INVALID + "An string set  may not be empty"),
        ({"pk": {"S": "a"}, "": {"S": "x"}}, HASH_S, "Empty attribute name"),
    ],
)
def test_validate_key_messages(key: dict[str, Any], schema: KeySchema, expected: str) -> None:
    assert get_error(key, schema) == expected


def test_validate_key_returns_canonical_numbers_in_schema_order() -> None:
    assert validate_key({"sk": {"N": "0042.10"}, "pk": {"S": "a"}}, S_N) == {
        "pk": {"S": "a"},
        "sk": {"N": "42.1"},
    }
    assert list(validate_key({"sk": {"N": "1"}, "pk": {"S": "a"}}, S_N)) == ["pk", "sk"]
    assert validate_key({"pk": {"S": "a" * 2048}}, HASH_S) == {"pk": {"S": "a" * 2048}}
