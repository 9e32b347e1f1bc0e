"""Raw HTTP plumbing of the DynamoDB edge: reading a bounded (possibly compressed) body, request ids,
and sending a response with AWS's headers (`x-amzn-RequestId`, `x-amz-crc32`, CORS).

Kept at the ASGI level on purpose: the endpoint needs exact control of status lines and headers (AWS sends
a bare `<UnknownOperationException/>` 404 for non-POST methods, an empty 413 for oversized bodies), and
it runs on every request, so it avoids per-request object churn.
"""

from __future__ import annotations

import os
import random
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY_BYTES = 16 * 1024 * 1024
CORS_EXPOSE = b"x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date"


class BodyTooLarge(Exception):
    """The request body (raw or decompressed) exceeds DynamoDB's 16 MB request limit."""


class BadEncoding(Exception):
    """A compressed body that does not decompress."""


# Request ids need to be unique, not unpredictable: a seeded PRNG, not a system call per request (which
# profiling under load showed at 5% of a GetItem's time).
_request_ids = random.Random(os.urandom(16))


def new_request_id() -> str:
    """A 52-character upper-case alphanumeric id, the shape of AWS's DynamoDB request ids (hex digits:
    base32 would use the whole alphabet but costs ten times more on every request)."""
    return f"{_request_ids.getrandbits(208):052X}"


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_content(body: bytes, encoding: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """Undo `Content-Encoding: gzip` / `deflate` (zlib-wrapped or raw), refusing to expand past `limit`."""
    encoding = encoding.strip().lower()
    if not encoding or encoding == "identity" or not body:
        return body
    if encoding in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif encoding == "deflate":
        # RFC 9110 deflate is zlib-wrapped; some clients send raw deflate, which AWS also accepts.
        wbits = zlib.MAX_WBITS if body[:1] and (body[0] & 0x0F) == 8 else -zlib.MAX_WBITS
    else:
        return body
    decompressor = zlib.decompressobj(wbits)
    try:
        out = decompressor.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BadEncoding from exc
    if len(out) > limit or decompressor.unconsumed_tail:
        raise BodyTooLarge
    return out


def header_map(scope: Scope) -> dict[str, str]:
    """Request headers by lower-case name (ASGI already lower-cases them); repeated headers joined by ','."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        headers[name] = headers[name] + "," + value if name in headers else value
    return headers


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    request_id: str,
    content_type: bytes | None,
    cors: bool,
    crc32: bool = True,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers: list[tuple[bytes, bytes]] = [(b"x-amzn-requestid", request_id.encode("ascii"))]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    if crc32:
        headers.append((b"x-amz-crc32", str(zlib.crc32(body)).encode("ascii")))
    headers.append((b"content-length", str(len(body)).encode("ascii")))
    if cors:
        headers.append((b"access-control-allow-origin", b"*"))
        headers.append((b"access-control-expose-headers", CORS_EXPOSE))
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
