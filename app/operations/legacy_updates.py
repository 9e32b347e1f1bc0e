"""`AttributeUpdates`, UpdateItem's legacy form: validated as AWS does, and turned into the engine's Update.

Each entry, in request order (messages as recorded on AWS by dynalite's suite; DynamoDB Local checks the
same things but names types in long form, "STRING" where AWS says "S"):
1. the attribute name (empty) and a null entry;
2. its Value, as any attribute value;
3. the action (PUT when absent): without a Value only DELETE is allowed; DELETE takes only a set, ADD a
   number, a set or a list;
4. the running size of the names and values of the entries that are not DELETEs (over 400 KB:
   "Item size to update has exceeded the maximum allowed size").
Updating a key attribute is refused once the table is known (`Update.check_key_attributes`).

Each entry is an action of the engine's `Update` on a top-level attribute: PUT replaces; DELETE without
a value removes; DELETE with a set removes its members (an emptied set is removed, a missing attribute
stays missing); ADD adds a number, unites a set, appends to a list (which UpdateExpression's ADD refuses)
and creates a missing attribute. Any other pairing with the existing value is "Type mismatch for
attribute to update" (UpdateExpression words it differently). Number and set arithmetic is
`app.values.documents`, as for UpdateExpression. Unlike an UpdateExpression of REMOVE and DELETE actions,
a legacy update always creates a missing item, as just its key if need be (AWS, as dynalite recorded it
for an UpdateItem without updates, and the reference for every case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.errors import ValidationException
from app.expressions import Update
from app.expressions.operands import Item
from app.values import documents
from app.values.attributes import INVALID, AttributeValue, validate_value
from app.values.compare import type_name
from app.values.dialect import Dialect
from app.values.size import MAX_ITEM_BYTES, value_size

EMPTY_NAME = "Empty attribute name"
UPDATE_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"
TYPE_MISMATCH = "Type mismatch for attribute to update"
NULL_UPDATE = "Supplied AttributeValueUpdate is empty, must contain one of the supported actions"
VALUE_NEEDED = INVALID + "Only DELETE action is allowed when no attribute value is specified"

_SETS = frozenset({"SS", "NS", "BS"})
_ADDABLE = frozenset({"N", "SS", "NS", "BS", "L"})


@dataclass(frozen=True, slots=True)
class AttributeUpdate:
    """One checked entry: a top-level attribute, PUT/ADD/DELETE, and its value (numbers canonical). An
    action of the engine's `Update`."""

    name: str
    action: str
    value: AttributeValue | None = None

    @property
    def path(self) -> tuple[str | int, ...]:
        return (self.name,)

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None:
        """The attribute's value after this update (None: the attribute is gone)."""
        value = self.value
        if self.action == "PUT":
            return value
        if value is None:  # DELETE without a value
            return None
        kind = type_name(value)
        if existing is not None and kind not in existing:
            raise ValidationException(TYPE_MISMATCH)
        if self.action == "DELETE":
            return documents.delete(existing, value)
        if kind == "L":  # legacy ADD appends to a list, which UpdateExpression's ADD refuses
            return value if existing is None else {"L": [*existing["L"], *value["L"]]}
        return documents.add(existing, value)


def _invalid(detail: str) -> ValidationException:
    return ValidationException(INVALID + detail)


def _entry(name: str, entry: Any, dialect: Dialect) -> AttributeUpdate:
    if not name:
        raise ValidationException(EMPTY_NAME)
    if entry is None:
        raise ValidationException(f"{NULL_UPDATE}: {name} is null")
    action: str = entry.get("Action") or "PUT"
    raw = entry.get("Value")
    value = validate_value(raw, dialect) if raw is not None else None
    if value is None:
        if action != "DELETE":
            raise ValidationException(VALUE_NEEDED)
        return AttributeUpdate(name, action)
    kind = type_name(value)
    if action == "DELETE" and kind not in _SETS:
        raise _invalid(f"DELETE action with value is not supported for the type {kind}")
    if action == "ADD" and kind not in _ADDABLE:
        raise _invalid(f"ADD action is not supported for the type {kind}")
    return AttributeUpdate(name, action, value)


def attribute_updates(updates: Mapping[str, Any], dialect: Dialect) -> Update:
    """The checked `AttributeUpdates` of a request, as the engine's Update."""
    checked: list[AttributeUpdate] = []
    size = 0
    for name, entry in updates.items():
        update = _entry(name, entry, dialect)
        if update.action != "DELETE" and update.value is not None:
            size += len(name.encode()) + value_size(update.value)
            if size > MAX_ITEM_BYTES:
                raise ValidationException(UPDATE_TOO_LARGE)
        checked.append(update)
    # Whatever its actions, a legacy update creates a missing item (as just its key, if need be).
    return replace(Update.of(checked), creates_item=True)
