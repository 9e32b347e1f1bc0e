"""PutItem, GetItem and DeleteItem: values round-trip, every validation error, keys, the size limit,
ReturnValues, ProjectionExpression, ConsistentRead, consumed capacity, and persistence across a restart.

The messages are AWS's: dynalite's suite (recorded against live DynamoDB) and the captures behind
app/values (current AWS wording of duplicate-set and number errors). DynamoDB Local validates items with
its own words for most of them (key errors, malformed numbers, duplicates, a missing table), hence the
deviation marks; it agrees on the rest. Capacity follows the documented rounding (writes per 1 KB of the
larger of the old and new item, reads per 4 KB, halved when eventually consistent), which the reference
implements too.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from compat_tests.conftest import Target, create_table, unique_name
from compat_tests.helpers import error_of, n, s, validation
from compat_tests.servers import start_localddb

Item = dict[str, Any]

INVALID = "One or more parameter values were invalid: "
EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
    "datatypes"
)
NOT_NUMERIC = "The parameter cannot be converted to a numeric value: "
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
MISMATCH = "The provided key element does not match the schema"
OWN_VALUE_MESSAGES = "DynamoDB Local words malformed numbers and duplicate set members its own way"
OWN_KEY_MESSAGES = "DynamoDB Local words key errors its own way"


def fresh_key() -> Item:
    return {"pk": s(f"items-{uuid.uuid4().hex}")}


def read(ddb: Any, table: str, key: Item, **params: Any) -> Item | None:
    found: Item | None = ddb.get_item(TableName=table, Key=key, ConsistentRead=True, **params).get("Item")
    return found


# --- values round-trip --------------------------------------------------------------------------------------

EVERY_TYPE: Item = {
    "s": s("héllo 😀"),
    "n": n("-56.789"),
    "b": {"B": b"\x00\x01\xff"},
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "z": {"NULL": True},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["-56.789"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "l": {
        "L": [
            s("a"),
            n("1"),
            {"B": b"b"},
            {"BOOL": True},
            {"NULL": True},
            {"SS": ["a"]},
            {"L": []},
            {"M": {}},
        ]
    },
    "m": {"M": {"a": s("a"), "j": {"M": {"a": {"M": {}}, "b": {"L": []}}}, "ns": {"NS": ["1"]}}},
    "empty_s": s(""),
    "empty_b": {"B": b""},
    "nested_empty": {"M": {"e": s(""), "l": {"L": [s("")]}}},
    "name with spaces.and#symbols": s("v"),
}


def test_every_type_round_trips(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, **EVERY_TYPE})
    stored = read(ddb, hash_table, key)
    assert stored is not None
    for name in ("ss", "bs"):  # sets come back in no particular order
        stored[name] = {next(iter(stored[name])): sorted(next(iter(stored[name].values())))}
    assert stored == {**key, **EVERY_TYPE}


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("1.50", "1.5"),
        ("0001.000", "1"),
        ("-0.000", "0"),
        ("+7", "7"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1E+2", "100"),
        ("1.5e-3", "0.0015"),
        ("-0015.789e6", "-15789000"),
        ("0000012345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0" * 88),
        ("-1E-130", "-0." + "0" * 129 + "1"),
    ],
)
def test_numbers_are_stored_in_canonical_form(ddb: Any, hash_table: str, sent: str, stored: str) -> None:
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, "n": n(sent), "ns": {"NS": [sent]}})
    assert read(ddb, hash_table, key) == {**key, "n": n(stored), "ns": {"NS": [stored]}}


def test_deep_nesting(ddb: Any, hash_table: str) -> None:
    value: dict[str, Any] = s("leaf")
    for depth in range(31):  # the attribute is level 1; a scalar may sit at level 32
        value = {"M": {"k": value}} if depth % 2 else {"L": [value]}
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, "deep": value})
    assert read(ddb, hash_table, key) == {**key, "deep": value}


def test_binary_and_number_keys(ddb: Any, make_table: Any) -> None:
    table = make_table(hash_key=("h", "B"), range_key=("r", "N"))
    key = {"h": {"B": b"\x00\xff"}, "r": n("-1.50")}
    ddb.put_item(TableName=table, Item={**key, "v": s("x")})
    assert read(ddb, table, {"h": {"B": b"\x00\xff"}, "r": n("-1.5")}) == {
        "h": {"B": b"\x00\xff"},
        "r": n("-1.5"),
        "v": s("x"),
    }
    assert read(ddb, table, {"h": {"B": b"\x00\xff"}, "r": n("-15E-1")}) is not None


# --- invalid values -----------------------------------------------------------------------------------------

INVALID_VALUES = [
    ({"SS": []}, INVALID + "An string set  may not be empty"),
    ({"NS": []}, INVALID + "An number set  may not be empty"),
    ({"BS": []}, INVALID + "Binary sets should not be empty"),
    ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
    ({}, EMPTY),
    ({"M": {"x": {}}}, EMPTY),
    ({"L": [{}]}, EMPTY),
    ({"S": "a", "N": "1"}, SEVERAL),
    ({"L": [{"NULL": False}]}, INVALID + "Null attribute value types must have the value of true"),
    ({"N": "1e126"}, OVERFLOW),
    ({"N": "-1e126"}, OVERFLOW),
    ({"N": "1e-131"}, UNDERFLOW),
    ({"NS": ["1", "-1e-131"]}, UNDERFLOW),
]


@pytest.mark.parametrize(("value", "message"), INVALID_VALUES)
def test_invalid_values(ddb: Any, hash_table: str, value: Item, message: str) -> None:
    assert validation(ddb.put_item, TableName=hash_table, Item={**fresh_key(), "a": value}) == message


@pytest.mark.reference_deviation(OWN_VALUE_MESSAGES)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"N": "abc"}, NOT_NUMERIC + "abc"),
        ({"N": "NaN"}, NOT_NUMERIC + "NaN"),
        ({"N": " 1"}, NOT_NUMERIC + " 1"),
        ({"N": ""}, NOT_NUMERIC),
        ({"NS": ["1", "b"]}, NOT_NUMERIC + "b"),
        (
            {"N": "123456789012345678901234567890123456789"},
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            {"N": "-1.23456789012345678901234567890123456789"},
            "Attempting to store more than 38 significant digits in a Number",
        ),
        ({"SS": ["a", "a"]}, INVALID + 'Input collection ["a", "a"] contains duplicates.'),
        ({"NS": ["1", "1.0"]}, INVALID + "Input collection contains duplicates."),
        (
            {"BS": [b"\xff", b"\x00", b"\x00"]},
            INVALID + 'Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.',
        ),
    ],
)
def test_invalid_numbers_and_duplicates(ddb: Any, hash_table: str, value: Item, message: str) -> None:
    assert validation(ddb.put_item, TableName=hash_table, Item={**fresh_key(), "a": value}) == message


def test_item_that_is_too_deep(ddb: Any, hash_table: str) -> None:
    value: dict[str, Any] = s("leaf")
    for _ in range(32):
        value = {"M": {"k": value}}
    message = validation(ddb.put_item, TableName=hash_table, Item={**fresh_key(), "deep": value})
    assert message == (
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
        "supported limit"
    )


def test_empty_attribute_name(ddb: Any, hash_table: str) -> None:
    assert (
        validation(ddb.put_item, TableName=hash_table, Item={**fresh_key(), "": s("v")})
        == "Empty attribute name"
    )


def test_invalid_value_in_a_key(ddb: Any, hash_table: str) -> None:
    assert validation(ddb.get_item, TableName=hash_table, Key={"pk": {"SS": []}}) == (
        INVALID + "An string set  may not be empty"
    )
    assert validation(ddb.delete_item, TableName=hash_table, Key={"pk": {}}) == EMPTY


# --- keys ---------------------------------------------------------------------------------------------------


def empty_key(kind: str, name: str) -> str:
    return (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
        f"an empty {kind} value. Key: {name}"
    )


def test_empty_string_key(ddb: Any, hash_table: str) -> None:
    for call, params in ((ddb.put_item, {"Item": {"pk": s("")}}), (ddb.get_item, {"Key": {"pk": s("")}}),
                         (ddb.delete_item, {"Key": {"pk": s("")}})):  # fmt: skip
        assert validation(call, TableName=hash_table, **params) == empty_key("string", "pk")


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"a": s("x")}, INVALID + "Missing the key pk in the item"),
        ({"pk": n("1")}, INVALID + "Type mismatch for key pk expected: S actual: N"),
        ({"pk": {"SS": ["a"]}}, INVALID + "Type mismatch for key pk expected: S actual: SS"),
        ({"pk": s("x" * 2049)}, INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"),
    ],
)
def test_put_item_key_errors(ddb: Any, hash_table: str, item: Item, message: str) -> None:
    assert validation(ddb.put_item, TableName=hash_table, Item=item) == message


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pk": s("x")}, INVALID + "Missing the key sk in the item"),
        ({"pk": s("x"), "sk": s("1")}, INVALID + "Type mismatch for key sk expected: N actual: S"),
    ],
)
def test_put_item_range_key_errors(ddb: Any, hash_range_table: str, item: Item, message: str) -> None:
    assert validation(ddb.put_item, TableName=hash_range_table, Item=item) == message


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
@pytest.mark.parametrize(
    "key",
    [
        {},
        {"b": s("a")},
        {"pk": s("a"), "b": s("a")},
        {"pk": n("1")},
        {"pk": {"B": b"a"}},
        {"pk": {"NULL": True}},
        {"pk": {"SS": ["a"]}},
        {"pk": {"M": {}}},
        {"pk": {"L": []}},
    ],
)
def test_key_does_not_match_the_schema(ddb: Any, hash_table: str, key: Item) -> None:
    assert validation(ddb.get_item, TableName=hash_table, Key=key) == MISMATCH
    assert validation(ddb.delete_item, TableName=hash_table, Key=key) == MISMATCH


@pytest.mark.reference_deviation(OWN_KEY_MESSAGES)
def test_key_without_its_range_part(ddb: Any, hash_range_table: str) -> None:
    assert validation(ddb.get_item, TableName=hash_range_table, Key={"pk": s("a")}) == MISMATCH
    extra = {"pk": s("a"), "sk": n("1"), "c": s("x")}
    assert validation(ddb.delete_item, TableName=hash_range_table, Key=extra) == MISMATCH


def test_key_size_limits(ddb: Any, hash_range_table: str) -> None:
    key = {"pk": s("é" * 1024), "sk": n("1")}  # 2048 UTF-8 bytes is the largest partition key
    ddb.put_item(TableName=hash_range_table, Item=key)
    assert read(ddb, hash_range_table, key) == key


@pytest.mark.reference_deviation("DynamoDB Local says 'Cannot do operations on a non-existent table'")
def test_table_not_found(ddb: Any) -> None:
    name = unique_name("missing")
    for call, params in ((ddb.put_item, {"Item": fresh_key()}), (ddb.get_item, {"Key": fresh_key()}),
                         (ddb.delete_item, {"Key": fresh_key()})):  # fmt: skip
        assert error_of(call, TableName=name, **params) == (
            "ResourceNotFoundException",
            "Requested resource not found",
        )


# --- the item size limit ------------------------------------------------------------------------------------


def test_item_size_boundary(ddb: Any, hash_table: str) -> None:
    key = {"pk": s("size-boundary-" + uuid.uuid4().hex[:8])}  # "pk" + 21 characters
    room = 409_600 - 2 - len(key["pk"]["S"]) - len("a")
    ddb.put_item(TableName=hash_table, Item={**key, "a": s("x" * room)})
    message = validation(ddb.put_item, TableName=hash_table, Item={**key, "a": s("x" * (room + 1))})
    assert message == "Item size has exceeded the maximum allowed size"
    # Numbers count by their stored form: 38 digits times 1E88 is 19 base-100 pairs and an exponent byte.
    big = "1" * 38 + "0" * 88
    ddb.put_item(TableName=hash_table, Item={**key, "a": s("x" * (room - 1 - 20)), "c": n(big)})
    message = validation(
        ddb.put_item, TableName=hash_table, Item={**key, "a": s("x" * (room - 20)), "c": n(big)}
    )
    assert message == "Item size has exceeded the maximum allowed size"


# --- ReturnValues -------------------------------------------------------------------------------------------


def test_put_and_delete_return_old_values(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    assert "Attributes" not in ddb.put_item(
        TableName=hash_table, Item={**key, "a": s("1")}, ReturnValues="ALL_OLD"
    )
    response = ddb.put_item(TableName=hash_table, Item={**key, "a": n("0002")}, ReturnValues="ALL_OLD")
    assert response["Attributes"] == {**key, "a": s("1")}
    assert "Attributes" not in ddb.put_item(
        TableName=hash_table, Item={**key, "a": s("3")}, ReturnValues="NONE"
    )
    assert "Attributes" not in ddb.delete_item(TableName=hash_table, Key=key, ReturnValues="NONE")
    ddb.put_item(TableName=hash_table, Item={**key, "a": n("0002")})
    response = ddb.delete_item(TableName=hash_table, Key=key, ReturnValues="ALL_OLD")
    assert response["Attributes"] == {**key, "a": n("2")}
    assert "Attributes" not in ddb.delete_item(TableName=hash_table, Key=key, ReturnValues="ALL_OLD")


@pytest.mark.reference_deviation("DynamoDB Local answers 'Return values set to invalid value'")
@pytest.mark.parametrize("mode", ["UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"])
def test_put_and_delete_refuse_new_return_values(ddb: Any, hash_table: str, mode: str) -> None:
    expected = "ReturnValues can only be ALL_OLD or NONE"
    assert validation(ddb.put_item, TableName=hash_table, Item=fresh_key(), ReturnValues=mode) == expected
    assert validation(ddb.delete_item, TableName=hash_table, Key=fresh_key(), ReturnValues=mode) == expected


# --- reads --------------------------------------------------------------------------------------------------

PROJECTED: Item = {
    "a": s("x"),
    "m": {"M": {"b": n("1"), "c": {"L": [s("p"), s("q"), {"M": {"d": s("r"), "e": s("s")}}]}}},
    "l": {"L": [n("0"), n("1"), n("2"), n("3")]},
    "year": n("1999"),
    "dot.ted": s("d"),
}


@pytest.mark.parametrize(
    ("expression", "names", "expected"),
    [
        ("a", None, {"a": s("x")}),
        ("a, pk", None, "a+key"),
        ("m.b", None, {"m": {"M": {"b": n("1")}}}),
        ("m.c[2].e, m.c[0]", None, {"m": {"M": {"c": {"L": [s("p"), {"M": {"e": s("s")}}]}}}}),
        ("l[3], l[1]", None, {"l": {"L": [n("1"), n("3")]}}),
        ("#y, #d", {"#y": "year", "#d": "dot.ted"}, {"year": n("1999"), "dot.ted": s("d")}),
        ("#m.#b", {"#m": "m", "#b": "b"}, {"m": {"M": {"b": n("1")}}}),
        ("m, a", None, {"a": s("x"), "m": PROJECTED["m"]}),
        ("absent", None, {}),
        ("a.b", None, {}),
        ("l[9]", None, {}),
        ("m.c[1].z", None, {}),
    ],
)
def test_projection_expression(
    ddb: Any, hash_table: str, expression: str, names: dict[str, str] | None, expected: Item | str
) -> None:
    key = fresh_key()
    ddb.put_item(TableName=hash_table, Item={**key, **PROJECTED})
    params: dict[str, Any] = {"ProjectionExpression": expression}
    if names:
        params["ExpressionAttributeNames"] = names
    wanted = {"a": s("x"), **key} if expected == "a+key" else expected
    assert ddb.get_item(TableName=hash_table, Key=key, **params)["Item"] == wanted


def test_projection_of_a_missing_item(ddb: Any, hash_table: str) -> None:
    response = ddb.get_item(TableName=hash_table, Key=fresh_key(), ProjectionExpression="a")
    assert "Item" not in response


def test_consistent_and_eventual_reads(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)
    ddb.put_item(TableName=hash_table, Item={**key, "a": s("x")})
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)["Item"] == {**key, "a": s("x")}
    assert ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=False).get("Item") in (
        None,
        {**key, "a": s("x")},
    )
    ddb.delete_item(TableName=hash_table, Key=key)
    assert "Item" not in ddb.get_item(TableName=hash_table, Key=key, ConsistentRead=True)


# --- consumed capacity --------------------------------------------------------------------------------------


def sized_item(key: Item, size: int) -> Item:
    """An item of exactly `size` bytes: the key's name and value, "a", and a string of the rest."""
    used = 2 + len(key["pk"]["S"].encode()) + 1
    return {**key, "a": s("x" * (size - used))}


@pytest.mark.parametrize(
    ("size", "write", "strong", "eventual"),
    [(1024, 1.0, 1.0, 0.5), (1025, 2.0, 1.0, 0.5), (4096, 4.0, 1.0, 0.5), (4097, 5.0, 2.0, 1.0),
     (8193, 9.0, 3.0, 1.5)],
)  # fmt: skip
def test_consumed_capacity_by_size(
    ddb: Any, hash_table: str, size: int, write: float, strong: float, eventual: float
) -> None:
    key = fresh_key()
    response = ddb.put_item(TableName=hash_table, Item=sized_item(key, size), ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": write}
    response = ddb.get_item(
        TableName=hash_table, Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert response["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": strong}
    response = ddb.get_item(TableName=hash_table, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {
        "TableName": hash_table,
        "CapacityUnits": eventual,
        "Table": {"CapacityUnits": eventual},
    }
    response = ddb.delete_item(TableName=hash_table, Key=key, ReturnConsumedCapacity="INDEXES")
    assert response["ConsumedCapacity"] == {
        "TableName": hash_table,
        "CapacityUnits": write,
        "Table": {"CapacityUnits": write},
    }


def test_consumed_capacity_of_missing_items_and_replacements(ddb: Any, hash_table: str) -> None:
    key = fresh_key()
    response = ddb.get_item(TableName=hash_table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 0.5}
    response = ddb.delete_item(TableName=hash_table, Key=key, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 1.0}
    ddb.put_item(TableName=hash_table, Item=sized_item(key, 3000))
    # Replacing a large item with a small one pays for the larger, old one.
    response = ddb.put_item(TableName=hash_table, Item=key, ReturnConsumedCapacity="TOTAL")
    assert response["ConsumedCapacity"] == {"TableName": hash_table, "CapacityUnits": 3.0}
    assert "ConsumedCapacity" not in ddb.put_item(
        TableName=hash_table, Item=key, ReturnConsumedCapacity="NONE"
    )


# --- persistence --------------------------------------------------------------------------------------------


@pytest.mark.localddb_only("restarts localddb on the same data directory")
def test_items_survive_a_restart(target: Target, tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    items = [{"pk": s(f"restart-{i}"), **EVERY_TYPE, "i": n(str(i))} for i in range(20)]
    server = start_localddb("--data-dir", data_dir)
    try:
        client = Target(
            "localddb", server.endpoint_url, "us-east-1", target.access_key, target.secret_key
        ).client()
        name = create_table(client, unique_name("restart"))
        for item in items:
            client.put_item(TableName=name, Item=item)
        client.delete_item(TableName=name, Key={"pk": s("restart-0")})
    finally:
        server.stop()
    server = start_localddb("--data-dir", data_dir)
    try:
        client = Target(
            "localddb", server.endpoint_url, "us-east-1", target.access_key, target.secret_key
        ).client()
        assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
        assert "Item" not in client.get_item(TableName=name, Key={"pk": s("restart-0")}, ConsistentRead=True)
        for item in items[1:]:
            stored = client.get_item(TableName=name, Key={"pk": item["pk"]}, ConsistentRead=True)["Item"]
            for set_name in ("ss", "bs"):
                stored[set_name] = {
                    next(iter(stored[set_name])): sorted(next(iter(stored[set_name].values())))
                }
            assert stored == item
    finally:
        server.stop()


@pytest.mark.localddb_only("restarts localddb in memory")
def test_in_memory_keeps_nothing_across_a_restart(target: Target) -> None:
    def restarted_tables() -> list[str]:
        server = start_localddb()  # in memory unless --data-dir is given
        try:
            client = Target(
                "localddb", server.endpoint_url, "us-east-1", target.access_key, target.secret_key
            ).client()
            tables: list[str] = client.list_tables()["TableNames"]
            name = create_table(client, unique_name("memory"))
            client.put_item(TableName=name, Item={"pk": s("kept?")})
            return tables
        finally:
            server.stop()

    restarted_tables()
    assert restarted_tables() == []
