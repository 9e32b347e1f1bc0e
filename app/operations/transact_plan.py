"""TransactWriteItems, from request to planned actions: every check, in AWS's order.

Before any table is looked up (the whole request's ValidationException; AWS's messages as the 2026
conformance suite captured them on AWS, DynamoDB Local's order where it is silent):

1. every action's table name (Coral's wording, naming the member: "Value 'bad!name' at
   'transactItems.2.member.update.tableName' failed to satisfy constraint: …");
2. per action in order: exactly one of Put, Update, Delete and ConditionCheck ("TransactItems can only
   contain one of Check, Put, Update or Delete"; none: "Invalid Request: TransactWriteRequest should
   contain Delete or Put or Update request"); then as PutItem / UpdateItem / DeleteItem check theirs: the
   expression maps may be given at all, the item's or key's values, a Put item's size (400 KB, PutItem's
   wording), the expressions and their placeholders;
3. the transaction's payload: the items of Puts, the keys of the other actions, the expressions' text,
   the names and values they use, at most 4 MB ("Transaction payload size cannot exceed 4MB. Payload
   Size: 4200086", DynamoDB Local's wording and figure).

Then per action in order: its table ("Requested resource not found"), its key against the key schema, a
Put item's index key attributes, paths into key attributes, and a second action on an item already named
("Transaction request cannot include multiple operations on one item"). A key or index key of the wrong
type or shape, or an update of a key attribute, is that action's ValidationError reason (the transaction
is cancelled); an empty key value or a path into a key fails the request (app/operations/transact_reasons.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from app.errors import ValidationException
from app.expressions import Condition, ExpressionMaps, Update
from app.operations.item_writes import DeleteAction, ItemWrite, PutAction, UpdateAction
from app.operations.registry import Context
from app.operations.table_lookup import active_table, name_errors, validation_errors
from app.operations.transact_reasons import is_request_error
from app.operations.transact_write import DistinctItems, PlannedWrite, WriteKind, condition_check
from app.operations.write_expressions import write_expressions
from app.values.attributes import validate_item
from app.values.index_keys import check_index_keys, index_key_names
from app.values.keys import key_of_item, match_key_schema
from app.values.size import check_item_size, item_size, value_size
from storage.api import Item, TableMeta

KINDS: tuple[WriteKind, ...] = ("ConditionCheck", "Put", "Delete", "Update")
MEMBER_NAMES: Mapping[str, str] = {
    "ConditionCheck": "conditionCheck",
    "Put": "put",
    "Delete": "delete",
    "Update": "update",
}
CONDITION_FIELDS = ("ConditionExpression",)
UPDATE_FIELDS = ("UpdateExpression", "ConditionExpression")
SEVERAL_ACTIONS = "TransactItems can only contain one of Check, Put, Update or Delete"
NO_ACTION = "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024
PAYLOAD_TOO_LARGE = "Transaction payload size cannot exceed 4MB. Payload Size: {}"


@dataclass(frozen=True)
class CheckedAction:
    """One action after the checks that need no table: its item (Put) or key, and compiled expressions."""

    kind: WriteKind
    table_name: str  # as sent: a name or an ARN
    item: Item | None
    key: Item | None
    size: int  # a Put item's size
    condition: Condition | None
    update: Update | None
    return_old_on_failure: bool
    payload: int  # what the action adds to the transaction's 4 MB


def check_table_names(actions: list[Mapping[str, Any]], operation_members: Mapping[str, str]) -> None:
    """Coral's name constraints on every action's TableName (an ARN is resolved later), all at once."""
    errors: list[str] = []
    for position, action in enumerate(actions, 1):
        for kind, member in operation_members.items():
            body = action.get(kind)
            if body is None:
                continue
            name: str = body["TableName"]
            if not name.startswith("arn:"):
                errors.extend(name_errors(name, f"transactItems.{position}.member.{member}.tableName"))
    if errors:
        raise validation_errors(errors)


def _kind_of(action: Mapping[str, Any]) -> WriteKind:
    present = [kind for kind in KINDS if action.get(kind) is not None]
    if len(present) > 1:
        raise ValidationException(SEVERAL_ACTIONS)
    if not present:
        raise ValidationException(NO_ACTION)
    return present[0]


def _expression_payload(body: Mapping[str, Any]) -> int:
    """Bytes the expressions of an action and the names and values they use add to the payload."""
    total = sum(len(body.get(field, "").encode()) for field in UPDATE_FIELDS)
    total += sum(len(name.encode()) for name in (body.get("ExpressionAttributeNames") or {}).values())
    return total + sum(value_size(value) for value in (body.get("ExpressionAttributeValues") or {}).values())


def _check_action(action: Mapping[str, Any]) -> CheckedAction:
    kind = _kind_of(action)
    body: Mapping[str, Any] = action[kind]
    fields = UPDATE_FIELDS if kind == "Update" else CONDITION_FIELDS
    ExpressionMaps.for_request(body, expression_fields=fields, value_fields=fields)
    item: Item | None = None
    key: Item | None = None
    size = 0
    if kind == "Put":
        item = validate_item(body["Item"])
        size = check_item_size(item)
    else:
        key = validate_item(body["Key"])
    compiled = write_expressions(body, fields)
    payload = (size if item is not None else item_size(cast(Item, key))) + _expression_payload(body)
    return CheckedAction(
        kind,
        body["TableName"],
        item,
        key,
        size,
        compiled.condition,
        compiled.update,
        body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD",
        payload,
    )


def check_write_request(request: Mapping[str, Any]) -> list[CheckedAction]:
    """Every check of a TransactWriteItems request that needs no table, in AWS's order."""
    actions: list[Mapping[str, Any]] = request["TransactItems"]
    check_table_names(actions, MEMBER_NAMES)
    checked = [_check_action(action) for action in actions]
    payload = sum(action.payload for action in checked)
    if payload > MAX_PAYLOAD_BYTES:
        raise ValidationException(PAYLOAD_TOO_LARGE.format(payload))
    return checked


def _write_of(action: CheckedAction, meta: TableMeta) -> tuple[Item, ItemWrite]:
    """The action's key and storage mutation; raises the ValidationException of a key that does not fit
    the table, or of an expression that reaches into or writes a key attribute."""
    key_names = meta.key_schema.names()
    if action.item is not None:
        key = key_of_item(action.item, meta.key_schema)
        check_index_keys(action.item, meta.indexes)
    else:
        key = match_key_schema(cast(Item, action.key), meta.key_schema)
    index_keys = index_key_names(meta.indexes, key_names)
    if action.condition is not None:
        action.condition.check_key_attributes(key_names, index_keys)
    if action.update is not None:
        action.update.check_key_attributes(key_names, index_keys)
    condition, old_on_failure = action.condition, action.return_old_on_failure
    if action.kind == "Put":
        assert action.item is not None
        put = PutAction(action.item, action.size)
        return key, ItemWrite(key, put, condition, old_on_failure, meta.indexes)
    if action.kind == "Update":
        update = UpdateAction(action.update, from_expression=True)
        return key, ItemWrite(key, update, condition, old_on_failure, meta.indexes)
    if action.kind == "Delete":
        return key, ItemWrite(key, DeleteAction(), condition, old_on_failure)
    return key, condition_check(key, condition, old_on_failure)


async def plan_writes(ctx: Context, checked: list[CheckedAction]) -> list[PlannedWrite | ValidationException]:
    """Each action against its table, in order: its planned write, or the ValidationError reason of an
    action whose key does not fit (the transaction will be cancelled). Raises what fails the request."""
    planned: list[PlannedWrite | ValidationException] = []
    distinct = DistinctItems()
    for action in checked:
        meta = await active_table(ctx, action.table_name)
        try:
            key, write = _write_of(action, meta)
        except ValidationException as error:
            if is_request_error(error):
                raise
            planned.append(error)
            continue
        distinct.add(meta, key)
        planned.append(PlannedWrite(meta, key, write, action.kind))
    return planned
