"""How storage opens and writes its SQLite databases (catalog, partitions, global index stores).

Every database is a WAL-mode file with synchronous=NORMAL (committed transactions survive a killed
process; an OS crash may lose the last ones), or an in-memory database when there is no path. Autocommit
mode (`isolation_level=None`) leaves transactions to the code, which opens them explicitly.

Files are opened in EXCLUSIVE locking mode: the server is the only process using its data directory, so
SQLite skips the shared-memory WAL index and its locks on every transaction (measured on a 200-byte row:
a point read 4.4-6.5 -> 2.4 µs, a one-row write transaction 21-27 -> 15 µs). A second process opening
the same data directory while the server runs gets "database is locked" instead of sharing it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def open_database(path: Path | None, schema: str) -> sqlite3.Connection:
    """Open (or create) a database and run its schema script (idempotent `CREATE … IF NOT EXISTS`)."""
    db = sqlite3.connect(
        ":memory:" if path is None else str(path), isolation_level=None, check_same_thread=False
    )
    if path is not None:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")  # before WAL mode: no shared-memory index at all
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(schema)
    return db


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT; any exception rolls back and propagates."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
