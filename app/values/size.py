"""The size of an item as DynamoDB measures it (for the 400 KB limit and for capacity units).

An item is the sum of its attribute names (UTF-8 bytes) and values:

- S: UTF-8 bytes; B: raw bytes; BOOL and NULL: 1 byte.
- N: DynamoDB stores a number as one exponent byte plus base-100 digits aligned on the decimal point,
  from the first non-zero pair to the last, and a negative number ends with one more byte unless it has
  20 base-100 digits. So 1 costs 2, 110 costs 3 ("01" "10"), 1.5 costs 3 ("01"."50"), 0.015 costs 3,
  0.0015 costs 2, -42 costs 3, zero costs 1. Matches AWS's captured figures and DynamoDB Local.
- SS, NS, BS: the sum of the members.
- L and M: 3 bytes, plus 1 byte per element, plus the elements (and, for M, their names).

The limit is inclusive: 409,600 bytes is accepted, 409,601 is refused.
"""

from __future__ import annotations

from typing import Any

from app.errors import ValidationException
from app.values.numbers import parse_number
from storage.api import Item

MAX_ITEM_BYTES = 409_600
ITEM_TOO_LARGE = "Item size has exceeded the maximum allowed size"
FULL_MANTISSA = 20  # base-100 digits that leave no room for a negative number's terminator byte


def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a valid wire number."""
    negative, digit_tuple, exponent = parse_number(text).as_tuple()
    assert isinstance(exponent, int), "DynamoDB numbers are finite"
    if not any(digit_tuple):
        return 1
    lowest = exponent  # power of ten of the last significant digit
    highest = exponent + len(digit_tuple) - 1
    mantissa = highest // 2 - lowest // 2 + 1
    return 1 + mantissa + (1 if negative and mantissa < FULL_MANTISSA else 0)


def binary_size(text: str) -> int:
    """Raw bytes of a valid base64 value."""
    return len(text) // 4 * 3 - (len(text) - len(text.rstrip("=")))


def value_size(value: dict[str, Any]) -> int:
    """Bytes DynamoDB counts for one validated attribute value."""
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return binary_size(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(member.encode()) for member in content)
    if kind == "NS":
        return sum(number_size(member) for member in content)
    if kind == "BS":
        return sum(binary_size(member) for member in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in content.items())


def item_size(item: Item) -> int:
    """Bytes DynamoDB counts for a validated item (the figure capacity units are computed from)."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def check_item_size(item: Item) -> int:
    """The item's size; raises AWS's ValidationException when it exceeds 400 KB (PutItem's wording)."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(ITEM_TOO_LARGE)
    return size
