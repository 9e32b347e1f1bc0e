"""TransactWriteItems and TransactGetItems: the two handlers and the response of a write transaction.

TransactWriteItems checks its request (app/operations/transact_plan.py), then, under its
ClientRequestToken (app/operations/idempotency.py), plans every action against its table and commits
them all or none (app/operations/transact_write.py). The response is `{}` unless asked for more:

- ConsumedCapacity (TOTAL / INDEXES): one entry per table in order of first use. Each action costs
  twice what the same single-item operation costs (AWS: a transaction performs two underlying reads or
  writes per item, prepare and commit), indexes included: a Put, Update or Delete 2 units per KB of the
  larger of the old and the new item, a ConditionCheck 2 units per 4 KB of the item it read. A repeat
  answered from its token costs what reading the items costs (AWS's API reference): 2 units per 4 KB of
  each item as the transaction left it.
- ItemCollectionMetrics (SIZE): per table with local secondary indexes, the collection of every item
  the transaction put, updated or deleted.

TransactGetItems is app/operations/transact_get.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import ValidationException
from app.operations.batch_common import consumed_capacity_list
from app.operations.capacity import Consumption, transactional, transactional_read_units, write_consumption
from app.operations.idempotency import idempotent
from app.operations.item_collections import has_local_indexes, item_collection_metrics
from app.operations.registry import Context, Request, Response, operation
from app.operations.transact_get import check_get_request, plan_gets, run_gets
from app.operations.transact_plan import CheckedAction, check_write_request, plan_writes
from app.operations.transact_write import PlannedWrite, cancel_for_invalid, commit_transaction
from app.values.size import item_size
from storage.api import Item, TableMeta, WriteResult


@dataclass(frozen=True)
class WriteSummary:
    """What the response of a committed write transaction is made of (kept for token repeats)."""

    consumption: tuple[tuple[str, Consumption], ...]  # write units per table, in order of first use
    read_units: tuple[tuple[str, float], ...]  # what reading the items back costs, per table
    collections: tuple[tuple[TableMeta, Item], ...]  # written keys of tables with local indexes


def _add(totals: dict[str, Any], table: str, units: Any) -> None:
    totals[table] = totals[table] + units if table in totals else units


def summarize(actions: list[PlannedWrite], results: list[WriteResult]) -> WriteSummary:
    """The capacity and the item collections of a committed transaction."""
    consumption: dict[str, Consumption] = {}
    read_units: dict[str, float] = {}
    collections: list[tuple[TableMeta, Item]] = []
    for action, result in zip(actions, results, strict=True):
        meta = action.meta
        if action.kind == "ConditionCheck":
            _add(consumption, meta.name, Consumption(table=transactional_read_units(result.old_size)))
            _add(read_units, meta.name, transactional_read_units(result.old_size))
            continue
        new_item = result.outcome.new_item if result.outcome.write else result.old_item
        units = write_consumption(meta.indexes, result.old_item, new_item, table_key=meta.key_schema)
        _add(consumption, meta.name, transactional(units))
        _add(read_units, meta.name, transactional_read_units(item_size(new_item) if new_item else 0))
        if has_local_indexes(meta):
            collections.append((meta, action.key))
    return WriteSummary(tuple(consumption.items()), tuple(read_units.items()), tuple(collections))


NOTHING = WriteSummary((), (), ())


async def _run_writes(ctx: Context, checked: list[CheckedAction], detailed: bool) -> WriteSummary:
    """Plan and commit; the summary when `detailed` (anything but `{}` may be answered), else NOTHING."""
    planned = await plan_writes(ctx, checked)
    if any(isinstance(action, ValidationException) for action in planned):
        await cancel_for_invalid(ctx, planned)
    actions = [action for action in planned if isinstance(action, PlannedWrite)]
    results = await commit_transaction(ctx, actions)
    return summarize(actions, results) if detailed else NOTHING


def summary_capacity(mode: str | None, summary: WriteSummary, repeated: bool) -> list[dict[str, Any]] | None:
    """The ConsumedCapacity of a write transaction's response (None when not asked for): its write
    units, or for a repeat answered from its ClientRequestToken what reading the items costs."""
    if repeated:
        per_table = [(table, Consumption(table=units)) for table, units in summary.read_units]
    else:
        per_table = list(summary.consumption)
    return consumed_capacity_list(mode, per_table)


async def _write_response(request: Request, ctx: Context, summary: WriteSummary, repeated: bool) -> Response:
    response: Response = {}
    capacity = summary_capacity(request.get("ReturnConsumedCapacity"), summary, repeated)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if request.get("ReturnItemCollectionMetrics") == "SIZE" and summary.collections:
        metrics: dict[str, list[dict[str, Any]]] = {}
        for meta, key in summary.collections:
            collection = await item_collection_metrics(ctx, meta, key)
            if collection is not None:
                metrics.setdefault(meta.name, []).append(collection)
        response["ItemCollectionMetrics"] = metrics
    return response


@operation("TransactWriteItems")
async def transact_write_items(request: Request, ctx: Context) -> Response:
    checked = check_write_request(request)
    token = request.get("ClientRequestToken")
    detailed = (
        token is not None
        or request.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES")
        or request.get("ReturnItemCollectionMetrics") == "SIZE"
    )
    summary, repeated = await idempotent(
        ctx, "TransactWriteItems", token, request, lambda: _run_writes(ctx, checked, detailed)
    )
    return await _write_response(request, ctx, summary, repeated)


@operation("TransactGetItems")
async def transact_get_items(request: Request, ctx: Context) -> Response:
    checked = check_get_request(request)
    planned = await plan_gets(ctx, checked)
    return await run_gets(ctx, planned, request.get("ReturnConsumedCapacity"))
