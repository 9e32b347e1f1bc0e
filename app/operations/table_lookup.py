"""Finding a table for a request: names and ARNs, the table's DynamoDB status, and the two lookups every
handler uses (`existing_table` for the control plane, `active_table` for item operations), each with the
ResourceNotFoundException text AWS sends for that family of operations.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from app.operations.registry import Context
from storage.api import Namespace, TableMeta, TableNotFound

NAME_PATTERN = "[a-zA-Z0-9_.-]+"
NAME_MIN, NAME_MAX = 3, 255
_NAME_RE = re.compile(NAME_PATTERN)
_TABLE_ARN_RE = re.compile(r"arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/([^/]+)")

ACTIVE = "ACTIVE"
CREATING = "CREATING"
UPDATING = "UPDATING"
DELETING = "DELETING"


def table_arn(ns: Namespace, name: str) -> str:
    return f"arn:aws:dynamodb:{ns.region}:{ns.account}:table/{name}"


def index_arn(ns: Namespace, table: str, index: str) -> str:
    return f"{table_arn(ns, table)}/index/{index}"


def stream_arn(ns: Namespace, table: str, label: str) -> str:
    return f"{table_arn(ns, table)}/stream/{label}"


def name_errors(value: str, field: str) -> list[str]:
    """The Coral constraint violations of a table or index name, in the order AWS lists them."""
    quoted = f"Value '{value}' at '{field}' failed to satisfy constraint: "
    errors = []
    if not _NAME_RE.fullmatch(value):
        errors.append(quoted + f"Member must satisfy regular expression pattern: {NAME_PATTERN}")
    if len(value) < NAME_MIN:
        errors.append(quoted + f"Member must have length greater than or equal to {NAME_MIN}")
    elif len(value) > NAME_MAX:
        errors.append(quoted + f"Member must have length less than or equal to {NAME_MAX}")
    return errors


def validation_errors(errors: list[str]) -> ValidationException:
    """One ValidationException carrying Coral-style constraint violations."""
    count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: "
    return ValidationException(count + "; ".join(errors))


@lru_cache(maxsize=4096)  # every item request names its table; the answer only depends on the text
def resolve_table_name(value: str, ns: Namespace) -> tuple[str, bool]:
    """The table name a request's TableName means, and whether it can name a table here: a plain name
    (validated as AWS validates it) or a table ARN, which names no table here when it belongs to another
    account or region."""
    match = _TABLE_ARN_RE.fullmatch(value)
    if match is not None:
        region, account, name = match.groups()
        if (region, account) != (ns.region, ns.account):
            return name, False
        value = name
    errors = name_errors(value, "tableName")
    if errors:
        raise validation_errors(errors)
    return value, True


def table_status(meta: TableMeta, now: float) -> str:
    """DynamoDB's TableStatus: storage says whether the table is being deleted, the spec when it stops
    being CREATING or UPDATING."""
    if meta.status == DELETING:
        return DELETING
    if now < meta.spec["ready_at"]:
        return CREATING
    until = meta.spec.get("updating_until")
    if until is not None and now < until:
        return UPDATING
    return ACTIVE


def updating_kind(meta: TableMeta, now: float) -> str | None:
    """What an UPDATING table is busy with (a kind of table_update_parts), or None when not UPDATING."""
    if table_status(meta, now) != UPDATING:
        return None
    kind: str = meta.spec["updating"]
    return kind


def check_changeable(name: str, status: str) -> None:
    """AWS's ResourceInUseException for a change to a table that is being created or deleted."""
    if status == CREATING:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being created: {name}"
        )
    if status == DELETING:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being deleted: {name}"
        )


async def existing_table(ctx: Context, table_name: str) -> TableMeta:
    """The table a control-plane request names, in any status (DescribeTable, UpdateTable, DeleteTable,
    …). Raises AWS's control-plane ResourceNotFoundException."""
    name, here = resolve_table_name(table_name, ctx.namespace)
    try:
        if here:
            return await ctx.cluster.get_table(ctx.namespace, name)
    except TableNotFound:
        pass
    raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")


async def active_table(ctx: Context, table_name: str) -> TableMeta:
    """The table an item operation names. A table that does not exist, is still CREATING or is being
    deleted does not serve items: AWS answers all three with a bare "Requested resource not found"."""
    name, here = resolve_table_name(table_name, ctx.namespace)
    try:
        if here:
            meta = await ctx.cluster.get_table(ctx.namespace, name)
            if table_status(meta, ctx.clock.now()) not in (CREATING, DELETING):
                return meta
    except TableNotFound:
        pass
    raise ResourceNotFoundException("Requested resource not found")
