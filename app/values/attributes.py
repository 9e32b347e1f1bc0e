"""Validation and normalisation of attribute values and items, with AWS's messages.

`validate_value` and `validate_item` check a value (or every value of an item) and return a copy whose
numbers, including those in number sets, lists and maps, are in canonical form. The body has already
passed structural validation (JSON types, base64 of binaries) in `app.shapes`.

Traversal follows DynamoDB: attributes and map entries in document order, one pass, so the first problem
met is the one reported (an unconvertible number before a too-deep map wins, and the reverse); an empty
name is reported after its value. Within one value that carries several types, each type's content is
checked in DynamoDB Local's fixed order (SS, N, NS, BS, M, L, NULL) before "more than one datatypes".
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from app.errors import ValidationException
from app.values.dialect import Dialect
from app.values.numbers import canonical_number
from storage.api import Item

AttributeValue = dict[str, Any]

INVALID = "One or more parameter values were invalid: "
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes"
)
EMPTY_STRING_SET = INVALID + "An string set  may not be empty"
EMPTY_NUMBER_SET = INVALID + "An number set  may not be empty"
EMPTY_BINARY_SET = INVALID + "Binary sets should not be empty"
NULL_NOT_TRUE = INVALID + "Null attribute value types must have the value of true"
TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
    "supported limit"
)
EMPTY_NAME = "Empty attribute name"

# An attribute is level 1; a map or list may sit at level 31 at most (so a scalar may sit at level 32).
MAX_DOCUMENT_LEVEL = 31

TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
_CHECK_ORDER = ("SS", "N", "NS", "BS", "M", "L", "NULL")


def _duplicates(kind: str, members: list[str], repeat: int, dialect: Dialect) -> str:
    """AWS's message for a set whose member at index `repeat` repeats an earlier one.

    The current layer quotes the members and lists the distinct ones before the repeat in byte order
    (it inserts them into a sorted set), then the repeat, then the rest as sent; it names no numbers.
    The legacy layer prints the set as sent.
    """
    if dialect is Dialect.LEGACY:
        if kind == "NS":
            return "Input collection contains duplicates"
        suffix = "of type BS contains duplicates." if kind == "BS" else " contains duplicates."
        return f"{INVALID}Input collection [{', '.join(members)}]{suffix}"
    if kind == "NS":
        return INVALID + "Input collection contains duplicates."
    order: Callable[[str], bytes] = base64.b64decode if kind == "BS" else str.encode
    listed = [*sorted(members[:repeat], key=order), *members[repeat:]]
    quoted = [f'"{member}"' for member in listed]
    if kind == "BS":
        return f"{INVALID}Input collection [{','.join(quoted)}]of type BS contains duplicates."
    return f"{INVALID}Input collection [{', '.join(quoted)}] contains duplicates."


def _string_set(members: list[str], dialect: Dialect) -> list[str]:
    if not members:
        raise ValidationException(EMPTY_STRING_SET)
    seen: set[str] = set()
    for index, member in enumerate(members):
        if member in seen:
            raise ValidationException(_duplicates("SS", members, index, dialect))
        seen.add(member)
    return members


def _binary_set(members: list[str], dialect: Dialect) -> list[str]:
    if not members:
        raise ValidationException(EMPTY_BINARY_SET)
    seen: set[bytes] = set()
    for index, member in enumerate(members):
        raw = base64.b64decode(member)
        if raw in seen:
            raise ValidationException(_duplicates("BS", members, index, dialect))
        seen.add(raw)
    return members


def _number_set(members: list[str], dialect: Dialect) -> list[str]:
    if not members:
        raise ValidationException(EMPTY_NUMBER_SET)
    # Each member is read, then compared with those before it (DynamoDB Local: ["1", "1", "x"] is a
    # duplicate, ["x", "1", "1"] is not a number); 1 and 1.0 are the same member.
    canonical: list[str] = []
    seen: set[str] = set()
    for index, member in enumerate(members):
        number = canonical_number(member, dialect)
        if number in seen:
            raise ValidationException(_duplicates("NS", members, index, dialect))
        seen.add(number)
        canonical.append(number)
    return canonical


def _content(kind: str, content: Any, level: int, dialect: Dialect) -> Any:
    """The normalised content of one type of a value at `level`, or AWS's error for it."""
    if kind == "N":
        return canonical_number(content, dialect)
    if kind == "M":
        if level > MAX_DOCUMENT_LEVEL:
            raise ValidationException(TOO_DEEP)
        return _entries(content, level + 1, dialect)
    if kind == "L":
        if level > MAX_DOCUMENT_LEVEL:
            raise ValidationException(TOO_DEEP)
        return [_value(element, level + 1, dialect) for element in content]
    if kind == "SS":
        return _string_set(content, dialect)
    if kind == "NS":
        return _number_set(content, dialect)
    if kind == "BS":
        return _binary_set(content, dialect)
    if kind == "NULL" and content is not True:
        raise ValidationException(NULL_NOT_TRUE)
    return content


def _value(value: Any, level: int, dialect: Dialect) -> AttributeValue:
    kinds = (
        [kind for kind, content in value.items() if content is not None and kind in TYPES] if value else []
    )
    if not kinds:
        raise ValidationException(EMPTY_VALUE)
    if len(kinds) == 1:
        kind = kinds[0]
        return {kind: _content(kind, value[kind], level, dialect)}
    for kind in _CHECK_ORDER:
        if kind in kinds:
            _content(kind, value[kind], level, dialect)
    raise ValidationException(SEVERAL_TYPES)


def _entries(entries: dict[str, Any], level: int, dialect: Dialect) -> dict[str, AttributeValue]:
    normalised: dict[str, AttributeValue] = {}
    for name, value in entries.items():
        normalised[name] = _value(value, level, dialect)  # DynamoDB Local checks the value, then the name
        if not name:
            raise ValidationException(EMPTY_NAME)
    return normalised


def validate_value(value: Any, dialect: Dialect = Dialect.CURRENT) -> AttributeValue:
    """Check one attribute value (an item's attribute, a key value, an expression value) and return it
    with canonical numbers; raises AWS's ValidationException for the first problem."""
    return _value(value, 1, dialect)


def validate_item(item: dict[str, Any], dialect: Dialect = Dialect.CURRENT) -> Item:
    """Check every attribute name and value of an item (or a key) in document order and return the item
    with canonical numbers; raises AWS's ValidationException for the first problem."""
    return _entries(item, 1, dialect)
