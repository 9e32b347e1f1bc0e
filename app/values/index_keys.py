"""The rules a written item must follow for the key attributes of the table's secondary indexes.

An item may lack an index key attribute (it is then absent from that index: indexes are sparse), but
when it has one, the value must be of the type the index's key schema declares, not empty (S or B), and
no longer than a key may be (2048 bytes for a partition key, 1024 for a sort key; S counts UTF-8 bytes,
B raw bytes). A write that breaks them is refused with AWS's ValidationException before anything is
stored. The whole new item is checked, not only what the write changed: once an index exists, an item
that violates it (written before the index was created) can only be written again once it is fixed.

Indexes are checked in the table's order (local indexes, then global ones, each in definition order),
partition key before sort key; the first bad attribute is reported. AWS names one index when an attribute
keys several, without a documented order; DynamoDB Local uses this order for PutItem.

Messages (AWS's, as recorded by dynalite's suite and in AWS error reports; DynamoDB Local shortens the
type and size ones to "Type mismatch for Index Key" / "Size limit exceeded" and calls a non-scalar value
an "Invalid attribute value type"):
- wrong type: "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S
  Actual: N IndexName: by_g" (Actual is the value's type tag: N, SS, L, NULL, ...);
- too long: "... Size limit exceeded for Index Key g Actual Size: 2049 bytes Max Size: 2048 bytes
  IndexName: by_g";
- empty, for an item written whole (PutItem, BatchWriteItem, legacy AttributeUpdates): "One or more
  parameter values are not valid. A value specified for a secondary index key is not supported. The
  AttributeValue for a key attribute cannot contain an empty string value. IndexName: by_g, IndexKey: g";
- empty, for an item an UpdateExpression produced: "One or more parameter values are not valid. The
  update expression attempted to update a secondary index key to a value that is not supported. The
  AttributeValue for a key attribute cannot contain an empty string value." ("binary" for B).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.errors import ValidationException
from storage.api import IndexDef, Item

MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
INVALID = "One or more parameter values were invalid: "
NOT_VALID = "One or more parameter values are not valid. "
_EMPTY_WORDS = {"S": "string", "B": "binary"}


@dataclass(frozen=True, slots=True)
class IndexKeyRule:
    """One key attribute of one index: its declared type and the longest value it may hold."""

    index: str
    attribute: str
    type: str
    max_bytes: int


@lru_cache(maxsize=1024)  # a table's indexes change rarely; every write to it asks for the same rules
def index_key_rules(indexes: tuple[IndexDef, ...]) -> tuple[IndexKeyRule, ...]:
    """The key attributes to check, in the order they are checked."""
    rules = []
    ordered = [i for i in indexes if not i.is_global] + [i for i in indexes if i.is_global]
    for index in ordered:
        schema = index.key_schema
        rules.append(IndexKeyRule(index.name, schema.hash.name, schema.hash.type, MAX_HASH_KEY_BYTES))
        if schema.range is not None:
            rules.append(IndexKeyRule(index.name, schema.range.name, schema.range.type, MAX_RANGE_KEY_BYTES))
    return tuple(rules)


def _byte_length(kind: str, text: str) -> int:
    if kind == "S":
        return len(text.encode("utf-8"))
    # B travels as base64: 3 bytes per 4 characters, less the padding.
    return len(text) * 3 // 4 - (len(text) - len(text.rstrip("=")))


def _empty_error(rule: IndexKeyRule, from_update_expression: bool) -> ValidationException:
    word = _EMPTY_WORDS[rule.type]
    if from_update_expression:
        return ValidationException(
            NOT_VALID + "The update expression attempted to update a secondary index key to a value that is "
            f"not supported. The AttributeValue for a key attribute cannot contain an empty {word} value."
        )
    return ValidationException(
        NOT_VALID + "A value specified for a secondary index key is not supported. The AttributeValue for a "
        f"key attribute cannot contain an empty {word} value. IndexName: {rule.index}, "
        f"IndexKey: {rule.attribute}"
    )


def check_index_keys(
    item: Item, indexes: tuple[IndexDef, ...], *, from_update_expression: bool = False
) -> None:
    """Raise AWS's ValidationException when `item` gives an index key attribute a value the index cannot
    hold (wrong type, empty string or binary, too long). `from_update_expression`: the item is the result
    of an UpdateExpression, whose empty-value message differs."""
    for rule in index_key_rules(indexes):
        value = item.get(rule.attribute)
        if value is None:
            continue
        actual = next(iter(value), "NULL") if isinstance(value, dict) else "NULL"
        if actual != rule.type:
            raise ValidationException(
                INVALID + f"Type mismatch for Index Key {rule.attribute} Expected: {rule.type} "
                f"Actual: {actual} IndexName: {rule.index}"
            )
        if rule.type == "N":
            continue  # 38 digits at most: never empty, never too long
        text: str = value[actual]
        if not text:
            raise _empty_error(rule, from_update_expression)
        if len(text) * 4 <= rule.max_bytes:
            continue  # short enough whatever it holds (4 UTF-8 bytes a character at most)
        size = _byte_length(actual, text)
        if size > rule.max_bytes:
            raise ValidationException(
                INVALID + f"Size limit exceeded for Index Key {rule.attribute} Actual Size: {size} bytes "
                f"Max Size: {rule.max_bytes} bytes IndexName: {rule.index}"
            )


@lru_cache(maxsize=1024)
def index_key_names(indexes: tuple[IndexDef, ...], table_key_names: tuple[str, ...]) -> tuple[str, ...]:
    """The key attributes of the indexes that are not the table's own, once each, in the order AWS
    reports a path into one (`… IndexKey: k`): global indexes, then local ones, each in reverse order of
    definition (dynalite's suite, recorded on AWS)."""
    ordered = [i for i in reversed(indexes) if i.is_global] + [
        i for i in reversed(indexes) if not i.is_global
    ]
    names = [name for index in ordered for name in index.key_schema.names() if name not in table_key_names]
    return tuple(dict.fromkeys(names))
