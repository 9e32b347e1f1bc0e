"""Unit tests of app.values.compare: equality, ordering, the value functions and `render`.

The expected answers are what DynamoDB Local 3.x answered to ConditionExpression probes (DeleteItem with
a condition on a stored item) unless a comment says otherwise.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.values.compare import begins_with, between, contains, equals, order, render, size, type_name
from app.values.numbers import canonical_number

AttributeValue = dict[str, Any]


def b(raw: bytes) -> AttributeValue:
    return {"B": base64.b64encode(raw).decode()}


def bs(*raws: bytes) -> AttributeValue:
    return {"BS": [base64.b64encode(raw).decode() for raw in raws]}


def S(text: str) -> AttributeValue:
    return {"S": text}


def N(text: str) -> AttributeValue:
    return {"N": text}


# --- equality --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (S("a"), S("a"), True),
        (S("a"), S("b"), False),
        (N("1"), N("1"), True),
        (N("1"), N("1.0"), True),  # numerically, even when not canonical
        (N("1"), S("1"), False),  # different types are unequal, not an error
        (b(b"\x01"), b(b"\x01"), True),
        ({"B": "YR=="}, {"B": "YQ=="}, True),  # the same byte in two base64 spellings
        ({"BOOL": False}, {"BOOL": False}, True),
        ({"BOOL": False}, {"BOOL": True}, False),
        ({"NULL": True}, {"NULL": True}, True),
        ({"SS": ["x", "y"]}, {"SS": ["y", "x"]}, True),
        ({"SS": ["x", "y"]}, {"SS": ["x"]}, False),
        ({"NS": ["1.0", "2"]}, {"NS": ["2", "1"]}, True),
        (bs(b"1", b"2"), bs(b"2", b"1"), True),
        ({"SS": ["1"]}, {"NS": ["1"]}, False),
        ({"L": [S("x"), S("y")]}, {"L": [S("y"), S("x")]}, False),  # lists are ordered
        (
            {"L": [N("1.0"), {"M": {"q": {"SS": ["a", "b"]}}}]},
            {"L": [N("1"), {"M": {"q": {"SS": ["b", "a"]}}}]},
            True,
        ),
        ({"L": [S("x")]}, {"L": [S("x"), S("x")]}, False),
        ({"M": {"x": N("1"), "y": {"NULL": True}}}, {"M": {"y": {"NULL": True}, "x": N("1")}}, True),
        ({"M": {"x": N("1")}}, {"M": {"y": {"NULL": True}, "x": N("1")}}, False),
        ({"M": {"x": N("1")}}, {"M": {"y": N("1")}}, False),
        ({"L": []}, {"L": []}, True),
        ({"M": {}}, {"L": []}, False),
    ],
)
def test_equals(left: AttributeValue, right: AttributeValue, expected: bool) -> None:
    assert equals(left, right) is expected
    assert equals(right, left) is expected


# --- ordering --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (S("a"), S("ab"), -1),  # a prefix sorts first
        (S("b"), S("ab"), 1),
        (S("x"), S("x"), 0),
        (S("\ufffd"), S("\U0001f600"), -1),  # UTF-8 byte order, not UTF-16 (the reference agrees)
        (S("Z"), S("a"), -1),
        (N("-2.5"), N("-1"), -1),
        (N("10"), N("9"), 1),
        (N("1E2"), N("100"), 0),
        (b(b"\x01"), b(b"\x80"), -1),  # unsigned bytes
        (b(b"\x01"), b(b"\x01\x00"), -1),
        (b(b"\xff"), b(b"\x01"), 1),
        (N("0"), S("1"), None),  # different types are not comparable
        (S("1"), b(b"1"), None),
        ({"SS": ["x"]}, {"SS": ["y"]}, None),
        ({"L": []}, {"L": [N("1")]}, None),
        ({"BOOL": False}, {"BOOL": True}, None),
        ({"NULL": True}, {"NULL": True}, None),
        ({"M": {}}, {"M": {}}, None),
    ],
)
def test_order(left: AttributeValue, right: AttributeValue, expected: int | None) -> None:
    assert order(left, right) == expected
    assert order(right, left) == (None if expected is None else -expected)


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [
        (N("3"), N("1"), N("5"), True),
        (N("1"), N("1"), N("5"), True),
        (N("5"), N("1"), N("5"), True),
        (N("6"), N("1"), N("5"), False),
        (N("0"), N("1"), N("5"), False),
        (S("b"), S("a"), S("c"), True),
        (S("3"), N("1"), N("5"), False),  # a value of another type is simply not between
        ({"NS": ["3"]}, N("1"), N("5"), False),
        (N("3"), N("5"), N("1"), False),  # reversed bounds (the parser reports them for literals)
    ],
)
def test_between(value: AttributeValue, low: AttributeValue, high: AttributeValue, expected: bool) -> None:
    assert between(value, low, high) is expected


# --- functions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "prefix", "expected"),
    [
        (S("abc"), S("ab"), True),
        (S("abc"), S("abc"), True),
        (S("abc"), S(""), True),
        (S("abc"), S("abcd"), False),
        (S("\U0001f600x"), S("\U0001f600"), True),
        (b(b"\x01\x02"), b(b"\x01"), True),
        (b(b"\x01\x02"), b(b"\x02"), False),
        (S("abc"), b(b"a"), False),
        (b(b"abc"), S("a"), False),
        ({"SS": ["abc"]}, S("a"), False),
        ({"L": [S("abc")]}, S("a"), False),
        (N("12"), S("1"), False),
        (N("12"), N("1"), False),
    ],
)
def test_begins_with(value: AttributeValue, prefix: AttributeValue, expected: bool) -> None:
    assert begins_with(value, prefix) is expected


@pytest.mark.parametrize(
    ("value", "operand", "expected"),
    [
        (S("abcd"), S("bc"), True),
        (S("abcd"), S("bcx"), False),
        (b(b"\x01\x02\x03"), b(b"\x02\x03"), True),
        (b(b"\x01\x02\x03"), b(b"\x01\x03"), False),  # a contiguous run, not a subsequence
        (S("abc"), b(b"b"), False),
        (b(b"abc"), S("b"), False),
        ({"SS": ["x", "y"]}, S("x"), True),
        ({"SS": ["xy"]}, S("x"), False),  # membership, not substring
        ({"NS": ["1", "2"]}, N("1.0"), True),
        ({"NS": ["1", "2"]}, S("1"), False),
        (bs(b"1"), b(b"1"), True),
        (bs(b"1"), S("MQ=="), False),
        ({"L": [S("x")]}, S("x"), True),
        ({"L": [S("xy")]}, S("x"), False),
        ({"L": [N("1")]}, N("1"), True),
        ({"L": [{"M": {"q": N("1")}}]}, {"M": {"q": N("1")}}, True),
        ({"L": [{"L": [N("1")]}]}, {"L": [N("1")]}, True),
        ({"L": [{"SS": ["1", "2"]}]}, {"SS": ["2", "1"]}, True),
        ({"L": [{"BOOL": True}]}, {"BOOL": True}, True),
        ({"L": [{"NULL": True}]}, {"NULL": True}, True),
        ({"L": []}, {"L": []}, False),
        ({"M": {"x": S("x")}}, S("x"), False),  # not map keys, not map values
        ({"SS": ["x", "y"]}, {"SS": ["x"]}, False),  # not a subset test
        (N("1"), N("1"), False),
    ],
)
def test_contains(value: AttributeValue, operand: AttributeValue, expected: bool) -> None:
    assert contains(value, operand) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (S("abc"), 3),
        (S(""), 0),
        (S("é"), 1),
        (S("中"), 1),
        (S("\U0001f600"), 2),  # UTF-16 code units, as the reference counts
        (b(b"\x00\x01\x02"), 3),
        (b(b""), 0),
        ({"SS": ["a", "b"]}, 2),
        ({"NS": ["1", "2", "3"]}, 3),
        (bs(b"1"), 1),
        ({"L": [N("1"), {"L": []}]}, 2),
        ({"L": []}, 0),
        ({"M": {"a": N("1")}}, 1),
        ({"M": {}}, 0),
        (N("12345"), None),
        ({"BOOL": True}, None),
        ({"NULL": True}, None),
    ],
)
def test_size(value: AttributeValue, expected: int | None) -> None:
    assert size(value) == expected


def test_type_name() -> None:
    assert [type_name(v) for v in (S("x"), N("1"), b(b""), {"NULL": True}, {"M": {}})] == [
        "S",
        "N",
        "B",
        "NULL",
        "M",
    ]


# --- render ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Seen in the reference's BETWEEN messages:
        (N("5"), "AttributeValue: {N:5}"),
        (N("-2E3"), "AttributeValue: {N:-2E3}"),
        (S("b c,d"), "AttributeValue: {S:b c,d}"),
        (S(""), "AttributeValue: {S:}"),
        (b(b"\x02"), "AttributeValue: {B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]}"),
        # The same Java toString for the other types (read from the reference's class):
        ({"SS": ["b", "a"]}, "AttributeValue: {SS:[b, a]}"),
        ({"NS": ["1", "2.5"]}, "AttributeValue: {NS:[1, 2.5]}"),
        (bs(b"ab"), "AttributeValue: {BS:[java.nio.HeapByteBuffer[pos=0 lim=2 cap=2]]}"),
        ({"L": [S("x"), N("1")]}, "AttributeValue: {L:[AttributeValue: {S:x}, AttributeValue: {N:1}]}"),
        ({"L": []}, "AttributeValue: {L:[]}"),
        (
            {"M": {"x": S("y"), "n": {"NULL": True}}},
            "AttributeValue: {M:{x=AttributeValue: {S:y}, n=AttributeValue: {NULL:true}}}",
        ),
        ({"BOOL": False}, "AttributeValue: {BOOL:false}"),
        ({"BOOL": True}, "AttributeValue: {BOOL:true}"),
    ],
)
def test_render(value: AttributeValue, expected: str) -> None:
    assert render(value) == expected


# --- properties ------------------------------------------------------------------------------------------

numbers = st.builds(
    lambda units, exponent: N(canonical_number(f"{units}E{exponent}")),
    st.integers(-999, 999),
    st.integers(-3, 3),
)
scalars = st.one_of(st.text(max_size=6).map(S), numbers, st.binary(max_size=4).map(b))


@settings(max_examples=300)
@given(scalars, scalars, scalars)
def test_order_is_a_total_order_within_a_type(
    x: AttributeValue, y: AttributeValue, z: AttributeValue
) -> None:
    xy = order(x, y)
    if xy is None:
        assert type_name(x) != type_name(y)
        return
    assert (xy == 0) is equals(x, y)
    assert order(y, x) == -xy
    yz = order(y, z)
    if yz is not None and xy <= 0 and yz <= 0:
        xz = order(x, z)
        assert xz is not None and xz <= 0
