"""ConditionExpression / FilterExpression end to end: compile against the maps (placeholders, operator
checks and their order, limits), key attributes, and evaluation.

Messages and outcomes were recorded from the reference, DynamoDB Local 3.3, with DeleteItem's
ConditionExpression on a stored item (True: deleted, False: ConditionalCheckFailedException), except
where a test says AWS differs.
"""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest

from app.errors import ValidationException
from app.expressions import Condition, ExpressionKind, ExpressionMaps, compile_condition

PREFIX = "Invalid ConditionExpression: "
VALUES: dict[str, Any] = {
    ":n": {"N": "1"},
    ":m": {"N": "2"},
    ":s": {"S": "ab"},
    ":t": {"S": "a"},
    ":b": {"B": "YQ=="},
    ":ss": {"SS": ["ab", "x"]},
    ":ns": {"NS": ["1", "2"]},
    ":l": {"L": [{"S": "x"}]},
    ":map": {"M": {"k": {"N": "1"}}},
    ":bool": {"BOOL": True},
    ":null": {"NULL": True},
    ":typeS": {"S": "S"},
    ":typeX": {"S": "X"},
}
NAMES = {"#a": "a", "#b": "b"}


def compiled(
    text: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> Condition:
    params: dict[str, Any] = {"ConditionExpression": text}
    tokens = set(re.findall(r"[#:][A-Za-z0-9_]+", text))
    used_values = {key: value for key, value in (values or VALUES).items() if key in tokens}
    used_names = {key: name for key, name in (names or NAMES).items() if key in tokens}
    if used_values:
        params["ExpressionAttributeValues"] = used_values
    if used_names:
        params["ExpressionAttributeNames"] = used_names
    fields = ("ConditionExpression",)
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    condition = compile_condition(ExpressionKind.CONDITION, text, maps)
    assert condition is not None
    maps.check_all_used()
    return condition


def error(text: str, **maps: Any) -> str:
    with pytest.raises(ValidationException) as raised:
        compiled(text, **maps)
    return raised.value.message


def test_absent_expression() -> None:
    maps = ExpressionMaps.for_request({}, expression_fields=("ConditionExpression",))
    assert compile_condition(ExpressionKind.CONDITION, None, maps) is None


COUNT = "Incorrect number of operands for operator or function; operator or function: "
TYPE = "Incorrect operand type for operator or function; operator or function: "
DISTINCT = "The first operand must be distinct from the remaining operands for this operator or function; "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("begins_with(a)", COUNT + "begins_with, number of operands: 1"),
        ("attribute_exists(a, b)", COUNT + "attribute_exists, number of operands: 2"),
        ("size(a, b) > :n", COUNT + "size, number of operands: 2"),
        ("contains(a)", COUNT + "contains, number of operands: 1"),
        ("attribute_type(a)", COUNT + "attribute_type, number of operands: 1"),
        ("a < :ss", TYPE + "<, operand type: SS"),
        ("a <= :map", TYPE + "<=, operand type: M"),
        ("a > :l", TYPE + ">, operand type: L"),
        ("a >= :bool", TYPE + ">=, operand type: BOOL"),
        ("a < :null", TYPE + "<, operand type: NULL"),
        (":ss < a", TYPE + "<, operand type: SS"),
        ("a BETWEEN :ss AND :ss", TYPE + "BETWEEN, operand type: SS"),
        ("a BETWEEN :bool AND :bool", TYPE + "BETWEEN, operand type: BOOL"),
        ("begins_with(a, :n)", TYPE + "begins_with, operand type: N"),
        ("begins_with(:n, a)", TYPE + "begins_with, operand type: N"),
        ("begins_with(a, :ss)", TYPE + "begins_with, operand type: SS"),
        ("size(:n) > :n", TYPE + "size, operand type: N"),
        ("size(:bool) > :n", TYPE + "size, operand type: BOOL"),
        ("size(:null) > :n", TYPE + "size, operand type: NULL"),
        ("size(size(a)) > :n", TYPE + "size, operand type: N"),
        ("attribute_type(a, :n)", TYPE + "attribute_type, operand type: N"),
        ("attribute_type(a, :ss)", TYPE + "attribute_type, operand type: SS"),
        ("attribute_type(a, size(b))", TYPE + "attribute_type, operand type: N"),
        # The reference lists its internal types here, in an order that changes from run to run; this is
        # the form recorded on AWS.
        ("attribute_type(a, b)", TYPE + "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
        (
            "attribute_type(a, :typeX)",
            "Invalid attribute type name found; type: X, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}",
        ),
        (
            "attribute_exists(:n)",
            "Operator or function requires a document path; operator or function: attribute_exists",
        ),
        (
            "attribute_not_exists(size(:s))",
            "Operator or function requires a document path; operator or function: attribute_not_exists",
        ),
        ("attribute_not_exists(size(:n))", TYPE + "size, operand type: N"),
        ("a = a", DISTINCT + "operator: =, first operand: [a]"),
        ("a = #a", DISTINCT + "operator: =, first operand: [a]"),
        ("a.b <> a.b", DISTINCT + "operator: <>, first operand: [a, b]"),
        ("a IN (b, a)", DISTINCT + "operator: IN, first operand: [a]"),
        ("a BETWEEN a AND :n", DISTINCT + "operator: BETWEEN, first operand: [a]"),
        ("a BETWEEN :n AND a", DISTINCT + "operator: BETWEEN, first operand: [a]"),
        ("contains(a, a)", DISTINCT + "operator: contains, first operand: [a]"),
        ("begins_with(a, #a)", DISTINCT + "operator: begins_with, first operand: [a]"),
        ("attribute_type(a, a)", DISTINCT + "operator: attribute_type, first operand: [a]"),
        (
            "a BETWEEN :m AND :n",
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            "a BETWEEN :s AND :n",
            "The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {S:ab}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            "#zz = :n",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        ("a = :zz", "An expression attribute value used in expression is not defined; attribute value: :zz"),
    ],
)
def test_resolve_errors(text: str, expected: str) -> None:
    assert error(text) == PREFIX + expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One walk, operands before their operator, left before right: placeholders are resolved when
        # reached, so an operator's own check comes before anything to its right.
        (
            ":zz = #zz",
            "An expression attribute value used in expression is not defined; attribute value: :zz",
        ),
        (
            "#zz = :zz",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        ("size(:n, :m) > #zz", COUNT + "size, number of operands: 2"),
        (
            "#zz > size(:n, :m)",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        ("size(:n) > #zz", TYPE + "size, operand type: N"),
        ("a = a AND #zz = :n", DISTINCT + "operator: =, first operand: [a]"),
        (
            "#zz = :n AND a = a",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        (
            "b BETWEEN :m AND :n AND a = a",
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
        ),
        ("a = a AND b BETWEEN :m AND :n", DISTINCT + "operator: =, first operand: [a]"),
        ("begins_with(a, :n) AND size(:bool) = :n", TYPE + "begins_with, operand type: N"),
        ("size(:bool) = :n AND begins_with(a, :n)", TYPE + "size, operand type: BOOL"),
        (
            "attribute_exists(#zz.x, :n)",
            "An expression attribute name used in the document path is not defined; attribute name: #zz",
        ),
        (
            "begins_with(:zz, #a, #b)",
            "An expression attribute value used in expression is not defined; attribute value: :zz",
        ),
    ],
)
def test_order_of_resolve_errors(text: str, expected: str) -> None:
    assert (
        error(text, values={key: value for key, value in VALUES.items() if key != ":zz"}) == PREFIX + expected
    )


def test_between_prints_numbers_as_sent() -> None:
    assert error("a BETWEEN :x AND :y", values={":x": {"N": "-2E3"}, ":y": {"N": "-3000.5"}}) == (
        PREFIX + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        "lower bound operand: AttributeValue: {N:-2E3}, upper bound operand: AttributeValue: {N:-3000.5}"
    )


def test_operator_limit() -> None:
    # Comparisons, AND/OR/NOT and functions all count; 300 is allowed.
    allowed = " OR ".join(["a = :n"] * 150)
    assert compiled(allowed).evaluate({"a": {"N": "1"}})
    assert error(" OR ".join(["a = :n"] * 151)) == (
        PREFIX + "The expression contains too many operators; operator count: 301"
    )
    assert error(" OR ".join(["attribute_exists(a)"] * 150) + " OR size(a) = :n") == (
        PREFIX + "The expression contains too many operators; operator count: 301"
    )
    assert error(" AND ".join(["NOT a = :n"] * 101)) == (
        PREFIX + "The expression contains too many operators; operator count: 301"
    )


def test_in_operand_limit() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    assert compiled("a IN (" + ", ".join(list(values)[:100]) + ")", values=values).evaluate(
        {"a": {"N": "99"}}
    )
    assert error("a IN (" + ", ".join(values) + ") AND b = b", values=values) == (
        PREFIX + "The IN operator is provided with too many operands; number of operands: 101"
    )


def test_nesting_limit() -> None:
    assert compiled(".".join(["a"] * 32) + " = :n").evaluate({}) is False
    assert error(".".join(["a"] * 33) + " = :n") == (
        PREFIX + "The document path has too many nesting levels; nesting levels: 33"
    )


def test_resolved_size_limit() -> None:
    # The text plus every substitution (each use counts): 3 x 350,000 bytes is over 1 MB, 3 x 349,500 not.
    big = {":v": {"S": "x" * 350_000}}
    assert compiled(":v = :v", values=big).evaluate({}) is True
    assert error(":v = :v OR a = :v", values=big) == (
        PREFIX + "Expression size has exceeded the maximum allowed size;"
    )
    assert compiled(":v = :v OR a = :v", values={":v": {"S": "x" * 349_500}}).evaluate({}) is True


def test_key_attributes_must_be_scalars() -> None:
    condition = compiled("attribute_exists(b.c) AND #a[0] = :n")
    condition.check_key_attributes(["pk"])
    with pytest.raises(ValidationException) as raised:
        condition.check_key_attributes(["b", "a"])
    assert raised.value.message == (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: b"
    )


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("a = :n", {"a": {"N": "1.0"}}, True),
        ("a = :n", {"a": {"S": "1"}}, False),
        ("a = :n", {}, False),
        ("a <> :n", {}, True),
        ("a <> :n", {"a": {"S": "1"}}, True),
        ("a < :n", {"a": {"N": "-5"}}, True),
        ("a < :s", {"a": {"N": "-5"}}, False),
        ("a < :s", {"a": {"S": "aa"}}, True),
        ("a >= :s", {"a": {"S": "ab"}}, True),
        ("a > :s", {"a": {"S": "b"}}, True),
        ("a < :n", {"a": {"SS": ["x"]}}, False),
        ("a = :ss", {"a": {"SS": ["x", "ab"]}}, True),
        ("a = :ns", {"a": {"NS": ["2.0", "1"]}}, True),
        ("a = :l", {"a": {"L": [{"S": "x"}]}}, True),
        ("a = :map", {"a": {"M": {"k": {"N": "1.00"}}}}, True),
        ("a = :null", {"a": {"NULL": True}}, True),
        ("a = :bool", {"a": {"BOOL": False}}, False),
        ("a < :b", {"a": {"B": "AA=="}}, True),
        ("a BETWEEN :n AND :m", {"a": {"N": "1.5"}}, True),
        ("a BETWEEN :n AND :m", {"a": {"N": "2"}}, True),
        ("a BETWEEN :n AND :m", {"a": {"S": "1.5"}}, False),
        ("a BETWEEN :n AND :m", {}, False),
        ("NOT a BETWEEN :n AND :m", {}, True),
        ("a IN (:n, :m)", {"a": {"N": "2"}}, True),
        ("a IN (:n, :s)", {"a": {"S": "ab"}}, True),
        ("a IN (:n, :m)", {}, False),
        ("a IN (b, c)", {"a": {"N": "2"}, "c": {"N": "2"}}, True),
        ("attribute_exists(a.b[1])", {"a": {"M": {"b": {"L": [{"N": "1"}, {"N": "2"}]}}}}, True),
        ("attribute_exists(a.b[2])", {"a": {"M": {"b": {"L": [{"N": "1"}, {"N": "2"}]}}}}, False),
        ("attribute_not_exists(a.b.c)", {"a": {"M": {"b": {"S": "x"}}}}, True),
        ("attribute_type(a, :typeS)", {"a": {"S": "x"}}, True),
        ("attribute_type(a, :typeS)", {"a": {"SS": ["x"]}}, False),
        ("attribute_type(a, :typeS)", {}, False),
        ("NOT attribute_type(a, :typeS)", {}, True),
        ("begins_with(a, :t)", {"a": {"S": "ab"}}, True),
        ("begins_with(a, :t)", {"a": {"SS": ["ab"]}}, False),
        ("NOT begins_with(a, :t)", {"a": {"N": "1"}}, True),
        ("contains(a, :t)", {"a": {"S": "cat"}}, True),
        ("contains(a, :t)", {"a": {"SS": ["a"]}}, True),
        ("contains(a, :t)", {"a": {"SS": ["ab"]}}, False),
        ("contains(a, :n)", {"a": {"NS": ["1.0"]}}, True),
        ("contains(a, :l)", {"a": {"L": [{"L": [{"S": "x"}]}]}}, True),
        ("contains(a, :s)", {"a": {"L": [{"S": "ab"}]}}, True),
        ("contains(:s, a)", {"a": {"S": "b"}}, True),
        ("contains(a, b)", {"a": {"S": "abc"}, "b": {"S": "bc"}}, True),
        ("size(a) = :m", {"a": {"S": "ab"}}, True),
        ("size(a) = :m", {"a": {"SS": ["x", "y"]}}, True),
        ("size(a) = :m", {"a": {"M": {"x": {"N": "1"}, "y": {"N": "1"}}}}, True),
        ("size(a) = :n", {"a": {"L": [{"NULL": True}]}}, True),
        ("size(a) = :n", {"a": {"N": "1"}}, False),
        ("size(a) <> :n", {"a": {"N": "1"}}, True),
        ("size(a) <> :n", {}, True),
        ("size(a) > size(b)", {"a": {"S": "abc"}, "b": {"L": []}}, True),
        ("a = :n OR b = :n AND c = :n", {"a": {"N": "1"}}, True),
        ("(a = :n OR b = :n) AND c = :n", {"a": {"N": "1"}}, False),
        ("NOT a = :n AND b = :n", {"b": {"N": "1"}}, True),
        ("NOT (a = :n AND b = :n)", {"b": {"N": "1"}}, True),
        (":n = :n", {}, True),
        (":n < :s", {}, False),
        ("a[0] = :n", {"a": {"L": [{"N": "1"}]}}, True),
        ("a[0] = :n", {"a": {"M": {"0": {"N": "1"}}}}, False),
        ("a.x = :n", {"a": {"L": [{"N": "1"}]}}, False),
        ("#a = :n", {"a": {"N": "1"}}, True),
    ],
)
def test_evaluation(text: str, item: dict[str, Any], expected: bool) -> None:
    assert compiled(text).evaluate(item) is expected


def test_binary_functions_work_on_bytes() -> None:
    # AWS compares the bytes; DynamoDB Local compares the base64 text (there `YWJj` does not begin with
    # `YQ==`, and size(`YQ==`) is 4).
    assert compiled("begins_with(a, :b)").evaluate({"a": {"B": "YWJj"}}) is True
    assert compiled("size(a) = :n").evaluate({"a": {"B": "YQ=="}}) is True


def test_a_missing_item_is_an_empty_one() -> None:
    assert compiled("attribute_not_exists(a) AND a <> :n").evaluate(None) is True
    assert compiled("attribute_exists(a)").evaluate(None) is False


def test_a_condition_is_a_picklable_value() -> None:
    condition = compiled("a BETWEEN :n AND :m AND size(b) > :n AND NOT begins_with(c, :t)")
    copy = pickle.loads(pickle.dumps(condition))
    assert copy == condition
    item = {"a": {"N": "1"}, "b": {"S": "ab"}, "c": {"S": "b"}}
    assert copy.evaluate(item) is condition.evaluate(item) is True
