"""The condition and update grammars: trees, syntax errors, redundant parentheses and the text-order
checks (function names and places, reserved words, list indexes, repeated clauses).

Every message was recorded from the reference, DynamoDB Local 3.3 (conditions through DeleteItem's
ConditionExpression, updates through UpdateItem), except where a test says AWS differs.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationException
from app.expressions.ast import (
    AddAction,
    And,
    Arithmetic,
    AttributeName,
    Between,
    Comparison,
    ConditionAst,
    DeleteAction,
    DocumentPath,
    FunctionCall,
    In,
    ListIndex,
    NamePlaceholder,
    Not,
    Or,
    RemoveAction,
    Section,
    SetAction,
    UpdateAst,
    ValuePlaceholder,
)
from app.expressions.cache import cached_condition, cached_update
from app.expressions.kinds import ExpressionKind
from app.expressions.parser import parse_condition, parse_update

COND = "Invalid ConditionExpression: "
UPD = "Invalid UpdateExpression: "


def path(*elements: str | int) -> DocumentPath:
    return DocumentPath(
        tuple(
            ListIndex(e)
            if isinstance(e, int)
            else NamePlaceholder(e)
            if e.startswith("#")
            else AttributeName(e)
            for e in elements
        )
    )


def value(key: str) -> ValuePlaceholder:
    return ValuePlaceholder(key)


def condition(text: str) -> ConditionAst:
    return parse_condition(ExpressionKind.CONDITION, text)


def condition_error(text: str) -> str:
    with pytest.raises(ValidationException) as raised:
        condition(text)
    return raised.value.message


def update_error(text: str) -> str:
    with pytest.raises(ValidationException) as raised:
        parse_update(text)
    return raised.value.message


# --- condition trees ---------------------------------------------------------------------------------------


def test_comparison_tree() -> None:
    assert condition("a.#b[2] <= :v").root == Comparison("<=", path("a", "#b", 2), value(":v"))


def test_precedence_not_over_and_over_or() -> None:
    a, b, c = (Comparison("=", path(name), value(":v")) for name in "abc")
    assert condition("a = :v OR b = :v AND c = :v").root == Or(a, And(b, c))
    assert condition("NOT a = :v AND b = :v").root == And(Not(a), b)
    assert condition("NOT (a = :v AND b = :v)").root == Not(And(a, b))
    assert condition("(a = :v OR b = :v) AND c = :v").root == And(Or(a, b), c)
    # AND and OR group to the right, as in DynamoDB's grammar.
    assert condition("a = :v AND b = :v AND c = :v").root == And(a, And(b, c))
    assert condition("NOT NOT a = :v").root == Not(Not(a))


def test_keywords_in_any_case() -> None:
    assert condition("a between :x and :y or not b in (:v)").root == Or(
        Between(path("a"), value(":x"), value(":y")), Not(In(path("b"), (value(":v"),)))
    )


def test_functions_and_parenthesized_operands() -> None:
    assert condition("begins_with(a, :p)").root == FunctionCall("begins_with", (path("a"), value(":p")))
    assert condition("size(a) > :n").root == Comparison(">", FunctionCall("size", (path("a"),)), value(":n"))
    assert condition("(a) = (:v)").root == Comparison("=", path("a"), value(":v"))
    assert condition("(size(a)) > :n").root == condition("size(a) > :n").root
    assert condition("(begins_with(a, :p))").root == condition("begins_with(a, :p)").root
    assert condition("contains((a), (:v))").root == FunctionCall("contains", (path("a"), value(":v")))
    assert condition(":v IN (a, b.c)").root == In(value(":v"), (path("a"), path("b", "c")))


def test_cache_returns_the_same_tree() -> None:
    first = cached_condition(ExpressionKind.FILTER, "cached = :v")
    assert cached_condition(ExpressionKind.FILTER, "cached = :v") is first
    assert cached_update("SET cached = :v") is cached_update("SET cached = :v")


# --- condition syntax errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("a", "<EOF>", "a"),
        ("a =", "<EOF>", "="),
        ("= a", "=", "= a"),
        ("a = :n a", "a", ":n a"),
        ("a AND b", "AND", "a AND b"),
        ("a = :n AND", "<EOF>", "AND"),
        ("a = :n OR", "<EOF>", "OR"),
        ("NOT", "<EOF>", "NOT"),
        ("NOT a", "<EOF>", "a"),
        ("a IN ()", ")", "()"),
        ("a IN :n", ":n", "IN :n"),
        ("a IN (:n,)", ")", ",)"),
        ("a BETWEEN :n", "<EOF>", ":n"),
        ("a BETWEEN :n AND", "<EOF>", "AND"),
        ("a BETWEEN :n OR :m", "OR", ":n OR :m"),
        ("(a = :n", "<EOF>", ":n"),
        ("a = :n)", ")", ":n)"),
        ("()", ")", "()"),
        ("(a)", "<EOF>", ")"),
        ("a = b = c", "=", "b = c"),
        ("a < b < c", "<", "b < c"),
        ("begins_with(a, :s) AND a", "<EOF>", "a"),
        ("a = -1", "-", "= -1"),
        ("a.b.", "<EOF>", "."),
        ("a[1", "<EOF>", "1"),
        (":n.a = :n", ".", ":n.a"),
        ("a + :n = :m", "+", "a + :n"),
        ("size(a) + :n = :m", "+", ") + :n"),
        ("a = SET", "SET", "= SET"),
        ("foo(", "<EOF>", "("),
        ("foo(a", "<EOF>", "a"),
        ("foo(a,", "<EOF>", ","),
        ("a <> :n b", "b", ":n b"),
    ],
)
def test_condition_syntax_errors(text: str, token: str, near: str) -> None:
    assert condition_error(text) == f'{COND}Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize(
    "text", ["((a)) = :n", "((a = :n))", "NOT ((a = :n))", "a = ((:n))", "size(((a))) = :n", "(((a = :n)))"]
)
def test_redundant_parentheses(text: str) -> None:
    assert condition_error(text) == COND + "The expression has redundant parentheses;"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # DynamoDB looks past a condition's first operand before reading it: a wrong token right after
        # it wins over redundant parentheses inside it...
        ("((a)) x", 'Syntax error; token: "x", near: ") x"'),
        ("(((a)) x", 'Syntax error; token: "x", near: ") x"'),
        ("size(((a)) x", 'Syntax error; token: "x", near: ") x"'),
        # ... unless the operand is a function call, which may be a whole condition.
        ("size(((a))) x", "The expression has redundant parentheses;"),
        # Otherwise the first problem in the text wins.
        ("size(a) AND ((b = :n))", "The expression has redundant parentheses;"),
        ("((a = :n)) AND", "The expression has redundant parentheses;"),
    ],
)
def test_syntax_and_redundancy_in_text_order(text: str, expected: str) -> None:
    assert condition_error(text) == COND + expected


def test_deep_nesting_is_parsed_without_running_out_of_stack() -> None:
    assert condition_error("(" * 2000 + "a" + ")" * 2000) == f'{COND}Syntax error; token: "<EOF>", near: ")"'
    assert condition_error("(" * 1000 + "a = :v" + ")" * 1000) == (
        COND + "The expression has redundant parentheses;"
    )
    nested = "NOT (" * 299 + "a = :v" + ")" * 299
    assert isinstance(condition(nested).root, Not)


# --- text-order checks of conditions -----------------------------------------------------------------------

NOT_THIS_WAY = "The function is not allowed to be used this way in an expression; function: "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foo(a) = :n", "Invalid function name; function: foo"),
        ("Size(a) > :n", "Invalid function name; function: Size"),
        # DynamoDB Local also knows convert, contains_key and contains_value; AWS documents none of them.
        ("convert(a, :s) = :n", "Invalid function name; function: convert"),
        ("size(a)", NOT_THIS_WAY + "size"),
        ("NOT size(a)", NOT_THIS_WAY + "size"),
        ("size(a) AND a = :n", NOT_THIS_WAY + "size"),
        ("a = :n AND size(b)", NOT_THIS_WAY + "size"),
        ("attribute_exists(a) = :n", NOT_THIS_WAY + "attribute_exists"),
        ("a = attribute_exists(b)", NOT_THIS_WAY + "attribute_exists"),
        ("a BETWEEN :n AND attribute_exists(b)", NOT_THIS_WAY + "attribute_exists"),
        ("a IN (:n, begins_with(a, :s))", NOT_THIS_WAY + "begins_with"),
        ("size(contains(a, :s)) > :n", NOT_THIS_WAY + "contains"),
        (
            "if_not_exists(a, :n) = :n",
            "The function is not allowed in a condition expression; function: if_not_exists",
        ),
        (
            "list_append(a, :l) = :l",
            "The function is not allowed in a condition expression; function: list_append",
        ),
        ("abort = :n", "Attribute name is a reserved keyword; reserved keyword: abort"),
        ("a.abort = :n", "Attribute name is a reserved keyword; reserved keyword: abort"),
        ("#a.data = :n", "Attribute name is a reserved keyword; reserved keyword: data"),
        ("a[2147483648] = :n", "List index is not within the allowable range; index: [2147483648]"),
        # In text order: a function's name is checked before its arguments.
        ("foo(abort) = :n", "Invalid function name; function: foo"),
        ("abort = :n AND foo(a) = :n", "Attribute name is a reserved keyword; reserved keyword: abort"),
        ("foo(a) = :n AND abort = :n", "Invalid function name; function: foo"),
        (
            "a[2147483648] = :n AND abort = :n",
            "List index is not within the allowable range; index: [2147483648]",
        ),
    ],
)
def test_condition_text_checks(text: str, expected: str) -> None:
    assert condition_error(text) == COND + expected


def test_text_checks_come_after_the_whole_parse() -> None:
    assert condition_error("foo(a) = :n AND b") == f'{COND}Syntax error; token: "<EOF>", near: "b"'


def test_kind_names_the_parameter() -> None:
    with pytest.raises(ValidationException) as raised:
        parse_condition(ExpressionKind.FILTER, "a =")
    assert raised.value.message == 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="'


# --- update trees ------------------------------------------------------------------------------------------


def test_update_tree() -> None:
    tree = parse_update("SET a = :v, b = c + :n, d = list_append(d, :l) REMOVE e[1] ADD f :n DELETE g :s")
    assert tree == UpdateAst(
        (
            Section(
                "SET",
                (
                    SetAction(path("a"), value(":v")),
                    SetAction(path("b"), Arithmetic("+", path("c"), value(":n"))),
                    SetAction(path("d"), FunctionCall("list_append", (path("d"), value(":l")))),
                ),
            ),
            Section("REMOVE", (RemoveAction(path("e", 1)),)),
            Section("ADD", (AddAction(path("f"), value(":n")),)),
            Section("DELETE", (DeleteAction(path("g"), value(":s")),)),
        )
    )


def test_update_clauses_in_any_order_and_case() -> None:
    tree = parse_update("remove a set b = (c - :n), c = if_not_exists(c, :z)")
    assert [section.keyword for section in tree.sections] == ["REMOVE", "SET"]
    assert tree.actions() == (
        RemoveAction(path("a")),
        SetAction(path("b"), Arithmetic("-", path("c"), value(":n"))),
        SetAction(path("c"), FunctionCall("if_not_exists", (path("c"), value(":z")))),
    )
    assert parse_update("SET a = (b) + :n").actions() == (
        SetAction(path("a"), Arithmetic("+", path("b"), value(":n"))),
    )


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("SET", "<EOF>", "SET"),
        ("SET a", "<EOF>", "a"),
        ("SET a =", "<EOF>", "="),
        ("SET a = :n,", "<EOF>", ","),
        ("ADD a", "<EOF>", "a"),
        ("ADD a b", "b", "a b"),
        ("ADD a :n + :m", "+", ":n + :m"),
        ("ADD a, b :n", ",", "a, b"),
        ("ADD a size(b)", "size", "a size("),
        ("DELETE a", "<EOF>", "a"),
        ("REMOVE :n", ":n", "REMOVE :n"),
        ("REMOVE a = b", "=", "a = b"),
        ("SET a = b + c + d", "+", "c + d"),
        ("SET a = -b", "-", "= -b"),
        ("SET a = b * c", "*", "b * c"),
        ("UPDATE a = :n", "UPDATE", "UPDATE a"),
        ("SET a = :n REMOVE", "<EOF>", "REMOVE"),
        ("SET a[-1] = :n", "-", "[-1"),
        # Tokens that go wrong inside a SET value's first operand win over its redundant parentheses.
        ("SET a = (((b)) x", "x", ") x"),
        ("SET a = list_append(((b)) x, c)", "x", ") x,"),
    ],
)
def test_update_syntax_errors(text: str, token: str, near: str) -> None:
    assert update_error(text) == f'{UPD}Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize(
    "text", ["SET a = ((b))", "SET a = ((b + c))", "SET a = (b + ((c)))", "SET a = ((b)) x"]
)
def test_update_redundant_parentheses(text: str) -> None:
    assert update_error(text) == UPD + "The expression has redundant parentheses;"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SET a = :n SET b = :n", 'The "SET" section can only be used once in an update expression;'),
        ("REMOVE a REMOVE b", 'The "REMOVE" section can only be used once in an update expression;'),
        ("ADD a :n ADD b :n", 'The "ADD" section can only be used once in an update expression;'),
        ("DELETE a :s DELETE b :s", 'The "DELETE" section can only be used once in an update expression;'),
        (
            "REMOVE a SET b = :n REMOVE c",
            'The "REMOVE" section can only be used once in an update expression;',
        ),
        ("SET a = size(b)", "The function is not allowed in an update expression; function: size"),
        (
            "SET a = attribute_exists(b)",
            "The function is not allowed in an update expression; function: attribute_exists",
        ),
        ("SET a = foo(b)", "Invalid function name; function: foo"),
        ("SET a = if_not_exists(b, list_append(c, :l))", NOT_THIS_WAY + "list_append"),
        ("SET a = list_append(:l, :l) + :n", NOT_THIS_WAY + "list_append"),
        ("SET a = :n + list_append(:l, :l)", NOT_THIS_WAY + "list_append"),
        # A repeated clause is reported when it ends: errors inside it come first, later ones after.
        ("SET a = :n SET b = foo(c)", "Invalid function name; function: foo"),
        (
            "SET a = :n SET b = :n SET c = abort",
            'The "SET" section can only be used once in an update expression;',
        ),
        ("REMOVE abort SET a = foo(b)", "Attribute name is a reserved keyword; reserved keyword: abort"),
        ("SET a = foo(b) REMOVE abort", "Invalid function name; function: foo"),
    ],
)
def test_update_text_checks(text: str, expected: str) -> None:
    assert update_error(text) == UPD + expected


def test_nestable_value_function() -> None:
    assert parse_update("SET a = if_not_exists(b, if_not_exists(c, :n))").actions()[0] == SetAction(
        path("a"),
        FunctionCall("if_not_exists", (path("b"), FunctionCall("if_not_exists", (path("c"), value(":n"))))),
    )
    assert parse_update("SET a = list_append(if_not_exists(a, :l), :l)").sections[0].keyword == "SET"


# --- round trip: any tree, printed with the fewest parentheses, parses back to itself ------------------

_names = st.sampled_from(["a", "b", "#n", "x1"])
_paths = st.lists(st.one_of(_names, st.integers(0, 30)), max_size=3).flatmap(
    lambda rest: _names.map(lambda head: path(head, *rest))
)
_operands = st.one_of(_paths, st.sampled_from([":v", ":w"]).map(value))
_operand_or_size = st.one_of(_operands, _operands.map(lambda operand: FunctionCall("size", (operand,))))
_primaries = st.one_of(
    st.builds(
        Comparison, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), _operand_or_size, _operand_or_size
    ),
    st.builds(Between, _operands, _operands, _operands),
    st.builds(In, _operands, st.lists(_operands, min_size=1, max_size=3).map(tuple)),
    st.builds(lambda p, v: FunctionCall("begins_with", (p, v)), _paths, _operands),
)
_conditions = st.recursive(
    _primaries,
    lambda inner: st.one_of(st.builds(And, inner, inner), st.builds(Or, inner, inner), st.builds(Not, inner)),
    max_leaves=8,
)


def _text(node: object) -> str:
    if isinstance(node, DocumentPath):
        out = ""
        for element in node.elements:
            if isinstance(element, ListIndex):
                out += f"[{element.index}]"
            else:
                name = element.name if isinstance(element, AttributeName) else element.key
                out += f".{name}" if out else name
        return out
    if isinstance(node, ValuePlaceholder):
        return node.key
    if isinstance(node, FunctionCall):
        return f"{node.name}({', '.join(_text(argument) for argument in node.arguments)})"
    if isinstance(node, Comparison):
        return f"{_text(node.left)} {node.operator} {_text(node.right)}"
    if isinstance(node, Between):
        return f"{_text(node.operand)} BETWEEN {_text(node.low)} AND {_text(node.high)}"
    if isinstance(node, In):
        return f"{_text(node.operand)} IN ({', '.join(_text(c) for c in node.candidates)})"
    if isinstance(node, Not):
        inner = _text(node.operand)
        return f"NOT ({inner})" if isinstance(node.operand, And | Or) else f"NOT {inner}"
    assert isinstance(node, And | Or)
    word = "AND" if isinstance(node, And) else "OR"
    # Both group to the right and AND binds tighter: a left operand of its own kind, or an OR under AND,
    # needs parentheses.
    left_needs = isinstance(node.left, (Or, type(node)))
    right_needs = isinstance(node, And) and isinstance(node.right, Or)
    left = f"({_text(node.left)})" if left_needs else _text(node.left)
    right = f"({_text(node.right)})" if right_needs else _text(node.right)
    return f"{left} {word} {right}"


@settings(max_examples=300)
@given(_conditions)
def test_condition_round_trip(root: object) -> None:
    assert condition(_text(root)).root == root


def test_size_limit_messages() -> None:
    assert condition_error("a = :v" + " " * 4091) == (
        COND + "Expression size has exceeded the maximum allowed size; expression size: 4097"
    )
    assert (
        update_error("SET a = :v" + " " * 4087)
        == UPD + "Expression size has exceeded the maximum allowed size;"
    )
    assert update_error("") == UPD + "The expression can not be empty;"
    assert condition_error("") == COND + "The expression can not be empty;"
