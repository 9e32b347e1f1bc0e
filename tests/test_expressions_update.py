"""UpdateExpression end to end: compile against the maps (order of checks, overlaps, operand types),
apply to items (values from the old item, list positions, errors and their order), ReturnValues
UPDATED_OLD/UPDATED_NEW, key attributes.

Messages and results were recorded from the reference, DynamoDB Local 3.3, with UpdateItem on an item
`{"pk": {"S": "probe"}, …}` and ReturnValues ALL_NEW, except where a test says AWS differs.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import ExpressionMaps, Update, compile_update

PREFIX = "Invalid UpdateExpression: "
KEY = {"pk": {"S": "probe"}}
VALUES: dict[str, Any] = {
    ":n": {"N": "1"},
    ":m": {"N": "2"},
    ":s": {"S": "ab"},
    ":b": {"B": "YQ=="},
    ":ss": {"SS": ["ab", "x"]},
    ":ns": {"NS": ["1", "2"]},
    ":l": {"L": [{"S": "x"}]},
    ":map": {"M": {"k": {"N": "1"}}},
    ":bool": {"BOOL": True},
    ":null": {"NULL": True},
    ":big": {"N": "9E+125"},
}
NAMES = {"#a": "a", "#k": "pk"}


def compiled(text: str, values: dict[str, Any] | None = None) -> Update:
    tokens = set(re.findall(r"[#:][A-Za-z0-9_]+", text))
    params: dict[str, Any] = {"UpdateExpression": text}
    used_values = {key: value for key, value in (values or VALUES).items() if key in tokens}
    used_names = {key: name for key, name in NAMES.items() if key in tokens}
    if used_values:
        params["ExpressionAttributeValues"] = used_values
    if used_names:
        params["ExpressionAttributeNames"] = used_names
    fields = ("UpdateExpression", "ConditionExpression")
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    update = compile_update(text, maps)
    assert update is not None
    maps.check_all_used()
    return update


def error(text: str, values: dict[str, Any] | None = None) -> str:
    with pytest.raises(ValidationException) as raised:
        compiled(text, values)
    return raised.value.message


def applied(text: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    old = None if item is None else {**KEY, **item}
    return compiled(text).apply(old, KEY)


def apply_error(text: str, item: dict[str, Any] | None) -> str:
    with pytest.raises(ValidationException) as raised:
        applied(text, item)
    return raised.value.message


def test_absent_expression() -> None:
    maps = ExpressionMaps.for_request({}, expression_fields=("UpdateExpression",))
    assert compile_update(None, maps) is None


TYPE = "Incorrect operand type for operator or function; operator or function: "
OVERLAP = "Two document paths overlap with each other; must remove or rewrite one of these paths; "
CONFLICT = "Two document paths conflict with each other; must remove or rewrite one of these paths; "


def add_type(action: str, word: str) -> str:
    type_set = "ALLOWED_FOR_ADD_OPERAND" if action == "ADD" else "ALLOWED_FOR_DELETE_OPERAND"
    return (
        "Incorrect operand type for operator or function; "
        f"operator: {action}, operand type: {word}, typeSet: {type_set}"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SET a = :s + :n", TYPE + "+, operand type: S"),
        ("SET a = :n + :s", TYPE + "+, operand type: S"),
        ("SET a = :bool - :n", TYPE + "-, operand type: BOOL"),
        ("SET a = list_append(:s, :l)", TYPE + "list_append, operand type: S"),
        ("SET a = list_append(:l, :n)", TYPE + "list_append, operand type: N"),
        (
            "SET a = if_not_exists(:n, b)",
            "Operator or function requires a document path; operator or function: if_not_exists",
        ),
        (
            "SET a = if_not_exists(b)",
            "Incorrect number of operands for operator or function; "
            "operator or function: if_not_exists, number of operands: 1",
        ),
        (
            "SET a = list_append(:l, :l, :l)",
            "Incorrect number of operands for operator or function; "
            "operator or function: list_append, number of operands: 3",
        ),
        (
            "SET a = if_not_exists(b, b)",
            "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: if_not_exists, first operand: [b]",
        ),
        ("ADD a :s", add_type("ADD", "STRING")),
        ("ADD a :l", add_type("ADD", "LIST")),
        ("ADD a :map", add_type("ADD", "MAP")),
        ("ADD a :bool", add_type("ADD", "BOOLEAN")),
        ("ADD a :null", add_type("ADD", "NULL")),
        ("ADD a :b", add_type("ADD", "BINARY")),
        ("DELETE a :n", add_type("DELETE", "NUMBER")),
        ("DELETE a :s", add_type("DELETE", "STRING")),
        ("DELETE a :l", add_type("DELETE", "LIST")),
        ("DELETE a :map", add_type("DELETE", "MAP")),
        ("SET a = :n, a = :m", OVERLAP + "path one: [a], path two: [a]"),
        ("SET a = :n REMOVE a", OVERLAP + "path one: [a], path two: [a]"),
        ("REMOVE a, #a", OVERLAP + "path one: [a], path two: [a]"),
        ("SET c = :n, a.b = :n, a = :n", OVERLAP + "path one: [a, b], path two: [a]"),
        ("SET a[1] = :n, a.b = :n", CONFLICT + "path one: [a, [1]], path two: [a, b]"),
        ("REMOVE a.b SET a[1] = :n", CONFLICT + "path one: [a, b], path two: [a, [1]]"),
        ("SET l[1] = :n, l.b = :n, l[2] = :n", CONFLICT + "path one: [l, b], path two: [l, [2]]"),
        # As recorded on AWS by dynalite's suite: paths are taken last to first, before any value.
        (
            "set d[1] = a, d.b = a, c[1].a = a, c = if_not_exists(a)",
            OVERLAP + "path one: [c, [1], a], path two: [c]",
        ),
    ],
)
def test_compile_errors(text: str, expected: str) -> None:
    assert error(text) == PREFIX + expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Actions are taken last to first: all paths (names, overlaps), then all values.
        ("ADD a :zz, b :s", add_type("ADD", "STRING")),
        (
            "ADD a :s, b :zz",
            "An expression attribute value used in expression is not defined; attribute value: :zz",
        ),
        (
            "SET a = :zz, b = :yy",
            "An expression attribute value used in expression is not defined; attribute value: :yy",
        ),
        (
            "SET a = #zz, b = #yy",
            "An expression attribute name used in the document path is not defined; attribute name: #yy",
        ),
        (
            "SET a = #zz REMOVE #yy",
            "An expression attribute name used in the document path is not defined; attribute name: #yy",
        ),
        ("SET a = :s + :n, b = :bool - :n", TYPE + "-, operand type: BOOL"),
        (
            "SET a = :n, a.b = :n, #zz = :n",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        ("SET a = #zz, a.b = :n", OVERLAP + "path one: [a], path two: [a, b]"),
    ],
)
def test_order_of_compile_errors(text: str, expected: str) -> None:
    assert error(text) == PREFIX + expected


def test_operator_limit_counts_set_values() -> None:
    values = {":n": {"N": "1"}}
    assert compiled("SET " + ",".join(f"a{i}=:n+:n" for i in range(300)), values) is not None
    with pytest.raises(ValidationException) as raised:
        compiled("SET " + ",".join(f"a{i}=:n+:n" for i in range(301)), values)
    assert raised.value.message == PREFIX + "The expression contains too many operators; operator count: 301"


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("SET a = b, b = a", {"a": {"N": "1"}, "b": {"N": "2"}}, {"a": {"N": "2"}, "b": {"N": "1"}}),
        ("SET a = a + :n", {"a": {"N": "1.5"}}, {"a": {"N": "2.5"}}),
        ("SET a = a - :m", {"a": {"N": "1"}}, {"a": {"N": "-1"}}),
        ("SET a = if_not_exists(a, :n) + :n", {}, {"a": {"N": "2"}}),
        ("SET a = if_not_exists(a, :n)", {"a": {"S": "x"}}, {"a": {"S": "x"}}),
        ("SET a = list_append(a, :l)", {"a": {"L": [{"N": "1"}]}}, {"a": {"L": [{"N": "1"}, {"S": "x"}]}}),
        ("SET a = list_append(:l, a)", {"a": {"L": [{"N": "1"}]}}, {"a": {"L": [{"S": "x"}, {"N": "1"}]}}),
        ("SET a.b = :n", {"a": {"M": {"c": {"N": "2"}}}}, {"a": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}}}),
        (
            "SET l[1] = :n",
            {"l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}},
            {"l": {"L": [{"S": "x"}, {"N": "1"}, {"S": "z"}]}},
        ),
        ("SET l[7] = :n", {"l": {"L": [{"S": "x"}]}}, {"l": {"L": [{"S": "x"}, {"N": "1"}]}}),
        (
            "SET l[7] = :n, l[5] = :m",
            {"l": {"L": [{"S": "x"}]}},
            {"l": {"L": [{"S": "x"}, {"N": "2"}, {"N": "1"}]}},
        ),
        ("REMOVE l[0], l[2]", {"l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}}, {"l": {"L": [{"S": "y"}]}}),
        (
            "REMOVE l[0] SET l[1] = :n",
            {"l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}},
            {"l": {"L": [{"N": "1"}, {"S": "z"}]}},
        ),
        (
            "REMOVE l[5], a.b, zz",
            {"l": {"L": [{"S": "x"}]}, "a": {"M": {}}},
            {"l": {"L": [{"S": "x"}]}, "a": {"M": {}}},
        ),
        ("ADD a :n", {}, {"a": {"N": "1"}}),
        ("ADD a :n", {"a": {"N": "-1"}}, {"a": {"N": "0"}}),
        ("ADD a :ss", {"a": {"SS": ["y"]}}, {"a": {"SS": ["y", "ab", "x"]}}),
        ("ADD a.b :n", {"a": {"M": {}}}, {"a": {"M": {"b": {"N": "1"}}}}),
        ("ADD l[3] :n", {"l": {"L": []}}, {"l": {"L": [{"N": "1"}]}}),
        ("DELETE a :ss", {"a": {"SS": ["ab", "x", "y"]}}, {"a": {"SS": ["y"]}}),
        ("DELETE a :ss", {"a": {"SS": ["ab", "x"]}}, {}),
        ("DELETE a :ss", {}, {}),
        ("DELETE l[0] :ss", {"l": {"L": [{"SS": ["x", "ab"]}]}}, {"l": {"L": []}}),
    ],
)
def test_apply(text: str, item: dict[str, Any], expected: dict[str, Any]) -> None:
    assert applied(text, item) == {**KEY, **expected}


MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
INVALID_PATH = "The document path provided in the update expression is invalid for update"


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("SET a = if_not_exists(a, zz)", {"a": {"S": "x"}}, MISSING),
        ("SET a = list_append(a, :l)", {}, MISSING),
        ("SET a = list_append(a, :l)", {"a": {"S": "x"}}, WRONG_TYPE),
        ("SET a = a + :n", {"a": {"S": "x"}}, WRONG_TYPE),
        ("SET a = zz + :n", {}, MISSING),
        ("SET a = :n + zz", {"zz": {"S": "x"}}, WRONG_TYPE),
        ("SET a = b + b", {}, MISSING),
        ("SET a = zz", {}, MISSING),
        ("SET a.b = :n", {}, INVALID_PATH),
        ("SET a.b = :n", {"a": {"S": "x"}}, INVALID_PATH),
        ("SET a[0] = :n", {"a": {"M": {"0": {"N": "2"}}}}, INVALID_PATH),
        ("REMOVE a.b", {}, INVALID_PATH),
        ("ADD a :ns", {"a": {"SS": ["y"]}}, WRONG_TYPE),
        ("ADD a :n", {"a": {"S": "y"}}, WRONG_TYPE),
        ("DELETE a :ns", {"a": {"SS": ["ab"]}}, WRONG_TYPE),
        ("DELETE a :ss", {"a": {"S": "ab"}}, WRONG_TYPE),
        (
            "SET a = :big + :big",
            {},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            "ADD a :big",
            {"a": {"N": "9E+125"}},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        # Actions are applied in DynamoDB's tree order (here z before a), each path checked just before
        # its value is computed.
        ("SET z = zz, a.b.c = :n", {}, MISSING),
        ("SET a = zz, z.b.c = :n", {}, INVALID_PATH),
    ],
)
def test_apply_errors(text: str, item: dict[str, Any], expected: str) -> None:
    assert apply_error(text, item) == expected


def test_a_missing_item_starts_as_its_key() -> None:
    assert applied("SET a = pk", None) == {**KEY, "a": {"S": "probe"}}
    assert applied("SET a = if_not_exists(a, :n)", None) == {**KEY, "a": {"N": "1"}}
    assert apply_error("SET a.b = :n", None) == INVALID_PATH


def test_only_removals_create_nothing() -> None:
    # AWS creates no item for an update that only removes (DynamoDB Local creates the key-only item);
    # the paths are still checked.
    update = compiled("REMOVE a DELETE s :ss")
    assert update.creates_item is False
    assert update.apply(None, KEY) is None
    assert update.apply({**KEY, "a": {"N": "1"}}, KEY) == KEY
    assert apply_error("REMOVE a.b", None) == INVALID_PATH
    assert compiled("REMOVE a SET b = :n").creates_item is True
    assert compiled("ADD n :n").creates_item is True


def test_apply_leaves_the_old_item_untouched() -> None:
    old = {**KEY, "a": {"M": {"b": {"L": [{"N": "1"}]}}}, "c": {"N": "1"}}
    snapshot = pickle.loads(pickle.dumps(old))
    assert compiled("SET a.b[0] = :m, c = c + :n REMOVE a.b[5]").apply(old, KEY) == {
        **KEY,
        "a": {"M": {"b": {"L": [{"N": "2"}]}}},
        "c": {"N": "2"},
    }
    assert old == snapshot


def test_updated_attributes_are_the_touched_paths() -> None:
    # AWS returns only what the update touched, nested (DynamoDB Local returns whole attributes).
    old = {**KEY, "a": {"M": {"b": {"N": "1"}, "c": {"S": "x"}}}, "l": {"L": [{"S": "l0"}, {"S": "l1"}]}}
    update = compiled("SET a.b = :m, l[5] = :n, z = :n REMOVE l[0]")
    new = update.apply(old, KEY)
    assert update.updated_attributes(old) == {"a": {"M": {"b": {"N": "1"}}}, "l": {"L": [{"S": "l0"}]}}
    assert update.updated_attributes(new) == {
        "a": {"M": {"b": {"N": "2"}}},
        "l": {"L": [{"S": "l1"}]},
        "z": {"N": "1"},
    }
    assert update.updated_attributes(None) == {}
    removal = compiled("REMOVE a")
    assert removal.updated_attributes(removal.apply(old, KEY)) == {}


def test_key_attributes() -> None:
    message = (
        "One or more parameter values were invalid: Cannot update attribute {}. "
        "This attribute is part of the key"
    )
    scalars = (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: {}"
    )
    for text, keys, expected in [
        ("SET pk = :s", ["pk"], message.format("pk")),
        ("REMOVE #k", ["pk"], message.format("pk")),
        ("SET pk.x = :s", ["pk"], message.format("pk")),
        ("SET sk = :s, pk = :s", ["pk", "sk"], message.format("pk")),
        ("SET a = pk.x", ["pk"], scalars.format("pk")),
        ("SET a = if_not_exists(pk[0], :s)", ["pk"], scalars.format("pk")),
        # Writes are checked before reads.
        ("SET a = sk.x, pk = :s", ["pk", "sk"], message.format("pk")),
    ]:
        with pytest.raises(ValidationException) as raised:
            compiled(text).check_key_attributes(keys)
        assert raised.value.message == expected, text
    compiled("SET a.pk = :s, b = c.pk").check_key_attributes(["pk"])


def test_an_update_is_a_picklable_value() -> None:
    update = compiled(
        "SET a = if_not_exists(a, :n) + :n, l = list_append(l, :l) REMOVE x ADD s :ss DELETE t :ss"
    )
    copy = pickle.loads(pickle.dumps(update))
    assert copy == update
    old = {**KEY, "l": {"L": []}, "t": {"SS": ["x"]}}
    assert copy.apply(old, KEY) == update.apply(old, KEY)
