"""Capacity units and the `ConsumedCapacity` structure, as DynamoDB computes them.

Reads cost one unit per 4 KB (rounded up; at least one), halved for eventually consistent reads; writes
cost one unit per 1 KB (rounded up; at least one) of the larger of the old and the new item.

A request's units on one table are a `Consumption`: the table's own units and those of each local and
global secondary index it touched. `render` turns it into the wire `ConsumedCapacity` for
ReturnConsumedCapacity TOTAL (the sum) or INDEXES (the sum and the parts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from storage.api import IndexDef, Item

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


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


def render(mode: str | None, table: str, consumption: Consumption) -> dict[str, Any] | None:
    """The wire `ConsumedCapacity` of one table for ReturnConsumedCapacity `mode`, or None (NONE/absent)."""
    raise NotImplementedError


def write_consumption(
    indexes: tuple[IndexDef, ...], old_item: Item | None, new_item: Item | None
) -> Consumption:
    """The units of a write that turned `old_item` into `new_item` (None: absent), on the table and on
    each index whose entries it put or deleted, as AWS charges them."""
    raise NotImplementedError


def consumed(mode: str | None, table: str, units: float) -> dict[str, Any] | None:
    """The `ConsumedCapacity` of a single-table request for ReturnConsumedCapacity `mode`, or None."""
    if mode == "TOTAL":
        return {"TableName": table, "CapacityUnits": units}
    if mode == "INDEXES":
        return {"TableName": table, "CapacityUnits": units, "Table": {"CapacityUnits": units}}
    return None
