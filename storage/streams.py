"""The streams of tables: which streams exist, and their shards as ranges of partition log sequence numbers.

A stream holds no records of its own: its records are its table's partition log records, so they are
exactly the committed changes, one per item change, in commit order per partition. This store keeps,
in its own SQLite database (`streams.sqlite`, or memory):

- `streams(table_id, label, …)`: one row per enabling of a table's stream; `disabled_at` once disabled.
- `kept_tables(table_id, entry, deleted_at)`: deleted tables whose streams are still readable (their
  partition files stay until the last stream is past its retention).
- `shards(table_id, label, shard_id, parent, partition, start_after, end_lsn, created_at, closed_at)`: a shard
  is the records of one partition with `start_after < lsn <= end_lsn` (`end_lsn` NULL while open). Enabling a
  stream opens one shard per partition after the partition's last lsn; disabling closes every open shard
  at it; a shard open longer than the rollover interval is closed there and a child shard (its `parent`)
  takes over. So a partition's shards form a chain covering its log from the stream's start without gap
  or overlap.

Shard ids have AWS's form `shardId-<20 digits: creation time in ms>-<8 hex>`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from storage.api import ShardInfo, StreamInfo
from storage.sqlite import open_database, write_transaction

STREAMS_FILE = "streams.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS streams(
    table_id TEXT NOT NULL, label TEXT NOT NULL, table_name TEXT NOT NULL, created_at REAL NOT NULL,
    disabled_at REAL, PRIMARY KEY(table_id, label)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kept_tables(
    table_id TEXT PRIMARY KEY, entry BLOB NOT NULL, deleted_at REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shards(
    table_id TEXT NOT NULL, label TEXT NOT NULL, shard_id TEXT NOT NULL, parent TEXT,
    partition INTEGER NOT NULL, start_after INTEGER NOT NULL, end_lsn INTEGER, created_at REAL NOT NULL,
    closed_at REAL, PRIMARY KEY(table_id, label, shard_id)) WITHOUT ROWID;
"""
_SHARD_COLUMNS = "shard_id, parent, partition, start_after, end_lsn, created_at"


def stream_label(created_at: float) -> str:
    """AWS's stream label: the creation time in UTC to the millisecond, `2026-12-03T09:05:12.345`."""
    moment = datetime.fromtimestamp(created_at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def new_shard_id(created_at: float) -> str:
    return f"shardId-{int(created_at * 1000):020d}-{uuid.uuid4().hex[:8]}"


class StreamStore:
    """The streams and shards of every table. Methods take the table's id; lsns come from the caller."""

    def __init__(self, path: Path | None) -> None:
        self._db = open_database(path, _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def enabled(self, table_id: str) -> StreamInfo | None:
        row = self._db.execute(
            "SELECT table_name, label, created_at FROM streams WHERE table_id = ? AND disabled_at IS NULL",
            (table_id,),
        ).fetchone()
        return None if row is None else StreamInfo(row[0], row[1], row[2])

    def enable(self, table_id: str, table_name: str, last_lsns: list[int], now: float) -> StreamInfo:
        """A new stream with one open shard per partition, after each partition's last lsn."""
        label = stream_label(now)
        while self.stream(table_id, label) is not None:  # two enablings in one millisecond
            now += 0.001
            label = stream_label(now)
        with write_transaction(self._db) as db:
            db.execute(
                "INSERT INTO streams(table_id, label, table_name, created_at) VALUES (?, ?, ?, ?)",
                (table_id, label, table_name, now),
            )
            for partition, last_lsn in enumerate(last_lsns):
                self._open_shard(table_id, label, None, partition, last_lsn, now)
        return StreamInfo(table_name, label, now)

    def disable(self, table_id: str, last_lsns: list[int], now: float) -> StreamInfo | None:
        """Disable the table's enabled stream, closing each open shard at its partition's last lsn."""
        stream = self.enabled(table_id)
        if stream is None:
            return None
        with write_transaction(self._db) as db:
            db.execute(
                "UPDATE streams SET disabled_at = ? WHERE table_id = ? AND label = ?",
                (now, table_id, stream.label),
            )
            for shard in self._open_shards(table_id, stream.label):
                self._close_shard(table_id, stream.label, shard.shard_id, last_lsns[shard.partition], now)
        return StreamInfo(stream.table, stream.label, stream.created_at, now)

    def stream(self, table_id: str, label: str) -> StreamInfo | None:
        row = self._db.execute(
            "SELECT table_name, label, created_at, disabled_at FROM streams WHERE table_id = ? AND label = ?",
            (table_id, label),
        ).fetchone()
        return None if row is None else StreamInfo(*row)

    def streams(self, table_ids: list[str], retained_after: float) -> list[StreamInfo]:
        """The streams of these tables that are enabled or were disabled after `retained_after`, oldest
        first."""
        found: list[StreamInfo] = []
        for table_id in table_ids:
            rows = self._db.execute(
                "SELECT table_name, label, created_at, disabled_at FROM streams WHERE table_id = ? "
                "AND (disabled_at IS NULL OR disabled_at > ?)",
                (table_id, retained_after),
            )
            found.extend(StreamInfo(*row) for row in rows)
        return sorted(found, key=lambda stream: stream.created_at)

    def shards(self, table_id: str, label: str, closed_after: float) -> list[ShardInfo]:
        """The stream's shards that are open or were closed after `closed_after`, in creation order."""
        rows = self._db.execute(
            f"SELECT {_SHARD_COLUMNS} FROM shards WHERE table_id = ? AND label = ? "
            "AND (closed_at IS NULL OR closed_at > ?) ORDER BY created_at, partition",
            (table_id, label, closed_after),
        )
        return [ShardInfo(*row) for row in rows]

    def shard(self, table_id: str, label: str, shard_id: str) -> ShardInfo | None:
        row = self._db.execute(
            f"SELECT {_SHARD_COLUMNS} FROM shards WHERE table_id = ? AND label = ? AND shard_id = ?",
            (table_id, label, shard_id),
        ).fetchone()
        return None if row is None else ShardInfo(*row)

    def roll_over(
        self, table_id: str, label: str, last_lsns: list[int], opened_before: float, now: float
    ) -> None:
        """Close every open shard of the stream created before `opened_before` at its partition's last
        lsn, each replaced by an open child shard."""
        stale = [s for s in self._open_shards(table_id, label) if s.created_at < opened_before]
        if not stale:
            return
        with write_transaction(self._db):
            for shard in stale:
                end = last_lsns[shard.partition]
                self._close_shard(table_id, label, shard.shard_id, end, now)
                self._open_shard(table_id, label, shard.shard_id, shard.partition, end, now)

    def drop_table(self, table_id: str) -> None:
        with write_transaction(self._db) as db:
            db.execute("DELETE FROM shards WHERE table_id = ?", (table_id,))
            db.execute("DELETE FROM streams WHERE table_id = ?", (table_id,))
            db.execute("DELETE FROM kept_tables WHERE table_id = ?", (table_id,))

    def keep_table(self, table_id: str, entry: bytes, now: float) -> None:
        """Keep a deleted table's entry (JSON) while its streams are readable."""
        with write_transaction(self._db) as db:
            db.execute(
                "INSERT INTO kept_tables(table_id, entry, deleted_at) VALUES (?, ?, ?)",
                (table_id, entry, now),
            )

    def kept_tables(self) -> list[bytes]:
        """The entries of the deleted tables kept for their streams."""
        return [row[0] for row in self._db.execute("SELECT entry FROM kept_tables")]

    def _open_shards(self, table_id: str, label: str) -> list[ShardInfo]:
        rows = self._db.execute(
            f"SELECT {_SHARD_COLUMNS} FROM shards WHERE table_id = ? AND label = ? AND end_lsn IS NULL "
            "ORDER BY partition",
            (table_id, label),
        )
        return [ShardInfo(*row) for row in rows]

    def _open_shard(
        self, table_id: str, label: str, parent: str | None, partition: int, start_after: int, now: float
    ) -> None:
        self._db.execute(
            "INSERT INTO shards(table_id, label, shard_id, parent, partition, start_after, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (table_id, label, new_shard_id(now), parent, partition, start_after, now),
        )

    def _close_shard(self, table_id: str, label: str, shard_id: str, end: int, now: float) -> None:
        self._db.execute(
            "UPDATE shards SET end_lsn = ?, closed_at = ? WHERE table_id = ? AND label = ? AND shard_id = ?",
            (end, now, table_id, label, shard_id),
        )
