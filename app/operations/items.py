"""Single-item operations: PutItem, GetItem, DeleteItem.

Each handler checks the request in AWS's order (attribute values, ReturnValues, item size, expressions,
then the table and its key schema), then hands storage a pure `Mutation` (or a key to read).
Parameters of later issues (conditions, legacy Expected/AttributesToGet) are refused with a clear message
rather than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from app.errors import ValidationException
from app.expressions import Projection, compile_request_projection
from app.operations.capacity import consumed, read_units, write_units
from app.operations.registry import Context, Request, Response, operation
from app.operations.table_lookup import active_table
from app.values.attributes import validate_item
from app.values.keys import key_of_item, match_key_schema
from app.values.size import check_item_size, item_size
from storage.api import Item, Outcome

RETURN_VALUES_PUT_DELETE = ("NONE", "ALL_OLD")
# Parameters whose semantics arrive with the expressions issue; until then they are refused, never ignored.
NOT_YET = {
    "PutItem": ("ConditionExpression", "Expected", "ConditionalOperator", "ExpressionAttributeValues"),
    "DeleteItem": ("ConditionExpression", "Expected", "ConditionalOperator", "ExpressionAttributeValues"),
    "GetItem": ("AttributesToGet",),
}


@dataclass(frozen=True)
class PutMutation:
    """Store `item` (of DynamoDB size `size`) whatever was there."""

    item: Item
    size: int

    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(write=True, new_item=self.item, new_size=self.size)


@dataclass(frozen=True)
class DeleteMutation:
    """Remove the item, if there is one."""

    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(write=old_item is not None, new_item=None)


def _refuse_unsupported(request: Request, operation_name: str) -> None:
    for name in NOT_YET[operation_name]:
        if request.get(name) is not None:
            raise ValidationException(f"localddb does not support {name} in {operation_name} yet")


def _check_return_values(request: Request) -> str:
    mode: str = request.get("ReturnValues") or "NONE"
    if mode not in RETURN_VALUES_PUT_DELETE:
        raise ValidationException("ReturnValues can only be ALL_OLD or NONE")
    return mode


def _old_attributes(mode: str, old_item: Item | None, response: Response) -> None:
    if mode == "ALL_OLD" and old_item is not None:
        response["Attributes"] = old_item


def _with_capacity(response: Response, request: Request, table: str, units: float) -> Response:
    capacity = consumed(request.get("ReturnConsumedCapacity"), table, units)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response


@operation("PutItem")
async def put_item(request: Request, ctx: Context) -> Response:
    item = validate_item(request["Item"])
    mode = _check_return_values(request)
    size = check_item_size(item)
    _refuse_unsupported(request, "PutItem")
    meta = await active_table(ctx, request["TableName"])
    key = key_of_item(item, meta.key_schema)
    result = await ctx.cluster.apply(ctx.namespace, meta.name, key, PutMutation(item, size))
    response: Response = {}
    _old_attributes(mode, result.old_item, response)
    if request.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
        old_size = item_size(result.old_item) if result.old_item is not None else 0
        _with_capacity(response, request, meta.name, write_units(old_size, size))
    return response


@operation("GetItem")
async def get_item(request: Request, ctx: Context) -> Response:
    key = validate_item(request["Key"])
    _refuse_unsupported(request, "GetItem")
    projection: Projection | None = compile_request_projection(request)
    meta = await active_table(ctx, request["TableName"])
    key = match_key_schema(key, meta.key_schema)
    if projection is not None:
        projection.check_key_attributes(meta.key_schema.names())
    consistent = bool(request.get("ConsistentRead"))
    stored = await ctx.cluster.get_item(ctx.namespace, meta.name, key, consistent)
    response: Response = {}
    if stored is not None:
        if projection is None:
            response["Item"] = orjson.Fragment(stored.data)  # the stored JSON, spliced in undecoded
        else:
            response["Item"] = projection.apply(orjson.loads(stored.data))
    size = stored.size if stored is not None else 0
    return _with_capacity(response, request, meta.name, read_units(size, consistent))


@operation("DeleteItem")
async def delete_item(request: Request, ctx: Context) -> Response:
    key = validate_item(request["Key"])
    mode = _check_return_values(request)
    _refuse_unsupported(request, "DeleteItem")
    meta = await active_table(ctx, request["TableName"])
    key = match_key_schema(key, meta.key_schema)
    result = await ctx.cluster.apply(ctx.namespace, meta.name, key, DeleteMutation())
    response: Response = {}
    _old_attributes(mode, result.old_item, response)
    if request.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
        old_size = item_size(result.old_item) if result.old_item is not None else 0
        _with_capacity(response, request, meta.name, write_units(old_size))
    return response

