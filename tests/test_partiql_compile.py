"""PartiQL compiled to the JSON API's pieces: values, WHERE clauses as Conditions (with exactly a
FilterExpression's semantics), keys for reads and writes, SELECT lists, SET/REMOVE as Updates, and plans."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationException
from app.expressions import ExpressionKind, ExpressionMaps, compile_condition
from app.partiql import ast, parse
from app.partiql.conditions import compile_where
from app.partiql.keys import read_keys, single_item, write_target
from app.partiql.plans import compile_statement, plan_write
from app.partiql.projection import SelectList, output_name
from app.partiql.values import ValueBuilder, check_parameters
from storage.api import KeyAttribute, KeySchema, Namespace, TableMeta

HASH = KeySchema(KeyAttribute("pk", "S"))
HASH_RANGE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))


def where_of(text: str) -> ast.Expr | None:
    statement = parse(f"SELECT * FROM tab WHERE {text}").statement
    assert isinstance(statement, ast.Select)
    return statement.where


def value_of(text: str, *parameters: Any) -> Any:
    statement = parse(f"INSERT INTO tab VALUE {{'v': {text}}}").statement
    assert isinstance(statement, ast.Insert)
    return ValueBuilder(parameters).item(statement.value)["v"]


def failure(call: Any, *args: Any) -> str:
    with pytest.raises(ValidationException) as raised:
        call(*args)
    return raised.value.message


# --- values -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'a''b'", {"S": "a'b"}),
        ("1.50", {"N": "1.5"}),
        ("-0.5e-3", {"N": "-0.0005"}),
        ("TRUE", {"BOOL": True}),
        ("null", {"NULL": True}),
        ("[1, 'x', []]", {"L": [{"N": "1"}, {"S": "x"}, {"L": []}]}),
        ("{'a': {'b': false}}", {"M": {"a": {"M": {"b": {"BOOL": False}}}}}),
        ("<<'b', 'a'>>", {"SS": ["b", "a"]}),
        ("<<2, 1.5>>", {"NS": ["2", "1.5"]}),
    ],
)
def test_literals(text: str, value: Any) -> None:
    assert value_of(text) == value


def test_parameters_are_whole_values() -> None:
    assert value_of("?", {"N": "7"}) == {"N": "7"}
    assert failure(value_of, "[?]", {"N": "7"}).startswith(
        "Unsupported data type: Parameter under key root.0"
    )


def test_parameter_count_and_values() -> None:
    assert check_parameters(1, [{"S": "a"}, {"N": "01"}]) == ({"S": "a"}, {"N": "1"})
    assert (
        failure(check_parameters, 2, [{"S": "a"}])
        == "Number of parameters in request and statement don't match."
    )
    assert failure(check_parameters, 0, [{}]) == (
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    )


# --- WHERE clauses have a FilterExpression's semantics ---------------------------------------------------

NAMES = ("a", "b")
VALUES = st.one_of(
    st.integers(-3, 3).map(lambda number: {"N": str(number)}),
    st.sampled_from(["x", "xy", "y"]).map(lambda text: {"S": text}),
    st.just({"NULL": True}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
)
ITEMS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=2)


def _literal(value: dict[str, Any]) -> str:
    kind, content = next(iter(value.items()))
    if kind == "N":
        return str(content)
    if kind == "S":
        return f"'{content}'"
    if kind == "NULL":
        return "NULL"
    return "TRUE" if content else "FALSE"


LEAVES = st.one_of(
    st.tuples(
        st.just("compare"), st.sampled_from(NAMES), st.sampled_from(["=", "<>", "<", "<=", ">", ">="]), VALUES
    ),
    st.tuples(st.just("between"), st.sampled_from(NAMES), st.integers(-3, 3), st.integers(0, 3)),
    st.tuples(st.just("in"), st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=3)),
    st.tuples(
        st.just("is"),
        st.sampled_from(NAMES),
        st.sampled_from(["MISSING", "NOT MISSING", "NULL", "NOT NULL", "STRING", "NUMERIC"]),
    ),
    st.tuples(st.just("begins_with"), st.sampled_from(NAMES), st.sampled_from(["x", "y"])),
    st.tuples(st.just("contains"), st.sampled_from(NAMES), st.sampled_from(["x", "y"])),
    st.tuples(st.just("exists"), st.sampled_from(NAMES)),
    st.tuples(st.just("size"), st.sampled_from(NAMES), st.integers(0, 2)),
)
TREES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.tuples(st.sampled_from(["AND", "OR"]), children, children), st.tuples(st.just("NOT"), children)
    ),
    max_leaves=6,
)


class _Renderer:
    """A condition tree as PartiQL and as the equivalent FilterExpression with its values."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def placeholder(self, value: dict[str, Any]) -> str:
        key = f":v{len(self.values)}"
        self.values[key] = value
        return key

    def render(self, tree: Any) -> tuple[str, str]:
        kind = tree[0]
        if kind in ("AND", "OR"):
            left, left_filter = self.render(tree[1])
            right, right_filter = self.render(tree[2])
            return f"({left}) {kind} ({right})", f"({left_filter}) {kind} ({right_filter})"
        if kind == "NOT":
            inner, inner_filter = self.render(tree[1])
            return f"NOT ({inner})", f"NOT ({inner_filter})"
        name = tree[1]
        if kind == "compare":
            operator, value = tree[2], tree[3]
            if operator not in ("=", "<>") and not ({"N", "S"} & set(value)):
                operator = "="
            return f"{name} {operator} {_literal(value)}", f"{name} {operator} {self.placeholder(value)}"
        if kind == "between":
            low, high = tree[2], tree[2] + tree[3]
            low_key, high_key = self.placeholder({"N": str(low)}), self.placeholder({"N": str(high)})
            return f"{name} BETWEEN {low} AND {high}", f"{name} BETWEEN {low_key} AND {high_key}"
        if kind == "in":
            partiql = ", ".join(_literal(value) for value in tree[2])
            return f"{name} IN [{partiql}]", f"{name} IN ({', '.join(self.placeholder(v) for v in tree[2])})"
        if kind == "is":
            which = tree[2]
            negated = which.startswith("NOT ")
            base = which.removeprefix("NOT ")
            if base == "MISSING":
                return (
                    f"{name} IS {which}",
                    f"{'attribute_exists' if negated else 'attribute_not_exists'}({name})",
                )
            type_key = self.placeholder({"S": {"NULL": "NULL", "STRING": "S", "NUMERIC": "N"}[base]})
            filter_text = f"attribute_type({name}, {type_key})"
            return f"{name} IS {which}", f"NOT {filter_text}" if negated else filter_text
        if kind == "exists":
            return f"attribute_exists({name})", f"attribute_exists({name})"
        if kind == "size":
            return f"size({name}) = {tree[2]}", f"size({name}) = {self.placeholder({'N': str(tree[2])})}"
        prefix = tree[2]
        return f"{kind}({name}, '{prefix}')", f"{kind}({name}, {self.placeholder({'S': prefix})})"


@settings(max_examples=300)
@given(TREES, st.lists(ITEMS, max_size=5))
def test_where_clauses_evaluate_as_filter_expressions(tree: Any, items: list[dict[str, Any]]) -> None:
    renderer = _Renderer()
    partiql, filter_text = renderer.render(tree)
    values = renderer.values
    where = where_of(partiql)
    assert where is not None
    compiled = compile_where([where], ValueBuilder(()))
    maps_params: dict[str, Any] = {"FilterExpression": filter_text}
    if values:
        maps_params["ExpressionAttributeValues"] = values
    maps = ExpressionMaps.for_request(
        maps_params, expression_fields=("FilterExpression",), value_fields=("FilterExpression",)
    )
    expected = compile_condition(ExpressionKind.FILTER, filter_text, maps)
    assert compiled is not None and expected is not None
    for item in items:
        assert compiled.evaluate(item) == expected.evaluate(item), (partiql, filter_text, item)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "a = a",
            "The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: =, first operand: [a]",
        ),
        (
            "a BETWEEN 2 AND 1",
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            "a < [1]",
            "Incorrect operand type for operator or function; operator or function: <, operand type: L",
        ),
        (
            "begins_with(a)",
            "Incorrect number of operands for operator or function; operator or function: "
            "begins_with, number of operands: 1",
        ),
        (
            "attribute_type(a, 'ZZ')",
            "Invalid attribute type name found; type: ZZ, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}",
        ),
        ("a + 1 = 2", "Unsupported operator in Condition Expression. Operator: +"),
        ("a LIKE 'x'", "Unsupported operator in Condition Expression. Operator: like"),
        ("a", "WHERE clause must contain an expression that resolves to a boolean"),
        ("NOT a", "The argument to NOT must be a Type or Expression"),
        ("a = 1 AND TRUE", "The arguments to AND/OR must be Expressions"),
        (
            "a IN 5",
            "IN operator must have a left hand argument of type Variable Reference and right hand argument "
            "of type Seq with at least one member",
        ),
        ("foo(a)", "Unrecognized function: foo"),
        (
            "if_not_exists(a, 1) = 1",
            "The function is not allowed in a condition expression; function: if_not_exists",
        ),
    ],
)
def test_where_errors(where: str, message: str) -> None:
    def run() -> None:
        tree = where_of(where)
        assert tree is not None
        compile_where([tree], ValueBuilder(()))

    assert failure(run) == message


# --- keys ---------------------------------------------------------------------------------------------------


def test_read_keys() -> None:
    builder = ValueBuilder(())
    keys = read_keys(where_of("pk = 'b' AND sk > 2 AND x = 1"), HASH_RANGE, builder)
    assert keys.hash_values == ({"S": "b"},)
    assert keys.sort is not None and (keys.sort.operator, keys.sort.values) == (">", ({"N": "2"},))
    flipped = read_keys(where_of("pk = 'b' AND 2 >= sk"), HASH_RANGE, builder)
    assert flipped.sort is not None and flipped.sort.operator == "<="
    several = read_keys(where_of("pk IN ['c', 'a', 'c']"), HASH_RANGE, builder)
    assert several.hash_values == ({"S": "a"}, {"S": "c"})
    branches = read_keys(where_of("pk = 'b' AND x = 1 OR pk = 'a'"), HASH_RANGE, builder)
    assert branches.hash_values == ({"S": "a"}, {"S": "b"}) and branches.sort is None
    assert read_keys(where_of("pk = 'b' OR x = 1"), HASH_RANGE, builder).is_scan
    assert read_keys(where_of("NOT pk = 'b'"), HASH_RANGE, builder).is_scan
    assert read_keys(None, HASH_RANGE, builder).is_scan


def test_write_targets() -> None:
    builder = ValueBuilder(({"S": "k"},))
    target = write_target(where_of("sk = 1 AND x = 2 AND pk = ?"), HASH_RANGE, builder)
    assert target.key == {"pk": {"S": "k"}, "sk": {"N": "1"}}
    assert len(target.rest) == 1
    assert failure(write_target, where_of("pk = 'a'"), HASH_RANGE, builder) == (
        "Where clause does not contain a mandatory equality on all key attributes"
    )
    assert failure(write_target, where_of("pk = 'a' AND pk = 'b'"), HASH, builder) == (
        "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported"
    )
    assert single_item(where_of("pk = 'a'"), HASH, builder) == {"pk": {"S": "a"}}
    assert single_item(where_of("pk = 'a' AND x = 1"), HASH, builder) is None


# --- SELECT lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (("a",), "a"),
        (("a", "b"), "b"),
        (("m", "n", 0), "n[0]"),
        (("l", 0, 1), "l[0][1]"),
        (("a", 1, "c"), "c"),
    ],
)
def test_output_names(path: tuple[str | int, ...], name: str) -> None:
    assert output_name(path) == name


def test_select_list_apply() -> None:
    statement = parse("SELECT a.b, l[1], missing_one FROM tab").statement
    assert isinstance(statement, ast.Select) and statement.projection is not None
    select = SelectList.of(statement.projection)
    item = {"a": {"M": {"b": {"N": "1"}}}, "l": {"L": [{"S": "x"}, {"S": "y"}]}}
    assert select.apply(item) == {"b": {"N": "1"}, "l[1]": {"S": "y"}}


# --- updates and plans --------------------------------------------------------------------------------------


def _meta() -> TableMeta:
    return TableMeta(Namespace("000000000000", "us-east-1"), "tab", "id", 0.0, HASH, {}, 1, 1)


def test_update_plans_apply_like_update_item() -> None:
    statement = parse(
        "UPDATE tab SET n = n + 1, l = list_append(l, [2]) REMOVE r WHERE pk = 'a' AND n > 0"
    ).statement
    builder = ValueBuilder(())
    compiled = compile_statement(statement, builder)
    plan = plan_write(statement, compiled, _meta(), builder)
    item = {"pk": {"S": "a"}, "n": {"N": "1"}, "l": {"L": [{"N": "1"}]}, "r": {"S": "x"}}
    assert plan.condition is not None and plan.condition.evaluate(item)
    assert not plan.condition.evaluate(None)
    update = compiled.update
    assert update is not None
    assert update.apply(item, plan.key) == {
        "pk": {"S": "a"},
        "n": {"N": "2"},
        "l": {"L": [{"N": "1"}, {"N": "2"}]},
    }
