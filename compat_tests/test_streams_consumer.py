"""A stream consumer as the Kinesis adapter and Lambda's pollers work: it lists the shards with
DescribeStream, reads a shard only once its parent is drained, follows NextShardIterator until a shard
ends, and resumes after the last sequence number it saw when an iterator has expired.

The tests make many changes (puts, updates, deletes, batch writes, a transaction) across partitions and
check the consumer saw each change exactly once, in order per item, with the right images. On localddb
the clock is advanced past the shard rollover interval between rounds of writes, so the consumer
crosses rollovers (closed parents, open children) and expired iterators; the same server shows iterator
expiry, trimmed data and TTL deletions.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import TEST_ACCESS_KEY, TEST_SECRET_KEY, Target, create_table, unique_name
from compat_tests.helpers import advance_clock, clock_now, error_of, n, put_all, s, sweep_ttl
from compat_tests.servers import start_localddb

ROLLOVER = 3600.0  # the server's --shard-rollover (AWS: about four hours)
ITERATOR_LIFETIME = 15 * 60.0
RETENTION = 24 * 3600.0
ADMIN_ONLY = "advancing the clock needs localddb's admin route"
Item = dict[str, Any]


@dataclass
class Consumer:
    """Reads a stream shard by shard, parents first; remembers what it saw and in which order."""

    streams: Any
    arn: str
    records: list[Item] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)  # shards read to their end, in that order
    parents: dict[str, str | None] = field(default_factory=dict)
    first_read: dict[str, int] = field(default_factory=dict)  # shard -> index in `finished` when started
    iterators: dict[str, str] = field(default_factory=dict)
    last_sequence: dict[str, str] = field(default_factory=dict)
    expired: int = 0

    def shards(self) -> list[Item]:
        shards: list[Item] = []
        request: dict[str, Any] = {"StreamArn": self.arn}
        while True:
            description = self.streams.describe_stream(**request)["StreamDescription"]
            shards.extend(description["Shards"])
            if "LastEvaluatedShardId" not in description:
                return shards
            request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _iterator(self, shard_id: str) -> str:
        if shard_id in self.iterators:
            return self.iterators.pop(shard_id)
        request = {"StreamArn": self.arn, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON"}
        if shard_id in self.last_sequence:
            request["ShardIteratorType"] = "AFTER_SEQUENCE_NUMBER"
            request["SequenceNumber"] = self.last_sequence[shard_id]
        return str(self.streams.get_shard_iterator(**request)["ShardIterator"])

    def _read(self, shard_id: str) -> None:
        """Read the shard until it ends (then it is finished) or a page comes back empty."""
        self.first_read.setdefault(shard_id, len(self.finished))
        iterator: str | None = self._iterator(shard_id)
        while iterator is not None:
            try:
                page = self.streams.get_records(ShardIterator=iterator, Limit=7)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ExpiredIteratorException":
                    raise
                self.expired += 1
                iterator = self._iterator(shard_id)
                continue
            self.records.extend(page["Records"])
            if page["Records"]:
                self.last_sequence[shard_id] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            iterator = page.get("NextShardIterator")
            if iterator is None:
                self.finished.append(shard_id)
            elif not page["Records"]:
                self.iterators[shard_id] = iterator
                return

    def poll(self) -> None:
        """One pass over the shards: every shard whose parent is finished (or gone) is read."""
        shards = self.shards()
        listed = {shard["ShardId"] for shard in shards}
        for shard in shards:
            shard_id, parent = shard["ShardId"], shard.get("ParentShardId")
            self.parents[shard_id] = parent
            if shard_id in self.finished:
                continue
            if parent is not None and parent in listed and parent not in self.finished:
                continue  # the parent's records come first
            self._read(shard_id)


@dataclass
class Changes:
    """The writes a test makes and the stream records they must produce, per item (by pk)."""

    client: Any
    table: str
    items: dict[str, Item | None] = field(default_factory=dict)
    expected: dict[str, list[tuple[str, Item | None, Item | None]]] = field(default_factory=dict)

    def _changed(self, pk: str, new: Item | None) -> None:
        old = self.items.get(pk)
        if old == new:
            return  # a write that changes nothing has no record
        name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        self.expected.setdefault(pk, []).append((name, old, new))
        self.items[pk] = new

    def put(self, pk: str, value: int) -> None:
        item = {"pk": s(pk), "v": n(str(value))}
        self.client.put_item(TableName=self.table, Item=item)
        self._changed(pk, item)

    def batch_put(self, values: dict[str, int]) -> None:
        items = [{"pk": s(pk), "v": n(str(value))} for pk, value in values.items()]
        put_all(self.client, self.table, items)
        for item in items:
            self._changed(item["pk"]["S"], item)

    def add(self, pk: str, amount: int) -> None:
        old = self.items.get(pk)
        value = (int(old["v"]["N"]) if old else 0) + amount
        self.client.update_item(
            TableName=self.table,
            Key={"pk": s(pk)},
            UpdateExpression="ADD v :amount",
            ExpressionAttributeValues={":amount": n(str(amount))},
        )
        self._changed(pk, {"pk": s(pk), "v": n(str(value))})

    def delete(self, pk: str) -> None:
        self.client.delete_item(TableName=self.table, Key={"pk": s(pk)})
        self._changed(pk, None)

    def transfer(self, source: str, target: str, amount: int) -> None:
        """One transaction moving `amount` between two items (one record per item)."""
        updates = [(source, -amount), (target, amount)]
        self.client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": {"pk": s(pk)},
                        "UpdateExpression": "ADD v :amount",
                        "ExpressionAttributeValues": {":amount": n(str(delta))},
                    }
                }
                for pk, delta in updates
            ]
        )
        for pk, delta in updates:
            old = self.items.get(pk)
            self._changed(pk, {"pk": s(pk), "v": n(str((int(old["v"]["N"]) if old else 0) + delta))})

    def random_round(self, rng: random.Random, keys: list[str]) -> None:
        for _ in range(30):
            pk, roll = rng.choice(keys), rng.random()
            if roll < 0.35:
                self.put(pk, rng.randrange(100))
            elif roll < 0.7:
                self.add(pk, rng.randrange(3))  # adding 0 changes nothing
            else:
                self.delete(pk)
        self.batch_put({pk: rng.randrange(100) for pk in rng.sample(keys, 10)})
        self.transfer(*rng.sample(keys, 2), 5)


def check_consumer_saw_every_change(consumer: Consumer, changes: Changes) -> None:
    seen: dict[str, list[tuple[str, Item | None, Item | None]]] = {}
    for record in consumer.records:
        body = record["dynamodb"]
        seen.setdefault(body["Keys"]["pk"]["S"], []).append(
            (record["eventName"], body.get("OldImage"), body.get("NewImage"))
        )
        assert body["Keys"] == {"pk": body.get("NewImage", body.get("OldImage"))["pk"]}
    assert seen == changes.expected
    assert len({record["eventID"] for record in consumer.records}) == len(consumer.records)
    for shard_id, parent in consumer.parents.items():
        if parent is not None and parent in consumer.finished and shard_id in consumer.first_read:
            assert consumer.finished.index(parent) < consumer.first_read[shard_id]  # parents first


def stream_table(client: Any) -> tuple[str, str]:
    """A new table with a NEW_AND_OLD_IMAGES stream: (name, stream ARN)."""
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    name = create_table(client, unique_name("consumer"), StreamSpecification=spec)
    return name, client.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def test_consumer_sees_every_change_once_in_order(target: Target) -> None:
    client = target.client()
    name, arn = stream_table(client)
    try:
        changes = Changes(client, name)
        consumer = Consumer(target.client("dynamodbstreams"), arn)
        rng = random.Random(6)
        keys = [f"item-{i}" for i in range(24)]
        for _ in range(3):
            changes.random_round(rng, keys)
            consumer.poll()  # reads while the writes go on
        consumer.poll()
        check_consumer_saw_every_change(consumer, changes)
    finally:
        client.delete_table(TableName=name)


class AdminServer:
    """A localddb of the module's own, with the admin routes (the clock) and shards that roll over
    every ROLLOVER seconds."""

    def __init__(self) -> None:
        self.server = start_localddb("--admin", "--ttl-interval", "0", "--shard-rollover", str(ROLLOVER))
        url = self.server.endpoint_url
        self.target = Target(
            "localddb", url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY, server=self.server
        )

    def advance(self, seconds: float) -> None:
        advance_clock(self.server.endpoint_url, seconds)

    def now(self) -> float:
        return clock_now(self.server.endpoint_url)

    def sweep(self) -> Any:
        return sweep_ttl(self.server.endpoint_url)


@pytest.fixture(scope="module")
def admin(target: Target) -> Iterator[AdminServer]:
    server = AdminServer()
    yield server
    server.server.stop()


@pytest.mark.localddb_only(ADMIN_ONLY)
def test_consumer_follows_shards_across_rollovers(admin: AdminServer) -> None:
    client = admin.target.client()
    name, arn = stream_table(client)
    changes = Changes(client, name)
    consumer = Consumer(admin.target.client("dynamodbstreams"), arn)
    rng = random.Random(7)
    keys = [f"item-{i}" for i in range(24)]
    for _ in range(3):
        changes.random_round(rng, keys)
        consumer.poll()
        changes.random_round(rng, keys)
        admin.advance(ROLLOVER + 60)  # open shards roll over; the consumer's iterators expire
    consumer.poll()
    changes.random_round(rng, keys)
    consumer.poll()
    check_consumer_saw_every_change(consumer, changes)
    children = [shard for shard, parent in consumer.parents.items() if parent is not None]
    assert len(children) >= 3 * 4 - 4  # every partition's shard rolled over at least twice
    assert consumer.expired > 0
    closed = [s for s in consumer.shards() if "EndingSequenceNumber" in s["SequenceNumberRange"]]
    assert closed and all(s["ShardId"] in consumer.finished for s in closed)


@pytest.mark.localddb_only(ADMIN_ONLY)
def test_iterators_expire_after_fifteen_minutes(admin: AdminServer) -> None:
    client = admin.target.client()
    streams = admin.target.client("dynamodbstreams")
    _name, arn = stream_table(client)
    shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST")
    fresh = streams.get_records(ShardIterator=iterator["ShardIterator"])["NextShardIterator"]
    admin.advance(ITERATOR_LIFETIME - 60)
    fresh = streams.get_records(ShardIterator=fresh)["NextShardIterator"]  # a new iterator, a new 15 minutes
    admin.advance(120)
    code, message = error_of(streams.get_records, ShardIterator=iterator["ShardIterator"])
    assert code == "ExpiredIteratorException"
    assert message.startswith("Iterator expired. The iterator was created at time ")
    assert message.endswith(
        " which is further in the future than the tolerated delay of 900000 milliseconds."
    )
    assert "Records" in streams.get_records(ShardIterator=fresh)


@pytest.mark.localddb_only(ADMIN_ONLY)
def test_records_older_than_a_day_are_trimmed(admin: AdminServer) -> None:
    client = admin.target.client()
    streams = admin.target.client("dynamodbstreams")
    name, arn = stream_table(client)
    client.put_item(TableName=name, Item={"pk": s("old")})
    consumer = Consumer(streams, arn)
    consumer.poll()
    [record] = consumer.records
    shard_id = next(iter(consumer.last_sequence))
    sequence = record["dynamodb"]["SequenceNumber"]
    admin.advance(RETENTION + 60)
    client.put_item(TableName=name, Item={"pk": s("new")})
    code, _ = error_of(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=sequence,
    )
    assert code == "TrimmedDataAccessException"
    later = Consumer(streams, arn)
    later.poll()
    assert [r["dynamodb"]["Keys"] for r in later.records] == [{"pk": s("new")}]


@pytest.mark.localddb_only(ADMIN_ONLY)
def test_ttl_deletions_name_the_service(admin: AdminServer) -> None:
    client = admin.target.client()
    name, arn = stream_table(client)
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    expired = n(str(int(admin.now()) - 60))
    client.put_item(TableName=name, Item={"pk": s("expiring"), "ttl": expired})
    client.delete_item(TableName=name, Key={"pk": s("expiring")})
    client.put_item(TableName=name, Item={"pk": s("expiring"), "ttl": expired})
    assert admin.sweep()["deleted"] >= 1
    consumer = Consumer(admin.target.client("dynamodbstreams"), arn)
    consumer.poll()
    removals = [r for r in consumer.records if r["eventName"] == "REMOVE"]
    assert [r.get("userIdentity") for r in removals] == [
        None,  # the user's own delete
        {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"},
    ]
