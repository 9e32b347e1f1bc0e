"""Fixtures of the compatibility suite: one suite, several targets.

Every test that uses the `target` fixture (directly or through `ddb`, `raw`, `make_table`, …) runs once per
target: localddb (started here on a free port) and the reference, Amazon DynamoDB Local (started here
too), by default; `--targets localddb` narrows that, `--endpoint-url URL` adds an already running server,
and `--aws` runs against real AWS with the environment's credentials.

Markers:
- `reference_deviation("why")`: DynamoDB Local is known to differ from AWS here; on the reference the test
  is an xfail(strict=True), so the marker must stay true (a reference that starts passing fails the run).
- `localddb_only("why")`: a localddb feature with no AWS counterpart (restarts, admin routes); skipped
  elsewhere.
- `requires_operation("Scan", …)`: skipped on a target that answers the operation with
  UnknownOperationException (an operation localddb has not implemented yet); the skip is reported, and the
  test runs by itself once the operation exists.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from compat_tests.servers import ServerProcess, start_localddb, start_reference

TEST_ACCESS_KEY = "AKIDLOCALDDBTESTS"
TEST_SECRET_KEY = "localddb-compat-secret"
TARGET_PREFIX = "DynamoDB_20120810."


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("localddb compat")
    group.addoption(
        "--targets",
        default="localddb,reference",
        help="comma-separated targets to start: localddb, reference",
    )
    group.addoption("--endpoint-url", default=None, help="also run against this already running endpoint")
    group.addoption("--aws", action="store_true", help="run against real AWS (environment credentials)")
    group.addoption("--region", default="us-east-1", help="region for --aws / --endpoint-url")


def _target_names(config: pytest.Config) -> list[str]:
    if config.getoption("--aws"):
        return ["aws"]
    names = [n.strip() for n in str(config.getoption("--targets")).split(",") if n.strip()]
    if config.getoption("--endpoint-url"):
        names.append("external")
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" in metafunc.fixturenames:
        metafunc.parametrize("target", _target_names(metafunc.config), indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("target") if callspec else None
        if name is None:
            continue
        deviation = item.get_closest_marker("reference_deviation")
        if name == "reference" and deviation is not None:
            reason = deviation.args[0] if deviation.args else "documented DynamoDB Local deviation"
            item.add_marker(pytest.mark.xfail(reason=f"DynamoDB Local deviates: {reason}", strict=True))
        only = item.get_closest_marker("localddb_only")
        if only is not None and name != "localddb":
            item.add_marker(pytest.mark.skip(reason=f"localddb only: {only.args[0] if only.args else ''}"))


@dataclass
class Target:
    """An endpoint under test."""

    name: str
    endpoint_url: str | None
    region: str
    access_key: str
    secret_key: str
    session_token: str | None = None
    server: ServerProcess | None = field(default=None, repr=False)

    @property
    def is_localddb(self) -> bool:
        return self.name == "localddb"

    @property
    def is_reference(self) -> bool:
        return self.name == "reference"

    @property
    def is_aws(self) -> bool:
        return self.name == "aws"

    def client(self, service: str = "dynamodb", **config: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.session_token,
            config=Config(
                parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"}, **config
            ),
        )


class _Servers:
    """Servers started lazily, once per session, and stopped at its end."""

    def __init__(self) -> None:
        self.started: dict[str, ServerProcess] = {}

    def get(self, name: str) -> ServerProcess:
        if name not in self.started:
            self.started[name] = start_localddb() if name == "localddb" else start_reference()
        return self.started[name]

    def stop_all(self) -> None:
        for server in self.started.values():
            server.stop()


@pytest.fixture(scope="session")
def _servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.stop_all()


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest, _servers: _Servers) -> Target:
    name: str = request.param
    config = request.config
    if name == "aws":
        session = boto3.session.Session(region_name=config.getoption("--region"))
        creds = session.get_credentials().get_frozen_credentials()
        return Target("aws", None, session.region_name, creds.access_key, creds.secret_key, creds.token)
    if name == "external":
        return Target(
            "external",
            config.getoption("--endpoint-url"),
            config.getoption("--region"),
            TEST_ACCESS_KEY,
            TEST_SECRET_KEY,
        )
    server = _servers.get(name)
    return Target(name, server.endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY, server=server)


@pytest.fixture(scope="session")
def ddb(target: Target) -> Any:
    """A boto3 DynamoDB client with client-side parameter validation off (the server must validate)."""
    return target.client()


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_type(self) -> str:
        """The error name without its namespace (`ValidationException`)."""
        return str(self.json().get("__type", "")).rsplit("#", 1)[-1]

    @property
    def error_message(self) -> str | None:
        data = self.json()
        return data.get("message", data.get("Message"))


class RawClient:
    """Raw HTTP to the target, signed with SigV4 unless told otherwise, for wire and auth tests."""

    def __init__(self, target: Target) -> None:
        self.target = target
        url = target.endpoint_url or f"https://dynamodb.{target.region}.amazonaws.com"
        parts = urlsplit(url)
        self.url = url
        self.scheme = parts.scheme
        self.netloc = parts.netloc

    def request(
        self,
        operation: str | None,
        body: bytes | str | dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        method: str = "POST",
        path: str = "/",
        target_prefix: str = TARGET_PREFIX,
        content_type: str = "application/x-amz-json-1.0",
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str | None = None,
    ) -> RawResponse:
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body or b""
        all_headers: dict[str, str] = {}
        if method == "POST":
            all_headers["Content-Type"] = content_type
        if operation is not None:
            all_headers["X-Amz-Target"] = target_prefix + operation
        all_headers.update(headers or {})
        if sign:
            creds = Credentials(
                access_key or self.target.access_key,
                secret_key or self.target.secret_key,
                self.target.session_token,
            )
            aws_request = AWSRequest(
                method=method, url=self.url.rstrip("/") + path, data=payload, headers=all_headers
            )
            SigV4Auth(creds, "dynamodb", region or self.target.region).add_auth(aws_request)
            all_headers = dict(aws_request.headers.items())
        conn_class = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        conn = conn_class(self.netloc, timeout=30)
        try:
            conn.request(method, path, body=payload if method != "GET" else None, headers=all_headers)
            response = conn.getresponse()
            return RawResponse(
                response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
            )
        finally:
            conn.close()


@pytest.fixture(scope="session")
def raw(target: Target) -> RawClient:
    return RawClient(target)


_implemented: dict[tuple[str, str], bool] = {}


def require_operation(raw: RawClient, operation: str) -> None:
    """Skip the calling test if the target does not implement `operation` (see `requires_operation`)."""
    key = (raw.target.name, operation)
    if key not in _implemented:
        response = raw.request(operation, {})
        _implemented[key] = response.status != 400 or response.error_type != "UnknownOperationException"
    if not _implemented[key]:
        pytest.skip(f"{raw.target.name} does not implement {operation} yet")


@pytest.fixture(autouse=True)
def _requires_operation(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("requires_operation")
    if marker is not None and "target" in request.fixturenames:
        client = RawClient(request.getfixturevalue("target"))
        for operation in marker.args:
            require_operation(client, operation)


@pytest.fixture(scope="module")
def differential_clients(request: pytest.FixtureRequest, _servers: _Servers) -> tuple[Any, Any]:
    """boto3 clients of localddb and of the reference, for the differential tests that compare them
    (skipped unless both are targets)."""
    config = request.config
    if config.getoption("--aws") or not {"localddb", "reference"} <= set(_target_names(config)):
        pytest.skip("the differential test needs both --targets localddb and reference")
    local, reference = (
        Target(name, _servers.get(name).endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY).client()
        for name in ("localddb", "reference")
    )
    return local, reference


@contextlib.contextmanager
def localddb_client(*options: str) -> Iterator[Any]:
    """A boto3 client of a localddb of its own, started with `options` (`--status-delay 1`, …) on a free
    port and stopped afterwards: for localddb-only tests of server options."""
    server = start_localddb(*options)
    try:
        yield Target("localddb", server.endpoint_url, "us-east-1", TEST_ACCESS_KEY, TEST_SECRET_KEY).client()
    finally:
        server.stop()


def unique_name(prefix: str = "compat") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _delete_quietly(client: Any, name: str) -> None:
    # Best-effort clean-up of a table that a test may already have removed.
    with contextlib.suppress(Exception):
        client.delete_table(TableName=name)


@pytest.fixture
def table_name(ddb: Any) -> Iterator[str]:
    """A fresh table name; the table is deleted after the test if it exists."""
    name = unique_name()
    yield name
    _delete_quietly(ddb, name)


MakeTable = Callable[..., str]


def create_table(
    client: Any,
    name: str,
    hash_key: tuple[str, str] = ("pk", "S"),
    range_key: tuple[str, str] | None = None,
    **extra: Any,
) -> str:
    """Create a PAY_PER_REQUEST table (unless extra says otherwise) and wait until it is ACTIVE."""
    key_schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    definitions = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
    if range_key is not None:
        key_schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "BillingMode": "PAY_PER_REQUEST",
    }
    params.update(extra)
    client.create_table(**params)
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    return name


@pytest.fixture
def make_table(ddb: Any) -> Iterator[MakeTable]:
    """`make_table(hash_key=("pk","S"), range_key=None, **CreateTable params) -> name`; deleted afterwards."""
    made: list[str] = []

    def make(
        hash_key: tuple[str, str] = ("pk", "S"), range_key: tuple[str, str] | None = None, **extra: Any
    ) -> str:
        name = create_table(ddb, unique_name(), hash_key, range_key, **extra)
        made.append(name)
        return name

    yield make
    for name in made:
        _delete_quietly(ddb, name)


@pytest.fixture(scope="session")
def hash_table(target: Target) -> Iterator[str]:
    """A session-wide table keyed by `pk` (S); tests use unique keys in it."""
    client = target.client()
    name = create_table(client, unique_name("shared-h"))
    yield name
    _delete_quietly(client, name)


@pytest.fixture(scope="session")
def hash_range_table(target: Target) -> Iterator[str]:
    """A session-wide table keyed by `pk` (S) and `sk` (N); tests use unique keys in it."""
    client = target.client()
    name = create_table(client, unique_name("shared-hr"), range_key=("sk", "N"))
    yield name
    _delete_quietly(client, name)
