"""Write transactions across partitions: the coordinator's ledger, item holds, the commit protocol's steps.

A write transaction (`Cluster.transact_write`) runs in these steps:

1. evaluate: every action's mutation runs on its item's current version (nothing is written). Any
   failure, or an item held by another transaction, cancels the whole transaction here.
2. hold: every item of the transaction (condition checks too) is held in `Holds` until the end; a
   single-item write on a held item raises TransactionConflict, another transaction is cancelled.
3. `begin`: the ledger records the transaction (state PREPARING) with its participants, the
   (table, partition) pairs it writes to, durably.
4. `prepare:N`: participant N records its writes (decided item bytes) in its `intents` table, durably.
   The event loop runs other requests between participants (and for `transaction_hold`).
5. `decide`: the ledger marks the transaction COMMITTED. This one row is the commit point.
6. `commit:N`: participant N applies its intents in one local transaction (items, index rows, a log
   record per item carrying the transaction id) and drops them. All participants commit without the
   event loop running anything else in between, so no read in this process sees half of it.
7. `forget`: the holds are released; the ledger row goes with the next transaction's `begin`.

Recovery (`Cluster.open`): a ledger row still PREPARING is aborted (its participants drop their intents);
a COMMITTED one is committed again (a participant that already committed has no intents left, so this is
idempotent), then forgotten. A process killed at any step therefore ends all-or-nothing. A transaction
writing to one partition skips steps 3-5: its writes commit in one local transaction.

Each step name (with N counting participants from 1) is also a fault-injection point: with
`StorageConfig.crash_at` set to it, the process kills itself with SIGKILL there (crash tests only).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from storage.api import IndexDef, Item, KeySchema
from storage.index_entries import index_entry
from storage.keys import EncodedKey
from storage.sqlite import open_database, write_transaction

LEDGER_FILE = "transactions.sqlite"
PREPARING = "PREPARING"
COMMITTED = "COMMITTED"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger(
    txid TEXT PRIMARY KEY, state TEXT NOT NULL, participants BLOB NOT NULL, ts REAL NOT NULL) WITHOUT ROWID;
"""

Participant = tuple[str, int]
"""A participant of a transaction: (table id, partition index)."""

HoldKey = tuple[str, int, bytes, bytes]
"""An item as `Holds` knows it: (table id, partition hash, encoded partition key, encoded sort key)."""


class Ledger:
    """The coordinator's durable record of the transactions between `begin` and `forget`."""

    def __init__(self, path: Path | None) -> None:
        self._db = open_database(path, _SCHEMA)
        # Transactions finished but still in the ledger: their rows go with the next `begin` (one
        # SQLite transaction fewer per transaction; a finished row found by recovery is harmless).
        self._finished: list[str] = []

    def close(self) -> None:
        self._drop_finished()
        self._db.close()

    def _drop_finished(self) -> None:
        if self._finished:
            self._db.executemany("DELETE FROM ledger WHERE txid = ?", [(txid,) for txid in self._finished])
            self._finished.clear()

    def begin(self, txid: str, participants: list[Participant], ts: float) -> None:
        with write_transaction(self._db) as db:
            self._drop_finished()
            db.execute(
                "INSERT INTO ledger(txid, state, participants, ts) VALUES (?, ?, ?, ?)",
                (txid, PREPARING, orjson.dumps(participants), ts),
            )

    def decide(self, txid: str) -> None:
        """The commit point: from here on the transaction is applied, whatever happens."""
        with write_transaction(self._db) as db:
            db.execute("UPDATE ledger SET state = ? WHERE txid = ?", (COMMITTED, txid))

    def forget(self, txid: str) -> None:
        """The transaction is finished (committed everywhere, or aborted everywhere)."""
        self._finished.append(txid)

    def pending(self) -> Iterator[tuple[str, str, list[Participant]]]:
        """(txid, state, participants) of every transaction not forgotten, oldest first."""
        rows = self._db.execute("SELECT txid, state, participants FROM ledger ORDER BY ts").fetchall()
        for txid, state, participants in rows:
            if txid not in self._finished:
                yield txid, state, [(table_id, index) for table_id, index in orjson.loads(participants)]


class Holds:
    """The items held by write transactions in flight, and by which."""

    def __init__(self) -> None:
        self._held: dict[HoldKey, str] = {}

    def __bool__(self) -> bool:
        return bool(self._held)

    def __contains__(self, key: HoldKey) -> bool:
        return key in self._held

    def hold(self, txid: str, keys: list[HoldKey]) -> None:
        for key in keys:
            self._held[key] = txid

    def release(self, txid: str, keys: list[HoldKey]) -> None:
        for key in keys:
            if self._held.get(key) == txid:
                del self._held[key]


def hold_key(table_id: str, key: EncodedKey) -> HoldKey:
    return (table_id, key.hash, key.pk, key.sk)


def crash_point(crash_at: str | None, step: str) -> None:
    """Kill this process, as abruptly as a power cut leaves it, if `step` is the configured crash point."""
    if crash_at is not None and crash_at == step:
        os.kill(os.getpid(), signal.SIGKILL)


def collection_growth(
    schema: KeySchema,
    key: EncodedKey,
    old: tuple[Item | None, int],
    new: tuple[Item | None, int],
    lsis: tuple[IndexDef, ...],
    sizer: Callable[[Item], int],
) -> int:
    """Bytes a write adds to its item collection (items with its partition key plus their local index
    entries): the item's size change and that of its local index entries. `old`/`new`: (item, size)."""
    (old_item, old_size), (new_item, new_size) = old, new
    growth = (new_size if new_item is not None else 0) - (old_size if old_item is not None else 0)
    for index in lsis:
        before = index_entry(old_item, index, schema, key, sizer)
        after = index_entry(new_item, index, schema, key, sizer)
        growth += (0 if after is None else after.size) - (0 if before is None else before.size)
    return growth
