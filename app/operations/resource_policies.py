"""PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: the resource-based policy of a table and
of each of its streams, kept in the table's spec (`resource_policy`, `stream_policies` by label), and the
checks of a policy document (shared with CreateTable's `ResourcePolicy`).

localddb keeps policies but does not enforce them (it has no IAM). What AWS does, as observed (2026, the
aws-verified tests of moto and recorded AWS answers):
- A slot (the table's, or a stream's) holds a policy and its RevisionId: the epoch milliseconds of the
  change, as a 13-digit string. A Put of a document equivalent to the current one (same canonical form:
  minified, keys in IAM's order, 1-element lists as strings, account ids as root ARNs) changes nothing
  and returns the current RevisionId. A Delete removes the policy and answers the removed RevisionId; the
  slot then keeps the deletion's time as a tombstone revision, which later Deletes answer (a slot that
  never had a policy answers an empty Delete). ExpectedRevisionId mismatches are PolicyNotFoundException.
- A table still CREATING, or missing, is ResourceNotFoundException "Table: X not found"; while it is
  DELETING its policy can be read, but changes are refused (ResourceInUseException).
- AWS refuses a second change within 15 s of the last one (ResourceInUseException, then
  ThrottlingException) and applies changes a second or two late (GetResourcePolicy shows the old one
  meanwhile); localddb applies each change at once and never refuses one for that reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.errors import (
    PolicyNotFoundException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from app.operations.registry import Context, operation
from app.operations.table_lookup import CREATING, DELETING, name_errors, table_status
from app.operations.table_spec import Spec, copy_spec
from app.operations.tag_arns import split_arn
from storage.api import Namespace, TableMeta, TableNotFound

INVALID = "One or more parameter values were invalid: "
INVALID_DOCUMENT = INVALID + "Invalid policy document: "
NOT_FOUND = "Resource-based policy not found for the provided ResourceArn: "
MAX_POLICY_BYTES = 20480
NO_POLICY = "NO_POLICY"
PARTITION = "aws"
UNBOUNDED = (
    "Resource-based policy grants unbounded access in one or more elements. "
    "Please revise the policy to ensure least-privilege form of access"
)
# IAM's order of the members of a policy and of a statement; members not listed follow in their order.
_DOCUMENT_ORDER = ("Version", "Id", "Statement")
_STATEMENT_ORDER = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_LISTS = ("Action", "NotAction", "Resource", "NotResource")


# --- the ARN --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyTarget:
    """What a ResourceArn names: a table, or one of its streams (`stream_label` set)."""

    arn: str
    table: str
    stream_label: str | None = None

    @property
    def subject(self) -> str:
        """How AWS's messages name the slot ("table X"; for a stream, by analogy, "stream <label>")."""
        return f"stream {self.stream_label}" if self.stream_label else f"table {self.table}"


def _invalid_arn(arn: str) -> ValidationException:
    return ValidationException(f"{INVALID}Invalid resource Arn: {arn}")


def policy_target(arn: str, ns: Namespace) -> PolicyTarget:
    """The table or stream `arn` names in namespace `ns` (which may not exist), or AWS's error. Observed:
    a bare name, another account, region or partition, an index or backup ARN. By analogy: another
    service is "not a DynamoDB resource arn", a malformed ARN or table name an "Invalid resource Arn"."""
    partition, service, region, account, resource = split_arn(arn, _invalid_arn)
    if service != "dynamodb":
        raise ValidationException(f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}")
    if account != ns.account:
        raise ValidationException(
            "This action is only supported by accounts that match the resource owner\u2019s account."
        )
    kind, _, path = resource.partition("/")
    name, *rest = path.split("/")
    if kind != "table" or (len(rest) == 2 and rest[0] == "backup"):
        raise ValidationException(f"{INVALID}Provided Arn is not a DynamoDB resource arn: {arn}")
    if len(rest) == 2 and rest[0] == "index":
        raise ValidationException(
            f"{INVALID}Invalid resource arn provided, only table or stream is accepted. "
            f"Provided resource arn: {arn}"
        )
    label = None
    if rest:
        if len(rest) != 2 or rest[0] != "stream" or not rest[1]:
            raise _invalid_arn(arn)
        label = rest[1]
    if partition != PARTITION or region != ns.region or name_errors(name, "tableName"):
        raise _invalid_arn(arn)
    return PolicyTarget(arn, name, label)


# --- the document ---------------------------------------------------------------------------------------


def _invalid_document(reason: str) -> ValidationException:
    return ValidationException(INVALID_DOCUMENT + reason)


def _collapsed(value: Any) -> Any:
    """A list without repeats, and a 1-element list as its element (IAM's canonical form)."""
    if not isinstance(value, list):
        return value
    unique: list[Any] = []
    for element in value:
        if element not in unique:
            unique.append(element)
    return unique[0] if len(unique) == 1 else unique


def _principal(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    for kind, names in value.items():
        if kind == "AWS":
            listed = names if isinstance(names, list) else [names]
            names = [
                f"arn:{PARTITION}:iam::{n}:root" if isinstance(n, str) and len(n) == 12 and n.isdigit() else n
                for n in listed
            ]
        out[kind] = _collapsed(names)
    return out


def _ordered(members: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    first = {key: members[key] for key in order if key in members}
    return first | {key: value for key, value in members.items() if key not in first}


def _canonical_statement(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    for key in _LISTS:
        if key in out:
            out[key] = _collapsed(out[key])
    for key in ("Principal", "NotPrincipal"):
        if key in out:
            out[key] = _principal(out[key])
    return _ordered(out, _STATEMENT_ORDER)


def _grants_everyone(statement: dict[str, Any]) -> bool:
    """An Allow to any principal without a Condition: what DynamoDB's guardrail refuses."""
    if statement.get("Effect") != "Allow" or "Condition" in statement:
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        names = principal.get("AWS")
        return names == "*" or (isinstance(names, list) and "*" in names)
    return False


def checked_policy(text: str) -> str:
    """The canonical form of policy document `text` (what GetResourcePolicy returns), or AWS's error.
    Observed: the size limit (whitespace counts), invalid JSON, an empty Statement, a statement without
    Resource, repeated Sids, an Allow to everyone. IAM's further grammar is not checked here."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise ValidationException(f"{INVALID}Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded")
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise _invalid_document("This policy contains invalid Json")
    statements = document.get("Statement")
    listed = statements if isinstance(statements, list) else [statements] if statements else []
    if not listed:
        raise _invalid_document("Could not parse the policy: Statement is empty!")
    if not all(isinstance(statement, dict) for statement in listed):
        raise _invalid_document("This policy contains invalid Json")
    if any("Resource" not in s and "NotResource" not in s for s in listed):
        raise _invalid_document("Missing required field Resource")
    sids = [s["Sid"] for s in listed if "Sid" in s]
    if len(sids) != len(set(map(str, sids))):
        raise _invalid_document("The Statement Ids in the policy are not unique")
    if any(_grants_everyone(s) for s in listed):
        raise ValidationException(UNBOUNDED)
    canonical = [_canonical_statement(s) for s in listed]
    document["Statement"] = canonical if isinstance(statements, list) else canonical[0]
    return json.dumps(_ordered(document, _DOCUMENT_ORDER), separators=(",", ":"), ensure_ascii=False)


# --- slots and revisions --------------------------------------------------------------------------------


def revision_at(now: float, previous: str | None) -> str:
    """The RevisionId of a change at `now`: its epoch milliseconds, and always above the previous one."""
    millis = int(now * 1000)
    if previous is not None and previous.isdigit():
        millis = max(millis, int(previous) + 1)
    return str(millis)


def new_policy_slot(policy: str | None, now: float) -> dict[str, Any] | None:
    """The spec's `resource_policy` of a new table given CreateTable's checked ResourcePolicy."""
    return None if policy is None else {"Policy": policy, "RevisionId": revision_at(now, None)}


def policy_slot(meta: TableMeta, target: PolicyTarget) -> dict[str, Any] | None:
    """The slot {Policy (None after a delete), RevisionId} of `target`, None if it never had a policy."""
    if target.stream_label is not None:
        slot: dict[str, Any] | None = (meta.spec.get("stream_policies") or {}).get(target.stream_label)
        return slot
    stored = meta.spec.get("resource_policy")
    if isinstance(stored, str):  # tables created before the policy operations kept the text as given
        return {"Policy": stored, "RevisionId": revision_at(meta.created_at, None)}
    return stored


def check_expected(
    expected: str | None, slot: dict[str, Any] | None, target: PolicyTarget, put: bool
) -> None:
    """Refuse a change whose ExpectedRevisionId does not hold (`NO_POLICY` means none, for a Put)."""
    if expected is None:
        return
    policy = slot["Policy"] if slot else None
    revision = slot["RevisionId"] if slot else None
    prefix = f"{NOT_FOUND}Requested "
    if put and expected == NO_POLICY:
        if policy is not None:
            raise PolicyNotFoundException(
                f"{prefix}policy update expecting none to be present for {target.subject}, "
                f"but a policy exists with revision id {revision}."
            )
        return
    if revision is None:
        raise PolicyNotFoundException(
            f"{prefix}update for policy with revision id {expected}, but {target.subject} has no associated "
            "policy."
        )
    if revision != expected:
        raise PolicyNotFoundException(
            f"{prefix}update for policy with revision id {expected}, but the policy associated to target "
            f"{target.subject} has revision id {revision}."
        )


# --- the operations -------------------------------------------------------------------------------------


def _table_not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")


async def _owner(ctx: Context, target: PolicyTarget, reading: bool) -> tuple[TableMeta, str]:
    """The table that holds `target`'s slot, and its status; AWS's error when there is none."""
    try:
        meta = await ctx.cluster.get_table(ctx.namespace, target.table)
    except TableNotFound:
        if reading and target.stream_label is not None:  # observed: a gone table's stream has no policy
            raise PolicyNotFoundException(NOT_FOUND + target.arn) from None
        raise _table_not_found(target.table) from None
    status = table_status(meta, ctx.clock.now())
    if status == CREATING:
        raise _table_not_found(target.table)
    label = target.stream_label
    if (
        label is not None
        and label != meta.spec.get("stream_label")
        and label not in (meta.spec.get("stream_views") or {})
    ):
        raise ResourceNotFoundException(
            f"Requested resource not found: Stream: {label} not found for Table: {target.table}"
        )
    return meta, status


async def _store(
    ctx: Context, meta: TableMeta, target: PolicyTarget, status: str, slot: dict[str, Any]
) -> None:
    if status == DELETING:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being deleted: {meta.name}"
        )
    spec: Spec = copy_spec(meta.spec)
    if target.stream_label is None:
        spec["resource_policy"] = slot
    else:
        spec["stream_policies"] = (spec.get("stream_policies") or {}) | {target.stream_label: slot}
    try:
        await ctx.cluster.update_table(ctx.namespace, meta.name, spec)
    except TableNotFound:
        raise _table_not_found(meta.name) from None


@operation("PutResourcePolicy")
async def put_resource_policy(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    # ConfirmRemoveSelfResourceAccess only matters where policies are enforced: accepted and ignored.
    target = policy_target(request["ResourceArn"], ctx.namespace)
    policy = checked_policy(request["Policy"])
    meta, status = await _owner(ctx, target, reading=False)
    slot = policy_slot(meta, target)
    check_expected(request.get("ExpectedRevisionId"), slot, target, put=True)
    if slot is not None and slot["Policy"] == policy:
        return {"RevisionId": slot["RevisionId"]}
    revision = revision_at(ctx.clock.now(), slot["RevisionId"] if slot else None)
    await _store(ctx, meta, target, status, {"Policy": policy, "RevisionId": revision})
    return {"RevisionId": revision}


@operation("GetResourcePolicy")
async def get_resource_policy(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    target = policy_target(request["ResourceArn"], ctx.namespace)
    meta, _ = await _owner(ctx, target, reading=True)
    slot = policy_slot(meta, target)
    if slot is None or slot["Policy"] is None:
        raise PolicyNotFoundException(NOT_FOUND + target.arn)
    return {"Policy": slot["Policy"], "RevisionId": slot["RevisionId"]}


@operation("DeleteResourcePolicy")
async def delete_resource_policy(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    target = policy_target(request["ResourceArn"], ctx.namespace)
    meta, status = await _owner(ctx, target, reading=False)
    slot = policy_slot(meta, target)
    check_expected(request.get("ExpectedRevisionId"), slot, target, put=False)
    if slot is None:
        return {}
    if slot["Policy"] is None:  # deleted before: the deletion's revision (a tombstone) answers
        return {"RevisionId": slot["RevisionId"]}
    tombstone = revision_at(ctx.clock.now(), slot["RevisionId"])
    await _store(ctx, meta, target, status, {"Policy": None, "RevisionId": tombstone})
    return {"RevisionId": slot["RevisionId"]}
