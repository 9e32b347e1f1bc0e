"""A table's streams on the control-plane side: turning a StreamSpecification into storage's streams, and
what the table's spec remembers of them.

Storage starts and ends streams (`enable_stream`, `disable_stream`) and names them (the label); the spec
keeps the enabled StreamSpecification (`stream`), the latest label (`stream_label`, kept after the stream
is disabled, as DescribeTable shows it) and the view type of each stream still readable
(`stream_views`, by label), since storage's records carry both images and the view type is applied when
they are read. The request rules and their messages are in table_options (CreateTable) and
table_update_parts (UpdateTable).

A stream is ENABLING while its table is CREATING or UPDATING for the stream's change, DISABLING while
the change that disabled it is in progress (both only with `--status-delay`).
"""

from __future__ import annotations

from app.operations.registry import Context
from app.operations.stream_records import KEYS_ONLY
from app.operations.table_lookup import CREATING, table_status, updating_kind
from app.operations.table_spec import Spec, copy_spec
from app.operations.table_update_parts import STREAM, UpdatePlan
from storage.api import Namespace, StreamInfo, TableMeta

ENABLE, DISABLE = "ENABLE", "DISABLE"


def view_type_of(spec: Spec, label: str) -> str:
    """The StreamViewType of the table's stream `label`."""
    views: dict[str, str] = spec.get("stream_views") or {}
    if label in views:
        return views[label]
    stream = spec.get("stream")
    if stream is not None and label == spec.get("stream_label"):
        return str(stream["StreamViewType"])
    return KEYS_ONLY


async def enable_stream_in(ctx: Context, ns: Namespace, table: str, spec: Spec) -> None:
    """Start a stream of the table of `ns` in storage (the view type its private spec's `stream` names);
    record its label and view type in that spec. Global tables start their members' streams this way."""
    info = await ctx.cluster.enable_stream(ns, table)
    readable = {stream.label for stream in await ctx.cluster.list_streams(ns, table)}
    views = {label: view for label, view in (spec.get("stream_views") or {}).items() if label in readable}
    views[info.label] = spec["stream"]["StreamViewType"]
    spec["stream_label"], spec["stream_views"] = info.label, views


async def _enable(ctx: Context, table: str, spec: Spec) -> None:
    await enable_stream_in(ctx, ctx.namespace, table, spec)


async def start_table_stream(ctx: Context, meta: TableMeta) -> TableMeta:
    """After CreateTable: the stream its StreamSpecification asked for (the meta unchanged without one)."""
    if meta.spec["stream"] is None:
        return meta
    spec = copy_spec(meta.spec)
    await _enable(ctx, meta.name, spec)
    return await ctx.cluster.update_table(ctx.namespace, meta.name, spec)


async def apply_stream_change(ctx: Context, plan: UpdatePlan) -> None:
    """After UpdateTable's checks: start or end the stream in storage as the plan says."""
    if plan.stream_change == ENABLE:
        await _enable(ctx, plan.name, plan.spec)
    elif plan.stream_change == DISABLE:
        await ctx.cluster.disable_stream(ctx.namespace, plan.name)


def stream_status(meta: TableMeta, stream: StreamInfo, now: float) -> str:
    """StreamStatus of one of the table's streams."""
    latest = stream.label == meta.spec.get("stream_label")
    changing = latest and updating_kind(meta, now) == STREAM
    if stream.disabled_at is None:
        return "ENABLING" if latest and (table_status(meta, now) == CREATING or changing) else "ENABLED"
    return "DISABLING" if changing and meta.spec.get("stream_operation") == DISABLE else "DISABLED"
