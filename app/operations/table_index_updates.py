"""UpdateTable's GlobalSecondaryIndexUpdates Create and Delete: the checks against the table, the change
to the table's spec, and the storage call that builds or drops the index.

AWS creates or deletes one global index per table at a time: two in one request, or one while another is
still CREATING or DELETING, is a LimitExceededException (the exception: an index being created may be
deleted while it backfills). A created index is CREATING for `status_delay` seconds (Backfilling false in
the UpdateTable response, true afterwards) while its table is UPDATING; storage backfills it from the
table's items before the response, so it answers queries at once. A deleted index is DELETING for the
delay and then gone; storage drops its entries at once. With no delay the change is complete when the
response returns, which still says CREATING or DELETING, as AWS's does.

Sources: AWS's UpdateTable examples (CLI reference), ScyllaDB's alternator tests run against AWS (one
change per request, the AttributeDefinitions rules, LimitExceededException), dynalite's recorded tests,
and DynamoDB Local for the wording AWS does not publish ("Attempting to create an index which already
exists", "Cannot delete an index that is not a GlobalSecondaryIndex"). Key schema, projection and
capacity rules and their messages are CreateTable's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from app.operations.registry import Context
from app.operations.table_create import gsi_spec
from app.operations.table_describe import index_stats
from app.operations.table_options import check_on_demand_quota, check_on_demand_range, initial_warm
from app.operations.table_schema_rules import (
    MAX_GSIS,
    MAX_PROJECTED_ATTRIBUTES,
    check_gsi_capacity,
    check_gsi_key_size,
    check_keys,
    check_projection,
    invalid,
)
from app.operations.table_spec import (
    INDEX_CREATING,
    INDEX_DELETING,
    Spec,
    attribute_types,
    copy_spec,
    gsi_status,
    index_def,
    settle_gsis,
)
from app.operations.table_throughput import check_table_maximum
from app.operations.table_update_parts import INDEX, UpdatePlan
from storage.api import IndexDef, IndexStats, TableMeta

ONE_AT_A_TIME = (
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
)
ALREADY_EXISTS = "Attempting to create an index which already exists"
NOT_GLOBAL = "Cannot delete an index that is not a GlobalSecondaryIndex"
CREATE, DELETE = "Create", "Delete"


@dataclass(frozen=True)
class IndexChange:
    """The index an UpdateTable creates (with storage's definition of it) or deletes."""

    kind: str
    name: str
    definition: IndexDef | None = None


def requested_changes(updates: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """The Create and Delete actions of GlobalSecondaryIndexUpdates (entries already checked), in order."""
    return [(kind, entry[kind]) for entry in updates for kind in (CREATE, DELETE) if entry.get(kind)]


def check_one_at_a_time(changes: list[tuple[str, dict[str, Any]]], spec: Spec, now: float) -> None:
    """LimitExceededException for a second index change in the request, or while one is in progress."""
    if len(changes) > 1:
        raise LimitExceededException(ONE_AT_A_TIME)
    if not changes:
        return
    kind, action = changes[0]
    for index in spec["gsis"]:
        status = gsi_status(index, now)
        if status == INDEX_DELETING or (
            status == INDEX_CREATING and (kind, action["IndexName"]) != (DELETE, index["IndexName"])
        ):
            raise LimitExceededException(ONE_AT_A_TIME)


def _used_names(spec: Spec, dropped: str) -> set[str]:
    """The attributes the table's keys and indexes use, once the global index `dropped` is gone."""
    names = {element["AttributeName"] for element in spec["key_schema"]}
    for index in (*spec["lsis"], *spec["gsis"]):
        if index["IndexName"] != dropped:
            names.update(element["AttributeName"] for element in index["KeySchema"])
    return names


def _schema_text(elements: list[tuple[str, str, str]]) -> str:
    return "Schema:[" + ", ".join(f"SchemaElement: key{{{n}:{t}:{k}}}" for n, t, k in elements) + "]"


def _check_redefinition(spec: Spec, keys: list[dict[str, str]], types: dict[str, str]) -> None:
    """An attribute the table already keys on keeps its type (AWS's message, as ScyllaDB recorded it)."""
    existing = attribute_types(spec)
    for element in keys:
        name = element["AttributeName"]
        if name not in existing or existing[name] == types[name]:
            continue
        schemas = [spec["key_schema"]] + [index["KeySchema"] for index in (*spec["lsis"], *spec["gsis"])]
        old = next(e for schema in schemas for e in schema if e["AttributeName"] == name)
        raise invalid(
            "Attributes cannot be redefined. Please check that your attribute has the same type as "
            "previously defined. Existing schema: "
            + _schema_text([(name, existing[name], old["KeyType"])])
            + " New schema: "
            + _schema_text([(name, types[name], element["KeyType"])])
        )


def _check_limits(spec: Spec, action: dict[str, Any], now: float) -> None:
    live = [index for index in spec["gsis"] if gsi_status(index, now) is not None]
    if len(live) + 1 > MAX_GSIS:
        raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}")
    projected = sum(
        len(index["Projection"].get("NonKeyAttributes") or ()) for index in (*spec["lsis"], *live, action)
    )
    if projected > MAX_PROJECTED_ATTRIBUTES:
        raise invalid(
            f"Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}"
        )


def _create(plan: UpdatePlan, action: dict[str, Any], definitions: list[dict[str, str]]) -> IndexChange:
    spec, name = plan.spec, action["IndexName"]
    keys = action["KeySchema"]
    check_gsi_key_size(keys)
    check_keys(keys, [d["AttributeName"] for d in definitions])
    check_projection(action["Projection"])
    mode = spec["billing_mode"]
    check_gsi_capacity(action, mode)
    check_on_demand_range(action.get("OnDemandThroughput"), name, clear_allowed=False)
    throughput = action.get("ProvisionedThroughput")
    if throughput is not None:
        check_table_maximum(
            throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"], plan.namespace.region, name
        )
    check_on_demand_quota(action.get("OnDemandThroughput"), plan.namespace.region, name)
    existing = [index["IndexName"] for index in spec["lsis"]] + [
        index["IndexName"] for index in spec["gsis"] if gsi_status(index, plan.now) is not None
    ]
    if name in existing:
        raise ValidationException(ALREADY_EXISTS)
    requested = {d["AttributeName"]: d["AttributeType"] for d in definitions}
    _check_redefinition(spec, keys, requested)
    _check_limits(spec, action, plan.now)
    warm = initial_warm(action.get("WarmThroughput"), mode, throughput, name)
    known = set(attribute_types(spec))
    for element in keys:  # only the new key's attributes are kept; other definitions are ignored
        attribute = element["AttributeName"]
        if attribute not in known:
            spec["attribute_definitions"].append(
                {"AttributeName": attribute, "AttributeType": requested[attribute]}
            )
            known.add(attribute)
    entry = gsi_spec(action, warm)
    entry["status"], entry["status_until"] = INDEX_CREATING, plan.now + plan.delay
    spec["gsis"].append(entry)
    return IndexChange(CREATE, name, index_def(action, True, attribute_types(spec)))


def _delete(plan: UpdatePlan, action: dict[str, Any]) -> IndexChange:
    spec, name = plan.spec, action["IndexName"]
    if any(index["IndexName"] == name for index in spec["lsis"]):
        raise ValidationException(NOT_GLOBAL)
    entry = next(
        (i for i in spec["gsis"] if i["IndexName"] == name and gsi_status(i, plan.now) is not None), None
    )
    if entry is None:
        raise ResourceNotFoundException(f"Requested resource not found: Index {name} for table {plan.name}")
    entry["status"], entry["status_until"] = INDEX_DELETING, plan.now + plan.delay
    used = _used_names(spec, name)
    spec["attribute_definitions"] = [d for d in spec["attribute_definitions"] if d["AttributeName"] in used]
    return IndexChange(DELETE, name)


def apply_index_change(
    plan: UpdatePlan, changes: list[tuple[str, dict[str, Any]]], definitions: list[dict[str, str]] | None
) -> IndexChange | None:
    """Check the request's one Create or Delete against the table and apply it to the plan's spec."""
    if not changes:
        return None
    kind, action = changes[0]
    change = _create(plan, action, definitions or []) if kind == CREATE else _delete(plan, action)
    plan.start(INDEX)
    return change


async def run_index_change(ctx: Context, table: str, change: IndexChange) -> None:
    """Build (and backfill) or drop the index in storage."""
    if change.kind == CREATE:
        assert change.definition is not None
        await ctx.cluster.add_index(ctx.namespace, table, change.definition)
    else:
        await ctx.cluster.drop_index(ctx.namespace, table, change.name)


def stored_spec(spec: Spec, now: float, delay: float) -> Spec:
    """The spec to keep: with no delay, index changes are already over."""
    if delay > 0:
        return spec
    stored = copy_spec(spec)
    settle_gsis(stored, now)
    return stored


async def response_index_stats(
    ctx: Context, meta: TableMeta, change: IndexChange | None
) -> dict[str, IndexStats]:
    """The index figures of the UpdateTable response; a new index shows none yet (AWS has not started
    its backfill then)."""
    stats = await index_stats(ctx, meta)
    if change is not None and change.kind == CREATE:
        stats.pop(change.name, None)
    return stats
