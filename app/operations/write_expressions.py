"""The expressions of a single-item write, compiled once per distinct text and maps.

Resolving an UpdateExpression or ConditionExpression against its ExpressionAttributeNames/Values (and
validating those values) costs far more than the write itself; applications send the same few
expressions with the same few values again and again (`SET #c = #c + :one`). So the compiled pair is kept
in an LRU keyed by the texts and the maps as sent. Compiling is a pure function of those, the compiled
objects are immutable, and failures are not cached, so a hit gives exactly what compiling again would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from app.expressions import (
    Condition,
    ExpressionKind,
    ExpressionMaps,
    Update,
    compile_condition,
    compile_update,
)

CACHE_SIZE = 2048


@dataclass(frozen=True, slots=True)
class WriteExpressions:
    update: Update | None
    condition: Condition | None


def write_expressions(request: Mapping[str, Any], fields: tuple[str, ...]) -> WriteExpressions:
    """The compiled UpdateExpression (when `fields` has it) and ConditionExpression of `request`, in
    AWS's order (the update first). Call `ExpressionMaps.for_request` first: whether the maps may be
    given at all is checked before the item's values, and compiling comes after those."""
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    return _compiled(
        fields,
        request.get("UpdateExpression") if "UpdateExpression" in fields else None,
        request.get("ConditionExpression"),
        None if names is None else orjson.dumps(names),
        None if values is None else orjson.dumps(values),
    )


@lru_cache(maxsize=CACHE_SIZE)
def _compiled(
    fields: tuple[str, ...],
    update_text: str | None,
    condition_text: str | None,
    names_json: bytes | None,
    values_json: bytes | None,
) -> WriteExpressions:
    params = {
        "UpdateExpression": update_text,
        "ConditionExpression": condition_text,
        "ExpressionAttributeNames": None if names_json is None else orjson.loads(names_json),
        "ExpressionAttributeValues": None if values_json is None else orjson.loads(values_json),
    }
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    update = compile_update(update_text, maps)
    condition = compile_condition(ExpressionKind.CONDITION, condition_text, maps)
    maps.check_all_used()
    return WriteExpressions(update, condition)
