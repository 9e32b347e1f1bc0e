"""Global tables: shipping a table's changes between its replicas in other regions (the records and
the versions are in storage/global_table_store.py): joining a table to a group by copying the source's
items, and the periodic pump that applies each member's new log records to every other member, last
writer wins.

Everything here is synchronous: a join or a pump runs between two requests, so no write lands in the
middle of a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.api import (
    Item,
    Namespace,
    Outcome,
    StorageConfig,
    TableExists,
    TableNotFound,
    TransactionConflict,
    WriteResult,
)
from storage.catalog import ACTIVE, TableEntry
from storage.codec import decode_item
from storage.global_table_store import GlobalTableStore, Group, Member, Version, record_version, version_txid
from storage.keys import EncodedKey
from storage.log import ORIGIN_REPLICATION, LogRecord
from storage.partition import Partition
from storage.transactions import crash_point

# Log records read from a partition at a time while shipping.
SHIP_BATCH = 1000
# Older than any version.
OLDEST: Version = (float("-inf"), "")

EntryOf = Callable[[Namespace, str], TableEntry]
PartitionOf = Callable[[TableEntry, int], Partition]
WriteItem = Callable[[TableEntry, EncodedKey, "Replace", float, str, str], WriteResult]


@dataclass(frozen=True)
class Replace:
    """The mutation of a shipped change: the item becomes `item` (None: absent), whatever it was."""

    item: Item | None
    size: int

    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(True, self.item, self.size)


class Replicator:
    def __init__(
        self,
        config: StorageConfig,
        store: GlobalTableStore,
        entry_of: EntryOf,
        partition_of: PartitionOf,
        write_item: WriteItem,
        commit_time: Callable[[], float],
    ) -> None:
        self._config = config
        self._commit_time = commit_time
        self._store = store
        self._entry_of = entry_of
        self._partition_of = partition_of
        self._write_item = write_item

    def join(self, source: Namespace, target: Namespace, name: str, synchronous: bool = False) -> None:
        """See Cluster.add_replica."""
        source_entry = self._entry_of(source, name)
        target_entry = self._entry_of(target, name)
        target_id = target_entry.meta.table_id
        if self._store.is_member(target_id):
            raise TableExists(name)
        self.pump()  # what the members wrote reaches the source before the source is copied
        self._store.start_joining(target_id)
        source_id = source_entry.meta.table_id
        group = self._store.group_of(source_id)
        founding = group is None
        if group is None:
            group = Group(source_id, source.account, name, [Member(source.region, source_id)])
        now = self._commit_time()
        txid = version_txid((now, source.region))
        copied = 0
        for p in range(source_entry.meta.partition_count):
            _, items = self._partition_of(source_entry, p).snapshot()
            for hash, pk, sk, data in items:
                copied += 1
                crash_point(self._config.crash_at, f"replica-copy:{copied}")
                item = decode_item(data)
                change = Replace(item, self._config.sizer(item))
                self._write_item(
                    target_entry, EncodedKey(hash, pk, sk), change, now, ORIGIN_REPLICATION, txid
                )
        cursors: dict[tuple[str, str, int], int] = {}
        for member in group.members:
            entry = self._entry_of(Namespace(source.account, member.region), name)
            for p in range(entry.meta.partition_count):
                # A member's changes the source has not received yet are not in the copy: the new
                # member takes them from where the source stands (the source's own, from its end).
                done = self._partition_of(entry, p).last_lsn
                if member.table_id != source_id:
                    done = self._store.cursor(member.table_id, source_id, p)
                cursors[(member.table_id, target_id, p)] = done
            for p in range(target_entry.meta.partition_count):
                cursors[(target_id, member.table_id, p)] = self._partition_of(target_entry, p).last_lsn
        joining = [Member(target.region, target_id)]
        if founding:
            joining.insert(0, Member(source.region, source_id))
        self._store.join(group, joining, cursors, synchronous and founding)

    def regions(self, ns: Namespace, name: str) -> list[str]:
        group = self._store.group_of(self._entry_of(ns, name).meta.table_id)
        return [] if group is None else [m.region for m in group.members]

    def pump_group(self, table_id: str) -> int:
        """Ship everything the members of the table's group have not received yet (a synchronous
        group's write)."""
        group = self._store.group_of(table_id)
        return 0 if group is None else self._pump_members(group, True)

    def pump(self, complete: bool = True) -> int:
        """See Cluster.replicate. `complete` False ships at most one batch (SHIP_BATCH records) of each
        partition to each member, so a backlog is worked off over several pumps with requests served in
        between instead of stalling them all at once."""
        return sum(self._pump_members(group, complete) for group in self._store.groups())

    def _pump_members(self, group: Group, complete: bool) -> int:
        """Ship between the (ACTIVE) members of one group."""
        entries: list[tuple[str, TableEntry]] = []
        for member in group.members:
            try:
                entry = self._entry_of(Namespace(group.account, member.region), group.name)
            except TableNotFound:
                continue
            if entry.meta.table_id == member.table_id and entry.meta.status == ACTIVE:
                entries.append((member.region, entry))
        applied = 0
        for source_region, source in entries:
            for target_region, target in entries:
                if target is not source:
                    for p in range(source.meta.partition_count):
                        applied += self._ship(source_region, source, p, target_region, target, complete)
        return applied

    def _ship(
        self,
        source_region: str,
        source: TableEntry,
        p: int,
        target_region: str,
        target: TableEntry,
        complete: bool,
    ) -> int:
        """Apply partition p of `source`'s changes beyond the cursor to `target` (all of them, or one
        batch unless `complete`); how many were applied."""
        partition = self._partition_of(source, p)
        source_id, target_id = source.meta.table_id, target.meta.table_id
        cursor = self._store.cursor(source_id, target_id, p)
        applied = 0
        while cursor < partition.last_lsn:
            records = partition.read_log(cursor, SHIP_BATCH)
            if not records:
                break
            newest = self._newest_versions(records, target, target_region)
            blocked = False
            for record in records:
                if record.origin != ORIGIN_REPLICATION:
                    key = (record.hash, record.pk, record.sk)
                    version = (record.ts, source_region)
                    if newest.get(key, OLDEST) <= version:
                        try:
                            applied += self._apply(record, version, target)
                        except TransactionConflict:
                            blocked = True  # a transaction holds the item: the next pump retries it
                            break
                        newest[key] = version
                cursor = record.lsn
            self._store.set_cursor(source_id, target_id, p, cursor)
            if blocked or not complete:
                break
        return applied

    def _newest_versions(
        self, records: list[LogRecord], target: TableEntry, target_region: str
    ) -> dict[tuple[int, bytes, bytes], Version]:
        """The newest version the target's logs hold of each item the records change, among the records
        that can be newer than them (one backwards read of each target partition's log tail per batch:
        a read per change made a backlog quadratic)."""
        keys: dict[int, set[tuple[int, bytes, bytes]]] = {}
        since: dict[int, float] = {}
        for record in records:
            if record.origin != ORIGIN_REPLICATION:
                p = target.partition_map.locate(record.hash)
                keys.setdefault(p, set()).add((record.hash, record.pk, record.sk))
                since[p] = min(since.get(p, record.ts), record.ts)
        newest: dict[tuple[int, bytes, bytes], Version] = {}
        for p, wanted in keys.items():
            for key, ts, origin, txid in self._partition_of(target, p).recent_changes(wanted, since[p]):
                version = record_version(ts, origin, txid, target_region)
                if version > newest.get(key, OLDEST):
                    newest[key] = version
        return newest

    def _apply(self, record: LogRecord, version: Version, target: TableEntry) -> int:
        """Write a change into the target (as ORIGIN_REPLICATION, its version in the txid)."""
        item = None if record.new is None else decode_item(record.new)
        change = Replace(item, 0 if item is None else self._config.sizer(item))
        key = EncodedKey(record.hash, record.pk, record.sk)
        now = self._commit_time()
        result = self._write_item(target, key, change, now, ORIGIN_REPLICATION, version_txid(version))
        return int(result.lsn is not None)
