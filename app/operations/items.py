"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.

Each handler checks the request in AWS's order (recorded in app/operations/legacy.py): legacy/expression
mixing, the placeholder maps, attribute values, ReturnValues, item size, legacy parameters, expressions;
then the table, its key schema and the key-attribute rules. Only then does it hand storage a pure
`ItemWrite` (app/operations/item_writes.py), or a key to read.
"""

from __future__ import annotations

import orjson

from app.errors import ValidationException
from app.expressions import Condition, ExpressionMaps, Update
from app.expressions.projection import compile_projection
from app.operations.capacity import Consumption, read_units, render, write_consumption
from app.operations.item_collections import item_collection_metrics
from app.operations.item_writes import DeleteAction, ItemWrite, PutAction, UpdateAction
from app.operations.legacy import check_not_mixed, legacy_condition, legacy_projection, legacy_update
from app.operations.registry import Context, Request, Response, operation
from app.operations.table_lookup import active_table
from app.operations.write_expressions import write_expressions
from app.values.attributes import validate_item
from app.values.index_keys import index_key_names
from app.values.keys import key_of_item, match_key_schema
from app.values.size import check_item_size
from storage.api import Item, TableMeta, WriteResult

CONDITION_FIELDS = ("ConditionExpression",)
UPDATE_FIELDS = ("UpdateExpression", "ConditionExpression")


def _check_put_delete_return_values(request: Request) -> str:
    mode: str = request.get("ReturnValues") or "NONE"
    if mode not in ("NONE", "ALL_OLD"):
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    return mode


def _condition(request: Request) -> Condition | None:
    """The request's condition: Expected (legacy) or ConditionExpression; never both (checked before)."""
    legacy = legacy_condition(request)
    if legacy is not None:
        return legacy
    return write_expressions(request, CONDITION_FIELDS).condition


def _return_old_on_failure(request: Request) -> bool:
    return request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"


async def _write_response(
    request: Request, ctx: Context, meta: TableMeta, key: Item, attributes: Item | None, result: WriteResult
) -> Response:
    """A write's response: its Attributes (if any) and, when asked for, its ConsumedCapacity (the table's
    units and those of every index entry it put or deleted) and its ItemCollectionMetrics (tables with
    local secondary indexes only)."""
    response: Response = {}
    if attributes:
        response["Attributes"] = attributes
    mode = request.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        new_item = result.outcome.new_item if result.outcome.write else result.old_item
        consumption = write_consumption(meta.indexes, result.old_item, new_item, table_key=meta.key_schema)
        response["ConsumedCapacity"] = render(mode, meta.name, consumption)
    if request.get("ReturnItemCollectionMetrics") == "SIZE":
        metrics = await item_collection_metrics(ctx, meta, key)
        if metrics is not None:
            response["ItemCollectionMetrics"] = metrics
    return response


@operation("PutItem")
async def put_item(request: Request, ctx: Context) -> Response:
    check_not_mixed(request, "PutItem")
    ExpressionMaps.for_request(request, expression_fields=CONDITION_FIELDS, value_fields=CONDITION_FIELDS)
    item = validate_item(request["Item"])
    mode = _check_put_delete_return_values(request)
    size = check_item_size(item)
    condition = _condition(request)
    meta = await active_table(ctx, request["TableName"])
    key = key_of_item(item, meta.key_schema)
    key_names = meta.key_schema.names()
    if condition is not None:
        condition.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
    write = ItemWrite(key, PutAction(item, size), condition, _return_old_on_failure(request), meta.indexes)
    result = await ctx.cluster.apply(ctx.namespace, meta.name, key, write)
    attributes = result.old_item if mode == "ALL_OLD" else None
    return await _write_response(request, ctx, meta, key, attributes, result)


@operation("DeleteItem")
async def delete_item(request: Request, ctx: Context) -> Response:
    check_not_mixed(request, "DeleteItem")
    ExpressionMaps.for_request(request, expression_fields=CONDITION_FIELDS, value_fields=CONDITION_FIELDS)
    key = validate_item(request["Key"])
    mode = _check_put_delete_return_values(request)
    condition = _condition(request)
    meta = await active_table(ctx, request["TableName"])
    key = match_key_schema(key, meta.key_schema)
    key_names = meta.key_schema.names()
    if condition is not None:
        condition.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
    write = ItemWrite(key, DeleteAction(), condition, _return_old_on_failure(request))
    result = await ctx.cluster.apply(ctx.namespace, meta.name, key, write)
    attributes = result.old_item if mode == "ALL_OLD" else None
    return await _write_response(request, ctx, meta, key, attributes, result)


@operation("UpdateItem")
async def update_item(request: Request, ctx: Context) -> Response:
    check_not_mixed(request, "UpdateItem")
    ExpressionMaps.for_request(request, expression_fields=UPDATE_FIELDS, value_fields=UPDATE_FIELDS)
    key = validate_item(request["Key"])
    update = legacy_update(request)
    condition = legacy_condition(request)
    compiled = write_expressions(request, UPDATE_FIELDS)
    from_expression = update is None and compiled.update is not None
    if update is None:
        update = compiled.update
    if condition is None:
        condition = compiled.condition
    meta = await active_table(ctx, request["TableName"])
    key = match_key_schema(key, meta.key_schema)
    key_names = meta.key_schema.names()
    if condition is not None:
        condition.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
    if update is not None:
        update.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
    write = ItemWrite(
        key, UpdateAction(update, from_expression), condition, _return_old_on_failure(request), meta.indexes
    )
    result = await ctx.cluster.apply(ctx.namespace, meta.name, key, write)
    new_item = result.outcome.new_item if result.outcome.write else result.old_item
    mode = request.get("ReturnValues") or "NONE"
    attributes = _update_return_values(mode, update, result.old_item, new_item)
    return await _write_response(request, ctx, meta, key, attributes, result)


def _update_return_values(
    mode: str, update: Update | None, old_item: Item | None, new_item: Item | None
) -> Item | None:
    """The Attributes of an UpdateItem response for ReturnValues `mode` (None: no Attributes)."""
    if mode == "ALL_OLD":
        return old_item
    if mode == "ALL_NEW":
        return new_item
    if update is None or mode not in ("UPDATED_OLD", "UPDATED_NEW"):
        return None
    return update.updated_attributes(old_item if mode == "UPDATED_OLD" else new_item) or None


@operation("GetItem")
async def get_item(request: Request, ctx: Context) -> Response:
    check_not_mixed(request, "GetItem")
    maps = ExpressionMaps.for_request(request, expression_fields=("ProjectionExpression",))
    key = validate_item(request["Key"])
    projection = legacy_projection(request)
    if projection is None:
        projection = compile_projection(request.get("ProjectionExpression"), maps)
    maps.check_all_used()
    meta = await active_table(ctx, request["TableName"])
    key = match_key_schema(key, meta.key_schema)
    if projection is not None:
        key_names = meta.key_schema.names()
        projection.check_key_attributes(key_names, index_key_names(meta.indexes, key_names))
    consistent = bool(request.get("ConsistentRead"))
    stored = await ctx.cluster.get_item(ctx.namespace, meta.name, key, consistent)
    response: Response = {}
    if stored is not None:
        if projection is None:
            response["Item"] = orjson.Fragment(stored.data)  # the stored JSON, spliced in undecoded
        else:
            response["Item"] = projection.apply(orjson.loads(stored.data))
    units = read_units(stored.size if stored else 0, consistent)
    capacity = render(request.get("ReturnConsumedCapacity"), meta.name, Consumption(units))
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
