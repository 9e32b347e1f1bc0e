"""Streams in storage: shards as log ranges per partition, rollover into child shards, disabling,
retention, transactions as one record per item, and persistence across a restart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from storage import Cluster
from storage.api import (
    IndexDef,
    Item,
    KeyAttribute,
    KeySchema,
    Namespace,
    Outcome,
    ShardInfo,
    StorageConfig,
    StreamNotFound,
    TransactWrite,
)
from storage.log import ORIGIN_TTL
from storage.streams import stream_label

NS = Namespace("000000000000", "us-east-1")
SCHEMA = KeySchema(KeyAttribute("pk", "S"))
HOUR = 3600.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class Put:
    item: Item | None

    def apply(self, old: Item | None) -> Outcome:
        return Outcome(True, self.item, 0 if self.item is None else len(orjson.dumps(self.item)))


def key(i: int) -> Item:
    return {"pk": {"S": f"k{i}"}}


def item(i: int, v: int) -> Item:
    return {**key(i), "v": {"N": str(v)}}


async def _cluster(clock: Clock, data_dir: Path | None = None) -> Cluster:
    return await Cluster.open(StorageConfig(data_dir, clock, 4, shard_rollover=HOUR))


async def _drain(
    cluster: Cluster, label: str, shards: list[ShardInfo]
) -> list[tuple[str, int, bytes | None]]:
    """Every record of every shard: (shard id, lsn, new image), parents before children."""
    seen = []
    for shard in shards:
        position = 0
        while True:
            read = await cluster.read_shard(NS, "t", label, shard.shard_id, position, 3)
            seen += [(shard.shard_id, r.lsn, r.new) for r in read.records]
            if not read.records:
                break
            position = read.records[-1].lsn
    return seen


async def test_a_stream_has_a_shard_per_partition_with_the_changes_after_it_started() -> None:
    clock = Clock()
    cluster = await _cluster(clock)
    await cluster.create_table(NS, "t", SCHEMA, {})
    await cluster.apply(NS, "t", key(0), Put(item(0, 0)))  # before the stream: not in it
    stream = await cluster.enable_stream(NS, "t")
    assert stream.label == stream_label(clock.now) and stream.disabled_at is None
    for i in range(12):
        await cluster.apply(NS, "t", key(i), Put(item(i, 1)))
    await cluster.apply(NS, "t", key(3), Put(item(3, 1)))  # no change: no record
    await cluster.apply(NS, "t", key(5), Put(None))
    shards = await cluster.stream_shards(NS, "t", stream.label)
    assert sorted(s.partition for s in shards) == [0, 1, 2, 3]
    assert all(
        s.parent_shard_id is None and s.end is None and s.shard_id.startswith("shardId-") for s in shards
    )
    records = await _drain(cluster, stream.label, shards)
    assert len(records) == 13
    images = [orjson.loads(new) if new else None for _, _, new in records]
    assert images.count(None) == 1 and item(0, 1) in images and item(0, 0) not in images
    assert [s.label for s in await cluster.list_streams(NS)] == [stream.label]
    await cluster.close()


async def test_shards_roll_over_into_children_and_disabling_closes_them() -> None:
    clock = Clock()
    cluster = await _cluster(clock)
    await cluster.create_table(NS, "t", SCHEMA, {})
    stream = await cluster.enable_stream(NS, "t")
    for i in range(8):
        await cluster.apply(NS, "t", key(i), Put(item(i, 1)))
    clock.now += HOUR + 1
    first = await cluster.stream_shards(NS, "t", stream.label)  # rolls over
    assert len(first) == 8
    parents = {s.shard_id: s for s in first if s.parent_shard_id is None}
    children = [s for s in first if s.parent_shard_id is not None]
    assert len(parents) == 4 and len(children) == 4
    for child in children:
        parent = parents[child.parent_shard_id]  # type: ignore[index]
        assert parent.end is not None and child.start_after == parent.end and child.end is None
    for i in range(8):
        await cluster.apply(NS, "t", key(i), Put(item(i, 2)))
    disabled = await cluster.disable_stream(NS, "t")
    assert disabled is not None and disabled.disabled_at == clock.now
    assert await cluster.disable_stream(NS, "t") is None
    shards = await cluster.stream_shards(NS, "t", stream.label)
    assert all(s.end is not None for s in shards)
    records = await _drain(cluster, stream.label, shards)
    versions = [orjson.loads(new)["v"]["N"] for _, _, new in records if new]
    assert sorted(versions) == ["1"] * 8 + ["2"] * 8
    for shard in shards:  # every closed shard reads as drained at its end
        read = await cluster.read_shard(NS, "t", stream.label, shard.shard_id, shard.end or 0, 100)
        assert read.records == [] and read.drained
    # Writes after disabling are in no shard; a new stream starts after them.
    await cluster.apply(NS, "t", key(0), Put(item(0, 3)))
    clock.now += 1
    second = await cluster.enable_stream(NS, "t")
    assert [s.label for s in await cluster.list_streams(NS, "t")] == [stream.label, second.label]
    assert await _drain(cluster, second.label, await cluster.stream_shards(NS, "t", second.label)) == []
    # A disabled stream is gone after the retention.
    clock.now += 24 * HOUR
    assert [s.label for s in await cluster.list_streams(NS)] == [second.label]
    with pytest.raises(StreamNotFound):
        await cluster.stream_shards(NS, "t", stream.label)
    await cluster.close()


async def test_records_past_retention_are_trimmed() -> None:
    clock = Clock()
    cluster = await _cluster(clock)
    await cluster.create_table(NS, "t", SCHEMA, {})
    stream = await cluster.enable_stream(NS, "t")
    for i in range(20):
        await cluster.apply(NS, "t", key(0), Put(item(0, i)))
    clock.now += 20 * HOUR
    await cluster.stream_shards(NS, "t", stream.label)  # the shard rolls over at lsn 20
    await cluster.apply(NS, "t", key(0), Put(item(0, 100)))
    clock.now += 5 * HOUR  # the first 20 records are 25 h old, the last 5 h
    (shard,) = [s for s in await cluster.stream_shards(NS, "t", stream.label) if s.start_after == 20]
    old = next(s for s in await cluster.stream_shards(NS, "t", stream.label) if s.end == 20)
    read = await cluster.read_shard(NS, "t", stream.label, old.shard_id, 0, 100)
    assert read.records == [] and read.trimmed_through == 20 and read.drained
    read = await cluster.read_shard(NS, "t", stream.label, shard.shard_id, 0, 100)
    assert [orjson.loads(r.new or b"{}")["v"]["N"] for r in read.records] == ["100"]
    assert read.trimmed_through == 20 and shard.end == 21 and read.drained
    await cluster.close()


async def test_a_transaction_is_a_record_per_item_and_ttl_deletes_keep_their_origin(tmp_path: Path) -> None:
    clock = Clock()
    cluster = await _cluster(clock, tmp_path)
    await cluster.create_table(NS, "t", SCHEMA, {})
    stream = await cluster.enable_stream(NS, "t")
    await cluster.transact_write(NS, [TransactWrite("t", key(i), Put(item(i, 1))) for i in range(6)], "tx")
    await cluster.apply(NS, "t", key(0), Put(None), origin=ORIGIN_TTL)
    await cluster.close()
    cluster = await _cluster(clock, tmp_path)  # the stream and its shards survive a restart
    shards = await cluster.stream_shards(NS, "t", stream.label)
    records = []
    for shard in shards:
        records += (await cluster.read_shard(NS, "t", stream.label, shard.shard_id, 0, 100)).records
    assert sorted(r.txid or "" for r in records) == [""] + ["tx"] * 6
    (ttl,) = [r for r in records if r.origin == ORIGIN_TTL]
    assert ttl.new is None and ttl.old is not None
    await cluster.delete_table(NS, "t")
    assert [s.disabled_at for s in await cluster.list_streams(NS)] == [clock.now]  # kept, disabled
    await cluster.close()


async def test_the_log_is_trimmed_of_what_no_stream_or_index_needs() -> None:
    clock = Clock()
    cluster = await Cluster.open(StorageConfig(None, clock, 2, shard_rollover=HOUR, gsi_lag=60.0))
    gsi = IndexDef("by_v", True, KeySchema(KeyAttribute("v", "N")), None)
    await cluster.create_table(NS, "t", SCHEMA, {}, indexes=(gsi,))
    await cluster.create_table(NS, "plain", SCHEMA, {})
    for i in range(10):
        await cluster.apply(NS, "t", key(i), Put(item(i, i)))
        await cluster.apply(NS, "plain", key(i), Put(item(i, i)))
    # The lagging index has applied nothing yet: only the plain table's log goes.
    assert await cluster.trim_logs() == 10
    clock.now += 61
    await cluster.pump_indexes()
    assert await cluster.trim_logs() == 10
    assert len((await cluster.query(NS, "t", "by_v", {"N": "3"}, None)).items) == 1
    # A stream keeps 24 hours of records.
    stream = await cluster.enable_stream(NS, "plain")
    for i in range(5):
        await cluster.apply(NS, "plain", key(i), Put(item(i, 100 + i)))
    assert await cluster.trim_logs() == 0
    clock.now += 25 * HOUR
    await cluster.apply(NS, "plain", key(0), Put(item(0, 7)))
    assert await cluster.trim_logs() == 5
    shards = await cluster.stream_shards(NS, "plain", stream.label)
    records = [
        r
        for s in shards
        for r in (await cluster.read_shard(NS, "plain", stream.label, s.shard_id, 0, 10)).records
    ]
    assert [orjson.loads(r.new or b"{}")["v"]["N"] for r in records] == ["7"]
    await cluster.close()


async def test_a_deleted_tables_streams_stay_readable_for_their_retention(tmp_path: Path) -> None:
    clock = Clock()
    cluster = await _cluster(clock, tmp_path)
    await cluster.create_table(NS, "t", SCHEMA, {"mark": "old"})
    stream = await cluster.enable_stream(NS, "t")
    for i in range(6):
        await cluster.apply(NS, "t", key(i), Put(item(i, 1)))
    old_id = (await cluster.get_table(NS, "t")).table_id
    await cluster.delete_table(NS, "t")
    await cluster.create_table(NS, "t", SCHEMA, {"mark": "new"})  # the name is free again
    await cluster.apply(NS, "t", key(0), Put(item(0, 9)))
    await cluster.close()
    cluster = await _cluster(clock, tmp_path)  # kept across a restart too
    (listed,) = await cluster.list_streams(NS, "t")
    assert listed.label == stream.label and listed.disabled_at == clock.now
    assert (await cluster.stream_table(NS, "t", stream.label)).spec == {"mark": "old"}
    shards = await cluster.stream_shards(NS, "t", stream.label)
    assert len(shards) == 4 and all(s.end is not None for s in shards)
    records = await _drain(cluster, stream.label, shards)
    assert sorted(orjson.loads(new or b"{}")["v"]["N"] for _, _, new in records) == ["1"] * 6
    assert (tmp_path / "tables" / old_id).exists()
    clock.now += 24 * HOUR + 1
    await cluster.trim_logs()
    assert await cluster.list_streams(NS) == []
    with pytest.raises(StreamNotFound):
        await cluster.stream_table(NS, "t", stream.label)
    assert not (tmp_path / "tables" / old_id).exists()
    assert await _items_of(cluster) == [item(0, 9)]
    await cluster.close()


async def _items_of(cluster: Cluster) -> list[Item]:
    return [orjson.loads(stored.data) for stored in (await cluster.scan(NS, "t", None)).items]
