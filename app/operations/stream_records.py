"""Stream records: a partition log record as GetRecords shows it.

The view type is applied when a record is read (the log keeps both images): KEYS_ONLY shows Keys only,
NEW_IMAGE / OLD_IMAGE the image after / before the change when there is one, NEW_AND_OLD_IMAGES both.
eventName comes from which images exist (INSERT: no old one, REMOVE: no new one, else MODIFY). SizeBytes
is the DynamoDB size of what the record shows (Keys plus the images it carries), as DynamoDB Local
counts it. ApproximateCreationDateTime is the commit time rounded down to the second (AWS's
documentation). A deletion by the TTL sweeper carries the service's userIdentity. eventID is derived
from the record's place in the stream, so reading a record twice shows the same id.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from app.values.size import item_size
from storage.api import Item, StreamRecord
from storage.log import ORIGIN_TTL

KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES = (
    "KEYS_ONLY",
    "NEW_IMAGE",
    "OLD_IMAGE",
    "NEW_AND_OLD_IMAGES",
)
VIEW_TYPES = (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES)
EVENT_VERSION = "1.1"
EVENT_SOURCE = "aws:dynamodb"
TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


@dataclass(frozen=True)
class RecordContext:
    """What every record of a shard shares: the stream, the table's key attributes, the view type, the
    region, and the partition whose log the shard reads."""

    stream_arn: str
    key_names: tuple[str, ...]
    view_type: str
    region: str
    partition: int


def event_name(record: StreamRecord) -> str:
    if record.old is None:
        return "INSERT"
    if record.new is None:
        return "REMOVE"
    return "MODIFY"


def render_record(record: StreamRecord, where: RecordContext, sequence: str) -> dict[str, Any]:
    """The Record of GetRecords for one log record (`sequence`: its SequenceNumber)."""
    new: Item | None = orjson.loads(record.new) if record.new is not None else None
    old: Item | None = orjson.loads(record.old) if record.old is not None else None
    image = new if new is not None else old
    assert image is not None, "a log record has at least one image"
    keys = {name: image[name] for name in where.key_names if name in image}
    body: dict[str, Any] = {"ApproximateCreationDateTime": math.floor(record.ts), "Keys": keys}
    size = item_size(keys)
    if new is not None and where.view_type in (NEW_IMAGE, NEW_AND_OLD_IMAGES):
        body["NewImage"] = new
        size += item_size(new)
    if old is not None and where.view_type in (OLD_IMAGE, NEW_AND_OLD_IMAGES):
        body["OldImage"] = old
        size += item_size(old)
    body["SequenceNumber"] = sequence
    body["SizeBytes"] = size
    body["StreamViewType"] = where.view_type
    event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{where.stream_arn}#{where.partition}#{record.lsn}")
    out: dict[str, Any] = {
        "eventID": event_id.hex,
        "eventName": event_name(record),
        "eventVersion": EVENT_VERSION,
        "eventSource": EVENT_SOURCE,
        "awsRegion": where.region,
        "dynamodb": body,
    }
    if record.origin == ORIGIN_TTL:
        out["userIdentity"] = dict(TTL_IDENTITY)
    return out
