"""Item sizes, to the byte.

Figures come from two instruments: AWS's own 400 KB gate (the AWS table, captured by an accept/reject
pair either side of 409,600 bytes) and the same gate on DynamoDB Local 3.3, probed by bisecting the
longest padding string accepted next to each value (the reference figures; 600 random values and
documents also agreed with this module to the byte).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import ValidationException
from app.operations.capacity import read_units, write_units
from app.values.size import (
    ITEM_TOO_LARGE,
    MAX_ITEM_BYTES,
    binary_size,
    check_item_size,
    item_size,
    number_size,
    value_size,
)

AWS_NUMBER_BYTES = [
    ("0", 1),
    ("1", 2),
    ("12", 2),
    ("123", 3),
    ("1234", 3),
    ("12345678901234567890123456789012345678", 20),
    ("0042", 2),
    ("100", 2),
    ("1010", 3),
    ("0.0000001", 2),
    ("1E125", 2),
    ("1E-100", 2),
    ("1.5", 3),
    ("15", 2),
    ("1.2", 3),
    ("1.200", 3),
    ("1.234", 4),
    ("3.14159", 5),
    ("123456", 4),
    ("100.5", 4),
    ("0.15", 2),
    ("-42", 3),
    ("-0", 1),
]

# Where digit pairs are aligned on the decimal point rather than counted from the first digit.
REFERENCE_NUMBER_BYTES = [
    ("110", 3),
    ("1100", 2),
    ("11000", 3),
    ("10.1", 3),
    ("0.015", 3),
    ("0.0015", 2),
    ("1E124", 2),
    ("-12345678901234567890123456789012345678", 21),
    ("-1234567890123456789012345678901234567", 21),
    ("-123456789012345678901234567890123456", 20),
    ("1.2345678901234567890123456789012345678", 21),
    # twenty base-100 digits: no terminator byte for the negative number
    ("-1.2345678901234567890123456789012345678", 21),
]


@pytest.mark.parametrize(("text", "size"), AWS_NUMBER_BYTES + REFERENCE_NUMBER_BYTES)
def test_number_size(text: str, size: int) -> None:
    assert number_size(text) == size


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": ""}, 0),
        ({"S": "é"}, 2),
        ({"S": "日本"}, 6),
        ({"B": ""}, 0),
        ({"B": "AAAA"}, 3),
        ({"B": "AA=="}, 1),
        ({"B": "AAA="}, 2),
        ({"BOOL": True}, 1),
        ({"BOOL": False}, 1),
        ({"NULL": True}, 1),
        ({"L": []}, 3),
        ({"M": {}}, 3),
        ({"L": [{"S": "ab"}]}, 6),
        ({"L": [{"S": "ab"}, {"N": "1"}]}, 9),
        ({"M": {"k": {"S": "ab"}}}, 7),
        ({"M": {"kk": {"S": "ab"}, "z": {"NULL": True}}}, 11),
        ({"L": [{"L": []}]}, 7),
        ({"M": {"a": {"M": {}}}}, 8),
        ({"SS": ["a", "bc"]}, 3),
        ({"SS": [""]}, 0),
        ({"NS": ["1", "-42", "3.14159"]}, 10),
        ({"BS": ["AAAA", "AA=="]}, 4),
        ({"L": [{"SS": ["a", "bc"]}]}, 7),
        ({"L": [{"N": "-1.2345678901234567890123456789012345678"}]}, 25),
    ],
)
def test_value_size(value: dict[str, Any], size: int) -> None:
    assert value_size(value) == size


def test_binary_size_counts_decoded_bytes() -> None:
    assert [binary_size(text) for text in ("", "YQ==", "YWE=", "YWFh", "YWFhYQ==")] == [0, 1, 2, 3, 4]


def padded(total: int) -> dict[str, Any]:
    """{pk: "a", p: "x…"} measuring exactly `total` bytes (2 + 1 + 1 + padding)."""
    return {"pk": {"S": "a"}, "p": {"S": "x" * (total - 4)}}


def test_item_size_adds_names_and_values() -> None:
    assert item_size({"pk": {"S": "a"}}) == 3
    assert item_size({"é": {"N": "1"}, "list": {"L": [{"BOOL": True}]}}) == 2 + 2 + 4 + 5
    assert item_size(padded(409_600)) == 409_600


def test_the_limit_is_inclusive() -> None:
    assert MAX_ITEM_BYTES == 409_600
    assert check_item_size(padded(409_600)) == 409_600
    with pytest.raises(ValidationException) as caught:
        check_item_size(padded(409_601))
    assert caught.value.message == ITEM_TOO_LARGE == "Item size has exceeded the maximum allowed size"


def test_a_number_at_the_gate_is_counted_by_its_digits_not_its_expansion() -> None:
    # 1E125 is stored as 126 digits but costs 2 bytes, like "1" (AWS capture)
    item = {"pk": {"S": "a"}, "n": {"N": "1E125"}, "p": {"S": "x" * (409_600 - 3 - 1 - 2 - 1)}}
    assert check_item_size(item) == 409_600


@pytest.mark.parametrize(
    ("total", "write", "strong_read", "eventual_read"),
    # ConsumedCapacity DynamoDB Local reported for items of these sizes
    [
        (1023, 1.0, 1.0, 0.5),
        (1024, 1.0, 1.0, 0.5),
        (1025, 2.0, 1.0, 0.5),
        (2049, 3.0, 1.0, 0.5),
        (4096, 4.0, 1.0, 0.5),
        (4097, 5.0, 2.0, 1.0),
        (8193, 9.0, 3.0, 1.5),
        (409_600, 400.0, 100.0, 50.0),
    ],
)
def test_capacity_boundaries(total: int, write: float, strong_read: float, eventual_read: float) -> None:
    size = item_size(padded(total))
    assert (write_units(size), read_units(size, True), read_units(size, False)) == (
        write,
        strong_read,
        eventual_read,
    )
