"""A global secondary index: its own SQLite database of entries, fed from its table's partition logs.

Tables of the file:
- `entries(hash, pk, sk, tpk, tsk, size, item)` WITHOUT ROWID, primary key (hash, pk, sk, tpk, tsk):
  the index key (its partition hash and encodings, as storage/keys.py makes them) then the table key the
  entry belongs to, so duplicate index keys are allowed and ordered by table key;
- `cursors(partition, lsn)`: the last log record of each table partition applied here;
- `state`: entry count, total entry size, and whether a backfill is running.

Entries change only by applying log records in lsn order per table partition (`apply_records`), in one
transaction with the cursor, so after a crash the index resumes exactly where it stopped. A new index is
first filled from a snapshot of each partition (`backfill`), with the cursor set to the snapshot's lsn.
The index's partitions are ranges of the hash column: one file holds them all (its hash order is the
order a multi-file layout would give).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from storage.api import IndexDef, Item, KeySchema
from storage.codec import decode_item, encode_item
from storage.index_entries import IndexEntry, index_entry
from storage.keys import EncodedKey
from storage.log import LogRecord
from storage.sqlite import open_database, write_transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries(
    hash INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, tpk BLOB NOT NULL, tsk BLOB NOT NULL,
    size INTEGER NOT NULL, item BLOB NOT NULL,
    PRIMARY KEY(hash, pk, sk, tpk, tsk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors(partition INTEGER PRIMARY KEY, lsn INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS state(
    id INTEGER PRIMARY KEY CHECK (id = 0), item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
    backfilling INTEGER NOT NULL);
INSERT OR IGNORE INTO state(id, item_count, size_bytes, backfilling) VALUES (0, 0, 0, 1);
"""
_DELETE = "DELETE FROM entries WHERE hash = ? AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?"
_INSERT = "INSERT OR REPLACE INTO entries(hash, pk, sk, tpk, tsk, size, item) VALUES (?, ?, ?, ?, ?, ?, ?)"
_SET_CURSOR = (
    "INSERT INTO cursors(partition, lsn) VALUES (?, ?) "
    "ON CONFLICT(partition) DO UPDATE SET lsn = excluded.lsn"
)
_SET_STATE = "UPDATE state SET item_count = ?, size_bytes = ?, backfilling = ? WHERE id = 0"


class GlobalIndex:
    """One global index's database. `path` None keeps it in memory."""

    def __init__(
        self, path: Path | None, index: IndexDef, table_schema: KeySchema, sizer: Callable[[Item], int]
    ) -> None:
        self.path = path
        self.index = index
        self._table_schema = table_schema
        self._sizer = sizer
        self._db = open_database(path, _SCHEMA)
        count, size, backfilling = self._db.execute(
            "SELECT item_count, size_bytes, backfilling FROM state WHERE id = 0"
        ).fetchone()
        self.item_count: int = count
        self.size_bytes: int = size
        self.backfilling = bool(backfilling)
        self._cursors: dict[int, int] = dict(self._db.execute("SELECT partition, lsn FROM cursors"))

    def close(self) -> None:
        self._db.close()

    def cursor(self, partition: int) -> int:
        """The lsn of the last record of `partition`'s log applied here (0: none)."""
        return self._cursors.get(partition, 0)

    def _entry(self, data: bytes | None, key: EncodedKey) -> IndexEntry | None:
        item = None if data is None else decode_item(data)
        return index_entry(item, self.index, self._table_schema, key, self._sizer)

    def _put(self, entry: IndexEntry) -> None:
        k = entry.key
        data = encode_item(entry.item)
        self._db.execute(_INSERT, (k.hash, k.pk, k.sk, entry.table_pk, entry.table_sk, entry.size, data))

    def apply_records(self, partition: int, records: list[LogRecord]) -> None:
        """Apply `partition`'s log records (in lsn order, all after its cursor) in one transaction."""
        if not records:
            return
        count, size = self.item_count, self.size_bytes
        with write_transaction(self._db) as db:
            for record in records:
                key = EncodedKey(record.hash, record.pk, record.sk)
                old = self._entry(record.old, key)
                new = self._entry(record.new, key)
                if old == new:
                    continue
                if old is not None:
                    k = old.key
                    db.execute(_DELETE, (k.hash, k.pk, k.sk, old.table_pk, old.table_sk))
                    count, size = count - 1, size - old.size
                if new is not None:
                    self._put(new)
                    count, size = count + 1, size + new.size
            db.execute(_SET_CURSOR, (partition, records[-1].lsn))
            db.execute(_SET_STATE, (count, size, int(self.backfilling)))
        self.item_count, self.size_bytes = count, size
        self._cursors[partition] = records[-1].lsn

    def backfill(
        self, partition: int, last_lsn: int, items: Iterable[tuple[int, bytes, bytes, bytes]]
    ) -> None:
        """Add the entries of a snapshot of `partition` (rows of hash, pk, sk, item bytes) taken at
        `last_lsn`, and start its cursor there."""
        count, size = self.item_count, self.size_bytes
        with write_transaction(self._db) as db:
            for hash, pk, sk, data in items:
                entry = self._entry(data, EncodedKey(hash, pk, sk))
                if entry is not None:
                    self._put(entry)
                    count, size = count + 1, size + entry.size
            db.execute(_SET_CURSOR, (partition, last_lsn))
            db.execute(_SET_STATE, (count, size, 1))
        self.item_count, self.size_bytes = count, size
        self._cursors[partition] = last_lsn

    def reset(self) -> None:
        """Forget everything (a backfill that was interrupted starts again)."""
        self._db.executescript(
            "BEGIN; DELETE FROM entries; DELETE FROM cursors; UPDATE state SET item_count = 0, "
            "size_bytes = 0, backfilling = 1; COMMIT;"
        )
        self.item_count = self.size_bytes = 0
        self.backfilling = True
        self._cursors.clear()

    def finish_backfill(self) -> None:
        self._db.execute(_SET_STATE, (self.item_count, self.size_bytes, 0))
        self.backfilling = False

    def rows(self, sql: str, params: list[object]) -> Iterator[tuple[int, bytes]]:
        """(size, item bytes) rows of a read built by storage/reads.py."""
        return iter(self._db.execute(sql, params))
