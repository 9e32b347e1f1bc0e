"""UpdateTable: the request-level rules (something to update, one concern per call, index update
entries), the table's state, then each concern in turn (see table_update_parts; global secondary index
Create and Delete in table_index_updates; ReplicaUpdates in replicas).

On a member of a global table the settings DynamoDB shares across the group (capacity, global secondary
indexes, encryption type, table class) reach every member (replica_group.share_change); the stream stays
enabled, and nothing changes while a replica is being added or removed.

MultiRegionConsistency and GlobalTableWitnessUpdates go with ReplicaUpdates (replica_strong). Vector
indexes and multi-account global tables are not implemented yet: they are refused with a
ValidationException that says so (a client error, never a 500).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from app.errors import ResourceNotFoundException, ValidationException
from app.operations.registry import Context
from app.operations.replica_group import (
    check_global_update,
    check_shared_change,
    describe_replicas,
    load_group,
    share_change,
)
from app.operations.replica_rules import check_replica_updates
from app.operations.replica_strong import check_strong_actions, check_strong_request
from app.operations.replicas import update_replicas
from app.operations.stream_specs import apply_stream_change
from app.operations.table_describe import View, describe
from app.operations.table_index_updates import (
    CREATE,
    IndexChange,
    apply_index_change,
    check_one_at_a_time,
    requested_changes,
    response_index_stats,
    run_index_change,
    stored_spec,
)
from app.operations.table_lookup import (
    UPDATING,
    check_changeable,
    existing_table,
    table_status,
    updating_kind,
)
from app.operations.table_options import check_on_demand_quota, check_on_demand_range
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import (
    INDEX_CREATING,
    INDEX_DELETING,
    PAY_PER_REQUEST,
    PROVISIONED,
    copy_spec,
    settle_gsis,
)
from app.operations.table_throughput import apply_change, check_table_maximum
from app.operations.table_update_parts import (
    TABLE_CLASS,
    UpdatePlan,
    merge_on_demand,
    raise_warm,
    update_capacity,
    update_deletion_protection,
    update_on_demand,
    update_sse,
    update_stream,
    update_table_class,
    update_warm,
    warm_at_least,
)

# The members that make an UpdateTable do something, named as AWS names them when none is given.
ACTIONS = {
    "ProvisionedThroughput": "ProvisionedThroughput",
    "BillingMode": "BillingMode",
    "StreamSpecification": "UpdateStreamEnabled",
    "GlobalSecondaryIndexUpdates": "GlobalSecondaryIndexUpdates",
    "SSESpecification": "SSESpecification",
    "ReplicaUpdates": "ReplicaUpdates",
    "DeletionProtectionEnabled": "DeletionProtectionEnabled",
    "OnDemandThroughput": "OnDemandThroughput",
    "WarmThroughput": "WarmThroughput",
    "TableClass": "TableClass",
}
NEEDED = (
    "ProvisionedThroughput",
    "BillingMode",
    "UpdateStreamEnabled",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "MultiAccountReplicaReady",
    "ReplicaTransitRoleArn",
    "MultiRegionConsistency",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
)
# Each of these must be the only change in its request; checked in this order.
EXCLUSIVE = (
    ("SSESpecification", "Server-Side Encryption modification must be the only operation in the request"),
    ("TableClass", "TableClass modification must be the only operation in the request"),
    (
        "DeletionProtectionEnabled",
        "DeletionProtection modification must be the only operation in the request",
    ),
    ("WarmThroughput", "WarmThroughput must be the only operation in the request"),
)
UNSUPPORTED = (
    "VectorIndexUpdates",
    "GlobalTableSettingsReplicationMode",
    "DisassociationProtectionEnabled",
)
GSI_ACTIONS = ("Update", "Create", "Delete")
# Members whose change a global table's members share as "capacity".
CAPACITY = frozenset({"BillingMode", "ProvisionedThroughput", "OnDemandThroughput", "WarmThroughput"})


def _actions(request: dict[str, Any]) -> set[str]:
    present = {m for m in ACTIONS if request.get(m) is not None}
    if not request.get("GlobalSecondaryIndexUpdates"):
        present.discard("GlobalSecondaryIndexUpdates")
    return present


def _check_request(request: dict[str, Any]) -> set[str]:
    """The rules that need no table; returns the members that ask for a change."""
    actions = _actions(request)
    if not actions:
        # A member the request has but that changes nothing alone (MultiRegionConsistency) is not listed.
        names = [n for n in NEEDED if n not in request or n in ACTIONS.values()]
        raise ValidationException(f"At least one of {', '.join(names[:-1])} or {names[-1]} is required")
    if request.get("GlobalSecondaryIndexUpdates") == []:
        raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    for member in UNSUPPORTED:
        if member in request:
            raise ValidationException(f"{member} is not supported by localddb yet")
    if "ReplicaUpdates" in actions:  # its own rules come first (replica_rules)
        return actions
    for member, message in EXCLUSIVE:
        if member in actions and len(actions) > 1:
            raise invalid(message)
    if "OnDemandThroughput" in actions and actions - {"OnDemandThroughput", "BillingMode"}:
        raise invalid("OnDemandThroughput can only be combined with BillingMode in an UpdateTable request")
    if "StreamSpecification" in actions and (
        "ProvisionedThroughput" in actions or request.get("BillingMode") == PROVISIONED
    ):
        raise invalid("You cannot modify stream status while updating table IOPS")
    return actions


def _check_gsi_entries(updates: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The Update actions by index name, after AWS's rules for the entries of GlobalSecondaryIndexUpdates
    (Create and Delete actions are taken by table_index_updates)."""
    seen: set[str] = set()
    updates_by_index: dict[str, dict[str, Any]] = {}
    for entry in updates:
        actions = [a for a in GSI_ACTIONS if entry.get(a) is not None]
        if not actions:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(actions) > 1:
            raise invalid(
                "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object"
            )
        name = entry[actions[0]]["IndexName"]
        if name in seen:
            raise invalid(
                f"Only one global secondary index update per index is allowed simultaneously. Index: {name}"
            )
        seen.add(name)
        if actions[0] == "Update":
            updates_by_index[name] = entry["Update"]
    return updates_by_index


def _update_gsis(plan: UpdatePlan, mode: str | None, was_on_demand: bool) -> None:
    """Throughput, on-demand maximums and warm throughput of existing global secondary indexes."""
    indexes = {index["IndexName"]: index for index in plan.spec["gsis"]}
    target = plan.spec["billing_mode"]
    for name, update in plan.gsi_updates.items():
        index = indexes.get(name)
        if index is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Index {name} for table {plan.name}"
            )
        units = update.get("ProvisionedThroughput")
        if units is not None:
            if mode == PAY_PER_REQUEST:
                raise invalid(
                    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: "
                    f"{name} when BillingMode is PAY_PER_REQUEST"
                )
            if target == PAY_PER_REQUEST:
                raise invalid(
                    f"The only Updates for index: {name} when TableThroughputMode is PAY_PER_REQUEST can "
                    "be to OnDemandThroughput, WarmThroughput"
                )
            read, write = units["ReadCapacityUnits"], units["WriteCapacityUnits"]
            check_table_maximum(read, write, plan.namespace.region, name)
            record = index["throughput"]
            if was_on_demand:
                record["ReadCapacityUnits"], record["WriteCapacityUnits"] = read, write
            else:
                apply_change(record, read, write, plan.now, name)
            index["warm"] = warm_at_least(index["warm"], read, write)
        on_demand = update.get("OnDemandThroughput")
        if on_demand is not None:
            check_on_demand_range(on_demand, name, clear_allowed=True)
            check_on_demand_quota(on_demand, plan.namespace.region, name)
            index["OnDemandThroughput"] = merge_on_demand(index.get("OnDemandThroughput"), on_demand)
        if update.get("WarmThroughput") is not None:
            index["warm"] = raise_warm(index["warm"], update["WarmThroughput"], f"index {name}")
        plan.changed = True


def _shared_changes(actions: set[str], plan: UpdatePlan, change: IndexChange | None) -> frozenset[str]:
    """The settings of this update that a global table's members share (see replica_specs)."""
    changed = set()
    if actions & CAPACITY or plan.gsi_updates:
        changed.add("capacity")
    if change is not None:
        changed.add("indexes")
    if "SSESpecification" in actions:
        changed.add("sse")
    if plan.kind == TABLE_CLASS:
        changed.add("class")
    return frozenset(changed)


async def update_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    actions = _check_request(request)
    strong = check_strong_request(request, actions)
    if "ReplicaUpdates" in actions:
        updates, region = request["ReplicaUpdates"], ctx.namespace.region
        replica_actions = check_replica_updates(updates, actions, region, many=strong.many())
        check_strong_actions(strong, replica_actions, region)
        return await update_replicas(request, replica_actions, ctx, strong)
    updates = request.get("GlobalSecondaryIndexUpdates") or []
    gsi_updates = _check_gsi_entries(updates)
    changes = requested_changes(updates)
    meta = await existing_table(ctx, request["TableName"])
    now = ctx.clock.now()
    status = table_status(meta, now)
    check_changeable(meta.name, status)
    group = await load_group(ctx, meta, now)
    check_global_update(request, group, now)
    delay = ctx.settings.status_delay
    spec = copy_spec(meta.spec)
    settle_gsis(spec, now)
    check_one_at_a_time(changes, spec, now)
    plan = UpdatePlan(
        meta.name, spec, now, ctx.namespace, updating_kind(meta, now), delay, gsi_updates=gsi_updates
    )
    was_on_demand = plan.spec["billing_mode"] == PAY_PER_REQUEST
    mode = request.get("BillingMode")
    if "DeletionProtectionEnabled" in actions:
        update_deletion_protection(plan, request["DeletionProtectionEnabled"])
    if "SSESpecification" in actions:
        update_sse(plan, request["SSESpecification"])
    if "TableClass" in actions:
        update_table_class(plan, request["TableClass"])
    if "WarmThroughput" in actions:
        update_warm(plan, request["WarmThroughput"])
    if "OnDemandThroughput" in actions:
        update_on_demand(plan, request["OnDemandThroughput"], mode or plan.spec["billing_mode"])
    if "BillingMode" in actions or "ProvisionedThroughput" in actions:
        update_capacity(plan, mode, request.get("ProvisionedThroughput"))
    if "StreamSpecification" in actions:
        update_stream(plan, request["StreamSpecification"])
    _update_gsis(plan, mode, was_on_demand)
    change = apply_index_change(plan, changes, request.get("AttributeDefinitions"))
    if plan.kind is not None and delay > 0:
        plan.spec["updating_until"], plan.spec["updating"] = now + delay, plan.kind
    shared = _shared_changes(actions, plan, change) if group.is_global else frozenset()
    check_shared_change(group, shared, now)
    if change is not None:
        await run_index_change(ctx, meta.name, change)
    await apply_stream_change(ctx, plan)
    if plan.changed:
        meta = await ctx.cluster.update_table(ctx.namespace, meta.name, stored_spec(plan.spec, now, delay))
        await share_change(ctx, group, meta.spec, shared, change)
    stats = await ctx.cluster.table_stats(ctx.namespace, meta.name)
    view = View(
        UPDATING if plan.updating else status,
        stats,
        ppr_timestamp=not plan.billing_switched,
        throughput=plan.echoed_throughput,
        indexes=await response_index_stats(ctx, meta, change),
        changed_index=None
        if change is None
        else (change.name, INDEX_CREATING if change.kind == CREATE else INDEX_DELETING),
        replicas=describe_replicas(group, now),
    )
    shown = dataclasses.replace(meta, spec=plan.spec) if change is not None else meta
    return {"TableDescription": describe(shown, ctx.namespace, view, now)}
