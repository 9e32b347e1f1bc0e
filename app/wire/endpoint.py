"""The DynamoDB endpoint: every HTTP request to the server passes through `DynamoDBEndpoint`.

It applies AWS's checks in AWS's order (as observed on DynamoDB):
body size (413) -> CORS preflight -> `GET` health check -> method and content type (404) ->
JSON (SerializationException) -> `X-Amz-Target` (UnknownOperationException) -> SigV4 (auth errors) ->
empty body (SerializationException) -> request shape (app/shapes) -> the operation's handler.
Errors are rendered by `app.errors.render`, the only renderer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import orjson

from app import errors
from app.auth import CredentialStore, authenticate
from app.clock import Clock
from app.operations import REGISTRY, Context
from app.operations.idempotency import IdempotencyStore
from app.settings import Settings
from app.shapes import validate
from app.wire.http import (
    BadEncoding,
    BodyTooLarge,
    Receive,
    Scope,
    Send,
    decode_content,
    header_map,
    new_request_id,
    read_body,
    send_response,
)
from storage import Cluster
from storage.api import IndexNotFound, ItemCollectionTooLarge, Namespace, TableNotFound, TransactionConflict

log = logging.getLogger("localddb.wire")

DYNAMODB_PREFIX = "DynamoDB_20120810."
STREAMS_PREFIX = "DynamoDBStreams_20120810."
TRANSACTION_ONGOING = "Transaction is ongoing for the item"
COLLECTION_TOO_LARGE = "Collection size exceeded"
# Operations of the DynamoDB Streams API, served on the same endpoint under their own target prefix.
STREAM_OPERATIONS = frozenset({"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"})
JSON_CONTENT_TYPES = {
    "application/x-amz-json-1.0": b"application/x-amz-json-1.0",
    "application/x-amz-json-1.1": b"application/x-amz-json-1.1",
    "application/json": b"application/json",
}
NOT_FOUND_BODY = b"<UnknownOperationException/>\n"


@dataclass
class Services:
    """What the endpoint serves with; filled in when the application starts (see app/main.py)."""

    settings: Settings
    clock: Clock
    credentials: CredentialStore
    cluster: Cluster | None = None
    idempotency: IdempotencyStore = field(default_factory=IdempotencyStore)  # ClientRequestTokens seen


class DynamoDBEndpoint:
    """An ASGI application answering the DynamoDB JSON protocol on any path."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = new_request_id()
        headers = header_map(scope)
        cors = "origin" in headers
        try:
            body = await read_body(receive)
        except BodyTooLarge:
            await send_response(send, 413, b"", request_id, None, cors, crc32=False)
            return
        method: str = scope["method"]
        if method == "OPTIONS" and cors:
            await self._preflight(send, request_id, headers)
            return
        if method == "GET":
            health = f"healthy: dynamodb.{self.services.settings.region}.amazonaws.com ".encode()
            await send_response(send, 200, health, request_id, b"text/plain", cors)
            return
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        response_type = JSON_CONTENT_TYPES.get(content_type)
        if method != "POST" or (body and response_type is None):
            await send_response(send, 404, NOT_FOUND_BODY, request_id, None, cors)
            return
        response_type = response_type or JSON_CONTENT_TYPES["application/x-amz-json-1.0"]
        try:
            payload = await self._dispatch(scope, headers, body, request_id)
            status = 200
        except errors.DynamoDBError as error:
            status, payload = errors.render(error)
            if status >= 500:
                log.error("request %s failed: %s", request_id, error.message)
        except (TableNotFound, IndexNotFound):
            # The table (or the index read) was deleted between the handler's lookup and its storage call.
            status, payload = errors.render(errors.ResourceNotFoundException("Requested resource not found"))
        except ItemCollectionTooLarge:
            # A write to a table with local indexes would take an item collection past its size limit.
            status, payload = errors.render(
                errors.ItemCollectionSizeLimitExceededException(COLLECTION_TOO_LARGE)
            )
        except TransactionConflict:
            # A single-item write met an item held by a transaction in flight.
            status, payload = errors.render(errors.TransactionConflictException(TRANSACTION_ONGOING))
        except Exception:
            log.exception("internal error in request %s", request_id)
            status, payload = errors.render(errors.InternalServerError("Internal server error"))
        await send_response(send, status, payload, request_id, response_type, cors)

    async def _preflight(self, send: Send, request_id: str, headers: dict[str, str]) -> None:
        extra = [(b"access-control-max-age", b"172800")]
        if "access-control-request-headers" in headers:
            extra.append(
                (b"access-control-allow-headers", headers["access-control-request-headers"].encode())
            )
        if "access-control-request-method" in headers:
            extra.append((b"access-control-allow-methods", headers["access-control-request-method"].encode()))
        await send_response(send, 200, b"", request_id, None, cors=True, crc32=False, extra=extra)

    async def _dispatch(
        self, scope: Scope, headers: dict[str, str], raw_body: bytes, request_id: str
    ) -> bytes:
        services = self.services
        try:
            body = decode_content(raw_body, headers.get("content-encoding", ""))
        except BadEncoding:
            raise errors.SerializationException() from None
        except BodyTooLarge:
            raise errors.RequestEntityTooLarge() from None
        data: object = None
        if body:
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                raise errors.SerializationException() from None
        operation = _operation_name(headers.get("x-amz-target", ""))
        handler = REGISTRY.get(operation) if operation else None
        if handler is None or operation is None:
            raise errors.UnknownOperationException()
        identity = authenticate(
            scope["method"],
            scope.get("raw_path", b"/").decode("latin-1") if scope.get("raw_path") else scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers,
            raw_body,  # clients sign the bytes they send, before any decompression
            services.clock.wall(),  # SigV4's skew is against the client's clock, not the server's offset
            services.credentials,
            services.settings.auth,
            services.settings.region,
        )
        if not body:
            raise errors.SerializationException()
        request = validate(operation, data)
        assert services.cluster is not None, "the cluster is opened before requests are served"
        context = Context(
            namespace=Namespace(identity.account, identity.region),
            cluster=services.cluster,
            settings=services.settings,
            clock=services.clock,
            request_id=request_id,
            host=headers.get("host", ""),
            idempotency=services.idempotency,
        )
        result = await handler(request, context)
        return orjson.dumps(result)


def _operation_name(target: str) -> str | None:
    """The operation a `X-Amz-Target` names, if the API it names has it."""
    if target.startswith(DYNAMODB_PREFIX):
        name = target[len(DYNAMODB_PREFIX) :]
        return None if name in STREAM_OPERATIONS else name
    if target.startswith(STREAMS_PREFIX):
        name = target[len(STREAMS_PREFIX) :]
        return name if name in STREAM_OPERATIONS else None
    return None
