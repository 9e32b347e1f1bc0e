"""ConditionExpression on PutItem, DeleteItem and UpdateItem: what each operator and function evaluates to.

One item holding every attribute type is stored once per target; each case re-puts that same item with a
condition, so the write succeeds exactly when the condition holds and fails with
ConditionalCheckFailedException otherwise. The semantics asserted are DynamoDB's documented ones
("Comparison operator and function reference" in the Developer Guide): comparing different types is
false rather than an error (so `<>` of different types is true), ordering comparisons take S, N and B
(strings by UTF-8 bytes), BETWEEN and IN compare like `<=`/`=`, `size` gives the length of a string or
binary and the element count of a set, list or map. Cases the guide leaves open (`size` of a number
path, `contains` on a list of maps, a name with a dot behind a placeholder) follow the reference,
DynamoDB Local, whose expression engine is DynamoDB's; all cases pass there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.helpers import n, s

Values = dict[str, Any]

CONDITION_FAILED = ("ConditionalCheckFailedException", "The conditional request failed")

ITEM: dict[str, Any] = {
    "s": {"S": "hello world"},
    "u": {"S": "héllo😀"},
    "zebra": {"S": "Zebra"},
    "bmp": {"S": "\uffff"},
    "n": {"N": "42"},
    "neg": {"N": "-7.5"},
    "b": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "z": {"NULL": True},
    "ss": {"SS": ["apple", "banana"]},
    "ns": {"NS": ["1", "2", "3"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"L": [{"S": "deep"}]}, {"M": {"k": {"S": "v"}}}]},
    "m": {
        "M": {
            "sv": {"S": "v"},
            "num": {"N": "5"},
            "lst": {"L": [{"N": "10"}, {"N": "20"}]},
            "mp": {"M": {"x": {"S": "y"}}},
        }
    },
    "blank": {"S": ""},
    "el": {"L": []},
    "em": {"M": {}},
    "year": {"N": "2020"},
    "dotted.tail": {"S": "dot"},
}


@pytest.fixture(scope="module")
def stored(ddb: Any, hash_table: str) -> Iterator[dict[str, Any]]:
    """ITEM under a fresh key, written once per target."""
    item = {"pk": s(f"conditions-{uuid.uuid4().hex}"), **ITEM}
    ddb.put_item(TableName=hash_table, Item=item)
    yield item
    ddb.delete_item(TableName=hash_table, Key={"pk": item["pk"]})


def holds(
    ddb: Any,
    table: str,
    item: dict[str, Any],
    condition: str,
    values: Values | None,
    names: dict[str, str] | None,
) -> bool:
    """Whether `condition` holds on the stored item (re-putting the same item is otherwise a no-op)."""
    params: dict[str, Any] = {"TableName": table, "Item": item, "ConditionExpression": condition}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    try:
        ddb.put_item(**params)
    except ClientError as error:
        found = (error.response["Error"]["Code"], error.response["Error"]["Message"])
        assert found == CONDITION_FAILED
        return False
    return True


def case(condition: str, expected: bool, names: dict[str, str] | None = None, **values: Any) -> Any:
    """A table row; values are given as keyword arguments named without the leading colon."""
    placeholders = {f":{name}": value for name, value in values.items()}
    return pytest.param(condition, placeholders, names, expected, id=f"{condition}->{expected}")


COMPARISONS = [
    # numbers: exact decimal comparison
    case("n = :v", True, v=n("42")),
    case("n = :v", True, v=n("42.000")),
    case("n = :v", True, v=n("4.2E1")),
    case("n = :v", False, v=n("41")),
    case("n <> :v", True, v=n("41")),
    case("n <> :v", False, v=n("42")),
    case("n < :v", True, v=n("42.0000000000000000000000000000000001")),
    case("n < :v", False, v=n("42")),
    case("n <= :v", True, v=n("42")),
    case("n > :v", True, v=n("-100")),
    case("n >= :v", False, v=n("43")),
    case("neg < :v", True, v=n("-7.4")),
    case("neg > :v", True, v=n("-8")),
    # strings: by UTF-8 bytes, so upper case sorts before lower case
    case("s = :v", True, v=s("hello world")),
    case("s = :v", False, v=s("Hello world")),
    case("s < :v", True, v=s("hello worle")),
    case("s > :v", True, v=s("hello")),
    case("zebra < :v", True, v=s("apple")),
    case("s <= :v", True, v=s("hello world")),
    case("u > :v", True, v=s("hellz")),
    case("bmp < :v", True, v=s("😀")),  # U+FFFF is EF BF BF in UTF-8, below F0 9F 98 80
    case("blank = :v", False, v=s("x")),
    case("blank < :v", True, v=s("a")),
    # binaries: unsigned bytes
    case("b = :v", True, v={"B": b"\x01\x02\x03"}),
    case("b > :v", True, v={"B": b"\x01\x02"}),
    case("b < :v", True, v={"B": b"\xff"}),
    case("b >= :v", False, v={"B": b"\x02"}),
    # different types: false, and <> true
    case("n = :v", False, v=s("42")),
    case("n <> :v", True, v=s("42")),
    case("n < :v", False, v=s("43")),
    case("n > :v", False, v=s("41")),
    case("s >= :v", False, v=n("1")),
    case("b = :v", False, v=s("\x01\x02\x03")),
    case("ss = :v", False, v={"L": [s("apple"), s("banana")]}),
    case("ss <> :v", True, v={"NS": ["1"]}),
    case("t = :v", False, v=n("1")),
    # sets compare as sets, lists in order, maps by content
    case("ss = :v", True, v={"SS": ["banana", "apple"]}),
    case("ss = :v", False, v={"SS": ["apple"]}),
    case("ss <> :v", True, v={"SS": ["apple", "banana", "cherry"]}),
    case("ns = :v", True, v={"NS": ["3", "1", "2"]}),
    case("ns = :v", True, v={"NS": ["1.0", "2", "3E0"]}),
    case("bs = :v", True, v={"BS": [b"\x02", b"\x01"]}),
    case("l = :v", True, v=ITEM["l"]),
    case("l = :v", False, v={"L": list(reversed(ITEM["l"]["L"]))}),
    case("l <> :v", True, v={"L": []}),
    case("el = :v", True, v={"L": []}),
    case("m = :v", True, v=ITEM["m"]),
    case("m = :v", False, v={"M": {"sv": s("v")}}),
    case("em = :v", True, v={"M": {}}),
    case("em <> :v", True, v={"L": []}),
    # BOOL and NULL support = and <> only
    case("t = :v", True, v={"BOOL": True}),
    case("t <> :v", True, v={"BOOL": False}),
    case("f = :v", True, v={"BOOL": False}),
    case("z = :v", True, v={"NULL": True}),
    case("z <> :v", False, v={"NULL": True}),
    # a absent attribute equals nothing and differs from everything
    case("absent = :v", False, v=n("1")),
    case("absent <> :v", True, v=n("1")),
    case("absent < :v", False, v=n("1")),
    case("absent >= :v", False, v=n("1")),
    # paths on both sides, and the key itself
    case("n > m.num", True),
    case("m.sv = l[3].k", True),
    case("m.num < absent", False),
    case(":a = :b", True, a=n("1"), b=n("1.0")),
    case(":a < :b", True, a=s("a"), b=s("b")),
]


def test_key_attribute_in_condition(ddb: Any, hash_table: str, stored: dict[str, Any]) -> None:
    assert holds(ddb, hash_table, stored, "pk = :v", {":v": stored["pk"]}, None)
    assert holds(ddb, hash_table, stored, "attribute_exists(pk)", None, None)
    assert not holds(ddb, hash_table, stored, "attribute_not_exists(pk)", None, None)


RANGES = [
    case("n BETWEEN :lo AND :hi", True, lo=n("40"), hi=n("42")),
    case("n BETWEEN :lo AND :hi", True, lo=n("42"), hi=n("42")),
    case("n BETWEEN :lo AND :hi", False, lo=n("43"), hi=n("50")),
    case("neg between :lo and :hi", True, lo=n("-10"), hi=n("0")),
    case("s BETWEEN :lo AND :hi", True, lo=s("a"), hi=s("z")),
    case("s BETWEEN :lo AND :hi", False, lo=s("hello worlds"), hi=s("z")),
    case("b BETWEEN :lo AND :hi", True, lo={"B": b"\x01"}, hi={"B": b"\x02"}),
    case("n BETWEEN :lo AND :hi", False, lo=s("a"), hi=s("z")),
    case("absent BETWEEN :lo AND :hi", False, lo=n("1"), hi=n("2")),
    case("n BETWEEN m.num AND :hi", True, hi=n("100")),
    case("n BETWEEN :lo AND m.num", False, lo=n("1")),
    case("n IN (:a, :b)", True, a=n("1"), b=n("42.0")),
    case("n IN (:a)", False, a=s("42")),
    case("s IN (:a, :b, :c)", True, a=s("x"), b=s("y"), c=s("hello world")),
    case("ss IN (:a)", True, a={"SS": ["banana", "apple"]}),
    case("m IN (:a, :b)", True, a=n("1"), b=ITEM["m"]),
    case("absent IN (:a)", False, a=n("1")),
    case(":a IN (n, s)", True, a=s("hello world")),
    case("n IN (m.num, l[1])", False),
]


def test_in_with_one_hundred_operands(ddb: Any, hash_table: str, stored: dict[str, Any]) -> None:
    values = {f":v{i}": n(str(i)) for i in range(100)}
    assert holds(ddb, hash_table, stored, f"n IN ({', '.join(values)})", values, None)


LOGIC = [
    # NOT binds tighter than AND, which binds tighter than OR
    case("n = :t OR n = :x AND n = :y", True, t=n("42"), x=n("1"), y=n("2")),
    case("(n = :t OR n = :x) AND n = :y", False, t=n("42"), x=n("1"), y=n("2")),
    case("n = :x AND n = :y OR n = :t", True, t=n("42"), x=n("1"), y=n("2")),
    case("n = :x AND (n = :y OR n = :t)", False, t=n("42"), x=n("1"), y=n("2")),
    case("NOT n = :x AND n = :y", False, x=n("42"), y=n("1")),
    case("NOT (n = :x AND n = :y)", True, x=n("42"), y=n("1")),
    case("NOT n = :x OR n = :y", True, x=n("1"), y=n("2")),
    case("NOT NOT attribute_exists(n)", True),
    case("not attribute_exists(absent) and not attribute_exists(gone)", True),
    case("attribute_exists(n) AND attribute_exists(s) AND attribute_exists(absent)", False),
    case("attribute_exists(absent) OR attribute_exists(gone) OR attribute_exists(s)", True),
    case("(attribute_exists(absent) OR attribute_exists(s)) AND (n = :t)", True, t=n("42")),
    case("n = :t and s = :s", True, t=n("42"), s=s("hello world")),
    case("n = :t AnD s = :s", True, t=n("42"), s=s("hello world")),
]


TYPES = [("s", "S"), ("n", "N"), ("b", "B"), ("t", "BOOL"), ("z", "NULL"), ("ss", "SS"), ("ns", "NS"),
         ("bs", "BS"), ("l", "L"), ("m", "M")]  # fmt: skip
FUNCTIONS = [
    case("attribute_exists(s)", True),
    case("attribute_exists(z)", True),
    case("attribute_exists(blank)", True),
    case("attribute_exists(absent)", False),
    case("attribute_exists(m.sv)", True),
    case("attribute_exists(m.absent)", False),
    case("attribute_exists(l[3])", True),
    case("attribute_exists(l[4])", False),
    case("attribute_exists(s.x)", False),
    case("attribute_exists(s[0])", False),
    case("attribute_exists(m[0])", False),
    case("attribute_exists(l.x)", False),
    case("attribute_not_exists(absent)", True),
    case("attribute_not_exists(s)", False),
    case("attribute_not_exists(l[9].x)", True),
    *[case(f"attribute_type({path}, :t)", True, t=s(kind)) for path, kind in TYPES],
    case("attribute_type(s, :t)", False, t=s("N")),
    case("attribute_type(ss, :t)", False, t=s("L")),
    case("attribute_type(absent, :t)", False, t=s("S")),
    case("attribute_type(m.lst, :t)", True, t=s("L")),
    case("begins_with(s, :v)", True, v=s("hello")),
    case("begins_with(s, :v)", True, v=s("hello world")),
    case("begins_with(s, :v)", False, v=s("world")),
    case("begins_with(s, :v)", False, v=s("Hello")),
    case("begins_with(s, :v)", True, v=s("")),
    case("begins_with(b, :v)", True, v={"B": b"\x01\x02"}),
    case("begins_with(b, :v)", False, v={"B": b"\x02"}),
    case("begins_with(n, :v)", False, v=s("4")),
    case("begins_with(ss, :v)", False, v=s("apple")),
    case("begins_with(absent, :v)", False, v=s("a")),
    case("begins_with(m.sv, :v)", True, v=s("v")),
    case("begins_with(:v, :w)", True, v=s("abc"), w=s("ab")),
    case("contains(s, :v)", True, v=s("lo wo")),
    case("contains(s, :v)", False, v=s("xyz")),
    case("contains(ss, :v)", True, v=s("apple")),
    case("contains(ss, :v)", False, v=s("app")),
    case("contains(ns, :v)", True, v=n("2.0")),
    case("contains(ns, :v)", False, v=s("2")),
    case("contains(bs, :v)", True, v={"B": b"\x01"}),
    case("contains(bs, :v)", False, v={"B": b"\x03"}),
    case("contains(l, :v)", True, v=s("x")),
    case("contains(l, :v)", True, v=n("1")),
    case("contains(l, :v)", True, v={"L": [s("deep")]}),
    case("contains(l, :v)", True, v={"M": {"k": s("v")}}),
    case("contains(l, :v)", False, v=s("deep")),
    case("contains(m, :v)", False, v=s("sv")),
    case("contains(n, :v)", False, v=n("4")),
    case("contains(absent, :v)", False, v=s("a")),
    case("contains(m.lst, :v)", True, v=n("20")),
    case("contains(s, m.sv)", False),
    case("contains(l, l[0])", True),
]


SIZES = [
    case("size(s) = :v", True, v=n("11")),
    case("size(blank) = :v", True, v=n("0")),
    case("size(b) = :v", True, v=n("3")),
    case("size(ss) = :v", True, v=n("2")),
    case("size(ns) = :v", True, v=n("3")),
    case("size(bs) = :v", True, v=n("2")),
    case("size(l) = :v", True, v=n("4")),
    case("size(el) = :v", True, v=n("0")),
    case("size(m) = :v", True, v=n("4")),
    case("size(m.lst) = :v", True, v=n("2")),
    case("size(l[2]) = :v", True, v=n("1")),
    case("size(n) = :v", False, v=n("2")),
    case("size(n) <> :v", True, v=n("2")),
    case("size(t) >= :v", False, v=n("0")),
    case("size(z) >= :v", False, v=n("0")),
    case("size(absent) >= :v", False, v=n("0")),
    case("size(s) > size(ss)", True),
    case("size(s) BETWEEN :lo AND :hi", True, lo=n("10"), hi=n("12")),
    case("size(ss) IN (:a, :b)", True, a=n("1"), b=n("2")),
    case("size(:v) = :w", True, v=s("abc"), w=n("3")),
    case("size(:v) = :w", True, v={"L": [n("1")]}, w=n("1")),
    case("size(s) = :v", False, v=s("11")),
    case("n > size(l)", True),
]


PATHS = [
    case("m.sv = :v", True, v=s("v")),
    case("m.lst[1] = :v", True, v=n("20")),
    case("m.lst[2] = :v", False, v=n("20")),
    case("m.mp.x = :v", True, v=s("y")),
    case("l[0] = :v", True, v=s("x")),
    case("l[2][0] = :v", True, v=s("deep")),
    case("l[3].k = :v", True, v=s("v")),
    case("l [ 3 ] . k = :v", True, v=s("v")),
    case("l[1] = :v", True, v=n("1")),
    case("s.x = :v", False, v=s("x")),
    case("ss[0] = :v", False, v=s("apple")),
    case("#y = :v", True, {"#y": "year"}, v=n("2020")),
    case("#d = :v", True, {"#d": "dotted.tail"}, v=s("dot")),
    case("attribute_not_exists(dotted.tail)", True),
    case("#m.#i = :v", True, {"#m": "m", "#i": "sv"}, v=s("v")),
    case("#m.lst[0] = :v", True, {"#m": "m"}, v=n("10")),
    case("#l[3].#k = :v", True, {"#l": "l", "#k": "k"}, v=s("v")),
    case("#a = :v", True, {"#a": "n"}, v=n("42")),
    case("#a = #b", False, {"#a": "n", "#b": "s"}),
    case("#n1 = :v", False, {"#n1": "m.sv"}, v=s("v")),  # a top-level name with a dot: not m's key
    case("attribute_not_exists(#x)", True, {"#x": "m.sv"}),
    case("attribute_exists(#m.#x)", False, {"#m": "m", "#x": "mp.x"}),
]


# Every row of every table above: the condition holds on the stored item, or not, as on AWS.
CASES = [
    pytest.param(*row.values, marks=row.marks, id=f"{group}:{row.id}")
    for group, rows in {
        "comparison": COMPARISONS,
        "between-in": RANGES,
        "logic": LOGIC,
        "function": FUNCTIONS,
        "size": SIZES,
        "path": PATHS,
    }.items()
    for row in rows
]


@pytest.mark.parametrize(("condition", "values", "names", "expected"), CASES)
def test_condition_holds_as_on_aws(
    ddb: Any,
    hash_table: str,
    stored: dict[str, Any],
    condition: str,
    values: Values,
    names: dict[str, str] | None,
    expected: bool,
) -> None:
    assert holds(ddb, hash_table, stored, condition, values, names) is expected


def test_reserved_word_needs_a_placeholder(ddb: Any, hash_table: str, stored: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        ddb.put_item(
            TableName=hash_table,
            Item=stored,
            ConditionExpression="year = :v",
            ExpressionAttributeValues={":v": n("2020")},
        )
    assert raised.value.response["Error"]["Message"] == (
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: year"
    )
    assert holds(ddb, hash_table, stored, "#year = :v", {":v": n("2020")}, {"#year": "year"})


# --- the failure itself, on each operation ------------------------------------------------------------------


def failure(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response: dict[str, Any] = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (response["Error"]["Code"], response["Error"]["Message"]) == CONDITION_FAILED
    return response


def fresh_key() -> dict[str, Any]:
    return {"pk": s(f"conditions-write-{uuid.uuid4().hex}")}


def test_put_if_absent(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    ddb.put_item(
        TableName=hash_table, Item={**key, "v": n("1")}, ConditionExpression="attribute_not_exists(pk)"
    )
    response = failure(
        ddb.put_item,
        TableName=hash_table,
        Item={**key, "v": n("2")},
        ConditionExpression="attribute_not_exists(pk)",
    )
    assert "Item" not in response
    stored = ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"]
    assert stored == {**key, "v": n("1")}


def test_condition_on_a_missing_item(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    for call, params in (
        (ddb.put_item, {"Item": key}),
        (ddb.delete_item, {"Key": key}),
        (
            ddb.update_item,
            {"Key": key, "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": n("1")}},
        ),
    ):
        response = failure(
            call, TableName=hash_table, ConditionExpression="attribute_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD", **params,
        )  # fmt: skip
        assert "Item" not in response  # nothing to return: there is no old item
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)
    # attribute_not_exists on anything holds for a absent item
    ddb.delete_item(TableName=hash_table, Key=key, ConditionExpression="attribute_not_exists(whatever)")


@pytest.mark.parametrize("mode", ["ALL_OLD", "NONE", None])
def test_return_values_on_condition_check_failure(ddb: Any, hash_table: str, mode: str | None) -> None:
    key = fresh_key()
    old = {**key, "v": n("1"), "nested": {"M": {"l": {"L": [s("a")]}}}}
    ddb.put_item(TableName=hash_table, Item=old)
    extra = {} if mode is None else {"ReturnValuesOnConditionCheckFailure": mode}
    attempts: tuple[tuple[Any, dict[str, Any]], ...] = (
        (ddb.put_item, {"Item": {**key, "v": n("3")}}),
        (ddb.delete_item, {"Key": key}),
        (
            ddb.update_item,
            {"Key": key, "UpdateExpression": "SET w = :w", "ExpressionAttributeValues": {":w": n("9")}},
        ),
    )
    for call, params in attempts:
        values = {**params.pop("ExpressionAttributeValues", {}), ":two": n("2")}
        response = failure(
            call, TableName=hash_table, ConditionExpression="v = :two", ExpressionAttributeValues=values,
            **params, **extra,
        )  # fmt: skip
        if mode == "ALL_OLD":
            assert response["Item"] == old
        else:
            assert "Item" not in response
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == old


def test_successful_conditional_writes(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, "v": n("1")})
    ddb.put_item(
        TableName=hash_table,
        Item={**key, "v": n("2")},
        ConditionExpression="v = :one",
        ExpressionAttributeValues={":one": n("1")},
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    response = ddb.update_item(
        TableName=hash_table,
        Key=key,
        UpdateExpression="SET v = v + :one",
        ConditionExpression="v = :two",
        ExpressionAttributeValues={":one": n("1"), ":two": n("2")},
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {**key, "v": n("3")}
    response = ddb.delete_item(
        TableName=hash_table,
        Key=key,
        ConditionExpression="v BETWEEN :one AND :three",
        ExpressionAttributeValues={":one": n("1"), ":three": n("3")},
        ReturnValues="ALL_OLD",
    )
    assert response["Attributes"] == {**key, "v": n("3")}
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)


def test_update_condition_sees_the_old_item(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, "v": n("1")})
    failure(
        ddb.update_item,
        TableName=hash_table,
        Key=key,
        UpdateExpression="SET v = :two",
        ConditionExpression="v = :two",
        ExpressionAttributeValues={":two": n("2")},
    )
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == {**key, "v": n("1")}


def test_condition_with_range_key(ddb: Any, hash_range_table: str) -> None:
    key = {"pk": s(f"conditions-range-{uuid.uuid4().hex}"), "sk": n("1")}
    ddb.put_item(TableName=hash_range_table, Item={**key, "v": s("x")})
    other = {**key, "sk": n("2")}
    ddb.put_item(
        TableName=hash_range_table, Item=other, ConditionExpression="attribute_not_exists(pk)"
    )  # another sort key is another item
    failure(
        ddb.put_item,
        TableName=hash_range_table,
        Item=key,
        ConditionExpression="attribute_not_exists(sk)",
    )
    ddb.delete_item(
        TableName=hash_range_table,
        Key=key,
        ConditionExpression="sk = :one AND v = :x",
        ExpressionAttributeValues={":one": n("1"), ":x": s("x")},
    )
