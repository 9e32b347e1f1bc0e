"""UpdateTable, one concern at a time: each function checks one member of the request against the table
and applies it to a private copy of the spec held by an `UpdatePlan`.

Changes take effect at once; what AWS does over minutes shows only as TableStatus UPDATING for
`status_delay` seconds. The UpdateTable response echoes what AWS echoes (the old provisioned units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import LimitExceededException, ResourceInUseException, ValidationException
from app.operations.table_options import (
    ON_DEMAND_MEMBERS,
    WARM_MEMBERS,
    check_on_demand_quota,
    check_on_demand_range,
    check_sse,
)
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import (
    ON_DEMAND_WARM_READ,
    ON_DEMAND_WARM_WRITE,
    PAY_PER_REQUEST,
    PROVISIONED,
    Spec,
)
from app.operations.table_throughput import apply_change, check_table_maximum, describe_throughput
from storage.api import Namespace

IN_USE = "Attempt to change a resource which is still in use: "
TABLE_CLASS_CHANGES = 2
TABLE_CLASS_WINDOW = 30 * 24 * 3600.0
# What an UPDATING table is busy with (INDEX: creating or deleting a global secondary index).
THROUGHPUT, BILLING, STREAM, TABLE_CLASS, INDEX = "THROUGHPUT", "BILLING", "STREAM", "TABLE_CLASS", "INDEX"


@dataclass
class UpdatePlan:
    """The table being updated: its name, a private copy of its spec, what is in progress, and what the
    request changed."""

    name: str
    spec: Spec
    now: float
    namespace: Namespace
    busy: str | None  # the kind of change in progress (table UPDATING), if any
    delay: float = 0.0  # seconds a change shows as in progress (settings.status_delay)
    changed: bool = False
    # The response says UPDATING (AWS says so even for a no-op re-send of BillingMode or TableClass).
    updating: bool = False
    kind: str | None = None
    billing_switched: bool = False
    echoed_throughput: dict[str, Any] | None = None
    gsi_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "ENABLE" | "DISABLE": the stream change storage makes once every check passed (stream_specs).
    stream_change: str | None = None

    def start(self, kind: str) -> None:
        self.changed = self.updating = True
        self.kind = kind

    def _stream_text(self) -> str:
        return f"Stream: {self.spec['stream_label']} Operation: {self.spec['stream_operation']}"

    def refuse_if_busy(self, concern: str) -> None:
        """AWS's ResourceInUseException for a change that collides with one in progress."""
        busy, name = self.busy, self.name
        message = None
        if concern == THROUGHPUT and busy in (THROUGHPUT, BILLING):
            message = f"Table IOPS are currently being updated. Table: {name}"
        elif concern == THROUGHPUT and busy == STREAM:
            message = (
                f"Can't change table IOPS when stream status is being updated. Table: {name} "
                + self._stream_text()
            )
        elif concern == STREAM and busy in (THROUGHPUT, BILLING):
            message = f"Can't enable or disable stream while table IOPS are being updated. Table: {name}"
        elif concern == STREAM and busy == STREAM:
            message = f"A stream status change is currently in progress. Table: {name} {self._stream_text()}"
        elif concern == TABLE_CLASS and busy == TABLE_CLASS:
            message = (
                f"Can't update table class when a table class update is in progress. Table: {name} "
                f"TableClassUpdateInProgress: {self.spec['table_class']}"
            )
        elif concern == "ON_DEMAND" and busy == BILLING:
            message = "OnDemandThroughput cannot be updated while BillingMode update is in progress"
        if message is not None:
            raise ResourceInUseException(IN_USE + message)


def update_deletion_protection(plan: UpdatePlan, enabled: bool) -> None:
    plan.spec["deletion_protection"] = enabled
    plan.changed = True


def update_sse(plan: UpdatePlan, request: dict[str, Any]) -> None:
    wanted = check_sse(request, plan.namespace)
    current = plan.spec["sse"]
    if wanted is None:
        if current is None:
            raise invalid("Table is already encrypted by default")
    elif current is not None and request.get("KMSMasterKeyId") == current["KMSMasterKeyArn"]:
        raise invalid(
            "Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want "
            "to change Master Key"
        )
    plan.spec["sse"] = wanted
    plan.changed = True


def update_table_class(plan: UpdatePlan, table_class: str) -> None:
    plan.refuse_if_busy(TABLE_CLASS)
    spec, now = plan.spec, plan.now
    recent = [at for at in spec["table_class_changes"] if now - at < TABLE_CLASS_WINDOW]
    if len(recent) >= TABLE_CLASS_CHANGES:
        raise LimitExceededException(
            "Subscriber limit exceeded: Updates to TableClass are limited to "
            f"{TABLE_CLASS_CHANGES} times in 30 day(s)."
        )
    plan.updating = True
    if table_class == (spec["table_class"] or "STANDARD"):
        return
    spec["table_class"], spec["table_class_at"] = table_class, now
    spec["table_class_changes"] = [*recent, now]
    plan.start(TABLE_CLASS)


def raise_warm(current: dict[str, Any], requested: dict[str, Any], where: str) -> dict[str, Any]:
    for member in WARM_MEMBERS:
        value = requested.get(member)
        if value is not None and value < current[member]:
            raise invalid(
                f"Requested {member} for WarmThroughput for {where} is lower than current WarmThroughput, "
                "decreasing WarmThroughput is not supported"
            )
    return {m: requested.get(m) or current[m] for m in WARM_MEMBERS}


def update_warm(plan: UpdatePlan, requested: dict[str, Any]) -> None:
    plan.spec["warm"] = raise_warm(plan.spec["warm"], requested, "table")
    plan.changed = True


def merge_on_demand(current: dict[str, Any] | None, requested: dict[str, Any]) -> dict[str, Any] | None:
    merged = dict(current or {})
    for member in ON_DEMAND_MEMBERS:
        if requested.get(member) == -1:
            merged.pop(member, None)
        elif member in requested:
            merged[member] = requested[member]
    return merged or None


def update_on_demand(plan: UpdatePlan, requested: dict[str, Any], target_mode: str) -> None:
    if target_mode == PROVISIONED:
        for member in ON_DEMAND_MEMBERS:
            if member in requested:
                raise invalid(
                    f"{member} for OnDemandThroughput cannot be specified when the table BillingMode is "
                    "PROVISIONED"
                )
    check_on_demand_range(requested, None, clear_allowed=True)
    plan.refuse_if_busy("ON_DEMAND")
    check_on_demand_quota(requested, plan.namespace.region)
    plan.spec["on_demand"] = merge_on_demand(plan.spec["on_demand"], requested)
    plan.changed = True


def _warm_floor(warm: dict[str, Any]) -> dict[str, Any]:
    """On-demand capacity starts at least this warm; warm throughput never goes down."""
    return {
        "ReadUnitsPerSecond": max(warm["ReadUnitsPerSecond"], ON_DEMAND_WARM_READ),
        "WriteUnitsPerSecond": max(warm["WriteUnitsPerSecond"], ON_DEMAND_WARM_WRITE),
    }


def warm_at_least(warm: dict[str, Any], read: int, write: int) -> dict[str, Any]:
    return {
        "ReadUnitsPerSecond": max(warm["ReadUnitsPerSecond"], read),
        "WriteUnitsPerSecond": max(warm["WriteUnitsPerSecond"], write),
    }


def _switch_to_on_demand(plan: UpdatePlan) -> None:
    spec = plan.spec
    spec["billing_mode"], spec["last_ppr_at"] = PAY_PER_REQUEST, plan.now
    for holder in (spec, *spec["gsis"]):
        holder["throughput"]["ReadCapacityUnits"] = holder["throughput"]["WriteCapacityUnits"] = 0
        holder["warm"] = _warm_floor(holder["warm"])
    plan.billing_switched = True
    plan.start(BILLING)


def update_capacity(plan: UpdatePlan, mode: str | None, throughput: dict[str, Any] | None) -> None:
    """BillingMode and the table's ProvisionedThroughput (the GSI half of a switch is in the GSI updates)."""
    spec = plan.spec
    current = spec["billing_mode"]
    if mode == PAY_PER_REQUEST and throughput is not None:
        raise invalid("ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST")
    if mode is None and throughput is not None and current == PAY_PER_REQUEST:
        raise invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
            "PAY_PER_REQUEST"
        )
    if mode == PROVISIONED and throughput is None:
        raise invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    if mode == PROVISIONED and current == PAY_PER_REQUEST:
        for index in spec["gsis"]:
            if "ProvisionedThroughput" not in plan.gsi_updates.get(index["IndexName"], {}):
                raise invalid(f"ProvisionedThroughput must be specified for index: {index['IndexName']}")
    if mode == PAY_PER_REQUEST:
        plan.updating = True
        if current != PAY_PER_REQUEST:
            plan.refuse_if_busy(THROUGHPUT)
            _switch_to_on_demand(plan)
        return
    assert throughput is not None
    plan.refuse_if_busy(THROUGHPUT)
    read, write = throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]
    check_table_maximum(read, write, plan.namespace.region)
    record = spec["throughput"]
    if current == PAY_PER_REQUEST:
        record["ReadCapacityUnits"], record["WriteCapacityUnits"] = read, write
        spec["billing_mode"], spec["on_demand"] = PROVISIONED, None
        for index in spec["gsis"]:
            index["OnDemandThroughput"] = None
        plan.billing_switched = True
        plan.start(BILLING)
    else:
        before = describe_throughput(record, plan.now)
        apply_change(record, read, write, plan.now)
        after = describe_throughput(record, plan.now)
        plan.echoed_throughput = {
            **after,
            **{k: before[k] for k in ("NumberOfDecreasesToday", "ReadCapacityUnits", "WriteCapacityUnits")},
        }
        plan.start(THROUGHPUT)
    spec["warm"] = warm_at_least(spec["warm"], read, write)


def update_stream(plan: UpdatePlan, request: dict[str, Any]) -> None:
    enabled, view = request["StreamEnabled"], request.get("StreamViewType")
    if enabled and view is None:
        raise invalid("If stream is being enabled then UpdateViewType is required")
    if not enabled and view is not None:
        raise invalid("If stream is being disabled, then UpdateViewType must not be specified")
    plan.refuse_if_busy(STREAM)
    spec = plan.spec
    if enabled:
        if spec["stream"] is not None:
            raise ValidationException(f"Table already has an enabled stream: TableName: {plan.name}")
        spec["stream"] = {"StreamEnabled": True, "StreamViewType": view}
    else:
        if spec["stream"] is None:
            raise ValidationException(f"Table has no stream to disable: TableName: {plan.name}")
        spec["stream"] = None
    spec["stream_operation"] = plan.stream_change = "ENABLE" if enabled else "DISABLE"
    plan.start(STREAM)
