"""Secondary indexes in storage: local index rows in the partition transaction, global index stores fed
from the log (at once or with a lag), backfill, stats, persistence, the item collection limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from storage import Cluster
from storage.api import (
    IndexDef,
    IndexExists,
    IndexNotFound,
    ItemCollectionTooLarge,
    KeyAttribute,
    KeySchema,
    Namespace,
    SortCondition,
    StorageConfig,
)
from tests.test_storage_catalog import FakeClock
from tests.test_storage_partition import Delete, Put

NS = Namespace("000000000000", "us-east-1")
TABLE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
LSI = IndexDef("by_l", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), ())
GSI = IndexDef("by_g", True, KeySchema(KeyAttribute("g", "S"), KeyAttribute("gs", "N")), ("x",))
GSI_ALL = IndexDef("by_g_all", True, KeySchema(KeyAttribute("g", "S")), None)


def sizer(item: dict[str, Any]) -> int:
    return len(orjson.dumps(item))


def config(data_dir: Path | None = None, clock: FakeClock | None = None, lag: float = 0.0) -> StorageConfig:
    return StorageConfig(data_dir, clock or FakeClock(), partitions_per_table=3, sizer=sizer, gsi_lag=lag)


def item(pk: str, sk: int, **attrs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    for name, value in attrs.items():
        out[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    return out


async def put(cluster: Cluster, value: dict[str, Any]) -> None:
    await cluster.apply(NS, "t", value, Put(value, sizer(value)))


def data(page: Any) -> list[Any]:
    return [orjson.loads(i.data) for i in page.items]


async def test_local_index_rows_follow_every_write() -> None:
    cluster = await Cluster.open(config())
    await cluster.create_table(NS, "t", TABLE, {}, indexes=(LSI,))
    await put(cluster, item("a", 1, l="m", y="kept out"))
    await put(cluster, item("a", 2, l="c"))
    await put(cluster, item("a", 3))  # no index key: not in the index
    await put(cluster, item("a", 4, l="c"))
    await put(cluster, item("b", 1, l="a"))
    page = await cluster.query(NS, "t", "by_l", {"S": "a"}, None)
    assert data(page) == [item("a", 2, l="c"), item("a", 4, l="c"), item("a", 1, l="m")]
    page = await cluster.query(NS, "t", "by_l", {"S": "a"}, SortCondition(">", ({"S": "c"},)))
    assert data(page) == [item("a", 1, l="m")]
    start = item("a", 2, l="c")
    page = await cluster.query(NS, "t", "by_l", {"S": "a"}, None, start_key=start)
    assert data(page) == [item("a", 4, l="c"), item("a", 1, l="m")]
    stats = await cluster.index_stats(NS, "t", "by_l")
    assert stats.item_count == 4
    await put(cluster, item("a", 1, l="z"))  # the index key changes
    await cluster.apply(NS, "t", item("a", 2), Delete())
    page = await cluster.query(NS, "t", "by_l", {"S": "a"}, None, forward=False)
    assert data(page) == [item("a", 1, l="z"), item("a", 4, l="c")]
    assert (await cluster.index_stats(NS, "t", "by_l")).item_count == 3
    scanned = data(await cluster.scan(NS, "t", "by_l"))
    assert sorted(map(orjson.dumps, scanned)) == sorted(
        map(orjson.dumps, [item("a", 1, l="z"), item("a", 4, l="c"), item("b", 1, l="a")])
    )
    await cluster.close()


async def test_global_index_is_sparse_projected_and_allows_duplicates(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path))
    await cluster.create_table(NS, "t", TABLE, {}, indexes=(GSI, GSI_ALL))
    await put(cluster, item("a", 1, g="G", gs=5, x="x1", y="dropped"))
    await put(cluster, item("b", 1, g="G", gs=5, x="x2"))
    await put(cluster, item("c", 1, g="G", gs=1))
    await put(cluster, item("d", 1, g="H", gs=1))
    await put(cluster, item("e", 1, g="G"))  # lacks gs: only in by_g_all
    await put(cluster, item("f", 1, g=7, gs=1))  # wrong type: in neither
    page = await cluster.query(NS, "t", "by_g", {"S": "G"}, None)
    assert data(page) == [
        item("c", 1, g="G", gs=1),
        item("a", 1, g="G", gs=5, x="x1"),
        item("b", 1, g="G", gs=5, x="x2"),
    ]
    assert len(data(await cluster.query(NS, "t", "by_g_all", {"S": "G"}, None))) == 4
    await put(cluster, item("a", 1, g="H", gs=0, x="moved"))
    await cluster.apply(NS, "t", item("b", 1), Delete())
    assert data(await cluster.query(NS, "t", "by_g", {"S": "H"}, None)) == [
        item("a", 1, g="H", gs=0, x="moved"),
        item("d", 1, g="H", gs=1),
    ]
    stats = await cluster.index_stats(NS, "t", "by_g")
    assert (stats.item_count, stats.backfilling) == (3, False)
    await cluster.close()
    reopened = await Cluster.open(config(tmp_path))
    assert (await reopened.index_stats(NS, "t", "by_g")).item_count == 3
    assert len(data(await reopened.scan(NS, "t", "by_g"))) == 3
    await reopened.close()


async def test_add_index_backfills_and_drop_removes(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path))
    await cluster.create_table(NS, "t", TABLE, {})
    for i in range(20):
        await put(cluster, item(f"p{i}", i, g="G" if i % 2 else "H", gs=i))
    meta = await cluster.add_index(NS, "t", GSI)
    assert meta.indexes == (GSI,)
    with pytest.raises(IndexExists):
        await cluster.add_index(NS, "t", GSI)
    assert len(data(await cluster.query(NS, "t", "by_g", {"S": "G"}, None))) == 10
    await put(cluster, item("new", 1, g="G", gs=100))
    assert len(data(await cluster.query(NS, "t", "by_g", {"S": "G"}, None))) == 11
    await cluster.drop_index(NS, "t", "by_g")
    with pytest.raises(IndexNotFound):
        await cluster.query(NS, "t", "by_g", {"S": "G"}, None)
    with pytest.raises(IndexNotFound):
        await cluster.index_stats(NS, "t", "by_g")
    await cluster.add_index(NS, "t", GSI)  # the same name again: nothing left of the dropped one
    assert (await cluster.index_stats(NS, "t", "by_g")).item_count == 21
    await cluster.close()


async def test_lagging_global_index_catches_up_when_pumped() -> None:
    clock = FakeClock()
    cluster = await Cluster.open(config(clock=clock, lag=0.5))
    await cluster.create_table(NS, "t", TABLE, {}, indexes=(GSI,))
    await put(cluster, item("a", 1, g="G", gs=1))
    await cluster.pump_indexes()
    assert data(await cluster.query(NS, "t", "by_g", {"S": "G"}, None)) == []
    clock.now += 1
    await put(cluster, item("b", 1, g="G", gs=2))
    await cluster.pump_indexes()
    assert len(data(await cluster.query(NS, "t", "by_g", {"S": "G"}, None))) == 1
    clock.now += 1
    await cluster.pump_indexes()
    assert len(data(await cluster.query(NS, "t", "by_g", {"S": "G"}, None))) == 2
    await cluster.close()


async def test_item_collection_limit_and_size() -> None:
    cluster = await Cluster.open(StorageConfig(None, FakeClock(), 2, sizer=sizer, item_collection_limit=300))
    await cluster.create_table(NS, "t", TABLE, {}, indexes=(LSI,))
    await put(cluster, item("a", 1, l="x"))
    size = await cluster.item_collection_size(NS, "t", {"S": "a"})
    assert size == sizer(item("a", 1, l="x")) * 2  # the item and its (keys-only) index row
    with pytest.raises(ItemCollectionTooLarge):
        await put(cluster, item("a", 2, l="y" * 300))
    assert await cluster.item_collection_size(NS, "t", {"S": "a"}) == size  # rolled back
    await put(cluster, item("b", 2, l="y"))  # another collection
    await cluster.close()
