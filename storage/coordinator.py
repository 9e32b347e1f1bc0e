"""The transaction coordinator: runs the commit protocol of storage/transactions.py for the cluster.

`Coordinator.write` evaluates a write transaction's actions, holds their items, and commits them in one
partition's local transaction or by two-phase commit across partitions; `check_reads` refuses a read
transaction that meets a held item; `recover` finishes, on open, what a killed process left in the
ledger. The cluster hands it its partitions (`partition_of`) and is told of every item a transaction
wrote (`written`, which feeds the global indexes), so this module knows nothing of catalogs or indexes
beyond the table entries it is given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace

from storage.api import (
    InvalidKey,
    ItemCollectionTooLarge,
    Outcome,
    StorageConfig,
    TransactionCancelled,
    TransactionConflict,
    TransactWrite,
    WriteResult,
)
from storage.catalog import TableEntry
from storage.codec import decode_item, encode_item
from storage.keys import EncodedKey, encode_key
from storage.partition import Partition, PreparedWrite
from storage.transactions import (
    COMMITTED,
    Holds,
    Ledger,
    Participant,
    collection_growth,
    crash_point,
    hold_key,
)

Located = tuple[TableEntry, int, EncodedKey]
"""An item as the cluster located it: its table's entry, its partition index and its encoded key."""


class Coordinator:
    def __init__(
        self,
        config: StorageConfig,
        ledger: Ledger,
        partition_of: Callable[[TableEntry, int], Partition],
        written: Callable[[TableEntry, int, EncodedKey, WriteResult], None],
        commit_time: Callable[[], float],
    ) -> None:
        self._config = config
        self._commit_time = commit_time
        self._ledger = ledger
        self._partition = partition_of
        self._written = written
        self.holds = Holds()

    def close(self) -> None:
        self._ledger.close()

    def unfinished(self) -> list[str]:
        """The ids of the transactions the ledger holds as not finished (tests check it is empty)."""
        return [txid for txid, _, _ in self._ledger.pending()]

    async def write(
        self, txid: str, actions: Sequence[TransactWrite], planned: list[Located]
    ) -> list[WriteResult]:
        """Evaluate, hold, commit, release: `Cluster.transact_write`."""
        results = self._evaluate(actions, planned)
        holds = [hold_key(entry.meta.table_id, key) for entry, _, key in planned]
        self.holds.hold(txid, holds)
        try:
            return await self._commit_transaction(txid, planned, results)
        finally:
            self.holds.release(txid, holds)

    def check_reads(self, planned: list[Located]) -> None:
        """Raise TransactionCancelled, with a TransactionConflict reason per held item, if a read
        transaction meets any item a write transaction holds."""
        held = [hold_key(entry.meta.table_id, key) in self.holds for entry, _, key in planned]
        if not any(held):
            return
        reasons: list[BaseException | None] = [
            TransactionConflict(entry.meta.name) if is_held else None
            for (entry, _, _), is_held in zip(planned, held, strict=True)
        ]
        raise TransactionCancelled(reasons)

    def _evaluate(self, actions: Sequence[TransactWrite], planned: list[Located]) -> list[WriteResult]:
        """Step 1: run every action's mutation on its item's current version, writing nothing. The
        outcomes, or TransactionCancelled with a reason per action."""
        reasons: list[BaseException | None] = []
        results: list[WriteResult] = []
        growth: dict[tuple[str, int, bytes], int] = {}
        for action, (entry, index, key) in zip(actions, planned, strict=True):
            results.append(WriteResult(Outcome(False), None, None))
            if hold_key(entry.meta.table_id, key) in self.holds:
                reasons.append(TransactionConflict(entry.meta.name))
                continue
            partition = self._partition(entry, index)
            stored = partition.get(key)
            old_item = None if stored is None else decode_item(stored.data)
            old_size = 0 if stored is None else stored.size
            try:
                outcome = action.mutation.apply(old_item)
            except Exception as error:
                reasons.append(error)
                continue
            new_item = outcome.new_item if outcome.write else None
            if new_item is not None and encode_key(entry.meta.key_schema, new_item) != key:
                raise InvalidKey("the new item's key attributes differ from the key it is written at")
            results[-1] = WriteResult(outcome, old_item, None, old_size)
            reasons.append(None)
            lsis = entry.meta.local_indexes()
            if outcome.write and lsis and self._config.item_collection_limit is not None:
                new = (outcome.new_item, outcome.new_size)
                change = collection_growth(
                    entry.meta.key_schema, key, (old_item, old_size), new, lsis, self._config.sizer
                )
                collection = (entry.meta.table_id, key.hash, key.pk)
                if collection not in growth:
                    growth[collection] = partition.collection_size(key.hash, key.pk)
                growth[collection] += change
                if change > 0 and growth[collection] > self._config.item_collection_limit:
                    reasons[-1] = ItemCollectionTooLarge("item collection size limit exceeded")
        if any(reason is not None for reason in reasons):
            raise TransactionCancelled(reasons)
        return results

    async def _commit_transaction(
        self, txid: str, planned: list[Located], evaluated: list[WriteResult]
    ) -> list[WriteResult]:
        """Steps 3-7 of storage/transactions.py for the evaluated writes; the results in action order."""
        config = self._config
        by_participant: dict[Participant, list[int]] = {}
        entries: dict[str, TableEntry] = {}
        for position, ((entry, index, _), result) in enumerate(zip(planned, evaluated, strict=True)):
            if result.outcome.write:
                entries[entry.meta.table_id] = entry
                by_participant.setdefault((entry.meta.table_id, index), []).append(position)
        writes = {
            participant: [self._prepared_write(planned[i][2], evaluated[i].outcome) for i in positions]
            for participant, positions in by_participant.items()
        }
        participants = list(by_participant)
        if config.transaction_hold > 0:
            await asyncio.sleep(config.transaction_hold)
        ts = self._commit_time()
        if len(participants) > 1:
            self._ledger.begin(txid, participants, ts)
            crash_point(config.crash_at, "begin")
            try:
                for number, (table_id, index) in enumerate(participants, 1):
                    self._partition(entries[table_id], index).prepare(txid, writes[(table_id, index)])
                    crash_point(config.crash_at, f"prepare:{number}")
                    await asyncio.sleep(0)  # other requests run while the items are held
            except BaseException:
                for table_id, index in participants:
                    self._partition(entries[table_id], index).abort(txid)
                self._ledger.forget(txid)
                raise
            self._ledger.decide(txid)
            crash_point(config.crash_at, "decide")
        results = list(evaluated)
        for number, participant in enumerate(participants, 1):
            table_id, index = participant
            entry = entries[table_id]
            lsis = entry.meta.local_indexes()
            partition = self._partition(entry, index)
            prepared = None if len(participants) > 1 else writes[participant]
            committed = partition.commit(txid, entry.meta.key_schema, ts, prepared, lsis, config.sizer)
            for position, written in zip(by_participant[participant], committed, strict=True):
                if written is not None:
                    result = results[position] = replace(written, outcome=evaluated[position].outcome)
                    self._written(entry, index, planned[position][2], result)
            crash_point(config.crash_at, f"commit:{number}")
        if len(participants) > 1:
            self._ledger.forget(txid)
        return results

    @staticmethod
    def _prepared_write(key: EncodedKey, outcome: Outcome) -> PreparedWrite:
        data = None if outcome.new_item is None else encode_item(outcome.new_item)
        return PreparedWrite(key, outcome.new_size, data)

    def recover(self, entries: dict[str, TableEntry]) -> None:
        """Finish what a killed process left of its write transactions: abort those not yet decided,
        commit those decided (storage/transactions.py, Recovery). `entries`: the live tables by id."""
        for txid, state, participants in self._ledger.pending():
            for table_id, index in participants:
                entry = entries.get(table_id)
                if entry is None:  # the table was deleted since
                    continue
                partition = self._partition(entry, index)
                if state == COMMITTED:
                    schema, ts = entry.meta.key_schema, self._commit_time()
                    partition.commit(txid, schema, ts, None, entry.meta.local_indexes(), self._config.sizer)
                else:
                    partition.abort(txid)
            self._ledger.forget(txid)
