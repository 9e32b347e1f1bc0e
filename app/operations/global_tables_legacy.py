"""The legacy global tables API (version 2017.11.29) as AWS answers it today: CreateGlobalTable,
UpdateGlobalTable, DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings and
UpdateGlobalTableSettings.

AWS still serves these operations but no longer lets anyone create a legacy global table, so none can exist
and these handlers touch no storage. What AWS answers, as recorded against it in September and October 2026
(signed requests from us-east-1, us-east-2, us-west-2 and eu-west-1, with missing names, regional tables
and 2019.11.21 global tables alike):
- CreateGlobalTable is refused with ValidationException "One or more parameter values were invalid: DynamoDB
  global tables version 2017.11.29 is not supported. …" once its request is well formed, whether or not the
  tables exist. Before that, in this order: a missing GlobalTableName or ReplicationGroup is the bare "One or
  more parameter values were invalid"; a name outside 3-255 characters "TableName must be at least 3
  characters long and at most 255 characters long"; an empty ReplicationGroup "…: Global table must have
  atleast one replica"; a replica without RegionName, or with a region AWS does not know, Coral's message
  after the "One or more parameter values were invalid: " prefix (at `replicationGroup.N.member.regionName`).
- UpdateGlobalTable (its request checked by the model first): no ReplicaUpdates, or an update with neither
  action, is the bare "One or more parameter values were invalid"; an update with both actions "…: A
  ReplicaUpdate structure cannot contain both a create replica action and a delete replica action"; a Create
  of an unknown region Coral's enum message at `replicasToAdd.N.member.regionName`; any Create the version
  message; only Deletes GlobalTableNotFoundException "Global table not found: Global table with name: 'X'
  does not exist."
- DescribeGlobalTable: that same GlobalTableNotFoundException. DescribeGlobalTableSettings and
  UpdateGlobalTableSettings: GlobalTableNotFoundException "Global table with name: 'X' does not exist."
  An empty name on either Describe is "TableName must be at least 3 characters long and at most 255
  characters long".
- ListGlobalTables: {"GlobalTables": []} (no LastEvaluatedGlobalTableName), whatever Limit and
  ExclusiveStartGlobalTableName; a RegionName AWS does not know (also "") is HTTP 500 InternalServerError
  "Internal server error".

Not observed, chosen here: the checks of CreateGlobalTable come in the order above even when several fail;
the region checks report every replica (at most 10, as Coral does), numbering UpdateGlobalTable's Creates
among themselves; a Delete's region is not checked; a name breaking the table-name pattern passes the
hand-written checks. From a region where legacy global tables never existed, AWS words the version message
differently (it lists the eleven regions that had them); localddb always gives the general one.

CreateGlobalTable and the two Describes are checked by hand on AWS, not by the model's constraints, so
app/shapes leaves them (but their JSON types) to these handlers (`HAND_CHECKED`).
"""

from __future__ import annotations

from typing import Any

from app.errors import GlobalTableNotFoundException, InternalServerError, ValidationException
from app.operations.registry import Context, Request, Response, operation
from app.shapes.constraints import MAX_REPORTED, NOT_NULL, error_message, java_length

INVALID = "One or more parameter values were invalid"
VERSION_UNSUPPORTED = (
    f"{INVALID}: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB "
    "global tables version 2019.11.21, instead of version 2017.11.29 (Legacy)."
)
NAME_LENGTH = "TableName must be at least 3 characters long and at most 255 characters long"
NO_REPLICA = f"{INVALID}: Global table must have atleast one replica"
BOTH_ACTIONS = (
    f"{INVALID}: A ReplicaUpdate structure cannot contain both a create replica action and a delete replica "
    "action"
)
INTERNAL = "Internal server error"
# The regions AWS's RegionName enum knows, in the order its message lists them (observed September 2026).
REGIONS = (
    "ap-east-2, sa-east-1, us-gov-west-1, ca-west-1, us-west-1, us-isob-east-1, us-west-2, me-central-1, "
    "cn-north-1, ap-northeast-1, ap-northeast-2, af-south-1, ca-central-1, ap-northeast-3, us-iso-west-1, "
    "eu-north-1, il-central-1, us-gov-east-1, ap-southeast-1, us-east-1, eu-west-1, ap-southeast-2, "
    "eu-west-2, us-east-2, ap-southeast-3, eu-west-3, ap-southeast-4, ap-south-1, eu-south-1, "
    "ap-southeast-5, ap-south-2, us-isob-west-1, us-isof-south-1, eu-south-2, ap-southeast-6, "
    "cn-northwest-1, ap-southeast-7, mx-central-1, us-northeast-1, us-iso-east-1, eu-central-1, me-south-1, "
    "eu-central-2, us-isof-east-1, ap-east-1"
)
KNOWN_REGIONS = frozenset(REGIONS.split(", "))


def global_table_not_found(name: str) -> GlobalTableNotFoundException:
    """What DescribeGlobalTable and UpdateGlobalTable answer for every name."""
    return GlobalTableNotFoundException(
        f"Global table not found: Global table with name: '{name}' does not exist."
    )


def settings_not_found(name: str) -> GlobalTableNotFoundException:
    """What DescribeGlobalTableSettings and UpdateGlobalTableSettings answer for every name."""
    return GlobalTableNotFoundException(f"Global table with name: '{name}' does not exist.")


def region_errors(replicas: list[Any], path: str) -> list[str]:
    """Coral's violations of the replicas' RegionName (required, one of KNOWN_REGIONS)."""
    errors: list[str] = []
    for number, replica in enumerate(replicas, 1):
        region = replica.get("RegionName") if isinstance(replica, dict) else None
        where = f"at '{path}.{number}.member.regionName' failed to satisfy constraint: "
        if region is None:
            errors.append(f"Value null {where}{NOT_NULL}")
        elif region not in KNOWN_REGIONS:
            errors.append(f"Value '{region}' {where}Member must satisfy enum value set: [{REGIONS}]")
    return errors[:MAX_REPORTED]


def _check_regions(replicas: list[Any], path: str) -> None:
    errors = region_errors(replicas, path)
    if errors:
        raise ValidationException(f"{INVALID}: {error_message(errors)}")


def _check_name_length(name: str) -> None:
    if not 3 <= java_length("string", name) <= 255:
        raise ValidationException(NAME_LENGTH)


def _described_name(request: Request) -> str:
    """The GlobalTableName of a Describe, checked as AWS checks it by hand."""
    name = request.get("GlobalTableName")
    if name is None:  # not observed: Coral's answer, as the model gives it
        raise ValidationException(
            error_message([f"Value null at 'globalTableName' failed to satisfy constraint: {NOT_NULL}"])
        )
    _check_name_length(name)
    return str(name)


@operation("CreateGlobalTable")
async def create_global_table(request: Request, ctx: Context) -> Response:
    name = request.get("GlobalTableName")
    replicas = request.get("ReplicationGroup")
    if name is None or replicas is None:
        raise ValidationException(INVALID)
    _check_name_length(name)
    if not replicas:
        raise ValidationException(NO_REPLICA)
    _check_regions(replicas, "replicationGroup")
    raise ValidationException(VERSION_UNSUPPORTED)


@operation("UpdateGlobalTable")
async def update_global_table(request: Request, ctx: Context) -> Response:
    updates: list[Any] = request.get("ReplicaUpdates") or []
    if not updates:
        raise ValidationException(INVALID)
    creates: list[Any] = []
    for update in updates:
        create = update.get("Create") if isinstance(update, dict) else None
        delete = update.get("Delete") if isinstance(update, dict) else None
        if create is not None and delete is not None:
            raise ValidationException(BOTH_ACTIONS)
        if create is None and delete is None:
            raise ValidationException(INVALID)
        if create is not None:
            creates.append(create)
    _check_regions(creates, "replicasToAdd")
    if creates:
        raise ValidationException(VERSION_UNSUPPORTED)
    raise global_table_not_found(request["GlobalTableName"])


@operation("DescribeGlobalTable")
async def describe_global_table(request: Request, ctx: Context) -> Response:
    raise global_table_not_found(_described_name(request))


@operation("ListGlobalTables")
async def list_global_tables(request: Request, ctx: Context) -> Response:
    region = request.get("RegionName")
    if region is not None and region not in KNOWN_REGIONS:
        raise InternalServerError(INTERNAL)
    return {"GlobalTables": []}


@operation("DescribeGlobalTableSettings")
async def describe_global_table_settings(request: Request, ctx: Context) -> Response:
    raise settings_not_found(_described_name(request))


@operation("UpdateGlobalTableSettings")
async def update_global_table_settings(request: Request, ctx: Context) -> Response:
    raise settings_not_found(request["GlobalTableName"])
