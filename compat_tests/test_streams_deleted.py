"""A deleted table's stream stays readable for 24 hours (AWS: "If you disable a stream, or delete its
table, the stream records remain readable for 24 hours"): ListStreams still lists it, DescribeStream
shows it DISABLED with closed shards, and GetRecords returns every change made before the delete."""

from __future__ import annotations

from typing import Any

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import n, s


def _records(streams: Any, arn: str) -> list[dict[str, Any]]:
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        ).get("ShardIterator")
        for _ in range(10):  # a closed shard drains: no NextShardIterator
            if iterator is None:
                break
            page = streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator")
    return records


def test_a_deleted_tables_stream_stays_readable(target: Target) -> None:
    ddb, streams = target.client(), target.client("dynamodbstreams")
    name = create_table(
        ddb,
        unique_name("streams-gone"),
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": s(f"k{i}"), "v": n(str(i))})
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    assert arn in [stream["StreamArn"] for stream in streams.list_streams(TableName=name)["Streams"]]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert all("EndingSequenceNumber" in shard["SequenceNumberRange"] for shard in description["Shards"])
    records = _records(streams, arn)
    assert sorted(r["dynamodb"]["NewImage"]["v"]["N"] for r in records) == [str(i) for i in range(5)]
    assert {r["eventName"] for r in records} == {"INSERT"}
