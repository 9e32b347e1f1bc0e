"""Tables through the Cluster door: create/get/list/update/delete, namespaces, lingering deletes, hash map."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Cluster
from storage.api import KeyAttribute, KeySchema, Namespace, StorageConfig, TableExists, TableNotFound
from storage.partition_map import HASH_MAX, HASH_MIN, HashRange, PartitionMap, even_split

NS = Namespace("000000000000", "us-east-1")
OTHER_REGION = Namespace("000000000000", "eu-west-1")
OTHER_ACCOUNT = Namespace("111111111111", "us-east-1")
SCHEMA = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def cluster(clock: FakeClock) -> AsyncIterator[Cluster]:
    c = await Cluster.open(StorageConfig(data_dir=None, clock=clock, partitions_per_table=2))
    yield c
    await c.close()


async def test_create_get_update(cluster: Cluster, clock: FakeClock) -> None:
    spec = {"BillingMode": "PAY_PER_REQUEST", "Nested": {"a": [1, 2]}}
    created = await cluster.create_table(NS, "t1", SCHEMA, spec)
    assert (created.name, created.namespace, created.key_schema) == ("t1", NS, SCHEMA)
    assert (created.status, created.version, created.partition_count) == ("ACTIVE", 1, 2)
    assert created.created_at == clock.now and created.deleted_at is None
    assert created.spec == spec
    spec["BillingMode"] = "changed after the call"
    assert (await cluster.get_table(NS, "t1")).spec["BillingMode"] == "PAY_PER_REQUEST"
    updated = await cluster.update_table(NS, "t1", {"BillingMode": "PROVISIONED"})
    assert updated.version == 2 and updated.spec == {"BillingMode": "PROVISIONED"}
    assert updated.table_id == created.table_id and updated.created_at == created.created_at
    assert await cluster.get_table(NS, "t1") == updated


async def test_missing_and_duplicate_tables(cluster: Cluster) -> None:
    with pytest.raises(TableNotFound):
        await cluster.get_table(NS, "nope")
    with pytest.raises(TableNotFound):
        await cluster.update_table(NS, "nope", {})
    with pytest.raises(TableNotFound):
        await cluster.delete_table(NS, "nope")
    with pytest.raises(TableNotFound):
        await cluster.table_stats(NS, "nope")
    await cluster.create_table(NS, "t", SCHEMA, {})
    with pytest.raises(TableExists):
        await cluster.create_table(NS, "t", SCHEMA, {})
    # Names are case-sensitive.
    await cluster.create_table(NS, "T", SCHEMA, {})


async def test_list_tables_sorted_by_utf8_bytes(cluster: Cluster) -> None:
    for name in ["b", "a.x", "B", "a-1", "a_1", "A", "0"]:
        await cluster.create_table(NS, name, SCHEMA, {})
    assert await cluster.list_tables(NS) == sorted(["b", "a.x", "B", "a-1", "a_1", "A", "0"], key=str.encode)
    assert await cluster.list_tables(NS) == ["0", "A", "B", "a-1", "a.x", "a_1", "b"]


async def test_namespaces_are_isolated(cluster: Cluster) -> None:
    a = await cluster.create_table(NS, "t", SCHEMA, {"n": 1})
    b = await cluster.create_table(OTHER_REGION, "t", SCHEMA, {"n": 2})
    await cluster.create_table(OTHER_ACCOUNT, "u", SCHEMA, {})
    assert a.table_id != b.table_id
    assert (await cluster.get_table(OTHER_REGION, "t")).spec == {"n": 2}
    assert await cluster.list_tables(NS) == ["t"]
    assert await cluster.list_tables(OTHER_ACCOUNT) == ["u"]
    with pytest.raises(TableNotFound):
        await cluster.get_table(OTHER_ACCOUNT, "t")
    await cluster.delete_table(NS, "t")
    assert (await cluster.get_table(OTHER_REGION, "t")).spec == {"n": 2}
    assert await cluster.list_namespaces() == sorted(
        [NS, OTHER_REGION, OTHER_ACCOUNT], key=lambda n: (n.account, n.region)
    )


async def test_delete_without_linger_is_immediate(cluster: Cluster) -> None:
    await cluster.create_table(NS, "t", SCHEMA, {})
    before = await cluster.get_table(NS, "t")
    assert await cluster.delete_table(NS, "t") == before
    assert await cluster.list_tables(NS) == []
    with pytest.raises(TableNotFound):
        await cluster.get_table(NS, "t")
    recreated = await cluster.create_table(NS, "t", SCHEMA, {})
    assert recreated.table_id != before.table_id


async def test_lingering_delete(cluster: Cluster, clock: FakeClock) -> None:
    await cluster.create_table(NS, "t", SCHEMA, {"k": "v"})
    before = await cluster.get_table(NS, "t")
    returned = await cluster.delete_table(NS, "t", linger_until=clock.now + 10)
    assert returned == before and returned.status == "ACTIVE"
    deleting = await cluster.get_table(NS, "t")
    assert deleting.status == "DELETING" and deleting.deleted_at == clock.now
    assert deleting.version == before.version + 1 and deleting.spec == {"k": "v"}
    assert await cluster.list_tables(NS) == ["t"]
    with pytest.raises(TableExists):
        await cluster.create_table(NS, "t", SCHEMA, {})
    with pytest.raises(TableNotFound):
        await cluster.get_item(NS, "t", {"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert (await cluster.table_stats(NS, "t")).item_count == 0
    clock.now += 9.9
    assert await cluster.list_tables(NS) == ["t"]
    clock.now += 0.1
    assert await cluster.list_tables(NS) == []
    with pytest.raises(TableNotFound):
        await cluster.get_table(NS, "t")
    await cluster.create_table(NS, "t", SCHEMA, {})


async def test_lingering_delete_survives_restart(tmp_path: Path, clock: FakeClock) -> None:
    config = StorageConfig(data_dir=tmp_path, clock=clock, partitions_per_table=1)
    cluster = await Cluster.open(config)
    await cluster.create_table(NS, "t", SCHEMA, {})
    await cluster.delete_table(NS, "t", linger_until=clock.now + 5)
    await cluster.close()
    cluster = await Cluster.open(config)
    assert (await cluster.get_table(NS, "t")).status == "DELETING"
    clock.now += 5
    assert await cluster.list_tables(NS) == []
    await cluster.close()
    cluster = await Cluster.open(config)
    assert await cluster.list_tables(NS) == []
    await cluster.close()


def test_even_split_tiles_the_hash_space() -> None:
    for count in [1, 2, 3, 4, 7, 64]:
        ranges = even_split(count)
        assert len(ranges) == count and ranges[0].first == HASH_MIN and ranges[-1].last == HASH_MAX
        partition_map = PartitionMap(ranges)
        for index, r in enumerate(ranges):
            assert partition_map.locate(r.first) == index and partition_map.locate(r.last) == index
        widths = {r.last - r.first for r in ranges}
        assert max(widths) - min(widths) <= 1


@pytest.mark.parametrize(
    "ranges",
    [
        (),
        (HashRange(HASH_MIN, 0),),
        (HashRange(HASH_MIN, 0), HashRange(2, HASH_MAX)),
        (HashRange(HASH_MIN, 5), HashRange(5, HASH_MAX)),
        (HashRange(HASH_MIN + 1, HASH_MAX),),
    ],
)
def test_partition_map_refuses_gaps_and_overlaps(ranges: tuple[HashRange, ...]) -> None:
    with pytest.raises(ValueError):
        PartitionMap(ranges)
