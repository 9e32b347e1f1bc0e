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


@dataclass(frozen=True)
class StorageConfig:
    """How the storage service is set up. `data_dir` None keeps everything in memory."""

    data_dir: Path | None
    clock: Callable[[], float]
    partitions_per_table: int = 4


class StorageError(Exception):
    """Base of storage's own errors."""


class TableNotFound(StorageError):
    pass


class TableExists(StorageError):
    pass


class InvalidKey(StorageError):
    """A key (or a written item's key attributes) does not match the table's key schema, or a key value
    cannot be encoded. Callers validate keys first, so this signals a caller bug."""
