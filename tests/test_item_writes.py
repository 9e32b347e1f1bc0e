"""ItemWrite, the storage Mutation of single-item writes: pure, picklable (the storage seam), and exact
about conditions."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from app.errors import ConditionalCheckFailedException, ValidationException
from app.expressions import Condition, Update
from app.operations.item_writes import DeleteAction, ItemWrite, PutAction, UpdateAction
from app.operations.write_expressions import write_expressions

KEY = {"pk": {"S": "k"}}
FIELDS = ("UpdateExpression", "ConditionExpression")


def compiled(
    update: str | None, condition: str | None, **values: dict[str, Any]
) -> tuple[Update | None, Condition | None]:
    request: dict[str, Any] = {"UpdateExpression": update, "ConditionExpression": condition}
    if values:
        request["ExpressionAttributeValues"] = {f":{k}": v for k, v in values.items()}
    found = write_expressions(request, FIELDS)
    return found.update, found.condition


def test_write_plans_survive_pickling() -> None:
    update, condition = compiled(
        "SET c = if_not_exists(c, :z) + :one REMOVE x[0] ADD s :s",
        "attribute_exists(pk) AND c BETWEEN :z AND :one",
        z={"N": "0"},
        one={"N": "1"},
        s={"SS": ["a"]},
    )
    write = ItemWrite(KEY, UpdateAction(update), condition, return_old_on_failure=True)
    copy = pickle.loads(pickle.dumps(write))
    assert copy == write
    old = {**KEY, "c": {"N": "1"}, "x": {"L": [{"N": "1"}, {"N": "2"}]}}
    assert copy.apply(old) == write.apply(old)
    assert copy.apply(old).new_item == {**KEY, "c": {"N": "2"}, "x": {"L": [{"N": "2"}]}, "s": {"SS": ["a"]}}


def test_failed_condition_carries_the_old_item_only_when_asked() -> None:
    _, condition = compiled(None, "attribute_not_exists(pk)")
    old = {**KEY, "a": {"S": "x"}}
    with pytest.raises(ConditionalCheckFailedException) as plain:
        ItemWrite(KEY, DeleteAction(), condition).apply(old)
    assert plain.value.message == "The conditional request failed"
    assert plain.value.extra == {}
    with pytest.raises(ConditionalCheckFailedException) as with_item:
        ItemWrite(KEY, DeleteAction(), condition, return_old_on_failure=True).apply(old)
    assert with_item.value.extra == {"Item": old}


def test_actions() -> None:
    assert ItemWrite(KEY, PutAction({**KEY, "a": {"S": "x"}}, 3)).apply(None).write
    assert not ItemWrite(KEY, DeleteAction()).apply(None).write
    created = ItemWrite(KEY, UpdateAction(None)).apply(None)
    assert (created.write, created.new_item) == (True, KEY)
    remove_only, _ = compiled("REMOVE a", None)
    assert not ItemWrite(KEY, UpdateAction(remove_only)).apply(None).write


def test_update_past_the_item_size_limit_is_refused() -> None:
    update, _ = compiled("SET b = :big", None, big={"S": "y" * 409_600})
    with pytest.raises(
        ValidationException, match="Item size to update has exceeded the maximum allowed size"
    ):
        ItemWrite(KEY, UpdateAction(update)).apply({**KEY})
