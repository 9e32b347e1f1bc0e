"""The vocabulary of the storage service: the plain, picklable values that cross `storage.Cluster`'s door.

Everything a caller hands to the cluster or gets back from it is defined here: namespaces, key schemas,
table metadata, stored items, the `Mutation` protocol that callers implement, and storage's own errors.
Nothing here knows HTTP, JSON envelopes or AWS error names; `app/` maps storage errors to AWS errors.

Items are in DynamoDB wire form (`{"attr": {"S": "x"}}`) and are stored as JSON bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

Item = dict[str, Any]
"""An item in wire form: attribute name -> AttributeValue (`{"S": "x"}`, `{"N": "1"}`, …)."""

KeyType = Literal["S", "N", "B"]


@dataclass(frozen=True)
class Namespace:
    """Tables belong to an (account, region); tables of different namespaces never see each other."""

    account: str
    region: str


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: KeyType


@dataclass(frozen=True)
class KeySchema:
    """The primary key of a table (or index): a partition (hash) key and an optional sort (range) key."""

    hash: KeyAttribute
    range: KeyAttribute | None = None

    def names(self) -> tuple[str, ...]:
        return (self.hash.name,) if self.range is None else (self.hash.name, self.range.name)


@dataclass(frozen=True)
class IndexDef:
    """A secondary index as storage maintains it.

    A local index (`is_global` False) shares the table's partition key; its rows live in the base item's
    partition file and change in the same transaction. A global index is its own store, fed from the
    table's log. An item is in the index only when it has every key attribute of `key_schema` with the
    schema's type (sparse index). An index entry holds the table's key attributes, the index's key
    attributes and `projected` (the other attributes kept: () for KEYS_ONLY, the NonKeyAttributes for
    INCLUDE, None for ALL).
    """

    name: str
    is_global: bool
    key_schema: KeySchema
    projected: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableMeta:
    """One table as the catalog holds it.

    `spec` is owned by the caller (app): a JSON-able dict with everything DynamoDB says about the table
    beyond its key (billing mode, throughput, indexes, stream and SSE settings, tags, …). Storage stores it
    and hands it back unchanged; it never interprets it. `version` increases on every change.
    `status` is storage's own life-cycle word: "ACTIVE" or "DELETING"; callers derive DynamoDB's
    CREATING/UPDATING from `spec` and the clock.
    """

    namespace: Namespace
    name: str
    table_id: str
    created_at: float
    key_schema: KeySchema
    spec: dict[str, Any]
    version: int
    partition_count: int
    status: str = "ACTIVE"
    deleted_at: float | None = None
    indexes: tuple[IndexDef, ...] = ()

    def index(self, name: str) -> IndexDef | None:
        return next((index for index in self.indexes if index.name == name), None)

    def local_indexes(self) -> tuple[IndexDef, ...]:
        return tuple(index for index in self.indexes if not index.is_global)

    def global_indexes(self) -> tuple[IndexDef, ...]:
        return tuple(index for index in self.indexes if index.is_global)


@dataclass(frozen=True)
class TableStats:
    """Live item count and total item size (bytes, as computed by the caller's sizer) of a table."""

    item_count: int
    size_bytes: int


@dataclass(frozen=True)
class PartitionInfo:
    """One partition of a table: its index, the inclusive range of signed 64-bit partition hashes it owns,
    its live stats and the last log sequence number it wrote (0 before its first write)."""

    index: int
    hash_first: int
    hash_last: int
    item_count: int
    size_bytes: int
    last_lsn: int


@dataclass(frozen=True)
class IndexStats:
    """Live entry count and total entry size of a secondary index, and whether a backfill still runs."""

    item_count: int
    size_bytes: int
    backfilling: bool = False


@dataclass(frozen=True)
class SortCondition:
    """The sort-key condition of a Query, on the table's or the index's sort key: `operator` one of
    "=", "<", "<=", ">", ">=", "BETWEEN" (two values, low <= high) or "begins_with" (S or B only); values
    are wire AttributeValues of the sort key's type (the caller has checked them)."""

    operator: str
    values: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Page:
    """One page of a Query or Scan, as read from storage.

    Items are read in order until `limit` items have been read or the sum of their sizes reaches
    `byte_limit`; the item that reaches it is included, so the caller can apply DynamoDB's exact page
    rule (and drop it if need be). `exhausted` is True when nothing in the range follows the last item
    returned. Items of an index are its entries (projected), not the base items.
    """

    items: list[StoredItem]
    exhausted: bool


@dataclass(frozen=True)
class StoredItem:
    """An item as stored: its JSON bytes and its DynamoDB size in bytes."""

    data: bytes
    size: int


@dataclass(frozen=True)
class Outcome:
    """What a `Mutation` decided, given the old item.

    `write` False means nothing is written (no log record either). Otherwise `new_item` is the item to store
    (None deletes the item) and `new_size` its DynamoDB size. `result` is returned to the caller untouched
    (it must be picklable).
    """

    write: bool
    new_item: Item | None = None
    new_size: int = 0
    result: Any = None


class Mutation(Protocol):
    """A planned write. `apply` must be pure and safe to run more than once: storage may retry it.

    Storage calls it inside the partition's transaction with the current item (None if absent). It may
    raise; storage then rolls back and lets the exception propagate to the caller unchanged.
    """

    def apply(self, old_item: Item | None) -> Outcome: ...


@dataclass(frozen=True)
class WriteResult:
    """The result of `Cluster.apply`: the outcome and the log sequence number it was written at (None if
    nothing was written)."""

    outcome: Outcome
    old_item: Item | None
    lsn: int | None
    old_size: int = 0  # the old item's DynamoDB size (0 when absent)


@dataclass(frozen=True)
class TransactWrite:
    """One action of a write transaction: run `mutation` on the item at `key` (wire form, key attributes
    only) of table `table`. An action whose outcome writes nothing (a ConditionCheck) still holds its
    item for as long as the transaction runs."""

    table: str
    key: Item
    mutation: Mutation


@dataclass(frozen=True)
class TransactGet:
    """One read of a read transaction: the item at `key` of table `table`."""

    table: str
    key: Item


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a table: a table gets a new stream each time its stream is enabled.

    `label` (unique per table, the creation time as `YYYY-MM-DDTHH:MM:SS.mmm` in UTC) identifies it, with
    the table's name, within the namespace. `disabled_at` None: the stream is enabled. A stream's records
    are the log records its table's partitions wrote while it was enabled.
    """

    table: str
    label: str
    created_at: float
    disabled_at: float | None = None


@dataclass(frozen=True)
class ShardInfo:
    """A shard of a stream: the log records of one partition with `start_after < lsn <= end` (`end` None:
    the shard is open, its records go on). A partition's first shard has no parent; when a shard rolls
    over (after `StorageConfig.shard_rollover` seconds) it is closed and its child takes the next lsns."""

    shard_id: str
    parent_shard_id: str | None
    partition: int
    start_after: int
    end: int | None
    created_at: float


@dataclass(frozen=True)
class StreamRecord:
    """A change as a stream shows it: the log record's lsn, commit time, item images (JSON bytes, None when
    absent), origin (ORIGIN_USER, ORIGIN_TTL, …) and transaction id."""

    lsn: int
    ts: float
    old: bytes | None
    new: bytes | None
    origin: str
    txid: str | None


@dataclass(frozen=True)
class ShardRead:
    """Records of a shard after a position. `trimmed_through`: the last lsn of the shard that retention
    has removed (records up to it can no longer be read; `start_after` of the shard when none). `drained`:
    the shard is closed and nothing follows the records returned."""

    records: list[StreamRecord]
    trimmed_through: int
    drained: bool


@dataclass(frozen=True)
class StorageConfig:
    """How the storage service is set up. `data_dir` None keeps everything in memory."""

    data_dir: Path | None
    clock: Callable[[], float]
    partitions_per_table: int = 4
    # The caller's item size (DynamoDB's rules), used for index entries that storage derives itself.
    sizer: Callable[[Item], int] = lambda item: len(orjson.dumps(item))
    # Seconds a global index lags its table; 0 applies the feed before a write returns.
    gsi_lag: float = 0.0
    # Bytes an item collection (items of one partition key plus their local index entries) may hold on a
    # table with local indexes; a write beyond it raises ItemCollectionTooLarge. None: no limit.
    item_collection_limit: int | None = 10 * 1024**3
    # Seconds a write transaction holds its items between preparing and committing (a test aid that
    # makes conflicts with it observable; 0: only as long as the commit protocol takes).
    transaction_hold: float = 0.0
    # Seconds a stream record (and a closed shard, and a disabled stream) stays readable (AWS: 24 hours).
    stream_retention: float = 24 * 3600.0
    # Seconds after which an open stream shard is closed and a child shard takes over (AWS: ~4 hours).
    shard_rollover: float = 4 * 3600.0
    # Test-only fault injection: kill the process (SIGKILL) when a write transaction reaches this step of
    # its commit protocol (see storage/transactions.py for the names), or when `add_replica` is about to
    # copy its N-th item ("replica-copy:N"). None: never.
    crash_at: str | None = None


class StorageError(Exception):
    """Base of storage's own errors."""


class TableNotFound(StorageError):
    pass


class TableExists(StorageError):
    pass


class IndexExists(StorageError):
    pass


class IndexNotFound(StorageError):
    pass


class ItemCollectionTooLarge(StorageError):
    """The write would take an item collection of a table with local indexes past the configured limit."""


class InvalidKey(StorageError):
    """A key (or a written item's key attributes) does not match the table's key schema, or a key value
    cannot be encoded. Callers validate keys first, so this signals a caller bug."""


class StreamNotFound(StorageError):
    """No stream (or shard) of that name, or it is past its retention."""


class TransactionConflict(StorageError):
    """A single-item write (or read transaction) met an item held by a write transaction in flight."""


class TransactionCancelled(StorageError):
    """A transaction was not applied; nothing of it is visible. `reasons[i]` says why for action i:
    None (nothing wrong with that action), a TransactionConflict (its item is held by another
    transaction), an ItemCollectionTooLarge, or the exception its mutation raised (unchanged)."""

    def __init__(self, reasons: list[BaseException | None]) -> None:
        super().__init__("transaction cancelled")
        self.reasons = tuple(reasons)
