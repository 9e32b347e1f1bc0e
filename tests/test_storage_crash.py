"""Killed mid-write (SIGKILL), storage reopens with every index equal to what its table's items say.

A child process writes to a table with a local and two global indexes as fast as it can (puts that move
items between index keys, in and out of the sparse indexes, and deletes) until it is killed at a random
moment. The parent then reopens the data directory and rebuilds each index's expected entries from the
table's items: the local index rows (same transaction as the item) and the global index (fed from the
log, with cursors committed together with their entries, in group commits that a kill may cut short)
must match them exactly.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from storage import Cluster
from storage.api import IndexDef, KeyAttribute, KeySchema, Namespace, StorageConfig
from storage.index_entries import entry_attributes

NS = Namespace("000000000000", "us-east-1")
TABLE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
LSI = IndexDef("by_l", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), ("x",))
GSI = IndexDef("by_g", True, KeySchema(KeyAttribute("g", "S"), KeyAttribute("sk", "N")), ())
GSI_ALL = IndexDef("by_l_all", True, KeySchema(KeyAttribute("l", "S")), None)

WRITER = """
import asyncio, random, sys
from dataclasses import dataclass
from pathlib import Path
import orjson
from storage import Cluster
from storage.api import Outcome, StorageConfig
from tests.test_storage_crash import GSI, GSI_ALL, LSI, NS, TABLE

@dataclass(frozen=True)
class Write:
    item: dict | None
    def apply(self, old):
        size = 0 if self.item is None else len(orjson.dumps(self.item))
        return Outcome(write=True, new_item=self.item, new_size=size)

async def main():
    config = StorageConfig(Path(sys.argv[1]), lambda: 0.0, 3, sizer=lambda i: len(orjson.dumps(i)))
    cluster = await Cluster.open(config)
    if "t" not in await cluster.list_tables(NS):
        await cluster.create_table(NS, "t", TABLE, {}, indexes=(LSI, GSI, GSI_ALL))
    rng = random.Random(int(sys.argv[2]))
    print("ready", flush=True)
    while True:
        if rng.random() < 0.3:
            await asyncio.sleep(0)  # a turn of the loop: the global indexes' group commit runs
        key = {"pk": {"S": f"p{rng.randrange(20)}"}, "sk": {"N": str(rng.randrange(20))}}
        if rng.random() < 0.2:
            await cluster.apply(NS, "t", key, Write(None))
            continue
        item = dict(key)
        if rng.random() < 0.8:
            item["l"] = {"S": f"l{rng.randrange(5)}"}
        if rng.random() < 0.8:
            item["g"] = {"S": f"g{rng.randrange(5)}"}
        item["x"] = {"S": "x" * rng.randrange(50)}
        await cluster.apply(NS, "t", key, Write(item))

asyncio.run(main())
"""


def _sizer(item: dict[str, object]) -> int:
    return len(orjson.dumps(item))


async def _check(data_dir: Path) -> int:
    cluster = await Cluster.open(StorageConfig(data_dir, lambda: 0.0, 3, sizer=_sizer))
    items = [orjson.loads(i.data) for i in (await cluster.scan(NS, "t", None)).items]
    for index in (LSI, GSI, GSI_ALL):
        expected = sorted(
            orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
            for item in items
            if (entry := entry_attributes(item, index, TABLE)) is not None
        )
        found = sorted(
            orjson.dumps(orjson.loads(i.data), option=orjson.OPT_SORT_KEYS)
            for i in (await cluster.scan(NS, "t", index.name)).items
        )
        assert found == expected, index.name
        stats = await cluster.index_stats(NS, "t", index.name)
        assert stats.item_count == len(expected)
    await cluster.close()
    return len(items)


async def test_indexes_match_the_table_after_sigkill(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    rng = random.Random(7)
    for round_ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(round_)],
            stdout=subprocess.PIPE,
            cwd=root,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(0.2 + rng.random() * 0.5)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert await _check(tmp_path) > 0
