"""Items through the Cluster door: routing to partitions, stats, persistence across restarts, file cleanup."""

from __future__ import annotations

import ast
from pathlib import Path

import orjson
import pytest

import storage
from storage import Cluster
from storage.api import InvalidKey, KeyAttribute, KeySchema, Namespace, StorageConfig, TableNotFound
from storage.keys import encode_key
from tests.test_storage_catalog import FakeClock
from tests.test_storage_partition import Delete, Fail, Put

NS = Namespace("000000000000", "us-east-1")
HASH_ONLY = KeySchema(KeyAttribute("id", "S"))


def key(i: int) -> dict[str, dict[str, str]]:
    return {"id": {"S": f"user#{i}"}}


def config(data_dir: Path | None, partitions: int = 4) -> StorageConfig:
    return StorageConfig(data_dir=data_dir, clock=FakeClock(), partitions_per_table=partitions)


async def test_apply_and_get_item() -> None:
    cluster = await Cluster.open(config(None))
    await cluster.create_table(NS, "t", HASH_ONLY, {})
    item = {"id": {"S": "user#1"}, "n": {"N": "1"}}
    result = await cluster.apply(NS, "t", key(1), Put(item, 20))
    assert result.lsn == 1 and result.old_item is None
    stored = await cluster.get_item(NS, "t", key(1))
    assert stored is not None and orjson.loads(stored.data) == item and stored.size == 20
    with pytest.raises(LookupError):
        await cluster.apply(NS, "t", key(1), Fail())
    assert (await cluster.apply(NS, "t", key(1), Delete())).old_item == item
    assert await cluster.get_item(NS, "t", key(1)) is None
    with pytest.raises(TableNotFound):
        await cluster.get_item(NS, "missing", key(1))
    with pytest.raises(InvalidKey):
        await cluster.get_item(NS, "t", {"other": {"S": "x"}})
    with pytest.raises(InvalidKey):
        await cluster.apply(NS, "t", {"id": {"N": "1"}}, Delete())
    await cluster.close()


async def test_items_spread_over_partitions_by_hash_range() -> None:
    cluster = await Cluster.open(config(None, partitions=4))
    await cluster.create_table(NS, "t", HASH_ONLY, {})
    for i in range(200):
        await cluster.apply(NS, "t", key(i), Put({**key(i), "i": {"N": str(i)}}, 10))
    partitions = await cluster.partitions(NS, "t")
    assert len(partitions) == 4
    assert all(p.item_count > 20 for p in partitions), partitions
    assert sum(p.item_count for p in partitions) == 200
    assert sum(p.last_lsn for p in partitions) == 200
    # Each item lives in the partition whose range holds its hash.
    expected = [0] * 4
    for i in range(200):
        h = encode_key(HASH_ONLY, key(i)).hash
        expected[next(p.index for p in partitions if p.hash_first <= h <= p.hash_last)] += 1
    assert expected == [p.item_count for p in partitions]
    stats = await cluster.table_stats(NS, "t")
    assert (stats.item_count, stats.size_bytes) == (200, 2000)
    await cluster.close()


async def test_data_survives_restart(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path))
    meta = await cluster.create_table(NS, "t", HASH_ONLY, {"spec": True})
    for i in range(50):
        await cluster.apply(NS, "t", key(i), Put({**key(i), "v": {"S": "x" * i}}, i))
    await cluster.apply(NS, "t", key(7), Delete())
    await cluster.close()

    cluster = await Cluster.open(config(tmp_path))
    assert await cluster.get_table(NS, "t") == meta
    assert (await cluster.table_stats(NS, "t")).item_count == 49
    assert await cluster.get_item(NS, "t", key(7)) is None
    stored = await cluster.get_item(NS, "t", key(30))
    assert stored is not None and orjson.loads(stored.data)["v"] == {"S": "x" * 30} and stored.size == 30
    lsns_before = sum(p.last_lsn for p in await cluster.partitions(NS, "t"))
    assert lsns_before == 51
    await cluster.apply(NS, "t", key(7), Put(key(7)))
    assert sum(p.last_lsn for p in await cluster.partitions(NS, "t")) == 52
    await cluster.close()


async def test_memory_keeps_nothing() -> None:
    cluster = await Cluster.open(config(None))
    await cluster.create_table(NS, "t", HASH_ONLY, {})
    await cluster.close()
    cluster = await Cluster.open(config(None))
    assert await cluster.list_tables(NS) == []
    await cluster.close()


async def test_delete_removes_files_and_data(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path, partitions=3))
    meta = await cluster.create_table(NS, "t", HASH_ONLY, {})
    table_dir = tmp_path / "tables" / meta.table_id
    assert sorted(p.name for p in table_dir.glob("*.sqlite")) == ["p0.sqlite", "p1.sqlite", "p2.sqlite"]
    await cluster.apply(NS, "t", key(1), Put(key(1)))
    await cluster.delete_table(NS, "t")
    assert not table_dir.exists()
    recreated = await cluster.create_table(NS, "t", HASH_ONLY, {})
    assert await cluster.get_item(NS, "t", key(1)) is None
    assert (await cluster.table_stats(NS, "t")).item_count == 0
    assert recreated.table_id != meta.table_id
    await cluster.close()


async def test_orphan_table_directories_are_removed_on_open(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path))
    meta = await cluster.create_table(NS, "t", HASH_ONLY, {})
    await cluster.close()
    orphan = tmp_path / "tables" / "leftover-of-an-interrupted-delete"
    orphan.mkdir()
    (orphan / "p0.sqlite").write_bytes(b"")
    cluster = await Cluster.open(config(tmp_path))
    assert not orphan.exists()
    assert (tmp_path / "tables" / meta.table_id).exists()
    await cluster.close()


def test_storage_never_imports_app() -> None:
    for path in Path(storage.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "app" or n.startswith("app.") for n in names), f"{path} imports {names}"
