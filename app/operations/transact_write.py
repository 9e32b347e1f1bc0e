"""The write-transaction machinery any transactional API shares (TransactWriteItems, ExecuteTransaction):
a planned action, the checks that apply to any list of them, and the commit through storage.

A `PlannedWrite` is one action whose table and key are known: Put, Update and Delete are the `ItemWrite`
of the matching single-item operation; a ConditionCheck is an `ItemWrite` whose action (`CheckAction`)
writes nothing, so storage evaluates its condition on the current item and holds the item for as long
as the transaction runs, like any other action.

`commit_transaction` refuses two actions on one item ("Transaction request cannot include multiple
operations on one item", a ValidationException for the whole request; keys compare by value, so
`{"N": "1"}` and `{"N": "1.0"}` are one item), then hands the actions to `Cluster.transact_write`, which
applies all of them or none. A cancelled transaction becomes TransactionCanceledException with a reason
per action in action order (app/operations/transact_reasons.py).

`cancel_for_invalid` answers a transaction some of whose actions failed their key checks (AWS reports
those as ValidationError reasons): nothing is written, and every other action is evaluated on its item as
it is, so that the reasons name every failing condition as a real cancellation would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NoReturn

import orjson

from app.errors import DynamoDBError, ValidationException
from app.expressions import Condition
from app.operations.batch_common import key_identity
from app.operations.item_writes import CheckAction, ItemWrite
from app.operations.registry import Context
from app.operations.transact_reasons import DUPLICATE_ITEMS, cancellation
from storage.api import Item, TableMeta, TransactionCancelled, TransactWrite, WriteResult

WriteKind = Literal["Put", "Update", "Delete", "ConditionCheck"]


def condition_check(key: Item, condition: Condition | None, return_old_on_failure: bool) -> ItemWrite:
    """The `ItemWrite` of a ConditionCheck on `key`."""
    return ItemWrite(key, CheckAction(), condition, return_old_on_failure)


@dataclass(frozen=True)
class PlannedWrite:
    """One action of a write transaction, checked against its table and ready for storage."""

    meta: TableMeta
    key: Item  # the primary key, in key-schema order
    write: ItemWrite
    kind: WriteKind


class DistinctItems:
    """Refuses a second action on an item an earlier action of the transaction already names."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, bytes]] = set()

    def add(self, meta: TableMeta, key: Item) -> None:
        identity = (meta.table_id, key_identity(key))
        if identity in self._seen:
            raise ValidationException(DUPLICATE_ITEMS)
        self._seen.add(identity)


def check_distinct_items(items: Iterable[tuple[TableMeta, Item]]) -> None:
    """AWS's ValidationException when two of these (table, key) pairs name the same item."""
    distinct = DistinctItems()
    for meta, key in items:
        distinct.add(meta, key)


async def commit_transaction(ctx: Context, actions: Sequence[PlannedWrite]) -> list[WriteResult]:
    """Apply every action or none; the storage results in action order. Raises the duplicate-item
    ValidationException, TransactionCanceledException (or the request-level ValidationException one
    of the actions raised), and whatever storage raises for a table deleted meanwhile."""
    check_distinct_items((action.meta, action.key) for action in actions)
    writes = [TransactWrite(action.meta.name, action.key, action.write) for action in actions]
    try:
        return await ctx.cluster.transact_write(ctx.namespace, writes)
    except TransactionCancelled as cancelled:
        raise cancellation(cancelled.reasons) from None


async def cancel_for_invalid(ctx: Context, actions: Sequence[PlannedWrite | ValidationException]) -> NoReturn:
    """Raise the cancellation of a transaction whose invalid actions (given as their ValidationError)
    stop it from running; the valid ones are evaluated on their current items, nothing is written."""
    reasons: list[BaseException | None] = []
    for action in actions:
        if isinstance(action, ValidationException):
            reasons.append(action)
            continue
        stored = await ctx.cluster.get_item(ctx.namespace, action.meta.name, action.key, consistent=True)
        try:
            action.write.apply(None if stored is None else orjson.loads(stored.data))
        except DynamoDBError as error:
            reasons.append(error)
        else:
            reasons.append(None)
    raise cancellation(reasons)
