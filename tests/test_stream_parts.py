"""The pieces of DynamoDB Streams with no storage behind them: stream ARNs, sequence numbers, shards as
DescribeStream shows them, iterators (sealing, expiry) and records per view type."""

from __future__ import annotations

import base64

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ExpiredIteratorException, ResourceNotFoundException, ValidationException
from app.operations.stream_iterators import (
    ITERATOR_LIFETIME,
    ShardPosition,
    check_not_expired,
    decode_iterator,
    encode_iterator,
)
from app.operations.stream_names import (
    describe_shard,
    parse_sequence_number,
    parse_stream_arn,
    sequence_number,
)
from app.operations.stream_records import RecordContext, render_record
from storage.api import Namespace, ShardInfo, StreamRecord
from storage.log import ORIGIN_TTL, ORIGIN_USER

NS = Namespace("123456789012", "eu-west-1")
ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-12-03T09:05:12.345"


def test_stream_arns() -> None:
    name = parse_stream_arn(ARN, NS)
    assert (name.table, name.label, name.arn) == ("orders", "2026-12-03T09:05:12.345", ARN)
    for malformed in (
        "x" * 40,
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/yesterday",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/a/stream/2026-12-03T09:05:12.345",
    ):
        with pytest.raises(ValidationException, match=r"^Invalid StreamArn$"):
            parse_stream_arn(malformed, NS)
    elsewhere = ARN.replace("eu-west-1", "us-east-1")
    with pytest.raises(ResourceNotFoundException) as raised:
        parse_stream_arn(elsewhere, NS)
    assert raised.value.message == f"Requested resource not found: Stream: {elsewhere} not found"


@given(st.integers(0, 9999), st.integers(0, 10**17 - 1), st.integers(0, 10**17 - 2))
def test_sequence_numbers_round_trip_and_increase_within_a_partition(
    partition: int, lsn: int, other: int
) -> None:
    text = sequence_number(partition, lsn)
    assert len(text) == 21 and text.isdigit()
    assert parse_sequence_number(text) == (partition, lsn)
    assert (int(text) < int(sequence_number(partition, other))) == (lsn < other)


def test_text_that_is_not_a_sequence_number() -> None:
    assert parse_sequence_number("abcdefghijklmnopqrstu") is None
    assert parse_sequence_number("-00000000000000000001") is None
    assert parse_sequence_number("0" * 30 + "7") == (0, 7)


def test_shards_as_described() -> None:
    open_shard = ShardInfo("shardId-00000001796288540139-45ceb983", None, 2, 10, None, 1.0)
    assert describe_shard(open_shard) == {
        "ShardId": "shardId-00000001796288540139-45ceb983",
        "SequenceNumberRange": {"StartingSequenceNumber": "000200000000000000011"},
    }
    closed = ShardInfo("shardId-2", "shardId-1", 2, 10, 15, 1.0)
    assert describe_shard(closed) == {
        "ShardId": "shardId-2",
        "SequenceNumberRange": {
            "StartingSequenceNumber": "000200000000000000011",
            "EndingSequenceNumber": "000200000000000000015",
        },
        "ParentShardId": "shardId-1",
    }
    empty = ShardInfo("shardId-3", None, 0, 10, 10, 1.0)
    numbers = describe_shard(empty)["SequenceNumberRange"]
    assert numbers == {"StartingSequenceNumber": "0" * 19 + "11", "EndingSequenceNumber": "0" * 19 + "11"}


def test_iterators_round_trip_and_refuse_changes() -> None:
    position = ShardPosition(ARN, "shardId-00000001796288540139-45ceb983", 3, 41, 1796288540.5)
    text = encode_iterator(position)
    assert text.startswith(ARN + "|1|") and len(text) <= 2048
    assert decode_iterator(text) == position
    arn, version, token = text.rsplit("|", 2)
    payload = base64.b64decode(token)
    changed = [
        "garbage",
        "",
        f"{arn}|2|{token}",
        f"{arn.replace('orders', 'others')}|{version}|{token}",
        f"{arn}|{version}|{base64.b64encode(payload.replace(b'|41|', b'|40|')).decode()}",
        f"{arn}|{version}|{token[:-4]}",
        f"{arn}|{version}|not base64!",
    ]
    for forged in changed:
        with pytest.raises(ValidationException, match=r"^Invalid ShardIterator$"):
            decode_iterator(forged)


def test_iterators_expire_after_fifteen_minutes() -> None:
    issued = 1796288540.0  # Thu Dec 03 2026 09:02:20 UTC
    position = ShardPosition(ARN, "shardId-1", 0, 0, issued)
    check_not_expired(position, issued + ITERATOR_LIFETIME)
    with pytest.raises(ExpiredIteratorException) as raised:
        check_not_expired(position, issued + ITERATOR_LIFETIME + 1)
    assert raised.value.message == (
        "Iterator expired. The iterator was created at time Thu Dec 03 09:02:20 UTC 2026 while right now it "
        "is Thu Dec 03 09:17:21 UTC 2026 which is further in the future than the tolerated delay of 900000 "
        "milliseconds."
    )


def _record(
    old: dict[str, object] | None, new: dict[str, object] | None, origin: str = ORIGIN_USER
) -> StreamRecord:
    def encode(item: dict[str, object] | None) -> bytes | None:
        return None if item is None else orjson.dumps(item)

    return StreamRecord(7, 1796288540.75, encode(old), encode(new), origin, None)


OLD = {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}
NEW = {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "y"}}


@pytest.mark.parametrize(
    ("view_type", "shown", "size"),
    [
        ("KEYS_ONLY", (), 7),
        ("NEW_IMAGE", ("NewImage",), 16),
        ("OLD_IMAGE", ("OldImage",), 16),
        ("NEW_AND_OLD_IMAGES", ("NewImage", "OldImage"), 25),
    ],
)
def test_records_per_view_type(view_type: str, shown: tuple[str, ...], size: int) -> None:
    where = RecordContext(ARN, ("pk", "sk"), view_type, "eu-west-1", 0)
    record = render_record(_record(OLD, NEW), where, "000000000000000000007")
    assert record["eventName"] == "MODIFY"
    assert (record["eventVersion"], record["eventSource"], record["awsRegion"]) == (
        "1.1",
        "aws:dynamodb",
        "eu-west-1",
    )
    body = record["dynamodb"]
    assert body["Keys"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert tuple(k for k in ("NewImage", "OldImage") if k in body) == shown
    assert body["SizeBytes"] == size
    assert body["ApproximateCreationDateTime"] == 1796288540
    assert (body["SequenceNumber"], body["StreamViewType"]) == ("000000000000000000007", view_type)
    assert "userIdentity" not in record


def test_event_names_ids_and_ttl_identity() -> None:
    where = RecordContext(ARN, ("pk", "sk"), "NEW_AND_OLD_IMAGES", "eu-west-1", 1)
    insert = render_record(_record(None, NEW), where, "1")
    remove = render_record(_record(OLD, None, ORIGIN_TTL), where, "1")
    assert (insert["eventName"], remove["eventName"]) == ("INSERT", "REMOVE")
    assert "OldImage" not in insert["dynamodb"] and "NewImage" not in remove["dynamodb"]
    assert remove["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    # The same place in the stream, the same eventID; another partition's record, another one.
    assert insert["eventID"] == remove["eventID"] and len(insert["eventID"]) == 32
    other = render_record(
        _record(None, NEW), RecordContext(ARN, ("pk", "sk"), "KEYS_ONLY", "eu-west-1", 2), "1"
    )
    assert other["eventID"] != insert["eventID"]
