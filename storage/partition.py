"""One partition replica: a SQLite database (a WAL-mode file, or memory) with its items, log and stats.

Tables of the file:
- `items(hash, pk, sk, size, item)` WITHOUT ROWID, primary key (hash, pk, sk): `hash` is the signed
  partition hash and `pk`/`sk` the order-preserving encodings of storage/keys.py, so a B-tree walk visits
  the items of a partition key in DynamoDB's sort-key order; `item` holds the item's bytes as given.
- `log(lsn, ts, hash, pk, sk, old, new, origin, txid, checksum)`: one record per committed change.
- `state`: one row with the live item count, total item size and the last lsn.
- `lsi(idx, hash, pk, isk, sk, size, item)`: the table's local secondary index rows (`isk` the index sort
  key), changed in the same transaction as their item; `lsi_state` their count and size per index.

Every write is one transaction (BEGIN IMMEDIATE … COMMIT) that reads the old item, runs the caller's
`Mutation`, and writes the item row, the log record and the state row together, so the three never
disagree. Lsns increase by one per record; `state.last_lsn` keeps the counter even if the log is later
truncated. There is one writer per partition (its owner calls it from one thread).

The methods are synchronous and take and return plain, picklable values (keys, mutations, bytes,
dataclasses): the async `Cluster` calls them inline today, and the same calls can later cross a process
boundary unchanged. SQL texts are constants so sqlite3's statement cache prepares each one once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from storage.api import (
    IndexDef,
    InvalidKey,
    Item,
    ItemCollectionTooLarge,
    KeySchema,
    Mutation,
    StoredItem,
    WriteResult,
)
from storage.codec import decode_item, encode_item
from storage.index_entries import index_entry
from storage.keys import EncodedKey, encode_key
from storage.log import ORIGIN_USER, LogRecord, checksum
from storage.sqlite import open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items(
    hash INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, size INTEGER NOT NULL, item BLOB NOT NULL,
    PRIMARY KEY(hash, pk, sk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log(
    lsn INTEGER PRIMARY KEY, ts REAL NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL,
    old BLOB, new BLOB, origin TEXT NOT NULL, txid TEXT, checksum INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS state(
    id INTEGER PRIMARY KEY CHECK (id = 0), item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
    last_lsn INTEGER NOT NULL);
INSERT OR IGNORE INTO state(id, item_count, size_bytes, last_lsn) VALUES (0, 0, 0, 0);
CREATE TABLE IF NOT EXISTS lsi(
    idx TEXT NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL, isk BLOB NOT NULL, sk BLOB NOT NULL,
    size INTEGER NOT NULL, item BLOB NOT NULL,
    PRIMARY KEY(idx, hash, pk, isk, sk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsi_state(
    idx TEXT PRIMARY KEY, item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL) WITHOUT ROWID;
"""
_SELECT_ITEM = "SELECT item, size FROM items WHERE hash = ? AND pk = ? AND sk = ?"
_UPSERT_ITEM = (
    "INSERT INTO items(hash, pk, sk, size, item) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(hash, pk, sk) DO UPDATE SET size = excluded.size, item = excluded.item"
)
_DELETE_ITEM = "DELETE FROM items WHERE hash = ? AND pk = ? AND sk = ?"
_INSERT_LOG = (
    "INSERT INTO log(lsn, ts, hash, pk, sk, old, new, origin, txid, checksum) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_STATE = "UPDATE state SET item_count = ?, size_bytes = ?, last_lsn = ? WHERE id = 0"
_SELECT_STATE = "SELECT item_count, size_bytes, last_lsn FROM state WHERE id = 0"
_DELETE_LSI = "DELETE FROM lsi WHERE idx = ? AND hash = ? AND pk = ? AND isk = ? AND sk = ?"
_INSERT_LSI = "INSERT INTO lsi(idx, hash, pk, isk, sk, size, item) VALUES (?, ?, ?, ?, ?, ?, ?)"
_UPSERT_LSI_STATE = (
    "INSERT INTO lsi_state(idx, item_count, size_bytes) VALUES (?, ?, ?) "
    "ON CONFLICT(idx) DO UPDATE SET item_count = excluded.item_count, size_bytes = excluded.size_bytes"
)
_COLLECTION_SIZE = (
    "SELECT (SELECT coalesce(sum(size), 0) FROM items WHERE hash = ? AND pk = ?) + "
    "(SELECT coalesce(sum(size), 0) FROM lsi WHERE hash = ? AND pk = ?)"
)
_SELECT_LOG = (
    "SELECT lsn, ts, hash, pk, sk, old, new, origin, txid, checksum FROM log "
    "WHERE lsn > ? ORDER BY lsn LIMIT ?"
)


class Partition:
    """A partition replica's database. `path` None keeps it in memory (gone when closed)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db = open_database(path, _SCHEMA)
        self.item_count, self.size_bytes, self.last_lsn = self._db.execute(_SELECT_STATE).fetchone()
        # Live entry count and size of each local index, by index name.
        self.lsi_stats: dict[str, tuple[int, int]] = {
            idx: (count, size)
            for idx, count, size in self._db.execute("SELECT idx, item_count, size_bytes FROM lsi_state")
        }

    def close(self) -> None:
        self._db.close()

    def get(self, key: EncodedKey) -> StoredItem | None:
        row = self._db.execute(_SELECT_ITEM, (key.hash, key.pk, key.sk)).fetchone()
        return None if row is None else StoredItem(row[0], row[1])

    def apply(
        self,
        schema: KeySchema,
        key: EncodedKey,
        mutation: Mutation,
        ts: float,
        origin: str = ORIGIN_USER,
        txid: str | None = None,
        lsis: tuple[IndexDef, ...] = (),
        sizer: Callable[[Item], int] | None = None,
        collection_limit: int | None = None,
    ) -> WriteResult:
        """Run `mutation` on the item at `key` and commit its outcome with a log record, atomically.

        A write that changes nothing (no item before or after, or the same bytes) writes no row and no
        log record and returns lsn None. Any exception rolls back and propagates unchanged. `lsis` are the
        table's local indexes: their rows change in the same transaction (entry sizes by `sizer`), and
        with them a write that grows the item collection of its partition key past `collection_limit`
        bytes raises ItemCollectionTooLarge.
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(_SELECT_ITEM, (key.hash, key.pk, key.sk)).fetchone()
            old_data: bytes | None = None if row is None else row[0]
            old_size: int = 0 if row is None else row[1]
            old_item = None if old_data is None else decode_item(old_data)
            outcome = mutation.apply(old_item)
            new_data = None if outcome.new_item is None else encode_item(outcome.new_item)
            if not outcome.write or new_data == old_data:
                db.execute("ROLLBACK")
                return WriteResult(outcome, old_item, None, old_size)
            item_count, size_bytes = self.item_count, self.size_bytes
            if old_data is not None:
                item_count, size_bytes = item_count - 1, size_bytes - old_size
            if outcome.new_item is None:
                db.execute(_DELETE_ITEM, (key.hash, key.pk, key.sk))
            else:
                if encode_key(schema, outcome.new_item) != key:
                    raise InvalidKey("the new item's key attributes differ from the key it is written at")
                db.execute(_UPSERT_ITEM, (key.hash, key.pk, key.sk, outcome.new_size, new_data))
                item_count, size_bytes = item_count + 1, size_bytes + outcome.new_size
            lsi_stats = {}
            if lsis:
                assert sizer is not None
                lsi_stats = self._update_lsis(schema, key, old_item, outcome.new_item, lsis, sizer)
                if collection_limit is not None and outcome.new_item is not None:
                    self._check_collection(key, outcome.new_size - old_size, collection_limit)
            lsn = self.last_lsn + 1
            crc = checksum(lsn, ts, key.hash, key.pk, key.sk, old_data, new_data, origin, txid)
            db.execute(
                _INSERT_LOG, (lsn, ts, key.hash, key.pk, key.sk, old_data, new_data, origin, txid, crc)
            )
            db.execute(_UPDATE_STATE, (item_count, size_bytes, lsn))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self.item_count, self.size_bytes, self.last_lsn = item_count, size_bytes, lsn
        self.lsi_stats.update(lsi_stats)
        return WriteResult(outcome, old_item, lsn, old_size)

    def _update_lsis(
        self,
        schema: KeySchema,
        key: EncodedKey,
        old_item: Item | None,
        new_item: Item | None,
        lsis: tuple[IndexDef, ...],
        sizer: Callable[[Item], int],
    ) -> dict[str, tuple[int, int]]:
        """Replace the item's local index rows (inside the caller's transaction); the new stats."""
        db = self._db
        stats: dict[str, tuple[int, int]] = {}
        for index in lsis:
            old = index_entry(old_item, index, schema, key, sizer)
            new = index_entry(new_item, index, schema, key, sizer)
            if old == new:
                continue
            count, size = self.lsi_stats.get(index.name, (0, 0))
            if old is not None:
                db.execute(_DELETE_LSI, (index.name, key.hash, key.pk, old.key.sk, key.sk))
                count, size = count - 1, size - old.size
            if new is not None:
                data = encode_item(new.item)
                db.execute(_INSERT_LSI, (index.name, key.hash, key.pk, new.key.sk, key.sk, new.size, data))
                count, size = count + 1, size + new.size
            db.execute(_UPSERT_LSI_STATE, (index.name, count, size))
            stats[index.name] = (count, size)
        return stats

    def _check_collection(self, key: EncodedKey, growth: int, limit: int) -> None:
        if growth <= 0:
            return
        if self.collection_size(key.hash, key.pk) > limit:
            raise ItemCollectionTooLarge("item collection size limit exceeded")

    def collection_size(self, hash: int, pk: bytes) -> int:
        """Bytes of the items with this partition key and of their local index rows."""
        size: int = self._db.execute(_COLLECTION_SIZE, (hash, pk, hash, pk)).fetchone()[0]
        return size

    def rows(self, sql: str, params: list[object]) -> Iterator[tuple[int, bytes]]:
        """(size, item bytes) rows of a read built by storage/reads.py."""
        return iter(self._db.execute(sql, params))

    def snapshot(self) -> tuple[int, list[tuple[int, bytes, bytes, bytes]]]:
        """The last lsn and every item as (hash, pk, sk, item bytes): a consistent copy for a backfill."""
        db = self._db
        db.execute("BEGIN")
        try:
            (last_lsn,) = db.execute("SELECT last_lsn FROM state WHERE id = 0").fetchone()
            items = db.execute("SELECT hash, pk, sk, item FROM items ORDER BY hash, pk, sk").fetchall()
        finally:
            db.execute("COMMIT")
        return last_lsn, items

    def read_log(self, after_lsn: int, limit: int) -> list[LogRecord]:
        """Up to `limit` log records with lsn > after_lsn, in lsn order."""
        return [LogRecord(*row) for row in self._db.execute(_SELECT_LOG, (after_lsn, limit))]
