"""The rules tags obey, with AWS's messages: what a tag key and value may hold, how many tags a resource
may carry, and what TagResource, UntagResource and CreateTable's `Tags` must contain.

AWS checks these itself rather than through its request model (a 129-character key is "The Tag Key
provided is invalid, Key: …", not a Coral length violation), all of them before it looks the resource
up, and a request that breaks one changes nothing. A key or value is 1-128 / 0-256 characters (Java
length: UTF-16 units) of Unicode letters, digits, spaces and `_ . : / = + - @`; a key may not start with
`aws:` in any case. The 50-tag limit is a ValidationException, checked on the request and again on the
set a TagResource would leave.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from app.errors import ValidationException
from app.shapes.constraints import java_length

MAX_TAGS = 50
TAG_KEY_MAX, TAG_VALUE_MAX = 128, 256
RESERVED_PREFIX = "aws:"
_EXTRA_CHARACTERS = frozenset("_.:/=+-@")
# Letters, separators (spaces of every kind) and numbers: AWS's \p{L}, \p{Z} and \p{N}.
_CATEGORIES = frozenset("LZN")

TOO_MANY = "Number of Tags exceed the current limit for the provided ResourceArn"
NO_TAGS = "Atleast one Tag needs to be provided as Input."
NO_TAG_KEYS = "Atleast one Tag Key needs to be provided as Input."

Tag = dict[str, str]


def _shown(text: object) -> str:
    """A key or value as AWS quotes it in a message (Java's rendering of a missing one)."""
    return "null" if text is None else str(text)


def text_allowed(text: str, limit: int) -> bool:
    """Whether a tag key or value has at most `limit` characters, each one AWS allows."""
    if java_length("string", text) > limit:
        return False
    return all(char in _EXTRA_CHARACTERS or unicodedata.category(char)[0] in _CATEGORIES for char in text)


def check_key(key: object) -> str:
    """A tag key, or AWS's error for it (TagResource, UntagResource and CreateTable alike)."""
    if isinstance(key, str) and key[: len(RESERVED_PREFIX)].lower() == RESERVED_PREFIX:
        raise ValidationException(f"Tag Key cannot be prefixed with aws:, Key: {key}")
    if not isinstance(key, str) or not key or not text_allowed(key, TAG_KEY_MAX):
        raise ValidationException(f"The Tag Key provided is invalid, Key: {_shown(key)}")
    return key


def check_value(value: object) -> str:
    if not isinstance(value, str) or not text_allowed(value, TAG_VALUE_MAX):
        raise ValidationException(f"The Tag Value provided is invalid, Value: {_shown(value)}")
    return value


def check_tags(tags: Sequence[dict[str, Any]]) -> list[Tag]:
    """The tags of a CreateTable or TagResource request, checked (an empty list passes: CreateTable
    accepts it, TagResource refuses it first with NO_TAGS)."""
    if len(tags) > MAX_TAGS:
        raise ValidationException(TOO_MANY)
    checked: list[Tag] = []
    seen: set[str] = set()
    for tag in tags:
        key = check_key(tag.get("Key"))
        value = check_value(tag.get("Value"))
        if key in seen:
            raise ValidationException(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
        seen.add(key)
        checked.append({"Key": key, "Value": value})
    return checked


def check_tag_keys(keys: Sequence[object]) -> list[str]:
    """The keys of an UntagResource request, checked (keys the resource lacks are fine)."""
    if not keys:
        raise ValidationException(NO_TAG_KEYS)
    if len(keys) > MAX_TAGS:
        raise ValidationException(TOO_MANY)
    return [check_key(key) for key in keys]


def merged(current: Sequence[Tag], added: Sequence[Tag]) -> list[Tag]:
    """The tags a resource holds after TagResource: a key it has gets the new value in place, new keys
    follow in request order. Refused when that leaves more than MAX_TAGS."""
    values = {tag["Key"]: tag["Value"] for tag in current}
    values.update((tag["Key"], tag["Value"]) for tag in added)
    if len(values) > MAX_TAGS:
        raise ValidationException(TOO_MANY)
    return [{"Key": key, "Value": value} for key, value in values.items()]


def without(current: Sequence[Tag], keys: Sequence[str]) -> list[Tag]:
    """The tags a resource holds after UntagResource."""
    removed = set(keys)
    return [dict(tag) for tag in current if tag["Key"] not in removed]
