"""TableDescription: a table rendered the way DynamoDB describes it, key order included.

What AWS includes depends on the table and on the operation answering: the CreateTable response has no
WarmThroughput (unless it was requested) and no LastUpdateToPayPerRequestDateTime; absent features
(stream, SSE, table class, on-demand maximums) are left out rather than rendered empty.

Secondary indexes show their live entry count and size (`index_stats`; AWS refreshes them about every six
hours, DynamoDB Local at once). A global index has an IndexStatus: CREATING while its table is, and while
UpdateTable creates it; then it also has Backfilling, false in the UpdateTable response (AWS first
allocates resources) and true afterwards; DELETING while UpdateTable deletes it. Backfilling never
appears for an index created with its table or once the index is ACTIVE (AWS's examples).

A member of a global table also has GlobalTableVersion, Replicas (rendered by replica_group) and
GlobalTableSettingsReplicationMode (and, with strong consistency, MultiRegionConsistency and
GlobalTableWitnesses), and shows its own read capacity overrides (replica_specs) in place of
the group's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.operations.registry import Context
from app.operations.replica_rules import GLOBAL_TABLE_VERSION, SETTINGS_REPLICATION
from app.operations.replica_specs import (
    max_read_override,
    overridden_on_demand,
    read_override,
    strong_description,
)
from app.operations.table_lookup import CREATING, index_arn, stream_arn, table_arn
from app.operations.table_spec import (
    INDEX_ACTIVE,
    INDEX_CREATING,
    INDEX_DELETING,
    PAY_PER_REQUEST,
    Spec,
    gsi_status,
)
from app.operations.table_throughput import describe_throughput, epoch
from storage.api import IndexNotFound, IndexStats, Namespace, TableMeta, TableNotFound, TableStats

NO_STATS = IndexStats(0, 0)


@dataclass(frozen=True)
class View:
    """How to render: the status to show, the live stats, and the response-specific omissions."""

    status: str
    stats: TableStats
    warm: bool = True
    ppr_timestamp: bool = True
    # The UpdateTable response echoes the throughput as it was before the change.
    throughput: dict[str, Any] | None = None
    # Live entry count and size of the secondary indexes, by name (absent: 0).
    indexes: Mapping[str, IndexStats] = field(default_factory=dict)
    # The IndexStatus of the global index an UpdateTable response is about (just created or deleted).
    changed_index: tuple[str, str] | None = None
    # A global table's other members (ReplicaDescriptions, see replica_group); None: a regional table.
    replicas: list[dict[str, Any]] | None = None


async def index_stats(ctx: Context, meta: TableMeta) -> dict[str, IndexStats]:
    """The live stats of the table's secondary indexes, by name (for `View.indexes`)."""
    found = {}
    for index in meta.indexes:
        try:
            found[index.name] = await ctx.cluster.index_stats(ctx.namespace, meta.name, index.name)
        except (IndexNotFound, TableNotFound):
            continue
    return found


def _projection(projection: dict[str, Any]) -> dict[str, Any]:
    out = dict(projection)
    if "NonKeyAttributes" in out:
        out["NonKeyAttributes"] = sorted(out["NonKeyAttributes"])
    return out


def _warm(warm: dict[str, Any]) -> dict[str, Any]:
    return {**warm, "Status": "ACTIVE"}


def _lsi(ns: Namespace, table: str, index: dict[str, Any], view: View) -> dict[str, Any]:
    name = index["IndexName"]
    stats = view.indexes.get(name, NO_STATS)
    return {
        "IndexName": name,
        "KeySchema": index["KeySchema"],
        "Projection": _projection(index["Projection"]),
        "IndexSizeBytes": stats.size_bytes,
        "ItemCount": stats.item_count,
        "IndexArn": index_arn(ns, table, name),
    }


def _gsi_state(index: dict[str, Any], stats: IndexStats, view: View, now: float) -> tuple[str, bool | None]:
    """IndexStatus and Backfilling (None: not shown) of a global index."""
    name = index["IndexName"]
    if view.changed_index is not None and view.changed_index[0] == name:
        status = view.changed_index[1]
        return status, (False if status == INDEX_CREATING else None)
    if view.status == CREATING:
        return CREATING, None
    status = gsi_status(index, now) or INDEX_DELETING
    if status == INDEX_CREATING or (status == INDEX_ACTIVE and stats.backfilling):
        return INDEX_CREATING, True
    return status, None


def _overridden(throughput: dict[str, Any], spec: Spec, index: str | None = None) -> dict[str, Any]:
    """A replica's own read capacity, where it overrides its global table's."""
    read = read_override(spec, index)
    return throughput if read is None else {**throughput, "ReadCapacityUnits": read}


def _gsi(
    ns: Namespace, table: str, index: dict[str, Any], view: View, now: float, spec: Spec
) -> dict[str, Any]:
    name = index["IndexName"]
    stats = view.indexes.get(name, NO_STATS)
    status, backfilling = _gsi_state(index, stats, view, now)
    out: dict[str, Any] = {
        "IndexName": name,
        "KeySchema": index["KeySchema"],
        "Projection": _projection(index["Projection"]),
        "IndexStatus": status,
    }
    if backfilling is not None:
        out["Backfilling"] = backfilling
    out["ProvisionedThroughput"] = _overridden(describe_throughput(index["throughput"], now), spec, name)
    out["IndexSizeBytes"] = stats.size_bytes
    out["ItemCount"] = stats.item_count
    out["IndexArn"] = index_arn(ns, table, name)
    on_demand = overridden_on_demand(index.get("OnDemandThroughput"), max_read_override(spec, name))
    if on_demand:
        out["OnDemandThroughput"] = on_demand
    if view.warm:
        out["WarmThroughput"] = _warm(index["warm"])
    return out


def _billing_summary(spec: Spec, view: View) -> dict[str, Any] | None:
    # Tables that were never on-demand have no summary at all.
    if spec["billing_mode"] != PAY_PER_REQUEST and spec["last_ppr_at"] is None:
        return None
    summary: dict[str, Any] = {"BillingMode": spec["billing_mode"]}
    if view.ppr_timestamp and spec["last_ppr_at"] is not None:
        summary["LastUpdateToPayPerRequestDateTime"] = epoch(spec["last_ppr_at"])
    return summary


def describe(meta: TableMeta, ns: Namespace, view: View, now: float) -> dict[str, Any]:
    """The TableDescription of a table."""
    spec = meta.spec
    name = meta.name
    out: dict[str, Any] = {
        "AttributeDefinitions": sorted(spec["attribute_definitions"], key=lambda d: d["AttributeName"]),
        "TableName": name,
        "KeySchema": spec["key_schema"],
        "TableStatus": view.status,
        "CreationDateTime": epoch(meta.created_at),
        "ProvisionedThroughput": _overridden(
            view.throughput or describe_throughput(spec["throughput"], now), spec
        ),
        "TableSizeBytes": view.stats.size_bytes,
        "ItemCount": view.stats.item_count,
        "TableArn": table_arn(ns, name),
        "TableId": str(uuid.UUID(meta.table_id)),
    }
    summary = _billing_summary(spec, view)
    if summary is not None:
        out["BillingModeSummary"] = summary
    if spec["lsis"]:
        out["LocalSecondaryIndexes"] = [_lsi(ns, name, index, view) for index in spec["lsis"]]
    changed = None if view.changed_index is None else view.changed_index[0]
    gsis = [i for i in spec["gsis"] if i["IndexName"] == changed or gsi_status(i, now) is not None]
    if gsis:
        out["GlobalSecondaryIndexes"] = [_gsi(ns, name, index, view, now, spec) for index in gsis]
    if spec["stream"] is not None:
        out["StreamSpecification"] = spec["stream"]
    if spec["stream_label"] is not None:
        out["LatestStreamLabel"] = spec["stream_label"]
        out["LatestStreamArn"] = stream_arn(ns, name, spec["stream_label"])
    if view.replicas is not None:
        out["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        out["Replicas"] = view.replicas
        out["GlobalTableSettingsReplicationMode"] = SETTINGS_REPLICATION
        out.update(strong_description(spec, now))  # multi-Region strong consistency and its witness
    if spec["sse"] is not None:
        out["SSEDescription"] = {"Status": "ENABLED", **spec["sse"]}
    if spec["table_class"] is not None:
        out["TableClassSummary"] = {
            "TableClass": spec["table_class"],
            "LastUpdateDateTime": epoch(spec["table_class_at"]),
        }
    out["DeletionProtectionEnabled"] = spec["deletion_protection"]
    on_demand = overridden_on_demand(spec["on_demand"], max_read_override(spec))
    if on_demand:
        out["OnDemandThroughput"] = on_demand
    if view.warm:
        out["WarmThroughput"] = _warm(spec["warm"])
    return out
