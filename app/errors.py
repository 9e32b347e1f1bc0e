"""The one error hierarchy of localddb and the one function that renders an error for the wire.

Every AWS error type is a subclass of `DynamoDBError` that knows its `__type` namespace, its HTTP status,
the casing of its message key (`message` for most, `Message` for the coral service errors that AWS
renders that way) and any extra fields it carries (`Item`, `CancellationReasons`). Handlers raise these;
`render` is the only place that turns one into bytes.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson

DYNAMODB = "com.amazonaws.dynamodb.v20120810#"
CORAL_VALIDATE = "com.amazon.coral.validate#"
CORAL_SERVICE = "com.amazon.coral.service#"
CORAL_AVAILABILITY = "com.amazon.coral.availability#"


class DynamoDBError(Exception):
    """Base of every error that reaches a client. Subclasses set the class variables."""

    namespace: ClassVar[str] = DYNAMODB
    status: ClassVar[int] = 400
    message_key: ClassVar[str] = "message"
    # AWS omits the message entirely for a few errors (and an empty message is still rendered as such).
    omit_empty_message: ClassVar[bool] = False

    def __init__(self, message: str = "", **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"__type": self.namespace + self.type_name()}
        if self.message or not self.omit_empty_message:
            out[self.message_key] = self.message
        out.update(self.extra)
        return out


def render(error: DynamoDBError) -> tuple[int, bytes]:
    """HTTP status and JSON body of an error, exactly as AWS puts them on the wire."""
    return error.status, orjson.dumps(error.body())


# --- com.amazon.coral.validate ---------------------------------------------------------------------------


class ValidationException(DynamoDBError):
    namespace = CORAL_VALIDATE


# --- com.amazon.coral.service ----------------------------------------------------------------------------


class SerializationException(DynamoDBError):
    namespace = CORAL_SERVICE
    message_key = "Message"
    omit_empty_message = True  # malformed JSON gets a bare `{"__type": …}`, as on AWS


class UnknownOperationException(DynamoDBError):
    namespace = CORAL_SERVICE
    omit_empty_message = True


class MissingAuthenticationTokenException(DynamoDBError):
    namespace = CORAL_SERVICE


class IncompleteSignatureException(DynamoDBError):
    namespace = CORAL_SERVICE


class InvalidSignatureException(DynamoDBError):
    namespace = CORAL_SERVICE


class UnrecognizedClientException(DynamoDBError):
    namespace = CORAL_SERVICE


class AccessDeniedException(DynamoDBError):
    namespace = CORAL_SERVICE


class RequestEntityTooLarge(DynamoDBError):
    namespace = CORAL_SERVICE
    status = 413


class InternalFailure(DynamoDBError):
    namespace = CORAL_SERVICE
    status = 500


class ThrottlingException(DynamoDBError):
    namespace = CORAL_AVAILABILITY


# --- com.amazonaws.dynamodb.v20120810 --------------------------------------------------------------------


class ResourceNotFoundException(DynamoDBError):
    pass


class ResourceInUseException(DynamoDBError):
    pass


class LimitExceededException(DynamoDBError):
    pass


class ConditionalCheckFailedException(DynamoDBError):
    pass


class ProvisionedThroughputExceededException(DynamoDBError):
    pass


class RequestLimitExceeded(DynamoDBError):
    pass


class ItemCollectionSizeLimitExceededException(DynamoDBError):
    pass


class TransactionCanceledException(DynamoDBError):
    message_key = "Message"


class TransactionConflictException(DynamoDBError):
    pass


class TransactionInProgressException(DynamoDBError):
    pass


class IdempotentParameterMismatchException(DynamoDBError):
    message_key = "Message"


class DuplicateItemException(DynamoDBError):
    pass


class ExpiredIteratorException(DynamoDBError):
    pass


class TrimmedDataAccessException(DynamoDBError):
    pass


class PolicyNotFoundException(DynamoDBError):
    pass


class GlobalTableNotFoundException(DynamoDBError):
    pass


class InternalServerError(DynamoDBError):
    status = 500
