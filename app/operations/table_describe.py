"""TableDescription: a table rendered the way DynamoDB describes it, key order included.

What AWS includes depends on the table and on the operation answering: the CreateTable response has no
WarmThroughput (unless it was requested) and no LastUpdateToPayPerRequestDateTime; absent features
(stream, SSE, table class, on-demand maximums) are left out rather than rendered empty.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.operations.table_lookup import CREATING, index_arn, stream_arn, table_arn
from app.operations.table_spec import PAY_PER_REQUEST, Spec
from app.operations.table_throughput import describe_throughput, epoch
from storage.api import Namespace, TableMeta, TableStats


@dataclass(frozen=True)
class View:
    """How to render: the status to show, the live stats, and the response-specific omissions."""

    status: str
    stats: TableStats
    warm: bool = True
    ppr_timestamp: bool = True
    # The UpdateTable response echoes the throughput as it was before the change.
    throughput: dict[str, Any] | None = None


def _projection(projection: dict[str, Any]) -> dict[str, Any]:
    out = dict(projection)
    if "NonKeyAttributes" in out:
        out["NonKeyAttributes"] = sorted(out["NonKeyAttributes"])
    return out


def _warm(warm: dict[str, Any]) -> dict[str, Any]:
    return {**warm, "Status": "ACTIVE"}


def _lsi(ns: Namespace, table: str, index: dict[str, Any]) -> dict[str, Any]:
    return {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": _projection(index["Projection"]),
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": index_arn(ns, table, index["IndexName"]),
    }


def _gsi(ns: Namespace, table: str, index: dict[str, Any], view: View, now: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": _projection(index["Projection"]),
        "IndexStatus": CREATING if view.status == CREATING else "ACTIVE",
        "ProvisionedThroughput": describe_throughput(index["throughput"], now),
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": index_arn(ns, table, index["IndexName"]),
    }
    if index.get("OnDemandThroughput"):
        out["OnDemandThroughput"] = index["OnDemandThroughput"]
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
        "ProvisionedThroughput": view.throughput or describe_throughput(spec["throughput"], now),
        "TableSizeBytes": view.stats.size_bytes,
        "ItemCount": view.stats.item_count,
        "TableArn": table_arn(ns, name),
        "TableId": str(uuid.UUID(meta.table_id)),
    }
    summary = _billing_summary(spec, view)
    if summary is not None:
        out["BillingModeSummary"] = summary
    if spec["lsis"]:
        out["LocalSecondaryIndexes"] = [_lsi(ns, name, index) for index in spec["lsis"]]
    if spec["gsis"]:
        out["GlobalSecondaryIndexes"] = [_gsi(ns, name, index, view, now) for index in spec["gsis"]]
    if spec["stream"] is not None:
        out["StreamSpecification"] = spec["stream"]
    if spec["stream_label"] is not None:
        out["LatestStreamLabel"] = spec["stream_label"]
        out["LatestStreamArn"] = stream_arn(ns, name, spec["stream_label"])
    if spec["sse"] is not None:
        out["SSEDescription"] = {"Status": "ENABLED", **spec["sse"]}
    if spec["table_class"] is not None:
        out["TableClassSummary"] = {
            "TableClass": spec["table_class"],
            "LastUpdateDateTime": epoch(spec["table_class_at"]),
        }
    out["DeletionProtectionEnabled"] = spec["deletion_protection"]
    if spec["on_demand"]:
        out["OnDemandThroughput"] = spec["on_demand"]
    if view.warm:
        out["WarmThroughput"] = _warm(spec["warm"])
    return out
