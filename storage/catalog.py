"""The system database: namespaces, tables and their partition maps, in one SQLite database
(`catalog.sqlite` under the data directory, or in memory).

Every table entry is also cached in memory; the cache is loaded at open and written through, so reads
(`get`, `names`) never touch SQLite. A deleted table either disappears at once or lingers with status
DELETING until the clock reaches its `linger_until`; lingering entries are purged lazily when looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from storage.api import IndexDef, KeyAttribute, KeySchema, Namespace, TableExists, TableMeta, TableNotFound
from storage.partition_map import HashRange, PartitionMap
from storage.sqlite import open_database, write_transaction

ACTIVE = "ACTIVE"
DELETING = "DELETING"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS namespaces(
    account TEXT NOT NULL, region TEXT NOT NULL, PRIMARY KEY(account, region)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tables(
    account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, table_id TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL, key_schema BLOB NOT NULL, spec BLOB NOT NULL, version INTEGER NOT NULL,
    partition_count INTEGER NOT NULL, status TEXT NOT NULL, deleted_at REAL, linger_until REAL,
    indexes BLOB NOT NULL DEFAULT '[]',
    PRIMARY KEY(account, region, name),
    FOREIGN KEY(account, region) REFERENCES namespaces(account, region));
CREATE TABLE IF NOT EXISTS partitions(
    table_id TEXT NOT NULL, idx INTEGER NOT NULL, hash_first INTEGER NOT NULL, hash_last INTEGER NOT NULL,
    PRIMARY KEY(table_id, idx)) WITHOUT ROWID;
"""
_TABLE_COLUMNS = (
    "account, region, name, table_id, created_at, key_schema, spec, version, partition_count, status, "
    "deleted_at, linger_until, indexes"
)


@dataclass(frozen=True, slots=True)
class TableEntry:
    """A table as the catalog holds it: its metadata, when a lingering delete ends, and its partition map."""

    meta: TableMeta
    linger_until: float | None
    partition_map: PartitionMap


def _schema_to_json(schema: KeySchema) -> bytes:
    parts = [schema.hash, *([] if schema.range is None else [schema.range])]
    return orjson.dumps([[a.name, a.type] for a in parts])


def _schema_from_json(data: bytes) -> KeySchema:
    return _schema_from_list(orjson.loads(data))


def _schema_from_list(parts: list[list[str]]) -> KeySchema:
    attributes = [KeyAttribute(name, kind) for name, kind in parts]  # type: ignore[arg-type]
    return KeySchema(attributes[0], attributes[1] if len(attributes) > 1 else None)


def _indexes_to_json(indexes: tuple[IndexDef, ...]) -> bytes:
    return orjson.dumps(
        [
            {
                "name": i.name,
                "global": i.is_global,
                "key": orjson.loads(_schema_to_json(i.key_schema)),
                "projected": None if i.projected is None else list(i.projected),
            }
            for i in indexes
        ]
    )


def _indexes_from_json(data: bytes | str) -> tuple[IndexDef, ...]:
    return tuple(
        IndexDef(
            d["name"],
            d["global"],
            _schema_from_list(d["key"]),
            None if d["projected"] is None else tuple(d["projected"]),
        )
        for d in orjson.loads(data)
    )


def entry_to_json(entry: TableEntry) -> bytes:
    """A table entry as JSON, for keeping it beyond the catalog (a deleted table's streams)."""
    meta = entry.meta
    return orjson.dumps(
        {
            "account": meta.namespace.account,
            "region": meta.namespace.region,
            "name": meta.name,
            "table_id": meta.table_id,
            "created_at": meta.created_at,
            "key_schema": orjson.loads(_schema_to_json(meta.key_schema)),
            "spec": meta.spec,
            "version": meta.version,
            "partition_count": meta.partition_count,
            "indexes": orjson.loads(_indexes_to_json(meta.indexes)),
            "ranges": [[r.first, r.last] for r in entry.partition_map.ranges],
        }
    )


def entry_from_json(data: bytes, status: str = DELETING) -> TableEntry:
    d = orjson.loads(data)
    meta = TableMeta(
        namespace=Namespace(d["account"], d["region"]),
        name=d["name"],
        table_id=d["table_id"],
        created_at=d["created_at"],
        key_schema=_schema_from_list(d["key_schema"]),
        spec=d["spec"],
        version=d["version"],
        partition_count=d["partition_count"],
        status=status,
        indexes=_indexes_from_json(orjson.dumps(d["indexes"])),
    )
    return TableEntry(meta, None, PartitionMap(tuple(HashRange(a, b) for a, b in d["ranges"])))


class Catalog:
    """The catalog database and its in-memory cache. `path` None keeps it in memory."""

    def __init__(self, path: Path | None, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._db = open_database(path, "PRAGMA foreign_keys=ON;" + _SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tables)")}
        if "indexes" not in columns:  # a catalog written before indexes were kept
            self._db.execute("ALTER TABLE tables ADD COLUMN indexes BLOB NOT NULL DEFAULT '[]'")
        self._tables: dict[Namespace, dict[str, TableEntry]] = {}
        self._load()

    def close(self) -> None:
        self._db.close()

    def _load(self) -> None:
        ranges: dict[str, list[HashRange]] = {}
        for table_id, first, last in self._db.execute(
            "SELECT table_id, hash_first, hash_last FROM partitions ORDER BY table_id, hash_first"
        ):
            ranges.setdefault(table_id, []).append(HashRange(first, last))
        for row in self._db.execute(f"SELECT {_TABLE_COLUMNS} FROM tables"):
            (account, region, name, table_id, created_at, key_schema, spec, version, partition_count, status,
             deleted_at, linger_until, indexes) = row  # fmt: skip
            ns = Namespace(account, region)
            meta = TableMeta(
                namespace=ns,
                name=name,
                table_id=table_id,
                created_at=created_at,
                key_schema=_schema_from_json(key_schema),
                spec=orjson.loads(spec),
                version=version,
                partition_count=partition_count,
                status=status,
                deleted_at=deleted_at,
                indexes=_indexes_from_json(indexes),
            )
            entry = TableEntry(meta, linger_until, PartitionMap(tuple(ranges.get(table_id, ()))))
            self._tables.setdefault(ns, {})[name] = entry

    def _visible(self, entry: TableEntry) -> bool:
        """False (after purging it) for a lingering delete whose time has come."""
        if entry.linger_until is None or self._clock() < entry.linger_until:
            return True
        self._purge(entry.meta)
        return False

    def _purge(self, meta: TableMeta) -> None:
        with write_transaction(self._db) as db:
            db.execute("DELETE FROM partitions WHERE table_id = ?", (meta.table_id,))
            db.execute("DELETE FROM tables WHERE table_id = ?", (meta.table_id,))
        del self._tables[meta.namespace][meta.name]

    def get(self, ns: Namespace, name: str) -> TableEntry:
        """The table, in any status. Raises TableNotFound."""
        entry = self._tables.get(ns, {}).get(name)
        if entry is None or not self._visible(entry):
            raise TableNotFound(name)
        return entry

    def names(self, ns: Namespace) -> list[str]:
        """Names of the tables of ns (in any status), sorted by their UTF-8 bytes."""
        entries = list(self._tables.get(ns, {}).values())
        return sorted((e.meta.name for e in entries if self._visible(e)), key=lambda n: n.encode("utf-8"))

    def namespaces(self) -> list[Namespace]:
        rows = self._db.execute("SELECT account, region FROM namespaces ORDER BY account, region")
        return [Namespace(account, region) for account, region in rows]

    def table_ids(self, status: str) -> set[str]:
        return {e.meta.table_id for t in self._tables.values() for e in t.values() if e.meta.status == status}

    def create(
        self,
        ns: Namespace,
        name: str,
        key_schema: KeySchema,
        spec: dict[str, Any],
        ranges: tuple[HashRange, ...],
        created_at: float | None = None,
        indexes: tuple[IndexDef, ...] = (),
    ) -> TableEntry:
        """Raises TableExists if a table of that name exists in ns, in any status. `created_at` defaults
        to the clock's now."""
        try:
            self.get(ns, name)
        except TableNotFound:
            pass
        else:
            raise TableExists(name)
        partition_map = PartitionMap(ranges)
        spec_json = orjson.dumps(spec)
        meta = TableMeta(
            ns,
            name,
            uuid.uuid4().hex,
            self._clock() if created_at is None else created_at,
            key_schema,
            orjson.loads(spec_json),
            1,
            len(ranges),
            indexes=indexes,
        )
        with write_transaction(self._db) as db:
            db.execute(
                "INSERT OR IGNORE INTO namespaces(account, region) VALUES (?, ?)", (ns.account, ns.region)
            )
            db.execute(
                f"INSERT INTO tables({_TABLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                (ns.account, ns.region, name, meta.table_id, meta.created_at, _schema_to_json(key_schema),
                 spec_json, meta.version, meta.partition_count, meta.status, _indexes_to_json(indexes)),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO partitions(table_id, idx, hash_first, hash_last) VALUES (?, ?, ?, ?)",
                [(meta.table_id, i, r.first, r.last) for i, r in enumerate(ranges)],
            )
        entry = TableEntry(meta, None, partition_map)
        self._tables.setdefault(ns, {})[name] = entry
        return entry

    def update_spec(self, ns: Namespace, name: str, spec: dict[str, Any]) -> TableMeta:
        """Replace the caller-owned spec; the version increases. Raises TableNotFound."""
        entry = self.get(ns, name)
        spec_json = orjson.dumps(spec)
        meta = replace(entry.meta, spec=orjson.loads(spec_json), version=entry.meta.version + 1)
        with write_transaction(self._db) as db:
            db.execute(
                "UPDATE tables SET spec = ?, version = ? WHERE table_id = ?",
                (spec_json, meta.version, meta.table_id),
            )
        self._tables[ns][name] = replace(entry, meta=meta)
        return meta

    def update_indexes(self, ns: Namespace, name: str, indexes: tuple[IndexDef, ...]) -> TableMeta:
        """Replace the table's index definitions; the version increases. Raises TableNotFound."""
        entry = self.get(ns, name)
        meta = replace(entry.meta, indexes=indexes, version=entry.meta.version + 1)
        with write_transaction(self._db) as db:
            db.execute(
                "UPDATE tables SET indexes = ?, version = ? WHERE table_id = ?",
                (_indexes_to_json(indexes), meta.version, meta.table_id),
            )
        self._tables[ns][name] = replace(entry, meta=meta)
        return meta

    def entries(self) -> list[TableEntry]:
        """Every ACTIVE table of every namespace."""
        return [e for t in self._tables.values() for e in t.values() if e.meta.status == ACTIVE]

    def delete(self, ns: Namespace, name: str, linger_until: float | None) -> TableEntry:
        """Remove the table, or with linger_until mark it DELETING until then. Returns the entry as it was.
        Raises TableNotFound."""
        entry = self.get(ns, name)
        if linger_until is None:
            self._purge(entry.meta)
            return entry
        meta = replace(entry.meta, status=DELETING, deleted_at=self._clock(), version=entry.meta.version + 1)
        with write_transaction(self._db) as db:
            db.execute(
                "UPDATE tables SET status = ?, deleted_at = ?, linger_until = ?, version = ? "
                "WHERE table_id = ?",
                (meta.status, meta.deleted_at, linger_until, meta.version, meta.table_id),
            )
        self._tables[ns][name] = TableEntry(meta, linger_until, entry.partition_map)
        return entry
