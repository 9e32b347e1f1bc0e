"""A global table seen from one member: the group's members (storage's replication group, one table of
the name per region of the account), how DescribeTable lists the others (`Replicas`), and the changes
that reach every member: shared settings copied after an UpdateTable or UpdateTimeToLive, a member's
departure (DELETING for `--status-delay`, then gone; the last member left is a regional table again).

A member's ReplicaStatus is its own table's status: CREATING, UPDATING, DELETING or ACTIVE. Replicas
lists the other members in the order they joined, never the table itself (as AWS does).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from app.errors import ResourceInUseException, ValidationException
from app.operations.registry import Context
from app.operations.replica_rules import (
    ACTED_AS_SOURCE,
    DISABLING_STREAM,
    IN_USE,
    NOT_AUTOSCALED,
    SETTINGS_REPLICATION,
    SOURCE_WINDOW,
    already_exists,
)
from app.operations.replica_specs import (
    check_class_budget,
    is_strong,
    joined_at,
    left_group_spec,
    live_departures,
    replica_overrides,
    source_region,
    synced_member_spec,
    with_departure,
)
from app.operations.table_index_updates import IndexChange, run_index_change, stored_spec
from app.operations.table_lookup import ACTIVE, DELETING, UPDATING, table_status
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import PROVISIONED, Spec, gsi_status
from app.operations.table_throughput import epoch
from storage.api import Namespace, TableMeta, TableNotFound

REPLICA = "REPLICA"  # what an UPDATING table is busy with: a replica being added, changed or removed


@dataclass(frozen=True)
class Group:
    """One member's view of its global table."""

    own: TableMeta
    # The other members, by region, in the order they joined.
    others: dict[str, TableMeta]
    # Members that left and show as DELETING until then, by region (with their lingering table, if any).
    departures: dict[str, tuple[float, TableMeta | None]]

    @property
    def is_global(self) -> bool:
        """Whether DescribeTable shows the table as a global table (with Replicas)."""
        return bool(self.others) or bool(self.departures)

    def members(self) -> dict[str, TableMeta]:
        """Every member by region, this one first."""
        return {self.own.namespace.region: self.own, **self.others}

    def busy(self, now: float) -> bool:
        """A replica is being added, changed or removed: AWS refuses other table changes meanwhile."""
        if self.departures:
            return True
        if table_status(self.own, now) == UPDATING and self.own.spec.get("updating") == REPLICA:
            return True
        return any(table_status(meta, now) != ACTIVE for meta in self.others.values())


def region_ns(ns: Namespace, region: str) -> Namespace:
    return Namespace(ns.account, region)


async def load_group(ctx: Context, meta: TableMeta, now: float) -> Group:
    """The group of the table `meta` (an empty group for a regional table)."""
    ns, name = meta.namespace, meta.name
    try:
        regions = await ctx.cluster.replica_regions(ns, name)
    except TableNotFound:
        regions = []
    others: dict[str, TableMeta] = {}
    for region in regions:
        if region != ns.region:
            try:
                others[region] = await ctx.cluster.get_table(region_ns(ns, region), name)
            except TableNotFound:
                continue
    departures: dict[str, tuple[float, TableMeta | None]] = {}
    for region, until in live_departures(meta.spec, now).items():
        if region in others:
            continue
        try:
            lingering: TableMeta | None = await ctx.cluster.get_table(region_ns(ns, region), name)
        except TableNotFound:
            lingering = None
        departures[region] = (until, lingering)
    return Group(meta, others, departures)


# --- DescribeTable's Replicas ---
def _warm(warm: dict[str, Any]) -> dict[str, Any]:
    return {**warm, "Status": "ACTIVE"}


def replica_description(region: str, meta: TableMeta | None, status: str, now: float) -> dict[str, Any]:
    """A ReplicaDescription: inherited settings are left out, as AWS leaves them out."""
    out: dict[str, Any] = {"RegionName": region, "ReplicaStatus": status}
    if meta is not None:
        spec = meta.spec
        if spec["sse"] is not None:
            out["KMSMasterKeyId"] = spec["sse"]["KMSMasterKeyArn"]
        out.update(replica_overrides(spec))
        out["WarmThroughput"] = _warm(spec["warm"])
        gsis = [index for index in spec["gsis"] if gsi_status(index, now) is not None]
        if gsis:
            out["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index["IndexName"],
                    **replica_overrides(spec, index["IndexName"]),
                    "WarmThroughput": _warm(index["warm"]),
                }
                for index in gsis
            ]
        if spec["table_class"] is not None:
            out["ReplicaTableClassSummary"] = {
                "TableClass": spec["table_class"],
                "LastUpdateDateTime": epoch(spec["table_class_at"]),
            }
    out["GlobalTableSettingsReplicationMode"] = SETTINGS_REPLICATION
    return out


def describe_replicas(group: Group, now: float) -> list[dict[str, Any]] | None:
    """DescribeTable's Replicas (None: a regional table, which has no Replicas at all)."""
    if not group.is_global:
        return None
    replicas = [
        replica_description(r, meta, table_status(meta, now), now) for r, meta in group.others.items()
    ]
    replicas += [replica_description(r, meta, DELETING, now) for r, (_, meta) in group.departures.items()]
    return replicas


# --- rules that span the group ---
def check_global_update(request: dict[str, Any], group: Group, now: float) -> None:
    """UpdateTable on a member of a global table: its stream stays enabled (unless the group is strongly
    consistent: MRSC does not replicate through streams), and nothing else changes while a replica is
    being added, changed or removed."""
    if not group.is_global:
        return
    stream = request.get("StreamSpecification")
    if stream is not None and stream.get("StreamEnabled") is False and not is_strong(group.own.spec):
        raise invalid(DISABLING_STREAM)
    if group.busy(now):
        raise ResourceInUseException(IN_USE)


async def check_region_free(ctx: Context, group: Group, region: str) -> None:
    """A new replica's region must hold no member (not even a departing one) and no table of the name
    (not even one being deleted): AWS's "already existed as tables"."""
    if region in group.others or region in group.departures:
        raise already_exists(group.own.name)
    try:
        await ctx.cluster.get_table(region_ns(group.own.namespace, region), group.own.name)
    except TableNotFound:
        return
    raise already_exists(group.own.name)


def check_can_add(group: Group, busy: bool) -> None:
    """What adding replicas needs of the table: no change in progress, and (no auto scaling here) on-demand
    capacity, as AWS refuses a PROVISIONED table without write auto scaling."""
    if busy:
        raise ResourceInUseException(IN_USE)
    if group.own.spec["billing_mode"] == PROVISIONED:
        raise ValidationException(NOT_AUTOSCALED)


def check_not_recent_source(group: Group, region: str, now: float) -> None:
    """A member that was the source of a replica added in the last 24 hours cannot leave while that
    replica exists (AWS: remove replicas leaf first)."""
    for member_region, meta in group.members().items():
        if member_region == region:
            continue
        if source_region(meta.spec) == region and now - joined_at(meta.spec) < SOURCE_WINDOW:
            raise ValidationException(ACTED_AS_SOURCE)


def check_shared_change(group: Group, changed: frozenset[str], now: float) -> None:
    """What a shared change needs of every other member (a TableClass change spends each one's budget)."""
    if "class" in changed:
        for region, meta in group.others.items():
            check_class_budget(meta.spec, region, now)


# --- changes that reach every member ---
async def share_change(
    ctx: Context, group: Group, local: Spec, changed: frozenset[str], change: IndexChange | None
) -> None:
    """Copy the shared settings that changed in this member (its new spec `local`) to the others, and
    build or drop the same global secondary index in each."""
    if not changed and change is None:
        return
    now, delay = ctx.clock.now(), ctx.settings.status_delay
    ns = group.own.namespace
    for region, meta in group.others.items():
        if meta.status == DELETING:
            continue
        member_ns = region_ns(ns, region)
        spec = synced_member_spec(local, ns, meta.spec, member_ns, now, changed)
        if change is not None:
            await run_index_change(dataclasses.replace(ctx, namespace=member_ns), meta.name, change)
        await ctx.cluster.update_table(member_ns, meta.name, stored_spec(spec, now, delay))


async def share_spec_key(ctx: Context, group: Group, key: str, value: Any) -> None:
    """Set one shared spec key (UpdateTimeToLive's `ttl`) in every other member."""
    ns = group.own.namespace
    for region, meta in group.others.items():
        if meta.status != DELETING:
            await ctx.cluster.update_table(region_ns(ns, region), meta.name, {**meta.spec, key: value})


async def after_departure(ctx: Context, group: Group, region: str, until: float | None) -> None:
    """Once the member in `region` left the group (ReplicaUpdates Delete or DeleteTable there): the
    others list it as DELETING until `until`, and the last one left is a regional table again."""
    now = ctx.clock.now()
    ns = group.own.namespace
    remaining = {r: meta for r, meta in group.members().items() if r != region}
    if until is None and len(remaining) > 1:
        return
    for member_region, meta in remaining.items():
        member_ns = region_ns(ns, member_region)
        spec = (await ctx.cluster.get_table(member_ns, meta.name)).spec
        if until is not None:
            spec = with_departure(spec, region, until, now)
        if len(remaining) == 1:
            spec = left_group_spec(spec, now)
        await ctx.cluster.update_table(member_ns, meta.name, spec)
