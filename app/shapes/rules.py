"""DynamoDB's own request checks that run around the model-driven validation, with AWS's messages.

`before_model` runs after the JSON types are checked and before the model's constraints:
- CreateTable without TableName: "The parameter 'TableName' is required but was not present in the
  request" (not the usual "Value null at 'tableName'").
- BatchGetItem / BatchWriteItem with RequestItems absent or empty: "The requestItems parameter is
  required for BatchGetItem".

`after_model` runs when the model's constraints hold. TableName accepts a table ARN, so AWS's model
only bounds it to 1-1024 characters; a value that is not an ARN must still be a table name (3-255
characters of [a-zA-Z0-9_.-]), reported in the Coral format whichever region's framework answered
(e.g. "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must
have length greater than or equal to 3").
"""

from __future__ import annotations

import re
from typing import Any

from app.errors import ValidationException
from app.shapes.constraints import error_message, java_length

TABLE_NAME_PATTERN = "[a-zA-Z0-9_.-]+"
_TABLE_NAME = re.compile(TABLE_NAME_PATTERN)
_BATCH_OPERATIONS = frozenset({"BatchGetItem", "BatchWriteItem"})
# The only operation whose TableName names a table to create, so an ARN cannot stand in for it.
_NAME_ONLY_OPERATIONS = frozenset({"CreateTable"})


_TAG_OPERATIONS = frozenset({"TagResource", "UntagResource", "ListTagsOfResource"})


def before_model(operation: str, body: dict[str, Any]) -> None:
    if operation == "CreateTable" and body.get("TableName") is None:
        raise ValidationException("The parameter 'TableName' is required but was not present in the request")
    if operation in _BATCH_OPERATIONS and not body.get("RequestItems"):
        raise ValidationException(f"The requestItems parameter is required for {operation}")
    if operation in _TAG_OPERATIONS and body.get("ResourceArn") is None:
        raise ValidationException("Invalid TableArn")


def _name_errors(name: str) -> list[str]:
    prefix = f"Value '{name}' at 'tableName' failed to satisfy constraint: "
    errors = []
    if not _TABLE_NAME.fullmatch(name):
        errors.append(prefix + f"Member must satisfy regular expression pattern: {TABLE_NAME_PATTERN}")
    length = java_length("string", name)
    if length > 255:
        errors.append(prefix + "Member must have length less than or equal to 255")
    if length < 3:
        errors.append(prefix + "Member must have length greater than or equal to 3")
    return errors


def after_model(operation: str, body: dict[str, Any]) -> None:
    """Call only for operations whose top-level TableName has the model shape `TableArn`."""
    name = body.get("TableName")
    if name is None or (name.startswith("arn:") and operation not in _NAME_ONLY_OPERATIONS):
        return
    errors = _name_errors(name)
    if errors:
        raise ValidationException(error_message(errors))
