"""Differential property test: random items, conditions and updates, run against localddb AND the reference.

Hypothesis builds an item (a few attributes of every type, nested maps and lists, sets) and an UpdateItem
request with a random UpdateExpression (SET with `+`, `-`, `if_not_exists`, `list_append`; REMOVE; ADD;
DELETE), usually a ConditionExpression (comparisons, BETWEEN, IN, AND/OR/NOT, every function), and the
name and value maps they use. Both servers store the same item and receive the same request; they must
agree on the outcome (success, or the error type), on the returned item (ReturnValues ALL_NEW) and on the
message of a ValidationException.

The generator stays clear of the reference's documented deviations from AWS (see the other compat files):
numbers are written in canonical form (DynamoDB Local stores numbers of ExpressionAttributeValues as
written), small enough that sums keep within 38 digits (it words that error differently), strings are
ASCII (`size` of other strings is unverified on AWS), and the item always exists before the update (an
update that only removes would otherwise create nothing on AWS but a key-only item on the reference).
Two message families are compared by prefix only, as the reference's wording there is known to be off:
the second path named by an overlap/conflict error among three or more paths (its choice depends on Java
hashing), and binary BETWEEN bounds (it prints a Java buffer object).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compat_tests.conftest import create_table, unique_name

NAMES = ["a", "b", "c", "d"]
TARGETS = [*NAMES, "e", "f"]  # updates may also create attributes the item does not have
MAP_KEYS = ["x", "y"]
TYPE_NAMES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]
COMPARATORS = ["=", "<>", "<", "<=", ">", ">="]
PREFIX_ONLY = ("Invalid UpdateExpression: Two document paths", "Invalid ConditionExpression: The BETWEEN")

texts = st.text(alphabet="abc", max_size=3)
numbers = st.integers(min_value=-50, max_value=50).map(str) | st.sampled_from(["0.5", "-2.25", "1000000"])
binaries = st.binary(max_size=3)
scalars = st.one_of(
    texts.map(lambda v: {"S": v}),
    numbers.map(lambda v: {"N": v}),
    binaries.map(lambda v: {"B": v}),
    st.booleans().map(lambda v: {"BOOL": v}),
    st.just({"NULL": True}),
)
sets = st.one_of(
    st.sets(texts, min_size=1, max_size=3).map(lambda v: {"SS": sorted(v)}),
    st.sets(st.integers(min_value=-5, max_value=5), min_size=1, max_size=3).map(
        lambda v: {"NS": sorted(map(str, v))}
    ),
    st.sets(binaries, min_size=1, max_size=3).map(lambda v: {"BS": sorted(v)}),
)
values = st.recursive(
    scalars | sets,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: {"L": v}),
        st.dictionaries(st.sampled_from(MAP_KEYS), inner, max_size=2).map(lambda v: {"M": v}),
    ),
    max_leaves=4,
)
items = st.dictionaries(st.sampled_from(NAMES), values, max_size=4)


@dataclass
class Request:
    """The placeholder maps an expression under construction has used so far."""

    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    targeted: set[str] = field(default_factory=set)

    def value(self, value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def name(self, name: str) -> str:
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = name
        return placeholder


@st.composite
def paths(draw: st.DrawFn, request: Request, target: bool = False) -> str:
    """A document path; an update target gets a top-level name no other target of the update uses
    (overlapping targets are rejected before anything else, which would hide the rest)."""
    if target:
        top = draw(st.sampled_from([name for name in TARGETS if name not in request.targeted]))
        request.targeted.add(top)
    else:
        top = draw(st.sampled_from(NAMES))
    text = request.name(top) if draw(st.booleans()) else top
    steps = draw(st.sampled_from([0, 0, 0, 0, 0, 1] if target else [0, 0, 1, 2]))
    for _ in range(steps):
        if draw(st.booleans()):
            text += f".{draw(st.sampled_from(MAP_KEYS))}"
        else:
            text += f"[{draw(st.integers(min_value=0, max_value=2))}]"
    return text


@st.composite
def operands(draw: st.DrawFn, request: Request, update: bool = False) -> str:
    choice = draw(st.integers(min_value=1 if update else 0, max_value=4))
    if choice == 0:
        return f"size({draw(paths(request))})"
    if choice <= 2:
        return draw(paths(request))
    arbitrary = choice == 3 and not update  # arithmetic mostly gets numbers, to get past type errors
    return request.value(draw(scalars | sets if arbitrary else numbers.map(lambda v: {"N": v})))


@st.composite
def comparisons(draw: st.DrawFn, request: Request) -> str:
    kind = draw(st.integers(min_value=0, max_value=9))
    if kind <= 2:
        return f"{draw(operands(request))} {draw(st.sampled_from(COMPARATORS))} {draw(operands(request))}"
    if kind == 3:
        return f"{draw(operands(request))} BETWEEN {draw(operands(request))} AND {draw(operands(request))}"
    if kind == 4:
        listed = [draw(operands(request)) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
        return f"{draw(operands(request))} IN ({', '.join(listed)})"
    if kind == 5:
        return (
            f"{draw(st.sampled_from(['attribute_exists', 'attribute_not_exists']))}({draw(paths(request))})"
        )
    if kind == 6:
        type_name = request.value({"S": draw(st.sampled_from(TYPE_NAMES))})
        return f"attribute_type({draw(paths(request))}, {type_name})"
    if kind == 7:
        prefix = request.value(draw(texts.map(lambda v: {"S": v}) | binaries.map(lambda v: {"B": v})))
        return f"begins_with({draw(paths(request))}, {prefix})"
    return f"contains({draw(paths(request))}, {draw(operands(request))})"


@st.composite
def conditions(draw: st.DrawFn, request: Request, depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(min_value=0, max_value=2)) == 0:
        return draw(comparisons(request))
    shape = draw(st.sampled_from(["AND", "OR", "NOT", "()"]))
    if shape == "NOT":
        return f"NOT {draw(conditions(request, depth - 1))}"
    if shape == "()":
        return f"({draw(conditions(request, depth - 1))})"
    return f"{draw(conditions(request, depth - 1))} {shape} {draw(conditions(request, depth - 1))}"


@st.composite
def set_actions(draw: st.DrawFn, request: Request) -> str:
    target = draw(paths(request, target=True))
    kind = draw(st.integers(min_value=0, max_value=5))
    if kind <= 1:
        source = request.value(draw(values)) if kind == 0 else draw(paths(request))
    elif kind == 2:
        operator = draw(st.sampled_from(["+", "-"]))
        source = f"{draw(operands(request, update=True))} {operator} {draw(operands(request, update=True))}"
    elif kind == 3:
        source = f"if_not_exists({draw(paths(request))}, {request.value(draw(values))})"
    else:
        tail = request.value({"L": draw(st.lists(scalars, max_size=2))})
        pair = [draw(paths(request)), tail]
        source = f"list_append({', '.join(pair if kind == 4 else pair[::-1])})"
    return f"{target} = {source}"


@st.composite
def updates(draw: st.DrawFn, request: Request) -> str:
    clauses: list[str] = []
    keywords = st.lists(
        st.sampled_from(["SET", "REMOVE", "ADD", "DELETE"]), min_size=1, max_size=3, unique=True
    )
    for keyword in draw(keywords):
        count = draw(st.integers(min_value=1, max_value=2))
        if keyword == "SET":
            actions = [draw(set_actions(request)) for _ in range(count)]
        elif keyword == "REMOVE":
            actions = [draw(paths(request, target=True)) for _ in range(count)]
        else:
            operand = numbers.map(lambda v: {"N": v}) | sets if keyword == "ADD" else sets
            actions = [f"{draw(paths(request, target=True))} {request.value(draw(operand))}"]
        clauses.append(f"{keyword} {', '.join(actions)}")
    return " ".join(clauses)


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """(item, UpdateItem parameters without TableName and Key)."""
    request = Request()
    params: dict[str, Any] = {"UpdateExpression": draw(updates(request)), "ReturnValues": "ALL_NEW"}
    if draw(st.booleans()):
        params["ConditionExpression"] = draw(conditions(request))
    if request.names:
        params["ExpressionAttributeNames"] = request.names
    if request.values:
        params["ExpressionAttributeValues"] = request.values
    return draw(items), params


def _number(text: str) -> str:
    # DynamoDB Local returns arithmetic results as computed ("0.5 + 0.5" -> "1.0"), where AWS and localddb
    # return numbers normalised ("1"); compare numbers by value.
    return str(Decimal(text).normalize())


def canonical(value: Any) -> Any:
    """A value with set members sorted and numbers compared by value, so that equal items compare equal."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for kind, content in value.items():
            if kind == "N":
                out[kind] = _number(content)
            elif kind == "NS":
                out[kind] = sorted(_number(member) for member in content)
            elif kind in ("SS", "BS"):
                out[kind] = sorted(content)
            else:
                out[kind] = canonical(content)
        return out
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def outcome(client: Any, table: str, item: dict[str, Any], params: dict[str, Any]) -> tuple[Any, ...]:
    key = {"pk": {"S": f"diff-{uuid.uuid4().hex}"}}
    client.put_item(TableName=table, Item={**key, **item})
    try:
        response = client.update_item(TableName=table, Key=key, **params)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        if code != "ValidationException":
            return ("error", code)
        if message.startswith(PREFIX_ONLY):
            return ("error", code, message.split(";")[0])
        return ("error", code, message)
    attributes = canonical(response.get("Attributes", {}))
    attributes.pop("pk", None)
    return ("ok", attributes)


@dataclass
class Endpoint:
    client: Any
    table: str


@pytest.fixture(scope="module")
def endpoints(differential_clients: tuple[Any, Any]) -> Iterator[tuple[Endpoint, Endpoint]]:
    pair = []
    for client in differential_clients:
        pair.append(Endpoint(client, create_table(client, unique_name("differential"))))
    yield pair[0], pair[1]
    for endpoint in pair:
        endpoint.client.delete_table(TableName=endpoint.table)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_localddb_agrees_with_the_reference(
    endpoints: tuple[Endpoint, Endpoint], case: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    item, params = case
    local, reference = endpoints
    expected = outcome(reference.client, reference.table, item, params)
    assert outcome(local.client, local.table, item, params) == expected
