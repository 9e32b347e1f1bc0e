"""check_index_keys: the index key rules of a written item, with AWS's messages, in the order checked."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationException
from app.operations.item_writes import ItemWrite, PutAction, UpdateAction
from app.operations.write_expressions import write_expressions
from app.values.index_keys import check_index_keys, index_key_rules
from storage.api import IndexDef, KeyAttribute, KeySchema

TABLE_KEY = {"pk": {"S": "p"}, "sk": {"N": "1"}}
LOCAL = IndexDef("by_rank", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("rank", "N")), ())
GLOBAL = IndexDef("by_group", True, KeySchema(KeyAttribute("grp", "S"), KeyAttribute("bin", "B")), None)
OTHER = IndexDef("by_other", True, KeySchema(KeyAttribute("grp", "S")), ("x",))
INDEXES = (GLOBAL, LOCAL, OTHER)  # storage's order; local indexes are checked first whatever it is


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def message(item: dict[str, Any], **options: bool) -> str:
    with pytest.raises(ValidationException) as raised:
        check_index_keys({**TABLE_KEY, **item}, INDEXES, **options)
    return raised.value.message


def test_items_without_index_keys_or_with_good_ones_pass() -> None:
    check_index_keys(TABLE_KEY, INDEXES)
    check_index_keys(
        {**TABLE_KEY, "rank": {"N": "-1.5"}, "grp": {"S": "g"}, "bin": {"B": b64(b"\0")}}, INDEXES
    )
    check_index_keys({**TABLE_KEY, "grp": {"S": "é" * 1024}, "bin": {"B": b64(b"b" * 1024)}}, INDEXES)
    check_index_keys({"x": {"N": "1"}}, ())


@pytest.mark.parametrize(
    ("value", "actual"),
    [({"N": "1"}, "N"), ({"NULL": True}, "NULL"), ({"SS": ["a"]}, "SS"), ({"L": []}, "L"), ({"M": {}}, "M")],
)
def test_wrong_type(value: dict[str, Any], actual: str) -> None:
    assert message({"grp": value}) == (
        "One or more parameter values were invalid: Type mismatch for Index Key grp Expected: S "
        f"Actual: {actual} IndexName: by_group"
    )


def test_empty_values_are_worded_by_the_kind_of_write() -> None:
    assert message({"grp": {"S": ""}}) == (
        "One or more parameter values are not valid. A value specified for a secondary index key is not "
        "supported. The AttributeValue for a key attribute cannot contain an empty string value. "
        "IndexName: by_group, IndexKey: grp"
    )
    assert message({"bin": {"B": ""}}, from_update_expression=True) == (
        "One or more parameter values are not valid. The update expression attempted to update a secondary "
        "index key to a value that is not supported. The AttributeValue for a key attribute cannot contain "
        "an empty binary value."
    )


def test_key_lengths() -> None:
    assert message({"grp": {"S": "é" * 1025}}) == (
        "One or more parameter values were invalid: Size limit exceeded for Index Key grp Actual Size: 2050 "
        "bytes Max Size: 2048 bytes IndexName: by_group"
    )
    assert message({"bin": {"B": b64(b"\xff" * 1025)}}).endswith(
        "Index Key bin Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: by_group"
    )


def test_local_indexes_first_then_definition_order_hash_before_range() -> None:
    assert [(r.index, r.attribute) for r in index_key_rules(INDEXES)] == [
        ("by_rank", "pk"),
        ("by_rank", "rank"),
        ("by_group", "grp"),
        ("by_group", "bin"),
        ("by_other", "grp"),
    ]
    assert "IndexName: by_rank" in message({"rank": {"S": "x"}, "grp": {"N": "1"}})
    assert "IndexKey: grp" in message({"bin": {"B": ""}, "grp": {"S": ""}})


@given(st.text(max_size=700))
def test_string_keys_are_accepted_exactly_when_not_empty_and_short_enough(text: str) -> None:
    item = {**TABLE_KEY, "grp": {"S": text}, "bin": {"B": b64(text.encode()[:1030])}}
    good = 0 < len(text.encode()) <= 1024
    try:
        check_index_keys(item, INDEXES)
    except ValidationException:
        assert not good
    else:
        assert good


def test_item_writes_check_the_new_item_only() -> None:
    bad = {**TABLE_KEY, "grp": {"N": "1"}}
    with pytest.raises(ValidationException, match="Type mismatch for Index Key grp"):
        ItemWrite(TABLE_KEY, PutAction(bad, 10), indexes=INDEXES).apply(None)
    found = write_expressions(
        {"UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": "2"}}},
        ("UpdateExpression",),
    )
    with pytest.raises(ValidationException, match="Type mismatch for Index Key grp"):
        ItemWrite(TABLE_KEY, UpdateAction(found.update), indexes=INDEXES).apply(
            bad
        )  # written before the index
