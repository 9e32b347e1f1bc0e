"""What BatchGetItem and BatchWriteItem share: the identity of a key for the duplicate check, and the
per-table `ConsumedCapacity` list of a batch response.

Two requests name the same item when their keys hold equal values: keys are compared after
`validate_item` has put their numbers in canonical form, so `{"N": "1"}` and `{"N": "1.0"}` are the same
key, as they are the same item in storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from app.errors import ValidationException
from app.operations.capacity import Consumption, render
from storage.api import Item

DUPLICATE_KEYS = "Provided list of item keys contains duplicates"


def key_identity(key: Item) -> bytes:
    """Bytes equal for two checked keys exactly when they name the same item (attribute order aside)."""
    return orjson.dumps(key, option=orjson.OPT_SORT_KEYS)


class DuplicateKeyCheck:
    """Refuses the second request for a key already seen (AWS's message)."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()

    def add(self, key: Item) -> None:
        identity = key_identity(key)
        if identity in self._seen:
            raise ValidationException(DUPLICATE_KEYS)
        self._seen.add(identity)


def consumed_capacity_list(
    mode: str | None, per_table: Iterable[tuple[str, Consumption]]
) -> list[dict[str, Any]] | None:
    """A batch response's `ConsumedCapacity`: one entry per table in request order, or None when the
    request did not ask for it (ReturnConsumedCapacity NONE or absent)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    entries = []
    for table, consumption in per_table:
        entry = render(mode, table, consumption)
        if entry is not None:
            entries.append(entry)
    return entries
