"""One page of a Query or Scan, from the items storage read to the response AWS sends.

The page rule: storage reads items in order until `Limit` items, or until their DynamoDB sizes add up to
1 MB, the item that reaches it included (what DynamoDB Local does, and what AWS's "128.5 units for a 1 MB
scan" implies). LastEvaluatedKey is the key of the last item read (the table's key attributes, and the
index's for an index) whenever either limit stopped the read, even if nothing follows (AWS, as dynalite's
recorded suite has it; DynamoDB Local leaves it out when the 1 MB limit falls on the last item).

After the read: the filter (ScannedCount counts every item read, Count those that pass), the table's items
for a local index asked for attributes it does not hold, the projection, Select COUNT. When none of these
needs an item's attributes, its stored JSON is spliced into the response undecoded.

Consumed capacity: the sizes of all items read (before the filter), rounded up to 4 KB, at least one
unit, halved for an eventually consistent read; on an index they are the index's units, and the items
fetched from the table (summed the same way, as AWS does) the table's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from app.operations.capacity import Consumption, read_units, render
from app.operations.read_plans import ReadOptions
from app.operations.registry import Context, Response
from storage.api import IndexDef, Item, KeySchema, Page, StoredItem

PAGE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class PagePlan:
    """How to turn the items storage read into a response."""

    table: str
    table_schema: KeySchema
    index: IndexDef | None
    key_names: tuple[str, ...]
    options: ReadOptions
    fetch: bool
    filter_fetch: bool = False

    @property
    def decodes(self) -> bool:
        """Whether items must be decoded (a filter, a projection or a fetch needs their attributes)."""
        return self.options.filter is not None or self.options.projection is not None or self.fetch


@dataclass
class _Tally:
    items: list[Any]
    count: int = 0
    fetched_bytes: int = 0
    fetched: bool = False


class FetchTally(Protocol):
    """Where a read counts the table items it fetched for index entries (for its capacity)."""

    fetched: bool
    fetched_bytes: int


async def fetch_table_item(
    ctx: Context, table: str, schema: KeySchema, entry: Item, consistent: bool, tally: FetchTally
) -> Item | None:
    """The table's item behind an index entry (None if it is gone since), counted in `tally`."""
    key = {name: entry[name] for name in schema.names()}
    stored = await ctx.cluster.get_item(ctx.namespace, table, key, consistent)
    tally.fetched = True
    if stored is None:
        return None
    tally.fetched_bytes += stored.size
    item: Item = orjson.loads(stored.data)
    return item


async def _fetch(ctx: Context, plan: PagePlan, entry: Item, tally: _Tally) -> Item | None:
    return await fetch_table_item(ctx, plan.table, plan.table_schema, entry, plan.options.consistent, tally)


async def _tally(ctx: Context, plan: PagePlan, stored: list[StoredItem]) -> _Tally:
    options = plan.options
    tally = _Tally([])
    if not plan.decodes:
        tally.count = len(stored)
        if not options.count_only:
            tally.items = [orjson.Fragment(entry.data) for entry in stored]
        return tally
    for entry in stored:
        item: Item = orjson.loads(entry.data)
        base = await _fetch(ctx, plan, item, tally) if plan.filter_fetch else None
        if options.filter is not None and not options.filter.evaluate(base if plan.filter_fetch else item):
            continue
        if plan.fetch:
            base = base or await _fetch(ctx, plan, item, tally)
            if base is None:
                continue
            item = base
        tally.count += 1
        if options.count_only:
            continue
        if options.projection is not None:
            tally.items.append(options.projection.apply(item))
        else:
            tally.items.append(item if plan.fetch else orjson.Fragment(entry.data))
    return tally


def _consumed(plan: PagePlan, read_bytes: int, tally: _Tally) -> dict[str, Any] | None:
    mode = plan.options.capacity_mode
    if mode not in ("TOTAL", "INDEXES"):
        return None
    consistent = plan.options.consistent
    units = read_units(read_bytes, consistent)
    index = plan.index
    if index is None:
        return render(mode, plan.table, Consumption(table=units))
    table_units = read_units(tally.fetched_bytes, consistent) if tally.fetched else 0.0
    if index.is_global:
        return render(mode, plan.table, Consumption(table_units, global_indexes={index.name: units}))
    return render(mode, plan.table, Consumption(table_units, local_indexes={index.name: units}))


async def page_response(ctx: Context, plan: PagePlan, page: Page) -> Response:
    """The Query or Scan response for one page storage read under the page rule."""
    stored = page.items
    limit = plan.options.limit
    read_bytes = sum(entry.size for entry in stored)
    tally = await _tally(ctx, plan, stored)
    response: Response = {}
    if not plan.options.count_only:
        response["Items"] = tally.items
    response["Count"] = tally.count
    response["ScannedCount"] = len(stored)
    if stored and ((limit is not None and len(stored) >= limit) or read_bytes >= PAGE_BYTES):
        last: Item = orjson.loads(stored[-1].data)
        response["LastEvaluatedKey"] = {name: last[name] for name in plan.key_names}
    capacity = _consumed(plan, read_bytes, tally)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
