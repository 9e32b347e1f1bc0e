"""ExecuteStatement SELECT: key lookups, Queries and Scans with filters, SELECT lists, indexes, ORDER BY,
Limit and NextToken, parameters, consistent reads and consumed capacity.

Expected answers are the reference's (DynamoDB Local runs DynamoDB's PartiQL front end) where it agrees
with AWS's documentation ("PartiQL select statements for DynamoDB", the ExecuteStatement API reference).
Items of several partitions are compared without order: their order is the storage's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from compat_tests.conftest import Target, create_table, localddb_client, unique_name
from compat_tests.helpers import advance_clock, error_of, n, put_all, s, validation

Item = dict[str, Any]
ONE = n("1")

ITEMS: list[Item] = [
    {"pk": s("p"), "sk": n("1"), "v": s("one"), "g": s("G"), "x": n("10")},
    {
        "pk": s("p"),
        "sk": n("2"),
        "v": s("two"),
        "g": s("G"),
        "x": n("20"),
        "m": {"M": {"n": {"L": [n("1")]}}},
    },
    {"pk": s("p"), "sk": n("3"), "v": s("three"), "x": n("30"), "s": {"SS": ["a", "b"]}},
    {"pk": s("p"), "sk": n("4"), "v": {"NULL": True}, "l": {"L": [{"L": [n("1"), n("2")]}, n("3")]}},
    {"pk": s("p"), "sk": n("5"), "v": s("five"), "a": {"M": {"b": n("7"), "c": {"L": [s("c0"), s("c1")]}}}},
    {"pk": s("q"), "sk": n("1"), "v": s("q-one"), "g": s("H"), "x": n("20")},
    {"pk": s("q"), "sk": n("2"), "v": s("q-two")},
    {"pk": s("r"), "sk": n("1"), "v": s("r-one")},
]
BY_G = {
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "N"},
        {"AttributeName": "g", "AttributeType": "S"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by_g",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}
KEY_TYPE = "Key attribute's data type should match its data type in table's schema: Key "
RNF_WORDING = "DynamoDB Local says 'Cannot do operations on a non-existent table'"
NO_CAPACITY = "DynamoDB Local returns no ConsumedCapacity for PartiQL statements"


@pytest.fixture(scope="module")
def table(target: Target) -> Iterator[str]:
    client = target.client()
    name = create_table(client, unique_name("pql-sel"), range_key=("sk", "N"), **BY_G)
    put_all(client, name, ITEMS)
    yield name
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


def run(ddb: Any, statement: str, *parameters: Any, **params: Any) -> dict[str, Any]:
    if parameters:
        params["Parameters"] = list(parameters)
    answer: dict[str, Any] = ddb.execute_statement(Statement=statement, **params)
    answer.pop("ResponseMetadata", None)
    return answer


def keys(items: list[Item]) -> list[tuple[str, int]]:
    return [(item["pk"]["S"], int(item["sk"]["N"])) for item in items]


def select_keys(ddb: Any, statement: str, *parameters: Any) -> list[tuple[str, int]]:
    return keys(run(ddb, statement, *parameters)["Items"])


def original(pk: str, sk: int) -> Item:
    return next(item for item in ITEMS if item["pk"]["S"] == pk and item["sk"]["N"] == str(sk))


# --- reads by key -------------------------------------------------------------------------------------------


def test_whole_key_returns_the_item(ddb: Any, table: str) -> None:
    assert run(ddb, f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?', s("p"), n("2")) == {
        "Items": [original("p", 2)]
    }
    assert run(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND sk = 9") == {"Items": []}


def test_keywords_are_case_insensitive_and_names_are_not(ddb: Any, table: str) -> None:
    assert keys(run(ddb, f"select * from \"{table}\" where pk = 'r'")["Items"]) == [("r", 1)]
    assert run(ddb, f"SELECT * FROM \"{table}\" WHERE PK = 'r'") == {"Items": []}
    assert run(ddb, f"SELECT V FROM \"{table}\" WHERE pk = 'r'") == {"Items": [{}]}


def test_partition_key_reads_one_partition_in_sort_order(ddb: Any, table: str) -> None:
    assert select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p'") == [("p", k) for k in range(1, 6)]
    assert select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE 'q' = pk") == [("q", 1), ("q", 2)]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("sk > 2", [3, 4, 5]),
        ("sk <= 2", [1, 2]),
        ("sk BETWEEN 2 AND 4", [2, 3, 4]),
        ("sk IN [1, 5]", [1, 5]),
        ("(sk = 1 OR sk = 3)", [1, 3]),
        ("NOT sk = 2", [1, 3, 4, 5]),
        ("sk = 1 AND sk = 2", []),
    ],
)
def test_sort_key_conditions(ddb: Any, table: str, condition: str, expected: list[int]) -> None:
    found = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND {condition}")
    assert found == [("p", k) for k in expected]


@pytest.mark.reference_deviation("DynamoDB Local reads `2 < sk` in a Query as `sk < 2`")
def test_a_sort_key_condition_written_value_first(ddb: Any, table: str) -> None:
    found = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND 2 < sk")
    assert found == [("p", 3), ("p", 4), ("p", 5)]


def test_order_by_the_sort_key(ddb: Any, table: str) -> None:
    down = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' ORDER BY sk DESC")
    assert down == [("p", k) for k in range(5, 0, -1)]
    up = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' ORDER BY pk, sk ASC")
    assert up == [("p", k) for k in range(1, 6)]
    both = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk IN ['q', 'r'] ORDER BY sk DESC")
    assert both == [("q", 2), ("q", 1), ("r", 1)]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            'SELECT * FROM "{t}" ORDER BY pk',
            "Must have WHERE clause in the statement when using ORDER BY clause.",
        ),
        (
            'SELECT * FROM "{t}" WHERE sk = 1 ORDER BY sk',
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY "
            "clause.",
        ),
        (
            "SELECT * FROM \"{t}\" WHERE pk = 'p' ORDER BY v",
            "Variable reference v in ORDER BY clause must be part of the primary key",
        ),
    ],
)
def test_order_by_errors(ddb: Any, table: str, statement: str, message: str) -> None:
    assert validation(ddb.execute_statement, Statement=statement.format(t=table)) == message


def test_several_partition_keys(ddb: Any, table: str) -> None:
    for where in ("pk IN ['r', 'q', 'zz']", "pk = 'r' OR pk = 'q'", "pk = 'r' OR (pk = 'q' AND v <> 'x')"):
        found = select_keys(ddb, f'SELECT * FROM "{table}" WHERE {where}')
        assert sorted(found) == [("q", 1), ("q", 2), ("r", 1)], where
    found = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk IN ['q', 'r'] AND sk > 1")
    assert found == [("q", 2)]


# --- filters (a Scan) ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("x = 20", [("p", 2), ("q", 1)]),
        ("x = 20.0", [("p", 2), ("q", 1)]),
        ("x > 10 AND x < 30", [("p", 2), ("q", 1)]),
        ("x IN [10, 30]", [("p", 1), ("p", 3)]),
        ("x IN (10, 30)", [("p", 1), ("p", 3)]),
        ("x NOT IN [10, 30] AND pk = 'p'", [("p", 2), ("p", 4), ("p", 5)]),
        ("x BETWEEN 15 AND 30", [("p", 2), ("p", 3), ("q", 1)]),
        ("x NOT BETWEEN 15 AND 30 AND pk = 'p'", [("p", 1), ("p", 4), ("p", 5)]),
        ("begins_with(v, 'q-')", [("q", 1), ("q", 2)]),
        ("contains(v, 'hre')", [("p", 3)]),
        ("contains(s, 'b')", [("p", 3)]),
        ("size(v) = 5", [("p", 3), ("q", 1), ("q", 2), ("r", 1)]),
        ("attribute_exists(m)", [("p", 2)]),
        ("attribute_not_exists(x) AND pk = 'p'", [("p", 4), ("p", 5)]),
        ("m IS NOT MISSING", [("p", 2)]),
        ("x IS MISSING AND pk = 'p'", [("p", 4), ("p", 5)]),
        ("v IS NULL", [("p", 4)]),
        ("v IS NOT NULL AND pk = 'p'", [("p", 1), ("p", 2), ("p", 3), ("p", 5)]),
        ("v = NULL", [("p", 4)]),
        ("s IS MISSING AND pk = 'q'", [("q", 1), ("q", 2)]),
        ("v IS STRING AND pk = 'p'", [("p", 1), ("p", 2), ("p", 3), ("p", 5)]),
        ("x IS NUMERIC AND pk = 'p'", [("p", 1), ("p", 2), ("p", 3)]),
        ("a IS STRUCT", [("p", 5)]),
        ("l IS LIST", [("p", 4)]),
        ("attribute_type(s, 'SS')", [("p", 3)]),
        ("m.n[0] = 1", [("p", 2)]),
        ("a.c[1] = 'c1'", [("p", 5)]),
        ("a['b'] = 7", [("p", 5)]),
        ("x <> 20 AND pk = 'q'", [("q", 2)]),
        ("x != 20 AND pk = 'q'", [("q", 2)]),
        ("NOT x = 20 AND pk = 'q'", [("q", 2)]),
        ("x = 10 OR v = 'r-one'", [("p", 1), ("r", 1)]),
        ("pk = 'q' OR v = 'one'", [("p", 1), ("q", 1), ("q", 2)]),
        ("v = 'missing-value'", []),
    ],
)
def test_filters(ddb: Any, table: str, where: str, expected: list[tuple[str, int]]) -> None:
    assert sorted(select_keys(ddb, f'SELECT * FROM "{table}" WHERE {where}')) == expected


def test_a_scan_of_everything(ddb: Any, table: str) -> None:
    assert sorted(select_keys(ddb, f'SELECT * FROM "{table}"')) == sorted(keys(ITEMS))


# --- SELECT lists -------------------------------------------------------------------------------------------


def test_select_list_names_each_value_after_its_last_name(ddb: Any, table: str) -> None:
    answer = run(ddb, f"SELECT v, a.b, a.c[0], l[0][1], zz, a.yy FROM \"{table}\" WHERE pk = 'p' AND sk >= 4")
    assert answer["Items"] == [
        {"v": {"NULL": True}, "l[0][1]": n("2")},
        {"v": s("five"), "b": n("7"), "c[0]": s("c0")},
    ]


def test_select_list_keeps_whole_values(ddb: Any, table: str) -> None:
    answer = run(ddb, f'SELECT "a", pk FROM "{table}" WHERE pk = \'p\' AND sk = 5')
    assert answer["Items"] == [{"a": original("p", 5)["a"], "pk": s("p")}]


@pytest.mark.parametrize(
    ("select", "message"),
    [
        ("a.b, b", "Duplicate identifiers in select clause: b"),
        ("pk, pk", "Duplicate identifiers in select clause: pk"),
        (
            "a.c[0], a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a, c, [0]]",
        ),
        ("a.*", "Changing item's hierarchy while reading isn't supported"),
        ("a AS z", "Aliasing is not supported"),
        ("count(*)", "Unexpected path component at 1:8:5"),
        ("x + 1", "Unexpected path component at 1:10:1"),
        ("a.c[-1]", "List index is not within the allowable range; index: [-1] at 1:13:1"),
        ("VALUE x", "Select projection doesn't support value or pivot keywords"),
    ],
)
def test_select_list_errors(ddb: Any, table: str, select: str, message: str) -> None:
    assert validation(ddb.execute_statement, Statement=f'SELECT {select} FROM "{table}"') == message


# --- indexes ------------------------------------------------------------------------------------------------


def test_select_from_a_global_index(ddb: Any, table: str) -> None:
    found = select_keys(ddb, f'SELECT * FROM "{table}"."by_g" WHERE g = \'G\'')
    assert sorted(found) == [("p", 1), ("p", 2)]
    everything = select_keys(ddb, f'SELECT * FROM "{table}"."by_g"')
    assert sorted(everything) == [("p", 1), ("p", 2), ("q", 1)]


def test_index_errors(ddb: Any, table: str) -> None:
    message = validation(ddb.execute_statement, Statement=f'SELECT * FROM "{table}"."nope"')
    assert message == "The table does not have the specified index: nope"
    message = validation(
        ddb.execute_statement,
        Statement=f'SELECT * FROM "{table}"."by_g" WHERE g = \'G\'',
        ConsistentRead=True,
    )
    assert message == "Consistent reads are not supported on global secondary indexes"


# --- Limit and NextToken ------------------------------------------------------------------------------------


def pages(ddb: Any, statement: str, limit: int) -> list[list[Item]]:
    found: list[list[Item]] = []
    token = None
    while True:
        params: dict[str, Any] = {"Statement": statement, "Limit": limit}
        if token is not None:
            params["NextToken"] = token
        answer = ddb.execute_statement(**params)
        found.append(answer["Items"])
        token = answer.get("NextToken")
        if token is None:
            return found


def test_limit_and_next_token_walk_a_query(ddb: Any, table: str) -> None:
    walked = pages(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p'", 2)
    assert [keys(page) for page in walked] == [[("p", 1), ("p", 2)], [("p", 3), ("p", 4)], [("p", 5)]]


def test_a_page_that_reaches_the_limit_has_a_token_even_at_the_end(ddb: Any, table: str) -> None:
    walked = pages(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'q'", 2)
    assert [keys(page) for page in walked] == [[("q", 1), ("q", 2)], []]


def test_limit_walks_several_partitions_in_turn(ddb: Any, table: str) -> None:
    walked = pages(ddb, f"SELECT * FROM \"{table}\" WHERE pk IN ['q', 'r'] ORDER BY sk", 2)
    assert [len(page) for page in walked] == [2, 1]
    assert sorted(keys([item for page in walked for item in page])) == [("q", 1), ("q", 2), ("r", 1)]


def test_limit_counts_items_read_not_items_returned(ddb: Any, table: str) -> None:
    walked = pages(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'p' AND v = 'five'", 2)
    assert [keys(page) for page in walked] == [[], [], [("p", 5)]]
    everything = pages(ddb, f'SELECT * FROM "{table}" WHERE x = 20', 3)
    assert sorted(keys([item for page in everything for item in page])) == [("p", 2), ("q", 1)]


def test_invalid_next_tokens(ddb: Any, table: str) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'p'"
    assert validation(ddb.execute_statement, Statement=statement, NextToken="garbage") == "Invalid NextToken"


@pytest.mark.localddb_only("moves the server's clock (--admin)")
def test_a_next_token_expires_after_an_hour(target: Target) -> None:
    with localddb_client("--admin") as ddb:
        name = create_table(ddb, unique_name("partiql-token"))
        put_all(ddb, name, [{"pk": s(f"p{i}")} for i in range(3)])
        statement = f'SELECT * FROM "{name}"'
        token = ddb.execute_statement(Statement=statement, Limit=1)["NextToken"]
        advance_clock(ddb.meta.endpoint_url, 3700)
        message = validation(ddb.execute_statement, Statement=statement, NextToken=token)
        assert message == "Given NextToken has already expired"


def test_a_next_token_of_another_table(ddb: Any, table: str, hash_table: str) -> None:
    ddb.execute_statement(Statement=f"INSERT INTO \"{hash_table}\" VALUE {{'pk': '{unique_name('t')}'}}")
    token = ddb.execute_statement(Statement=f'SELECT * FROM "{hash_table}"', Limit=1)["NextToken"]
    message = validation(ddb.execute_statement, Statement=f'SELECT * FROM "{table}"', NextToken=token)
    assert message == "Exclusive Start Key must have same size as table's key schema"


def test_limit_is_at_least_one(ddb: Any, table: str) -> None:
    message = validation(ddb.execute_statement, Statement=f'SELECT * FROM "{table}"', Limit=0)
    assert message == (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


# --- parameters ---------------------------------------------------------------------------------------------


def test_parameters_fill_the_question_marks_in_order(ddb: Any, table: str) -> None:
    found = select_keys(
        ddb, f'SELECT * FROM "{table}" WHERE pk = ? AND sk BETWEEN ? AND ?', s("p"), n("2"), n("3")
    )
    assert found == [("p", 2), ("p", 3)]
    found = select_keys(ddb, f'SELECT * FROM "{table}" WHERE x IN [?, ?]', n("10"), n("30"))
    assert sorted(found) == [("p", 1), ("p", 3)]


def test_extra_parameters_are_ignored(ddb: Any, table: str) -> None:
    found = select_keys(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'r'", s("x"), n("1"))
    assert found == [("r", 1)]


def test_missing_parameters(ddb: Any, table: str) -> None:
    statement = f'SELECT * FROM "{table}" WHERE pk = ? AND sk = ?'
    message = validation(ddb.execute_statement, Statement=statement, Parameters=[s("p")])
    assert message == "Number of parameters in request and statement don't match."
    message = validation(ddb.execute_statement, Statement=statement)
    assert message == "Number of parameters in request and statement don't match."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes",
        ),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ],
)
def test_invalid_parameter_values(ddb: Any, table: str, value: Item, message: str) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'p'"
    assert validation(ddb.execute_statement, Statement=statement, Parameters=[value]) == message


def test_parameter_count_comes_before_the_table(ddb: Any) -> None:
    statement = f'SELECT * FROM "{unique_name("nope")}" WHERE pk = ?'
    message = validation(ddb.execute_statement, Statement=statement)
    assert message == "Number of parameters in request and statement don't match."


# --- key values ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("pk = 1", "Key attribute's data type should match its data type in table's schema: Key pk"),
        (
            "pk = 'p' AND sk = 'x'",
            "Key attribute's data type should match its data type in table's schema: Key sk",
        ),
        (
            "pk = 'p' AND sk > 'x'",
            "Key attribute's data type should match its data type in table's schema: Key sk",
        ),
        (
            "pk = ''",
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            "contain an empty string value. Key: pk",
        ),
        (
            "pk = 'p' AND sk IN ['a']",
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
    ],
)
def test_key_value_errors(ddb: Any, table: str, where: str, message: str) -> None:
    assert validation(ddb.execute_statement, Statement=f'SELECT * FROM "{table}" WHERE {where}') == message


# --- capacity and consistency -------------------------------------------------------------------------------


def test_consistent_read(ddb: Any, table: str) -> None:
    answer = run(ddb, f"SELECT * FROM \"{table}\" WHERE pk = 'r'", ConsistentRead=True)
    assert keys(answer["Items"]) == [("r", 1)]


@pytest.mark.reference_deviation(NO_CAPACITY)
def test_consumed_capacity_of_a_query(ddb: Any, table: str) -> None:
    statement = f"SELECT * FROM \"{table}\" WHERE pk = 'r'"
    answer = run(ddb, statement, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}
    answer = run(ddb, statement, ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.5},
    }


@pytest.mark.reference_deviation(RNF_WORDING)
def test_unknown_table(ddb: Any) -> None:
    code, message = error_of(ddb.execute_statement, Statement=f'SELECT * FROM "{unique_name("nope")}"')
    assert (code, message) == ("ResourceNotFoundException", "Requested resource not found")


# --- indexes that project only keys -------------------------------------------------------------------------

KEYS_ONLY = {
    "AttributeDefinitions": [
        {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "g", "l")
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "g_keys",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
    "LocalSecondaryIndexes": [
        {
            "IndexName": "l_keys",
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "l", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ],
}


@pytest.fixture(scope="module")
def keys_only(target: Target) -> Iterator[str]:
    client = target.client()
    name = create_table(client, unique_name("pql-keys"), range_key=("sk", "S"), **KEYS_ONLY)
    client.put_item(
        TableName=name, Item={"pk": s("a"), "sk": s("1"), "g": s("G"), "l": s("L"), "v": s("val")}
    )
    yield name
    with contextlib.suppress(ClientError):
        client.delete_table(TableName=name)


def test_an_index_returns_its_entries(ddb: Any, keys_only: str) -> None:
    entry = {"pk": s("a"), "sk": s("1"), "g": s("G")}
    assert run(ddb, f'SELECT * FROM "{keys_only}"."g_keys" WHERE g = \'G\'') == {"Items": [entry]}
    local = {"pk": s("a"), "sk": s("1"), "l": s("L")}
    assert run(ddb, f'SELECT * FROM "{keys_only}"."l_keys" WHERE pk = \'a\'') == {"Items": [local]}


def test_a_global_index_only_returns_what_it_projects(ddb: Any, keys_only: str) -> None:
    statement = f'SELECT pk, v FROM "{keys_only}"."g_keys" WHERE g = \'G\''
    assert validation(ddb.execute_statement, Statement=statement) == (
        "One or more parameter values were invalid: Global secondary index g_keys does not project [v]"
    )


def test_a_local_index_fetches_what_it_does_not_hold(ddb: Any, keys_only: str) -> None:
    table = keys_only
    assert run(ddb, f'SELECT v, l FROM "{table}"."l_keys" WHERE pk = \'a\'') == {
        "Items": [{"v": s("val"), "l": s("L")}]
    }
    local = {"pk": s("a"), "sk": s("1"), "l": s("L")}
    assert run(ddb, f"SELECT * FROM \"{table}\".\"l_keys\" WHERE pk = 'a' AND v = 'val'") == {
        "Items": [local]
    }
    assert run(ddb, f'SELECT * FROM "{table}"."l_keys" WHERE v = \'other\'') == {"Items": []}
