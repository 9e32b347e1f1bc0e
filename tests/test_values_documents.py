"""Unit tests of app.values.documents: paths, the all-at-once writes of an update, and update arithmetic.

Every expected item and message is what DynamoDB Local 3.x answered to the UpdateItem written in the
comment or test id (ReturnValues ALL_NEW on an item holding the attributes shown), unless said otherwise.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationException
from app.values.documents import (
    INCORRECT_TYPE,
    INVALID_PATH,
    Change,
    Path,
    add,
    apply_changes,
    check_update_path,
    delete,
    get_path,
    list_append,
    minus,
    plus,
    remove_path,
    remove_paths,
    set_path,
)
from app.values.numbers import OVERFLOW, UNDERFLOW

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]


def S(text: str) -> AttributeValue:
    return {"S": text}


def N(text: str) -> AttributeValue:
    return {"N": text}


def L(*elements: AttributeValue) -> AttributeValue:
    return {"L": list(elements)}


def M(**entries: AttributeValue) -> AttributeValue:
    return {"M": entries}


def bs(*raws: bytes) -> AttributeValue:
    return {"BS": [base64.b64encode(raw).decode() for raw in raws]}


X3: Item = {"a": L(S("x0"), S("x1"), S("x2"))}

# --- get_path --------------------------------------------------------------------------------------------

DOC: Item = {
    "a": M(b=L(N("0"), M(c=S("deep"))), s=S("text")),
    "l": L(L(S("inner"))),
    "ss": {"SS": ["x"]},
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("a",), DOC["a"]),
        (("a", "s"), S("text")),
        (("a", "b", 1, "c"), S("deep")),
        (("l", 0, 0), S("inner")),
        (("missing",), None),
        (("a", "missing", "c"), None),
        (("a", "b", 2), None),  # past the end
        (("a", 0), None),  # an index into a map
        (("l", "x"), None),  # a name into a list
        (("a", "s", "x"), None),  # into a scalar
        (("ss", 0), None),  # sets have no elements to address
    ],
)
def test_get_path(path: Path, expected: AttributeValue | None) -> None:
    assert get_path(DOC, path) == expected


# --- writes: where they may go ---------------------------------------------------------------------------

INVALID_WRITES = [
    pytest.param({}, ("a", "b"), id="SET a.b, a missing"),
    pytest.param({"a": S("s")}, ("a", "b"), id="SET a.b, a a string"),
    pytest.param({"a": M()}, ("a", 0), id="SET a[0], a a map"),
    pytest.param({"a": L(S("x"))}, ("a", "b"), id="SET a.b, a a list"),
    pytest.param({}, ("a", 0), id="SET a[0], a missing"),
    pytest.param({"a": M()}, ("a", "b", "c"), id="SET a.b.c, a.b missing"),
    pytest.param({"a": {"SS": ["x"]}}, ("a", "b"), id="SET a.b, a a set"),
    pytest.param({"a": {"SS": ["x"]}}, ("a", 0), id="SET a[0], a a set"),
    pytest.param({"a": {"NULL": True}}, ("a", "b"), id="SET a.b, a NULL"),
    pytest.param({"a": S("x")}, ("a", 0), id="SET a[0], a a string"),
    pytest.param({"a": L(L())}, ("a", 1, 0), id="SET a[1][0], a[1] past the end"),
    pytest.param(X3, ("a", 2, "b"), id="SET a[2].b, a[2] a string"),
    pytest.param(X3, ("a", 5, "b"), id="SET a[5].b, a[5] past the end"),
    pytest.param({"a": M(b=L())}, ("a", "b", "c"), id="SET a.b.c, a.b a list"),
    pytest.param({"a.b": N("1")}, ("a.b", "b"), id="SET #a.b with #a = 'a.b', a number"),
]


@pytest.mark.parametrize(("item", "path"), INVALID_WRITES)
def test_invalid_paths_are_rejected_for_every_write(item: Item, path: Path) -> None:
    before = copy.deepcopy(item)
    with pytest.raises(ValidationException) as caught:
        check_update_path(item, path)
    assert caught.value.message == INVALID_PATH
    for write in (
        lambda: set_path(copy.deepcopy(item), path, N("1")),
        lambda: remove_path(copy.deepcopy(item), path),
        lambda: apply_changes(item, [(path, N("1"))]),
        lambda: apply_changes(item, [(path, None)]),
    ):
        with pytest.raises(ValidationException) as caught:
            write()
        assert caught.value.message == INVALID_PATH
    assert item == before


@pytest.mark.parametrize(
    ("item", "path"),
    [
        ({}, ("a",)),
        ({"a": M()}, ("a", "b")),
        ({"a": L()}, ("a", 0)),
        ({"a": L(S("x"))}, ("a", 7)),
        ({"a": L(L(N("0")))}, ("a", 0, 3)),
        ({"a": S("s")}, ("a",)),
    ],
)
def test_writable_paths(item: Item, path: Path) -> None:
    check_update_path(item, path)


# --- SET -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "path", "expected"),
    [
        pytest.param({}, ("a",), {"a": N("1")}, id="SET a"),
        pytest.param(X3, ("a", 5), {"a": L(S("x0"), S("x1"), S("x2"), N("1"))}, id="SET a[5] appends"),
        pytest.param(X3, ("a", 3), {"a": L(S("x0"), S("x1"), S("x2"), N("1"))}, id="SET a[3] appends"),
        pytest.param(X3, ("a", 1), {"a": L(S("x0"), N("1"), S("x2"))}, id="SET a[1] replaces"),
        pytest.param({"a": L()}, ("a", 0), {"a": L(N("1"))}, id="SET a[0] on an empty list"),
        pytest.param({"a": L(L())}, ("a", 0, 0), {"a": L(L(N("1")))}, id="SET a[0][0]"),
        pytest.param({"a": L(L(N("0")))}, ("a", 0, 3), {"a": L(L(N("0"), N("1")))}, id="SET a[0][3]"),
        pytest.param({"a": M(c=N("2"))}, ("a", "b"), {"a": M(c=N("2"), b=N("1"))}, id="SET a.b"),
    ],
)
def test_set_path(item: Item, path: Path, expected: Item) -> None:
    shared = copy.deepcopy(item)
    updated = copy.deepcopy(item)
    set_path(updated, path, N("1"))
    assert updated == expected
    assert apply_changes(shared, [(path, N("1"))]) == expected
    assert shared == item  # apply_changes leaves its input alone


def test_set_path_replaces_nested_values_instead_of_modifying_them() -> None:
    inner = L(S("x"))
    item: Item = {"a": M(b=inner)}
    set_path(item, ("a", "b", 0), S("y"))
    assert item == {"a": M(b=L(S("y")))}
    assert inner == L(S("x"))


# --- REMOVE ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "path", "expected"),
    [
        pytest.param({}, ("a",), {}, id="REMOVE a, missing"),
        pytest.param({"a": M()}, ("a", "b"), {"a": M()}, id="REMOVE a.b, b missing"),
        pytest.param({"a": L(N("1"))}, ("a", 5), {"a": L(N("1"))}, id="REMOVE a[5], past the end"),
        pytest.param(X3, ("a", 0), {"a": L(S("x1"), S("x2"))}, id="REMOVE a[0] shifts"),
        pytest.param({"a": M(b=N("1"), c=N("2"))}, ("a", "b"), {"a": M(c=N("2"))}, id="REMOVE a.b"),
        pytest.param({"a": N("1"), "b": N("2")}, ("a",), {"b": N("2")}, id="REMOVE a"),
    ],
)
def test_remove_path(item: Item, path: Path, expected: Item) -> None:
    updated = copy.deepcopy(item)
    remove_path(updated, path)
    assert updated == expected


NESTED: Item = {"a": L(L(S("x"), S("y"), S("z")), S("w"), S("u"))}


@pytest.mark.parametrize(
    ("item", "paths", "expected"),
    [
        pytest.param(X3, [("a", 0), ("a", 1)], {"a": L(S("x2"))}, id="REMOVE a[0], a[1]"),
        pytest.param(X3, [("a", 1), ("a", 0)], {"a": L(S("x2"))}, id="REMOVE a[1], a[0]"),
        pytest.param(X3, [("a", 0), ("a", 2)], {"a": L(S("x1"))}, id="REMOVE a[0], a[2]"),
        pytest.param(X3, [("a", 2), ("a", 5)], {"a": L(S("x0"), S("x1"))}, id="REMOVE a[2], a[5]"),
        pytest.param(
            NESTED,
            [("a", 0, 1), ("a", 1)],
            {"a": L(L(S("x"), S("z")), S("u"))},
            id="REMOVE a[0][1], a[1]",
        ),
        pytest.param(
            NESTED,
            [("a", 1), ("a", 0, 1)],
            {"a": L(L(S("x"), S("z")), S("u"))},
            id="REMOVE a[1], a[0][1]",
        ),
    ],
)
def test_remove_paths_use_the_original_positions(item: Item, paths: list[Path], expected: Item) -> None:
    updated = copy.deepcopy(item)
    remove_paths(updated, paths)
    assert updated == expected


# --- several writes in one update ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "changes", "expected"),
    [
        pytest.param(
            {"a": L(S("x"))},
            [(("a", 3), S("v")), (("a", 1), S("w"))],
            {"a": L(S("x"), S("w"), S("v"))},
            id="SET a[3] = :v, a[1] = :w appends in index order",
        ),
        pytest.param(
            {"a": L()},
            [(("a", 7), S("v")), (("a", 5), S("w"))],
            {"a": L(S("w"), S("v"))},
            id="SET a[7] = :v, a[5] = :w",
        ),
        pytest.param(
            X3, [(("a", 0), None), (("a", 1), S("v"))], {"a": L(S("v"), S("x2"))}, id="REMOVE a[0] SET a[1]"
        ),
        pytest.param(
            X3,
            [(("a", 0), None), (("a", 5), S("v"))],
            {"a": L(S("x1"), S("x2"), S("v"))},
            id="REMOVE a[0] SET a[5]",
        ),
        pytest.param(
            X3,
            [(("a", 2), None), (("a", 3), S("v"))],
            {"a": L(S("x0"), S("x1"), S("v"))},
            id="REMOVE a[2] SET a[3]",
        ),
        pytest.param(
            X3, [(("a", 1), None), (("a", 2), S("v"))], {"a": L(S("x0"), S("v"))}, id="REMOVE a[1] SET a[2]"
        ),
        pytest.param(
            X3,
            [(("a", 3), None), (("a", 4), S("v"))],
            {"a": L(S("x0"), S("x1"), S("x2"), S("v"))},
            id="REMOVE a[3] SET a[4] keeps the appended element",
        ),
        pytest.param(
            X3,
            [(("a", 4), None), (("a", 3), S("v"))],
            {"a": L(S("x0"), S("x1"), S("x2"), S("v"))},
            id="REMOVE a[4] SET a[3]",
        ),
        pytest.param(
            X3,
            [(("a", 3), None), (("a", 4), None), (("a", 5), S("v")), (("a", 6), S("w"))],
            {"a": L(S("x0"), S("x1"), S("x2"), S("v"), S("w"))},
            id="REMOVE a[3], a[4] SET a[5] = :v, a[6] = :w",
        ),
        pytest.param(
            X3,
            [(("a", 0), None), (("a", 2), None), (("a", 4), S("v")), (("a", 1), S("w"))],
            {"a": L(S("w"), S("v"))},
            id="REMOVE a[0], a[2] SET a[4] = :v, a[1] = :w",
        ),
        pytest.param(
            NESTED,
            [(("a", 0, 1), S("v")), (("a", 0, 0), None), (("a", 2), None)],
            {"a": L(L(S("v"), S("z")), S("w"))},
            id="SET a[0][1] = :v REMOVE a[0][0], a[2]",
        ),
        pytest.param(
            {"a": M(b=L(S("x"), S("y")), d=N("1"))},
            [(("a", "b", 3), S("v")), (("a", "c"), N("1")), (("a", "b", 0), None), (("a", "d"), None)],
            {"a": M(b=L(S("y"), S("v")), c=N("1"))},
            id="SET a.b[3] = :v, a.c = :n REMOVE a.b[0], a.d",
        ),
        pytest.param(
            {"a": L(N("5"), N("7"))},
            [(("a", 0), N("6")), (("a", 1), None)],
            {"a": L(N("6"))},
            id="ADD a[0] :n REMOVE a[1] (ADD computed as 5 + 1)",
        ),
        pytest.param(
            {"a": L({"SS": ["q"]}, N("7"))},
            [(("a", 0), None), (("a", 1), None)],
            {"a": L()},
            id="DELETE a[0] :ss REMOVE a[1] (the emptied set leaves the list)",
        ),
        pytest.param(
            {"a": L(M(b={"SS": ["q"]}))},
            [(("a", 0, "b"), None)],
            {"a": L(M())},
            id="DELETE a[0].b :ss, emptied",
        ),
    ],
)
def test_apply_changes(item: Item, changes: list[Change], expected: Item) -> None:
    before = copy.deepcopy(item)
    assert apply_changes(item, changes) == expected
    assert item == before


def test_apply_changes_shares_what_it_does_not_reach() -> None:
    untouched = M(x=L(N("1")))
    item: Item = {"a": M(b=N("1"), c=untouched), "z": untouched}
    updated = apply_changes(item, [(("a", "b"), N("2"))])
    assert updated == {"a": M(b=N("2"), c=untouched), "z": untouched}
    assert updated["z"] is untouched
    assert updated["a"]["M"]["c"] is untouched


def test_apply_changes_refuses_overlapping_paths() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_changes({"a": M()}, [(("a",), N("1")), (("a", "b"), N("1"))])


# --- ADD and DELETE --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "operand", "expected"),
    [
        pytest.param(None, N("1"), N("1"), id="ADD a :n, a missing"),
        pytest.param(N("2.5"), N("1"), N("3.5"), id="ADD a :n"),
        pytest.param(None, {"SS": ["q", "a"]}, {"SS": ["q", "a"]}, id="ADD a :ss, a missing"),
        pytest.param(
            {"SS": ["z", "b", "a"]}, {"SS": ["q", "a"]}, {"SS": ["z", "b", "a", "q"]}, id="SS union"
        ),
        pytest.param({"NS": ["2", "1"]}, {"NS": ["1", "3"]}, {"NS": ["2", "1", "3"]}, id="NS union"),
        pytest.param({"NS": ["1"]}, {"NS": ["1.0"]}, {"NS": ["1"]}, id="NS union, numerically"),
        pytest.param(
            bs(b"\x02", b"\x01"), bs(b"\x01", b"\x03"), bs(b"\x02", b"\x01", b"\x03"), id="BS union"
        ),
    ],
)
def test_add(existing: AttributeValue | None, operand: AttributeValue, expected: AttributeValue) -> None:
    assert add(existing, operand) == expected


@pytest.mark.parametrize(
    ("existing", "operand"),
    [
        pytest.param(S("2"), N("1"), id="ADD :n to a string"),
        pytest.param({"NS": ["2"]}, N("1"), id="ADD :n to a number set"),
        pytest.param({"NS": ["1"]}, {"SS": ["q"]}, id="ADD :ss to a number set"),
        pytest.param(S("x"), {"SS": ["q"]}, id="ADD :ss to a string"),
        pytest.param(L(), {"SS": ["q"]}, id="ADD :ss to a list"),
        pytest.param(N("1"), {"NS": ["1"]}, id="ADD :ns to a number"),
        pytest.param(None, S("x"), id="ADD :s (the parser reports this one first)"),
    ],
)
def test_add_type_mismatch(existing: AttributeValue | None, operand: AttributeValue) -> None:
    with pytest.raises(ValidationException) as caught:
        add(existing, operand)
    assert caught.value.message == INCORRECT_TYPE


@pytest.mark.parametrize(
    ("existing", "operand", "expected"),
    [
        pytest.param({"SS": ["q", "b", "a"]}, {"SS": ["q", "a"]}, {"SS": ["b"]}, id="DELETE a :ss"),
        pytest.param({"SS": ["q", "a"]}, {"SS": ["q", "a"]}, None, id="emptied: removed"),
        pytest.param({"SS": ["zz"]}, {"SS": ["q", "a"]}, {"SS": ["zz"]}, id="nothing in common"),
        pytest.param({"NS": ["1", "2", "3"]}, {"NS": ["1.0", "3"]}, {"NS": ["2"]}, id="NS, numerically"),
        pytest.param(bs(b"\x01"), bs(b"\x01"), None, id="BS emptied"),
        pytest.param(bs(b"\x01", b"\x02"), bs(b"\x01"), bs(b"\x02"), id="BS"),
        pytest.param(None, {"SS": ["q"]}, None, id="DELETE b :ss, b missing"),
    ],
)
def test_delete(
    existing: AttributeValue | None, operand: AttributeValue, expected: AttributeValue | None
) -> None:
    assert delete(existing, operand) == expected


@pytest.mark.parametrize(
    ("existing", "operand"),
    [
        pytest.param({"NS": ["1"]}, {"SS": ["q"]}, id="DELETE :ss from a number set"),
        pytest.param(S("q"), {"SS": ["q"]}, id="DELETE :ss from a string"),
        pytest.param({"SS": ["1"]}, N("1"), id="DELETE :n (the parser reports this one first)"),
    ],
)
def test_delete_type_mismatch(existing: AttributeValue | None, operand: AttributeValue) -> None:
    with pytest.raises(ValidationException) as caught:
        delete(existing, operand)
    assert caught.value.message == INCORRECT_TYPE


# --- SET arithmetic and list_append ----------------------------------------------------------------------


def test_plus_minus_and_list_append() -> None:
    assert plus(N("1"), N("2.5")) == N("3.5")
    assert minus(N("1"), N("2.5")) == N("-1.5")
    assert minus(N("1E50"), N("1E50")) == N("0")
    assert list_append(L(S("x")), L(N("9"))) == L(S("x"), N("9"))
    assert list_append(L(N("9")), L(S("x"))) == L(N("9"), S("x"))
    assert list_append(L(), L()) == L()


@pytest.mark.parametrize(
    ("operation", "left", "right"),
    [
        (plus, S("1"), N("1")),  # SET a = b + :n, b a string
        (plus, N("1"), S("1")),
        (minus, {"SS": ["1"]}, N("1")),
        (plus, L(), N("1")),
        (list_append, S("x"), L(N("9"))),
        (list_append, L(N("9")), {"SS": ["x"]}),
        (list_append, M(), L()),
    ],
)
def test_arithmetic_type_mismatch(operation: Any, left: AttributeValue, right: AttributeValue) -> None:
    with pytest.raises(ValidationException) as caught:
        operation(left, right)
    assert caught.value.message == INCORRECT_TYPE


@pytest.mark.parametrize(
    ("operation", "left", "right", "message"),
    [
        # AWS (Alternator's tests against it) says overflow for a result needing more than 38 digits;
        # DynamoDB Local says "DynamoDB only supports precision up to 38 digits" instead.
        (plus, N("1" + "0" * 50), N("1"), OVERFLOW),
        (minus, N("-" + "9" * 38 + "0" * 88), N("9" * 38 + "0" * 88), OVERFLOW),
        # SET a = :t2 - :tiny with 1.5E-130 and 1E-130: both agree on underflow.
        (minus, N("0." + "0" * 129 + "15"), N("0." + "0" * 129 + "1"), UNDERFLOW),
    ],
)
def test_arithmetic_range(operation: Any, left: AttributeValue, right: AttributeValue, message: str) -> None:
    with pytest.raises(ValidationException) as caught:
        operation(left, right)
    assert caught.value.message == message


# --- properties: all-at-once list writes agree with a model of original positions ------------------------

list_changes = st.dictionaries(
    st.integers(0, 8), st.one_of(st.none(), st.integers(0, 99).map(lambda n: N(str(n)))), max_size=6
)


@settings(max_examples=300)
@given(st.integers(0, 6), list_changes)
def test_list_changes_follow_original_positions(
    length: int, changes: dict[int, AttributeValue | None]
) -> None:
    original = [S(f"x{index}") for index in range(length)]
    updated = apply_changes({"a": L(*original)}, [(("a", index), value) for index, value in changes.items()])
    removed = {index for index, value in changes.items() if value is None}
    expected = [
        changes.get(index) or element for index, element in enumerate(original) if index not in removed
    ]
    expected += [value for index, value in sorted(changes.items()) if index >= length and value is not None]
    assert updated == {"a": {"L": expected}}
