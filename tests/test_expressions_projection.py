"""ProjectionExpression end to end: compile against the maps (names, depth, overlaps, key attributes, the
unused check) and apply to nested documents. Expected items and messages were recorded from the
reference (DynamoDB Local 3.3) with GetItem on ITEM below.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationException
from app.expressions import Projection, compile_request_projection
from app.expressions.ast import AttributePath

PREFIX = "Invalid ProjectionExpression: "

ITEM: dict[str, Any] = {
    "pk": {"S": "1"},
    "a": {"M": {"b": {"S": "x"}, "c": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]}}},
    "l": {"L": [{"S": "a"}, {"S": "b"}, {"M": {"x": {"S": "y"}, "z": {"S": "w"}}}, {"S": "d"}]},
    "s": {"SS": ["a", "b"]},
    "n": {"N": "5"},
}


def project(expression: str | None, names: dict[str, str] | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"ProjectionExpression": expression}
    if names is not None:
        params["ExpressionAttributeNames"] = names
    projection = compile_request_projection(params, ("pk",))
    return ITEM if projection is None else projection.apply(ITEM)


def error(expression: str | None, names: dict[str, str] | None = None) -> str:
    with pytest.raises(ValidationException) as raised:
        project(expression, names)
    return raised.value.message


def overlap(one: str, two: str) -> str:
    return (
        PREFIX + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


def conflict(one: str, two: str) -> str:
    return (
        PREFIX + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


# --- application -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "projected"),
    [
        ("a", {"a": ITEM["a"]}),
        ("pk", {"pk": {"S": "1"}}),
        ("a.b, l[1], l[3]", {"a": {"M": {"b": {"S": "x"}}}, "l": {"L": [{"S": "b"}, {"S": "d"}]}}),
        ("a.c[1], a.c[3]", {"a": {"M": {"c": {"L": [{"N": "2"}, {"N": "4"}]}}}}),
        ("a.c[3], a.c[1]", {"a": {"M": {"c": {"L": [{"N": "2"}, {"N": "4"}]}}}}),
        ("l[2].x, l[0]", {"l": {"L": [{"S": "a"}, {"M": {"x": {"S": "y"}}}]}}),
        ("l[1].x, l[2].x, l[2].z", {"l": {"L": [{"M": {"x": {"S": "y"}, "z": {"S": "w"}}}]}}),
        ("l[2].q, l[0]", {"l": {"L": [{"S": "a"}]}}),
        ("l[1], l[10]", {"l": {"L": [{"S": "b"}]}}),
        ("a.zz, a.b", {"a": {"M": {"b": {"S": "x"}}}}),
        ("a.c[9], a.b", {"a": {"M": {"b": {"S": "x"}}}}),
        ("a . b", {"a": {"M": {"b": {"S": "x"}}}}),
        # Nothing of these exists: the item projects to {} (GetItem answers `"Item": {}`).
        ("zzz", {}),
        ("s[0]", {}),
        ("a.b[0]", {}),
        ("a.b.c", {}),
        ("l[10]", {}),
        ("a.zz", {}),
        ("l[2].q", {}),
        ("n.x", {}),
        ("n[0]", {}),
        ("a.c[9]", {}),
        ("a[1][2]", {}),
    ],
)
def test_apply(expression: str, projected: dict[str, Any]) -> None:
    assert project(expression) == projected


def test_names_substitute_whole_attribute_names() -> None:
    assert project("#x", {"#x": "n"}) == {"n": {"N": "5"}}
    assert project("#x . #y", {"#x": "a", "#y": "b"}) == {"a": {"M": {"b": {"S": "x"}}}}
    assert project("#x", {"#x": "a.b"}) == {}  # a name, not a path
    assert project("#x", {"#x": "year"}) == {}  # reserved words are fine behind a placeholder


def test_no_expression_means_no_projection() -> None:
    assert compile_request_projection({}) is None
    # An empty map still counts as specified (AWS; DynamoDB Local ignores it).
    with pytest.raises(ValidationException) as raised:
        compile_request_projection({"ExpressionAttributeNames": {}})
    assert raised.value.message == "ExpressionAttributeNames can only be specified when using expressions"


def test_projected_values_are_shared_and_item_untouched() -> None:
    before = repr(ITEM)
    result = project("a.c[0], l")
    assert result["l"] is ITEM["l"]
    assert repr(ITEM) == before


def test_projection_of_paths_keeps_the_shorter_of_nested_paths() -> None:
    # Compiled projections never contain such paths; `Projection.of` is still total.
    projection = Projection.of(
        (AttributePath(("a", "b")), AttributePath(("a",)), AttributePath(("l", 0, "x")))
    )
    assert projection.apply(ITEM) == {"a": ITEM["a"]}
    projection = Projection.of((AttributePath(("a",)), AttributePath(("a", "b"))))
    assert projection.apply(ITEM) == {"a": ITEM["a"]}


def test_wrong_container_types_keep_nothing() -> None:
    item = {"m": {"M": {"0": {"S": "zero"}}}, "l": {"L": [{"S": "first"}]}, "b": {"BOOL": True}}
    assert Projection.of((AttributePath(("m", 0)),)).apply(item) == {}
    assert Projection.of((AttributePath(("l", "0")),)).apply(item) == {}
    assert Projection.of((AttributePath(("b", "x")),)).apply(item) == {}
    assert Projection.of((AttributePath(("m", "0")),)).apply(item) == {"m": {"M": {"0": {"S": "zero"}}}}


# --- compile-time errors -----------------------------------------------------------------------------------


def test_undefined_names() -> None:
    undefined = (
        PREFIX + "An expression attribute name used in the document path is not defined; attribute name: "
    )
    assert error("a.#x") == undefined + "#x"
    assert error("#x[99]") == undefined + "#x"
    assert error("a.:v") == undefined + ":v"
    assert error("a.:v", {"#x": "q"}) == undefined + ":v"
    # Paths are resolved last to first.
    assert error("#x, #y", {"#x": "a"}) == undefined + "#y"
    assert error("#y, #x", {"#x": "a"}) == undefined + "#y"
    assert error("#y, #x, a") == undefined + "#x"
    assert error("a, #x, #y") == undefined + "#y"


def test_reserved_words_before_undefined_names() -> None:
    assert error("#x, year") == PREFIX + "Attribute name is a reserved keyword; reserved keyword: year"


def test_nesting_levels() -> None:
    assert project(".".join(["a"] * 32)) == {}
    levels = PREFIX + "The document path has too many nesting levels; nesting levels: "
    assert error(".".join(["a"] * 33)) == levels + "33"
    assert error("a" + "[0]" * 40) == levels + "41"
    assert error("#x" + ".a" * 40) == levels + "41"  # before the name is looked up
    deep33, deep34 = ".".join(["a"] * 33), ".".join(["b"] * 34)
    assert error(f"{deep33}, {deep34}") == levels + "34"
    assert error(f"{deep34}, {deep33}") == levels + "33"
    assert error(f"{deep33}, #x").endswith("attribute name: #x")
    assert error(f"#x, {deep33}") == levels + "33"


def test_overlapping_paths() -> None:
    assert error("a, a.b") == overlap("[a]", "[a, b]")
    assert error("a.b, a") == overlap("[a, b]", "[a]")
    assert error("a.b, a.b") == overlap("[a, b]", "[a, b]")
    assert error("a.b.c.d, a.b") == overlap("[a, b, c, d]", "[a, b]")
    assert error("l[0], l") == overlap("[l, [0]]", "[l]")
    assert error("l, l[0]") == overlap("[l]", "[l, [0]]")
    assert error("a.c[1], a.c[1]") == overlap("[a, c, [1]]", "[a, c, [1]]")
    assert error("a.c[1].x, a.c[1]") == overlap("[a, c, [1], x]", "[a, c, [1]]")
    assert error("#x, #y", {"#x": "n", "#y": "n"}) == overlap("[n]", "[n]")
    assert error("#x.b, a", {"#x": "a"}) == overlap("[a, b]", "[a]")
    assert error("a.c, a.b, a") == overlap("[a, b]", "[a]")
    assert error("a, a.b, a.c") == overlap("[a]", "[a, c]")


def test_conflicting_paths() -> None:
    assert error("a[1], a.b") == conflict("[a, [1]]", "[a, b]")
    assert error("a[1], a[2], a.b") == conflict("[a, [2]]", "[a, b]")
    assert error("a.b, a[1], a[2]") == conflict("[a, b]", "[a, [2]]")
    assert error("a.b, a.c, a[1]") == conflict("[a, c]", "[a, [1]]")
    assert error("a[1].b, a[1][2]") == conflict("[a, [1], b]", "[a, [1], [2]]")
    assert error("a[1][2], a[1].b") == conflict("[a, [1], [2]]", "[a, [1], b]")
    assert error("a.b.c, a.b[1]") == conflict("[a, b, c]", "[a, b, [1]]")


def test_order_of_names_nesting_and_overlaps() -> None:
    # Each path is finished (depth, names, overlap) before the one written before it.
    assert error("#x, a, a") == overlap("[a]", "[a]")
    assert error("a, a, #x").endswith("attribute name: #x")
    assert error(".".join(["a"] * 33) + ", a, a") == overlap("[a]", "[a]")
    assert error("a, a, " + ".".join(["a"] * 33)).endswith("nesting levels: 33")
    assert error("year, a, a") == PREFIX + "Attribute name is a reserved keyword; reserved keyword: year"


def test_unused_names_after_the_expression() -> None:
    assert error("#x", {"#x": "n", "#y": "q"}) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#y}"
    )
    assert error("a, a", {"#y": "q"}) == overlap("[a]", "[a]")
    assert error("a b", {"#y": "q"}) == PREFIX + 'Syntax error; token: "b", near: "a b"'
    assert error("", {"#a": "x"}) == PREFIX + "The expression can not be empty;"


def test_map_errors_before_the_expression() -> None:
    assert error("a b", {}) == "ExpressionAttributeNames must not be empty"
    assert (
        error("a" * 5000, {"#a-b": "x"})
        == 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'
    )
    assert (
        error("", {"#a": ""})
        == "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"
    )
    assert (
        error(None, {"#a-b": "x"}) == "ExpressionAttributeNames can only be specified when using expressions"
    )


def test_key_attributes_are_scalars() -> None:
    key_error = (
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: "
    )
    assert error("pk.z.z, na1[1][0]") == key_error + "pk"
    assert error("#k.a", {"#k": "pk"}) == key_error + "pk"
    # After the unused-names check, and after overlaps.
    assert error("#k[0]", {"#k": "pk", "#z": "q"}) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#z}"
    )
    assert error("pk, pk.a") == overlap("[pk]", "[pk, a]")
    # Keys in key-schema order, whatever the order of the paths.
    projection = compile_request_projection({"ProjectionExpression": "sk[1], pk.a"})
    assert projection is not None
    with pytest.raises(ValidationException) as raised:
        projection.check_key_attributes(("pk", "sk"))
    assert raised.value.message == key_error + "pk"
    with pytest.raises(ValidationException) as raised:
        projection.check_key_attributes(("sk", "pk"))
    assert raised.value.message == key_error + "sk"
    assert project("pk, a") == {"pk": {"S": "1"}, "a": ITEM["a"]}


# --- properties --------------------------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "l", "m", "x"])
VALUES = st.recursive(
    st.sampled_from([{"S": "s"}, {"N": "1"}, {"BOOL": True}, {"SS": ["a"]}]),
    lambda inner: (
        st.builds(lambda d: {"M": d}, st.dictionaries(NAMES, inner, max_size=3))
        | st.builds(lambda items: {"L": items}, st.lists(inner, max_size=3))
    ),
    max_leaves=12,
)
PATHS = st.tuples(NAMES, st.lists(NAMES | st.integers(0, 3), max_size=3)).map(
    lambda parts: AttributePath((parts[0], *parts[1]))
)


def value_at(value: Any, elements: tuple[str | int, ...]) -> Any:
    for element in elements:
        if isinstance(element, str):
            inner = value.get("M")
            value = inner.get(element) if isinstance(inner, dict) else None
        else:
            inner = value.get("L")
            value = inner[element] if isinstance(inner, list) and element < len(inner) else None
        if value is None:
            return None
    return value


def is_part_of(projected: Any, original: Any) -> bool:
    """Every map key and list element of `projected` comes from `original` (lists keep their order)."""
    if projected is original:
        return True
    if "M" in projected:
        members = original.get("M")
        return isinstance(members, dict) and all(
            k in members and is_part_of(v, members[k]) for k, v in projected["M"].items()
        )
    if "L" in projected:
        elements = original.get("L")
        if not isinstance(elements, list):
            return False
        remaining = iter(elements)
        return all(any(is_part_of(p, o) for o in remaining) for p in projected["L"])
    return bool(projected == original)


@settings(max_examples=300)
@given(st.dictionaries(NAMES, VALUES, max_size=4), st.lists(PATHS, min_size=1, max_size=4))
def test_projection_keeps_exactly_the_existing_paths(
    item: dict[str, Any], paths: list[AttributePath]
) -> None:
    projected = Projection.of(tuple(paths)).apply(item)
    assert all(is_part_of(value, item[name]) for name, value in projected.items())
    for path in paths:
        original = value_at({"M": item}, path.elements)
        if original is not None:
            assert path.elements[0] in projected
        if any(isinstance(element, int) for element in path.elements):
            continue  # projected lists are compacted, so indexes no longer line up
        # A path that exists is kept whole (or inside a shorter path that keeps more); one that does not
        # exist is not invented.
        assert value_at({"M": projected}, path.elements) is original
