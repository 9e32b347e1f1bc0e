"""The five expression kinds and the `Invalid <Kind>: …` error every expression problem is reported as."""

from __future__ import annotations

from enum import Enum

from app.errors import ValidationException


class ExpressionKind(Enum):
    """An expression parameter of the API; the value is the parameter name AWS puts in its messages."""

    CONDITION = "ConditionExpression"
    FILTER = "FilterExpression"
    KEY_CONDITION = "KeyConditionExpression"
    PROJECTION = "ProjectionExpression"
    UPDATE = "UpdateExpression"


def invalid(kind: ExpressionKind, detail: str) -> ValidationException:
    """The error for a problem in one expression, e.g. `Invalid ProjectionExpression: <detail>`."""
    return ValidationException(f"Invalid {kind.value}: {detail}")
