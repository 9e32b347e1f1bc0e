"""Multi-Region strong consistency (MRSC): UpdateTable's MultiRegionConsistency and
GlobalTableWitnessUpdates, the rules of a strongly consistent group, its creation and its teardown.

A STRONG group is born complete in one UpdateTable: two replica Creates, or one Create and one witness
(three regions in all, each in AWS's MRSC regions), and is frozen afterwards: no replica is added, none
and no witness leaves alone, DeleteTable refuses a member; one UpdateTable deleting every other replica
and the witness dissolves it, leaving a regional table. Its members form storage's synchronous group
(`add_replica(..., synchronous=True)`): every write is shipped to every member before it returns, so a
strongly consistent read in any region sees every committed write (and no write can conflict with one
in another region: AWS's ReplicatedWriteConflictException cannot happen here). A witness holds no table:
it is recorded in the members' specs (replica_specs), and DescribeTable shows it in GlobalTableWitnesses.
Streams are not enabled for an MRSC group (AWS does not replicate through them) and stay regional.

Messages and order: ack-api-quirks' measurements on AWS (table-global-tables.md: DDB-TABLE-257, 258,
202, 260, 261). Request-level rules first (check_strong_request, check_strong_actions), then the
group's state (update_strong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import ResourceInUseException, ValidationException
from app.operations.registry import Context
from app.operations.replica_group import REPLICA, Group, check_can_add, check_region_free, region_ns
from app.operations.replica_rules import (
    CONSISTENCY_ON_EXISTING,
    CREATE,
    DELETE,
    IN_USE,
    MANY_CREATES_OR_DELETES,
    MRSC_REGIONS,
    NO_REPLICAS_ADDED,
    NOT_ALL_WITNESSES,
    ONE_STRONG_REPLICA,
    ONLY_CREATES_WITH_CONSISTENCY,
    ONLY_REPLICAS_AND_WITNESSES,
    SAME_REGION_TWICE,
    STRONG,
    STRONG_REPLICA_COUNT,
    WITNESS_IN_TABLE_REGION,
    WITNESS_NEEDS_STRONG,
    ReplicaAction,
    already_exists,
    not_members,
    not_witnesses,
    protected_replica,
    unsupported_strong_regions,
)
from app.operations.replica_specs import (
    REPLICA_KEY,
    is_strong,
    joined_source_spec,
    live_departures,
    new_replica_spec,
    witness_region,
)
from app.operations.table_spec import Spec, copy_spec, spec_index_defs
from storage.api import TableExists


@dataclass(frozen=True)
class StrongRequest:
    """The multi-Region consistency members of an UpdateTable."""

    consistency: str | None  # MultiRegionConsistency as sent
    witness_creates: tuple[str, ...] = ()
    witness_deletes: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        return self.consistency is not None or bool(self.witness_creates or self.witness_deletes)

    def many(self) -> frozenset[str]:
        """The replica action kinds that may come several times (replica_rules.check_replica_updates):
        the Creates of a new STRONG group; Deletes always (a STRONG group's teardown; update_strong
        refuses several for any other table)."""
        return frozenset({CREATE, DELETE}) if self.consistency == STRONG else frozenset({DELETE})


def check_strong_request(request: dict[str, Any], actions: set[str]) -> StrongRequest:
    """The members as sent; a request that changes replicas or witnesses with MultiRegionConsistency or
    a witness changes nothing else."""
    creates, deletes = [], []
    for entry in request.get("GlobalTableWitnessUpdates") or []:
        if entry.get("Create") is not None:
            creates.append(entry["Create"].get("RegionName", ""))
        if entry.get("Delete") is not None:
            deletes.append(entry["Delete"].get("RegionName", ""))
    strong = StrongRequest(request.get("MultiRegionConsistency"), tuple(creates), tuple(deletes))
    witnesses = strong.witness_creates or strong.witness_deletes
    if (witnesses or (strong.present and "ReplicaUpdates" in actions)) and actions - {"ReplicaUpdates"}:
        raise ValidationException(ONLY_REPLICAS_AND_WITNESSES)
    return strong


def check_strong_actions(strong: StrongRequest, actions: list[ReplicaAction], local_region: str) -> None:
    """The rules of a new STRONG group that need no table, in AWS's order."""
    if strong.witness_creates and strong.consistency != STRONG:
        raise ValidationException(WITNESS_NEEDS_STRONG)
    if strong.consistency is not None and any(action.kind != CREATE for action in actions):
        raise ValidationException(ONLY_CREATES_WITH_CONSISTENCY)
    if strong.consistency != STRONG:
        return
    regions = [action.region for action in actions]
    if len(regions) + len(strong.witness_creates) != 2:
        raise ValidationException(STRONG_REPLICA_COUNT)
    unsupported = [r for r in [local_region, *regions, *strong.witness_creates] if r not in MRSC_REGIONS]
    if unsupported:
        raise unsupported_strong_regions(list(dict.fromkeys(unsupported)))
    for witness in strong.witness_creates:
        if witness in regions:
            raise ValidationException(SAME_REGION_TWICE)
        if witness == local_region:
            raise ValidationException(WITNESS_IN_TABLE_REGION)


def strong_group(group: Group) -> bool:
    return bool(group.others) and is_strong(group.own.spec)


async def update_strong(
    ctx: Context, group: Group, actions: list[ReplicaAction], strong: StrongRequest, busy: bool, now: float
) -> bool:
    """The rules that depend on the table's group, and the changes of a STRONG group: its creation and its
    teardown. False: an ordinary replica change (replicas.py) is left to do."""
    kinds = {action.kind for action in actions}
    if strong_group(group):
        if strong.consistency is not None:
            raise ValidationException(CONSISTENCY_ON_EXISTING)
        if CREATE in kinds:
            raise ValidationException(NO_REPLICAS_ADDED)
        if DELETE in kinds:
            await _teardown(ctx, group, [action.region for action in actions], strong, busy, now)
            return True
        return False
    if group.is_global and strong.consistency is not None:
        raise ValidationException(CONSISTENCY_ON_EXISTING)
    if strong.witness_deletes:
        raise not_witnesses(list(strong.witness_deletes))
    if DELETE in kinds and len(actions) > 1:
        raise ValidationException(MANY_CREATES_OR_DELETES)
    if strong.consistency == STRONG:
        await _create(
            ctx, group, actions, strong.witness_creates[0] if strong.witness_creates else None, busy
        )
        return True
    return False


def _strong_state(spec: Spec, witness: str | None, ready: float) -> None:
    state = spec[REPLICA_KEY]
    state["consistency"] = STRONG
    if witness is not None:
        state["witness"], state["witness_ready"] = witness, ready


async def _create(
    ctx: Context, group: Group, actions: list[ReplicaAction], witness: str | None, busy: bool
) -> None:
    """A regional table becomes a STRONG group with the replicas (and witness) of `actions`."""
    meta, now = group.own, ctx.clock.now()
    ns, name = meta.namespace, meta.name
    for action in actions:
        await check_region_free(ctx, group, action.region)
    check_can_add(group, busy)
    delay = ctx.settings.status_delay
    source = joined_source_spec(copy_spec(meta.spec), now)
    _strong_state(source, witness, now + delay)
    for action in actions:
        target_ns = region_ns(ns, action.region)
        replica = new_replica_spec(source, ns, target_ns, action.members, now, delay)
        replica["stream"] = None  # MRSC does not replicate through streams; each member enables its own
        _strong_state(replica, witness, now + delay)
        try:
            await ctx.cluster.create_table(
                target_ns, name, meta.key_schema, replica, created_at=now, indexes=spec_index_defs(replica)
            )
        except TableExists:
            raise already_exists(name) from None
        await ctx.cluster.add_replica(ns, target_ns, name, synchronous=True)
        await ctx.cluster.update_table(target_ns, name, replica)
    if delay > 0:
        source["updating_until"], source["updating"] = now + delay, REPLICA
    await ctx.cluster.update_table(ns, name, source)


async def _teardown(
    ctx: Context, group: Group, regions: list[str], strong: StrongRequest, busy: bool, now: float
) -> None:
    """One UpdateTable deleting every other replica and the witness: the table is regional again (the
    others and the witness show as DELETING for `--status-delay`)."""
    name = group.own.name
    missing = [region for region in regions if region not in group.others]
    if missing:
        raise not_members(missing)
    witness = witness_region(group.own.spec)
    strangers = [region for region in strong.witness_deletes if region != witness]
    if strangers:
        raise not_witnesses(strangers)
    if witness is not None and witness not in strong.witness_deletes:
        raise ValidationException(NOT_ALL_WITNESSES)
    if set(regions) != set(group.others):
        raise ValidationException(ONE_STRONG_REPLICA)
    if busy:
        raise ResourceInUseException(IN_USE)
    for region in regions:
        if group.others[region].spec["deletion_protection"]:
            raise protected_replica(name, region)
    delay = ctx.settings.status_delay
    until = now + delay if delay > 0 else None
    await ctx.cluster.replicate(complete=True)
    for region in regions:
        await ctx.cluster.delete_table(region_ns(group.own.namespace, region), name, linger_until=until)
    ns = group.own.namespace
    spec = copy_spec((await ctx.cluster.get_table(ns, name)).spec)
    state: dict[str, Any] = {}
    if until is not None:
        state = {"departures": {**live_departures(spec, now), **dict.fromkeys(regions, until)}}
        state["consistency"] = STRONG
        if witness is not None:
            state["witness"], state["witness_until"] = witness, until
        spec["updating_until"], spec["updating"] = until, REPLICA
    spec.pop(REPLICA_KEY, None)
    if state:
        spec[REPLICA_KEY] = state
    await ctx.cluster.update_table(ns, name, spec)
