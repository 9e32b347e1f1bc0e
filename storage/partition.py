"""One partition replica: a SQLite database (a WAL-mode file, or memory) with its items, log and stats.

Tables of the file:
- `items(hash, pk, sk, size, item)` WITHOUT ROWID, primary key (hash, pk, sk): `hash` is the signed
  partition hash and `pk`/`sk` the order-preserving encodings of storage/keys.py, so a B-tree walk visits
  the items of a partition key in DynamoDB's sort-key order; `item` holds the item's bytes as given.
- `log(lsn, ts, hash, pk, sk, old, new, origin, txid, checksum)`: one record per committed change.
- `state`: one row with the live item count, total item size and the last lsn.
- `lsi(idx, hash, pk, isk, sk, size, item)`: the table's local secondary index rows (`isk` the index sort
  key), changed in the same transaction as their item; `lsi_state` their count and size per index.
- `intents(txid, seq, hash, pk, sk, size, new)`: the writes of cross-partition transactions prepared here
  and not yet committed or aborted (storage/transactions.py); they change nothing until committed.

Every write is one transaction (BEGIN IMMEDIATE … COMMIT) that reads the old item, runs the caller's
`Mutation`, and writes the item row, the log record and the state row together, so the three never
disagree. Lsns increase by one per record; `state.last_lsn` keeps the counter even if the log is later
truncated. There is one writer per partition (its owner calls it from one thread).

The methods are synchronous and take and return plain, picklable values (keys, mutations, bytes,
dataclasses): the async `Cluster` calls them inline today, and the same calls can later cross a process
boundary unchanged. SQL texts are constants so sqlite3's statement cache prepares each one once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from storage.api import (
    IndexDef,
    InvalidKey,
    Item,
    ItemCollectionTooLarge,
    KeySchema,
    Mutation,
    Outcome,
    StoredItem,
    WriteResult,
)
from storage.codec import decode_item, encode_item
from storage.index_entries import index_entry
from storage.keys import EncodedKey, encode_key
from storage.log import ORIGIN_USER, LogRecord, checksum
from storage.sqlite import open_database, write_transaction

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
CREATE TABLE IF NOT EXISTS intents(
    txid TEXT NOT NULL, seq INTEGER NOT NULL, hash INTEGER NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL,
    size INTEGER NOT NULL, new BLOB, PRIMARY KEY(txid, seq)) WITHOUT ROWID;
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
_INSERT_INTENT = "INSERT INTO intents(txid, seq, hash, pk, sk, size, new) VALUES (?, ?, ?, ?, ?, ?, ?)"
_SELECT_INTENTS = "SELECT hash, pk, sk, size, new FROM intents WHERE txid = ? ORDER BY seq"
_DELETE_INTENTS = "DELETE FROM intents WHERE txid = ?"
_FIRST_LOG_TS = "SELECT ts FROM log WHERE lsn > ? ORDER BY lsn LIMIT 1"
_LAST_LSN_BEFORE = "SELECT max(lsn) FROM log WHERE lsn > ? AND ts < ?"
_SELECT_LOG_TAIL = "SELECT ts, hash, pk, sk, origin, txid FROM log ORDER BY lsn DESC"
_SELECT_LOG = (
    "SELECT lsn, ts, hash, pk, sk, old, new, origin, txid, checksum FROM log "
    "WHERE lsn > ? ORDER BY lsn LIMIT ?"
)


@dataclass(frozen=True)
class PreparedWrite:
    """A write of a transaction, decided but not applied: the item's new bytes (None deletes it) and size."""

    key: EncodedKey
    size: int
    data: bytes | None


@dataclass
class _Tally:
    """The partition's counters as a transaction in progress changes them (adopted on COMMIT)."""

    item_count: int
    size_bytes: int
    last_lsn: int
    lsi_stats: dict[str, tuple[int, int]]


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
            if outcome.new_item is not None and encode_key(schema, outcome.new_item) != key:
                raise InvalidKey("the new item's key attributes differ from the key it is written at")
            tally = self._tally()
            self._write(
                tally, schema, key, old_data, old_size, old_item, new_data, outcome.new_size, lsis, sizer
            )
            if lsis and collection_limit is not None and outcome.new_item is not None:
                self._check_collection(key, outcome.new_size - old_size, collection_limit)
            self._append_log(tally, key, old_data, new_data, ts, origin, txid)
            db.execute(_UPDATE_STATE, (tally.item_count, tally.size_bytes, tally.last_lsn))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._adopt(tally)
        return WriteResult(outcome, old_item, tally.last_lsn, old_size)

    # --- the participant's side of a write transaction (storage/transactions.py) ---
    def prepare(self, txid: str, writes: Sequence[PreparedWrite]) -> None:
        """Record the transaction's writes to this partition durably, without applying them."""
        with write_transaction(self._db) as db:
            db.executemany(
                _INSERT_INTENT,
                [(txid, seq, w.key.hash, w.key.pk, w.key.sk, w.size, w.data) for seq, w in enumerate(writes)],
            )

    def prepared(self) -> set[str]:
        """The ids of the transactions with writes prepared here and neither committed nor aborted."""
        return {txid for (txid,) in self._db.execute("SELECT DISTINCT txid FROM intents")}

    def abort(self, txid: str) -> None:
        """Forget the transaction's prepared writes (nothing if there are none)."""
        with write_transaction(self._db) as db:
            db.execute(_DELETE_INTENTS, (txid,))

    def commit(
        self,
        txid: str,
        schema: KeySchema,
        ts: float,
        writes: Sequence[PreparedWrite] | None = None,
        lsis: tuple[IndexDef, ...] = (),
        sizer: Callable[[Item], int] | None = None,
    ) -> list[WriteResult | None]:
        """Apply the transaction's writes in one local transaction, each with its log record (txid
        `txid`), and drop its prepared writes. `writes` None: the writes prepared earlier (none if they
        were committed already, so committing twice is harmless); otherwise these (a transaction with one
        participant skips preparing). A result per write (None for a write that changed nothing)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if writes is None:
                writes = [
                    PreparedWrite(EncodedKey(h, pk, sk), size, data)
                    for h, pk, sk, size, data in db.execute(_SELECT_INTENTS, (txid,))
                ]
                db.execute(_DELETE_INTENTS, (txid,))
            tally = self._tally()
            results: list[WriteResult | None] = []
            for write in writes:
                key = write.key
                row = db.execute(_SELECT_ITEM, (key.hash, key.pk, key.sk)).fetchone()
                old_data: bytes | None = None if row is None else row[0]
                old_size: int = 0 if row is None else row[1]
                if old_data == write.data:
                    results.append(None)
                    continue
                old_item = None if old_data is None else decode_item(old_data)
                self._write(
                    tally, schema, key, old_data, old_size, old_item, write.data, write.size, lsis, sizer
                )
                self._append_log(tally, key, old_data, write.data, ts, ORIGIN_USER, txid)
                new_item = None if write.data is None else decode_item(write.data)
                outcome = Outcome(True, new_item, write.size)
                results.append(WriteResult(outcome, old_item, tally.last_lsn, old_size))
            db.execute(_UPDATE_STATE, (tally.item_count, tally.size_bytes, tally.last_lsn))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._adopt(tally)
        return results

    # --- the pieces of a write, inside the caller's SQLite transaction ---
    def _tally(self) -> _Tally:
        return _Tally(self.item_count, self.size_bytes, self.last_lsn, dict(self.lsi_stats))

    def _adopt(self, tally: _Tally) -> None:
        """Take the counters of a committed transaction."""
        self.item_count, self.size_bytes, self.last_lsn = tally.item_count, tally.size_bytes, tally.last_lsn
        self.lsi_stats = tally.lsi_stats

    def _write(
        self,
        tally: _Tally,
        schema: KeySchema,
        key: EncodedKey,
        old_data: bytes | None,
        old_size: int,
        old_item: Item | None,
        new_data: bytes | None,
        new_size: int,
        lsis: tuple[IndexDef, ...],
        sizer: Callable[[Item], int] | None,
    ) -> None:
        """Replace the item row (and its local index rows) and count the change in `tally`."""
        db = self._db
        if old_data is not None:
            tally.item_count, tally.size_bytes = tally.item_count - 1, tally.size_bytes - old_size
        if new_data is None:
            db.execute(_DELETE_ITEM, (key.hash, key.pk, key.sk))
        else:
            db.execute(_UPSERT_ITEM, (key.hash, key.pk, key.sk, new_size, new_data))
            tally.item_count, tally.size_bytes = tally.item_count + 1, tally.size_bytes + new_size
        if lsis:
            assert sizer is not None
            new_item = None if new_data is None else decode_item(new_data)
            self._update_lsis(tally.lsi_stats, schema, key, old_item, new_item, lsis, sizer)

    def _append_log(
        self,
        tally: _Tally,
        key: EncodedKey,
        old_data: bytes | None,
        new_data: bytes | None,
        ts: float,
        origin: str,
        txid: str | None,
    ) -> None:
        lsn = tally.last_lsn = tally.last_lsn + 1
        crc = checksum(lsn, ts, key.hash, key.pk, key.sk, old_data, new_data, origin, txid)
        self._db.execute(
            _INSERT_LOG, (lsn, ts, key.hash, key.pk, key.sk, old_data, new_data, origin, txid, crc)
        )

    def _update_lsis(
        self,
        stats: dict[str, tuple[int, int]],
        schema: KeySchema,
        key: EncodedKey,
        old_item: Item | None,
        new_item: Item | None,
        lsis: tuple[IndexDef, ...],
        sizer: Callable[[Item], int],
    ) -> None:
        """Replace the item's local index rows (inside the caller's transaction), counting in `stats`."""
        db = self._db
        for index in lsis:
            old = index_entry(old_item, index, schema, key, sizer)
            new = index_entry(new_item, index, schema, key, sizer)
            if old == new:
                continue
            count, size = stats.get(index.name, (0, 0))
            if old is not None:
                db.execute(_DELETE_LSI, (index.name, key.hash, key.pk, old.key.sk, key.sk))
                count, size = count - 1, size - old.size
            if new is not None:
                data = encode_item(new.item)
                db.execute(_INSERT_LSI, (index.name, key.hash, key.pk, new.key.sk, key.sk, new.size, data))
                count, size = count + 1, size + new.size
            db.execute(_UPSERT_LSI_STATE, (index.name, count, size))
            stats[index.name] = (count, size)

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

    def last_lsn_before(self, after_lsn: int, ts: float) -> int:
        """The last lsn > after_lsn whose record was committed before `ts` (after_lsn when there is none):
        where a retention that drops records older than `ts` leaves off."""
        first = self._db.execute(_FIRST_LOG_TS, (after_lsn,)).fetchone()
        if first is None or first[0] >= ts:
            return after_lsn  # the usual case, answered from one row
        (lsn,) = self._db.execute(_LAST_LSN_BEFORE, (after_lsn, ts)).fetchone()
        return int(lsn)

    def trim_log(self, through_lsn: int, limit: int) -> int:
        """Delete up to `limit` of the oldest log records with lsn <= through_lsn (state.last_lsn keeps
        the counter); how many. Lsns have no gaps, so the batch is a range from the first lsn."""
        (first,) = self._db.execute("SELECT min(lsn) FROM log").fetchone()
        if first is None or first > through_lsn:
            return 0
        with write_transaction(self._db) as db:
            return db.execute(
                "DELETE FROM log WHERE lsn <= ?", (min(through_lsn, first + limit - 1),)
            ).rowcount

    def recent_changes(
        self, keys: set[tuple[int, bytes, bytes]], since: float
    ) -> list[tuple[tuple[int, bytes, bytes], float, str, str | None]]:
        """(key, ts, origin, txid) of the log records of `keys` committed at or after `since`, newest
        first: the tail of the log, read backwards until a record older than `since`."""
        changes = []
        cursor = self._db.execute(_SELECT_LOG_TAIL)
        try:
            for ts, hash, pk, sk, origin, txid in cursor:
                if ts < since:
                    break
                if (hash, pk, sk) in keys:
                    changes.append(((hash, pk, sk), ts, origin, txid))
        finally:
            cursor.close()
        return changes

    def read_log(self, after_lsn: int, limit: int) -> list[LogRecord]:
        """Up to `limit` log records with lsn > after_lsn, in lsn order."""
        return [LogRecord(*row) for row in self._db.execute(_SELECT_LOG, (after_lsn, limit))]
