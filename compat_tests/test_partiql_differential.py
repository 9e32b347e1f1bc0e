"""Differential property tests of PartiQL: random items with random SELECTs and UPDATEs, run against
localddb AND the reference, which must return the same items (or the same error).

The WHERE clauses are test_differential.py's random FilterExpressions written as PartiQL: `#n`
placeholders become quoted names and `:v` placeholders `?` parameters (in order of appearance), so every
attribute type can be compared, nested paths, functions, BETWEEN, IN, AND/OR/NOT and parentheses
included. Sometimes the clause also names one partition key (a Query), sometimes a SELECT list is asked
for. Scan order is the servers' own, so items are compared as a set. The UPDATEs are test_differential's
random UpdateExpressions the same way (SET as is, each REMOVE path its own clause, ADD and DELETE of sets
as `set_add`/`set_delete`), with a random condition, RETURNING ALL NEW *.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from compat_tests.conftest import create_table, unique_name
from compat_tests.helpers import put_all
from compat_tests.test_differential import (
    NAMES,
    Request,
    canonical,
    conditions,
    items,
    paths,
    set_actions,
    sets,
)

_PLACEHOLDER = re.compile(r"#n\d+|:v\d+")


def as_partiql(expression: str, request: Request) -> tuple[str, list[Any]]:
    """A FilterExpression as a PartiQL condition and its parameters."""
    parameters: list[Any] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("#"):
            return '"' + request.names[token] + '"'
        parameters.append(request.values[token])
        return "?"

    return _PLACEHOLDER.sub(replace, expression), parameters


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str, list[Any]]:
    """(items without their keys, the statement after FROM's table, its parameters)."""
    request = Request()
    where, parameters = as_partiql(draw(conditions(request)), request)
    if draw(st.integers(0, 3)) == 0:
        where = f"pk = 'k{draw(st.integers(0, 3))}' AND ({where})"
    select = "*"
    if draw(st.booleans()):
        select = ", ".join(
            ["pk", *draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))]
        )
    return draw(st.lists(items, max_size=6)), f"SELECT {select} FROM {{table}} WHERE {where}", parameters


def _hex(value: Any) -> str:
    if isinstance(value, bytes):  # boto3 hands binary values over as bytes
        return value.hex()
    raise TypeError(type(value))


def select_all(
    client: Any, items: list[dict[str, Any]], statement: str, parameters: list[Any]
) -> tuple[Any, ...]:
    table = create_table(client, unique_name("differential-pql"))
    try:
        put_all(client, table, [{"pk": {"S": f"k{i}"}, **item} for i, item in enumerate(items)])
        params: dict[str, Any] = {"Statement": statement.format(table=f'"{table}"')}
        if parameters:
            params["Parameters"] = parameters
        found: list[str] = []
        while True:
            page = client.execute_statement(**params)
            found += [json.dumps(canonical(item), default=_hex, sort_keys=True) for item in page["Items"]]
            if "NextToken" not in page:
                return ("ok", sorted(found))
            params["NextToken"] = page["NextToken"]
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
    finally:
        client.delete_table(TableName=table)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_select_agrees_with_the_reference(
    differential_clients: tuple[Any, Any], case: tuple[list[dict[str, Any]], str, list[Any]]
) -> None:
    items, statement, parameters = case
    local, reference = differential_clients
    expected = select_all(reference, items, statement, parameters)
    event("ok" if expected[0] == "ok" else f"error {expected[1]}")
    assert select_all(local, items, statement, parameters) == expected


@st.composite
def updates(draw: st.DrawFn) -> tuple[dict[str, Any], str, list[Any]]:
    """(item without its key, the UPDATE statement with `{table}` and `{key}`, its parameters)."""
    request = Request()
    clauses: list[str] = []
    for keyword in draw(
        st.lists(st.sampled_from(["SET", "REMOVE", "ADD", "DELETE"]), min_size=1, max_size=3)
    ):
        if keyword == "SET":
            clauses.append(
                "SET " + ", ".join(draw(set_actions(request)) for _ in range(draw(st.integers(1, 2))))
            )
        elif keyword == "REMOVE":
            clauses.append(f"REMOVE {draw(paths(request, target=True))}")
        else:
            target = draw(paths(request, target=True))
            operand = request.value(draw(sets))
            function = "set_add" if keyword == "ADD" else "set_delete"
            clauses.append(f"SET {target} = {function}({target}, {operand})")
    text = f"UPDATE {{table}} {' '.join(clauses)} WHERE pk = {{key}}"
    if draw(st.booleans()):
        text += f" AND ({draw(conditions(request))})"
    statement, parameters = as_partiql(text + " RETURNING ALL NEW *", request)
    return draw(items), statement, parameters


@pytest.fixture(scope="module")
def update_tables(differential_clients: tuple[Any, Any]) -> Iterator[tuple[str, str]]:
    names = [create_table(client, unique_name("differential-pql-u")) for client in differential_clients]
    yield names[0], names[1]
    for client, name in zip(differential_clients, names, strict=True):
        client.delete_table(TableName=name)


def update_outcome(
    client: Any, table: str, item: dict[str, Any], statement: str, parameters: list[Any]
) -> Any:
    key = f"diff-{uuid.uuid4().hex}"
    client.put_item(TableName=table, Item={"pk": {"S": key}, **item})
    params: dict[str, Any] = {"Statement": statement.format(table=f'"{table}"', key=f"'{key}'")}
    if parameters:
        params["Parameters"] = parameters
    try:
        answer = client.execute_statement(**params)
    except ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])
    found = [canonical(found) for found in answer["Items"]]
    for entry in found:
        entry.pop("pk", None)
    return ("ok", found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=updates())
def test_update_agrees_with_the_reference(
    differential_clients: tuple[Any, Any],
    update_tables: tuple[str, str],
    case: tuple[dict[str, Any], str, list[Any]],
) -> None:
    item, statement, parameters = case
    local, reference = differential_clients
    local_table, reference_table = update_tables
    expected = update_outcome(reference, reference_table, item, statement, parameters)
    event("ok" if expected[0] == "ok" else f"error {expected[1]}")
    assert update_outcome(local, local_table, item, statement, parameters) == expected
