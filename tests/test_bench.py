"""Tests of the harness itself (not of any server's speed): the generated wrk scripts, result parsing, report.

The wrk tests point the real wrk at a tiny HTTP server in this process that records what it receives, so
they check the Lua code of every scenario without a DynamoDB server. Run: `python -m pytest bench -q`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from app.values.size import item_size
from bench import report
from bench.runner import Machine, Measurement, RunConfig
from bench.scenarios import GET_KEY_FORMAT, PAGE_LIMIT, QUERY_KEY_FORMAT, SCENARIOS, SetupOptions
from bench.signing import signed_headers
from bench.wrk import (
    Load,
    LuaValue,
    WrkResult,
    first_error_response,
    lua_literal,
    measure,
    parse_result,
    wrk_available,
)

needs_wrk = pytest.mark.skipif(not wrk_available(), reason="wrk is not installed")
QUICK = Load(threads=2, connections=4, duration_s=1, timeout_s=5)


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fail_every: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.fail_every = fail_every
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class RecordingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered, so that headers and body leave in one segment (no Nagle / delayed-ACK stall per request).
    wbufsize = -1
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.requests.append((dict(self.headers.items()), body))
            count = len(self.server.requests)
        failing = self.server.fail_every and count % self.server.fail_every == 0
        answer = b'{"__type":"x#ValidationException","message":"no"}' if failing else b"{}"
        self.send_response(400 if failing else 200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


def recorder(fail_every: int = 0) -> Iterator[Recorder]:
    server = Recorder(fail_every)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def ok_server() -> Iterator[Recorder]:
    yield from recorder()


@pytest.fixture
def failing_server() -> Iterator[Recorder]:
    yield from recorder(fail_every=3)


CONSTANTS: dict[str, dict[str, LuaValue]] = {
    "put": {"TABLE": "bench_put", "PAYLOAD": "x" * 170},
    "put_gsi": {"TABLE": "bench_put_gsi", "PAYLOAD": "x" * 150},
    "get": {"TABLE": "bench_get", "ITEM_COUNT": 50, "KEY_FORMAT": GET_KEY_FORMAT},
    "update": {"TABLE": "bench_update", "ITEM_COUNT": 50, "KEY_FORMAT": GET_KEY_FORMAT},
    "transact": {"TABLE": "bench_transact", "ITEM_COUNT": 50, "KEY_FORMAT": GET_KEY_FORMAT},
    "query": {"TABLE": "bench_query", "KEY_COUNT": 40, "KEY_FORMAT": QUERY_KEY_FORMAT, "LIMIT": PAGE_LIMIT},
    "scan": {"TABLE": "bench_scan", "LIMIT": PAGE_LIMIT},
}


def test_every_scenario_has_test_constants() -> None:
    assert set(CONSTANTS) == set(SCENARIOS)


@needs_wrk
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_sends_signed_valid_requests(ok_server: Recorder, name: str) -> None:
    scenario = SCENARIOS[name]
    result = measure(
        ok_server.url,
        QUICK,
        signed_headers(ok_server.url, scenario.operation),
        CONSTANTS[name],
        scenario.lua_next_body,
    )
    assert result.valid and result.requests > 100
    # wrk counts completed requests; the server also saw those still in flight when wrk stopped.
    assert result.requests <= len(ok_server.requests) <= result.requests + QUICK.connections
    bodies = [json.loads(body) for _, body in ok_server.requests]
    tables = [
        [action["Update"]["TableName"] for action in body["TransactItems"]]
        if name == "transact"
        else [body["TableName"]]
        for body in bodies
    ]
    assert all(names == [CONSTANTS[name]["TABLE"]] * len(names) for names in tables)
    headers = ok_server.requests[0][0]
    assert headers["X-Amz-Target"] == f"DynamoDB_20120810.{scenario.operation}"
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDLOCALDDBBENCH000/")
    if name == "put_gsi":
        assert {body["Item"]["g"]["S"] for body in bodies} == {f"g{n}" for n in range(16)}
        assert len({body["Item"]["h"]["S"] for body in bodies}) == 1
    if name in ("put", "put_gsi"):
        keys = [body["Item"]["pk"]["S"] for body in bodies]
        assert len(set(keys)) == len(keys)
        assert {key.split("-")[1] for key in keys} == {"0", "1"}  # both wrk threads, told apart
    if name in ("get", "update"):
        picked = {body["Key"]["pk"]["S"] for body in bodies}
        assert picked <= {GET_KEY_FORMAT % n for n in range(50)} and len(picked) > 25
    if name == "update":
        assert {body["UpdateExpression"] for body in bodies} == {"SET #c = #c + :one"}
        assert {body["ConditionExpression"] for body in bodies} == {"attribute_exists(pk)"}
    if name == "transact":
        pairs = [[action["Update"]["Key"]["pk"]["S"] for action in body["TransactItems"]] for body in bodies]
        assert all(len(pair) == 2 and pair[0] != pair[1] for pair in pairs)
        assert {key for pair in pairs for key in pair} == {GET_KEY_FORMAT % n for n in range(50)}
    if name == "query":
        assert {body["KeyConditionExpression"] for body in bodies} == {"pk = :pk"}
        assert {body["Limit"] for body in bodies} == {PAGE_LIMIT}
        picked = {body["ExpressionAttributeValues"][":pk"]["S"] for body in bodies}
        assert picked <= {QUERY_KEY_FORMAT % n for n in range(40)} and len(picked) > 20
    if name == "scan":
        assert all(body == {"TableName": "bench_scan", "Limit": PAGE_LIMIT} for body in bodies)


@needs_wrk
def test_error_responses_are_counted_and_captured(failing_server: Recorder) -> None:
    put = SCENARIOS["put"]
    headers = signed_headers(failing_server.url, put.operation)
    result = measure(failing_server.url, QUICK, headers, CONSTANTS["put"], put.lua_next_body)
    assert not result.valid
    assert (
        result.requests // 3 - QUICK.connections <= result.non_2xx <= result.requests // 3 + QUICK.connections
    )
    first = first_error_response(failing_server.url, headers, CONSTANTS["put"], put.lua_next_body)
    assert first == '400 {"__type":"x#ValidationException","message":"no"}'


@needs_wrk
def test_no_error_response_on_success(ok_server: Recorder) -> None:
    put = SCENARIOS["put"]
    headers = signed_headers(ok_server.url, put.operation)
    assert first_error_response(ok_server.url, headers, CONSTANTS["put"], put.lua_next_body) is None


def test_lua_literal_escapes() -> None:
    assert lua_literal('a"b\\c') == '"a\\034b\\092c"'
    assert lua_literal("é") == '"\\195\\169"'
    assert lua_literal(12) == "12"
    assert lua_literal(True) == "true"


def test_parse_result() -> None:
    line = (
        'BENCH_RESULT {"duration_us":2000000,"requests":5000,"bytes":1,'
        '"errors":{"connect":1,"read":0,"write":0,"status":7,"timeout":2},'
        '"latency_us":{"p50":1500,"p90":2500,"p99":9000,"mean":1600.5,"max":12000}}'
    )
    result = parse_result("Running 2s test\n" + line + "\n")
    assert result.requests_per_second == 2500
    assert (result.non_2xx, result.socket_errors) == (7, 3)
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (1.5, 9.0, 12.0)
    assert not result.valid


def _result(rps: float, p50_ms: float, p99_ms: float, non_2xx: int = 0) -> WrkResult:
    return WrkResult(
        duration_s=1.0,
        requests=int(rps),
        non_2xx=non_2xx,
        socket_errors=0,
        p50_ms=p50_ms,
        p90_ms=p50_ms,
        p99_ms=p99_ms,
        mean_ms=p50_ms,
        max_ms=p99_ms,
    )


def test_report_ratios_and_warnings() -> None:
    config = RunConfig(
        load=QUICK,
        warmup_s=1,
        servers=("localddb", "reference"),
        scenarios=("put", "get"),
        localddb_in_memory=False,
        setup=SetupOptions(10),
    )
    measurements = [
        Measurement("put", "localddb", result=_result(3000, 2.0, 8.0)),
        Measurement("put", "reference", result=_result(1500, 4.0, 4.0)),
        Measurement("get", "localddb", result=_result(900, 1.0, 2.0, non_2xx=900), first_error="400 {}"),
        Measurement("get", "reference", problem="reference did not start: no java"),
    ]
    text = report.table(config, Machine(cores=2, load_average=0.1), measurements)
    put_row = next(line for line in text.splitlines() if line.startswith("put "))
    assert put_row.split()[1:] == ["|", "3,000", "1,500", "2.00x", "|", "2.00", "4.00", "0.50x",
                                   "|", "8.00", "4.00", "2.00x"]  # fmt: skip
    get_row = next(line for line in text.splitlines() if line.startswith("get "))
    assert get_row.split()[1:5] == ["|", "900!", "n/a", "n/a"]
    assert "WARNING: get on reference: reference did not start: no java" in text
    assert "WARNING: get on localddb is invalid" in text and "first error response: 400 {}" in text
    document = report.document(config, Machine(cores=2, load_average=0.1), measurements)
    assert document["ratios_localddb_over_reference"]["put"] == {
        "requests_per_second": 2.0,
        "p50_ms": 0.5,
        "p99_ms": 2.0,
    }
    assert [r["valid"] for r in document["results"]] == [True, True, False, False]
    assert "busy" not in text
    assert "WARNING: the machine was busy" in report.table(config, Machine(2, 1.5), measurements)


class FakeDynamoDB:
    """Enough of a boto3 client for the setups: tables are ACTIVE at once; BatchWriteItem answers the first
    request with its last write unprocessed, to exercise the retry."""

    def __init__(self) -> None:
        self.items: dict[str, list[dict[str, Any]]] = {}
        self.key_schemas: dict[str, list[dict[str, str]]] = {}
        self.batches = 0

    def create_table(self, TableName: str, KeySchema: list[dict[str, str]], **_: Any) -> None:
        self.items[TableName] = []
        self.key_schemas[TableName] = KeySchema

    def describe_table(self, TableName: str) -> dict[str, Any]:
        return {"Table": {"TableStatus": "ACTIVE"}}

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        self.batches += 1
        ((table, requests),) = RequestItems.items()
        assert len(requests) <= 25
        if self.batches == 1:
            self.items[table] += [r["PutRequest"]["Item"] for r in requests[:-1]]
            return {"UnprocessedItems": {table: requests[-1:]}}
        self.items[table] += [r["PutRequest"]["Item"] for r in requests]
        return {"UnprocessedItems": {}}


@pytest.mark.parametrize(("preload", "keys"), [(1000, 5), (10, 1)])
def test_query_setup_stores_pages_of_200_byte_items(preload: int, keys: int) -> None:
    dynamodb = FakeDynamoDB()
    constants = SCENARIOS["query"].setup(dynamodb, SetupOptions(preload))
    assert constants == {
        "TABLE": "bench_query",
        "KEY_COUNT": keys,
        "KEY_FORMAT": QUERY_KEY_FORMAT,
        "LIMIT": 100,
    }
    items = dynamodb.items["bench_query"]
    assert [k["AttributeName"] for k in dynamodb.key_schemas["bench_query"]] == ["pk", "sk"]
    assert len(items) == keys * 200
    assert {item["pk"]["S"] for item in items} == {QUERY_KEY_FORMAT % n for n in range(keys)}
    assert all(195 <= item_size(item) <= 200 for item in items)


def test_scan_setup_stores_the_preloaded_items() -> None:
    dynamodb = FakeDynamoDB()
    assert SCENARIOS["scan"].setup(dynamodb, SetupOptions(60)) == {"TABLE": "bench_scan", "LIMIT": 100}
    items = dynamodb.items["bench_scan"]
    assert sorted(item["pk"]["S"] for item in items) == [GET_KEY_FORMAT % n for n in range(60)]
    assert all(item_size(item) == 200 for item in items)


def test_put_gsi_items_are_about_200_bytes() -> None:
    dynamodb = FakeDynamoDB()
    constants = SCENARIOS["put_gsi"].setup(dynamodb, SetupOptions(0))
    assert constants["TABLE"] == "bench_put_gsi" and "bench_put_gsi" in dynamodb.key_schemas
    payload = str(constants["PAYLOAD"])
    item = {
        "pk": {"S": "a1b2c3-0-100000"},
        "g": {"S": "g15"},
        "h": {"S": "a1b2c3"},
        "payload": {"S": payload},
    }
    assert 195 <= item_size(item) <= 200
