"""Capacity units and the `ConsumedCapacity` structure, as DynamoDB computes them.

Reads cost one unit per 4 KB (rounded up; at least one), halved for eventually consistent reads; writes
cost one unit per 1 KB (rounded up; at least one) of the larger of the old and the new item.
"""

from __future__ import annotations

from typing import Any

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


def read_units(size: int, consistent: bool) -> float:
    units = max(1, -(-size // READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def write_units(*sizes: int) -> float:
    return float(max(1, -(-max(sizes, default=0) // WRITE_UNIT_BYTES)))


def consumed(mode: str | None, table: str, units: float) -> dict[str, Any] | None:
    """The `ConsumedCapacity` of a single-table request for ReturnConsumedCapacity `mode`, or None."""
    if mode == "TOTAL":
        return {"TableName": table, "CapacityUnits": units}
    if mode == "INDEXES":
        return {"TableName": table, "CapacityUnits": units, "Table": {"CapacityUnits": units}}
    return None
