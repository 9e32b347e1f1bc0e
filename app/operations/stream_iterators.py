"""Shard iterators: what GetShardIterator hands out and GetRecords takes back.

An iterator has AWS's shape, `<stream ARN>|1|<token>`: the token (base64) holds the shard id, its partition,
the lsn after which reading goes on and the time the iterator was issued, sealed with an HMAC over the whole
iterator, so an altered or made-up iterator is refused ("Invalid ShardIterator") rather than read. The key
is fixed: iterators survive a restart of a server that keeps its data (they expire soon anyway).

Iterators expire 15 minutes after they are issued, on the server's clock (ExpiredIteratorException, with
the message AWS's stream services send).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from app.errors import ExpiredIteratorException, ValidationException

ITERATOR_LIFETIME = 15 * 60.0
VERSION = "1"
INVALID_ITERATOR = "Invalid ShardIterator"
_KEY = b"localddb shard iterator v1"
_MAC_BYTES = 12
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ShardPosition:
    """Where an iterator points: a shard of a stream (and the partition whose log it reads), the lsn
    after which it reads, and when it was issued."""

    stream_arn: str
    shard_id: str
    partition: int
    after_lsn: int
    issued_at: float


def _mac(stream_arn: str, payload: bytes) -> bytes:
    return hmac.new(_KEY, stream_arn.encode() + b"|" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def encode_iterator(position: ShardPosition) -> str:
    issued = round(position.issued_at * 1000)
    payload = f"{position.shard_id}|{position.partition}|{position.after_lsn}|{issued}".encode()
    token = base64.b64encode(payload + _mac(position.stream_arn, payload)).decode()
    return f"{position.stream_arn}|{VERSION}|{token}"


def decode_iterator(text: str) -> ShardPosition:
    """The position an iterator of ours points at. Raises AWS's ValidationException for anything else."""
    stream_arn, _, rest = text.rpartition("|")
    stream_arn, _, version = stream_arn.rpartition("|")
    try:
        sealed = base64.b64decode(rest, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationException(INVALID_ITERATOR) from None
    payload, mac = sealed[:-_MAC_BYTES], sealed[-_MAC_BYTES:]
    if version != VERSION or not hmac.compare_digest(mac, _mac(stream_arn, payload)):
        raise ValidationException(INVALID_ITERATOR)
    shard_id, partition, after, issued = payload.decode().split("|")
    return ShardPosition(stream_arn, shard_id, int(partition), int(after), int(issued) / 1000)


def _java_date(seconds: float) -> str:
    """A time as java.util.Date prints it in UTC: `Thu Dec 03 09:05:12 UTC 2026`."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return (
        f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


def check_not_expired(position: ShardPosition, now: float) -> None:
    if now - position.issued_at > ITERATOR_LIFETIME:
        raise ExpiredIteratorException(
            f"Iterator expired. The iterator was created at time {_java_date(position.issued_at)} while "
            f"right now it is {_java_date(now)} which is further in the future than the tolerated delay of "
            f"{round(ITERATOR_LIFETIME * 1000)} milliseconds."
        )
