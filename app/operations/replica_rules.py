"""The request-level rules of UpdateTable's ReplicaUpdates (global tables version 2019.11.21): the shape of
the actions, the regions that may hold a replica, and AWS's messages for every refusal of a replica
change.

Sources: ack-api-quirks' measurements against AWS (table-replicas.md: DDB-TABLE-203, 223, 224, 225, 227,
265, 266, 267, 294, 297, 307; table-global-tables.md) and ScyllaDB's alternator tests run against AWS.
AWS checks that ReplicaUpdates is the only change of the request before anything else, then the actions
(one type, one Create or Delete per call; identical Creates are de-duplicated), then the regions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import ValidationException
from app.operations.table_schema_rules import invalid

CREATE, UPDATE, DELETE = "Create", "Update", "Delete"
ACTION_KINDS = (CREATE, UPDATE, DELETE)
# Members of an Update action that change something (RegionName alone changes nothing).
UPDATE_MEMBERS = (
    "KMSMasterKeyId",
    "ProvisionedThroughputOverride",
    "OnDemandThroughputOverride",
    "GlobalSecondaryIndexes",
    "TableClassOverride",
)
GSI_OVERRIDES = ("ProvisionedThroughputOverride", "OnDemandThroughputOverride")
GLOBAL_TABLE_VERSION = "2019.11.21"
# What DescribeTable says of a same-account global table's settings (the only mode localddb has).
SETTINGS_REPLICATION = "ENABLED_WITH_OVERRIDES"
SOURCE_WINDOW = 24 * 3600.0

# The regions AWS names in its "not supported" message, in its order. AWS truncates the message after the
# twelfth (ap-south-2 … us-west-1), which is exactly the iteration order of a Java HashSet of 64 buckets
# (bucket = (h ^ h >>> 16) & 63 of String.hashCode), so the list is every commercial region plus the two
# China regions (36, the count AWS reports) in that order; the order inside a shared bucket (eu-west-3 /
# eu-north-1, ap-northeast-1 / me-south-1, us-east-1 / ap-southeast-5, us-east-2 / ap-southeast-6,
# ap-southeast-7 / cn-northwest-1) is a guess. tests/test_replica_rules.py checks the bucket order.
SUPPORTED_REGIONS = (
    "ap-south-2",
    "ap-south-1",
    "eu-south-1",
    "eu-south-2",
    "me-central-1",
    "il-central-1",
    "ca-central-1",
    "ap-east-2",
    "mx-central-1",
    "eu-central-1",
    "eu-central-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "eu-west-3",
    "eu-north-1",
    "eu-west-2",
    "eu-west-1",
    "ap-northeast-3",
    "ap-northeast-2",
    "ap-northeast-1",
    "me-south-1",
    "sa-east-1",
    "ap-east-1",
    "cn-north-1",
    "ca-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "us-east-1",
    "ap-southeast-5",
    "us-east-2",
    "ap-southeast-6",
    "ap-southeast-7",
    "cn-northwest-1",
)
_SUPPORTED = frozenset(SUPPORTED_REGIONS)

ONLY_OPERATION = "Replica modification must be the only operation in the request"
NO_ACTIONS = "There are no actions specified in the Replica Update Action of the request."
MIXED_ACTIONS = "Update table operation with more than one type of replica actions not allowed."
MANY_CREATES_OR_DELETES = (
    "Update table operation with more than one create or delete replica actions not allowed"
)
LOCAL_REGION = (
    "Cannot add or delete the local region through ReplicaUpdates. "
    "Use CreateTable, DeleteTable, or UpdateTable as required."
)
NOT_AUTOSCALED = "Table write capacity should either be Pay-Per-Request or AutoScaled."
DISABLING_STREAM = "Disabling Stream is not allowed for a Global Table replica."
IN_USE = "The resource which you are attempting to change is in use."
ACTED_AS_SOURCE = (
    "Replica cannot be deleted because it has acted as a source region for new replica(s) being added to "
    "the table in the last 24 hours."
)
KEY_FOR_EACH_REPLICA = "KMSMasterKeyId must be specified for each replica."
KEY_KINDS = "All replica keys must either be Customer Managed CMK or AWS Managed CMK."

# Multi-Region strong consistency (ack-api-quirks table-global-tables.md: DDB-TABLE-257, 258, 202, 260, 261).
STRONG, EVENTUAL = "STRONG", "EVENTUAL"
# The regions that may hold an MRSC member or witness (AWS's US, EU and AP region sets). AWS accepted a
# us-west-2 table with an eu-west-1 replica and a us-east-2 witness, so the sets are not enforced apart.
MRSC_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
    }
)
STRONG_REPLICA_COUNT = (
    "Unsupported replica count for global tables with MultiRegionConsistency set to STRONG."
)
WITNESS_NEEDS_STRONG = (
    "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present."
)
SAME_REGION_TWICE = "Cannot target multiple regions with the same action"
WITNESS_IN_TABLE_REGION = (
    "Cannot add a witness in the same region as an existing replica when creating a global table with "
    "MultiRegionConsistency set to STRONG."
)
ONLY_REPLICAS_AND_WITNESSES = "Requests that modify replicas or witnesses must not also modify other fields"
ONLY_CREATES_WITH_CONSISTENCY = (
    "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided."
)
CONSISTENCY_ON_EXISTING = "MultiRegionConsistency parameter is unsupported on existing global table"
NO_REPLICAS_ADDED = "Cannot add replicas to a global table with strong MultiRegionConsistency"
NOT_ALL_WITNESSES = "Update table delete operation does not include all witnesses."
ONE_STRONG_REPLICA = (
    "Deletion of only one table replica is not supported for global tables with MultiRegionConsistency set "
    "to STRONG."
)


def unsupported_strong_regions(regions: list[str]) -> ValidationException:
    return ValidationException(
        "Unsupported Region(s) specified for global tables with MultiRegionConsistency set to STRONG: "
        f"[{', '.join(regions)}]."
    )


def not_witnesses(regions: list[str]) -> ValidationException:
    return ValidationException(
        "Update global table operation failed because one or more witnesses were not part of the global "
        f"table. Please retry the request without these witnesses: [{', '.join(regions)}]."
    )


def already_exists(table: str) -> ValidationException:
    return ValidationException(
        f"Failed to create a the new replica of table with name: \u2018{table}\u2019 because one or more "
        "replicas already existed as tables."
    )


def not_members(regions: list[str]) -> ValidationException:
    return ValidationException(
        "Update global table operation failed because one or more replicas were not part of the global "
        f"table. Please retry the request without these replicas: [{', '.join(regions)}]."
    )


def unsupported_region(region: str) -> ValidationException:
    return ValidationException(
        f"Region {region} is not supported. The latest version of global tables are only supported in the "
        f"following regions: [{', '.join(SUPPORTED_REGIONS)}]."
    )


def protected_replica(table: str, region: str) -> ValidationException:
    return ValidationException(
        f"Cannot delete table {table} in region {region} because it has deletion protection enabled. "
        "Disable deletion protection first."
    )


def class_limit(region: str, changes: int) -> str:
    return (
        f"Limit exceeded for replica in {region}. "
        f"Updates to TableClass are limited to {changes} times in 30 day(s)"
    )


@dataclass(frozen=True)
class ReplicaAction:
    """One checked action of ReplicaUpdates: its kind, its region and its members."""

    kind: str
    region: str
    members: dict[str, Any]


def _check_update(members: dict[str, Any]) -> None:
    if not any(members.get(name) is not None for name in UPDATE_MEMBERS):
        raise ValidationException(NO_ACTIONS)
    for index in members.get("GlobalSecondaryIndexes") or []:
        if not any(index.get(name) is not None for name in GSI_OVERRIDES):
            raise ValidationException(NO_ACTIONS)


def check_replica_updates(
    updates: list[dict[str, Any]], actions: set[str], local_region: str, many: frozenset[str] = frozenset()
) -> list[ReplicaAction]:
    """The actions a ReplicaUpdates list asks for, after AWS's request-level rules: it must be the only
    change of the request (`actions`: the members that ask for one), each entry holds one action, all of
    one type and at most one Create or Delete (identical entries count once; `many`: the kinds that may
    come several times, a strongly consistent group's Creates and Deletes, checked by replica_strong), in a
    supported region other than the table's own for a Create or a Delete."""
    if actions - {"ReplicaUpdates"}:
        raise invalid(ONLY_OPERATION)
    if not updates:
        raise ValidationException(NO_ACTIONS)
    found: list[ReplicaAction] = []
    for entry in updates:
        if entry.get("Disassociate") is not None:
            raise ValidationException("Disassociate is not supported by localddb yet")
        kinds = [kind for kind in ACTION_KINDS if entry.get(kind) is not None]
        if not kinds:
            raise ValidationException(NO_ACTIONS)
        if len(kinds) > 1:
            raise ValidationException(MIXED_ACTIONS)
        members = entry[kinds[0]]
        action = ReplicaAction(kinds[0], members.get("RegionName", ""), members)
        if action not in found:
            found.append(action)
    if len({action.kind for action in found}) > 1:
        raise ValidationException(MIXED_ACTIONS)
    if len(found) > 1 and found[0].kind != UPDATE and found[0].kind not in many:
        raise ValidationException(MANY_CREATES_OR_DELETES)
    for action in found:
        if action.kind == UPDATE:
            _check_update(action.members)
    for action in found:
        if action.region not in _SUPPORTED:
            raise unsupported_region(action.region)
        if action.kind != UPDATE and action.region == local_region:
            raise ValidationException(LOCAL_REGION)
    return found
