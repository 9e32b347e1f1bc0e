"""BatchGetItem and BatchWriteItem: the two handlers. Each runs every check of its request (batch_get.py,
batch_write.py: those that need no table, then per table) before it reads or writes anything."""

from __future__ import annotations

from app.operations import batch_get, batch_write
from app.operations.registry import Context, Request, Response, operation


@operation("BatchGetItem")
async def batch_get_item(request: Request, ctx: Context) -> Response:
    reads = batch_get.check_request(request)
    planned = await batch_get.plan_reads(ctx, reads)
    return await batch_get.run_reads(ctx, planned, request.get("ReturnConsumedCapacity"))


@operation("BatchWriteItem")
async def batch_write_item(request: Request, ctx: Context) -> Response:
    checked = batch_write.check_request(request)
    planned = await batch_write.plan_writes(ctx, checked)
    return await batch_write.run_writes(ctx, planned, request)
