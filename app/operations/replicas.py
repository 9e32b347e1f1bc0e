"""UpdateTable's ReplicaUpdates (global tables version 2019.11.21): adding a replica of the table in
another region of the account (Create), changing a replica's own settings (Update), and removing one
(Delete, which deletes that region's table).

A Create copies the table's items into a new table of the same name in the other region and joins both
to storage's replication group, which ships every later change to every member (last writer wins,
`--replication-interval`). Without a stream the table gets a NEW_AND_OLD_IMAGES one (kept after the last
replica leaves); the replica gets the same view type. AWS requires write auto scaling for a PROVISIONED
table and localddb has no Application Auto Scaling, so a PROVISIONED table is refused exactly as an AWS
table without auto scaling is. The request-level rules and the messages are in replica_rules; the
specs in replica_specs; the group's view and the changes that reach every member in replica_group.

The response is AWS's: the table UPDATING, GlobalTableVersion set, and the Replicas as they were before
the change (AWS lists a new replica only seconds later and echoes a deleted one as ACTIVE). With
`--status-delay` the new replica is CREATING (a removed one DELETING) and the table UPDATING for the
delay; meanwhile other replica changes are refused with ResourceInUseException.
"""

from __future__ import annotations

from typing import Any

from app.errors import ResourceInUseException
from app.operations.registry import Context
from app.operations.replica_group import (
    REPLICA,
    Group,
    after_departure,
    check_can_add,
    check_not_recent_source,
    check_region_free,
    describe_replicas,
    load_group,
    region_ns,
)
from app.operations.replica_rules import (
    CREATE,
    DELETE,
    IN_USE,
    KEY_FOR_EACH_REPLICA,
    ReplicaAction,
    already_exists,
    not_members,
    protected_replica,
)
from app.operations.replica_specs import (
    apply_action_overrides,
    check_overrides_allowed,
    joined_source_spec,
    new_replica_spec,
    override_table_class,
)
from app.operations.replica_strong import StrongRequest, update_strong
from app.operations.stream_records import NEW_AND_OLD_IMAGES
from app.operations.stream_specs import enable_stream_in
from app.operations.table_describe import View, describe, index_stats
from app.operations.table_lookup import UPDATING, check_changeable, existing_table, table_status
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import copy_spec, spec_index_defs
from storage.api import TableExists, TableMeta


async def update_replicas(
    request: dict[str, Any], actions: list[ReplicaAction], ctx: Context, strong: StrongRequest
) -> dict[str, Any]:
    """UpdateTable with ReplicaUpdates (its request-level rules already checked into `actions`; `strong`:
    its multi-Region consistency members, see replica_strong)."""
    meta = await existing_table(ctx, request["TableName"])
    now = ctx.clock.now()
    status = table_status(meta, now)
    check_changeable(meta.name, status)
    group = await load_group(ctx, meta, now)
    shown = describe_replicas(group, now) or []
    busy = status == UPDATING or group.busy(now)
    if not await update_strong(ctx, group, actions, strong, busy, now):
        if actions[0].kind == CREATE:
            await _create(ctx, group, actions[0], busy, now)
        elif actions[0].kind == DELETE:
            await _delete(ctx, group, actions[0], busy, now)
        else:
            await _update(ctx, group, actions, busy, now)
    meta = await ctx.cluster.get_table(ctx.namespace, meta.name)
    stats = await ctx.cluster.table_stats(ctx.namespace, meta.name)
    view = View(UPDATING, stats, indexes=await index_stats(ctx, meta), replicas=shown)
    return {"TableDescription": describe(meta, ctx.namespace, view, now)}


async def _create(ctx: Context, group: Group, action: ReplicaAction, busy: bool, now: float) -> None:
    meta = group.own
    ns, name = meta.namespace, meta.name
    target_ns = region_ns(ns, action.region)
    await check_region_free(ctx, group, action.region)
    check_can_add(group, busy)
    delay = ctx.settings.status_delay
    source = joined_source_spec(copy_spec(meta.spec), now)
    start_stream = source["stream"] is None
    if start_stream:  # DynamoDB enables the stream replication needs; it stays after the last replica
        source["stream"] = {"StreamEnabled": True, "StreamViewType": NEW_AND_OLD_IMAGES}
    replica = new_replica_spec(source, ns, target_ns, action.members, now, delay)
    if delay > 0:
        source["updating_until"], source["updating"] = now + delay, REPLICA
    try:
        await ctx.cluster.create_table(
            target_ns, name, meta.key_schema, replica, created_at=now, indexes=spec_index_defs(replica)
        )
    except TableExists:
        raise already_exists(name) from None
    await ctx.cluster.add_replica(ns, target_ns, name)
    # The replica's stream starts after the copy: its records are the changes made from now on.
    await enable_stream_in(ctx, target_ns, name, replica)
    await ctx.cluster.update_table(target_ns, name, replica)
    if start_stream:
        await enable_stream_in(ctx, ns, name, source)
    await ctx.cluster.update_table(ns, name, source)


async def _delete(ctx: Context, group: Group, action: ReplicaAction, busy: bool, now: float) -> None:
    name, region = group.own.name, action.region
    if region in group.departures:
        raise ResourceInUseException(IN_USE)
    target = group.others.get(region)
    if target is None:
        raise not_members([region])
    if busy:
        raise ResourceInUseException(IN_USE)
    if target.spec["deletion_protection"]:
        raise protected_replica(name, region)
    check_not_recent_source(group, region, now)
    await remove_member(ctx, group, target, now)
    delay = ctx.settings.status_delay
    if delay > 0:
        own = copy_spec((await ctx.cluster.get_table(group.own.namespace, name)).spec)
        own["updating_until"], own["updating"] = now + delay, REPLICA
        await ctx.cluster.update_table(group.own.namespace, name, own)


async def remove_member(ctx: Context, group: Group, member: TableMeta, now: float) -> None:
    """Delete a member's table (DELETING for `--status-delay`) after shipping its last changes to the
    others; they list it as DELETING meanwhile (ReplicaUpdates Delete, or DeleteTable in its region)."""
    delay = ctx.settings.status_delay
    until = now + delay if delay > 0 else None
    await ctx.cluster.replicate(complete=True)
    await ctx.cluster.delete_table(member.namespace, member.name, linger_until=until)
    await after_departure(ctx, group, member.namespace.region, until)


async def _update(ctx: Context, group: Group, actions: list[ReplicaAction], busy: bool, now: float) -> None:
    members = group.members()
    missing = [action.region for action in actions if action.region not in members]
    if missing:
        raise not_members(missing)
    if busy:
        raise ResourceInUseException(IN_USE)
    for action in actions:
        if action.members.get("KMSMasterKeyId") is not None:
            raise invalid(KEY_FOR_EACH_REPLICA)  # AWS refuses every per-replica key change this way
        check_overrides_allowed(members[action.region].spec, action.members)
    delay = ctx.settings.status_delay
    changed = {action.region for action in actions}
    specs = []
    for region, meta in members.items():
        if region not in changed and (delay <= 0 or meta is not group.own):
            continue
        spec = copy_spec(meta.spec)
        for action in actions:
            if action.region == region:
                apply_action_overrides(spec, action.members)
                if action.members.get("TableClassOverride") is not None:
                    override_table_class(spec, action.members["TableClassOverride"], region, now)
        if delay > 0:
            spec["updating_until"], spec["updating"] = now + delay, REPLICA
        specs.append((meta, spec))
    for meta, spec in specs:  # stored once every member's change has passed its checks
        await ctx.cluster.update_table(meta.namespace, meta.name, spec)
