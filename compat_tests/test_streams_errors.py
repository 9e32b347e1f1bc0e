"""DynamoDB Streams errors: malformed and unknown stream ARNs, shard ids, sequence numbers and iterators,
the limits of Limit, and the iterator type rules.

Where DynamoDB Local's answer is not AWS's (an InternalFailure for what AWS validates, or a message of its
own) the test is marked; iterator expiry is in test_streams_consumer.py (it needs the admin clock).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import error_of

INVALID = "One or more parameter values were invalid: "


@pytest.fixture(scope="module")
def streams(target: Target) -> Any:
    return target.client("dynamodbstreams")


@pytest.fixture(scope="module")
def stream(target: Target) -> Iterator[tuple[str, str]]:
    """A table with a stream: (stream ARN, the id of its first shard)."""
    client = target.client()
    name = create_table(
        client,
        unique_name("stream-errors"),
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    arn = client.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = target.client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    yield arn, shard["ShardId"]
    client.delete_table(TableName=name)


def iterator(streams: Any, stream: tuple[str, str]) -> str:
    arn, shard_id = stream
    answer = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")
    return str(answer["ShardIterator"])


def test_unknown_stream(streams: Any, stream: tuple[str, str]) -> None:
    arn = stream[0][:-3] + "999"  # a label of no stream
    expected = ("ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found")
    assert error_of(streams.describe_stream, StreamArn=arn) == expected
    other = stream[0].replace(":table/", ":table/no-such-")
    assert error_of(streams.describe_stream, StreamArn=other)[0] == "ResourceNotFoundException"
    code, _ = error_of(
        streams.get_shard_iterator, StreamArn=arn, ShardId=stream[1], ShardIteratorType="LATEST"
    )
    assert code == "ResourceNotFoundException"


@pytest.mark.reference_deviation(
    "DynamoDB Local answers a malformed StreamArn with ResourceNotFoundException"
)
def test_malformed_stream_arn(streams: Any, stream: tuple[str, str]) -> None:
    table_arn = stream[0].split("/stream/")[0]
    for arn in ("x" * 40, table_arn + "/stream/"):
        assert error_of(streams.describe_stream, StreamArn=arn) == (
            "ValidationException",
            "Invalid StreamArn",
        )


def test_unknown_shard(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    unknown = shard_id[:-8] + ("0" * 8 if not shard_id.endswith("0" * 8) else "1" * 8)
    for shard in (unknown, "shardId-" + "x" * 30):
        code, _ = error_of(
            streams.get_shard_iterator, StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST"
        )
        assert code == "ResourceNotFoundException"


@pytest.mark.reference_deviation("DynamoDB Local says 'Shard does not exist' without AWS's prefix")
def test_unknown_shard_message(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    unknown = shard_id[:-8] + ("0" * 8 if not shard_id.endswith("0" * 8) else "1" * 8)
    assert error_of(
        streams.get_shard_iterator, StreamArn=arn, ShardId=unknown, ShardIteratorType="LATEST"
    ) == (
        "ResourceNotFoundException",
        "Requested resource not found: Shard does not exist",
    )


def test_sequence_number_rules(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        assert error_of(
            streams.get_shard_iterator, StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind
        ) == (
            "ValidationException",
            INVALID + "Invalid SequenceNumber",
        )
    for kind in ("TRIM_HORIZON", "LATEST"):
        assert error_of(
            streams.get_shard_iterator,
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType=kind,
            SequenceNumber="0" * 21,
        ) == ("ValidationException", INVALID + "SequenceNumber should not be passed for this iterator type")
    # Before the shard's first record: not a sequence number of this shard.
    assert error_of(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber="0" * 21,
    ) == ("ValidationException", "Invalid SequenceNumber for the shard")
    assert error_of(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber="1" * 20,
    ) == (
        "ValidationException",
        "1 validation error detected: Value '"
        + "1" * 20
        + "' at 'sequenceNumber' failed to satisfy constraint: "
        "Member must have length greater than or equal to 21",
    )


@pytest.mark.reference_deviation(
    "DynamoDB Local answers a non-numeric SequenceNumber with an InternalFailure"
)
def test_non_numeric_sequence_number(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    assert error_of(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        SequenceNumber="abcdefghijklmnopqrstu",
    ) == ("ValidationException", "Invalid SequenceNumber for the shard")


@pytest.mark.reference_deviation(
    "DynamoDB Local answers a request without ShardIteratorType with an InternalFailure"
)
def test_iterator_type_is_required(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard_id) == (
        "ValidationException",
        "1 validation error detected: Value null at 'shardIteratorType' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_invalid_iterators(streams: Any, stream: tuple[str, str]) -> None:
    good = iterator(streams, stream)
    arn, version, _token = good.rsplit("|", 2)
    forged = f"{arn}|{version}|{base64.b64encode(b'not an iterator').decode()}"
    for text in ("garbage", forged, f"{arn}|7|{_token}"):
        assert error_of(streams.get_records, ShardIterator=text) == (
            "ValidationException",
            "Invalid ShardIterator",
        )


def test_limits(streams: Any, stream: tuple[str, str]) -> None:
    arn = stream[0]
    assert error_of(streams.get_records, ShardIterator=iterator(streams, stream), Limit=1001) == (
        "ValidationException",
        INVALID + "Limit should be less than or equal to 1000",
    )
    assert error_of(streams.get_records, ShardIterator=iterator(streams, stream), Limit=0) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )
    assert error_of(streams.describe_stream, StreamArn=arn, Limit=101) == (
        "ValidationException",
        INVALID + "Limit cannot be greater than the maximum: 100",
    )
    assert error_of(streams.list_streams, Limit=101) == (
        "ValidationException",
        INVALID + "Limit cannot be greater than the maximum allowed size: 100",
    )
    assert len(streams.get_records(ShardIterator=iterator(streams, stream), Limit=1000)["Records"]) <= 1000


def test_shard_filter_and_exclusive_start(streams: Any, stream: tuple[str, str]) -> None:
    arn, shard_id = stream
    assert error_of(
        streams.describe_stream,
        StreamArn=arn,
        ExclusiveStartShardId=shard_id,
        ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shard_id},
    ) == (
        "ValidationException",
        "ShardFilter and ExclusiveStartShardId both should not be specified in the request.",
    )
    children = streams.describe_stream(
        StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shard_id}
    )
    assert children["StreamDescription"]["Shards"] == []  # an open shard has no children yet


def test_list_streams_of_a_table_that_does_not_exist(streams: Any) -> None:
    assert streams.list_streams(TableName=unique_name("no-such"))["Streams"] == []
