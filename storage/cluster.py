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

import asyncio
import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from storage.api import (
    IndexDef,
    IndexExists,
    IndexNotFound,
    IndexStats,
    Item,
    KeySchema,
    Mutation,
    Namespace,
    Page,
    PartitionInfo,
    ShardInfo,
    ShardRead,
    SortCondition,
    StorageConfig,
    StoredItem,
    StreamInfo,
    StreamNotFound,
    StreamRecord,
    TableMeta,
    TableNotFound,
    TableStats,
    TransactGet,
    TransactionConflict,
    TransactWrite,
    WriteResult,
)
from storage.catalog import ACTIVE, Catalog, TableEntry, entry_from_json, entry_to_json
from storage.coordinator import Coordinator, Located
from storage.global_index import Change, GlobalIndexes
from storage.global_table_store import GLOBAL_TABLES_FILE, GlobalTableStore
from storage.global_tables import Replicator
from storage.keys import EncodedKey, encode_key, encode_value, partition_hash, to_signed
from storage.log import ORIGIN_REPLICATION, ORIGIN_USER, CommitClock
from storage.partition import Partition
from storage.partition_map import HASH_MAX, HASH_MIN, even_split
from storage.reads import TABLE_ITEMS, PageBuilder, Source, global_entries, local_entries, sort_bounds
from storage.streams import STREAMS_FILE, StreamStore
from storage.transactions import (
    LEDGER_FILE,
    Ledger,
    hold_key,
)

CATALOG_FILE = "catalog.sqlite"
TABLES_DIR = "tables"
GLOBAL_INDEX_FILE = "gsi.sqlite"
# Log records deleted in one transaction when the logs are trimmed, and the pause between two such
# transactions: a trim trickles in the background instead of dirtying many pages at once (a batch of
# 5000 records with no pause stalled requests behind the WAL checkpoints it caused: p99 25 -> 100 ms).
TRIM_BATCH = 1000
TRIM_PAUSE = 0.005
# Log records the global indexes take from a partition in one transaction while they catch up.
FEED_BATCH = 1000


class RowReader(Protocol):
    def rows(self, sql: str, params: list[object]) -> Iterator[tuple[int, bytes]]: ...


def segment_range(segment: int, total_segments: int) -> tuple[int, int]:
    """The signed hashes [first, last] of a parallel-scan segment: the segment-th of `total_segments`
    equal slices of the unsigned 64-bit hash space (a hash h is in segment h * total // 2**64)."""
    first = -(-(segment << 64) // total_segments)
    end = -(-((segment + 1) << 64) // total_segments)
    return first + HASH_MIN, end - 1 + HASH_MIN


class Cluster:
    def __init__(
        self,
        config: StorageConfig,
        catalog: Catalog,
        ledger: Ledger | None = None,
        streams: StreamStore | None = None,
        global_tables: GlobalTableStore | None = None,
    ) -> None:
        self._config = config
        self._catalog = catalog
        # Log records' commit times: strictly increasing (see CommitClock).
        self._commit_time = CommitClock(config.clock)
        # Write transactions: their ledger, the items they hold, the commit protocol.
        ledger = ledger or Ledger(None)
        self._coordinator = Coordinator(
            config, ledger, self._partition, self._transaction_write, self._commit_time
        )
        self._streams = streams or StreamStore(None)
        # Deleted tables whose streams are still readable, by table id.
        self._kept = {e.meta.table_id: e for e in map(entry_from_json, self._streams.kept_tables())}
        # Open partitions by table id; files of existing tables are opened on first use.
        self._partitions: dict[str, list[Partition | None]] = {}
        # Open stores of the tables' global indexes, by table id, and those with changes to commit.
        self._globals: dict[str, GlobalIndexes] = {}
        self._unflushed: set[str] = set()
        # Global tables: their groups and cursors, and the pump that ships changes between replicas.
        self._global_tables = global_tables or GlobalTableStore(None)
        self._replicator = Replicator(
            config, self._global_tables, self._active, self._partition, self._write_item, self._commit_time
        )
        # Members of synchronous groups (multi-Region strong consistency), by table id.
        self._synchronous = self._global_tables.synchronous_members()

    @classmethod
    async def open(cls, config: StorageConfig) -> Cluster:
        """Open (or create) the catalog and partitions under config.data_dir, or in memory."""
        if config.data_dir is None:
            return cls(config, Catalog(None, config.clock))
        (config.data_dir / TABLES_DIR).mkdir(parents=True, exist_ok=True)
        catalog = Catalog(config.data_dir / CATALOG_FILE, config.clock)
        ledger = Ledger(config.data_dir / LEDGER_FILE)
        streams = StreamStore(config.data_dir / STREAMS_FILE)
        global_tables = GlobalTableStore(config.data_dir / GLOBAL_TABLES_FILE)
        cluster = cls(config, catalog, ledger, streams, global_tables)
        live = cluster._catalog.table_ids(ACTIVE) | set(cluster._kept)
        for table_dir in (config.data_dir / TABLES_DIR).iterdir():
            if table_dir.name not in live:
                shutil.rmtree(table_dir)
        cluster._coordinator.recover({entry.meta.table_id: entry for entry in catalog.entries()})
        cluster._drop_unfinished_replicas()
        return cluster

    def _drop_unfinished_replicas(self) -> None:
        """Delete the tables a crash left half copied by `add_replica` (all or nothing)."""
        for table_id in self._global_tables.unfinished_joins():
            entry = next((e for e in self._catalog.entries() if e.meta.table_id == table_id), None)
            if entry is not None:
                self._catalog.delete(entry.meta.namespace, entry.meta.name, None)
                self._drop_partitions(table_id)
            self._global_tables.forget_join(table_id)

    async def close(self) -> None:
        for store in self._globals.values():
            store.close()
        self._globals.clear()
        for partitions in self._partitions.values():
            for partition in partitions:
                if partition is not None:
                    partition.close()
        self._partitions.clear()
        self._catalog.close()
        self._coordinator.close()
        self._streams.close()
        self._global_tables.close()

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
        self._close_globals(table_id)
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
            ns, name, key_schema, spec, even_split(self._config.partitions_per_table), created_at, indexes
        )
        for index in range(entry.meta.partition_count):
            self._partition(entry, index)
        if any(index.is_global for index in indexes):
            self._globals_of(entry)  # creates the store; backfilling an empty table takes nothing
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
        The data goes at once either way; item calls on a DELETING table raise TableNotFound. A table
        with streams within their retention keeps its partition files (and so its logs) until the
        streams are past it, for stream reads only."""
        entry = self._catalog.delete(ns, name, linger_until)
        table_id, now = entry.meta.table_id, self._config.clock()
        self._global_tables.leave(table_id)
        if table_id in self._synchronous:  # leaving may dissolve the group: its other member too
            self._synchronous = self._global_tables.synchronous_members()
        if self._streams.streams([table_id], now - self._config.stream_retention):
            # Its streams stay readable (DISABLED) for their retention: keep the partitions' logs.
            self._streams.disable(table_id, self._last_lsns(entry), now)
            self._streams.keep_table(table_id, entry_to_json(entry), now)
            self._kept[table_id] = entry
            self._close_globals(table_id)
        else:
            self._drop_partitions(table_id)
            self._streams.drop_table(table_id)
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

    async def apply(
        self, ns: Namespace, table: str, key: Item, mutation: Mutation, origin: str = ORIGIN_USER
    ) -> WriteResult:
        """Run mutation.apply(old_item) inside the owning partition's transaction and commit its outcome,
        the item change and its log record together. `origin` goes into the log record (ORIGIN_USER,
        or ORIGIN_TTL for the TTL sweeper's deletions). Raises TableNotFound, InvalidKey, or whatever
        the mutation raises (after rolling back)."""
        entry = self._active(ns, table)
        encoded = encode_key(entry.meta.key_schema, key)
        return self._write_item(entry, encoded, mutation, self._commit_time(), origin)

    def _write_item(
        self,
        entry: TableEntry,
        encoded: EncodedKey,
        mutation: Mutation,
        ts: float,
        origin: str,
        txid: str | None = None,
    ) -> WriteResult:
        """`apply` on a located item, with the log record's time, origin and txid given."""
        meta = entry.meta
        if self._coordinator.holds and hold_key(meta.table_id, encoded) in self._coordinator.holds:
            raise TransactionConflict(meta.name)
        index = entry.partition_map.locate(encoded.hash)
        partition = self._partition(entry, index)
        if not meta.indexes:
            result = partition.apply(meta.key_schema, encoded, mutation, ts, origin, txid)
        else:
            config = self._config
            lsis = meta.local_indexes()
            result = partition.apply(
                meta.key_schema,
                encoded,
                mutation,
                ts,
                origin,
                txid,
                lsis=lsis,
                sizer=config.sizer,
                collection_limit=config.item_collection_limit if lsis else None,
            )
            if result.lsn is not None and config.gsi_lag == 0 and len(lsis) < len(meta.indexes):
                self._feed_write(entry, index, encoded, result)
        if self._synchronous and meta.table_id in self._synchronous and origin != ORIGIN_REPLICATION:
            self._ship_now(meta)  # a write that changed nothing leaves nothing to ship: cheap
        return result

    def _ship_now(self, meta: TableMeta) -> None:
        """A write of a synchronous group's member (not one shipped to it): the others get it now."""
        self._replicator.pump_group(meta.table_id)

    # --- transactions ---
    async def transact_write(
        self, ns: Namespace, actions: Sequence[TransactWrite], txid: str | None = None
    ) -> list[WriteResult]:
        """Apply every action or none (all-or-nothing, also across a crash at any step).

        Each action's mutation runs on its item's current version; if any raises, or any item is held
        by another transaction in flight, nothing is written and TransactionCancelled carries a reason
        per action (every action is evaluated, so all failing conditions are reported). Otherwise the
        writes commit through the two-phase protocol of storage/transactions.py and the results come
        back in action order (an action that wrote nothing has lsn None). While the transaction runs,
        its items are held: single-item writes on them raise TransactionConflict, other transactions
        are cancelled with a TransactionConflict reason. No two actions may name the same item (the
        caller checks). Raises TableNotFound (before anything is held) and InvalidKey."""
        planned = [self._locate(ns, action.table, action.key) for action in actions]
        return await self._coordinator.write(txid or uuid.uuid4().hex, actions, planned)

    async def transact_get(self, ns: Namespace, gets: Sequence[TransactGet]) -> list[StoredItem | None]:
        """The items of `gets`, in order, read at one instant (never half of a write transaction). If any
        item is held by a write transaction in flight, raises TransactionCancelled with a
        TransactionConflict reason for each such read (None for the others). Raises TableNotFound and
        InvalidKey."""
        planned = [self._locate(ns, get.table, get.key) for get in gets]
        self._coordinator.check_reads(planned)
        return [self._partition(entry, index).get(key) for entry, index, key in planned]

    def _locate(self, ns: Namespace, table: str, key: Item) -> Located:
        """The table entry, partition index and encoded key of an item. Raises TableNotFound, InvalidKey."""
        entry = self._active(ns, table)
        encoded = encode_key(entry.meta.key_schema, key)
        return entry, entry.partition_map.locate(encoded.hash), encoded

    # --- streams ---
    def _last_lsns(self, entry: TableEntry) -> list[int]:
        return [self._partition(entry, p).last_lsn for p in range(entry.meta.partition_count)]

    async def enable_stream(self, ns: Namespace, table: str) -> StreamInfo:
        """Start a new stream of the table (the caller checks none is enabled): its shards start after
        each partition's last lsn. Raises TableNotFound."""
        entry = self._active(ns, table)
        return self._streams.enable(entry.meta.table_id, table, self._last_lsns(entry), self._config.clock())

    async def disable_stream(self, ns: Namespace, table: str) -> StreamInfo | None:
        """Disable the table's enabled stream (None if there is none): every open shard is closed at its
        partition's last lsn; the stream stays readable for `stream_retention`. Raises TableNotFound."""
        entry = self._active(ns, table)
        return self._streams.disable(entry.meta.table_id, self._last_lsns(entry), self._config.clock())

    async def list_streams(self, ns: Namespace, table: str | None = None) -> list[StreamInfo]:
        """The streams of the namespace (of one table, if named) that are enabled or still within their
        retention, oldest first."""
        cutoff = self._config.clock() - self._config.stream_retention
        table_ids = [entry.meta.table_id for entry in self._stream_tables(ns, table)]
        return self._streams.streams(table_ids, cutoff)

    def _stream_tables(self, ns: Namespace, table: str | None) -> list[TableEntry]:
        """The tables of ns (of that name, if given) that may have streams: the ACTIVE ones and the
        deleted ones kept for their streams."""
        names = self._catalog.names(ns) if table is None else [table]
        entries = []
        for name in names:
            try:
                entries.append(self._active(ns, name))
            except TableNotFound:
                continue
        kept = self._kept.values()
        return entries + [e for e in kept if e.meta.namespace == ns and table in (None, e.meta.name)]

    def _stream_entry(self, ns: Namespace, table: str, label: str) -> TableEntry:
        """The table (live, or deleted and kept) of a stream that exists and is within retention.
        Raises StreamNotFound."""
        cutoff = self._config.clock() - self._config.stream_retention
        for entry in self._stream_tables(ns, table):
            stream = self._streams.stream(entry.meta.table_id, label)
            if stream is not None and (stream.disabled_at is None or stream.disabled_at > cutoff):
                return entry
        raise StreamNotFound(label)

    async def stream_table(self, ns: Namespace, table: str, label: str) -> TableMeta:
        """The table a stream belongs to, as it is, or as it was when deleted (status DELETING) while
        the stream is within its retention. Raises StreamNotFound."""
        return self._stream_entry(ns, table, label).meta

    async def stream_shards(self, ns: Namespace, table: str, label: str) -> list[ShardInfo]:
        """The shards of a stream that hold records within retention, or are open, in creation order
        (partitions in hash order, a parent before its child). Open shards older than `shard_rollover`
        roll over first. Raises StreamNotFound."""
        entry = self._stream_entry(ns, table, label)
        config, table_id = self._config, entry.meta.table_id
        now = config.clock()
        self._streams.roll_over(table_id, label, self._last_lsns(entry), now - config.shard_rollover, now)
        return self._streams.shards(table_id, label, now - config.stream_retention)

    async def read_shard(
        self, ns: Namespace, table: str, label: str, shard_id: str, after_lsn: int, limit: int
    ) -> ShardRead:
        """Up to `limit` records of the shard with lsn > after_lsn, in lsn order, within retention.
        Raises StreamNotFound."""
        entry = self._stream_entry(ns, table, label)
        shard = self._streams.shard(entry.meta.table_id, label, shard_id)
        if shard is None:
            raise StreamNotFound(shard_id)
        partition = self._partition(entry, shard.partition)
        cutoff = self._config.clock() - self._config.stream_retention
        trimmed = partition.last_lsn_before(shard.start_after, cutoff)
        if shard.end is not None:
            trimmed = min(trimmed, shard.end)
        position = max(after_lsn, trimmed, shard.start_after)
        last = shard.end if shard.end is not None else partition.last_lsn
        records = [
            StreamRecord(r.lsn, r.ts, r.old, r.new, r.origin, r.txid)
            for r in partition.read_log(position, min(limit, max(0, last - position)))
        ]
        reached = records[-1].lsn if records else position
        return ShardRead(records, trimmed, shard.end is not None and reached >= shard.end)

    async def trim_logs(self) -> int:
        """Delete the log records no consumer needs any more; how many. A partition's record is kept while
        a global index has not applied it (committed cursors: pending group commits are flushed first),
        while another member of its global table has not received it, or, if the table has a stream
        within retention or is a global table's member, while it is younger than `stream_retention`.
        Called periodically by the server."""
        self._flush_globals()
        now = self._config.clock()
        cutoff = now - self._config.stream_retention
        for table_id in [t for t in self._kept if not self._streams.streams([t], cutoff)]:
            del self._kept[table_id]  # its last stream is past its retention
            self._drop_partitions(table_id)
            self._streams.drop_table(table_id)
        trimmed = 0
        for entry in self._catalog.entries():
            table_id = entry.meta.table_id
            # Records within the retention stay for the table's streams, and for a global table's
            # last-writer-wins (it looks for newer local versions of an item in them).
            retained = self._global_tables.is_member(table_id)
            retained = retained or bool(self._streams.streams([table_id], cutoff))
            store = self._globals_of(entry) if entry.meta.global_indexes() else None
            for p in range(entry.meta.partition_count):
                partition = self._partition(entry, p)
                through = partition.last_lsn
                if store is not None:
                    through = min([through, *(store.cursor(i.name, p) for i in entry.meta.global_indexes())])
                if retained:
                    through = min(through, partition.last_lsn_before(0, cutoff))
                shipped = self._global_tables.shipped_through(table_id, p)
                if shipped is not None:
                    through = min(through, shipped)
                while through > 0 and (count := partition.trim_log(through, TRIM_BATCH)):
                    trimmed += count
                    await asyncio.sleep(TRIM_PAUSE)  # requests run between the batches
                    if self._partitions.get(table_id) is None:
                        break  # the table was deleted meanwhile
        return trimmed

    # --- global tables (replicas of one table in several regions) ---
    async def add_replica(
        self, source: Namespace, target: Namespace, name: str, synchronous: bool = False
    ) -> None:
        """Join the table `name` of `target` (created by the caller just before: empty, same key schema)
        to the replication group of the table of that name in `source` (a new group of the two when the
        source has none), after copying the source's items into it.

        From then on every change written in one member (any origin but ORIGIN_REPLICATION) is shipped
        by `replicate` to every other member and applied there last-writer-wins: a change is dropped
        when the target holds a newer version of the item (a later write time, ties broken by region
        name). The copy and the shipped changes are written with origin ORIGIN_REPLICATION, so the
        target's indexes follow; its stream shows them too, so enable the target's stream after this
        call if the copy should not appear in it. All or nothing: if the process dies during the copy,
        the target table is deleted when the cluster opens again. Raises TableNotFound (either table),
        TableExists when the target is already in a group.

        `synchronous` (only when this forms a new group): every change written in a member is shipped to
        the others before the write returns, so every member reads every committed write (multi-Region
        strong consistency); a later member joins the group in its mode."""
        self._replicator.join(source, target, name, synchronous)
        self._synchronous = self._global_tables.synchronous_members()

    async def remove_replica(self, ns: Namespace, name: str) -> None:
        """Take the table out of its replication group: its changes are no longer shipped, nor the other
        members' to it; the table and its items stay. A group left with one member is dissolved. Nothing
        happens when the table is in no group. `delete_table` does this itself. Raises TableNotFound."""
        self._global_tables.leave(self._active(ns, name).meta.table_id)
        self._synchronous = self._global_tables.synchronous_members()

    async def replica_regions(self, ns: Namespace, name: str) -> list[str]:
        """The regions of the members of the table's replication group, in the order they joined (the
        table's own region included); [] when it is in none. Raises TableNotFound."""
        return self._replicator.regions(ns, name)

    async def replicate(self, complete: bool = False) -> int:
        """Ship the members' changes that the other members have not received yet; how many changes
        were applied (dropped ones not counted). At most 1000 changes of each partition go to each
        member per call, so a backlog takes several calls; a change on an item that a write transaction
        holds in the target waits for the next call. `complete`: ship everything now. Called
        periodically by the server."""
        return self._replicator.pump(complete)

    # --- reads of many items ---
    def _source(self, entry: TableEntry, index_name: str | None) -> tuple[IndexDef | None, Source, KeySchema]:
        """The index (None: the table), its row source and its key schema (a local index's partition key
        is the table's)."""
        if index_name is None:
            return None, TABLE_ITEMS, entry.meta.key_schema
        index = entry.meta.index(index_name)
        if index is None:
            raise IndexNotFound(index_name)
        if index.is_global:
            return index, global_entries(index.name), index.key_schema
        return index, local_entries(index.name), index.key_schema

    def _position(self, entry: TableEntry, index: IndexDef | None, key: Item) -> tuple[bytes | int, ...]:
        """The scan-order position of an ExclusiveStartKey: hash, pk, then the sort columns."""
        table_key = encode_key(entry.meta.key_schema, key)
        if index is None:
            return (table_key.hash, table_key.pk, table_key.sk)
        index_key = encode_key(index.key_schema, key)
        if index.is_global:
            return (index_key.hash, index_key.pk, index_key.sk, table_key.pk, table_key.sk)
        return (table_key.hash, table_key.pk, index_key.sk, table_key.sk)

    def _row_sources(self, entry: TableEntry, index: IndexDef | None) -> list[tuple[int, int, RowReader]]:
        """(first hash, last hash, reader) of each store holding the rows, in hash order."""
        if index is not None and index.is_global:
            return [(HASH_MIN, HASH_MAX, self._globals_of(entry))]
        return [
            (r.first, r.last, self._partition(entry, i)) for i, r in enumerate(entry.partition_map.ranges)
        ]

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
        entry = self._active(ns, table)
        index_def, source, schema = self._source(entry, index)
        pk = encode_value(hash_value, schema.hash.type)
        hash = to_signed(partition_hash(pk))
        start = None if start_key is None else self._position(entry, index_def, start_key)[2:]
        sql, params = source.query(hash, pk, sort_bounds(sort, schema.range), start, forward)
        reader: RowReader
        if index_def is not None and index_def.is_global:
            reader = self._globals_of(entry)
        else:
            reader = self._partition(entry, entry.partition_map.locate(hash))
        page = PageBuilder(limit, byte_limit, [])
        more = page.take(reader.rows(sql, params))
        return Page(page.items, not more)

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
        entry = self._active(ns, table)
        index_def, source, _ = self._source(entry, index)
        first, last = segment_range(segment, total_segments)
        start = None if start_key is None else self._position(entry, index_def, start_key)
        page = PageBuilder(limit, byte_limit, [])
        for range_first, range_last, reader in self._row_sources(entry, index_def):
            low, high = max(first, range_first), min(last, range_last)
            if low > high or (start is not None and int(start[0]) > high):
                continue
            sql, params = source.scan(low, high, start)
            if page.full:
                # Only whether anything is left matters now.
                if next(reader.rows(sql, params), None) is not None:
                    return Page(page.items, False)
                continue
            if page.take(reader.rows(sql, params)):
                return Page(page.items, False)
        return Page(page.items, True)

    async def segment_of(
        self, ns: Namespace, table: str, index: str | None, key: Item, total_segments: int
    ) -> int:
        """The segment (of `total_segments`) that the position `key` (an ExclusiveStartKey) falls in."""
        entry = self._active(ns, table)
        index_def, _, _ = self._source(entry, index)
        hash = int(self._position(entry, index_def, key)[0])
        return ((hash - HASH_MIN) * total_segments) >> 64

    # --- secondary indexes ---
    def _globals_of(self, entry: TableEntry) -> GlobalIndexes:
        """The open store of the table's global indexes. Opening it finishes any backfill left
        unfinished and, without a lag, applies what the logs hold beyond its cursors."""
        store = self._globals.get(entry.meta.table_id)
        if store is None:
            table_dir = self._table_dir(entry.meta.table_id)
            if table_dir is not None:
                table_dir.mkdir(parents=True, exist_ok=True)
            path = None if table_dir is None else table_dir / GLOBAL_INDEX_FILE
            store = self._globals[entry.meta.table_id] = GlobalIndexes(
                path, entry.meta.key_schema, self._config.sizer
            )
            self._prepare_globals(entry, store)
            if self._config.gsi_lag == 0:
                for p in range(entry.meta.partition_count):
                    self._feed(entry, store, p, None)
        return store

    def _prepare_globals(self, entry: TableEntry, store: GlobalIndexes) -> None:
        """Backfill every global index of the table whose backfill has not finished."""
        for index in entry.meta.global_indexes():
            if store.ready(index.name):
                continue
            store.start_backfill(index.name)
            for p in range(entry.meta.partition_count):
                last_lsn, items = self._partition(entry, p).snapshot()
                store.backfill(index, p, last_lsn, items)
            store.finish_backfill(index.name)

    def _feed(self, entry: TableEntry, store: GlobalIndexes, partition: int, before: float | None) -> None:
        """Apply partition `partition`'s log records beyond the indexes' cursors (with `before`, only
        those committed before that time)."""
        indexes = entry.meta.global_indexes()
        source = self._partition(entry, partition)
        while True:
            start = min((store.cursor(index.name, partition) for index in indexes), default=source.last_lsn)
            if start >= source.last_lsn:
                return
            records = source.read_log(start, FEED_BATCH)
            if before is not None:
                records = [r for r in records if r.ts <= before]
            if not records:
                return
            store.apply_records(partition, records, indexes)

    def _transaction_write(
        self, entry: TableEntry, partition: int, key: EncodedKey, result: WriteResult
    ) -> None:
        """A write a transaction committed: fed to the global indexes as `apply` feeds its own, and
        shipped at once if the table is in a synchronous group."""
        if self._config.gsi_lag == 0 and entry.meta.global_indexes():
            self._feed_write(entry, partition, key, result)
        if self._synchronous and entry.meta.table_id in self._synchronous:
            self._ship_now(entry.meta)

    def _feed_write(self, entry: TableEntry, partition: int, key: EncodedKey, result: WriteResult) -> None:
        """Apply the write that was just committed to the global indexes: straight from the write's own
        images and sizes when they are up to date to the lsn before it (the usual case), otherwise
        from the log."""
        store = self._globals_of(entry)
        indexes = entry.meta.global_indexes()
        assert result.lsn is not None
        if any(store.cursor(index.name, partition) != result.lsn - 1 for index in indexes):
            self._feed(entry, store, partition, None)
            return
        outcome = result.outcome
        old_size = result.old_size if result.old_item is not None else None
        change = Change(result.lsn, key, result.old_item, outcome.new_item, old_size, outcome.new_size)
        # Group commit: the writes of one turn of the event loop share one commit of the index store.
        store.apply_changes(partition, [change], indexes, defer_commit=True)
        if not self._unflushed:
            asyncio.get_running_loop().call_soon(self._flush_globals)
        self._unflushed.add(entry.meta.table_id)

    def _flush_globals(self) -> None:
        while self._unflushed:
            store = self._globals.get(self._unflushed.pop())
            if store is not None:
                store.flush()

    def _close_globals(self, table_id: str) -> None:
        store = self._globals.pop(table_id, None)
        if store is not None:
            store.close()

    async def add_index(self, ns: Namespace, table: str, index: IndexDef) -> TableMeta:
        """Add a global index and backfill it from the table's items (`IndexStats.backfilling` is True
        until the backfill is done). Raises TableNotFound, IndexExists."""
        entry = self._active(ns, table)
        if entry.meta.index(index.name) is not None:
            raise IndexExists(index.name)
        meta = self._catalog.update_indexes(ns, table, (*entry.meta.indexes, index))
        entry = self._active(ns, table)
        store = self._globals_of(entry)
        self._prepare_globals(entry, store)
        return meta

    async def drop_index(self, ns: Namespace, table: str, name: str) -> TableMeta:
        """Remove a global index and its entries. Raises TableNotFound, IndexNotFound."""
        entry = self._active(ns, table)
        if entry.meta.index(name) is None:
            raise IndexNotFound(name)
        self._globals_of(entry).drop(name)
        return self._catalog.update_indexes(ns, table, tuple(i for i in entry.meta.indexes if i.name != name))

    async def index_stats(self, ns: Namespace, table: str, name: str) -> IndexStats:
        """Entry count and size of an index (zero for a DELETING table). Raises TableNotFound,
        IndexNotFound."""
        entry = self._catalog.get(ns, table)
        index = entry.meta.index(name)
        if index is None:
            raise IndexNotFound(name)
        if entry.meta.status != ACTIVE:
            return IndexStats(0, 0)
        if index.is_global:
            return IndexStats(*self._globals_of(entry).stats(name))
        count = size = 0
        for p in range(entry.meta.partition_count):
            c, s = self._partition(entry, p).lsi_stats.get(name, (0, 0))
            count, size = count + c, size + s
        return IndexStats(count, size)

    async def item_collection_size(self, ns: Namespace, table: str, hash_value: dict[str, Any]) -> int:
        """Bytes held by the item collection of `hash_value`: the sizes of the table's items with that
        partition key plus their local index entries. Raises TableNotFound, InvalidKey."""
        entry = self._active(ns, table)
        pk = encode_value(hash_value, entry.meta.key_schema.hash.type)
        hash = to_signed(partition_hash(pk))
        return self._partition(entry, entry.partition_map.locate(hash)).collection_size(hash, pk)

    async def pump_indexes(self) -> None:
        """Apply to global indexes the log records older than `gsi_lag` (with `gsi_lag` 0 this happens
        inside every write, and there is nothing to do). Called periodically by the server."""
        if self._config.gsi_lag == 0:
            return
        before = self._config.clock() - self._config.gsi_lag
        for entry in self._catalog.entries():
            if entry.meta.global_indexes():
                store = self._globals_of(entry)
                for p in range(entry.meta.partition_count):
                    self._feed(entry, store, p, before)
