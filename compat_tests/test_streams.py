"""DynamoDB Streams: StreamSpecification on CreateTable/UpdateTable as DescribeTable, ListStreams and
DescribeStream show it, stream records per view type, the four iterator types, and disabling.

Errors are in test_streams_errors.py, the consumer that follows shards in test_streams_consumer.py.
Tables are created once per module, one per view type; tests use their own keys.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from compat_tests.conftest import MakeTable, Target, create_table, unique_name
from compat_tests.helpers import n, s

LABEL = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
SHARD_ID = r"shardId-\d{20}-[0-9a-f]{8}"
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def stream_spec(view_type: str) -> dict[str, Any]:
    return {"StreamEnabled": True, "StreamViewType": view_type}


@pytest.fixture(scope="module")
def streams(target: Target) -> Any:
    return target.client("dynamodbstreams")


@pytest.fixture(scope="module")
def stream_tables(target: Target) -> Iterator[dict[str, str]]:
    """A table keyed by pk (S) and sk (N) with a stream, per view type: view type -> table name."""
    client = target.client()
    names = {
        view: create_table(
            client, unique_name("streams"), range_key=("sk", "N"), StreamSpecification=stream_spec(view)
        )
        for view in VIEW_TYPES
    }
    yield names
    for name in names.values():
        client.delete_table(TableName=name)


def stream_arn(ddb: Any, table: str) -> str:
    return str(ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"])


def shards_of(streams: Any, arn: str) -> list[dict[str, Any]]:
    """Every shard of the stream, following DescribeStream's pages."""
    shards: list[dict[str, Any]] = []
    request: dict[str, Any] = {"StreamArn": arn}
    while True:
        description = streams.describe_stream(**request)["StreamDescription"]
        shards.extend(description["Shards"])
        if "LastEvaluatedShardId" not in description:
            return shards
        request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]


def read_shard(streams: Any, iterator: str | None, limit: int | None = None) -> list[dict[str, Any]]:
    """The records from `iterator` on, until the shard is drained or a page comes back empty."""
    records: list[dict[str, Any]] = []
    while iterator is not None:
        page = streams.get_records(ShardIterator=iterator, **({"Limit": limit} if limit else {}))
        records.extend(page["Records"])
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    return records


def stream_records(streams: Any, arn: str) -> list[dict[str, Any]]:
    """Every record of the stream: each shard from its trim horizon, in DescribeStream's order."""
    records = []
    for shard in shards_of(streams, arn):
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.extend(read_shard(streams, iterator))
    return records


def records_of(streams: Any, arn: str, pk: str) -> list[dict[str, Any]]:
    """The stream's records of the items with partition key `pk` (they share a shard), in order."""
    return [r for r in stream_records(streams, arn) if r["dynamodb"]["Keys"]["pk"] == s(pk)]


def key(pk: str, sk: str = "1") -> dict[str, Any]:
    return {"pk": s(pk), "sk": n(sk)}


def test_create_table_with_stream(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    name = stream_tables["NEW_AND_OLD_IMAGES"]
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == stream_spec("NEW_AND_OLD_IMAGES")
    label = table["LatestStreamLabel"]
    assert re.fullmatch(LABEL, label)
    arn = table["LatestStreamArn"]
    assert arn == f"{table['TableArn']}/stream/{label}"
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": label}]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert {k: v for k, v in description.items() if k not in ("Shards", "CreationRequestDateTime")} == {
        "StreamArn": arn,
        "StreamLabel": label,
        "StreamStatus": "ENABLED",
        "StreamViewType": "NEW_AND_OLD_IMAGES",
        "TableName": name,
        "KeySchema": table["KeySchema"],
    }
    created = description["CreationRequestDateTime"].timestamp()
    assert abs(created - table["CreationDateTime"].timestamp()) < 5
    assert description["Shards"]
    for shard in description["Shards"]:
        assert re.fullmatch(SHARD_ID, shard["ShardId"])
        numbers = shard["SequenceNumberRange"]
        assert list(numbers) == ["StartingSequenceNumber"]  # open: no EndingSequenceNumber
        assert re.fullmatch(r"\d{21,40}", numbers["StartingSequenceNumber"])


def test_put_update_delete_records(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    name = stream_tables["NEW_AND_OLD_IMAGES"]
    before = time.time()
    ddb.put_item(TableName=name, Item={**key("life"), "v": s("x")})
    ddb.put_item(TableName=name, Item={**key("life"), "v": s("x")})  # changes nothing: no record
    ddb.update_item(
        TableName=name,
        Key=key("life"),
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": s("y")},
    )
    ddb.delete_item(TableName=name, Key=key("life"))
    ddb.delete_item(TableName=name, Key=key("life"))  # nothing to delete: no record
    after = time.time()
    records = records_of(streams, stream_arn(ddb, name), "life")
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    old, new = {**key("life"), "v": s("x")}, {**key("life"), "v": s("y")}
    assert [(r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage")) for r in records] == [
        (None, old),
        (old, new),
        (new, None),
    ]
    # Keys (pk: 2 + 4 bytes, sk: 2 + 2) plus the images shown (the keys and v: 1 + 1).
    assert [r["dynamodb"]["SizeBytes"] for r in records] == [22, 34, 22]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(set(sequence))
    assert len({r["eventID"] for r in records}) == 3
    for record in records:
        assert (record["eventVersion"], record["eventSource"]) == ("1.1", "aws:dynamodb")
        assert record["dynamodb"]["Keys"] == key("life")
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert "userIdentity" not in record
        created = record["dynamodb"]["ApproximateCreationDateTime"].timestamp()
        assert created == int(created) and before - 60 <= created <= after


@pytest.mark.reference_deviation("DynamoDB Local reports awsRegion 'ddblocal' and ARNs in region 'ddblocal'")
def test_records_name_the_region(
    ddb: Any, streams: Any, stream_tables: dict[str, str], target: Target
) -> None:
    name = stream_tables["KEYS_ONLY"]
    ddb.put_item(TableName=name, Item=key("region"))
    arn = stream_arn(ddb, name)
    assert arn.startswith(f"arn:aws:dynamodb:{target.region}:")
    assert [r["awsRegion"] for r in records_of(streams, arn, "region")] == [target.region]


@pytest.mark.parametrize(
    ("view_type", "images", "sizes"),
    [
        ("KEYS_ONLY", [(False, False), (False, False), (False, False)], [11, 11, 11]),
        ("NEW_IMAGE", [(False, True), (False, True), (False, False)], [24, 24, 11]),
        ("OLD_IMAGE", [(False, False), (True, False), (True, False)], [11, 24, 24]),
        ("NEW_AND_OLD_IMAGES", [(False, True), (True, True), (True, False)], [24, 37, 24]),
    ],
)
def test_view_types(
    ddb: Any,
    streams: Any,
    stream_tables: dict[str, str],
    view_type: str,
    images: list[tuple[bool, bool]],
    sizes: list[int],
) -> None:
    name = stream_tables[view_type]
    pk = "views"  # Keys: 2 + 5 bytes and 2 + 2; the item adds a: 1 + 1
    ddb.put_item(TableName=name, Item={**key(pk), "a": s("1")})
    ddb.put_item(TableName=name, Item={**key(pk), "a": s("2")})
    ddb.delete_item(TableName=name, Key=key(pk))
    records = records_of(streams, stream_arn(ddb, name), pk)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    shown = [("OldImage" in r["dynamodb"], "NewImage" in r["dynamodb"]) for r in records]
    assert shown == images
    assert [r["dynamodb"]["SizeBytes"] for r in records] == sizes
    assert {r["dynamodb"]["StreamViewType"] for r in records} == {view_type}


def test_iterator_types(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    name = stream_tables["KEYS_ONLY"]
    arn = stream_arn(ddb, name)
    ddb.put_item(TableName=name, Item=key("iterators", "1"))
    shard_id = next(r for r in stream_records_with_shards(streams, arn) if r[1] == key("iterators", "1"))[0]

    def iterator(kind: str, **extra: Any) -> str:
        answer = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind, **extra)
        return str(answer["ShardIterator"])

    latest = iterator("LATEST")
    page = streams.get_records(ShardIterator=latest)
    assert page["Records"] == [] and "NextShardIterator" in page  # an open shard goes on
    for sk in ("2", "3", "4"):
        ddb.put_item(TableName=name, Item=key("iterators", sk))
    new = read_shard(streams, latest)
    assert [r["dynamodb"]["Keys"] for r in new] == [key("iterators", sk) for sk in ("2", "3", "4")]
    numbers = [r["dynamodb"]["SequenceNumber"] for r in new]
    at = read_shard(streams, iterator("AT_SEQUENCE_NUMBER", SequenceNumber=numbers[1]))
    assert [r["dynamodb"]["SequenceNumber"] for r in at] == numbers[1:]
    after = read_shard(streams, iterator("AFTER_SEQUENCE_NUMBER", SequenceNumber=numbers[1]))
    assert [r["dynamodb"]["SequenceNumber"] for r in after] == numbers[2:]
    horizon = read_shard(streams, iterator("TRIM_HORIZON"), limit=1)
    assert [r["dynamodb"]["SequenceNumber"] for r in horizon][-3:] == numbers
    assert key("iterators", "1") in [r["dynamodb"]["Keys"] for r in horizon]


def stream_records_with_shards(streams: Any, arn: str) -> list[tuple[str, dict[str, Any]]]:
    """(shard id, Keys) of every record of the stream."""
    found = []
    for shard in shards_of(streams, arn):
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        found.extend((shard["ShardId"], r["dynamodb"]["Keys"]) for r in read_shard(streams, iterator))
    return found


def test_one_record_per_item_of_a_transaction(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    name = stream_tables["NEW_IMAGE"]
    ddb.put_item(TableName=name, Item={**key("tx-c"), "v": n("1")})
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {**key("tx-a"), "v": n("1")}}},
            {"Put": {"TableName": name, "Item": {**key("tx-b"), "v": n("1")}}},
            {
                "Update": {
                    "TableName": name,
                    "Key": key("tx-c"),
                    "UpdateExpression": "SET v = v + :one",
                    "ExpressionAttributeValues": {":one": n("1")},
                }
            },
            {"Delete": {"TableName": name, "Key": key("tx-d")}},  # absent: no record
        ]
    )
    records = stream_records(streams, stream_arn(ddb, name))
    pks = [(r["dynamodb"]["Keys"]["pk"]["S"], r["eventName"]) for r in records]
    events = sorted(event for event in pks if event[0].startswith("tx-"))
    assert events == [("tx-a", "INSERT"), ("tx-b", "INSERT"), ("tx-c", "INSERT"), ("tx-c", "MODIFY")]


def test_disable_and_enable_again(ddb: Any, streams: Any, make_table: MakeTable) -> None:
    name = make_table(StreamSpecification=stream_spec("NEW_IMAGE"))
    first = stream_arn(ddb, name)
    ddb.put_item(TableName=name, Item={"pk": s("a")})
    iterators = {
        shard["ShardId"]: streams.get_shard_iterator(
            StreamArn=first, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for shard in shards_of(streams, first)
    }
    disabled = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert "StreamSpecification" not in disabled["TableDescription"]
    assert disabled["TableDescription"]["LatestStreamArn"] == first
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == first
    description = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    seen = []
    for shard in description["Shards"]:
        numbers = shard["SequenceNumberRange"]
        assert int(numbers["EndingSequenceNumber"]) >= int(numbers["StartingSequenceNumber"])
        page = streams.get_records(ShardIterator=iterators[shard["ShardId"]])
        seen.extend(page["Records"])
        assert "NextShardIterator" not in page  # a closed shard, read to its end
    assert [r["dynamodb"]["Keys"] for r in seen] == [{"pk": s("a")}]
    again = ddb.update_table(TableName=name, StreamSpecification=stream_spec("KEYS_ONLY"))["TableDescription"]
    second = again["LatestStreamArn"]
    assert second != first and again["StreamSpecification"] == stream_spec("KEYS_ONLY")
    listed = {stream["StreamArn"] for stream in streams.list_streams(TableName=name)["Streams"]}
    assert listed == {first, second}
    assert streams.describe_stream(StreamArn=first)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert streams.describe_stream(StreamArn=second)["StreamDescription"]["StreamViewType"] == "KEYS_ONLY"


def test_list_streams_pages(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    ours = {stream_arn(ddb, name) for name in stream_tables.values()}
    seen: list[str] = []
    request: dict[str, Any] = {"Limit": 2}
    while True:
        page = streams.list_streams(**request)
        assert len(page["Streams"]) <= 2
        seen.extend(stream["StreamArn"] for stream in page["Streams"])
        if "LastEvaluatedStreamArn" not in page:
            break
        request["ExclusiveStartStreamArn"] = page["LastEvaluatedStreamArn"]
    assert len(seen) == len(set(seen)) and ours <= set(seen)


def test_describe_stream_pages(ddb: Any, streams: Any, stream_tables: dict[str, str]) -> None:
    arn = stream_arn(ddb, stream_tables["KEYS_ONLY"])
    everything = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    paged: list[dict[str, Any]] = []
    request: dict[str, Any] = {"StreamArn": arn, "Limit": 1}
    while True:
        description = streams.describe_stream(**request)["StreamDescription"]
        assert len(description["Shards"]) <= 1
        paged.extend(description["Shards"])
        if "LastEvaluatedShardId" not in description:
            break
        request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]
    assert paged == everything
