"""CreateTable's rules for key schemas, attribute definitions and secondary indexes, checked in AWS's
order with AWS's messages.

Sources: AWS messages recorded against live DynamoDB (dynalite's test suite; a 2026 lab catalogue of
DynamoDB error texts). Lists in "Keys: [...], AttributeDefinitions: [...]" messages come out in the
reverse of request order, which fits every recorded AWS message.
"""

from __future__ import annotations

from typing import Any

from app.errors import ValidationException
from app.operations.table_lookup import validation_errors
from app.operations.table_spec import PAY_PER_REQUEST
from app.shapes.javaorder import java_string_hash

INVALID = "One or more parameter values were invalid: "
MAX_LSIS = 5
MAX_GSIS = 20
MAX_PROJECTED_ATTRIBUTES = 100
MAX_KEY_ELEMENTS = 2


def invalid(message: str) -> ValidationException:
    return ValidationException(INVALID + message)


def _element_text(element: dict[str, str]) -> str:
    # AWS prints the list with Java's Object.toString; KeySchemaElement.hashCode() is
    # 1 + hash(attributeName) + hash(keyType): it fits the three elements of dynalite's recorded AWS message.
    hashed = (
        1 + java_string_hash(element["AttributeName"]) + java_string_hash(element["KeyType"])
    ) & 0xFFFFFFFF
    return f"com.amazonaws.dynamodb.v20120810.KeySchemaElement@{hashed:x}"


def check_index_key_schemas(request: dict[str, Any]) -> None:
    """A local secondary index's KeySchema has at most two elements (a Coral constraint of AWS's model;
    app/shapes checks the table's own KeySchema). Global secondary indexes may have multi-attribute keys
    on AWS (up to four HASH and four RANGE elements); localddb does not support those yet."""
    errors = [
        f"Value '[{', '.join(_element_text(e) for e in index['KeySchema'])}]' at "
        f"'localSecondaryIndexes.{position}.member.keySchema' failed to satisfy constraint: Member must have "
        f"length less than or equal to {MAX_KEY_ELEMENTS}"
        for position, index in enumerate(request.get("LocalSecondaryIndexes") or [], start=1)
        if len(index["KeySchema"]) > MAX_KEY_ELEMENTS
    ]
    if errors:
        raise validation_errors(errors)
    for index in request.get("GlobalSecondaryIndexes") or []:
        check_gsi_key_size(index["KeySchema"])


def check_gsi_key_size(keys: list[dict[str, str]]) -> None:
    """Multi-attribute keys of global secondary indexes (AWS: up to four HASH and four RANGE elements)
    are not supported by localddb yet."""
    kinds = [element["KeyType"] for element in keys]
    if len(kinds) > MAX_KEY_ELEMENTS or kinds.count("HASH") > 1:
        raise ValidationException(
            "Multi-attribute keys of global secondary indexes are not supported by localddb yet"
        )


def _listed(names: list[str]) -> str:
    return "[" + ", ".join(reversed(list(dict.fromkeys(names)))) + "]"


def check_keys(keys: list[dict[str, str]], defined: list[str]) -> None:
    """A key schema against the attribute names defined for it: each defined, HASH then RANGE."""
    names = [k["AttributeName"] for k in keys]
    if any(name not in defined for name in names):
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: {_listed(names)}, AttributeDefinitions: {_listed(defined)}"
        )
    if len(names) == 2 and names[0] == names[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if keys[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(keys) == 2 and keys[1]["KeyType"] != "RANGE":
        raise ValidationException("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def _check_table_keys(request: dict[str, Any], defined: list[str]) -> None:
    seen: set[str] = set()
    for name in defined:
        if name in seen:
            raise ValidationException(f"Attribute Name is duplicated: {name}")
        seen.add(name)
    keys = request["KeySchema"]
    if len(keys) > len(defined):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    check_keys(keys, defined)
    has_indexes = "LocalSecondaryIndexes" in request or "GlobalSecondaryIndexes" in request
    if not has_indexes and len(keys) != len(defined):
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in "
            "AttributeDefinitions"
        )


def _check_index_keys(request: dict[str, Any], defined: list[str]) -> None:
    table_keys = request["KeySchema"]
    lsis = request.get("LocalSecondaryIndexes")
    if lsis is not None:
        if not lsis:
            raise invalid("List of LocalSecondaryIndexes is empty")
        if len(table_keys) != 2:
            raise invalid(
                "Table KeySchema does not have a range key, which is required when specifying a "
                "LocalSecondaryIndex"
            )
        table_hash = table_keys[0]["AttributeName"]
        for index in lsis:
            name, keys = index["IndexName"], index["KeySchema"]
            check_keys(keys, defined)
            if len(keys) != 2:
                raise invalid(f"Index KeySchema does not have a range key for index: {name}")
            index_hash = keys[0]["AttributeName"]
            if index_hash != table_hash:
                raise invalid(
                    "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                    f"{name}. index hash key: {index_hash}, table hash key: {table_hash}"
                )
    gsis = request.get("GlobalSecondaryIndexes")
    if gsis is not None:
        if not gsis:
            raise invalid("List of GlobalSecondaryIndexes is empty")
        for index in gsis:
            check_keys(index["KeySchema"], defined)


def _check_all_definitions_used(request: dict[str, Any], defined: list[str]) -> None:
    used = [k["AttributeName"] for k in request["KeySchema"]]
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in request.get(member) or []:
            used.extend(k["AttributeName"] for k in index["KeySchema"])
    if any(name not in used for name in defined):
        raise invalid(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: {_listed(defined)}, "
            f"keys used: {_listed(used)}"
        )


def check_projection(projection: dict[str, Any]) -> int:
    """Validates a projection; returns how many non-key attributes it projects."""
    kind = projection.get("ProjectionType")
    if kind is None:
        raise invalid("Unknown ProjectionType: null")
    attributes = projection.get("NonKeyAttributes")
    if kind == "INCLUDE" and attributes is None:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and attributes is not None:
        raise invalid(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    seen: set[str] = set()
    for attribute in attributes or []:
        if attribute in seen:
            raise invalid(f"Duplicate element in NonKeyAttributes: {attribute}")
        seen.add(attribute)
    return len(seen)


def check_gsi_capacity(index: dict[str, Any], billing_mode: str) -> None:
    name = index["IndexName"]
    if billing_mode == PAY_PER_REQUEST:
        if "ProvisionedThroughput" in index:
            raise invalid(
                f"ProvisionedThroughput should not be specified for index: {name} when BillingMode is "
                "PAY_PER_REQUEST"
            )
        return
    if "ProvisionedThroughput" not in index:
        raise invalid(f"ProvisionedThroughput is not specified for index: {name}")
    on_demand = index.get("OnDemandThroughput") or {}
    for member in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
        if member in on_demand:
            raise invalid(
                f"{member} for OnDemandThroughput for index: {name} cannot be specified when table "
                "BillingMode is PROVISIONED."
            )


def _check_index_details(request: dict[str, Any], billing_mode: str) -> None:
    names: set[str] = set()
    projected = 0

    def check_name(name: str) -> None:
        if name in names:
            raise invalid(f"Duplicate index name: {name}")
        names.add(name)

    lsis = request.get("LocalSecondaryIndexes") or []
    for index in lsis:
        projected += check_projection(index["Projection"])
        check_name(index["IndexName"])
    if len(lsis) > MAX_LSIS:
        raise invalid(f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    gsis = request.get("GlobalSecondaryIndexes") or []
    for index in gsis:
        projected += check_projection(index["Projection"])
        check_gsi_capacity(index, billing_mode)
        check_name(index["IndexName"])
    if len(gsis) > MAX_GSIS:
        raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSIS}")
    if projected > MAX_PROJECTED_ATTRIBUTES:
        raise invalid(
            f"Number of projected attributes in all indexes exceeds limit of {MAX_PROJECTED_ATTRIBUTES}"
        )


def check_schema(request: dict[str, Any], billing_mode: str) -> None:
    """Key schema, attribute definitions and indexes of a CreateTable request (after its Coral checks)."""
    defined = [d["AttributeName"] for d in request["AttributeDefinitions"]]
    _check_table_keys(request, defined)
    _check_index_keys(request, defined)
    if "LocalSecondaryIndexes" in request or "GlobalSecondaryIndexes" in request:
        # Checked before the remaining index rules, so an unused definition masks them (as on AWS).
        _check_all_definitions_used(request, defined)
    _check_index_details(request, billing_mode)
