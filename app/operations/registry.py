"""The one dispatch table: operation name -> handler, and the Context every handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.clock import Clock
from app.operations.idempotency import IdempotencyStore
from app.settings import Settings
from storage import Cluster
from storage.api import Namespace

Request = dict[str, Any]
Response = dict[str, Any]


@dataclass(frozen=True)
class Context:
    """What a handler may use besides its request: who is asking, and the services of this server."""

    namespace: Namespace
    cluster: Cluster
    settings: Settings
    clock: Clock
    request_id: str
    host: str
    # The server's ClientRequestToken store (the endpoint passes its own; a default suits tests).
    idempotency: IdempotencyStore = field(default_factory=IdempotencyStore)


Handler = Callable[[Request, Context], Awaitable[Response]]

REGISTRY: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under its AWS operation name (`CreateTable`, `GetRecords`, …)."""

    def register(handler: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"operation {name} registered twice")
        REGISTRY[name] = handler
        return handler

    return register
