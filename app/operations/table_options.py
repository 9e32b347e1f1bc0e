"""The optional parts of a table that CreateTable and UpdateTable share: billing mode and capacity
(provisioned, on-demand maximums, warm throughput), streams and server-side encryption, each checked
with AWS's messages and turned into the spec's form (tags: app/operations/tag_rules.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from app.errors import LimitExceededException, ValidationException
from app.operations.table_schema_rules import invalid
from app.operations.table_spec import ON_DEMAND_WARM_READ, ON_DEMAND_WARM_WRITE, PAY_PER_REQUEST, PROVISIONED
from app.operations.table_throughput import TABLE_MAX_UNITS
from storage.api import Namespace

ON_DEMAND_MEMBERS = ("MaxReadRequestUnits", "MaxWriteRequestUnits")
WARM_MEMBERS = ("ReadUnitsPerSecond", "WriteUnitsPerSecond")
# Beyond this AWS calls a capacity value out of bounds before looking at quotas.
UNITS_BOUND = 1_000_000_000_000
ON_DEMAND_WARM_HELP = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "on-demand-capacity-mode.html#on-demand-capacity-mode-initial"
)
AWS_MANAGED_KEY_ALIAS = "alias/aws/dynamodb"


def check_create_billing(request: dict[str, Any]) -> str:
    """The billing mode of a CreateTable request, after AWS's checks of the capacity members."""
    mode: str = request.get("BillingMode", PROVISIONED)
    throughput = request.get("ProvisionedThroughput")
    if mode == PAY_PER_REQUEST:
        if throughput is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                "PAY_PER_REQUEST"
            )
        return mode
    if throughput is None:
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    on_demand = request.get("OnDemandThroughput") or {}
    for member in ON_DEMAND_MEMBERS:
        if member in on_demand:
            raise invalid(
                f"{member} for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED."
            )
    for dimension in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput[dimension] > UNITS_BOUND:
            raise ValidationException(f"Given value {throughput[dimension]} for {dimension} is out of bounds")
    return mode


def check_on_demand_range(on_demand: dict[str, Any] | None, index: str | None, clear_allowed: bool) -> None:
    """On-demand maximums must be positive (-1 clears a member on UpdateTable)."""
    where = "table" if index is None else f"index : {index}"
    for member in ON_DEMAND_MEMBERS:
        value = (on_demand or {}).get(member)
        if value is not None and value < 1 and not (clear_allowed and value == -1):
            raise invalid(f"Requested {member} for OnDemandThroughput for {where} is outside of valid range")


def check_on_demand_quota(on_demand: dict[str, Any] | None, region: str, index: str | None = None) -> None:
    where = "table" if index is None else f"index : {index}"
    for member, quota in zip(
        ON_DEMAND_MEMBERS, ("TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"), strict=True
    ):
        value = (on_demand or {}).get(member)
        if value is not None and value > TABLE_MAX_UNITS:
            raise LimitExceededException(
                f"Subscriber limit exceeded: Requested {member} for OnDemandThroughput for {where} exceeds "
                f"{quota} of the account in region {region}"
            )


def initial_warm(
    requested: dict[str, Any] | None, mode: str, throughput: dict[str, Any] | None, index: str | None
) -> dict[str, int]:
    """The warm throughput of a new table or index: at least the on-demand initial rates, or the
    provisioned units; a lower request is refused."""
    where = "table" if index is None else f"index {index}"
    if mode == PAY_PER_REQUEST:
        floors = (ON_DEMAND_WARM_READ, ON_DEMAND_WARM_WRITE)
    else:
        assert throughput is not None
        floors = (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"])
    warm = {}
    for member, floor, units in zip(
        WARM_MEMBERS, floors, ("ReadCapacityUnits", "WriteCapacityUnits"), strict=True
    ):
        value = (requested or {}).get(member)
        if value is not None and value < floor:
            if mode == PAY_PER_REQUEST:
                raise invalid(
                    f"Requested {member} for WarmThroughput for {where} is lower than initial throughput for "
                    f"OnDemand. See: {ON_DEMAND_WARM_HELP}"
                )
            raise invalid(
                f"Requested {member} for WarmThroughput for {where} is lower than {units} of "
                "ProvisionedThroughput"
            )
        warm[member] = floor if value is None else value
    return warm


def check_create_stream(stream: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stored StreamSpecification of a new table (None: no stream)."""
    if stream is None:
        return None
    view = stream.get("StreamViewType")
    if stream["StreamEnabled"]:
        if view is None:
            raise invalid("Table is being created with a stream enabled, UpdateViewType is required")
        return {"StreamEnabled": True, "StreamViewType": view}
    if view is not None:
        raise invalid("Table is being created with a stream disabled, UpdateViewType should not be specified")
    return None


def kms_key_arn(key_id: str | None, ns: Namespace) -> str:
    """The key ARN DynamoDB reports for a KMSMasterKeyId (key id, key ARN, alias name or alias ARN).
    There is no KMS here: an alias stands for a key id derived from its name, stable per namespace."""
    if key_id is None:
        key_id = AWS_MANAGED_KEY_ALIAS
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    alias = key_id.split(":", 5)[-1] if key_id.startswith("arn:") else key_id
    if alias.startswith("alias/"):
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kms:{ns.account}:{ns.region}:{alias}"))
    return f"arn:aws:kms:{ns.region}:{ns.account}:key/{key_id}"


def check_sse(sse: dict[str, Any] | None, ns: Namespace) -> dict[str, Any] | None:
    """The stored encryption of an SSESpecification: {SSEType, KMSMasterKeyArn}, or None for the default
    (AWS-owned key) encryption that DynamoDB does not describe."""
    if sse is None:
        return None
    enabled, kind, key_id = sse.get("Enabled"), sse.get("SSEType"), sse.get("KMSMasterKeyId")
    if enabled is False:
        if kind is not None:
            raise invalid("SSEType can not be specified if Enabled is false")
        if key_id is not None:
            raise invalid("KMSMasterKeyId can not be specified if Enabled is false")
        return None
    if kind == "AES256":
        raise invalid("SSEType AES256 is not supported")
    if key_id is not None and kind != "KMS":
        raise invalid("SSEType KMS is required if KMSMasterKeyId is specified")
    if enabled is None and kind is None:
        return None
    return {"SSEType": "KMS", "KMSMasterKeyArn": kms_key_arn(key_id, ns)}
