"""The server's clock (offset, advance, set, never backwards) and the admin routes that move it."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from app.auth import CredentialStore
from app.cli import parser
from app.clock import Clock, ClockError
from app.main import create_app
from app.settings import Settings, from_env
from app.wire.admin import AdminRoutes
from app.wire.endpoint import Services
from storage import Cluster
from storage.api import StorageConfig


def test_the_clock_starts_at_its_offset_and_advances() -> None:
    clock = Clock(100.0)
    assert clock.offset == 100.0
    assert clock.now() - clock.wall() == pytest.approx(100.0, abs=0.01)
    clock.advance(50)
    assert clock.offset == 150.0
    clock.advance(0)
    assert clock.offset == 150.0


def test_set_moves_the_clock_to_a_later_time() -> None:
    clock = Clock()
    target = clock.now() + 3600
    clock.set(target)
    assert target <= clock.now() < target + 1


@pytest.mark.parametrize("seconds", [-0.001, math.nan, math.inf, -math.inf])
def test_the_clock_never_goes_backwards_or_off_the_scale(seconds: float) -> None:
    clock = Clock(5.0)
    with pytest.raises(ClockError):
        clock.advance(seconds)
    with pytest.raises(ClockError):
        clock.set(clock.now() - 10 if seconds < 0 else seconds)
    assert clock.offset == 5.0


def test_clock_and_ttl_options() -> None:
    env = {
        "LOCALDDB_TTL_INTERVAL": "0.5",
        "LOCALDDB_TTL_COOLDOWN": "0",
        "LOCALDDB_CLOCK_OFFSET": "60",
        "LOCALDDB_ADMIN": "1",
    }
    settings = from_env(env)
    assert (settings.ttl_interval, settings.ttl_cooldown, settings.clock_offset, settings.admin) == (
        0.5,
        0.0,
        60.0,
        True,
    )
    defaults = from_env({})
    assert (defaults.ttl_interval, defaults.ttl_cooldown, defaults.clock_offset, defaults.admin) == (
        1.0,
        3600.0,
        0.0,
        False,
    )
    argv = ["serve", "--admin", "--ttl-interval", "0.2", "--ttl-cooldown", "10", "--clock-offset", "30"]
    options = {k: v for k, v in vars(parser(defaults).parse_args(argv)).items() if k != "command"}
    settings = defaults.with_overrides(**options)
    assert (settings.ttl_interval, settings.ttl_cooldown, settings.clock_offset, settings.admin) == (
        0.2,
        10.0,
        30.0,
        True,
    )


def test_the_application_clock_starts_at_the_configured_offset() -> None:
    app = create_app(Settings(in_memory=True, clock_offset=120.0))
    assert app.endpoint.services.clock.offset == 120.0
    assert app.admin is None
    assert create_app(Settings(in_memory=True, admin=True)).admin is not None


# --- the admin routes, called as an ASGI application ---


@pytest.fixture
async def admin() -> AsyncIterator[AdminRoutes]:
    settings = Settings(in_memory=True, admin=True)
    clock = Clock()
    services = Services(settings=settings, clock=clock, credentials=CredentialStore.from_settings(settings))
    services.cluster = await Cluster.open(StorageConfig(None, clock.now, partitions_per_table=1))
    yield AdminRoutes(services)
    await services.cluster.close()


async def call(admin: AdminRoutes, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    raw = body if isinstance(body, bytes) else b"" if body is None else orjson.dumps(body)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await admin({"type": "http", "method": method, "path": path, "headers": []}, receive, send)
    start, content = sent
    assert (b"content-type", b"application/json") in start["headers"]
    return start["status"], orjson.loads(content["body"])


async def test_get_reads_the_clock(admin: AdminRoutes) -> None:
    status, answer = await call(admin, "GET", "/_localddb/clock")
    assert status == 200
    assert answer["offset"] == 0.0
    assert answer["now"] == pytest.approx(admin.services.clock.now(), abs=1)


async def test_post_advances_or_sets_the_clock(admin: AdminRoutes) -> None:
    status, answer = await call(admin, "POST", "/_localddb/clock", {"advance": 60})
    assert (status, answer["offset"]) == (200, 60.0)
    target = answer["now"] + 3600
    status, answer = await call(admin, "POST", "/_localddb/clock", {"set": target})
    assert status == 200
    assert answer["offset"] == pytest.approx(3660, abs=1)
    assert admin.services.clock.offset == answer["offset"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"advance": -5}, "the clock only moves forward: cannot advance by -5.0"),
        ({"advance": 1e300}, "the clock cannot go past 253402300799.0 (the end of year 9999)"),
        ({"set": 253402300800}, "the clock cannot go past 253402300799.0 (the end of year 9999)"),
        (b'{"advance": 1e400}', "the body is not JSON"),
        ({"set": "tomorrow"}, "set must be a number"),
        ({"advance": 1, "set": 2}, 'expected {"advance": seconds} or {"set": epoch seconds}'),
        (b"not json", "the body is not JSON"),
        (None, 'expected {"advance": seconds} or {"set": epoch seconds}'),
    ],
)
async def test_bad_requests_leave_the_clock_alone(admin: AdminRoutes, body: Any, message: str) -> None:
    status, answer = await call(admin, "POST", "/_localddb/clock", body)
    assert (status, answer) == (400, {"message": message})
    assert admin.services.clock.offset == 0.0


async def test_unknown_routes_and_methods(admin: AdminRoutes) -> None:
    missing = {"message": "no admin route /_localddb/other"}
    assert await call(admin, "GET", "/_localddb/other") == (404, missing)
    status, answer = await call(admin, "PUT", "/_localddb/clock")
    assert (status, answer["message"]) == (405, "/_localddb/clock answers GET and POST, not PUT")


async def test_sweep_route_reports_what_it_did(admin: AdminRoutes) -> None:
    status, answer = await call(admin, "POST", "/_localddb/ttl/sweep")
    assert (status, answer) == (200, {"tables": 0, "scanned": 0, "deleted": 0, "skipped": 0})
