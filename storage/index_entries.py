"""What a secondary index holds for an item: whether the item is in it, its entry, and the entry's key.

An item is in an index only when it has every key attribute of the index with the declared type, a
non-empty value (S, B) and a key's length (2048 bytes for a partition key, 1024 for a sort key); the
caller rejects writes that break that, so here a violation just leaves the item out (an item written
before its index existed is skipped by the backfill, as DynamoDB does).
The entry keeps the table's key attributes, the index's key attributes and the
projected attributes (all of them when `IndexDef.projected` is None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.api import IndexDef, InvalidKey, Item, KeySchema
from storage.keys import EncodedKey, encode_key


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """An item's entry in one index: the index key (its own hash, partition key, sort key), the table
    key it belongs to (encoded partition and sort key), its bytes' source and its size."""

    key: EncodedKey
    table_pk: bytes
    table_sk: bytes
    item: Item
    size: int


MAX_HASH_BYTES = 2048
MAX_RANGE_BYTES = 1024


def _has_key(item: Item, schema: KeySchema) -> bool:
    for attribute in (schema.hash, schema.range):
        if attribute is None:
            continue
        value = item.get(attribute.name)
        if not isinstance(value, dict) or attribute.type not in value:
            return False
        if attribute.type != "N" and not value[attribute.type]:
            return False
    return True


def project(item: Item, index: IndexDef, table_schema: KeySchema) -> Item:
    """The attributes of `item` that `index` keeps."""
    if index.projected is None:
        return item
    keep = {*table_schema.names(), *index.key_schema.names(), *index.projected}
    return {name: value for name, value in item.items() if name in keep}


def entry_attributes(item: Item | None, index: IndexDef, table_schema: KeySchema) -> Item | None:
    """The attributes of `item`'s entry in `index`, or None when the item is not in it."""
    if item is None or not _has_key(item, index.key_schema):
        return None
    return project(item, index, table_schema)


def index_entry(
    item: Item | None,
    index: IndexDef,
    table_schema: KeySchema,
    table_key: EncodedKey,
    sizer: Callable[[Item], int],
    item_size: int | None = None,
) -> IndexEntry | None:
    """The entry of `item` (stored at `table_key`) in `index`, or None when the item is not in it.
    `item_size`, when known, is the item's own size: an entry holding all of it has that size."""
    entry = entry_attributes(item, index, table_schema)
    if entry is None:
        return None
    try:
        key = encode_key(index.key_schema, entry)
    except InvalidKey:
        return None
    if len(key.pk) > MAX_HASH_BYTES or len(key.sk) > MAX_RANGE_BYTES:
        return None
    size = item_size if item_size is not None and entry is item else sizer(entry)
    return IndexEntry(key, table_key.pk, table_key.sk, entry, size)
