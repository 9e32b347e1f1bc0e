"""BatchWriteItem: up to 25 PutRequest/DeleteRequest across tables, every one checked before any write.

The checks run in AWS's order (dynalite's suite recorded on AWS, the 2026 conformance captures, DynamoDB
Local's order where those are silent):

1. each request in request order: exactly one of PutRequest and DeleteRequest (AWS words a violation
   as "Supplied AttributeValue has more than one datatypes set, …"); the item's or key's values in
   the legacy dialect (app/values/dialect.py); a put item's size (400 KB, inclusive);
2. more than 25 requests across all tables;
3. per table in request order: the table (a bare "Requested resource not found"); per request in
   order: its key against the key schema (a put item missing a key attribute, or holding one of the
   wrong type, is "The provided key element does not match the schema" here, unlike PutItem), a put
   item's index key attributes, and a key already written by an earlier request of the batch
   ("Provided list of item keys contains duplicates", a put and a delete of one item included).

Then the writes run one by one as unconditional PutItem/DeleteItem writes. A write whose item is held
by a write transaction in flight (storage's TransactionConflict) is not applied and comes back in
UnprocessedItems, under the table name as sent, for the client to retry (AWS fails only that write, not
the batch); nothing else is ever left unprocessed locally (no throttling yet). ConsumedCapacity is one
entry per table with the sum of its writes (each charged on the larger of its old and new item, with
its index writes); ItemCollectionMetrics (ReturnItemCollectionMetrics SIZE) lists, per table that has
local secondary indexes, the item collection of every write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationException
from app.operations.batch_common import DuplicateKeyCheck, consumed_capacity_list
from app.operations.capacity import Consumption, write_consumption
from app.operations.item_collections import has_local_indexes, item_collection_metrics
from app.operations.item_writes import DeleteAction, ItemWrite, PutAction
from app.operations.registry import Context, Request, Response
from app.operations.table_lookup import active_table
from app.values.attributes import SEVERAL_TYPES, validate_item
from app.values.dialect import Dialect
from app.values.index_keys import check_index_keys
from app.values.keys import SCHEMA_MISMATCH, match_key_schema
from app.values.size import check_item_size
from storage.api import Item, KeySchema, TableMeta, TransactionConflict

MAX_WRITES = 25
TOO_MANY_WRITES = "Too many items requested for the BatchWriteItem call"


@dataclass(frozen=True)
class CheckedWrite:
    """One WriteRequest with checked values: a put (item and its size) or a delete (key)."""

    item: Item | None = None
    size: int = 0
    key: Item | None = None


@dataclass(frozen=True)
class PlannedWrite:
    """A checked write whose table is known: its primary key and the storage mutation."""

    key: Item
    write: ItemWrite


@dataclass(frozen=True)
class TableWrites:
    """The planned writes of one table, in request order."""

    meta: TableMeta
    writes: tuple[PlannedWrite, ...]


def _check_write(sent: Mapping[str, Any]) -> CheckedWrite:
    put: Mapping[str, Any] | None = sent.get("PutRequest")
    delete: Mapping[str, Any] | None = sent.get("DeleteRequest")
    if (put is None) == (delete is None):
        raise ValidationException(SEVERAL_TYPES)
    if put is not None:
        item = validate_item(put["Item"], Dialect.LEGACY)
        return CheckedWrite(item=item, size=check_item_size(item))
    assert delete is not None
    return CheckedWrite(key=validate_item(delete["Key"], Dialect.LEGACY))


def check_request(request: Request) -> list[tuple[str, list[CheckedWrite]]]:
    """Every check of a BatchWriteItem request that needs no table, in AWS's order."""
    request_items: Mapping[str, list[Mapping[str, Any]]] = request["RequestItems"]
    checked = [(name, [_check_write(sent) for sent in requests]) for name, requests in request_items.items()]
    if sum(len(writes) for _, writes in checked) > MAX_WRITES:
        raise ValidationException(TOO_MANY_WRITES)
    return checked


def _key_of_put(item: Item, schema: KeySchema) -> Item:
    """A put item's primary key, with BatchWriteItem's wording for a missing or mistyped key attribute."""
    key: Item = {}
    for name in schema.names():
        value = item.get(name)
        if value is None:
            raise ValidationException(SCHEMA_MISMATCH)
        key[name] = value
    return match_key_schema(key, schema)


def _plan(meta: TableMeta, checked: CheckedWrite) -> PlannedWrite:
    if checked.item is not None:
        key = _key_of_put(checked.item, meta.key_schema)
        check_index_keys(checked.item, meta.indexes)
        action: PutAction | DeleteAction = PutAction(checked.item, checked.size)
    else:
        assert checked.key is not None
        key = match_key_schema(checked.key, meta.key_schema)
        action = DeleteAction()
    return PlannedWrite(key, ItemWrite(key, action, indexes=meta.indexes))


async def plan_writes(ctx: Context, checked: list[tuple[str, list[CheckedWrite]]]) -> list[TableWrites]:
    """Each table looked up and each write matched to it, table by table; the last checks of the batch."""
    planned = []
    for table_name, writes in checked:
        meta = await active_table(ctx, table_name)
        duplicates = DuplicateKeyCheck()
        table_writes = []
        for write in writes:
            plan = _plan(meta, write)
            duplicates.add(plan.key)
            table_writes.append(plan)
        planned.append(TableWrites(meta, tuple(table_writes)))
    return planned


async def run_writes(ctx: Context, planned: list[TableWrites], request: Request) -> Response:
    """Apply every planned write in request order; build the BatchWriteItem response."""
    want_metrics = request.get("ReturnItemCollectionMetrics") == "SIZE"
    want_capacity = request.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES")
    consumption: list[tuple[str, Consumption]] = []
    metrics: dict[str, list[dict[str, Any]]] = {}
    unprocessed: dict[str, list[Any]] = {}
    sent_items: Mapping[str, list[Any]] = request["RequestItems"]
    for table, (sent_name, sent_writes) in zip(planned, sent_items.items(), strict=True):
        meta = table.meta
        units = Consumption()
        table_metrics = []
        for plan, sent in zip(table.writes, sent_writes, strict=True):
            try:
                result = await ctx.cluster.apply(ctx.namespace, meta.name, plan.key, plan.write)
            except TransactionConflict:
                unprocessed.setdefault(sent_name, []).append(sent)
                continue
            if want_capacity:
                new_item = result.outcome.new_item if result.outcome.write else result.old_item
                units = units + write_consumption(
                    meta.indexes, result.old_item, new_item, table_key=meta.key_schema
                )
            if want_metrics and has_local_indexes(meta):
                collection = await item_collection_metrics(ctx, meta, plan.key)
                if collection is not None:
                    table_metrics.append(collection)
        consumption.append((meta.name, units))
        if table_metrics:
            metrics.setdefault(meta.name, []).extend(table_metrics)
    response: Response = {"UnprocessedItems": unprocessed}
    capacity = consumed_capacity_list(request.get("ReturnConsumedCapacity"), consumption)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    if metrics:
        response["ItemCollectionMetrics"] = metrics
    return response
