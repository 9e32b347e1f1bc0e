"""Primary keys: the key of an item (PutItem) and a key given on its own (GetItem, DeleteItem).

Key attributes are checked in schema order (partition key, then sort key); for each: present, of the
declared type, not an empty string or binary, within its size limit (partition key 2048 bytes, sort key
1024 bytes, counted as UTF-8 bytes of S and raw bytes of B; a number always fits).
"""

from __future__ import annotations

from typing import Any

from app.errors import ValidationException
from app.values.attributes import INVALID, AttributeValue, validate_item
from app.values.dialect import Dialect
from app.values.size import binary_size
from storage.api import Item, KeyAttribute, KeySchema

SCHEMA_MISMATCH = "The provided key element does not match the schema"
HASH_KEY_TOO_LARGE = INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"
RANGE_KEY_TOO_LARGE = INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024


def _empty_key(name: str, kind: str) -> ValidationException:
    word = "string" if kind == "S" else "binary"
    return ValidationException(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        f"contain an empty {word} value. Key: {name}"
    )


def check_key_value(attribute: KeyAttribute, value: AttributeValue, is_hash: bool) -> None:
    """Empty and size checks of a key value already known to have the declared type."""
    if attribute.type == "N":
        return
    content = value[attribute.type]
    size = len(content.encode()) if attribute.type == "S" else binary_size(content)
    if size == 0:
        raise _empty_key(attribute.name, attribute.type)
    if is_hash and size > MAX_HASH_KEY_BYTES:
        raise ValidationException(HASH_KEY_TOO_LARGE)
    if not is_hash and size > MAX_RANGE_KEY_BYTES:
        raise ValidationException(RANGE_KEY_TOO_LARGE)


def _attributes(schema: KeySchema) -> list[tuple[KeyAttribute, bool]]:
    pairs = [(schema.hash, True)]
    if schema.range is not None:
        pairs.append((schema.range, False))
    return pairs


def key_of_item(item: Item, schema: KeySchema) -> Item:
    """The primary key of an item already checked by `validate_item`, in schema order (PutItem's
    messages: "Missing the key …", "Type mismatch for key …")."""
    key: Item = {}
    for attribute, is_hash in _attributes(schema):
        value = item.get(attribute.name)
        if value is None:
            raise ValidationException(f"{INVALID}Missing the key {attribute.name} in the item")
        actual = next(iter(value))
        if actual != attribute.type:
            raise ValidationException(
                f"{INVALID}Type mismatch for key {attribute.name} expected: {attribute.type} actual: {actual}"
            )
        check_key_value(attribute, value, is_hash)
        key[attribute.name] = value
    return key


def validate_key(key: dict[str, Any], schema: KeySchema, dialect: Dialect = Dialect.CURRENT) -> Item:
    """Check a key as sent (GetItem, DeleteItem, UpdateItem): its values first, as any attribute values,
    then its shape against the schema. Returns the key with canonical numbers, in schema order."""
    return match_key_schema(validate_item(key, dialect), schema)


def match_key_schema(checked: Item, schema: KeySchema) -> Item:
    """The shape of a key whose values `validate_item` has already checked, against the schema (for
    handlers that check values before they know the table). Returns the key in schema order."""
    attributes = _attributes(schema)
    if len(checked) != len(attributes):
        raise ValidationException(SCHEMA_MISMATCH)
    normalised: Item = {}
    for attribute, is_hash in attributes:
        value = checked.get(attribute.name)
        if value is None or attribute.type not in value:
            raise ValidationException(SCHEMA_MISMATCH)
        check_key_value(attribute, value, is_hash)
        normalised[attribute.name] = value
    return normalised
