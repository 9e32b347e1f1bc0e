"""The control-plane operations on tables: CreateTable, DescribeTable, ListTables, UpdateTable, DeleteTable.

CreateTable and UpdateTable live in their own modules (table_create, table_update); this module registers
every handler and implements the three small ones. A member of a global table describes its replicas
(replica_group); deleting it in its region removes that replica from the group (AWS's rules: deletion
protection named per region, and no member may go while a replica it was the source of in the last 24
hours exists; a member of a strongly consistent group cannot leave alone).
"""

from __future__ import annotations

from typing import Any

from app.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from app.operations.registry import Context, operation
from app.operations.replica_group import check_not_recent_source, describe_replicas, load_group
from app.operations.replica_rules import ONE_STRONG_REPLICA, protected_replica
from app.operations.replica_specs import is_strong
from app.operations.replicas import remove_member
from app.operations.table_create import create_table
from app.operations.table_describe import View, describe, index_stats
from app.operations.table_lookup import CREATING, DELETING, existing_table, table_status, updating_kind
from app.operations.table_update import update_table
from app.operations.table_update_parts import STREAM
from storage.api import TableNotFound

LIST_TABLES_LIMIT = 100
IN_USE = "Attempt to change a resource which is still in use: "


@operation("CreateTable")
async def handle_create_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return await create_table(request, ctx)


@operation("UpdateTable")
async def handle_update_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return await update_table(request, ctx)


@operation("DescribeTable")
async def describe_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = await existing_table(ctx, request["TableName"])
    now = ctx.clock.now()
    stats = await ctx.cluster.table_stats(ctx.namespace, meta.name)
    replicas = describe_replicas(await load_group(ctx, meta, now), now)
    view = View(table_status(meta, now), stats, indexes=await index_stats(ctx, meta), replicas=replicas)
    return {"Table": describe(meta, ctx.namespace, view, now)}


@operation("ListTables")
async def list_tables(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    names = await ctx.cluster.list_tables(ctx.namespace)
    start = request.get("ExclusiveStartTableName")
    if start is not None:
        after = start.encode()
        names = [name for name in names if name.encode() > after]
    limit: int = request.get("Limit", LIST_TABLES_LIMIT)
    page = names[:limit]
    response: dict[str, Any] = {"TableNames": page}
    if len(names) > limit:
        response["LastEvaluatedTableName"] = page[-1]
    return response


@operation("DeleteTable")
async def delete_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = await existing_table(ctx, request["TableName"])
    name, now = meta.name, ctx.clock.now()
    status = table_status(meta, now)
    group = await load_group(ctx, meta, now)
    if status == CREATING:
        what = f"Table: {name} is being used." if group.is_global else f"Table is being created: {name}"
        raise ResourceInUseException(IN_USE + what)
    if status == DELETING:
        raise ResourceInUseException(f"{IN_USE}Table is being deleted: {name}")
    busy = updating_kind(meta, now)
    if busy == STREAM:
        raise ResourceInUseException(f"{IN_USE}Cannot delete table while stream is being enabled/disabled.")
    if busy is not None:
        raise ResourceInUseException(f"{IN_USE}Table: {name} is in the process of being updated.")
    if group.others and is_strong(meta.spec):  # a STRONG group leaves only all at once (UpdateTable)
        raise ValidationException(ONE_STRONG_REPLICA)
    if meta.spec["deletion_protection"]:
        if group.is_global:
            raise protected_replica(name, ctx.namespace.region)
        raise ValidationException(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    if group.others:
        check_not_recent_source(group, ctx.namespace.region, now)
    stats = await ctx.cluster.table_stats(ctx.namespace, name)
    view = View(DELETING, stats, indexes=await index_stats(ctx, meta), replicas=describe_replicas(group, now))
    description = describe(meta, ctx.namespace, view, now)
    if group.others:
        await remove_member(ctx, group, meta, now)
        return {"TableDescription": description}
    delay = ctx.settings.status_delay
    try:
        await ctx.cluster.delete_table(ctx.namespace, name, linger_until=now + delay if delay > 0 else None)
    except TableNotFound:
        raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found") from None
    return {"TableDescription": description}
