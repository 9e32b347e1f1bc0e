"""TagResource, UntagResource and ListTagsOfResource: the tags of a table, kept in its spec (`tags`).

Checks run in AWS's order: the ARN (tag_arns), the request's tags or keys (tag_rules), then the table.
A table still CREATING is not known to AWS's tagging yet (ResourceNotFoundException, for CreateTable's own
tags too); while it is DELETING its tags can still be listed and a request that changes nothing succeeds,
but a change is refused with ResourceInUseException. Tags go with the table: a new table of the same name
starts without any.

AWS applies tag changes a second or two after answering (ListTagsOfResource shows the old set meanwhile)
and refuses a second change in that window ("Table tags are being updated"); here a change is visible at
once and never refused for that reason.
"""

from __future__ import annotations

from typing import Any

from app.errors import ResourceInUseException, ValidationException
from app.operations.registry import Context, operation
from app.operations.table_lookup import CREATING, DELETING, table_status
from app.operations.table_spec import copy_spec
from app.operations.tag_arns import not_found, tagged_table
from app.operations.tag_rules import NO_TAGS, Tag, check_tag_keys, check_tags, merged, without
from storage.api import TableMeta, TableNotFound


def _resource(request: dict[str, Any], ctx: Context) -> tuple[str, str]:
    """The ARN a tagging request names and the name of its table (which may not exist)."""
    arn = request.get("ResourceArn")
    name = tagged_table(arn, ctx.namespace)
    assert arn is not None  # tagged_table refuses a missing ARN
    return arn, name


async def _table(ctx: Context, arn: str, name: str) -> tuple[TableMeta, str]:
    """The table and its status. ResourceNotFoundException when it does not exist or is still
    CREATING."""
    try:
        meta = await ctx.cluster.get_table(ctx.namespace, name)
    except TableNotFound:
        raise not_found(arn) from None
    status = table_status(meta, ctx.clock.now())
    if status == CREATING:
        raise not_found(arn)
    return meta, status


async def _store(ctx: Context, arn: str, meta: TableMeta, status: str, tags: list[Tag]) -> None:
    """Keep `tags` as the table's tags, unless they are what it has."""
    if tags == meta.spec["tags"]:
        return
    if status == DELETING:
        raise ResourceInUseException(
            f"Attempt to change a resource which is still in use: Table is being deleted: {meta.name}"
        )
    spec = copy_spec(meta.spec)
    spec["tags"] = tags
    try:
        await ctx.cluster.update_table(ctx.namespace, meta.name, spec)
    except TableNotFound:
        raise not_found(arn) from None


@operation("TagResource")
async def tag_resource(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    arn, name = _resource(request, ctx)
    requested = request.get("Tags") or []
    if not requested:
        raise ValidationException(NO_TAGS)
    added = check_tags(requested)
    meta, status = await _table(ctx, arn, name)
    await _store(ctx, arn, meta, status, merged(meta.spec["tags"], added))
    return {}


@operation("UntagResource")
async def untag_resource(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    arn, name = _resource(request, ctx)
    keys = check_tag_keys(request.get("TagKeys") or [])
    meta, status = await _table(ctx, arn, name)
    await _store(ctx, arn, meta, status, without(meta.spec["tags"], keys))
    return {}


@operation("ListTagsOfResource")
async def list_tags_of_resource(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    # A table has at most 50 tags, which AWS lists on one page: no NextToken is ever returned, and one
    # given (the model allows it) has nothing to continue.
    meta, _ = await _table(ctx, *_resource(request, ctx))
    return {"Tags": [dict(tag) for tag in meta.spec["tags"]]}
