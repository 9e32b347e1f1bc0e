"""The storage service's only door (interface stub; the storage helper implements it).

`Cluster` owns the catalog and every partition. All methods are async and take/return the plain values
of `storage.api`, so partitions can later move to other processes without touching `app/`.
"""

from __future__ import annotations

from typing import Any

from storage.api import (
    Item,
    KeySchema,
    Mutation,
    Namespace,
    StorageConfig,
    StoredItem,
    TableMeta,
    TableStats,
    WriteResult,
)


class Cluster:
    @classmethod
    async def open(cls, config: StorageConfig) -> Cluster:
        """Open (or create) the catalog and partitions under config.data_dir, or in memory."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    # --- tables ---
    async def create_table(
        self, ns: Namespace, name: str, key_schema: KeySchema, spec: dict[str, Any]
    ) -> TableMeta:
        """Raises TableExists if a table of that name (in any status) exists in ns."""
        raise NotImplementedError

    async def get_table(self, ns: Namespace, name: str) -> TableMeta:
        """Raises TableNotFound. Cached in memory; cheap enough for every request."""
        raise NotImplementedError

    async def list_tables(self, ns: Namespace) -> list[str]:
        """Names of the tables of ns, sorted by their UTF-8 bytes."""
        raise NotImplementedError

    async def update_table(self, ns: Namespace, name: str, spec: dict[str, Any]) -> TableMeta:
        """Replace the caller-owned spec; version increases. Raises TableNotFound."""
        raise NotImplementedError

    async def delete_table(self, ns: Namespace, name: str, linger_until: float | None = None) -> TableMeta:
        """Delete the table and its data. With linger_until, the table stays visible with status DELETING
        (reads and writes refused by the caller) until the clock passes it. Returns the meta as it was."""
        raise NotImplementedError

    async def table_stats(self, ns: Namespace, name: str) -> TableStats:
        raise NotImplementedError

    # --- items ---
    async def get_item(self, ns: Namespace, table: str, key: Item, consistent: bool = False) -> StoredItem | None:
        """The item with this primary key (wire form, key attributes only), or None."""
        raise NotImplementedError

    async def apply(self, ns: Namespace, table: str, key: Item, mutation: Mutation) -> WriteResult:
        """Run mutation.apply(old_item) inside the owning partition's transaction and commit its outcome,
        the item change and its log record together."""
        raise NotImplementedError
