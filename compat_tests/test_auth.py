"""SigV4 authentication as the wire shows it: raw signed HTTP, AWS's exact error types and messages.

AWS verifies every request. localddb does so in `--auth strict` mode, so for the localddb target these
tests run against a strict server of their own that knows the suite's access key; the few tests of the
default permissive mode use the suite's ordinary server. DynamoDB Local verifies no signature at all and
answers malformed ones with its own errors: those tests are marked as its documented deviation.

Sources of the expected messages: dynalite's connection tests, recorded against DynamoDB itself, and
live DynamoDB responses quoted in AWS SDK issue reports (see app/auth/sigv4.py).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from compat_tests.conftest import (
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    RawClient,
    RawResponse,
    Target,
    unique_name,
)
from compat_tests.servers import start_localddb

CORAL = "com.amazon.coral.service#"
MISSING = "Request is missing Authentication Token"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
NO_VERIFY = "DynamoDB Local does not verify signatures"
OWN_ERRORS = "DynamoDB Local answers malformed signatures with its own errors (or a 500)"
ISO_BASIC = "%Y%m%dT%H%M%SZ"


@pytest.fixture(scope="module")
def strict(target: Target) -> Iterator[Target]:
    """The target in AWS's own mode: every request must be signed by a known key."""
    if not target.is_localddb:
        yield target
        return
    server = start_localddb("--auth", "strict", "--access-keys", f"{TEST_ACCESS_KEY}:{TEST_SECRET_KEY}")
    try:
        yield Target(
            "localddb", server.endpoint_url, target.region, TEST_ACCESS_KEY, TEST_SECRET_KEY, server=server
        )
    finally:
        server.stop()


@pytest.fixture(scope="module")
def http(strict: Target) -> RawClient:
    return RawClient(strict)


def signed(
    target: Target,
    body: bytes,
    *,
    service: str = "dynamodb",
    region: str | None = None,
    secret: str | None = None,
    access_key: str | None = None,
) -> dict[str, str]:
    """Headers of a ListTables request signed by botocore, with whatever scope or key a test needs."""
    client = RawClient(target)
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"}
    request = AWSRequest(method="POST", url=client.url.rstrip("/") + "/", data=body, headers=headers)
    credentials = Credentials(
        access_key or target.access_key, secret or target.secret_key, target.session_token
    )
    SigV4Auth(credentials, service, region or target.region).add_auth(request)
    return dict(request.headers.items())


def list_tables(http: RawClient, headers: dict[str, str], body: bytes = b"{}") -> RawResponse:
    return http.request("ListTables", body, headers=headers, sign=False)


def assert_error(response: RawResponse, error_type: str, message: str) -> None:
    assert (response.status, response.json()) == (400, {"__type": CORAL + error_type, "message": message})


def now_stamp(offset: datetime.timedelta = datetime.timedelta()) -> str:
    return (datetime.datetime.now(datetime.UTC) + offset).strftime(ISO_BASIC)


# --- what passes ----------------------------------------------------------------------------------------


def test_a_signed_request_is_served(http: RawClient) -> None:
    response = http.request("ListTables", {})
    assert response.status == 200
    assert "TableNames" in response.json()


def test_a_session_token_is_accepted(strict: Target) -> None:
    if strict.is_aws:
        pytest.skip("AWS checks session tokens: a made-up one is refused")
    with_token = Target(
        strict.name,
        strict.endpoint_url,
        strict.region,
        strict.access_key,
        strict.secret_key,
        session_token="FQoGZXIvYXdzEXAMPLETOKEN",
    )
    response = list_tables(RawClient(with_token), signed(with_token, b"{}"))
    assert response.status == 200


def _client(target: Target, region: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=target.endpoint_url,
        region_name=region,
        aws_access_key_id=target.access_key,
        aws_secret_access_key=target.secret_key,
        aws_session_token=target.session_token,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def test_each_region_of_the_credential_scope_has_its_own_tables(strict: Target) -> None:
    home = _client(strict, strict.region)
    away = _client(strict, "us-west-2" if strict.region != "us-west-2" else "us-east-1")
    name = unique_name("auth-region")
    home.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        home.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        assert name in home.list_tables()["TableNames"]
        assert name not in away.list_tables()["TableNames"]
        with pytest.raises(ClientError) as caught:
            away.describe_table(TableName=name)
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    finally:
        home.delete_table(TableName=name)


# --- missing and malformed signatures --------------------------------------------------------------------


@pytest.mark.reference_deviation("DynamoDB Local answers MissingAuthenticationToken with another message")
def test_an_unsigned_request_is_missing_its_token(http: RawClient) -> None:
    assert_error(http.request("ListTables", {}, sign=False), "MissingAuthenticationTokenException", MISSING)


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_an_authorization_header_that_is_not_aws4_is_missing_its_token(http: RawClient) -> None:
    response = http.request("ListTables", {}, sign=False, headers={"Authorization": "AWS4"})
    assert_error(response, "MissingAuthenticationTokenException", MISSING)


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_an_authorization_header_without_parameters(http: RawClient) -> None:
    response = http.request("ListTables", {}, sign=False, headers={"Authorization": "AWS4-"})
    assert_error(
        response,
        "IncompleteSignatureException",
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=AWS4-",
    )


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_parameters_separated_by_spaces_are_read(http: RawClient) -> None:
    header = "AWS4- Signature=b Credential=a"
    response = http.request("ListTables", {}, sign=False, headers={"Authorization": header, "Date": "a"})
    assert_error(
        response,
        "IncompleteSignatureException",
        f"Authorization header requires 'SignedHeaders' parameter. Authorization={header}",
    )


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_a_date_that_is_not_iso8601_basic(http: RawClient) -> None:
    scope = "a/20260101/us-east-1/dynamodb/aws4_request"
    header = f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=b"
    response = http.request(
        "ListTables", {}, sign=False, headers={"Authorization": header, "X-Amz-Date": "201"}
    )
    assert_error(
        response,
        "IncompleteSignatureException",
        "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601",
    )


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_both_a_header_and_query_parameters(http: RawClient) -> None:
    response = http.request(
        "ListTables", {}, sign=False, path="/?X-Amz-Algorithm", headers={"Authorization": "X"}
    )
    assert_error(
        response,
        "InvalidSignatureException",
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )


@pytest.mark.reference_deviation(OWN_ERRORS)
def test_incomplete_query_parameters(http: RawClient) -> None:
    response = http.request(
        "ListTables",
        {},
        sign=False,
        path="/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d",
    )
    assert_error(
        response,
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters.",
    )


@pytest.mark.reference_deviation(NO_VERIFY)
def test_host_must_be_signed(http: RawClient, strict: Target) -> None:
    stamp = now_stamp()
    header = (
        f"AWS4-HMAC-SHA256 Credential={strict.access_key}/{stamp[:8]}/{strict.region}/dynamodb/aws4_request, "
        "SignedHeaders=x-amz-date, Signature=0123"
    )
    response = http.request(
        "ListTables", {}, sign=False, headers={"Authorization": header, "X-Amz-Date": stamp}
    )
    assert_error(
        response,
        "InvalidSignatureException",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )


# --- signatures that do not verify -----------------------------------------------------------------------


@pytest.mark.reference_deviation(NO_VERIFY)
def test_a_tampered_body(http: RawClient, strict: Target) -> None:
    headers = signed(strict, b"{}")
    assert_error(list_tables(http, headers, b'{"Limit": 1}'), "InvalidSignatureException", MISMATCH)


@pytest.mark.reference_deviation(NO_VERIFY)
def test_a_wrong_secret(http: RawClient, strict: Target) -> None:
    headers = signed(strict, b"{}", secret="not-the-secret-key")
    assert_error(list_tables(http, headers), "InvalidSignatureException", MISMATCH)


@pytest.mark.reference_deviation(NO_VERIFY)
def test_an_unknown_access_key(http: RawClient, strict: Target) -> None:
    headers = signed(strict, b"{}", access_key="AKIDNOSUCHKEY0000000")
    assert_error(
        list_tables(http, headers),
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


@pytest.mark.reference_deviation(NO_VERIFY)
def test_a_scope_for_another_service(http: RawClient, strict: Target) -> None:
    headers = signed(strict, b"{}", service="s3")
    assert_error(
        list_tables(http, headers),
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'dynamodb'.",
    )


def _signed_at(strict: Target, offset: datetime.timedelta, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    moment = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + offset
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment)
    return signed(strict, b"{}")


def _assert_skew_message(response: RawResponse, headers: dict[str, str], pattern: str, margin: int) -> None:
    """The message names the request's time, the bound it crossed (server time + margin minutes), and
    the server's time."""
    assert response.status == 400
    assert response.json()["__type"] == CORAL + "InvalidSignatureException"
    match = re.fullmatch(pattern, response.error_message or "")
    assert match, response.error_message
    assert match.group(1) == headers["X-Amz-Date"]
    bound, server_now = (datetime.datetime.strptime(text, ISO_BASIC) for text in match.group(2, 3))
    assert bound - server_now == datetime.timedelta(minutes=margin)
    local_now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert abs(server_now - local_now) < datetime.timedelta(minutes=5)


@pytest.mark.reference_deviation(NO_VERIFY)
def test_a_signature_older_than_fifteen_minutes(
    http: RawClient, strict: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = _signed_at(strict, datetime.timedelta(minutes=-20), monkeypatch)
    pattern = (
        r"Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 15 min\.\)"
    )
    _assert_skew_message(list_tables(http, headers), headers, pattern, -15)


@pytest.mark.reference_deviation(NO_VERIFY)
def test_a_signature_from_the_future(
    http: RawClient, strict: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = _signed_at(strict, datetime.timedelta(minutes=20), monkeypatch)
    pattern = (
        r"Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) "
        r"\((\d{8}T\d{6}Z) \+ 15 min\.\)"
    )
    _assert_skew_message(list_tables(http, headers), headers, pattern, 15)


# --- localddb's permissive mode (its default) -------------------------------------------------------------


@pytest.mark.localddb_only("permissive auth mode")
def test_permissive_mode_serves_unsigned_requests(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, sign=False)
    assert response.status == 200


@pytest.mark.localddb_only("permissive auth mode")
def test_permissive_mode_serves_unknown_keys_without_checking_their_signature(raw: RawClient) -> None:
    headers = signed(raw.target, b"{}", access_key="AKIDUNKNOWNTOTHESERVER")
    assert list_tables(raw, headers, b'{"Limit": 5}').status == 200


@pytest.mark.localddb_only("permissive auth mode")
def test_permissive_mode_still_refuses_malformed_signatures(raw: RawClient) -> None:
    response = raw.request("ListTables", {}, sign=False, headers={"Authorization": "AWS4-"})
    assert response.error_type == "IncompleteSignatureException"
