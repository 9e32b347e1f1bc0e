"""The specs of a global table's replicas: what a new replica starts with, which settings every member
shares, and each member's own overrides.

A member's spec keeps the group-wide settings exactly as the other members do (billing mode, the
throughput records, on-demand maximums, warm throughput, attribute definitions and global secondary
indexes, the table class; TTL through ttl.py; the encryption type, each member with its own regional
key). What is regional stays out of a new replica (tags, resource policies, deletion protection,
Contributor Insights, the stream's label). A member's overrides are kept apart, in `spec["replica"]`, and
applied when the member is described (`read_override` and friends), so copying the shared settings never
carries one member's override to another:

  spec["replica"] = {
    "source_region":  the region whose endpoint created this replica (None: the table the group began
                      with); the 24-hour source-region rule reads it
    "joined_at":      when it joined the group
    "ProvisionedThroughputOverride" / "OnDemandThroughputOverride": its own read capacity (wire form)
    "gsi_overrides":  {index name: {the same two overrides}}
    "departures":     {region: until}: members that left and show as DELETING until then
    "consistency":    "STRONG" in a group with multi-Region strong consistency (absent: EVENTUAL)
    "witness":        the group's witness region (STRONG only; a witness holds no table: it lives here)
    "witness_ready":  when the witness is ACTIVE (CREATING before)
    "witness_until":  after the group dissolved: the witness shows as DELETING until then
  }
"""

from __future__ import annotations

import copy
from typing import Any

from app.errors import LimitExceededException
from app.operations.contributor_insights import SPEC_KEY as INSIGHTS_KEY
from app.operations.replica_rules import (
    GSI_OVERRIDES,
    KEY_FOR_EACH_REPLICA,
    KEY_KINDS,
    STRONG,
    class_limit,
)
from app.operations.table_options import kms_key_arn
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import (
    INDEX_DELETING,
    PAY_PER_REQUEST,
    PROVISIONED,
    Spec,
    copy_spec,
    gsi_status,
    new_throughput,
)
from app.operations.table_update_parts import TABLE_CLASS_CHANGES, TABLE_CLASS_WINDOW
from storage.api import Namespace

REPLICA_KEY = "replica"
READ_OVERRIDE = "ProvisionedThroughputOverride"
MAX_READ_OVERRIDE = "OnDemandThroughputOverride"
# Settings every member holds alike (copied from the member where they changed to all the others).
SHARED_KEYS = ("billing_mode", "throughput", "on_demand", "warm", "attribute_definitions")


def replica_state(spec: Spec) -> dict[str, Any]:
    """The member's own record (an empty one for a table that is in no group)."""
    state: dict[str, Any] = spec.get(REPLICA_KEY) or {}
    return state


def live_departures(spec: Spec, now: float) -> dict[str, float]:
    """The members that left and still show as DELETING, by region."""
    departures: dict[str, float] = replica_state(spec).get("departures") or {}
    return {region: until for region, until in departures.items() if now < until}


def is_strong(spec: Spec) -> bool:
    """Whether the table is (or, while its members show as DELETING, was) in a strongly consistent group."""
    return bool(replica_state(spec).get("consistency") == STRONG)


def witness_region(spec: Spec) -> str | None:
    region: str | None = replica_state(spec).get("witness")
    return region


def strong_description(spec: Spec, now: float) -> dict[str, Any]:
    """DescribeTable's MultiRegionConsistency and GlobalTableWitnesses of a member of a global table
    (nothing for an eventually consistent one: AWS leaves both out)."""
    if not is_strong(spec):
        return {}
    out: dict[str, Any] = {"MultiRegionConsistency": STRONG}
    state = replica_state(spec)
    witness = state.get("witness")
    if witness is not None:
        until = state.get("witness_until")
        if until is not None:
            status = "DELETING" if now < until else None
        else:
            status = "CREATING" if now < float(state.get("witness_ready") or 0.0) else "ACTIVE"
        if status is not None:
            out["GlobalTableWitnesses"] = [{"RegionName": witness, "WitnessStatus": status}]
    return out


def source_region(spec: Spec) -> str | None:
    region: str | None = replica_state(spec).get("source_region")
    return region


def joined_at(spec: Spec) -> float:
    return float(replica_state(spec).get("joined_at") or 0.0)


# --- overrides, applied when the member is described ---
def read_override(spec: Spec, index: str | None = None) -> int | None:
    """The member's own ReadCapacityUnits (of the table, or of one of its global indexes), if overridden."""
    holder = _override_holder(spec, index)
    override = holder.get(READ_OVERRIDE)
    return None if override is None else int(override["ReadCapacityUnits"])


def max_read_override(spec: Spec, index: str | None = None) -> int | None:
    holder = _override_holder(spec, index)
    override = holder.get(MAX_READ_OVERRIDE)
    return None if override is None else int(override["MaxReadRequestUnits"])


def _override_holder(spec: Spec, index: str | None) -> dict[str, Any]:
    state = replica_state(spec)
    if index is None:
        return state
    holder: dict[str, Any] = (state.get("gsi_overrides") or {}).get(index) or {}
    return holder


def overridden_on_demand(on_demand: dict[str, Any] | None, max_read: int | None) -> dict[str, Any] | None:
    """OnDemandThroughput as a member with this MaxReadRequestUnits override has it."""
    if max_read is None:
        return on_demand
    return {**(on_demand or {}), "MaxReadRequestUnits": max_read}


def set_overrides(
    holder: dict[str, Any], requested: dict[str, Any], base_read: int, base_max_read: int | None
) -> None:
    """Merge the overrides of a Create or Update action into a holder; a value equal to the shared one
    clears the override (as on AWS)."""
    read = requested.get(READ_OVERRIDE)
    if read is not None:
        if read["ReadCapacityUnits"] == base_read:
            holder.pop(READ_OVERRIDE, None)
        else:
            holder[READ_OVERRIDE] = {"ReadCapacityUnits": read["ReadCapacityUnits"]}
    max_read = requested.get(MAX_READ_OVERRIDE)
    if max_read is not None and "MaxReadRequestUnits" in max_read:
        if max_read["MaxReadRequestUnits"] in (base_max_read, -1):
            holder.pop(MAX_READ_OVERRIDE, None)
        else:
            holder[MAX_READ_OVERRIDE] = {"MaxReadRequestUnits": max_read["MaxReadRequestUnits"]}


def apply_action_overrides(spec: Spec, action: dict[str, Any]) -> None:
    """A Create or Update action's table and index overrides, into the member's (private) spec. An index
    the table does not have is ignored, as AWS does."""
    state = spec.setdefault(REPLICA_KEY, {})
    provisioned = spec["billing_mode"] == PROVISIONED

    def effective(requested: dict[str, Any]) -> dict[str, Any]:
        # A read capacity override is accepted on an on-demand Create, and of no effect there.
        return requested if provisioned else {k: v for k, v in requested.items() if k != READ_OVERRIDE}

    base_max = (spec["on_demand"] or {}).get("MaxReadRequestUnits")
    set_overrides(state, effective(action), spec["throughput"]["ReadCapacityUnits"], base_max)
    indexes = {index["IndexName"]: index for index in spec["gsis"]}
    overrides = state.setdefault("gsi_overrides", {})
    for requested in action.get("GlobalSecondaryIndexes") or []:
        index = indexes.get(requested["IndexName"])
        if index is None:
            continue
        holder = overrides.setdefault(index["IndexName"], {})
        index_max = (index.get("OnDemandThroughput") or {}).get("MaxReadRequestUnits")
        set_overrides(holder, effective(requested), index["throughput"]["ReadCapacityUnits"], index_max)
        if not holder:
            overrides.pop(index["IndexName"])


def check_overrides_allowed(spec: Spec, action: dict[str, Any]) -> None:
    """An Update's capacity overrides must fit the billing mode (AWS's messages)."""
    overrides = [action, *(action.get("GlobalSecondaryIndexes") or [])]
    if spec["billing_mode"] == PAY_PER_REQUEST and any(o.get(READ_OVERRIDE) is not None for o in overrides):
        raise invalid(
            "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
            "PAY_PER_REQUEST"
        )
    if spec["billing_mode"] == PROVISIONED and any(o.get(MAX_READ_OVERRIDE) for o in overrides):
        raise invalid(
            "MaxReadRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is "
            "PROVISIONED"
        )


# --- encryption: one type for the group, a key per region ---
def _managed(sse: dict[str, Any], ns: Namespace) -> bool:
    return bool(sse["KMSMasterKeyArn"] == kms_key_arn(None, ns))


def replica_sse(
    source: dict[str, Any] | None, source_ns: Namespace, target_ns: Namespace, key_id: str | None
) -> dict[str, Any] | None:
    """The encryption of a new replica: none with the source's default encryption (where no key may be
    named), the region's AWS managed key with the source's, and the key the Create names (required) when
    the source has a customer managed key."""
    if source is None:
        if key_id is not None:
            raise invalid(KEY_FOR_EACH_REPLICA)
        return None
    managed = kms_key_arn(None, target_ns)
    if _managed(source, source_ns):
        if key_id is not None and kms_key_arn(key_id, target_ns) != managed:
            raise invalid(KEY_KINDS)
        return {"SSEType": "KMS", "KMSMasterKeyArn": managed}
    if key_id is None:
        raise invalid(KEY_FOR_EACH_REPLICA)
    arn = kms_key_arn(key_id, target_ns)
    if arn == managed:
        raise invalid(KEY_KINDS)
    return {"SSEType": "KMS", "KMSMasterKeyArn": arn}


def synced_sse(
    local: dict[str, Any] | None, local_ns: Namespace, member: dict[str, Any] | None, member_ns: Namespace
) -> dict[str, Any] | None:
    """A member's encryption after SSESpecification changed it in another member: the same type, with the
    member's own key (its customer managed key when it has one, else its region's AWS managed key)."""
    if local is None:
        return None
    if not _managed(local, local_ns) and member is not None and not _managed(member, member_ns):
        return member
    return {"SSEType": "KMS", "KMSMasterKeyArn": kms_key_arn(None, member_ns)}


# --- a new replica ---
def _without_insights(index: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in index.items() if key != INSIGHTS_KEY}


def new_replica_spec(
    source: Spec, source_ns: Namespace, target_ns: Namespace, action: dict[str, Any], now: float, delay: float
) -> Spec:
    """The spec of the replica a Create action adds in `target_ns`, from the source's (whose stream the
    caller has already enabled): shared settings copied, regional ones fresh, CREATING for `delay`."""
    spec = copy_spec(source)
    for key in (INSIGHTS_KEY, "stream_policies", REPLICA_KEY):
        spec.pop(key, None)
    spec["stream_operation"] = None
    spec["sse"] = replica_sse(source["sse"], source_ns, target_ns, action.get("KMSMasterKeyId"))
    spec["tags"], spec["resource_policy"], spec["deletion_protection"] = [], None, False
    spec["stream_label"], spec["stream_views"] = None, {}
    spec["throughput"] = new_throughput(
        source["throughput"]["ReadCapacityUnits"], source["throughput"]["WriteCapacityUnits"]
    )
    spec["last_ppr_at"] = now if spec["billing_mode"] == PAY_PER_REQUEST else None
    live = [index for index in spec["gsis"] if gsi_status(index, now) not in (None, INDEX_DELETING)]
    spec["gsis"] = [_without_insights(index) for index in live]
    for index in spec["gsis"]:
        units = index["throughput"]
        index["throughput"] = new_throughput(units["ReadCapacityUnits"], units["WriteCapacityUnits"])
    table_class = action.get("TableClassOverride")
    if table_class is not None:
        spec["table_class"], spec["table_class_at"] = table_class, now
    spec["table_class_changes"] = []
    spec["ready_at"], spec["updating_until"], spec["updating"] = now + delay, None, None
    spec[REPLICA_KEY] = {"source_region": source_ns.region, "joined_at": now}
    apply_action_overrides(spec, action)
    return spec


def joined_source_spec(spec: Spec, now: float) -> Spec:
    """The (private) spec of a table that becomes a group's first member."""
    if REPLICA_KEY not in spec or "joined_at" not in spec[REPLICA_KEY]:
        departures = replica_state(spec).get("departures") or {}
        spec[REPLICA_KEY] = {"source_region": None, "joined_at": now, "departures": departures}
    return spec


def left_group_spec(spec: Spec, now: float) -> Spec:
    """The spec of the last member of a dissolved group: a regional table again (the members that left
    still show as DELETING until their time is over)."""
    spec = copy_spec(spec)
    departures = live_departures(spec, now)
    spec.pop(REPLICA_KEY, None)
    if departures:
        spec[REPLICA_KEY] = {"departures": departures}
    return spec


def with_departure(spec: Spec, region: str, until: float, now: float) -> Spec:
    spec = copy_spec(spec)
    state = spec.setdefault(REPLICA_KEY, {})
    state["departures"] = {**live_departures(spec, now), region: until}
    return spec


# --- settings shared by the group ---
def check_class_budget(spec: Spec, region: str, now: float) -> None:
    """A TableClass change spends every member's budget of changes (LimitExceededException naming the
    first member that has none left)."""
    recent = [at for at in spec["table_class_changes"] if now - at < TABLE_CLASS_WINDOW]
    if len(recent) >= TABLE_CLASS_CHANGES:
        raise LimitExceededException(class_limit(region, TABLE_CLASS_CHANGES))


def synced_member_spec(
    local: Spec,
    local_ns: Namespace,
    member: Spec,
    member_ns: Namespace,
    now: float,
    changed: frozenset[str],
) -> Spec:
    """A member's spec once the shared settings that changed in another member (`changed`: "capacity",
    "indexes", "sse", "class") are copied to it, its own settings kept."""
    spec = copy_spec(member)
    if "capacity" in changed or "indexes" in changed:
        if spec["billing_mode"] != local["billing_mode"] and local["billing_mode"] == PAY_PER_REQUEST:
            spec["last_ppr_at"] = now
        for key in SHARED_KEYS:
            spec[key] = copy.deepcopy(local[key])
        insights = {i["IndexName"]: i[INSIGHTS_KEY] for i in member["gsis"] if INSIGHTS_KEY in i}
        spec["gsis"] = [_without_insights(index) for index in copy.deepcopy(local["gsis"])]
        for index in spec["gsis"]:
            if index["IndexName"] in insights:
                index[INSIGHTS_KEY] = insights[index["IndexName"]]
    if "sse" in changed:
        spec["sse"] = synced_sse(local["sse"], local_ns, member["sse"], member_ns)
    if "class" in changed:
        recent = [at for at in spec["table_class_changes"] if now - at < TABLE_CLASS_WINDOW]
        spec["table_class"], spec["table_class_at"] = local["table_class"], now
        spec["table_class_changes"] = [*recent, now]
    if local.get("updating_until") is not None and now < local["updating_until"]:
        spec["updating_until"], spec["updating"] = local["updating_until"], local["updating"]
    return spec


def override_table_class(spec: Spec, table_class: str, region: str, now: float) -> None:
    """A TableClassOverride on a member's (private) spec: set explicitly (then DescribeTable reports it,
    STANDARD too), spending the member's budget when the class changes."""
    if spec["table_class"] == table_class:
        return
    recent = [at for at in spec["table_class_changes"] if now - at < TABLE_CLASS_WINDOW]
    if table_class != (spec["table_class"] or "STANDARD"):
        check_class_budget(spec, region, now)
        recent.append(now)
    spec["table_class"], spec["table_class_at"], spec["table_class_changes"] = table_class, now, recent


def replica_overrides(spec: Spec, index: str | None = None) -> dict[str, Any]:
    """The overrides a member has, in ReplicaDescription's wire form (empty: it inherits everything)."""
    holder = _override_holder(spec, index)
    return {name: dict(holder[name]) for name in GSI_OVERRIDES if name in holder}
