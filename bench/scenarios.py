"""The benchmark scenarios: one `Scenario` entry each in SCENARIOS.

A scenario is an operation name (signed into the X-Amz-Target header), a setup that prepares a fresh server
through boto3 and returns the constants its Lua code needs, and a Lua snippet defining `next_body()`, the
JSON body of each request. The snippet may use those constants, RUN_ID (unique per wrk run), and the
per-thread globals `thread_id` and `request_count` (see bench/wrk_script.lua). Adding a scenario is adding
one entry below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bench.tables import (
    PAYLOAD_ATTRIBUTE,
    batch_put_items,
    create_hash_range_table,
    create_hash_table,
    create_indexed_table,
    payload,
    put_items,
)
from bench.wrk import LuaValue


@dataclass(frozen=True)
class SetupOptions:
    """Knobs of the setups, from the command line."""

    preload_items: int


@dataclass(frozen=True)
class Scenario:
    name: str
    operation: str
    description: str
    setup: Callable[[Any, SetupOptions], Mapping[str, LuaValue]]
    lua_next_body: str


# RUN_ID is 6 hex digits; with thread and request numbers a put key is about this long.
PUT_KEY_LENGTH = len("a1b2c3-0-100000")
GET_KEY_FORMAT = "item-%06d"
# Query and Scan read pages of this many items (~20 KB of ~200-byte items, well under the 1 MB page).
PAGE_LIMIT = 100
QUERY_ITEMS_PER_KEY = 200
QUERY_KEY_FORMAT = "group-%04d"


def _setup_put(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    return {"TABLE": create_hash_table(dynamodb, "bench_put"), "PAYLOAD": payload(PUT_KEY_LENGTH)}


# The put_gsi item's index keys: `g` one of 16 values, `h` the run id (with their names ~20 bytes).
GSI_KEYS_LENGTH = len("g") + len("g15") + len("h") + len("a1b2c3")


def _setup_put_gsi(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    table = create_indexed_table(dynamodb, "bench_put_gsi")
    return {"TABLE": table, "PAYLOAD": payload(PUT_KEY_LENGTH + GSI_KEYS_LENGTH)}


def _preloaded(
    dynamodb: Any, options: SetupOptions, table_name: str, extra: Mapping[str, Any] | None = None
) -> Mapping[str, LuaValue]:
    """A table holding `options.preload_items` ~200-byte items (plus `extra` attributes each)."""
    table = create_hash_table(dynamodb, table_name)
    keys = [GET_KEY_FORMAT % n for n in range(options.preload_items)]
    put_items(dynamodb, table, keys, payload(len(keys[0])), extra)
    return {"TABLE": table, "ITEM_COUNT": options.preload_items, "KEY_FORMAT": GET_KEY_FORMAT}


def _setup_get(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    return _preloaded(dynamodb, options, "bench_get")


def _setup_update(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    return _preloaded(dynamodb, options, "bench_update", extra={"c": {"N": "0"}})


def _setup_transact(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    return _preloaded(dynamodb, options, "bench_transact", extra={"c": {"N": "0"}})


def _setup_query(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    """`--preload` items (at least one partition key's worth) under partition keys of
    QUERY_ITEMS_PER_KEY items each, sort keys 0, 1, ..."""
    table = create_hash_range_table(dynamodb, "bench_query")
    key_count = max(1, options.preload_items // QUERY_ITEMS_PER_KEY)
    # pk, plus "sk" and a sort key number of at most 3 bytes (DynamoDB's number size)
    value = payload(len(QUERY_KEY_FORMAT % 0) + len("sk") + 3)
    items = [
        {"pk": {"S": QUERY_KEY_FORMAT % k}, "sk": {"N": str(sk)}, PAYLOAD_ATTRIBUTE: {"S": value}}
        for k in range(key_count)
        for sk in range(QUERY_ITEMS_PER_KEY)
    ]
    batch_put_items(dynamodb, table, items)
    return {"TABLE": table, "KEY_COUNT": key_count, "KEY_FORMAT": QUERY_KEY_FORMAT, "LIMIT": PAGE_LIMIT}


def _setup_scan(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    """`--preload` ~200-byte items in a table keyed by `pk` alone."""
    table = create_hash_table(dynamodb, "bench_scan")
    keys = [GET_KEY_FORMAT % n for n in range(options.preload_items)]
    value = payload(len(keys[0]))
    batch_put_items(dynamodb, table, [{"pk": {"S": key}, PAYLOAD_ATTRIBUTE: {"S": value}} for key in keys])
    return {"TABLE": table, "LIMIT": PAGE_LIMIT}


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in [
        Scenario(
            name="put",
            operation="PutItem",
            description="PutItem of a new ~200-byte item per request (a distinct key each time)",
            setup=_setup_put,
            lua_next_body="""
function next_body()
  return '{"TableName":"' .. TABLE .. '","Item":{"pk":{"S":"' .. RUN_ID .. "-" .. thread_id .. "-"
    .. request_count .. '"},"payload":{"S":"' .. PAYLOAD .. '"}}}'
end
""",
        ),
        Scenario(
            name="put_gsi",
            operation="PutItem",
            description="PutItem of a new ~200-byte item per request into a table with two global "
            "secondary indexes (ALL on `g`, one of 16 values; KEYS_ONLY on `h`, `pk`)",
            setup=_setup_put_gsi,
            lua_next_body="""
function next_body()
  return '{"TableName":"' .. TABLE .. '","Item":{"pk":{"S":"' .. RUN_ID .. "-" .. thread_id .. "-"
    .. request_count .. '"},"g":{"S":"g' .. (request_count % 16) .. '"},"h":{"S":"' .. RUN_ID
    .. '"},"payload":{"S":"' .. PAYLOAD .. '"}}}'
end
""",
        ),
        Scenario(
            name="get",
            operation="GetItem",
            description="GetItem (eventually consistent) of a random one of the preloaded ~200-byte items",
            setup=_setup_get,
            lua_next_body="""
function next_body()
  local key = string.format(KEY_FORMAT, math.random(0, ITEM_COUNT - 1))
  return '{"TableName":"' .. TABLE .. '","Key":{"pk":{"S":"' .. key .. '"}}}'
end
""",
        ),
        Scenario(
            name="update",
            operation="UpdateItem",
            description="UpdateItem `SET #c = #c + :one` if `attribute_exists(pk)`, random preloaded item",
            setup=_setup_update,
            lua_next_body="""
function next_body()
  local key = string.format(KEY_FORMAT, math.random(0, ITEM_COUNT - 1))
  return '{"TableName":"' .. TABLE .. '","Key":{"pk":{"S":"' .. key .. '"}},'
    .. '"UpdateExpression":"SET #c = #c + :one","ConditionExpression":"attribute_exists(pk)",'
    .. '"ExpressionAttributeNames":{"#c":"c"},"ExpressionAttributeValues":{":one":{"N":"1"}}}'
end
""",
        ),
        Scenario(
            name="transact",
            operation="TransactWriteItems",
            description="TransactWriteItems of two UpdateItems (`SET #c = #c - :one` / `+ :one`, each if "
            "`attribute_exists(pk)`) on two preloaded items, a new pair per request (no conflicts)",
            setup=_setup_transact,
            # Pairs (2n, 2n+1) in request order, so the <= 16 requests in flight never share an item;
            # a second wrk thread starts half-way through the items.
            lua_next_body="""
function update(key, sign)
  return '{"Update":{"TableName":"' .. TABLE .. '","Key":{"pk":{"S":"' .. key .. '"}},'
    .. '"UpdateExpression":"SET #c = #c ' .. sign .. ' :one","ConditionExpression":"attribute_exists(pk)",'
    .. '"ExpressionAttributeNames":{"#c":"c"},"ExpressionAttributeValues":{":one":{"N":"1"}}}}'
end

function next_body()
  local pairs = math.floor(ITEM_COUNT / 2)
  local first = 2 * ((request_count + thread_id * math.floor(pairs / 2)) % pairs)
  return '{"TransactItems":[' .. update(string.format(KEY_FORMAT, first), "-") .. ','
    .. update(string.format(KEY_FORMAT, first + 1), "+") .. ']}'
end
""",
        ),
        Scenario(
            name="query",
            operation="Query",
            description="Query `pk = :pk` with Limit 100 (eventually consistent) on a random partition key "
            "of 200 ~200-byte items",
            setup=_setup_query,
            lua_next_body="""
function next_body()
  local key = string.format(KEY_FORMAT, math.random(0, KEY_COUNT - 1))
  return '{"TableName":"' .. TABLE .. '","KeyConditionExpression":"pk = :pk",'
    .. '"ExpressionAttributeValues":{":pk":{"S":"' .. key .. '"}},"Limit":' .. LIMIT .. '}'
end
""",
        ),
        Scenario(
            name="scan",
            operation="Scan",
            description="Scan with Limit 100 (eventually consistent): the first page of a table of the "
            "preloaded ~200-byte items",
            setup=_setup_scan,
            lua_next_body="""
function next_body()
  return '{"TableName":"' .. TABLE .. '","Limit":' .. LIMIT .. '}'
end
""",
        ),
    ]
}
