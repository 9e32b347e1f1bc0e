"""Global tables in storage: joining copies the source, changes flow between every pair of members,
last writer wins, nothing echoes back, members leave, cursors survive a restart and hold back log
trimming, and transactions' holds delay a shipped change."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import Cluster
from storage.api import (
    IndexDef,
    Item,
    KeyAttribute,
    KeySchema,
    Namespace,
    Outcome,
    StorageConfig,
    TableExists,
    TransactWrite,
)
from storage.codec import decode_item
from storage.log import ORIGIN_REPLICATION

EAST = Namespace("000000000000", "us-east-1")
WEST = Namespace("000000000000", "us-west-2")
EUROPE = Namespace("000000000000", "eu-west-1")
SCHEMA = KeySchema(KeyAttribute("pk", "S"))
BY_COLOUR = IndexDef("by_colour", True, KeySchema(KeyAttribute("colour", "S")))


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float = 0.001) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Put:
    item: Item | None

    def apply(self, old: Item | None) -> Outcome:
        return Outcome(True, self.item, 0 if self.item is None else len(orjson.dumps(self.item)))


def key(i: int) -> Item:
    return {"pk": {"S": f"k{i}"}}


def item(i: int, v: int, colour: str = "red") -> Item:
    return {**key(i), "v": {"N": str(v)}, "colour": {"S": colour}}


async def value(cluster: Cluster, ns: Namespace, i: int) -> Item | None:
    stored = await cluster.get_item(ns, "t", key(i))
    return None if stored is None else decode_item(stored.data)


async def open_cluster(clock: Clock, data_dir: Path | None = None) -> Cluster:
    return await Cluster.open(StorageConfig(data_dir, clock, 4))


async def global_table(clock: Clock, *regions: Namespace, data_dir: Path | None = None) -> Cluster:
    """Table t in EAST with 20 items, replicated to `regions` (each joined from EAST)."""
    cluster = await open_cluster(clock, data_dir)
    await cluster.create_table(EAST, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    for i in range(20):
        await cluster.apply(EAST, "t", key(i), Put(item(i, 0)))
    for ns in regions:
        await cluster.create_table(ns, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
        await cluster.add_replica(EAST, ns, "t")
    return cluster


async def test_joining_copies_the_items_and_changes_flow_both_ways() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    assert [await value(cluster, WEST, i) for i in range(20)] == [item(i, 0) for i in range(20)]
    assert await cluster.replica_regions(EAST, "t") == ["us-east-1", "us-west-2"]
    assert await cluster.replica_regions(WEST, "t") == ["us-east-1", "us-west-2"]
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    await cluster.apply(WEST, "t", key(2), Put(None))
    await cluster.apply(WEST, "t", key(30), Put(item(30, 3)))
    assert await value(cluster, WEST, 1) == item(1, 0)  # not shipped yet: eventually consistent
    assert await cluster.replicate() == 3
    for ns in (EAST, WEST):
        assert await value(cluster, ns, 1) == item(1, 1)
        assert await value(cluster, ns, 2) is None
        assert await value(cluster, ns, 30) == item(30, 3)
    assert await cluster.replicate() == 0  # nothing echoes back
    await cluster.close()


async def test_the_replica_global_index_holds_the_copied_and_shipped_items() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.apply(EAST, "t", key(5), Put(item(5, 1, "blue")))
    await cluster.replicate()
    page = await cluster.query(WEST, "t", "by_colour", {"S": "blue"}, None)
    assert [decode_item(s.data)["pk"] for s in page.items] == [{"S": "k5"}]
    page = await cluster.query(WEST, "t", "by_colour", {"S": "red"}, None)
    assert len(page.items) == 19
    await cluster.close()


async def test_the_last_writer_wins_in_every_member() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.apply(WEST, "t", key(3), Put(item(3, 1)))
    clock.tick()
    await cluster.apply(EAST, "t", key(3), Put(item(3, 2)))  # later: wins everywhere
    clock.tick()
    await cluster.apply(EAST, "t", key(4), Put(None))
    clock.tick()
    await cluster.apply(WEST, "t", key(4), Put(item(4, 9)))  # a later put beats an earlier delete
    await cluster.replicate()
    for ns in (EAST, WEST):
        assert await value(cluster, ns, 3) == item(3, 2)
        assert await value(cluster, ns, 4) == item(4, 9)
    await cluster.close()


async def test_a_stale_change_is_dropped_when_the_target_wrote_later() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    clock.tick()
    await cluster.apply(WEST, "t", key(1), Put(item(1, 2)))
    applied = await cluster.replicate()
    assert applied == 1  # WEST's change applied in EAST; EAST's older one dropped in WEST
    assert await value(cluster, WEST, 1) == item(1, 2)
    assert await value(cluster, EAST, 1) == item(1, 2)
    await cluster.close()


async def test_equal_write_times_are_decided_by_the_region_name() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    await cluster.apply(WEST, "t", key(1), Put(item(1, 2)))  # same instant: "us-west-2" > "us-east-1"
    await cluster.replicate()
    assert await value(cluster, EAST, 1) == item(1, 2)
    assert await value(cluster, WEST, 1) == item(1, 2)
    await cluster.close()


async def test_a_third_member_gets_every_members_changes_directly() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.apply(WEST, "t", key(7), Put(item(7, 7)))  # not yet in EAST when EUROPE joins
    await cluster.create_table(EUROPE, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    await cluster.add_replica(EAST, EUROPE, "t")
    assert await value(cluster, EUROPE, 7) == item(7, 7)  # joining pumps first, so the copy has it
    clock.tick()
    await cluster.apply(WEST, "t", key(8), Put(item(8, 8)))
    await cluster.apply(EUROPE, "t", key(9), Put(item(9, 9)))
    await cluster.replicate()
    for ns in (EAST, WEST, EUROPE):
        assert await value(cluster, ns, 8) == item(8, 8)
        assert await value(cluster, ns, 9) == item(9, 9)
    assert await cluster.replica_regions(WEST, "t") == ["us-east-1", "us-west-2", "eu-west-1"]
    await cluster.close()


async def test_joining_twice_is_refused() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    with pytest.raises(TableExists):
        await cluster.add_replica(EAST, WEST, "t")
    await cluster.close()


async def test_members_leave_and_a_group_of_one_dissolves() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST, EUROPE)
    await cluster.remove_replica(EUROPE, "t")
    assert await cluster.replica_regions(EUROPE, "t") == []
    await cluster.apply(EAST, "t", key(1), Put(item(1, 5)))
    await cluster.replicate()
    assert await value(cluster, WEST, 1) == item(1, 5)
    assert await value(cluster, EUROPE, 1) == item(1, 0)  # left: no longer receives
    await cluster.delete_table(WEST, "t")
    assert await cluster.replica_regions(EAST, "t") == []
    await cluster.apply(EAST, "t", key(2), Put(item(2, 5)))
    assert await cluster.replicate() == 0
    await cluster.close()


async def test_cursors_survive_a_restart_and_hold_back_log_trimming(tmp_path: Path) -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST, data_dir=tmp_path)
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    clock.tick(48 * 3600.0)
    await cluster.trim_logs()  # no stream: only the unshipped change keeps its log record
    await cluster.close()
    cluster = await open_cluster(clock, tmp_path)
    assert await cluster.replicate() == 1
    assert await value(cluster, WEST, 1) == item(1, 1)
    assert await cluster.replicate() == 0
    await cluster.close()


async def test_shipped_changes_carry_the_replication_origin_and_their_version() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)
    await cluster.enable_stream(WEST, "t")
    clock.tick(1.0)  # past the commit times of the set-up, so the write commits at the clock's time
    written_at = clock.now
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    clock.tick(1.0)
    await cluster.replicate()
    (stream,) = await cluster.list_streams(WEST, "t")
    shards = await cluster.stream_shards(WEST, "t", stream.label)
    records = []
    for shard in shards:
        read = await cluster.read_shard(WEST, "t", stream.label, shard.shard_id, 0, 100)
        records += read.records
    (record,) = records
    assert record.origin == ORIGIN_REPLICATION
    assert record.ts == clock.now  # committed in WEST when it arrived
    assert record.txid == f"{written_at!r} us-east-1"
    await cluster.close()


async def test_a_backlog_ships_a_batch_per_partition_per_call_unless_complete() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST, EUROPE)
    for i in range(6000):
        clock.tick()
        await cluster.apply(EAST, "t", key(100 + i), Put(item(100 + i, i)))
    first = await cluster.replicate()
    assert 0 < first < 2 * 6000  # a batch of each of the 4 partitions to each of the 2 members
    assert first <= 2 * 4 * 1000
    rest = await cluster.replicate(complete=True)
    assert first + rest == 2 * 6000
    assert await value(cluster, EUROPE, 6099) == item(6099, 5999)
    await cluster.close()


JOINER = """
import asyncio, sys
from pathlib import Path
from storage import Cluster
from storage.api import StorageConfig
from tests.test_storage_global_tables import BY_COLOUR, EAST, SCHEMA, WEST, Clock, Put, item, key

async def main():
    cluster = await Cluster.open(StorageConfig(Path(sys.argv[1]), Clock(), 4, crash_at=sys.argv[2]))
    await cluster.create_table(EAST, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    for i in range(50):
        await cluster.apply(EAST, "t", key(i), Put(item(i, 0)))
    await cluster.create_table(WEST, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    await cluster.add_replica(EAST, WEST, "t")
    print("finished", flush=True)

asyncio.run(main())
"""


async def test_a_copy_killed_midway_leaves_no_replica_after_restart(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.run(
        [sys.executable, "-c", JOINER, str(tmp_path), "replica-copy:20"],
        cwd=root,
        env=env,
        capture_output=True,
    )
    assert child.returncode == -9, child.stderr
    clock = Clock()
    cluster = await open_cluster(clock, tmp_path)
    assert await cluster.list_tables(WEST) == []  # the half-copied table is gone
    assert await cluster.replica_regions(EAST, "t") == []
    assert await value(cluster, EAST, 49) == item(49, 0)  # the source is untouched
    await cluster.create_table(WEST, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    await cluster.add_replica(EAST, WEST, "t")  # a retry works
    assert await value(cluster, WEST, 49) == item(49, 0)
    await cluster.close()
    cluster = await open_cluster(clock, tmp_path)
    assert await cluster.list_tables(WEST) == ["t"]  # a finished copy stays
    await cluster.close()


REGIONS = (EAST, WEST, EUROPE)
# One step of a random history: a write (region index, key, value or None for a delete, whether the
# clock moves first) or a pump ("pump").
Step = tuple[int, int, int | None, bool] | str
steps = st.lists(
    st.one_of(
        st.just("pump"),
        st.tuples(
            st.integers(0, 2), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 9)), st.booleans()
        ),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(history=steps)
def test_every_history_converges_on_the_last_writer(history: list[Step]) -> None:
    """Whatever the interleaving of writes (some in one clock tick) and pumps, once everything is shipped
    every region holds, for each item, the last write that changed something where it was made. Commit
    times are strictly increasing (storage.log.CommitClock), so the last write has the greatest version."""

    async def run() -> None:
        clock = Clock()
        cluster = await open_cluster(clock)
        for ns in REGIONS:
            await cluster.create_table(ns, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
        await cluster.add_replica(EAST, WEST, "t")
        await cluster.add_replica(EAST, EUROPE, "t")
        winners: dict[int, Item | None] = {}
        for step in history:
            if step == "pump":
                await cluster.replicate()
                continue
            assert not isinstance(step, str)
            region, k, v, tick = step
            if tick:
                clock.tick()
            ns = REGIONS[region]
            new = None if v is None else item(k, v, colour=f"c{v}")
            if await value(cluster, ns, k) != new:  # a write that changes nothing has no version
                winners[k] = new
            await cluster.apply(ns, "t", key(k), Put(new))
        await cluster.replicate(complete=True)
        for k in range(4):
            expected = winners.get(k)
            for ns in REGIONS:
                assert await value(cluster, ns, k) == expected, (k, ns.region)
            for ns in REGIONS:  # the indexes agree with the items
                colour = None if expected is None else expected["colour"]
                if colour is not None:
                    page = await cluster.query(ns, "t", "by_colour", colour, None)
                    assert key(k)["pk"] in [decode_item(s.data)["pk"] for s in page.items]
        await cluster.close()

    asyncio.run(run())


async def test_a_synchronous_group_ships_each_write_before_it_returns(tmp_path: Path) -> None:
    clock = Clock()
    cluster = await open_cluster(clock, tmp_path)
    for ns in REGIONS:
        await cluster.create_table(ns, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    await cluster.add_replica(EAST, WEST, "t", synchronous=True)
    await cluster.add_replica(EAST, EUROPE, "t")  # joins in the group's mode
    clock.tick()
    await cluster.apply(WEST, "t", key(2), Put(item(2, 2)))
    await cluster.transact_write(
        EUROPE, [TransactWrite("t", key(3), Put(item(3, 3))), TransactWrite("t", key(1), Put(None))]
    )
    for ns in REGIONS:  # no pump ran: the writes were shipped before they returned
        assert [await value(cluster, ns, k) for k in (1, 2, 3)] == [None, item(2, 2), item(3, 3)]
    assert await cluster.replicate(complete=True) == 0
    await cluster.close()
    cluster = await open_cluster(clock, tmp_path)  # the mode survives a restart
    await cluster.apply(EUROPE, "t", key(4), Put(item(4, 4)))
    assert await value(cluster, EAST, 4) == item(4, 4)
    await cluster.remove_replica(EUROPE, "t")
    await cluster.delete_table(WEST, "t")  # the group is dissolved: EAST is regional again
    await cluster.apply(EAST, "t", key(5), Put(item(5, 5)))
    assert await value(cluster, EUROPE, 5) is None
    await cluster.close()


async def test_two_groups_of_one_name_do_not_mix() -> None:
    clock = Clock()
    cluster = await global_table(clock, WEST)  # t: EAST + WEST
    asia, africa = Namespace(EAST.account, "ap-south-1"), Namespace(EAST.account, "af-south-1")
    for ns in (asia, africa):
        await cluster.create_table(ns, "t", SCHEMA, {}, indexes=(BY_COLOUR,))
    await cluster.apply(asia, "t", key(900), Put(item(900, 9)))
    await cluster.add_replica(asia, africa, "t")  # another table named t, another group
    clock.tick()
    await cluster.apply(EAST, "t", key(1), Put(item(1, 1)))
    await cluster.apply(africa, "t", key(901), Put(item(901, 9)))
    await cluster.replicate(complete=True)
    assert await value(cluster, WEST, 1) == item(1, 1)
    assert await value(cluster, asia, 1) is None and await value(cluster, africa, 1) is None
    assert await value(cluster, asia, 901) == item(901, 9)
    assert await value(cluster, EAST, 901) is None and await value(cluster, WEST, 900) is None
    assert await cluster.replica_regions(africa, "t") == ["ap-south-1", "af-south-1"]
    assert await cluster.replica_regions(WEST, "t") == ["us-east-1", "us-west-2"]
    await cluster.close()
