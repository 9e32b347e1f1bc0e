"""Items <-> the bytes stored in partitions and log records: orjson of the wire-form dict, as given.

The stored bytes are handed back to callers unchanged (`StoredItem.data`), so what a reader gets is exactly
what the writer stored; no re-encoding happens on the read path.
"""

from __future__ import annotations

import orjson

from storage.api import Item


def encode_item(item: Item) -> bytes:
    return orjson.dumps(item)


def decode_item(data: bytes) -> Item:
    item: Item = orjson.loads(data)
    return item
