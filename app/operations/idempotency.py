"""ClientRequestToken: a request repeated with the same token within 10 minutes is answered, not applied
again. Usable by any operation that takes a token (TransactWriteItems, ExecuteTransaction).

AWS's rules (TransactWriteItems' API reference, DynamoDB Local where the reference is silent):

- A token is valid for 10 minutes after the first request that used it completed; after that the same
  token starts a new request. Time is the server's clock (`ctx.clock`).
- The same token and the same request: the first result again, without applying anything twice. What is
  compared is the request without the token and without the parameters that only shape the response
  (ReturnConsumedCapacity, ReturnItemCollectionMetrics): DynamoDB Local accepts a repeat that asks for
  other ones, and compares values, not their JSON spelling (attribute order is free). The caller renders
  the repeat's response with the repeat's own parameters (AWS: "subsequent TransactWriteItems calls with
  the same client token return the number of read capacity units consumed in reading the item").
- The same token with another request: IdempotentParameterMismatchException (DynamoDB Local sends an
  empty message; AWS documents none).
- The same token while the first request is still running: TransactionInProgressException ("The
  transaction with the given request token is already in progress.", the API reference's description).
- A request that failed (cancelled, invalid) leaves no trace: its token may be used again at once.
- Tokens belong to an account and region (`ctx.namespace`) and to one operation, and to one server:
  the store lives in the server's `Services`, handed to every request in its Context.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import orjson

from app.errors import IdempotentParameterMismatchException, TransactionInProgressException
from storage.api import Namespace

if TYPE_CHECKING:
    from app.operations.registry import Context

T = TypeVar("T")

WINDOW_SECONDS = 600.0
IN_PROGRESS = "The transaction with the given request token is already in progress."
MISMATCH = ""
RESPONSE_SHAPING = frozenset({"ClientRequestToken", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"})

TokenKey = tuple[Namespace, str, str]  # namespace, operation, token


@dataclass
class _Entry:
    fingerprint: bytes
    value: Any = None
    completed_at: float | None = None  # None: the first request is still running


class IdempotencyStore:
    """The tokens one server has seen in the last 10 minutes, and the results of their requests."""

    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        self.window = window
        self._entries: dict[TokenKey, _Entry] = {}
        self._completed: deque[tuple[float, TokenKey]] = deque()  # in completion order

    def __len__(self) -> int:
        return len(self._entries)

    def expire(self, now: float) -> None:
        """Forget every token whose window has passed."""
        while self._completed and self._completed[0][0] + self.window <= now:
            completed_at, key = self._completed.popleft()
            entry = self._entries.get(key)
            if entry is not None and entry.completed_at == completed_at:
                del self._entries[key]

    def lookup(self, key: TokenKey, fingerprint: bytes) -> _Entry | None:
        """The completed entry of a repeated request, or None for a new token; raises AWS's error for a
        different request under the same token, or for one whose first request still runs."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.fingerprint != fingerprint:
            raise IdempotentParameterMismatchException(MISMATCH)
        if entry.completed_at is None:
            raise TransactionInProgressException(IN_PROGRESS)
        return entry

    def begin(self, key: TokenKey, fingerprint: bytes) -> None:
        self._entries[key] = _Entry(fingerprint)

    def abandon(self, key: TokenKey) -> None:
        self._entries.pop(key, None)

    def complete(self, key: TokenKey, value: Any, now: float) -> None:
        entry = self._entries[key]
        entry.value = value
        entry.completed_at = now
        self._completed.append((now, key))


def fingerprint(request: Mapping[str, Any]) -> bytes:
    """A digest equal for two requests exactly when they are the same request for idempotency."""
    compared = {name: value for name, value in request.items() if name not in RESPONSE_SHAPING}
    return hashlib.blake2b(orjson.dumps(compared, option=orjson.OPT_SORT_KEYS), digest_size=16).digest()


async def idempotent(
    ctx: Context,
    operation: str,
    token: str | None,
    request: Mapping[str, Any],
    run: Callable[[], Awaitable[T]],
) -> tuple[T, bool]:
    """`run()`'s result and False, or, for a repeat of a completed request with the same token, the first
    run's result and True (nothing runs again). Without a token, simply runs."""
    if token is None:
        return await run(), False
    store = ctx.idempotency
    store.expire(ctx.clock.now())
    key = (ctx.namespace, operation, token)
    digest = fingerprint(request)
    entry = store.lookup(key, digest)
    if entry is not None:
        return cast(T, entry.value), True
    store.begin(key, digest)
    try:
        value = await run()
    except BaseException:
        store.abandon(key)
        raise
    store.complete(key, value, ctx.clock.now())
    return value, False
