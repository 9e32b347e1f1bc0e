"""The control plane's own record of a table: the JSON-able `spec` dict storage keeps for us, and typed
views of it.

Storage hands `TableMeta.spec` back unchanged and shares it with its cache, so nothing here mutates a
spec it was given: changes go through `copy_spec` first. Wire-shaped parts (key schemas, projections,
throughput) are kept in DynamoDB's own JSON form so that describing a table is mostly copying.

Spec keys:
  attribute_definitions, key_schema      wire lists, as sent to CreateTable
  billing_mode                           "PROVISIONED" | "PAY_PER_REQUEST"
  throughput                             a `Throughput` record (see below); 0/0 while PAY_PER_REQUEST
  last_ppr_at                            when the table last became PAY_PER_REQUEST (None: never)
  on_demand                              wire OnDemandThroughput (only the members set) or None
  warm                                   wire WarmThroughput {ReadUnitsPerSecond, WriteUnitsPerSecond}
  lsis / gsis                            wire index definitions; a GSI also has `throughput` and `warm`,
                                         and, while UpdateTable creates or deletes it, `status`
                                         ("CREATING" | "DELETING") until `status_until` (see gsi_status)
  stream                                 wire StreamSpecification while enabled, else None
  stream_label                           label of the latest stream (kept after it is disabled)
  stream_views                           StreamViewType of each stream still readable, by label
  sse                                    {SSEType, KMSMasterKeyArn} while KMS-encrypted, else None
  table_class, table_class_at            the class set explicitly (None: never set) and when
  table_class_changes                    times of the class changes (30-day quota)
  deletion_protection                    bool
  tags                                   [{Key, Value}]: CreateTable's, then TagResource / UntagResource's
  resource_policy                        {Policy (None once deleted), RevisionId}, or None (never had one);
                                         see app/operations/resource_policies.py
  stream_policies                        the same slot for each stream, by stream label
  contributor_insights                   the table's Contributor Insights state (also inside each `gsis`
                                         entry); see app/operations/contributor_insights.py
  ready_at                               end of CREATING
  updating_until, updating               end and kind of UPDATING (see table_update_parts)
  stream_operation                       "ENABLE" | "DISABLE" while a stream change is in progress
  ttl                                    {AttributeName, enabled, until, ...} once UpdateTimeToLive ran
                                         (app/operations/ttl.py; None: never configured)

A `Throughput` record: {ReadCapacityUnits, WriteCapacityUnits, last_increase, last_decrease, decreases}
where `decreases` lists the times of the decreases of the current UTC day.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from storage.api import IndexDef, KeyAttribute, KeySchema, KeyType, TableMeta

Spec = dict[str, Any]

PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"
INDEX_ACTIVE, INDEX_CREATING, INDEX_DELETING = "ACTIVE", "CREATING", "DELETING"
# On-demand tables (and their indexes) start warm at these rates.
ON_DEMAND_WARM_READ = 12000
ON_DEMAND_WARM_WRITE = 4000


def copy_spec(spec: Spec) -> Spec:
    """A private copy of a spec that may be changed (the one storage returns is shared)."""
    return copy.deepcopy(spec)


def attribute_types(spec: Spec) -> dict[str, KeyType]:
    return {d["AttributeName"]: cast(KeyType, d["AttributeType"]) for d in spec["attribute_definitions"]}


def key_schema_of(elements: list[dict[str, str]], types: dict[str, KeyType]) -> KeySchema:
    """Storage's KeySchema for a wire KeySchema whose attributes all have definitions."""
    hash_name = elements[0]["AttributeName"]
    range_key = None
    if len(elements) > 1:
        range_name = elements[1]["AttributeName"]
        range_key = KeyAttribute(range_name, types[range_name])
    return KeySchema(KeyAttribute(hash_name, types[hash_name]), range_key)


def index_def(index: dict[str, Any], is_global: bool, types: dict[str, KeyType]) -> IndexDef:
    """Storage's definition of a wire index (as CreateTable or UpdateTable gives it)."""
    projection = index["Projection"]
    kind = projection.get("ProjectionType", "ALL")
    projected: tuple[str, ...] | None = None
    if kind == "KEYS_ONLY":
        projected = ()
    elif kind == "INCLUDE":
        projected = tuple(projection.get("NonKeyAttributes", ()))
    return IndexDef(index["IndexName"], is_global, key_schema_of(index["KeySchema"], types), projected)


def spec_index_defs(spec: Spec) -> tuple[IndexDef, ...]:
    """The spec's local secondary indexes, then its global ones, in creation order."""
    types = attribute_types(spec)
    lsis = [index_def(index, False, types) for index in spec["lsis"]]
    gsis = [index_def(index, True, types) for index in spec["gsis"]]
    return (*lsis, *gsis)


def new_throughput(read: int, write: int) -> dict[str, Any]:
    return {
        "ReadCapacityUnits": read,
        "WriteCapacityUnits": write,
        "last_increase": None,
        "last_decrease": None,
        "decreases": [],
    }


def gsi_status(index: dict[str, Any], now: float) -> str | None:
    """IndexStatus of a global index of the spec: CREATING or DELETING while UpdateTable's change runs,
    else ACTIVE; None for a deleted index whose DELETING time is over (it is gone)."""
    status: str | None = index.get("status")
    if status is None:
        return INDEX_ACTIVE
    if now < index["status_until"]:
        return status
    return None if status == INDEX_DELETING else INDEX_ACTIVE


def settle_gsis(spec: Spec, now: float) -> None:
    """Drop from a private spec the deleted indexes that are gone and the statuses that are over."""
    kept = []
    for index in spec["gsis"]:
        status = gsi_status(index, now)
        if status is None:
            continue
        if status == INDEX_ACTIVE:
            index.pop("status", None)
            index.pop("status_until", None)
        kept.append(index)
    spec["gsis"] = kept


def index_status(meta: TableMeta, name: str, now: float) -> str | None:
    """IndexStatus of the table's secondary index `name` (a local index is always ACTIVE), or None when
    the table has no such index. Query and Scan refuse an index that is not ACTIVE."""
    if any(index["IndexName"] == name for index in meta.spec["lsis"]):
        return INDEX_ACTIVE
    for index in meta.spec["gsis"]:
        if index["IndexName"] == name:
            return gsi_status(index, now)
    return None
