"""The request shapes of DynamoDB and DynamoDB Streams, as AWS's own server validates them.

Built once from botocore's service models (`dynamodb` and `dynamodbstreams`, both served on this
endpoint), then adjusted where the published model and AWS's server model are observed to differ
(`SERVER_REQUIRED`, `LATER_MEMBERS`). Every shape becomes a frozen `Shape`; structures list their
members in the order AWS validates and reports them (see javaorder.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.loaders

from app.shapes.javaorder import enum_order, hashmap_order

SCALAR_KINDS = frozenset({"string", "integer", "long", "double", "boolean", "blob", "timestamp"})

# Members AWS requires although botocore's model does not: CreateTable without AttributeDefinitions or
# KeySchema is answered "Value null at 'keySchema' failed to satisfy constraint: Member must not be null".
SERVER_REQUIRED: dict[str, tuple[str, ...]] = {
    "CreateTableInput": ("AttributeDefinitions", "KeySchema"),
}

# Constraints AWS enforces on one member although the model's shape lacks them: the model dropped
# KeySchema's maximum when GSIs gained multi-attribute keys, but a table's key schema still answers
# "Value '[KeySchemaElement(...), ...]' at 'keySchema' failed to satisfy constraint: Member must have
# length less than or equal to 2".
SERVER_CONSTRAINTS: dict[tuple[str, str], dict[str, int]] = {
    ("CreateTableInput", "KeySchema"): {"max": 2},
}

# Constraints of botocore's model that AWS leaves to the operation: tagging checks tags itself ("The Tag
# Key provided is invalid, Key: null" where the model would say "Member must not be null").
UNCHECKED_REQUIRED: dict[str, tuple[str, ...]] = {"Tag": ("Key", "Value")}
UNCHECKED_LENGTHS = frozenset({"TagKeyString", "TagValueString"})

# Members added to an input after the 2012 API, which AWS's model appends where botocore interleaves
# them. It decides the order of members that fall in the same HashMap bucket (AWS reports Query's
# `returnConsumedCapacity` before `queryFilter`, which share one).
LATER_MEMBERS: dict[str, tuple[str, ...]] = {
    "QueryInput": ("QueryFilter", "ConditionalOperator"),
    "ScanInput": (
        "ConditionalOperator",
        "ProjectionExpression",
        "FilterExpression",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues",
        "IndexName",
        "ConsistentRead",
    ),
    "UpdateItemInput": ("ConditionalOperator",),
    "DeleteItemInput": ("ConditionalOperator",),
}


@dataclass(frozen=True)
class Constraints:
    """The model's constraints on one value; lengths are Java lengths (UTF-16 units, bytes, entries)."""

    min_length: int | None = None
    max_length: int | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    pattern: str | None = None  # as written in the model (Java syntax), for messages
    regex: re.Pattern[str] | None = None  # the same pattern for Python's `re`
    enum: tuple[str, ...] = ()  # in AWS's message order
    enum_set: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return (
            self.min_length is None
            and self.max_length is None
            and self.min_value is None
            and self.max_value is None
            and self.regex is None
            and not self.enum
        )


@dataclass(frozen=True)
class Member:
    name: str  # as on the wire: `TableName`
    path_name: str  # as in validation messages: `tableName`
    shape: str
    required: bool


@dataclass(frozen=True)
class Shape:
    name: str
    kind: str  # structure, list, map, or one of SCALAR_KINDS
    constraints: Constraints
    members: tuple[Member, ...] = ()  # structures, in AWS's validation order
    model_order: tuple[str, ...] = ()  # structures: member names as the model lists them (for toString)
    element: str = ""  # lists: the member shape
    key: str = ""  # maps
    value: str = ""  # maps


@dataclass(frozen=True, eq=False)  # compared (and hashed) by identity: there is one per service
class ServiceModel:
    operations: dict[str, str]  # operation -> input shape name ("" when it takes no input)
    shapes: dict[str, Shape]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def python_regex(java_pattern: str) -> re.Pattern[str]:
    """Java's regex dialect as used by the model, for `fullmatch` (Java's `matches()`)."""
    pattern = java_pattern.replace("\\p{Print}", "[\\x20-\\x7E]")
    # Java writes supplementary characters as surrogate pairs; Python strings hold code points.
    pattern = pattern.replace("\\uD800\\uDC00-\\uDBFF\\uDFFF", "\\U00010000-\\U0010FFFF")
    return re.compile(pattern, re.ASCII)


def _constraints(kind: str, raw: dict[str, Any]) -> Constraints:
    minimum, maximum = raw.get("min"), raw.get("max")
    sized = kind in {"string", "blob", "list", "map"}
    pattern = raw.get("pattern")
    enum = tuple(enum_order(raw["enum"])) if "enum" in raw else ()
    return Constraints(
        min_length=minimum if sized and minimum else None,
        max_length=maximum if sized else None,
        min_value=minimum if not sized else None,
        max_value=maximum if not sized else None,
        pattern=pattern,
        regex=python_regex(pattern) if pattern else None,
        enum=enum,
        enum_set=frozenset(enum),
    )


def _insertion_order(name: str, members: list[str]) -> list[str]:
    later = [member for member in LATER_MEMBERS.get(name, ()) if member in members]
    return [member for member in members if member not in later] + later


def _shape(name: str, raw: dict[str, Any]) -> Shape:
    kind = raw["type"]
    if name in UNCHECKED_LENGTHS:
        raw = {k: v for k, v in raw.items() if k not in ("min", "max")}
    constraints = _constraints(kind, raw)
    if kind == "structure":
        names = list(raw.get("members", {}))
        required = set(raw.get("required", ())) | set(SERVER_REQUIRED.get(name, ()))
        required -= set(UNCHECKED_REQUIRED.get(name, ()))
        by_path = {lower_first(member): member for member in names}
        ordered = hashmap_order([lower_first(member) for member in _insertion_order(name, names)])
        members = tuple(
            Member(by_path[path], path, raw["members"][by_path[path]]["shape"], by_path[path] in required)
            for path in ordered
        )
        return Shape(name, kind, constraints, members=members, model_order=tuple(names))
    if kind == "list":
        return Shape(name, kind, constraints, element=raw["member"]["shape"])
    if kind == "map":
        return Shape(name, kind, constraints, key=raw["key"]["shape"], value=raw["value"]["shape"])
    if kind not in SCALAR_KINDS:
        raise ValueError(f"shape {name} has unsupported type {kind}")
    return Shape(name, kind, constraints)


def _apply_server_constraints(raw_shapes: dict[str, Any]) -> None:
    """Give each member in SERVER_CONSTRAINTS a copy of its shape with the extra constraints."""
    for (structure, member), extra in SERVER_CONSTRAINTS.items():
        if structure not in raw_shapes:
            continue
        reference = raw_shapes[structure]["members"][member]
        derived = f"{reference['shape']}@{structure}.{member}"
        raw_shapes[derived] = {**raw_shapes[reference["shape"]], **extra}
        raw_shapes[structure]["members"][member] = {**reference, "shape": derived}


def _load(service: str) -> ServiceModel:
    raw = botocore.loaders.Loader().load_service_model(service, "service-2")
    _apply_server_constraints(raw["shapes"])
    shapes = {name: _shape(name, definition) for name, definition in raw["shapes"].items()}
    operations = {
        name: operation.get("input", {}).get("shape", "") for name, operation in raw["operations"].items()
    }
    return ServiceModel(operations, shapes)


@cache
def service_models() -> tuple[ServiceModel, ...]:
    """DynamoDB's model, then DynamoDB Streams' (the two share no operation name)."""
    return (_load("dynamodb"), _load("dynamodbstreams"))


def find_operation(operation: str) -> tuple[ServiceModel, str] | None:
    """The model serving `operation` and its input shape name, or None if neither API has it."""
    for model in service_models():
        if operation in model.operations:
            return model, model.operations[operation]
    return None
