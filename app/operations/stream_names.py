"""How DynamoDB Streams names things: stream ARNs (and the table and label they name), shards as
DescribeStream shows them, and sequence numbers.

A stream ARN is `arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`, the label being the stream's
creation time in UTC to the millisecond (`2026-12-03T09:05:12.345`). One that does not have that form is
refused with AWS's "Invalid StreamArn"; one that does but names no stream of the caller's namespace is
not found.

Sequence numbers are numeric strings of 21 digits: four for the partition, then the partition's log
sequence number (lsn) in seventeen. So they increase within a shard (a shard is a range of one
partition's log) and no two records of a stream share one. Storage's shard ids already have AWS's form
(`shardId-<20 digits>-<8 hex>`) and are shown as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import ResourceNotFoundException, ValidationException
from app.operations.table_lookup import stream_arn
from storage.api import Namespace, ShardInfo

_STREAM_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})"
    r"/stream/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})"
)
_DIGITS = re.compile(r"[0-9]+")
LSN_DIGITS = 17
PARTITION_DIGITS = 4
_LSN_SPAN = 10**LSN_DIGITS

INVALID_STREAM_ARN = "Invalid StreamArn"
SHARD_NOT_FOUND = "Requested resource not found: Shard does not exist"


@dataclass(frozen=True)
class StreamName:
    """A stream of the caller's namespace, as its ARN names it."""

    arn: str
    table: str
    label: str


def stream_not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")


def shard_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException(SHARD_NOT_FOUND)


def parse_stream_arn(arn: str, ns: Namespace) -> StreamName:
    """The stream a StreamArn names. Raises ValidationException for an ARN that is not a stream ARN and
    ResourceNotFoundException for one of another account or region."""
    match = _STREAM_ARN.fullmatch(arn)
    if match is None:
        raise ValidationException(INVALID_STREAM_ARN)
    region, account, table, label = match.groups()
    if (region, account) != (ns.region, ns.account):
        raise stream_not_found(arn)
    return StreamName(arn, table, label)


def name_stream(ns: Namespace, table: str, label: str) -> StreamName:
    return StreamName(stream_arn(ns, table, label), table, label)


def sequence_number(partition: int, lsn: int) -> str:
    """The sequence number of a partition's log record."""
    return f"{partition:0{PARTITION_DIGITS}d}{lsn:0{LSN_DIGITS}d}"


def parse_sequence_number(text: str) -> tuple[int, int] | None:
    """(partition, lsn) of a sequence number, or None when the text is not one."""
    if _DIGITS.fullmatch(text) is None:
        return None
    value = int(text)
    return value // _LSN_SPAN, value % _LSN_SPAN


def describe_shard(shard: ShardInfo) -> dict[str, object]:
    """A Shard of DescribeStream. A closed shard has an EndingSequenceNumber (a closed shard that never
    held a record ends where it starts, as DynamoDB Local shows it)."""
    first = shard.start_after + 1
    numbers = {"StartingSequenceNumber": sequence_number(shard.partition, first)}
    if shard.end is not None:
        numbers["EndingSequenceNumber"] = sequence_number(shard.partition, max(shard.end, first))
    out: dict[str, object] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent_shard_id is not None:
        out["ParentShardId"] = shard.parent_shard_id
    return out
