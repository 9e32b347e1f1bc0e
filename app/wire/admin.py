"""The admin routes under `/_localddb/`, served only with `--admin` (LOCALDDB_ADMIN).

No AWS SDK sends requests there by accident: SDKs POST to `/` with an `X-Amz-Target`. Without the flag
these paths are ordinary DynamoDB requests (app/main.py routes them to the endpoint). They are plain JSON
over HTTP, without signatures:

  GET  /_localddb/clock                    {"now": <epoch seconds>, "offset": <seconds ahead of wall time>}
  POST /_localddb/clock  {"advance": S}    move the clock S seconds forward; answers like GET
  POST /_localddb/clock  {"set": EPOCH}    move the clock forward to EPOCH; answers like GET
  POST /_localddb/ttl/sweep                run one TTL sweep now: {"tables", "scanned", "deleted", "skipped"}

The clock never moves backwards (app/clock.py); a request that would is answered 400.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import orjson

from app.clock import ClockError
from app.operations.ttl_sweep import sweep
from app.wire.endpoint import Services
from app.wire.http import BodyTooLarge, Receive, Scope, Send, new_request_id, read_body, send_response

ADMIN_PREFIX = "/_localddb/"
CLOCK_PATH = ADMIN_PREFIX + "clock"
SWEEP_PATH = ADMIN_PREFIX + "ttl/sweep"
ROUTES = {CLOCK_PATH: ("GET", "POST"), SWEEP_PATH: ("POST",)}
MAX_ADMIN_BODY = 64 * 1024
JSON = b"application/json"


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class AdminRoutes:
    """An ASGI application answering the admin paths (the caller sends only paths under ADMIN_PREFIX)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = new_request_id()
        try:
            body = await read_body(receive, MAX_ADMIN_BODY)
            status, answer = 200, await self._route(scope["path"], scope["method"], body)
        except BodyTooLarge:
            status, answer = 413, {"message": "request body too large"}
        except AdminError as error:
            status, answer = error.status, {"message": error.message}
        await send_response(send, status, orjson.dumps(answer), request_id, JSON, cors=False)

    async def _route(self, path: str, method: str, body: bytes) -> dict[str, Any]:
        methods = ROUTES.get(path)
        if methods is None:
            raise AdminError(404, f"no admin route {path}")
        if method not in methods:
            raise AdminError(405, f"{path} answers {' and '.join(methods)}, not {method}")
        if path == SWEEP_PATH:
            return await self._sweep()
        if method == "POST":
            self._move_clock(_json_object(body))
        clock = self.services.clock
        return {"now": clock.now(), "offset": clock.offset}

    def _move_clock(self, request: dict[str, Any]) -> None:
        if len(request) != 1 or not request.keys() <= {"advance", "set"}:
            raise AdminError(400, 'expected {"advance": seconds} or {"set": epoch seconds}')
        ((field, value),) = request.items()
        seconds = _finite_number(value)
        if seconds is None:
            raise AdminError(400, f"{field} must be a number")
        clock = self.services.clock
        try:
            if field == "advance":
                clock.advance(seconds)
            else:
                clock.set(seconds)
        except ClockError as error:
            raise AdminError(400, str(error)) from None

    async def _sweep(self) -> dict[str, Any]:
        cluster = self.services.cluster
        if cluster is None:
            raise AdminError(503, "the server is not serving yet")
        return dataclasses.asdict(await sweep(cluster, self.services.clock))


def _finite_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(body or b"null")
    except orjson.JSONDecodeError:
        raise AdminError(400, "the body is not JSON") from None
    if not isinstance(value, dict):
        raise AdminError(400, 'expected {"advance": seconds} or {"set": epoch seconds}')
    return value
