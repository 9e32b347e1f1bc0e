"""CreateTable: AWS's checks in AWS's order (request constraints, capacity, schema, options, then quotas),
the spec of the new table, and the response (which, as on AWS, always says CREATING).
"""

from __future__ import annotations

from typing import Any

from app.errors import LimitExceededException, ResourceInUseException, ValidationException
from app.operations.registry import Context
from app.operations.resource_policies import checked_policy, new_policy_slot
from app.operations.stream_specs import start_table_stream
from app.operations.table_describe import View, describe
from app.operations.table_lookup import CREATING, name_errors, table_status, validation_errors
from app.operations.table_options import (
    ON_DEMAND_MEMBERS,
    check_create_billing,
    check_create_stream,
    check_on_demand_quota,
    check_on_demand_range,
    check_sse,
    initial_warm,
)
from app.operations.table_schema_rules import check_index_key_schemas, check_schema
from app.operations.table_spec import (
    PAY_PER_REQUEST,
    Spec,
    attribute_types,
    key_schema_of,
    new_throughput,
    spec_index_defs,
)
from app.operations.table_throughput import check_table_maximum
from app.operations.tag_rules import check_tags
from storage.api import TableExists, TableStats

# Default quota of tables per account and region.
MAX_TABLES = 2500
# Members of CreateTable that belong to features localddb does not have yet.
UNSUPPORTED = ("GlobalTableSourceArn", "GlobalTableSettingsReplicationMode", "VectorIndexes")


def _key_schema(elements: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"AttributeName": e["AttributeName"], "KeyType": e["KeyType"]} for e in elements]


def _on_demand(requested: dict[str, Any] | None) -> dict[str, Any] | None:
    kept = {m: requested[m] for m in ON_DEMAND_MEMBERS if requested and m in requested}
    return kept or None


def _units(throughput: dict[str, Any] | None) -> dict[str, Any]:
    if throughput is None:
        return new_throughput(0, 0)
    return new_throughput(throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"])


def _check_options(request: dict[str, Any], mode: str, ctx: Context) -> dict[str, Any]:
    """The table's options in spec form, after their checks and the quota checks."""
    region = ctx.namespace.region
    on_demand = request.get("OnDemandThroughput") if mode == PAY_PER_REQUEST else None
    check_on_demand_range(on_demand, None, clear_allowed=False)
    gsis = request.get("GlobalSecondaryIndexes") or []
    for index in gsis:
        check_on_demand_range(index.get("OnDemandThroughput"), index["IndexName"], clear_allowed=False)
    options = {
        "stream": check_create_stream(request.get("StreamSpecification")),
        "sse": check_sse(request.get("SSESpecification"), ctx.namespace),
        "tags": check_tags(request.get("Tags") or []),
        "warm": initial_warm(request.get("WarmThroughput"), mode, request.get("ProvisionedThroughput"), None),
        "gsi_warm": [
            initial_warm(
                index.get("WarmThroughput"), mode, index.get("ProvisionedThroughput"), index["IndexName"]
            )
            for index in gsis
        ],
        "on_demand": _on_demand(on_demand),
        "resource_policy": checked_policy(request["ResourcePolicy"]) if "ResourcePolicy" in request else None,
    }
    throughput = request.get("ProvisionedThroughput")
    if throughput is not None:
        check_table_maximum(throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"], region)
    check_on_demand_quota(on_demand, region)
    for index in gsis:
        if "ProvisionedThroughput" in index:
            units = index["ProvisionedThroughput"]
            check_table_maximum(
                units["ReadCapacityUnits"], units["WriteCapacityUnits"], region, index["IndexName"]
            )
        check_on_demand_quota(index.get("OnDemandThroughput"), region, index["IndexName"])
    return options


def gsi_spec(index: dict[str, Any], warm: dict[str, int]) -> dict[str, Any]:
    return {
        "IndexName": index["IndexName"],
        "KeySchema": _key_schema(index["KeySchema"]),
        "Projection": dict(index["Projection"]),
        "throughput": _units(index.get("ProvisionedThroughput")),
        "OnDemandThroughput": _on_demand(index.get("OnDemandThroughput")),
        "warm": warm,
    }


def build_spec(request: dict[str, Any], mode: str, options: dict[str, Any], now: float, delay: float) -> Spec:
    table_class = request.get("TableClass")
    return {
        "attribute_definitions": [
            {"AttributeName": d["AttributeName"], "AttributeType": d["AttributeType"]}
            for d in request["AttributeDefinitions"]
        ],
        "key_schema": _key_schema(request["KeySchema"]),
        "billing_mode": mode,
        "throughput": _units(request.get("ProvisionedThroughput")),
        "last_ppr_at": now if mode == PAY_PER_REQUEST else None,
        "on_demand": options["on_demand"],
        "warm": options["warm"],
        "lsis": [
            {
                "IndexName": i["IndexName"],
                "KeySchema": _key_schema(i["KeySchema"]),
                "Projection": dict(i["Projection"]),
            }
            for i in request.get("LocalSecondaryIndexes") or []
        ],
        "gsis": [
            gsi_spec(index, warm)
            for index, warm in zip(
                request.get("GlobalSecondaryIndexes") or [], options["gsi_warm"], strict=True
            )
        ],
        "stream": options["stream"],
        "stream_label": None,  # storage names the stream (stream_specs.start_table_stream)
        "stream_views": {},
        "sse": options["sse"],
        "table_class": table_class,
        "table_class_at": now if table_class else None,
        "table_class_changes": [],
        "deletion_protection": bool(request.get("DeletionProtectionEnabled", False)),
        "tags": options["tags"],
        "resource_policy": new_policy_slot(options["resource_policy"], now),
        "ready_at": now + delay,
        "updating_until": None,
        "updating": None,
        "stream_operation": None,
    }


async def create_table(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    ns = ctx.namespace
    name: str = request["TableName"]
    errors = name_errors(name, "tableName")
    if errors:
        raise validation_errors(errors)
    for member in UNSUPPORTED:
        if member in request:
            raise ValidationException(f"{member} is not supported by localddb yet")
    check_index_key_schemas(request)
    mode = check_create_billing(request)
    check_schema(request, mode)
    options = _check_options(request, mode, ctx)
    if len(await ctx.cluster.list_tables(ns)) >= MAX_TABLES:
        raise LimitExceededException(
            f"Subscriber limit exceeded: There is a limit of {MAX_TABLES} tables per subscriber"
        )
    now = ctx.clock.now()
    spec = build_spec(request, mode, options, now, ctx.settings.status_delay)
    key_schema = key_schema_of(spec["key_schema"], attribute_types(spec))
    try:
        meta = await ctx.cluster.create_table(
            ns, name, key_schema, spec, created_at=now, indexes=spec_index_defs(spec)
        )
    except TableExists:
        existing = await ctx.cluster.get_table(ns, name)
        if table_status(existing, ctx.clock.now()) == CREATING:
            raise ResourceInUseException(
                f"Attempt to change a resource which is still in use: Table is being created: {name}"
            ) from None
        raise ResourceInUseException(f"Table already exists: {name}") from None
    meta = await start_table_stream(ctx, meta)
    view = View(CREATING, TableStats(0, 0), warm="WarmThroughput" in request, ppr_timestamp=False)
    return {"TableDescription": describe(meta, ns, view, now)}
