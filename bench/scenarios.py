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

from bench.tables import create_hash_table, payload, put_items
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


def _setup_put(dynamodb: Any, options: SetupOptions) -> Mapping[str, LuaValue]:
    return {"TABLE": create_hash_table(dynamodb, "bench_put"), "PAYLOAD": payload(PUT_KEY_LENGTH)}


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
    ]
}
