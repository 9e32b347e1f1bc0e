"""The DynamoDB Streams API (DynamoDBStreams_20120810, served on the same endpoint): ListStreams,
DescribeStream, GetShardIterator and GetRecords, over storage's streams.

Storage keeps a stream as shards over its table's partition logs (one open shard per partition, rolled
over into child shards, closed when the stream is disabled) and trims them after 24 hours; this module
names them as AWS does (stream_names), hands out and takes back iterators (stream_iterators) and shows
log records as stream records (stream_records). Checks run in DynamoDB Local's order, with AWS's
messages where they are known (README's compatibility notes say which differ from DynamoDB Local).
"""

from __future__ import annotations

import math
from typing import Any

from app.errors import TrimmedDataAccessException, ValidationException
from app.operations.registry import Context, operation
from app.operations.stream_iterators import (
    ShardPosition,
    check_not_expired,
    decode_iterator,
    encode_iterator,
)
from app.operations.stream_names import (
    StreamName,
    describe_shard,
    name_stream,
    parse_sequence_number,
    parse_stream_arn,
    sequence_number,
    shard_not_found,
    stream_not_found,
)
from app.operations.stream_records import RecordContext, render_record
from app.operations.stream_specs import stream_status, view_type_of
from app.operations.table_schema_rules import invalid
from storage.api import ShardInfo, ShardRead, StreamInfo, StreamNotFound, TableMeta

MAX_STREAMS = MAX_SHARDS = 100
MAX_RECORDS = 1000
# GetRecords returns at most 1 MB of records (counted as their SizeBytes), and at least one record.
MAX_RECORD_BYTES = 1024 * 1024
TRIMMED = "The data you are trying to access has been trimmed"
SEQUENCE_NOT_IN_SHARD = "Invalid SequenceNumber for the shard"
BOTH_FILTER_AND_START = "ShardFilter and ExclusiveStartShardId both should not be specified in the request."
AT_SEQUENCE, AFTER_SEQUENCE = "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"
TRIM_HORIZON, LATEST, AT_TIMESTAMP = "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"


async def _stream(ctx: Context, arn: str) -> tuple[StreamName, TableMeta, StreamInfo]:
    """The stream a StreamArn names, its table (as it was, if deleted since: its streams stay readable
    for 24 hours) and storage's record of it (AWS's errors otherwise)."""
    name = parse_stream_arn(arn, ctx.namespace)
    try:
        meta = await ctx.cluster.stream_table(ctx.namespace, name.table, name.label)
    except StreamNotFound:
        raise stream_not_found(arn) from None
    for info in await ctx.cluster.list_streams(ctx.namespace, name.table):
        if info.label == name.label:
            return name_stream(ctx.namespace, name.table, name.label), meta, info
    raise stream_not_found(arn)


async def _shards(ctx: Context, name: StreamName) -> list[ShardInfo]:
    try:
        return await ctx.cluster.stream_shards(ctx.namespace, name.table, name.label)
    except StreamNotFound:
        raise stream_not_found(name.arn) from None


@operation("ListStreams")
async def list_streams(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The namespace's streams (of one table, if named), ordered by ARN; a table that does not exist has
    none (as DynamoDB Local answers)."""
    limit: int = request.get("Limit", MAX_STREAMS)
    if limit > MAX_STREAMS:
        raise invalid(f"Limit cannot be greater than the maximum allowed size: {MAX_STREAMS}")
    streams = await ctx.cluster.list_streams(ctx.namespace, request.get("TableName"))
    names = sorted((name_stream(ctx.namespace, s.table, s.label) for s in streams), key=lambda n: n.arn)
    start = request.get("ExclusiveStartStreamArn")
    if start is not None:
        names = [name for name in names if name.arn > start]
    page = names[:limit]
    out: dict[str, Any] = {
        "Streams": [{"StreamArn": n.arn, "TableName": n.table, "StreamLabel": n.label} for n in page]
    }
    if len(names) > limit:
        out["LastEvaluatedStreamArn"] = page[-1].arn
    return out


def _listed_shards(shards: list[ShardInfo], request: dict[str, Any]) -> list[ShardInfo]:
    """The shards DescribeStream lists before its Limit: the children of ShardFilter's shard, or those
    after ExclusiveStartShardId (all of them when it names no shard of the stream)."""
    shard_filter = request.get("ShardFilter")
    if shard_filter is not None:
        parent = shard_filter.get("ShardId")
        return [s for s in shards if parent is not None and s.parent_shard_id == parent]
    start = request.get("ExclusiveStartShardId")
    ids = [s.shard_id for s in shards]
    if start is not None and start in ids:
        return shards[ids.index(start) + 1 :]
    return shards


@operation("DescribeStream")
async def describe_stream(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    limit: int = request.get("Limit", MAX_SHARDS)
    if limit > MAX_SHARDS:
        raise invalid(f"Limit cannot be greater than the maximum: {MAX_SHARDS}")
    if request.get("ShardFilter") is not None and request.get("ExclusiveStartShardId") is not None:
        raise ValidationException(BOTH_FILTER_AND_START)
    name, meta, info = await _stream(ctx, request["StreamArn"])
    shards = _listed_shards(await _shards(ctx, name), request)
    page = shards[:limit]
    description: dict[str, Any] = {
        "StreamArn": name.arn,
        "StreamLabel": name.label,
        "StreamStatus": stream_status(meta, info, ctx.clock.now()),
        "StreamViewType": view_type_of(meta.spec, name.label),
        "CreationRequestDateTime": math.floor(info.created_at * 1000) / 1000,  # as the label shows it
        "TableName": name.table,
        "KeySchema": meta.spec["key_schema"],
        "Shards": [describe_shard(shard) for shard in page],
    }
    if len(shards) > limit:
        description["LastEvaluatedShardId"] = page[-1].shard_id
    return {"StreamDescription": description}


def _check_iterator_request(kind: str, request: dict[str, Any]) -> None:
    has_sequence = request.get("SequenceNumber") is not None
    if kind in (AT_SEQUENCE, AFTER_SEQUENCE) and not has_sequence:
        raise invalid("Invalid SequenceNumber")
    if kind in (TRIM_HORIZON, LATEST, AT_TIMESTAMP) and has_sequence:
        raise invalid("SequenceNumber should not be passed for this iterator type")
    if kind == AT_TIMESTAMP and request.get("Timestamp") is None:
        raise invalid("Timestamp must be specified for AT_TIMESTAMP iterator type")


def _sequence_position(shard: ShardInfo, kind: str, text: str) -> int:
    """The lsn after which an AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER iterator reads."""
    parsed = parse_sequence_number(text)
    if parsed is None:
        raise ValidationException(SEQUENCE_NOT_IN_SHARD)
    partition, lsn = parsed
    last = None if shard.end is None else max(shard.end, shard.start_after + 1)
    if partition != shard.partition or lsn <= shard.start_after or (last is not None and lsn > last):
        raise ValidationException(SEQUENCE_NOT_IN_SHARD)
    return lsn - 1 if kind == AT_SEQUENCE else lsn


async def _latest(ctx: Context, name: StreamName, shard: ShardInfo) -> int:
    if shard.end is not None:
        return shard.end
    partitions = await ctx.cluster.partitions(ctx.namespace, name.table)
    return max([shard.start_after, *(p.last_lsn for p in partitions if p.index == shard.partition)])


async def _read(ctx: Context, name: StreamName, shard_id: str, after_lsn: int, limit: int) -> ShardRead:
    try:
        return await ctx.cluster.read_shard(ctx.namespace, name.table, name.label, shard_id, after_lsn, limit)
    except StreamNotFound as missing:
        raise (shard_not_found() if missing.args == (shard_id,) else stream_not_found(name.arn)) from None


async def _at_timestamp(ctx: Context, name: StreamName, shard: ShardInfo, after: int, moment: float) -> int:
    """The lsn after which the shard's first record committed at or after `moment` comes."""
    while True:
        read = await _read(ctx, name, shard.shard_id, after, MAX_RECORDS)
        for record in read.records:
            if record.ts >= moment:
                return record.lsn - 1
        if not read.records:
            return after
        after = read.records[-1].lsn


@operation("GetShardIterator")
async def get_shard_iterator(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    kind: str = request["ShardIteratorType"]
    _check_iterator_request(kind, request)
    name, _meta, _info = await _stream(ctx, request["StreamArn"])
    shard = next((s for s in await _shards(ctx, name) if s.shard_id == request["ShardId"]), None)
    if shard is None:
        raise shard_not_found()
    horizon = (await _read(ctx, name, shard.shard_id, shard.start_after, 0)).trimmed_through
    if kind == TRIM_HORIZON:
        after = max(horizon, shard.start_after)
    elif kind == LATEST:
        after = await _latest(ctx, name, shard)
    elif kind == AT_TIMESTAMP:
        after = await _at_timestamp(
            ctx, name, shard, max(horizon, shard.start_after), float(request["Timestamp"])
        )
    else:
        after = _sequence_position(shard, kind, request["SequenceNumber"])
        if after < horizon:
            raise TrimmedDataAccessException(TRIMMED)
    position = ShardPosition(name.arn, shard.shard_id, shard.partition, after, ctx.clock.now())
    return {"ShardIterator": encode_iterator(position)}


@operation("GetRecords")
async def get_records(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    position = decode_iterator(request["ShardIterator"])
    now = ctx.clock.now()
    check_not_expired(position, now)
    limit: int = request.get("Limit", MAX_RECORDS)
    if limit > MAX_RECORDS:
        raise invalid(f"Limit should be less than or equal to {MAX_RECORDS}")
    name, meta, _info = await _stream(ctx, position.stream_arn)
    read = await _read(ctx, name, position.shard_id, position.after_lsn, limit)
    if position.after_lsn < read.trimmed_through:
        raise TrimmedDataAccessException(TRIMMED)
    where = RecordContext(
        name.arn,
        meta.key_schema.names(),
        view_type_of(meta.spec, name.label),
        ctx.namespace.region,
        position.partition,
    )
    records: list[dict[str, Any]] = []
    total, after = 0, position.after_lsn
    for record in read.records:
        shown = render_record(record, where, sequence_number(position.partition, record.lsn))
        total += shown["dynamodb"]["SizeBytes"]
        if records and total > MAX_RECORD_BYTES:
            break
        records.append(shown)
        after = record.lsn
    out: dict[str, Any] = {"Records": records}
    if not (read.drained and len(records) == len(read.records)):
        next_position = ShardPosition(name.arn, position.shard_id, position.partition, after, now)
        out["NextShardIterator"] = encode_iterator(next_position)
    return out
