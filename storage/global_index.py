"""The global secondary indexes of a table: one SQLite database of their entries, fed from the table's
partition logs.

Tables of the file (`gsi.sqlite` in the table's directory):
- `entries(idx, hash, pk, sk, tpk, tsk, size, item)` WITHOUT ROWID, primary key (idx, hash, pk, sk,
  tpk, tsk): per index, the index key (its partition hash and encodings, as storage/keys.py makes them)
  then the table key the entry belongs to, so duplicate index keys are allowed, ordered by table key;
- `cursors(idx, partition, lsn)`: per index, the last log record of each table partition applied;
- `state(idx, item_count, size_bytes, backfilling)`: per index, its live stats and whether its backfill
  is still to finish.

Entries change only by applying log records in lsn order per table partition (`apply_records`), all of
a table's global indexes in one transaction with their cursors, so a write costs one commit here however
many indexes the table has, and after a crash every index resumes exactly where it stopped. A new index
is first filled from a snapshot of each partition (`backfill`), its cursor set to the snapshot's lsn;
until `finish_backfill` it counts as unfinished and a reopened store starts its backfill again. An
index's partitions are ranges of its hash column: its hash order is what a multi-file layout would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.api import IndexDef, Item, KeySchema
from storage.codec import decode_item, encode_item
from storage.index_entries import IndexEntry, index_entry
from storage.keys import EncodedKey
from storage.log import LogRecord
from storage.sqlite import open_database, write_transaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries(
    idx TEXT NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, tpk BLOB NOT NULL,
    tsk BLOB NOT NULL, size INTEGER NOT NULL, item BLOB NOT NULL,
    PRIMARY KEY(idx, hash, pk, sk, tpk, tsk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors(
    idx TEXT NOT NULL, partition INTEGER NOT NULL, lsn INTEGER NOT NULL,
    PRIMARY KEY(idx, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state(
    idx TEXT PRIMARY KEY, item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
    backfilling INTEGER NOT NULL) WITHOUT ROWID;
"""
_DELETE = "DELETE FROM entries WHERE idx = ? AND hash = ? AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?"
_INSERT = (
    "INSERT OR REPLACE INTO entries(idx, hash, pk, sk, tpk, tsk, size, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_SET_CURSOR = (
    "INSERT INTO cursors(idx, partition, lsn) VALUES (?, ?, ?) "
    "ON CONFLICT(idx, partition) DO UPDATE SET lsn = excluded.lsn"
)
_SET_STATE = (
    "INSERT INTO state(idx, item_count, size_bytes, backfilling) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(idx) DO UPDATE SET item_count = excluded.item_count, size_bytes = excluded.size_bytes, "
    "backfilling = excluded.backfilling"
)


@dataclass(frozen=True, slots=True)
class Change:
    """One logged change of a table item as the indexes apply it: its lsn and key, the decoded old and
    new images and, when the writer knows them, their sizes (None: computed here)."""

    lsn: int
    key: EncodedKey
    old: Item | None
    new: Item | None
    old_size: int | None = None
    new_size: int | None = None

    @classmethod
    def of(cls, record: LogRecord) -> Change:
        old = None if record.old is None else decode_item(record.old)
        new = None if record.new is None else decode_item(record.new)
        return cls(record.lsn, EncodedKey(record.hash, record.pk, record.sk), old, new)


class GlobalIndexes:
    """The database of one table's global indexes. `path` None keeps it in memory."""

    def __init__(self, path: Path | None, table_schema: KeySchema, sizer: Callable[[Item], int]) -> None:
        self.path = path
        self._table_schema = table_schema
        self._sizer = sizer
        self._db = open_database(path, _SCHEMA)
        # name -> [entry count, total entry size, backfilling]
        self._state: dict[str, list[int]] = {}
        self._cursors: dict[tuple[str, int], int] = {}
        self._load()

    def _load(self) -> None:
        """The stats and cursors as committed (after a rollback, the in-memory ones are ahead)."""
        self._state = {
            idx: [count, size, backfilling]
            for idx, count, size, backfilling in self._db.execute(
                "SELECT idx, item_count, size_bytes, backfilling FROM state"
            )
        }
        self._cursors = {
            (idx, partition): lsn
            for idx, partition, lsn in self._db.execute("SELECT idx, partition, lsn FROM cursors")
        }

    def close(self) -> None:
        self.flush()
        self._db.close()

    def flush(self) -> None:
        """Commit the changes `apply_changes(defer_commit=True)` left open (group commit)."""
        if self._db.in_transaction:
            try:
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._load()

    def ready(self, name: str) -> bool:
        """Whether the index exists here with its backfill finished."""
        state = self._state.get(name)
        return state is not None and not state[2]

    def stats(self, name: str) -> tuple[int, int, bool]:
        """Entry count, total entry size and whether the backfill is unfinished."""
        count, size, backfilling = self._state.get(name, [0, 0, 1])
        return count, size, bool(backfilling)

    def cursor(self, name: str, partition: int) -> int:
        """The lsn of the last record of `partition`'s log applied to the index (0: none)."""
        return self._cursors.get((name, partition), 0)

    def _entry(
        self, item: Item | None, index: IndexDef, key: EncodedKey, size: int | None = None
    ) -> IndexEntry | None:
        return index_entry(item, index, self._table_schema, key, self._sizer, size)

    def _put(self, name: str, entry: IndexEntry) -> None:
        k = entry.key
        data = encode_item(entry.item)
        self._db.execute(
            _INSERT, (name, k.hash, k.pk, k.sk, entry.table_pk, entry.table_sk, entry.size, data)
        )

    def apply_records(self, partition: int, records: list[LogRecord], indexes: tuple[IndexDef, ...]) -> None:
        """Apply `partition`'s log records (in lsn order); see `apply_changes`."""
        self.apply_changes(partition, [Change.of(record) for record in records], indexes)

    def apply_changes(
        self,
        partition: int,
        changes: list[Change],
        indexes: tuple[IndexDef, ...],
        defer_commit: bool = False,
    ) -> None:
        """Apply `partition`'s changes (in lsn order) to every index whose cursor they are past, in one
        transaction. With `defer_commit` the transaction stays open for more changes until `flush`:
        reads see the changes at once, and a crash before the commit loses nothing, as the indexes
        catch up from the log past their committed cursors when the store is opened again."""
        if not changes:
            return
        last = changes[-1].lsn
        pending = [index for index in indexes if self.cursor(index.name, partition) < last]
        if not pending:
            return
        stats = {index.name: list(self._state.get(index.name, [0, 0, 0])) for index in pending}
        db = self._db
        try:
            if not db.in_transaction:
                db.execute("BEGIN IMMEDIATE")
            for change in changes:
                for index in pending:
                    if change.lsn <= self.cursor(index.name, partition):
                        continue
                    old = self._entry(change.old, index, change.key, change.old_size)
                    new = self._entry(change.new, index, change.key, change.new_size)
                    if old == new:
                        continue
                    state = stats[index.name]
                    if old is not None:
                        k = old.key
                        db.execute(_DELETE, (index.name, k.hash, k.pk, k.sk, old.table_pk, old.table_sk))
                        state[0], state[1] = state[0] - 1, state[1] - old.size
                    if new is not None:
                        self._put(index.name, new)
                        state[0], state[1] = state[0] + 1, state[1] + new.size
            for index in pending:
                db.execute(_SET_CURSOR, (index.name, partition, last))
                db.execute(_SET_STATE, (index.name, *stats[index.name]))
            if not defer_commit:
                db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        for index in pending:
            self._cursors[(index.name, partition)] = last
            self._state[index.name] = stats[index.name]

    def start_backfill(self, name: str) -> None:
        """Forget the index's entries and cursors (a backfill that was interrupted starts again)."""
        self.flush()
        with write_transaction(self._db) as db:
            db.execute("DELETE FROM entries WHERE idx = ?", (name,))
            db.execute("DELETE FROM cursors WHERE idx = ?", (name,))
            db.execute(_SET_STATE, (name, 0, 0, 1))
        self._state[name] = [0, 0, 1]
        for key in [k for k in self._cursors if k[0] == name]:
            del self._cursors[key]

    def backfill(
        self, index: IndexDef, partition: int, last_lsn: int, items: Iterable[tuple[int, bytes, bytes, bytes]]
    ) -> None:
        """Add the entries of a snapshot of `partition` (rows of hash, pk, sk, item bytes) taken at
        `last_lsn`, and start the index's cursor for that partition there."""
        self.flush()
        state = list(self._state.get(index.name, [0, 0, 1]))
        with write_transaction(self._db) as db:
            for hash, pk, sk, data in items:
                entry = self._entry(decode_item(data), index, EncodedKey(hash, pk, sk))
                if entry is not None:
                    self._put(index.name, entry)
                    state[0], state[1] = state[0] + 1, state[1] + entry.size
            db.execute(_SET_CURSOR, (index.name, partition, last_lsn))
            db.execute(_SET_STATE, (index.name, *state))
        self._state[index.name] = state
        self._cursors[(index.name, partition)] = last_lsn

    def finish_backfill(self, name: str) -> None:
        self.flush()
        state = list(self._state.get(name, [0, 0, 1]))
        state[2] = 0
        self._db.execute(_SET_STATE, (name, *state))
        self._state[name] = state

    def drop(self, name: str) -> None:
        """Remove the index's entries, cursors and stats."""
        self.flush()
        with write_transaction(self._db) as db:
            for table in ("entries", "cursors", "state"):
                db.execute(f"DELETE FROM {table} WHERE idx = ?", (name,))
        self._state.pop(name, None)
        for key in [k for k in self._cursors if k[0] == name]:
            del self._cursors[key]

    def rows(self, sql: str, params: list[object]) -> Iterator[tuple[int, bytes]]:
        """(size, item bytes) rows of a read built by storage/reads.py."""
        return iter(self._db.execute(sql, params))
