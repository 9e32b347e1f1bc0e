"""DescribeTableReplicaAutoScaling: the auto scaling settings of a global table's replicas.

localddb has no Application Auto Scaling, so every replica and index reads as AWS shows a dimension that
was never configured: {AutoScalingDisabled: true, ScalingPolicies: []}. As on AWS (ack-api-quirks,
DDB-TABLE-187/232/254/289): only a 2019.11.21 global table has a description; a regional or missing table
is a ResourceNotFoundException naming a global table; the replicas are listed by region name, the table's
own region included; each has its global secondary indexes (an empty list without any).
UpdateTableReplicaAutoScaling is not implemented (there is nothing it could configure).
"""

from __future__ import annotations

from typing import Any

from app.errors import ResourceNotFoundException
from app.operations.registry import Context, operation
from app.operations.replica_group import load_group
from app.operations.table_lookup import resolve_table_name, table_status
from app.operations.table_spec import gsi_status
from storage.api import TableMeta, TableNotFound

NEVER_CONFIGURED: dict[str, Any] = {"AutoScalingDisabled": True, "ScalingPolicies": []}


def _not_global(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Global table with name: '{name}' does not exist.")


def _replica(region: str, meta: TableMeta, now: float) -> dict[str, Any]:
    indexes = []
    for index in meta.spec["gsis"]:
        status = gsi_status(index, now)
        if status is None:
            continue
        indexes.append(
            {
                "IndexName": index["IndexName"],
                "IndexStatus": status,
                "ProvisionedReadCapacityAutoScalingSettings": dict(NEVER_CONFIGURED),
                "ProvisionedWriteCapacityAutoScalingSettings": dict(NEVER_CONFIGURED),
            }
        )
    return {
        "RegionName": region,
        "GlobalSecondaryIndexes": indexes,
        "ReplicaProvisionedReadCapacityAutoScalingSettings": dict(NEVER_CONFIGURED),
        "ReplicaProvisionedWriteCapacityAutoScalingSettings": dict(NEVER_CONFIGURED),
        "ReplicaStatus": table_status(meta, now),
    }


@operation("DescribeTableReplicaAutoScaling")
async def describe_table_replica_auto_scaling(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    name, here = resolve_table_name(request["TableName"], ctx.namespace)
    if not here:
        raise _not_global(name)
    try:
        meta = await ctx.cluster.get_table(ctx.namespace, name)
    except TableNotFound:
        raise _not_global(name) from None
    now = ctx.clock.now()
    group = await load_group(ctx, meta, now)
    if not group.others:
        raise _not_global(name)
    members = group.members()
    return {
        "TableAutoScalingDescription": {
            "TableName": name,
            "TableStatus": table_status(meta, now),
            "Replicas": [_replica(region, members[region], now) for region in sorted(members)],
        }
    }
