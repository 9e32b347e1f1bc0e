"""The HTTP edge as AWS presents it: health check, headers, CRC32, error envelopes, body limits, encodings,
CORS. Raw HTTP, signed unless a test says otherwise."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from typing import Any

import pytest

from compat_tests.conftest import RawClient, Target

pytestmark = pytest.mark.usefixtures("target")

REQUEST_ID = re.compile(r"^[0-9A-Z]{52}$")
WRONG_ENVELOPE = "DynamoDB Local renders this error under its own __type namespace and message"


def test_health_check_answers_get(raw: RawClient, target: Target) -> None:
    response = raw.request(None, method="GET", sign=False)
    if target.is_reference:
        pytest.xfail("DynamoDB Local answers GET / with a 400 MissingAuthenticationToken, not a health check")
    assert response.status == 200
    assert response.body == f"healthy: dynamodb.{target.region}.amazonaws.com ".encode()
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(response.body))
    assert REQUEST_ID.match(response.headers["x-amzn-requestid"])


def test_success_has_request_id_crc32_and_json(raw: RawClient) -> None:
    response = raw.request("ListTables", {})
    assert response.status == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.body)
    assert response.headers["x-amzn-requestid"]
    assert "TableNames" in response.json()


def test_json_1_1_content_type_is_accepted(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, content_type="application/x-amz-json-1.1")
    assert response.status == 200
    assert "TableNames" in response.json()


@pytest.mark.reference_deviation(WRONG_ENVELOPE)
def test_unknown_operation(raw: RawClient) -> None:
    response = raw.request("NoSuchOperation", {})
    assert response.status == 400
    assert response.json() == {"__type": "com.amazon.coral.service#UnknownOperationException"}


@pytest.mark.reference_deviation(WRONG_ENVELOPE)
def test_unknown_api_version_is_unknown_operation(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, target_prefix="DynamoDB_20111205x.")
    assert response.status == 400
    assert response.error_type == "UnknownOperationException"


@pytest.mark.reference_deviation(WRONG_ENVELOPE)
def test_missing_target_is_unknown_operation(raw: RawClient) -> None:
    response = raw.request(None, {})
    assert response.status == 400
    assert response.json() == {"__type": "com.amazon.coral.service#UnknownOperationException"}


@pytest.mark.reference_deviation("DynamoDB Local answers malformed JSON with a 500 InternalFailure")
def test_malformed_json_is_serialization_exception(raw: RawClient) -> None:
    response = raw.request("ListTables", "{not json")
    assert response.status == 400
    assert response.json() == {"__type": "com.amazon.coral.service#SerializationException"}


@pytest.mark.reference_deviation("DynamoDB Local answers malformed JSON with a 500 InternalFailure")
def test_malformed_json_is_checked_before_the_target(raw: RawClient) -> None:
    response = raw.request("NoSuchOperation", "[1,")
    assert response.json() == {"__type": "com.amazon.coral.service#SerializationException"}


@pytest.mark.reference_deviation("DynamoDB Local answers an empty body with a 500 InternalFailure")
def test_empty_body_is_serialization_exception(raw: RawClient) -> None:
    response = raw.request("ListTables", b"")
    assert response.status == 400
    assert response.json() == {"__type": "com.amazon.coral.service#SerializationException"}


@pytest.mark.reference_deviation("DynamoDB Local does not answer other HTTP methods with AWS's bare 404")
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_404(raw: RawClient, method: str) -> None:
    response = raw.request("ListTables", b"{}", method=method, sign=False)
    assert response.status == 404
    assert response.body == b"<UnknownOperationException/>\n"


@pytest.mark.reference_deviation("DynamoDB Local accepts any content type")
def test_body_with_foreign_content_type_is_404(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, content_type="text/plain")
    assert response.status == 404
    assert response.body == b"<UnknownOperationException/>\n"


@pytest.mark.reference_deviation("DynamoDB Local does not accept compressed request bodies")
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_request_bodies(raw: RawClient, encoding: str) -> None:
    payload = json.dumps({"Limit": 5}).encode()
    body = gzip.compress(payload) if encoding == "gzip" else zlib.compress(payload)
    response = raw.request("ListTables", body, headers={"Content-Encoding": encoding})
    assert response.status == 200, response.body
    assert "TableNames" in response.json()


def test_body_over_16_mb_is_refused(raw: RawClient) -> None:
    body = b'{"TableName": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    response = raw.request("DescribeTable", body, sign=False)
    assert response.status == 413


@pytest.mark.reference_deviation("DynamoDB Local sends no CORS headers unless started with -cors")
def test_cors_preflight(raw: RawClient, target: Target) -> None:
    response = raw.request(
        None,
        method="OPTIONS",
        sign=False,
        headers={
            "Origin": "http://example.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,authorization",
        },
    )
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-amz-target" in response.headers["access-control-allow-headers"].lower()
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-max-age"] == "172800"


@pytest.mark.reference_deviation("DynamoDB Local sends no CORS headers unless started with -cors")
def test_cors_headers_on_responses_with_origin(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, headers={"Origin": "http://example.test"})
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.reference_deviation("DynamoDB Local renders service errors with `Message`, not `message`")
def test_error_envelope_of_a_service_error(raw: RawClient) -> None:
    response = raw.request("DescribeTable", {"TableName": "no-such-table-anywhere"})
    assert response.status == 400
    data: dict[str, Any] = response.json()
    assert data["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert "message" in data


@pytest.mark.reference_deviation("DynamoDB Local answers bad request shapes with a 500 InternalFailure")
def test_wrong_json_type_is_serialization_exception(raw: RawClient) -> None:
    response = raw.request("ListTables", {"Limit": "five"})
    assert response.status == 400
    assert response.error_type == "SerializationException"


def test_any_path_is_the_endpoint(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, path="/some/where")
    assert response.status == 200
    assert "TableNames" in response.json()
