"""TransactGetItems: up to 100 Gets read at one instant, never half of a write transaction.

Checks, in AWS's order (the 2026 conformance suite's captures on AWS; DynamoDB Local's order where they
are silent): every Get's table name (Coral's wording, naming `transactItems.N.member.get.tableName`);
per Get as GetItem checks its own: ExpressionAttributeNames without a ProjectionExpression, the key's
values, the projection and its placeholders; then per Get in order: its table ("Requested resource not
found"), its key against the key schema, projection paths into key attributes, and a second Get of an
item already named ("Transaction request cannot include multiple operations on one item"). A key that
does not fit the schema cancels the transaction with that Get's ValidationError reason ("The provided
key element does not match the schema"); an empty key value fails the request.

The reads go to `Cluster.transact_get`; a Get of an item held by a write transaction in flight cancels
the whole read with reason TransactionConflict. `Responses` has one entry per Get in order: `{"Item":
…}` (projected), or `{}` for a missing item. The items returned may sum to 4 MB at most, each counted
(projected) with 4 bytes more, as DynamoDB Local measures them ("Payload in response is too
large.4400110", a ValidationException; AWS documents the limit, not the error). Each Get costs 2 read
units per 4 KB of the whole item (projection aside), 2 for a missing item; ConsumedCapacity has one
entry per table, in order of first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from app.errors import ValidationException
from app.expressions import ExpressionMaps, Projection
from app.expressions.projection import compile_projection
from app.operations.batch_common import consumed_capacity_list
from app.operations.capacity import Consumption, transactional_read_units
from app.operations.registry import Context, Request, Response
from app.operations.table_lookup import active_table
from app.operations.transact_plan import check_table_names
from app.operations.transact_reasons import cancellation, is_request_error
from app.operations.transact_write import DistinctItems
from app.values.attributes import validate_item
from app.values.index_keys import index_key_names
from app.values.keys import match_key_schema
from app.values.size import item_size
from storage.api import Item, TableMeta, TransactGet, TransactionCancelled

PROJECTION_FIELDS = ("ProjectionExpression",)
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
RESPONSE_TOO_LARGE = "Payload in response is too large.{}"
RESPONSE_ITEM_OVERHEAD = 4  # bytes DynamoDB Local counts per item returned, beyond the (projected) item


@dataclass(frozen=True)
class CheckedGet:
    table_name: str  # as sent: a name or an ARN
    key: Item
    projection: Projection | None


class ItemProjection(Protocol):
    """What a planned Get projects its item with: a ProjectionExpression, or a PartiQL SELECT list."""

    def apply(self, item: Item) -> Item: ...


@dataclass(frozen=True)
class PlannedGet:
    meta: TableMeta
    key: Item  # in key-schema order
    projection: ItemProjection | None


def _check_get(get: Mapping[str, Any]) -> CheckedGet:
    body: Mapping[str, Any] = get["Get"]
    maps = ExpressionMaps.for_request(body, expression_fields=PROJECTION_FIELDS)
    key = validate_item(body["Key"])
    projection = compile_projection(body.get("ProjectionExpression"), maps)
    maps.check_all_used()
    return CheckedGet(body["TableName"], key, projection)


def check_get_request(request: Request) -> list[CheckedGet]:
    """Every check of a TransactGetItems request that needs no table, in AWS's order."""
    gets: list[Mapping[str, Any]] = request["TransactItems"]
    check_table_names(gets, {"Get": "get"})
    return [_check_get(get) for get in gets]


async def plan_gets(ctx: Context, checked: list[CheckedGet]) -> list[PlannedGet]:
    """Each Get against its table, in order; raises the cancellation of Gets whose keys do not fit."""
    planned: list[PlannedGet | ValidationException] = []
    distinct = DistinctItems()
    for get in checked:
        meta = await active_table(ctx, get.table_name)
        try:
            key = match_key_schema(get.key, meta.key_schema)
            if get.projection is not None:
                key_names = meta.key_schema.names()
                get.projection.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
        except ValidationException as error:
            if is_request_error(error):
                raise
            planned.append(error)
            continue
        distinct.add(meta, key)
        planned.append(PlannedGet(meta, key, get.projection))
    if any(isinstance(get, ValidationException) for get in planned):
        raise cancellation([get if isinstance(get, ValidationException) else None for get in planned])
    return [get for get in planned if isinstance(get, PlannedGet)]


async def run_gets(ctx: Context, planned: list[PlannedGet], capacity_mode: str | None) -> Response:
    """Read every planned item at one instant; the TransactGetItems response."""
    reads = [TransactGet(get.meta.name, get.key) for get in planned]
    try:
        stored = await ctx.cluster.transact_get(ctx.namespace, reads)
    except TransactionCancelled as cancelled:
        raise cancellation(cancelled.reasons) from None
    responses: list[Any] = []
    units: dict[str, float] = {}
    total = 0
    for get, found in zip(planned, stored, strict=True):
        table = get.meta.name
        units[table] = units.get(table, 0.0) + transactional_read_units(found.size if found else 0)
        if found is None:
            responses.append({})
        elif get.projection is None:
            responses.append({"Item": orjson.Fragment(found.data)})  # the stored JSON, undecoded
            total += found.size + RESPONSE_ITEM_OVERHEAD
        else:
            item = get.projection.apply(orjson.loads(found.data))
            responses.append({"Item": item})
            total += item_size(item) + RESPONSE_ITEM_OVERHEAD
    if total > MAX_RESPONSE_BYTES:
        raise ValidationException(RESPONSE_TOO_LARGE.format(total))
    response: Response = {"Responses": responses}
    per_table = [(table, Consumption(table=table_units)) for table, table_units in units.items()]
    capacity = consumed_capacity_list(capacity_mode, per_table)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
