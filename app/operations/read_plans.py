"""The request-level checks Query and Scan share, made before the table is looked up, with AWS's messages.

- `check_select`: the Select rules (recorded on AWS by moto's verified suite; DynamoDB Local agrees):
  SPECIFIC_ATTRIBUTES needs a projection; ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES and COUNT take none
  (`Cannot specify the ProjectionExpression when choosing to get only the Count`); ALL_PROJECTED_ATTRIBUTES
  needs an IndexName. Query words them inside Coral's `1 validation error detected: ` envelope, Scan bare.
- `start_key_values`: the values of ExclusiveStartKey, checked as any attribute value in the legacy
  layer. AWS (dynalite's recorded suite) prefixes most problems with `The provided starting key is
  invalid: `, but reports those its conversion step finds (numbers, an empty number set, duplicate set
  members) bare.
- `attribute_names`: the top-level attributes a filter reads, in the order it reads them.
- `ReadOptions`: what both operations take from the request once it is checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationException
from app.expressions import Condition, Projection
from app.expressions.operands import PathValue
from app.values.attributes import EMPTY_NUMBER_SET, validate_value
from app.values.dialect import Dialect
from app.values.numbers import NOT_NUMERIC, OVERFLOW, TOO_PRECISE, UNDERFLOW
from storage.api import Item

ALL_ATTRIBUTES = "ALL_ATTRIBUTES"
ALL_PROJECTED_ATTRIBUTES = "ALL_PROJECTED_ATTRIBUTES"
SPECIFIC_ATTRIBUTES = "SPECIFIC_ATTRIBUTES"
COUNT = "COUNT"
CORAL_ONE_ERROR = "1 validation error detected: "
INVALID_START_KEY = "The provided starting key is invalid"
# The messages of the legacy layer's conversion step, which AWS reports without the start-key prefix.
_BARE_PREFIXES = (NOT_NUMERIC, TOO_PRECISE, OVERFLOW, UNDERFLOW)


def check_select(request: Mapping[str, Any], envelope: str) -> None:
    """AWS's rules for Select against the projection parameters and IndexName (`envelope` is prepended
    to the message: Query's Coral envelope, or "" for Scan)."""
    select = request.get("Select")
    if select is None:
        return
    if request.get("ProjectionExpression") is not None:
        projection: str | None = "ProjectionExpression"
    elif request.get("AttributesToGet") is not None:
        projection = "AttributesToGet"
    else:
        projection = None
    if select == SPECIFIC_ATTRIBUTES:
        if projection is None:
            raise ValidationException(
                envelope + "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                "SPECIFIC_ATTRIBUTES"
            )
        return
    if projection is not None:
        wanted = "only the Count" if select == COUNT else select
        raise ValidationException(f"{envelope}Cannot specify the {projection} when choosing to get {wanted}")
    if select == ALL_PROJECTED_ATTRIBUTES and request.get("IndexName") is None:
        raise ValidationException(
            envelope + "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )


def _reported_bare(message: str) -> bool:
    return (
        message == EMPTY_NUMBER_SET or "contains duplicates" in message or message.startswith(_BARE_PREFIXES)
    )


def start_key_values(start_key: Mapping[str, Any] | None) -> Item | None:
    """ExclusiveStartKey with its values checked (canonical numbers), or None when absent."""
    if start_key is None:
        return None
    checked: Item = {}
    for name, value in start_key.items():
        try:
            checked[name] = validate_value(value, Dialect.LEGACY)
        except ValidationException as error:
            if _reported_bare(error.message):
                raise
            raise ValidationException(f"{INVALID_START_KEY}: {error.message}") from None
    return checked


def _collect_names(node: object, out: list[str]) -> None:
    if isinstance(node, PathValue):
        name = node.path[0]
        if isinstance(name, str) and name not in out:
            out.append(name)
    elif isinstance(node, tuple):
        for element in node:
            _collect_names(element, out)
    elif dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            _collect_names(getattr(node, field.name), out)


def attribute_names(condition: Condition) -> list[str]:
    """The top-level attributes `condition` reads, each once, in the order it reads them."""
    names: list[str] = []
    _collect_names(condition.predicate, names)
    return names


def projected_names(projection: Projection) -> list[str]:
    """The top-level attributes a projection names, each once, in the order written."""
    names: list[str] = []
    for path in projection.paths:
        name = path.elements[0]
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def nested_names(projection: Projection) -> frozenset[str]:
    """The top-level attributes a projection reads into with `.` or `[]`."""
    return frozenset(name for name, below in projection.selection.items() if isinstance(name, str) and below)


@dataclass(frozen=True)
class ReadOptions:
    """What Query and Scan take from a checked request, besides their keys.

    `filter_source` names the filter in AWS's messages ("QueryFilter", "ScanFilter" or
    "Filter Expression"); `select` is as sent (None when absent).
    """

    select: str | None
    projection: Projection | None
    filter: Condition | None
    filter_source: str
    start_key: Item | None
    limit: int | None
    consistent: bool
    index_name: str | None
    capacity_mode: str | None

    @property
    def count_only(self) -> bool:
        return self.select == COUNT
