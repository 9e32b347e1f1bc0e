"""The storage service's only door: `Cluster` owns the catalog and every partition.

All methods are async and take/return the plain values of `storage.api`, so partitions can later move to
other processes without touching `app/`. Today partitions run inline: each call is a short synchronous
SQLite transaction on the event loop's thread (measured ~13x faster per get+put than a thread hop per
call through aiosqlite; see storage/DESIGN.md). Because nothing awaits inside a call, each partition has
exactly one writer at a time.

On disk (`config.data_dir`): `catalog.sqlite`, and `tables/<table_id>/p<index>.sqlite` per partition.
A table directory that no live catalog entry owns is garbage from an interrupted delete and is removed
when the cluster opens. With `data_dir` None everything lives in memory and nothing is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from storage.api import (
    IndexDef,
    IndexStats,
    Item,
    KeySchema,
    Mutation,
    Namespace,
    Page,
    PartitionInfo,
    SortCondition,
    StorageConfig,
    StoredItem,
    TableMeta,
    TableNotFound,
    TableStats,
    WriteResult,
)
from storage.catalog import ACTIVE, Catalog, TableEntry
from storage.keys import encode_key
from storage.partition import Partition
from storage.partition_map import even_split

CATALOG_FILE = "catalog.sqlite"
TABLES_DIR = "tables"


class Cluster:
    def __init__(self, config: StorageConfig, catalog: Catalog) -> None:
        self._config = config
        self._catalog = catalog
        # Open partitions by table id; files of existing tables are opened on first use.
        self._partitions: dict[str, list[Partition | None]] = {}

    @classmethod
    async def open(cls, config: StorageConfig) -> Cluster:
        """Open (or create) the catalog and partitions under config.data_dir, or in memory."""
        if config.data_dir is None:
            return cls(config, Catalog(None, config.clock))
        (config.data_dir / TABLES_DIR).mkdir(parents=True, exist_ok=True)
        cluster = cls(config, Catalog(config.data_dir / CATALOG_FILE, config.clock))
        live = cluster._catalog.table_ids(ACTIVE)
        for table_dir in (config.data_dir / TABLES_DIR).iterdir():
            if table_dir.name not in live:
                shutil.rmtree(table_dir)
        return cluster

    async def close(self) -> None:
        for partitions in self._partitions.values():
            for partition in partitions:
                if partition is not None:
                    partition.close()
        self._partitions.clear()
        self._catalog.close()

    def _table_dir(self, table_id: str) -> Path | None:
        return None if self._config.data_dir is None else self._config.data_dir / TABLES_DIR / table_id

    def _partition(self, entry: TableEntry, index: int) -> Partition:
        table_id = entry.meta.table_id
        partitions = self._partitions.get(table_id)
        if partitions is None:
            partitions = self._partitions[table_id] = [None] * entry.meta.partition_count
        partition = partitions[index]
        if partition is None:
            table_dir = self._table_dir(table_id)
            if table_dir is not None:
                table_dir.mkdir(parents=True, exist_ok=True)
            partition = partitions[index] = Partition(
                None if table_dir is None else table_dir / f"p{index}.sqlite"
            )
        return partition

    def _drop_partitions(self, table_id: str) -> None:
        for partition in self._partitions.pop(table_id, []):
            if partition is not None:
                partition.close()
        table_dir = self._table_dir(table_id)
        if table_dir is not None:
            shutil.rmtree(table_dir, ignore_errors=True)

    def _active(self, ns: Namespace, name: str) -> TableEntry:
        entry = self._catalog.get(ns, name)
        if entry.meta.status != ACTIVE:
            raise TableNotFound(name)
        return entry

    # --- tables ---
    async def create_table(
        self,
        ns: Namespace,
        name: str,
        key_schema: KeySchema,
        spec: dict[str, Any],
        created_at: float | None = None,
        indexes: tuple[IndexDef, ...] = (),
    ) -> TableMeta:
        """Raises TableExists if a table of that name (in any status) exists in ns. `created_at` (default:
        the clock's now) lets the caller stamp the table with the same instant as the rest of its spec.
        `indexes`: its secondary indexes (names unique; the caller has validated them)."""
        entry = self._catalog.create(
            ns, name, key_schema, spec, even_split(self._config.partitions_per_table), created_at
        )
        for index in range(entry.meta.partition_count):
            self._partition(entry, index)
        return entry.meta

    async def get_table(self, ns: Namespace, name: str) -> TableMeta:
        """Raises TableNotFound. Cached in memory; cheap enough for every request.
        The returned spec is shared with the cache: callers must not mutate it."""
        return self._catalog.get(ns, name).meta

    async def list_tables(self, ns: Namespace) -> list[str]:
        """Names of the tables of ns, sorted by their UTF-8 bytes."""
        return self._catalog.names(ns)

    async def list_namespaces(self) -> list[Namespace]:
        """Every namespace that has ever had a table, sorted by account and region."""
        return self._catalog.namespaces()

    async def update_table(self, ns: Namespace, name: str, spec: dict[str, Any]) -> TableMeta:
        """Replace the caller-owned spec; version increases. Raises TableNotFound."""
        return self._catalog.update_spec(ns, name, spec)

    async def delete_table(self, ns: Namespace, name: str, linger_until: float | None = None) -> TableMeta:
        """Delete the table and its data. With linger_until, the table stays visible with status DELETING
        (reads and writes refused by the caller) until the clock passes it. Returns the meta as it was.
        The data goes at once either way; item calls on a DELETING table raise TableNotFound."""
        entry = self._catalog.delete(ns, name, linger_until)
        self._drop_partitions(entry.meta.table_id)
        return entry.meta

    async def table_stats(self, ns: Namespace, name: str) -> TableStats:
        """Live item count and size, summed over partitions; zero for a DELETING table."""
        infos = await self.partitions(ns, name)
        return TableStats(sum(p.item_count for p in infos), sum(p.size_bytes for p in infos))

    async def partitions(self, ns: Namespace, name: str) -> list[PartitionInfo]:
        """The partitions of a table in hash order (none for a DELETING table). Raises TableNotFound."""
        entry = self._catalog.get(ns, name)
        if entry.meta.status != ACTIVE:
            return []
        infos = []
        for index, hash_range in enumerate(entry.partition_map.ranges):
            p = self._partition(entry, index)
            infos.append(
                PartitionInfo(
                    index, hash_range.first, hash_range.last, p.item_count, p.size_bytes, p.last_lsn
                )
            )
        return infos

    # --- items ---
    async def get_item(
        self, ns: Namespace, table: str, key: Item, consistent: bool = False
    ) -> StoredItem | None:
        """The item with this primary key (wire form, key attributes only), or None.
        `consistent` is accepted for the replicated future; with one replica every read is consistent.
        Raises TableNotFound (also for a DELETING table) and InvalidKey."""
        entry = self._active(ns, table)
        encoded = encode_key(entry.meta.key_schema, key)
        return self._partition(entry, entry.partition_map.locate(encoded.hash)).get(encoded)

    async def apply(self, ns: Namespace, table: str, key: Item, mutation: Mutation) -> WriteResult:
        """Run mutation.apply(old_item) inside the owning partition's transaction and commit its outcome,
        the item change and its log record together. Raises TableNotFound, InvalidKey, or whatever the
        mutation raises (after rolling back)."""
        entry = self._active(ns, table)
        schema = entry.meta.key_schema
        encoded = encode_key(schema, key)
        partition = self._partition(entry, entry.partition_map.locate(encoded.hash))
        return partition.apply(schema, encoded, mutation, self._config.clock())

    # --- reads of many items ---
    async def query(
        self,
        ns: Namespace,
        table: str,
        index: str | None,
        hash_value: dict[str, Any],
        sort: SortCondition | None,
        forward: bool = True,
        start_key: Item | None = None,
        limit: int | None = None,
        byte_limit: int | None = None,
        consistent: bool = False,
    ) -> Page:
        """One page of the items (or, with `index`, index entries) whose partition key is `hash_value`
        and whose sort key meets `sort`, in sort-key order (descending when not `forward`); entries of an
        index with equal index keys come in table primary-key order. `start_key` (ExclusiveStartKey, wire
        form: the table's key attributes, plus the index's for an index) resumes after that position; it
        need not exist. See `Page` for `limit` and `byte_limit`. Raises TableNotFound, IndexNotFound,
        InvalidKey."""
        raise NotImplementedError

    async def scan(
        self,
        ns: Namespace,
        table: str,
        index: str | None,
        segment: int = 0,
        total_segments: int = 1,
        start_key: Item | None = None,
        limit: int | None = None,
        byte_limit: int | None = None,
        consistent: bool = False,
    ) -> Page:
        """One page of the items (or index entries) of segment `segment` of `total_segments`, in storage
        order: partition hash, then partition key, then sort key (then table key, for an index). Segment
        i owns the i-th of `total_segments` equal slices of the 64-bit hash space, so every item belongs
        to exactly one segment. `start_key` resumes after that position. Raises TableNotFound,
        IndexNotFound, InvalidKey."""
        raise NotImplementedError

    async def segment_of(
        self, ns: Namespace, table: str, index: str | None, key: Item, total_segments: int
    ) -> int:
        """The segment (of `total_segments`) that the position `key` (an ExclusiveStartKey) falls in."""
        raise NotImplementedError

    # --- secondary indexes ---
    async def add_index(self, ns: Namespace, table: str, index: IndexDef) -> TableMeta:
        """Add a global index and backfill it from the table's items (`IndexStats.backfilling` is True
        until the backfill is done). Raises TableNotFound, IndexExists."""
        raise NotImplementedError

    async def drop_index(self, ns: Namespace, table: str, name: str) -> TableMeta:
        """Remove a global index and its entries. Raises TableNotFound, IndexNotFound."""
        raise NotImplementedError

    async def index_stats(self, ns: Namespace, table: str, name: str) -> IndexStats:
        """Entry count and size of an index (zero for a DELETING table). Raises TableNotFound,
        IndexNotFound."""
        raise NotImplementedError

    async def item_collection_size(self, ns: Namespace, table: str, hash_value: dict[str, Any]) -> int:
        """Bytes held by the item collection of `hash_value`: the sizes of the table's items with that
        partition key plus their local index entries. Raises TableNotFound, InvalidKey."""
        raise NotImplementedError

    async def pump_indexes(self) -> None:
        """Apply to global indexes the log records older than `gsi_lag` (with `gsi_lag` 0 this happens
        inside every write, and there is nothing to do). Called periodically by the server."""
        raise NotImplementedError
