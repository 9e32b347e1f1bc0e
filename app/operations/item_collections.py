"""Item collection metrics: `ItemCollectionMetrics` for writes to tables with local secondary indexes.

An item collection is every item with one partition key value plus their entries in the table's local
secondary indexes (AWS: "Item collections in Local Secondary Indexes"). With ReturnItemCollectionMetrics
SIZE, a write to a table with at least one LSI reports the collection of the written key: its key
(`ItemCollectionKey`, the partition key attribute only) and `SizeEstimateRangeGB`, a lower and an upper
bound of its size in GB. AWS documents the estimate as approximate and shows [0.0, 1.0] for a small
collection; localddb reports the whole gigabytes below the measured size and the next one,
[floor(GB), floor(GB) + 1], so a collection near the 10 GB limit reads [9.0, 10.0].
Tables without LSIs report nothing, whatever was asked (AWS: "If the table does not have any local
secondary indexes, this information is not returned in the response").

The 10 GB limit itself is enforced by storage (ItemCollectionTooLarge, mapped to AWS's
ItemCollectionSizeLimitExceededException by app/wire/endpoint.py).
"""

from __future__ import annotations

from typing import Any

from app.operations.registry import Context
from storage.api import Item, TableMeta

BYTES_PER_GB = 1024**3


def has_local_indexes(meta: TableMeta) -> bool:
    return any(not index.is_global for index in meta.indexes)


def size_estimate_range_gb(size_bytes: int) -> list[float]:
    """AWS's `SizeEstimateRangeGB` for a collection of `size_bytes`: [lower, upper] whole gigabytes."""
    lower = float(size_bytes // BYTES_PER_GB)
    return [lower, lower + 1.0]


async def item_collection_metrics(ctx: Context, meta: TableMeta, key: Item) -> dict[str, Any] | None:
    """The `ItemCollectionMetrics` of the collection holding `key` (an item's primary key, or the whole
    item), or None when the table has no local secondary index."""
    if not has_local_indexes(meta):
        return None
    name = meta.key_schema.hash.name
    size = await ctx.cluster.item_collection_size(ctx.namespace, meta.name, key[name])
    return {"ItemCollectionKey": {name: key[name]}, "SizeEstimateRangeGB": size_estimate_range_gb(size)}
