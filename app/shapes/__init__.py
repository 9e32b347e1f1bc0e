"""Request validation generated from botocore's service models, answering with AWS's exact errors.

`validate(operation, body)` runs, in AWS's order: the JSON type check (SerializationException, first
mismatch in document order), DynamoDB's checks that precede the model (rules.py), the model's
constraints (ValidationException in Coral's format, up to 10 violations), then the table-name rules.
The returned body is the request with JSON nulls removed from structures and values converted to the
shapes' types ("true" -> True for booleans, 5.5 -> 5 for integers). AttributeValues are only type
checked here; their semantic rules belong to app/values.

Validators are built once per operation, on first use or by `prepare()`, and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from app.errors import SerializationException, UnknownOperationException, ValidationException
from app.shapes import rules
from app.shapes.constraints import violations
from app.shapes.model import ServiceModel, Shape, find_operation, service_models
from app.shapes.serialization import Checker, CheckerBuilder

__all__ = ["known_operation", "operations", "prepare", "validate"]

# Operations whose constraints AWS checks by hand in the handler, not with the model's (observed: the
# legacy global-table operations answer `{}` with the bare "One or more parameter values were invalid").
HAND_CHECKED = frozenset({"CreateGlobalTable", "DescribeGlobalTable", "DescribeGlobalTableSettings"})


@dataclass(frozen=True)
class _Operation:
    name: str
    model: ServiceModel
    shape: Shape | None  # None for an operation without input members
    check: Checker | None
    table_name_rules: bool  # its TableName may be an ARN, so the name rules are checked apart


@cache
def _builder(model: ServiceModel) -> CheckerBuilder:
    return CheckerBuilder(model)


@cache
def _operation(name: str) -> _Operation | None:
    found = find_operation(name)
    if found is None:
        return None
    model, input_name = found
    if not input_name:
        return _Operation(name, model, None, None, False)
    shape = model.shapes[input_name]
    table_name = next((member for member in shape.members if member.name == "TableName"), None)
    check = _builder(model).checker(input_name, True)
    return _Operation(name, model, shape, check, table_name is not None and table_name.shape == "TableArn")


def known_operation(name: str) -> bool:
    """Whether DynamoDB or DynamoDB Streams has an operation of this name."""
    return _operation(name) is not None


def operations() -> frozenset[str]:
    """Every operation of DynamoDB and DynamoDB Streams."""
    return frozenset(name for model in service_models() for name in model.operations)


def prepare() -> None:
    """Build every operation's validator now (at start-up) rather than on its first request."""
    for name in operations():
        _operation(name)


def validate(operation: str, body: object) -> dict[str, Any]:
    """The request `body` (parsed JSON) of `operation`, checked and normalized; raises AWS's error."""
    spec = _operation(operation)
    if spec is None:
        raise UnknownOperationException()
    if type(body) is not dict:
        raise SerializationException()
    if spec.shape is None or spec.check is None:
        return body
    flags: list[None] = []
    spec.check(body, flags)
    if operation in HAND_CHECKED:
        return body  # JSON types checked; the handler checks the rest
    rules.before_model(operation, body)
    if flags:
        message = violations(spec.model, spec.shape, body)
        if message is not None:
            raise ValidationException(message)
    if spec.table_name_rules:
        rules.after_model(operation, body)
    return body
