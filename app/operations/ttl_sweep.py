"""The TTL sweeper: the background task that deletes expired items, as DynamoDB's TTL process does.

Every `--ttl-interval` seconds it scans each table whose TTL is ENABLED (all namespaces) and deletes the
items whose TTL attribute is a Number of epoch seconds at or before the server's clock and no more than
five years in the past (AWS ignores older expiries, other types and missing attributes). Deletions take
the normal write path (`Cluster.apply` with origin ORIGIN_TTL): indexes follow, and stream records know
the service made them. Each delete is conditional on the item still having the expiry it was read with,
so a concurrent write that extends or removes the TTL wins. An item held by a transaction is left for
the next sweep. Until the sweep reaches it, an expired item is returned by reads, as on AWS.

The background sweeper remembers, per table, the partitions' last lsns after its scan and the earliest
expiry still ahead: a table that nobody wrote since and whose next expiry has not come is not read
again (scanning every TTL table every second cost CPU on the request path for nothing).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from app.background import every
from app.clock import Clock
from app.errors import ConditionalCheckFailedException
from app.expressions import Condition, ExpressionKind, ExpressionMaps, compile_condition
from app.operations.item_writes import DeleteAction, ItemWrite
from app.operations.ttl import expiring_attribute
from storage import Cluster
from storage.api import Item, Namespace, TableMeta, TableNotFound, TransactionConflict
from storage.log import ORIGIN_TTL

log = logging.getLogger("localddb.ttl")

# AWS does not expire items whose expiry is more than five years in the past.
MAX_AGE = 5 * 365 * 24 * 3600
# Items read per scan page; the sweeper yields to requests between pages.
PAGE_SIZE = 500
SAME_EXPIRY = "#ttl = :expiry"


@dataclass(frozen=True)
class TableMark:
    """A table as the last sweep left it: its TTL attribute, its partitions' last lsns, and the earliest
    expiry the sweep saw still ahead (None: none)."""

    attribute: str
    last_lsns: tuple[int, ...]
    next_expiry: Decimal | None


# Marks by table id: what the background sweeper saw last.
Marks = dict[str, TableMark]


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: tables with TTL ENABLED, items read, items deleted, and expired items left
    for a later sweep (changed meanwhile, or held by a transaction)."""

    tables: int = 0
    scanned: int = 0
    deleted: int = 0
    skipped: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(
            self.tables + other.tables,
            self.scanned + other.scanned,
            self.deleted + other.deleted,
            self.skipped + other.skipped,
        )


def expiry_of(value: Any) -> Decimal | None:
    """The expiry a TTL attribute value holds: a Number's value, else None (AWS ignores other types)."""
    if not isinstance(value, dict) or len(value) != 1 or "N" not in value:
        return None
    try:
        return Decimal(value["N"])
    except (InvalidOperation, TypeError):
        return None


def is_expired(expiry: Decimal, now: float) -> bool:
    """Whether an item with this expiry is due for deletion at `now`."""
    return now - MAX_AGE <= expiry <= now


def same_expiry(attribute: str, value: dict[str, Any]) -> Condition:
    """The condition of a TTL delete: the item still has `value` as its TTL attribute."""
    params = {
        "ConditionExpression": SAME_EXPIRY,
        "ExpressionAttributeNames": {"#ttl": attribute},
        "ExpressionAttributeValues": {":expiry": value},
    }
    fields = ("ConditionExpression",)
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    condition = compile_condition(ExpressionKind.CONDITION, SAME_EXPIRY, maps)
    assert condition is not None
    return condition


async def _delete_expired(cluster: Cluster, meta: TableMeta, key: Item, attribute: str, value: Any) -> bool:
    """Delete the item at `key` if it still has the expiry `value`; whether it was deleted."""
    write = ItemWrite(key, DeleteAction(), condition=same_expiry(attribute, value))
    try:
        result = await cluster.apply(meta.namespace, meta.name, key, write, origin=ORIGIN_TTL)
    except (ConditionalCheckFailedException, TransactionConflict):
        return False
    return result.lsn is not None


async def _last_lsns(cluster: Cluster, meta: TableMeta) -> tuple[int, ...]:
    return tuple(p.last_lsn for p in await cluster.partitions(meta.namespace, meta.name))


async def sweep_table(
    cluster: Cluster, meta: TableMeta, attribute: str, clock: Clock, marks: Marks | None = None
) -> SweepResult:
    """Delete the expired items of one table; a table deleted meanwhile ends its sweep quietly. With
    `marks`, a table unchanged since its mark and with no expiry due is skipped, and the mark renewed."""
    if marks is not None:
        mark = marks.get(meta.table_id)
        if (
            mark is not None
            and mark.attribute == attribute
            and (mark.next_expiry is None or clock.now() < mark.next_expiry)
            and mark.last_lsns == await _last_lsns(cluster, meta)
        ):
            return SweepResult(1)
    key_names = meta.key_schema.names()
    start: Item | None = None
    scanned = deleted = skipped = 0
    next_expiry: Decimal | None = None
    try:
        while True:
            page = await cluster.scan(
                meta.namespace, meta.name, None, start_key=start, limit=PAGE_SIZE, consistent=True
            )
            now = clock.now()
            for stored in page.items:
                item = orjson.loads(stored.data)
                scanned += 1
                value = item.get(attribute)
                expiry = expiry_of(value)
                if expiry is None:
                    continue
                if not is_expired(expiry, now):
                    if expiry > now and (next_expiry is None or expiry < next_expiry):
                        next_expiry = expiry
                    continue
                key = {name: item[name] for name in key_names}
                if await _delete_expired(cluster, meta, key, attribute, value):
                    deleted += 1
                else:
                    skipped += 1
            if page.exhausted or not page.items:
                break
            last = orjson.loads(page.items[-1].data)
            start = {name: last[name] for name in key_names}
            await asyncio.sleep(0)  # let requests run between pages
        if marks is not None:
            if skipped:
                marks.pop(meta.table_id, None)  # items left for the next sweep: read it again
            else:
                marks[meta.table_id] = TableMark(attribute, await _last_lsns(cluster, meta), next_expiry)
    except TableNotFound:
        if marks is not None:
            marks.pop(meta.table_id, None)
    return SweepResult(1, scanned, deleted, skipped)


async def sweep(cluster: Cluster, clock: Clock, marks: Marks | None = None) -> SweepResult:
    """One pass over every table with TTL ENABLED, in every namespace (with `marks`: skipping the tables
    with nothing to do, see the module's docstring)."""
    total = SweepResult()
    for namespace in await cluster.list_namespaces():
        total += await _sweep_namespace(cluster, namespace, clock, marks)
    if total.deleted or total.skipped:
        log.debug("TTL sweep: %s", total)
    return total


async def _sweep_namespace(
    cluster: Cluster, namespace: Namespace, clock: Clock, marks: Marks | None
) -> SweepResult:
    total = SweepResult()
    for name in await cluster.list_tables(namespace):
        try:
            meta = await cluster.get_table(namespace, name)
        except TableNotFound:
            continue
        attribute = expiring_attribute(meta, clock.now())
        if attribute is not None:
            total += await sweep_table(cluster, meta, attribute, clock, marks)
    return total


async def run_sweeper(cluster: Cluster, clock: Clock, interval: float) -> None:
    """Sweep every `interval` seconds (from the end of one sweep to the start of the next) until
    cancelled; a failed sweep is logged and the next one runs as usual."""
    marks: Marks = {}
    await every(interval, lambda: sweep(cluster, clock, marks), "TTL sweep")
