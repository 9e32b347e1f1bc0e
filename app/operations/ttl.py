"""Time to live settings: UpdateTimeToLive, DescribeTimeToLive, and the view of a table's TTL that the
sweeper (app/operations/ttl_sweep.py) reads.

The settings live in the table's spec under `ttl` (absent until the first UpdateTimeToLive):
  {"AttributeName": name, "enabled": bool, "until": end of ENABLING/DISABLING, "changed_at": time}
A change shows as ENABLING / DISABLING for `--status-delay` seconds (AWS settles within a second or two),
then ENABLED / DISABLED. A disabled table's description has no AttributeName, as on AWS.

AWS's rules, in its order (recorded against AWS; DynamoDB Local words some of them differently and has no
cooldown): a table still CREATING refuses the change (ResourceInUseException); the request must change
something ("TimeToLive is already enabled" / "already disabled") and, while TTL is enabled, name the
attribute in use ("TimeToLive is active on a different AttributeName: current AttributeName is X"); only
then comes the cooldown: a second change within `--ttl-cooldown` seconds of the last one (AWS documents
one hour) is refused. DescribeTimeToLive refuses a table that is CREATING or DELETING.

On a global table TTL is one setting of the group: a change in any member reaches every member (AWS's
measurements; the cooldown is the member's where the change was made).
"""

from __future__ import annotations

from typing import Any

from app.errors import ResourceInUseException, ValidationException
from app.operations.registry import Context, operation
from app.operations.replica_group import load_group, share_spec_key
from app.operations.table_lookup import ACTIVE, CREATING, DELETING, UPDATING, existing_table, table_status
from app.operations.table_spec import Spec, copy_spec
from storage.api import TableMeta

ENABLING, ENABLED, DISABLING, DISABLED = "ENABLING", "ENABLED", "DISABLING", "DISABLED"
SPEC_KEY = "ttl"
COOLDOWN = "Time to live has been modified multiple times within a fixed interval"


def ttl_status(spec: Spec, now: float) -> tuple[str, str | None]:
    """The table's TimeToLiveStatus and the attribute it names (None once DISABLED)."""
    ttl = spec.get(SPEC_KEY)
    if ttl is None:
        return DISABLED, None
    settling = now < ttl["until"]
    if ttl["enabled"]:
        return (ENABLING if settling else ENABLED), ttl["AttributeName"]
    return (DISABLING, ttl["AttributeName"]) if settling else (DISABLED, None)


def expiring_attribute(meta: TableMeta, now: float) -> str | None:
    """The attribute whose expiry the sweeper honours on this table: its TTL attribute while TTL is
    ENABLED and the table serves items (ACTIVE or UPDATING), else None."""
    if table_status(meta, now) not in (ACTIVE, UPDATING):
        return None
    status, attribute = ttl_status(meta.spec, now)
    return attribute if status == ENABLED else None


def check_change(spec: Spec, enabled: bool, attribute: str, now: float, cooldown: float) -> None:
    """Raise AWS's ValidationException when TTL may not be set to (enabled, attribute) now."""
    ttl = spec.get(SPEC_KEY)
    active = ttl is not None and ttl["enabled"]
    current = ttl["AttributeName"] if ttl is not None else None
    if active and current != attribute:
        raise ValidationException(
            f"TimeToLive is active on a different AttributeName: current AttributeName is {current}"
        )
    if enabled and active:
        raise ValidationException("TimeToLive is already enabled")
    if not enabled and not active:
        raise ValidationException("TimeToLive is already disabled")
    if ttl is not None and now < ttl["changed_at"] + cooldown:
        raise ValidationException(COOLDOWN)


@operation("UpdateTimeToLive")
async def update_time_to_live(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = await existing_table(ctx, request["TableName"])
    now = ctx.clock.now()
    if table_status(meta, now) == CREATING:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table {meta.name} is being created"
        )
    wanted = request["TimeToLiveSpecification"]
    enabled: bool = wanted["Enabled"]
    attribute: str = wanted["AttributeName"]
    check_change(meta.spec, enabled, attribute, now, ctx.settings.ttl_cooldown)
    spec = copy_spec(meta.spec)
    spec[SPEC_KEY] = {
        "AttributeName": attribute,
        "enabled": enabled,
        "until": now + ctx.settings.status_delay,
        "changed_at": now,
    }
    await ctx.cluster.update_table(ctx.namespace, meta.name, spec)
    # TTL is one setting of a whole global table, changed from any member.
    await share_spec_key(ctx, await load_group(ctx, meta, now), SPEC_KEY, spec[SPEC_KEY])
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}


@operation("DescribeTimeToLive")
async def describe_time_to_live(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = await existing_table(ctx, request["TableName"])
    now = ctx.clock.now()
    state = table_status(meta, now)
    if state in (CREATING, DELETING):
        raise ValidationException(
            f"Cannot describe time to live while table is in {state} state: Current table state is {state}"
        )
    status, attribute = ttl_status(meta.spec, now)
    description: dict[str, Any] = {"TimeToLiveStatus": status}
    if attribute is not None:
        description["AttributeName"] = attribute
    return {"TimeToLiveDescription": description}
