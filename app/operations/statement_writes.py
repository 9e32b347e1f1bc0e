"""PartiQL writes as the JSON API's `ItemWrite`s: INSERT a PutItem that refuses an existing item, UPDATE an
UpdateItem on an item that must exist, DELETE a DeleteItem, EXISTS a ConditionCheck.

An INSERT whose key is taken fails with DuplicateItemException ("Duplicate primary key exists in table");
inside ExecuteTransaction the same refusal is the action's ValidationError reason (as the reference
reports it). RETURNING maps to UpdateItem's ReturnValues (ALL OLD, ALL NEW, MODIFIED OLD as UPDATED_OLD,
MODIFIED NEW as UPDATED_NEW; DELETE only ALL OLD); the response's Items hold the one item it returns, or
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from app.errors import DuplicateItemException, ValidationException
from app.operations.capacity import Consumption, write_consumption
from app.operations.item_writes import DeleteAction, ItemWrite, PutAction, UpdateAction
from app.operations.registry import Context
from app.operations.transact_write import condition_check
from app.partiql.ast import Returning
from app.partiql.plans import CheckPlan, DeletePlan, InsertPlan, UpdatePlan, WritePlan
from storage.api import Item, Outcome, TableMeta, WriteResult

DUPLICATE_ITEM = "Duplicate primary key exists in table"


@dataclass(frozen=True, slots=True)
class InsertAction:
    """PutItem's action for an item that must not exist yet."""

    item: Item
    size: int
    in_transaction: bool = False

    def outcome(self, old_item: Item | None, key: Item) -> Outcome:
        if old_item is not None:
            if self.in_transaction:
                raise ValidationException(DUPLICATE_ITEM)
            raise DuplicateItemException(DUPLICATE_ITEM)
        return PutAction(self.item, self.size).outcome(old_item, key)


def item_write(
    plan: WritePlan, meta: TableMeta, return_old_on_failure: bool, in_transaction: bool
) -> ItemWrite:
    """The storage mutation of a planned write."""
    if isinstance(plan, InsertPlan):
        # ItemWrite's action is typed as the three JSON API actions; InsertAction has their interface.
        action = cast(
            "PutAction | DeleteAction | UpdateAction", InsertAction(plan.item, plan.size, in_transaction)
        )
        return ItemWrite(plan.key, action, None, False, meta.indexes)
    if isinstance(plan, UpdatePlan):
        update = UpdateAction(plan.update, from_expression=True)
        return ItemWrite(plan.key, update, plan.condition, return_old_on_failure, meta.indexes)
    if isinstance(plan, DeletePlan):
        return ItemWrite(plan.key, DeleteAction(), plan.condition, return_old_on_failure)
    assert isinstance(plan, CheckPlan)
    return condition_check(plan.key, plan.condition, return_old_on_failure)


def returned_item(plan: WritePlan, result: WriteResult) -> Item | None:
    """The item RETURNING asks for (None: none)."""
    if isinstance(plan, DeletePlan):
        return result.old_item if plan.returning is Returning.ALL_OLD else None
    if not isinstance(plan, UpdatePlan) or plan.returning is None:
        return None
    new_item = result.outcome.new_item if result.outcome.write else result.old_item
    if plan.returning is Returning.ALL_OLD:
        return result.old_item
    if plan.returning is Returning.ALL_NEW:
        return new_item
    source = result.old_item if plan.returning is Returning.MODIFIED_OLD else new_item
    return plan.update.updated_attributes(source) or None


def written_item(result: WriteResult) -> Item | None:
    """The item as the write left it."""
    return result.outcome.new_item if result.outcome.write else result.old_item


async def run_write(
    ctx: Context, meta: TableMeta, plan: WritePlan, return_old_on_failure: bool
) -> WriteResult:
    write = item_write(plan, meta, return_old_on_failure, in_transaction=False)
    return await ctx.cluster.apply(ctx.namespace, meta.name, plan.key, write)


def write_units(meta: TableMeta, result: WriteResult) -> Consumption:
    """The consumption of one write (table and index units)."""
    return write_consumption(meta.indexes, result.old_item, written_item(result), table_key=meta.key_schema)
