"""Write and read transactions in storage: all-or-nothing, reasons per action, holds and conflicts,
local and global indexes, and recovery after a process is killed at every step of the commit protocol."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from storage import Cluster
from storage.api import (
    IndexDef,
    Item,
    ItemCollectionTooLarge,
    KeyAttribute,
    KeySchema,
    Namespace,
    Outcome,
    StorageConfig,
    TransactGet,
    TransactionCancelled,
    TransactionConflict,
    TransactWrite,
)
from storage.transactions import LEDGER_FILE

NS = Namespace("000000000000", "us-east-1")
SCHEMA = KeySchema(KeyAttribute("pk", "S"))
GSI = IndexDef("by_g", True, KeySchema(KeyAttribute("g", "S")), None)
LSI_SCHEMA = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "S"))
LSI = IndexDef("by_l", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), None)


def _size(item: Item) -> int:
    return len(orjson.dumps(item))


@dataclass(frozen=True)
class Put:
    item: Item | None

    def apply(self, old: Item | None) -> Outcome:
        return Outcome(True, self.item, 0 if self.item is None else _size(self.item))


@dataclass(frozen=True)
class Check:
    """Writes nothing; fails unless the item exists."""

    def apply(self, old: Item | None) -> Outcome:
        if old is None:
            raise LookupError("missing")
        return Outcome(False)


def key(i: int) -> Item:
    return {"pk": {"S": f"k{i}"}}


def item(i: int, version: int, **extra: str) -> Item:
    return {**key(i), "v": {"N": str(version)}, **{k: {"S": v} for k, v in extra.items()}}


def config(data_dir: Path | None, **options: object) -> StorageConfig:
    return StorageConfig(data_dir, lambda: 0.0, 4, sizer=_size, **options)  # type: ignore[arg-type]


async def _items(cluster: Cluster, count: int) -> list[Item | None]:
    stored = [await cluster.get_item(NS, "t", key(i)) for i in range(count)]
    return [None if s is None else orjson.loads(s.data) for s in stored]


async def test_a_transaction_writes_across_partitions_with_one_txid(tmp_path: Path) -> None:
    cluster = await Cluster.open(config(tmp_path))
    await cluster.create_table(NS, "t", SCHEMA, {})
    actions = [TransactWrite("t", key(i), Put(item(i, 1))) for i in range(8)]
    results = await cluster.transact_write(NS, actions, "tx-1")
    assert [r.outcome.new_item for r in results] == [item(i, 1) for i in range(8)]
    assert all(r.lsn is not None and r.old_item is None for r in results)
    assert await _items(cluster, 8) == [item(i, 1) for i in range(8)]
    infos = await cluster.partitions(NS, "t")
    assert sum(1 for p in infos if p.item_count) > 1, "the keys should span partitions"
    records = [
        r for p in range(4) for r in cluster._partition(cluster._catalog.get(NS, "t"), p).read_log(0, 100)
    ]
    assert len(records) == 8 and {r.txid for r in records} == {"tx-1"}
    assert cluster._coordinator.unfinished() == []
    await cluster.close()


async def test_every_failing_action_is_reported_and_nothing_is_written() -> None:
    cluster = await Cluster.open(config(None))
    await cluster.create_table(NS, "t", SCHEMA, {})
    await cluster.apply(NS, "t", key(0), Put(item(0, 0)))
    actions = [
        TransactWrite("t", key(0), Check()),
        TransactWrite("t", key(1), Check()),
        TransactWrite("t", key(2), Put(item(2, 1))),
        TransactWrite("t", key(3), Check()),
    ]
    with pytest.raises(TransactionCancelled) as cancelled:
        await cluster.transact_write(NS, actions)
    reasons = cancelled.value.reasons
    assert reasons[0] is None and reasons[2] is None
    assert isinstance(reasons[1], LookupError) and isinstance(reasons[3], LookupError)
    assert await _items(cluster, 4) == [item(0, 0), None, None, None]
    # The holds went with the cancelled transaction.
    await cluster.apply(NS, "t", key(1), Put(item(1, 5)))
    await cluster.close()


async def test_a_condition_check_writes_nothing_and_a_delete_removes() -> None:
    cluster = await Cluster.open(config(None))
    await cluster.create_table(NS, "t", SCHEMA, {})
    for i in range(2):
        await cluster.apply(NS, "t", key(i), Put(item(i, 0)))
    results = await cluster.transact_write(
        NS, [TransactWrite("t", key(0), Check()), TransactWrite("t", key(1), Put(None))]
    )
    assert results[0].lsn is None and results[0].old_item == item(0, 0)
    assert results[1].lsn is not None and results[1].old_item == item(1, 0)
    assert await _items(cluster, 2) == [item(0, 0), None]
    assert (await cluster.table_stats(NS, "t")).item_count == 1
    await cluster.close()


async def test_held_items_refuse_writes_and_cancel_other_transactions() -> None:
    cluster = await Cluster.open(config(None, transaction_hold=0.2))
    await cluster.create_table(NS, "t", SCHEMA, {})
    await cluster.apply(NS, "t", key(0), Put(item(0, 0)))
    first = asyncio.create_task(
        cluster.transact_write(NS, [TransactWrite("t", key(i), Put(item(i, 1))) for i in range(3)])
    )
    await asyncio.sleep(0.05)
    with pytest.raises(TransactionConflict):
        await cluster.apply(NS, "t", key(1), Put(item(1, 9)))
    with pytest.raises(TransactionCancelled) as cancelled:
        await cluster.transact_write(
            NS, [TransactWrite("t", key(5), Put(item(5, 1))), TransactWrite("t", key(2), Check())]
        )
    assert cancelled.value.reasons[0] is None
    assert isinstance(cancelled.value.reasons[1], TransactionConflict)
    with pytest.raises(TransactionCancelled) as cancelled:
        await cluster.transact_get(NS, [TransactGet("t", key(7)), TransactGet("t", key(0))])
    assert [type(r) for r in cancelled.value.reasons] == [type(None), TransactionConflict]
    # A plain read sees the last committed version, and other items stay writable.
    assert await _items(cluster, 1) == [item(0, 0)]
    await cluster.apply(NS, "t", key(4), Put(item(4, 1)))
    await first
    assert await _items(cluster, 3) == [item(i, 1) for i in range(3)]
    assert [
        s and orjson.loads(s.data)
        for s in await cluster.transact_get(NS, [TransactGet("t", key(i)) for i in range(3)])
    ] == [item(i, 1) for i in range(3)]
    await cluster.apply(NS, "t", key(1), Put(item(1, 9)))
    await cluster.close()


async def test_global_and_local_indexes_follow_a_transaction() -> None:
    cluster = await Cluster.open(config(None, item_collection_limit=400))
    await cluster.create_table(NS, "t", LSI_SCHEMA, {}, indexes=(GSI, LSI))
    rows = [
        {"pk": {"S": f"p{i % 2}"}, "sk": {"S": str(i)}, "g": {"S": "G"}, "l": {"S": "L"}} for i in range(4)
    ]
    await cluster.transact_write(
        NS, [TransactWrite("t", {k: r[k] for k in ("pk", "sk")}, Put(r)) for r in rows]
    )
    assert len((await cluster.query(NS, "t", "by_g", {"S": "G"}, None)).items) == 4
    assert len((await cluster.query(NS, "t", "by_l", {"S": "p0"}, None)).items) == 2
    assert (await cluster.index_stats(NS, "t", "by_l")).item_count == 4
    # Growing one item collection past its limit cancels the transaction, with the reason on that action.
    big = {"pk": {"S": "p1"}, "sk": {"S": "big"}, "x": {"S": "x" * 300}}
    small = {"pk": {"S": "p0"}, "sk": {"S": "9"}}
    with pytest.raises(TransactionCancelled) as cancelled:
        await cluster.transact_write(
            NS,
            [
                TransactWrite("t", small, Put(small)),
                TransactWrite("t", {"pk": big["pk"], "sk": big["sk"]}, Put(big)),
            ],
        )
    assert cancelled.value.reasons[0] is None
    assert isinstance(cancelled.value.reasons[1], ItemCollectionTooLarge)
    assert await cluster.get_item(NS, "t", small) is None
    await cluster.close()


# --- crash recovery ---

WRITER = """
import asyncio, sys
from pathlib import Path
from storage import Cluster
from tests.test_storage_transactions import NS, SCHEMA, GSI, Put, config, item, key
from storage.api import TransactWrite

async def main():
    cluster = await Cluster.open(config(Path(sys.argv[1]), crash_at=sys.argv[2]))
    if "t" not in await cluster.list_tables(NS):
        await cluster.create_table(NS, "t", SCHEMA, {}, indexes=(GSI,))
    version = int(sys.argv[3])
    actions = [TransactWrite("t", key(i), Put(item(i, version, g="G"))) for i in range(8)]
    await cluster.transact_write(NS, actions)
    await cluster.close()
    print("finished", flush=True)

asyncio.run(main())
"""

STEPS = [
    ("begin", False),
    ("prepare:1", False),
    ("prepare:2", False),
    ("decide", True),
    ("commit:1", True),
    ("commit:3", True),
    ("no-crash", True),
]


async def test_a_transaction_killed_at_any_step_is_all_or_nothing_after_restart(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    expected_version = None
    for version, (step, applied) in enumerate(STEPS, 1):
        child = subprocess.run(
            [sys.executable, "-c", WRITER, str(tmp_path), step, str(version)],
            cwd=root,
            env=env,
            capture_output=True,
        )
        if step == "no-crash":
            assert child.returncode == 0 and child.stdout == b"finished\n", child.stderr
        else:
            assert child.returncode == -9, (step, child.stderr)
        if applied:
            expected_version = version
        cluster = await Cluster.open(config(tmp_path))
        items = await _items(cluster, 8)
        expected = (
            [None] * 8 if expected_version is None else [item(i, expected_version, g="G") for i in range(8)]
        )
        assert items == expected, step
        index = await cluster.query(NS, "t", "by_g", {"S": "G"}, None)
        assert sorted(orjson.loads(i.data)["v"]["N"] for i in index.items) == [
            str(expected_version) for _ in range(8 if expected_version else 0)
        ], step
        assert cluster._coordinator.unfinished() == []
        entry = cluster._catalog.get(NS, "t")
        assert all(not cluster._partition(entry, p).prepared() for p in range(4)), step
        await cluster.close()
    assert (tmp_path / LEDGER_FILE).exists()
