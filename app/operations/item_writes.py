"""The plan of a single-item write, run by storage inside the partition's transaction.

`ItemWrite.apply(old_item)` is pure and safe to run twice: check the condition against the old item
(ConditionalCheckFailedException, with the old item when asked for), then compute the new item with the
write's action (put, delete or update). Everything it needs was resolved by the handler beforehand.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ConditionalCheckFailedException, ValidationException
from app.expressions import Condition, Update
from app.values.index_keys import check_index_keys
from app.values.size import MAX_ITEM_BYTES, item_size
from storage.api import IndexDef, Item, Outcome

CONDITION_FAILED = "The conditional request failed"
UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"


@dataclass(frozen=True, slots=True)
class PutAction:
    """Store `item` (of DynamoDB size `size`), whatever was there."""

    item: Item
    size: int

    def outcome(self, old_item: Item | None, key: Item) -> Outcome:
        return Outcome(write=True, new_item=self.item, new_size=self.size)


@dataclass(frozen=True, slots=True)
class DeleteAction:
    """Remove the item, if there is one."""

    def outcome(self, old_item: Item | None, key: Item) -> Outcome:
        return Outcome(write=old_item is not None, new_item=None)


@dataclass(frozen=True, slots=True)
class UpdateAction:
    """Apply `update` (None: an UpdateItem with nothing to update, which still creates the key).
    `from_expression`: it came from an UpdateExpression (AWS words some index key errors differently)."""

    update: Update | None
    from_expression: bool = False

    def outcome(self, old_item: Item | None, key: Item) -> Outcome:
        if self.update is None:
            new_item: Item | None = old_item if old_item is not None else dict(key)
        else:
            new_item = self.update.apply(old_item, key)
        if new_item is None:  # a missing item that the update does not create
            return Outcome(write=False)
        size = item_size(new_item)
        if size > MAX_ITEM_BYTES:
            raise ValidationException(UPDATE_TOO_LARGE)
        return Outcome(write=True, new_item=new_item, new_size=size)


@dataclass(frozen=True, slots=True)
class CheckAction:
    """A transaction's ConditionCheck: whatever the item, nothing is written."""

    def outcome(self, old_item: Item | None, key: Item) -> Outcome:
        return Outcome(write=False)


@dataclass(frozen=True, slots=True)
class ItemWrite:
    """A conditional single-item write: the storage `Mutation` of PutItem, UpdateItem and DeleteItem."""

    key: Item
    action: PutAction | DeleteAction | UpdateAction | CheckAction
    condition: Condition | None = None
    return_old_on_failure: bool = False
    # The table's secondary indexes: a new item must not give their key attributes a wrong type.
    indexes: tuple[IndexDef, ...] = ()

    def apply(self, old_item: Item | None) -> Outcome:
        if self.condition is not None and not self.condition.evaluate(old_item):
            if self.return_old_on_failure and old_item is not None:
                raise ConditionalCheckFailedException(CONDITION_FAILED, Item=old_item)
            raise ConditionalCheckFailedException(CONDITION_FAILED)
        outcome = self.action.outcome(old_item, self.key)
        if self.indexes and outcome.new_item is not None:
            from_expression = isinstance(self.action, UpdateAction) and self.action.from_expression
            check_index_keys(outcome.new_item, self.indexes, from_update_expression=from_expression)
        return outcome
