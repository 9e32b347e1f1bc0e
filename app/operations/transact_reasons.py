"""Why a transaction was cancelled: AWS's `CancellationReasons`, the TransactionCanceledException that
carries them, and which errors of one action fail the whole request instead.

A cancelled TransactWriteItems or TransactGetItems answers TransactionCanceledException, message
"Transaction cancelled, please refer cancellation reasons for specific reasons [None,
ConditionalCheckFailed]", with one reason per action in action order (AWS's wire form, as AWS SDK bug
reports and the moto suite recorded against AWS):

- `{"Code": "None"}` for an action with nothing wrong;
- `{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}`, with `Item` (the
  item as it was) when the action asked for ReturnValuesOnConditionCheckFailure ALL_OLD and the item
  exists (DynamoDB Local ends the message with a period; AWS does not);
- `{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}` when another
  transaction in flight holds the item;
- `{"Code": "ItemCollectionSizeLimitExceeded", "Message": "Collection size exceeded"}` when a write would
  take an item collection past its limit;
- `{"Code": "ValidationError", "Message": …}` for an action AWS can only judge against the table or the
  stored item: a key of the wrong type or shape ("The provided key element does not match the schema",
  or PutItem's "Type mismatch for key pk expected: S actual: N"), an index key of the wrong type, an
  update that writes a key attribute, makes the item too large ("Item size to update has exceeded the
  maximum allowed size") or meets an operand of the wrong type.

What AWS can tell from the request alone is the request's own ValidationException, never a reason
(captured on AWS by the 2026 conformance suite): empty string or binary key values and index key values
("One or more parameter values are not valid. …"), paths into key attributes ("Key attributes must be
scalars; …"), malformed expressions, oversized Put items. `is_request_error` tells those apart by their
wording, which AWS keeps distinct ("are not valid." up front, "were invalid:" per action), so a mutation
that raises one at apply time still fails the request as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.errors import (
    ConditionalCheckFailedException,
    DynamoDBError,
    TransactionCanceledException,
    ValidationException,
)
from storage.api import ItemCollectionTooLarge, TransactionConflict

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"
TRANSACTION_ONGOING = "Transaction is ongoing for the item"
COLLECTION_TOO_LARGE = "Collection size exceeded"
DUPLICATE_ITEMS = "Transaction request cannot include multiple operations on one item"
_REQUEST_ERROR_PREFIXES = (
    "One or more parameter values are not valid.",
    "Key attributes must be scalars;",
)


def is_request_error(error: ValidationException) -> bool:
    """Whether AWS reports this error as the whole request's ValidationException rather than as the
    ValidationError reason of one action (module docstring)."""
    return error.message.startswith(_REQUEST_ERROR_PREFIXES)


def reason_of(error: BaseException | None) -> dict[str, Any]:
    """The wire `CancellationReason` of one action; re-raises an error that is no reason (a bug)."""
    if error is None:
        return {"Code": "None"}
    if isinstance(error, TransactionConflict):
        return {"Code": "TransactionConflict", "Message": TRANSACTION_ONGOING}
    if isinstance(error, ItemCollectionTooLarge):
        return {"Code": "ItemCollectionSizeLimitExceeded", "Message": COLLECTION_TOO_LARGE}
    if isinstance(error, ConditionalCheckFailedException):
        reason: dict[str, Any] = {"Code": "ConditionalCheckFailed"}
        if "Item" in error.extra:
            reason["Item"] = error.extra["Item"]
        reason["Message"] = error.message
        return reason
    if isinstance(error, ValidationException):
        return {"Code": "ValidationError", "Message": error.message}
    raise error


def cancellation(reasons: Sequence[BaseException | None]) -> DynamoDBError:
    """The error a transaction with these per-action reasons answers: the first request-level
    ValidationException among them, else TransactionCanceledException with every reason in order."""
    for error in reasons:
        if isinstance(error, ValidationException) and is_request_error(error):
            return error
    rendered = [reason_of(error) for error in reasons]
    codes = ", ".join(reason["Code"] for reason in rendered)
    return TransactionCanceledException(CANCELLED.format(codes), CancellationReasons=rendered)
