"""app/operations/capacity.py: Consumption, the wire rendering for TOTAL and INDEXES, index entries and the
write units of the table and of each secondary index."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.operations.capacity import Consumption, index_write_units, render, write_consumption
from app.values.size import item_size
from storage.api import IndexDef, KeyAttribute, KeySchema
from storage.index_entries import entry_attributes as index_entry

TABLE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "S"))
LSI_ALL = IndexDef("lsi_all", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), None)
LSI_KEYS = IndexDef("lsi_keys", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("l", "S")), ())
GSI_INCLUDE = IndexDef("gsi_inc", True, KeySchema(KeyAttribute("g", "S"), KeyAttribute("h", "N")), ("x",))
GSI_ALL = IndexDef("gsi_all", True, KeySchema(KeyAttribute("g", "S")), None)
INDEXES = (LSI_ALL, LSI_KEYS, GSI_INCLUDE, GSI_ALL)

Item = dict[str, Any]


def s(text: str) -> dict[str, str]:
    return {"S": text}


def item(**attrs: str) -> Item:
    out: Item = {"pk": s("p"), "sk": s("s")}
    for name, value in attrs.items():
        out[name] = {"N": value} if name == "h" else s(value)
    return out


def sized(size: int, **attrs: str) -> Item:
    """An item of exactly `size` bytes: `attrs` and a filler string attribute "f"."""
    base = item(**attrs, f="")
    return item(**attrs, f="x" * (size - item_size(base)))


# --- render ---------------------------------------------------------------------------------------------


def test_render_none_and_unknown_modes() -> None:
    assert render(None, "t", Consumption(1.0)) is None
    assert render("NONE", "t", Consumption(1.0)) is None


def test_render_total_is_the_sum() -> None:
    consumption = Consumption(1.0, {"a": 2.0}, {"b": 0.5})
    assert render("TOTAL", "t", consumption) == {"TableName": "t", "CapacityUnits": 3.5}


def test_render_indexes_lists_the_parts_that_consumed_something() -> None:
    consumption = Consumption(1.0, {"a": 2.0, "zero": 0.0}, {"b": 0.5})
    assert render("INDEXES", "t", consumption) == {
        "TableName": "t",
        "CapacityUnits": 3.5,
        "Table": {"CapacityUnits": 1.0},
        "LocalSecondaryIndexes": {"a": {"CapacityUnits": 2.0}},
        "GlobalSecondaryIndexes": {"b": {"CapacityUnits": 0.5}},
    }
    # The table is always listed, even when only an index was read (a Query on an index).
    assert render("INDEXES", "t", Consumption(0.0, global_indexes={"b": 1.0})) == {
        "TableName": "t",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"b": {"CapacityUnits": 1.0}},
    }
    assert render("INDEXES", "t", Consumption(0.5)) == {
        "TableName": "t",
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }


def test_consumptions_add_up_per_part() -> None:
    total = Consumption(1.0, {"a": 1.0}) + Consumption(0.5, {"a": 2.0, "c": 1.0}, {"b": 1.0})
    assert total == Consumption(1.5, {"a": 3.0, "c": 1.0}, {"b": 1.0})
    assert total.total() == 6.5


# --- index entries --------------------------------------------------------------------------------------


def test_index_entries_by_projection() -> None:
    full = item(l="a", g="b", h="1", x="kept", y="dropped")
    assert index_entry(full, LSI_ALL, TABLE) == full
    assert index_entry(full, LSI_KEYS, TABLE) == item(l="a")
    assert index_entry(full, GSI_INCLUDE, TABLE) == item(g="b", h="1", x="kept")


def test_items_without_the_index_key_are_not_in_the_index() -> None:
    assert index_entry(None, LSI_ALL, TABLE) is None
    assert index_entry(item(y="y"), LSI_ALL, TABLE) is None
    assert index_entry(item(g="b"), GSI_INCLUDE, TABLE) is None  # half of the key
    assert index_entry(item(g="b", h="1"), GSI_INCLUDE, TABLE) is not None
    assert index_entry({**item(g="b"), "h": s("not a number")}, GSI_INCLUDE, TABLE) is None


# --- index write units ----------------------------------------------------------------------------------


def test_an_unchanged_entry_costs_nothing() -> None:
    old = item(l="a", y="1")
    assert index_write_units(LSI_ALL, TABLE, old, dict(old)) == 0.0
    assert index_write_units(LSI_KEYS, TABLE, old, item(l="a", y="2")) == 0.0  # y is not projected
    assert index_write_units(LSI_ALL, TABLE, None, item(y="1")) == 0.0
    assert index_write_units(LSI_ALL, TABLE, item(y="1"), None) == 0.0


def test_put_delete_replace_and_move() -> None:
    assert index_write_units(LSI_ALL, TABLE, None, item(l="a")) == 1.0
    assert index_write_units(LSI_ALL, TABLE, item(l="a"), None) == 1.0
    assert index_write_units(LSI_ALL, TABLE, item(l="a"), item(l="a", y="1")) == 1.0
    assert index_write_units(LSI_ALL, TABLE, item(l="a"), item(l="b")) == 2.0
    assert index_write_units(GSI_INCLUDE, TABLE, item(g="a", h="1"), item(g="a", h="2")) == 2.0


@pytest.mark.parametrize(
    ("size", "local", "global_"),
    [
        (924, 1.0, 1.0),
        (925, 2.0, 1.0),
        (1024, 2.0, 1.0),
        (1025, 2.0, 2.0),
        (1949, 3.0, 2.0),
        (2049, 3.0, 3.0),
    ],
)
def test_local_entries_count_100_bytes_more(size: int, local: float, global_: float) -> None:
    new = sized(size, l="a", g="b")
    assert index_write_units(LSI_ALL, TABLE, None, new) == local
    assert index_write_units(GSI_ALL, TABLE, None, new) == global_
    assert index_write_units(LSI_ALL, TABLE, new, None) == local
    moved = {**new, "l": s("c"), "g": s("d")}
    assert index_write_units(LSI_ALL, TABLE, new, moved) == 2 * local
    assert index_write_units(GSI_ALL, TABLE, new, moved) == 2 * global_


def test_replacing_an_entry_costs_the_larger() -> None:
    large, small = sized(3000, l="a"), item(l="a")
    assert index_write_units(LSI_ALL, TABLE, large, small) == 4.0
    assert index_write_units(LSI_ALL, TABLE, small, large) == 4.0
    assert index_write_units(LSI_KEYS, TABLE, large, small) == 0.0


# --- write consumption ----------------------------------------------------------------------------------


def test_write_consumption_of_the_table_and_each_index() -> None:
    new = item(l="a", g="b", h="1", x="x")
    assert write_consumption(INDEXES, None, new, table_key=TABLE) == Consumption(
        1.0, {"lsi_all": 1.0, "lsi_keys": 1.0}, {"gsi_inc": 1.0, "gsi_all": 1.0}
    )
    changed_x = {**new, "x": s("y")}
    assert write_consumption(INDEXES, new, changed_x, table_key=TABLE) == Consumption(
        1.0, {"lsi_all": 1.0}, {"gsi_inc": 1.0, "gsi_all": 1.0}
    )
    assert write_consumption(INDEXES, new, new, table_key=TABLE) == Consumption(1.0)
    assert write_consumption(INDEXES, None, None, table_key=TABLE) == Consumption(1.0)
    assert write_consumption((), sized(3000), sized(10), table_key=TABLE) == Consumption(3.0)
    assert write_consumption((), None, sized(1025), table_key=TABLE) == Consumption(2.0)


VALUES = st.sampled_from(["a", "b", "x" * 1000, "y" * 2000])


@st.composite
def items(draw: st.DrawFn) -> Item | None:
    if draw(st.booleans()):
        return None
    attrs = {name: draw(VALUES) for name in ("l", "g", "x", "y") if draw(st.booleans())}
    if "g" in attrs and draw(st.booleans()):
        attrs["h"] = draw(st.sampled_from(["1", "2"]))
    return item(**attrs)


@given(items(), items())
def test_units_are_symmetric_whole_and_zero_only_for_unchanged_entries(
    old: Item | None, new: Item | None
) -> None:
    forward = write_consumption(INDEXES, old, new, table_key=TABLE)
    assert forward == write_consumption(INDEXES, new, old, table_key=TABLE)
    assert forward.table >= 1.0
    for index in INDEXES:
        units = index_write_units(index, TABLE, old, new)
        assert units == int(units)
        unchanged = index_entry(old, index, TABLE) == index_entry(new, index, TABLE)
        assert (units == 0.0) == unchanged
        parts = forward.global_indexes if index.is_global else forward.local_indexes
        assert parts.get(index.name, 0.0) == units
