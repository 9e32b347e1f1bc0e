"""Capacity units and the `ConsumedCapacity` structure, as DynamoDB computes them.

Reads cost one unit per 4 KB (rounded up; at least one), halved for eventually consistent reads; writes
cost one unit per 1 KB (rounded up; at least one) of the larger of the old and the new item.

A write also costs units on each secondary index whose entry for the item it changes (AWS's "Write
capacity units" rules for LSIs and GSIs). An index entry is the table's key attributes, the index's key
attributes and the projected attributes; a local index entry counts 100 bytes more (the per-entry overhead
AWS documents for LSI storage; DynamoDB Local charges LSI writes with it and GSI writes without, and the
compat suite pins both). Putting an entry costs the units of the new entry; deleting one, the units of the
old; replacing an entry under the same index key, the units of the larger of the two; moving it to another
index key, a delete plus a put. An entry that stays the same, or an item that is in the index neither
before nor after, costs the index nothing.

A request's units on one table are a `Consumption`: the table's own units and those of each local and
global secondary index it touched. `render` turns it into the wire `ConsumedCapacity` for
ReturnConsumedCapacity TOTAL (the sum) or INDEXES (the sum, the table's part, and the part of every
index that consumed something; an index that consumed nothing is not listed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.values.size import item_size
from storage.api import IndexDef, Item, KeySchema
from storage.index_entries import entry_attributes

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
LOCAL_INDEX_ENTRY_OVERHEAD = 100


def read_units(size: int, consistent: bool) -> float:
    units = max(1, -(-size // READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def write_units(*sizes: int) -> float:
    return float(max(1, -(-max(sizes, default=0) // WRITE_UNIT_BYTES)))


@dataclass(frozen=True)
class Consumption:
    """Units one request consumed on one table: on the table itself and per index name."""

    table: float = 0.0
    local_indexes: Mapping[str, float] = field(default_factory=dict)
    global_indexes: Mapping[str, float] = field(default_factory=dict)

    def total(self) -> float:
        return self.table + sum(self.local_indexes.values()) + sum(self.global_indexes.values())

    def __add__(self, other: Consumption) -> Consumption:
        def merged(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
            out = dict(a)
            for name, units in b.items():
                out[name] = out.get(name, 0.0) + units
            return out

        return Consumption(
            self.table + other.table,
            merged(self.local_indexes, other.local_indexes),
            merged(self.global_indexes, other.global_indexes),
        )


def _index_units(units: Mapping[str, float]) -> dict[str, dict[str, float]]:
    return {name: {"CapacityUnits": value} for name, value in units.items() if value}


def render(mode: str | None, table: str, consumption: Consumption) -> dict[str, Any] | None:
    """The wire `ConsumedCapacity` of one table for ReturnConsumedCapacity `mode`, or None (NONE/absent)."""
    if mode == "TOTAL":
        return {"TableName": table, "CapacityUnits": consumption.total()}
    if mode != "INDEXES":
        return None
    out: dict[str, Any] = {
        "TableName": table,
        "CapacityUnits": consumption.total(),
        "Table": {"CapacityUnits": consumption.table},
    }
    local = _index_units(consumption.local_indexes)
    if local:
        out["LocalSecondaryIndexes"] = local
    global_ = _index_units(consumption.global_indexes)
    if global_:
        out["GlobalSecondaryIndexes"] = global_
    return out


def _entry_units(entry: Item, overhead: int) -> float:
    return write_units(item_size(entry) + overhead)


def index_write_units(
    index: IndexDef, table_key: KeySchema, old_item: Item | None, new_item: Item | None
) -> float:
    """The units a write that turned `old_item` into `new_item` costs `index` (0: its entry is unchanged)."""
    old = entry_attributes(old_item, index, table_key)
    new = entry_attributes(new_item, index, table_key)
    if old == new:
        return 0.0
    overhead = 0 if index.is_global else LOCAL_INDEX_ENTRY_OVERHEAD
    if old is None or new is None:
        return _entry_units(old or new or {}, overhead)
    names = index.key_schema.names()
    if all(old.get(name) == new.get(name) for name in names):
        return max(_entry_units(old, overhead), _entry_units(new, overhead))
    return _entry_units(old, overhead) + _entry_units(new, overhead)


def write_consumption(
    indexes: tuple[IndexDef, ...],
    old_item: Item | None,
    new_item: Item | None,
    *,
    table_key: KeySchema,
) -> Consumption:
    """The units of a write that turned `old_item` into `new_item` (None: absent), on the table and on
    each index whose entries it put or deleted, as AWS charges them. `table_key` is the table's key
    schema (its attributes are part of every index entry)."""
    table = write_units(
        item_size(old_item) if old_item is not None else 0,
        item_size(new_item) if new_item is not None else 0,
    )
    local: dict[str, float] = {}
    global_: dict[str, float] = {}
    for index in indexes:
        units = index_write_units(index, table_key, old_item, new_item)
        if units:
            (global_ if index.is_global else local)[index.name] = units
    return Consumption(table, local, global_)


# --- transactions ---------------------------------------------------------------------------------------

TRANSACTION_FACTOR = 2


def transactional(consumption: Consumption) -> Consumption:
    """The units of a write done inside a transaction: twice those of the same write outside one, on the
    table and on every index (AWS: a transaction performs two underlying writes per item, prepare and
    commit)."""
    return Consumption(
        consumption.table * TRANSACTION_FACTOR,
        {name: units * TRANSACTION_FACTOR for name, units in consumption.local_indexes.items()},
        {name: units * TRANSACTION_FACTOR for name, units in consumption.global_indexes.items()},
    )


def transactional_read_units(size: int) -> float:
    """The units of a transactional read of an item of `size` bytes (0: no item): two strongly consistent
    reads, 2 units per 4 KB and at least 2. A ConditionCheck of TransactWriteItems costs the same."""
    return TRANSACTION_FACTOR * read_units(size, consistent=True)
