"""The legacy (pre-expression) parameters that older SDKs and ORMs still send, checked as AWS checks them
and turned into the engine's own objects, so that one evaluation path serves both front ends:

    check_not_mixed(request, operation)            # first of all the request's own checks, as on AWS
    legacy_condition(request) -> Condition | None   # Expected + ConditionalOperator
    legacy_update(request) -> Update | None         # AttributeUpdates
    legacy_projection(params) -> Projection | None  # AttributesToGet
    legacy_filter(request, "QueryFilter" | "ScanFilter") -> Condition | None
    legacy_key_conditions(request) -> tuple[AttributeCondition, ...] | None   # KeyConditions

The handlers use the results as they use compiled expressions: `condition.evaluate(old_item)`,
`update.apply(old_item, key)`, `update.check_key_attributes(key_names)` once the table is known, and
`update.updated_attributes(item)` for ReturnValues UPDATED_OLD / UPDATED_NEW. A legacy update always
creates a missing item, as just its key if nothing else (so does an UpdateItem with neither
AttributeUpdates nor UpdateExpression). Attribute values are checked in the operation's dialect
(`Dialect.LEGACY` for Scan).

AWS's order for the checks these take part in (dynalite's suite, recorded on AWS, and DynamoDB Local):
PutItem: mixing; ExpressionAttributeNames/Values without an expression; Item values; ReturnValues;
item size; Expected; the expressions; then the table. UpdateItem: mixing; names/values without an
expression; Key values; AttributeUpdates; Expected; the expressions; then the table, the key schema and
the key-attribute check. DeleteItem: mixing; names/values; Key values; Expected; expressions. GetItem:
mixing; names; Key values; AttributesToGet; ProjectionExpression.

A parameter counts as present for the mixing check whenever it is in the request, even as `{}` or `""`
(AWS, per dynalite's recorded suite; DynamoDB Local ignores empty ones). KeyConditions only counts when
KeyConditionExpression is there too. Both lists are in AWS's fixed order, whatever the request's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.errors import ValidationException
from app.expressions import Condition, Projection, Update
from app.expressions.ast import AttributePath
from app.operations.legacy_conditions import (
    EMPTY_NAME,
    AttributeCondition,
    Operator,
    condition_entries,
    expected_condition,
    filter_condition,
)
from app.operations.legacy_updates import attribute_updates
from app.values.attributes import INVALID
from app.values.dialect import Dialect

__all__ = [
    "AttributeCondition",
    "Operator",
    "check_not_mixed",
    "legacy_condition",
    "legacy_filter",
    "legacy_key_conditions",
    "legacy_projection",
    "legacy_update",
]

LEGACY_ORDER = (
    "AttributeUpdates",
    "AttributesToGet",
    "Expected",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
    "KeyConditions",
)
EXPRESSION_ORDER = (
    "UpdateExpression",
    "ProjectionExpression",
    "ConditionExpression",
    "FilterExpression",
    "KeyConditionExpression",
)
# Per operation (or request part): its legacy parameters and its expression parameters.
_PARAMETERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "GetItem": (frozenset({"AttributesToGet"}), frozenset({"ProjectionExpression"})),
    "BatchGetItem": (frozenset({"AttributesToGet"}), frozenset({"ProjectionExpression"})),
    "PutItem": (frozenset({"Expected", "ConditionalOperator"}), frozenset({"ConditionExpression"})),
    "DeleteItem": (frozenset({"Expected", "ConditionalOperator"}), frozenset({"ConditionExpression"})),
    "UpdateItem": (
        frozenset({"AttributeUpdates", "Expected", "ConditionalOperator"}),
        frozenset({"UpdateExpression", "ConditionExpression"}),
    ),
    "Query": (
        frozenset({"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}),
        frozenset({"ProjectionExpression", "FilterExpression", "KeyConditionExpression"}),
    ),
    "Scan": (
        frozenset({"AttributesToGet", "ScanFilter", "ConditionalOperator"}),
        frozenset({"ProjectionExpression", "FilterExpression"}),
    ),
}


def check_not_mixed(params: Mapping[str, Any], operation: str) -> None:
    """Refuse legacy and expression parameters in one request (`operation` names the API operation;
    for BatchGetItem pass one table's KeysAndAttributes)."""
    legacy, expressions = _PARAMETERS[operation]
    used_expressions = [
        name for name in EXPRESSION_ORDER if name in expressions and params.get(name) is not None
    ]
    if not used_expressions:
        return
    used_legacy = [
        name
        for name in LEGACY_ORDER
        if name in legacy
        and params.get(name) is not None
        and (name != "KeyConditions" or params.get("KeyConditionExpression") is not None)
    ]
    if used_legacy:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(used_legacy)}}} "
            f"Expression parameters: {{{', '.join(used_expressions)}}}"
        )


def legacy_condition(request: Mapping[str, Any], dialect: Dialect = Dialect.CURRENT) -> Condition | None:
    """The condition of `Expected` and `ConditionalOperator` (PutItem, UpdateItem, DeleteItem); None when
    the request has none. Attribute values are checked in `dialect`."""
    return expected_condition(request.get("Expected"), request.get("ConditionalOperator"), dialect)


def legacy_update(request: Mapping[str, Any], dialect: Dialect = Dialect.CURRENT) -> Update | None:
    """The checked `AttributeUpdates` of an UpdateItem request; None when it has none."""
    updates = request.get("AttributeUpdates")
    return attribute_updates(updates, dialect) if updates is not None else None


def legacy_projection(params: Mapping[str, Any]) -> Projection | None:
    """The projection of `AttributesToGet` (top-level names, taken literally: `a.b` is one name); None
    when absent. GetItem, Query, Scan, and BatchGetItem's KeysAndAttributes."""
    names: list[Any] | None = params.get("AttributesToGet")
    if names is None:
        return None
    seen: set[str] = set()
    for name in names:
        if not name:
            raise ValidationException(EMPTY_NAME)
        if name in seen:
            raise ValidationException(f"{INVALID}Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection.of(tuple(AttributePath((name,)) for name in names))


def legacy_filter(
    request: Mapping[str, Any], field: str, dialect: Dialect = Dialect.CURRENT
) -> Condition | None:
    """The condition of a Query's `QueryFilter` or a Scan's `ScanFilter` (`field`) with
    `ConditionalOperator`; None without one."""
    return filter_condition(request.get(field), request.get("ConditionalOperator"), dialect)


def legacy_key_conditions(
    request: Mapping[str, Any], dialect: Dialect = Dialect.CURRENT
) -> tuple[AttributeCondition, ...] | None:
    """The checked entries of a Query's `KeyConditions` (values and operator arguments); None when
    absent. Checking them against the key schema needs the table and belongs to Query."""
    conditions = request.get("KeyConditions")
    return condition_entries(conditions, dialect) if conditions is not None else None
