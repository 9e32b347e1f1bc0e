"""BatchGetItem: up to 100 keys across tables, read as GetItem reads them, within a 16 MB response.

The checks run in AWS's order (dynalite's suite recorded on AWS, the 2026 conformance captures, DynamoDB
Local), every one of them before the first read:

1. legacy and expression parameters mixed anywhere in the request (AttributesToGet in one table's
   entry and ProjectionExpression in another's counts);
2. per table, in request order: ExpressionAttributeNames without an expression; each key's values
   (current dialect), a key seen before in that table ("Provided list of item keys contains
   duplicates", values compared, before the table is known), more than 100 keys in the request;
   AttributesToGet duplicates; the ProjectionExpression and its placeholders;
3. per table, in request order: the table (a bare "Requested resource not found"), then each key
   against its key schema, then projection paths into key attributes.

Reads happen key by key in request order. An item counts with its full size (projection aside)
towards the 16 MiB response limit; the first item that would cross it, and every key after it, is
returned unread in UnprocessedKeys, each table's entry keeping the parameters it was sent with
(ConsistentRead, ProjectionExpression, ExpressionAttributeNames, AttributesToGet). Each item read is
charged on its own, rounded up per 4 KB, halved when eventually consistent; a key with no item costs
the minimum (0.5 or 1), as on AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from app.errors import ValidationException
from app.expressions import ExpressionMaps, Projection
from app.expressions.projection import compile_projection
from app.operations.batch_common import DuplicateKeyCheck, consumed_capacity_list
from app.operations.capacity import Consumption, read_units
from app.operations.legacy import check_not_mixed, legacy_projection
from app.operations.registry import Context, Request, Response
from app.operations.table_lookup import active_table
from app.values.attributes import validate_item
from app.values.index_keys import index_key_names
from app.values.keys import match_key_schema
from storage.api import Item

MAX_KEYS = 100
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
TOO_MANY_KEYS = "Too many items requested for the BatchGetItem call"
PROJECTION_FIELDS = ("ProjectionExpression",)


@dataclass(frozen=True)
class TableRead:
    """One entry of RequestItems after the checks that need no table: its keys with checked values."""

    table_name: str  # the RequestItems key as sent (a name or an ARN)
    params: Mapping[str, Any]  # the KeysAndAttributes as sent
    keys: tuple[Item, ...]
    projection: Projection | None
    consistent: bool


@dataclass(frozen=True)
class PlannedRead:
    """A TableRead whose table exists: its keys in key-schema form."""

    table: str
    read: TableRead
    keys: tuple[Item, ...]


def _check_not_mixed(request_items: Mapping[str, Mapping[str, Any]]) -> None:
    """AWS refuses AttributesToGet and ProjectionExpression in one request, even in different tables."""
    used: dict[str, bool] = {}
    for params in request_items.values():
        for name in ("AttributesToGet", "ProjectionExpression"):
            if params.get(name) is not None:
                used[name] = True
    check_not_mixed(used, "BatchGetItem")


def check_request(request: Request) -> list[TableRead]:
    """Every check of a BatchGetItem request that needs no table, in AWS's order."""
    request_items: Mapping[str, Mapping[str, Any]] = request["RequestItems"]
    _check_not_mixed(request_items)
    reads = []
    total = 0
    for table_name, params in request_items.items():
        maps = ExpressionMaps.for_request(params, expression_fields=PROJECTION_FIELDS)
        duplicates = DuplicateKeyCheck()
        keys = []
        for sent in params["Keys"]:
            key = validate_item(sent)
            duplicates.add(key)
            total += 1
            if total > MAX_KEYS:
                raise ValidationException(TOO_MANY_KEYS)
            keys.append(key)
        projection = legacy_projection(params)
        if projection is None:
            projection = compile_projection(params.get("ProjectionExpression"), maps)
        maps.check_all_used()
        consistent = bool(params.get("ConsistentRead"))
        reads.append(TableRead(table_name, params, tuple(keys), projection, consistent))
    return reads


async def plan_reads(ctx: Context, reads: list[TableRead]) -> list[PlannedRead]:
    """Each table looked up and each key matched to its key schema, table by table."""
    planned = []
    for read in reads:
        meta = await active_table(ctx, read.table_name)
        keys = tuple(match_key_schema(key, meta.key_schema) for key in read.keys)
        if read.projection is not None:
            key_names = meta.key_schema.names()
            read.projection.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
        planned.append(PlannedRead(meta.name, read, keys))
    return planned


async def run_reads(ctx: Context, planned: list[PlannedRead], capacity_mode: str | None) -> Response:
    """Read every planned key until the response limit; build the BatchGetItem response."""
    responses: dict[str, list[Any]] = {}
    unprocessed: dict[str, dict[str, Any]] = {}
    consumption: list[tuple[str, Consumption]] = []
    response_bytes = 0
    full = False
    for plan in planned:
        read = plan.read
        found = responses.setdefault(plan.table, [])
        units = 0.0
        left: list[Any] = []
        for sent, key in zip(read.params["Keys"], plan.keys, strict=True):
            if full:
                left.append(sent)
                continue
            stored = await ctx.cluster.get_item(ctx.namespace, plan.table, key, read.consistent)
            size = stored.size if stored is not None else 0
            if response_bytes + size > MAX_RESPONSE_BYTES:
                full = True
                left.append(sent)
                continue
            response_bytes += size
            units += read_units(size, read.consistent)
            if stored is None:
                continue
            if read.projection is None:
                found.append(orjson.Fragment(stored.data))  # the stored JSON, spliced in undecoded
            else:
                found.append(read.projection.apply(orjson.loads(stored.data)))
        if left:
            entry = {name: value for name, value in read.params.items() if name != "Keys"}
            entry["Keys"] = left
            unprocessed[plan.table] = entry
        consumption.append((plan.table, Consumption(table=units)))
    response: Response = {"Responses": responses, "UnprocessedKeys": unprocessed}
    capacity = consumed_capacity_list(capacity_mode, consumption)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
