"""SigV4 verification against botocore's own signer: what it signs is accepted, anything tampered is not.

Requests are signed by `botocore.auth.SigV4Auth` at a fixed instant (botocore's clock is pinned), then
passed to `authenticate` the way the wire layer passes them: raw path, raw query, lower-cased headers.
Error messages are AWS's (see app/auth/sigv4.py for where each was taken from).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlsplit

import botocore.auth
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth import Credential, CredentialStore, Identity, authenticate
from app.auth.sigv4 import canonical_path, format_timestamp, parse_timestamp, signing_key
from app.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)
from app.settings import AuthMode

SIGNED_AT = datetime.datetime(2026, 11, 23, 12, 0, 0)
NOW = SIGNED_AT.replace(tzinfo=datetime.UTC).timestamp()
STAMP = "20261123T120000Z"
KEY, SECRET, ACCOUNT = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "123456789012"
DEFAULT_ACCOUNT = "000000000000"
STORE = CredentialStore([Credential(KEY, SECRET, ACCOUNT)], DEFAULT_ACCOUNT)
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
BODY = b'{"TableName": "t"}'


@pytest.fixture(autouse=True)
def _pinned_botocore_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: SIGNED_AT)
    yield


@dataclass(frozen=True)
class Wire:
    """A request as the wire layer hands it to `authenticate`."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def with_header(self, name: str, value: str | None) -> Wire:
        headers = dict(self.headers)
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
        return replace(self, headers=headers)


def _wire(request: AWSRequest, body: bytes) -> Wire:
    parts = urlsplit(request.url)
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers["host"] = botocore.auth._host_from_url(request.url)  # what the HTTP client sends
    return Wire(request.method, parts.path or "/", parts.query, headers, body)


def sign(
    body: bytes = BODY,
    *,
    url: str = "http://localhost:8000/",
    method: str = "POST",
    headers: dict[str, str] | None = None,
    key: str = KEY,
    secret: str = SECRET,
    token: str | None = None,
    region: str = "us-east-1",
    service: str = "dynamodb",
    signer: type[SigV4Auth] = SigV4Auth,
) -> Wire:
    all_headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
    }
    all_headers.update(headers or {})
    request = AWSRequest(method=method, url=url, data=body, headers=all_headers)
    signer(Credentials(key, secret, token), service, region).add_auth(request)
    return _wire(request, body)


def auth(wire: Wire, mode: AuthMode = "strict", now: float = NOW, store: CredentialStore = STORE) -> Identity:
    return authenticate(
        wire.method, wire.path, wire.query, wire.headers, wire.body, now, store, mode, "us-east-1"
    )


def fails(
    wire: Wire, error: type[Exception], message: str, mode: AuthMode = "strict", now: float = NOW
) -> None:
    with pytest.raises(error) as caught:
        auth(wire, mode, now)
    assert caught.value.message == message  # type: ignore[attr-defined]


def starts(wire: Wire, error: type[Exception], prefix: str) -> None:
    with pytest.raises(error) as caught:
        auth(wire)
    assert caught.value.message.startswith(prefix)  # type: ignore[attr-defined]


def raw(authorization: str | None, **headers: str) -> Wire:
    """An unsigned-by-botocore request carrying a hand-written Authorization header."""
    base = {"host": "localhost:8000", "content-type": "application/x-amz-json-1.0", **headers}
    if authorization is not None:
        base["authorization"] = authorization
    return Wire("POST", "/", "", base, BODY)


# --- accepted --------------------------------------------------------------------------------------------


def test_a_signed_request_identifies_its_key_account_and_scope_region() -> None:
    assert auth(sign(region="eu-west-1")) == Identity(KEY, ACCOUNT, "eu-west-1")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/",
        "http://localhost:8000",
        "http://127.0.0.1:4567/a/b/c",
        "http://localhost:8000/a%20b/c%2Fd",
        "http://localhost:8000/a/./b/../c",
        "http://localhost:8000//double//slashes//",
        "http://localhost:8000/~user/euro%E2%82%AC",
        "https://dynamodb.us-east-1.amazonaws.com/",
        "http://[::1]:8000/",
    ],
)
def test_paths_and_hosts(url: str) -> None:
    assert auth(sign(url=url)).account == ACCOUNT


@pytest.mark.parametrize(
    "query",
    ["a=1", "b=2&a=1&a=0", "x=hello%20world", "flag", "k=%2F%3D%26", "Z=1&a=2&_=3&-=4", "empty="],
)
def test_query_strings(query: str) -> None:
    assert auth(sign(url=f"http://localhost:8000/?{query}")).account == ACCOUNT


@pytest.mark.parametrize("body", [b"", b"{}", bytes(range(256)) * 300, "é€🙂".encode()])
def test_payloads(body: bytes) -> None:
    assert auth(sign(body)).account == ACCOUNT


def test_header_values_are_trimmed_and_inner_spaces_collapsed() -> None:
    wire = sign(headers={"X-Custom": "  a   b \t c  ", "X-Other": "v"})
    assert auth(wire).account == ACCOUNT
    # What the canonical form cannot see does not matter either.
    assert auth(wire.with_header("x-custom", "a b c")).account == ACCOUNT


def test_session_tokens_are_accepted() -> None:
    wire = sign(token="FQoGZXIvYXdzE//////////wEaDtemporary+token==")
    assert "x-amz-security-token" in wire.headers
    assert auth(wire) == Identity(KEY, ACCOUNT, "us-east-1")


def test_an_unsigned_extra_header_changes_nothing() -> None:
    assert auth(sign().with_header("user-agent", "something else")).account == ACCOUNT


def test_the_content_sha256_header_stands_for_the_payload() -> None:
    # botocore signs the header's value instead of hashing the body, and so does the server.
    wire = sign(b"", headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert auth(replace(wire, body=b"anything at all")).account == ACCOUNT
    declared = hashlib.sha256(BODY).hexdigest()
    assert auth(sign(headers={"X-Amz-Content-SHA256": declared})).account == ACCOUNT


class _DateHeaderSigV4(SigV4Auth):  # type: ignore[misc]
    """Signs with an ISO-8601 `Date` header instead of `X-Amz-Date` (SigV4 allows either)."""

    def _set_necessary_date_headers(self, request: Any) -> None:
        request.headers["Date"] = request.context["timestamp"]


def test_the_date_header_is_used_when_there_is_no_x_amz_date() -> None:
    wire = sign(signer=_DateHeaderSigV4)
    assert "x-amz-date" not in wire.headers
    assert wire.headers["date"] == STAMP
    assert auth(wire).account == ACCOUNT


def test_presigned_query_parameters() -> None:
    request = AWSRequest(method="GET", url="http://localhost:8000/?extra=1", data=b"", headers={})
    SigV4QueryAuth(Credentials(KEY, SECRET, "tok"), "dynamodb", "ap-south-1", expires=60).add_auth(request)
    wire = _wire(request, b"")
    assert "X-Amz-Signature=" in wire.query
    assert auth(wire) == Identity(KEY, ACCOUNT, "ap-south-1")
    tampered = replace(wire, query=wire.query.replace("extra=1", "extra=2"))
    fails(tampered, InvalidSignatureException, MISMATCH)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=2048),
    header_value=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40),
    params=st.lists(st.tuples(st.text(min_size=1, max_size=8), st.text(max_size=8)), max_size=4),
    segments=st.lists(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=6), max_size=3),
)
def test_whatever_botocore_signs_verifies_and_any_body_change_does_not(
    body: bytes, header_value: str, params: list[tuple[str, str]], segments: list[str]
) -> None:
    path = "/" + "/".join(quote(segment, safe="") for segment in segments)
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params)
    wire = sign(
        body,
        url=f"http://localhost:8000{path}" + (f"?{query}" if query else ""),
        headers={"X-Custom": header_value},
    )
    assert auth(wire).account == ACCOUNT
    fails(replace(wire, body=body + b" "), InvalidSignatureException, MISMATCH)


# --- tampering -------------------------------------------------------------------------------------------


def _flip(signature_header: str) -> str:
    head, _, signature = signature_header.rpartition("Signature=")
    return f"{head}Signature={signature[:-1]}{'0' if signature[-1] != '0' else '1'}"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda w: replace(w, body=w.body + b" "), id="body"),
        pytest.param(
            lambda w: w.with_header("x-amz-target", "DynamoDB_20120810.DeleteTable"), id="signed-header"
        ),
        pytest.param(lambda w: w.with_header("host", "localhost:9999"), id="host"),
        pytest.param(
            lambda w: w.with_header("authorization", _flip(w.headers["authorization"])), id="signature"
        ),
        pytest.param(lambda w: replace(w, method="PUT"), id="method"),
        pytest.param(lambda w: replace(w, path="/other"), id="path"),
        pytest.param(lambda w: replace(w, query="a=1"), id="query"),
        pytest.param(lambda w: w.with_header("x-amz-date", "20261123T120001Z"), id="date-within-the-day"),
        pytest.param(
            lambda w: w.with_header(
                "authorization", w.headers["authorization"].replace("us-east-1", "us-west-2")
            ),
            id="scope-region",
        ),
        pytest.param(
            lambda w: w.with_header(
                "authorization", w.headers["authorization"].replace("content-type;host", "host")
            ),
            id="signed-headers-list",
        ),
    ],
)
def test_tampering_is_an_invalid_signature(tamper: Any) -> None:
    fails(tamper(sign()), InvalidSignatureException, MISMATCH)


def test_a_wrong_secret_is_an_invalid_signature_in_both_modes() -> None:
    wire = sign(secret="not-the-secret")
    fails(wire, InvalidSignatureException, MISMATCH, mode="strict")
    fails(wire, InvalidSignatureException, MISMATCH, mode="permissive")


def test_a_token_removed_after_signing_is_an_invalid_signature() -> None:
    fails(sign(token="tok").with_header("x-amz-security-token", None), InvalidSignatureException, MISMATCH)


# --- clock skew ------------------------------------------------------------------------------------------


def test_fifteen_minutes_either_way_is_still_current() -> None:
    assert auth(sign(), now=NOW + 900).account == ACCOUNT
    assert auth(sign(), now=NOW - 900).account == ACCOUNT


def test_a_signature_older_than_fifteen_minutes_has_expired() -> None:
    fails(
        sign(),
        InvalidSignatureException,
        "Signature expired: 20261123T120000Z is now earlier than 20261123T120001Z "
        "(20261123T121501Z - 15 min.)",
        now=NOW + 901,
    )


def test_a_signature_from_more_than_fifteen_minutes_ahead_is_not_yet_current() -> None:
    fails(
        sign(),
        InvalidSignatureException,
        "Signature not yet current: 20261123T120000Z is still later than 20261123T115959Z "
        "(20261123T114459Z + 15 min.)",
        now=NOW - 901,
    )


def test_skew_applies_to_known_keys_in_permissive_mode_but_not_to_unknown_ones() -> None:
    with pytest.raises(InvalidSignatureException):
        auth(sign(), "permissive", now=NOW + 3600)
    assert auth(sign(key="AKIDUNKNOWN"), "permissive", now=NOW + 3600).account == DEFAULT_ACCOUNT


# --- modes and keys --------------------------------------------------------------------------------------


def test_no_authorization_header() -> None:
    fails(raw(None), MissingAuthenticationTokenException, "Request is missing Authentication Token")
    assert auth(raw(None), "permissive") == Identity(None, DEFAULT_ACCOUNT, "us-east-1")


@pytest.mark.parametrize("header", ["AWS4", "AWS AKID:signature", "Bearer x", ""])
def test_a_header_that_is_not_aws4_counts_as_missing(header: str) -> None:
    fails(raw(header), MissingAuthenticationTokenException, "Request is missing Authentication Token")
    assert auth(raw(header), "permissive").account == DEFAULT_ACCOUNT


def test_unknown_keys() -> None:
    wire = sign(key="AKIDUNKNOWN", secret="whatever", region="ca-central-1")
    fails(wire, UnrecognizedClientException, "The security token included in the request is invalid.")
    assert auth(wire, "permissive") == Identity("AKIDUNKNOWN", DEFAULT_ACCOUNT, "ca-central-1")


def test_unknown_keys_in_permissive_mode_still_need_a_well_formed_scope() -> None:
    fails(
        sign(key="AKIDUNKNOWN", service="s3"),
        InvalidSignatureException,
        "Credential should be scoped to correct service: 'dynamodb'.",
        mode="permissive",
    )


def test_malformed_headers_are_rejected_in_permissive_mode_too() -> None:
    fails(
        raw("AWS4-"),
        IncompleteSignatureException,
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=AWS4-",
        mode="permissive",
    )


# --- AWS's messages for malformed signatures -------------------------------------------------------------

GOOD_SCOPE = f"Credential={KEY}/20261123/us-east-1/dynamodb/aws4_request"


@pytest.mark.parametrize(
    "header",
    ["AWS4- Signature=b Credential=a", "AWS4- Signature=b,Credential=a", "AWS4- Signature=b, Credential=a"],
)
def test_parameters_may_be_separated_by_commas_or_spaces(header: str) -> None:
    fails(
        raw(header, date="a"),
        IncompleteSignatureException,
        f"Authorization header requires 'SignedHeaders' parameter. Authorization={header}",
    )


def test_empty_credential_and_signature_count_as_missing_but_empty_signed_headers_does_not() -> None:
    header = "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature="
    fails(
        raw(header, **{"x-amz-date": STAMP}),
        IncompleteSignatureException,
        "Authorization header requires 'Credential' parameter. "
        f"Authorization header requires 'Signature' parameter. Authorization={header}",
    )


def test_a_parameter_without_an_equals_sign() -> None:
    header = "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders"
    fails(
        raw(header),
        IncompleteSignatureException,
        f"'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.",
    )


@pytest.mark.parametrize(
    "date",
    ["201", "2026-11-23T12:00:00Z", "Mon, 23 Nov 2026 12:00:00 GMT", "20261323T120000Z", "20261123T120000"],
)
def test_a_date_that_is_not_iso8601_basic(date: str) -> None:
    header = f"AWS4-HMAC-SHA256 {GOOD_SCOPE}, SignedHeaders=host;x-amz-date, Signature=abc"
    fails(
        raw(header, **{"x-amz-date": date}),
        IncompleteSignatureException,
        f"Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601",
    )


def test_host_must_be_signed() -> None:
    wire = sign()
    header = wire.headers["authorization"].replace("content-type;host;", "content-type;")
    fails(
        wire.with_header("authorization", header),
        InvalidSignatureException,
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )


def test_an_unsupported_algorithm() -> None:
    header = f"AWS4-HMAC-SHA25 {GOOD_SCOPE}, SignedHeaders=host, Signature=abc"
    fails(
        raw(header, **{"x-amz-date": STAMP}),
        IncompleteSignatureException,
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ",
    )


@pytest.mark.parametrize("credential", ["a/b/c/d", f"{KEY}/20261123/us-east-1/dynamodb/aws4_request/extra"])
def test_a_credential_without_five_parts(credential: str) -> None:
    header = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=abc"
    fails(
        raw(header, **{"x-amz-date": STAMP}),
        IncompleteSignatureException,
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
        f"got '{credential}'",
    )


def test_trailing_slashes_of_the_credential_are_ignored() -> None:
    wire = sign()
    header = wire.headers["authorization"].replace("aws4_request,", "aws4_request//,")
    assert auth(wire.with_header("authorization", header)).account == ACCOUNT


def test_every_scope_problem_is_reported_at_once() -> None:
    header = (
        f"AWS4-HMAC-SHA256 Credential={KEY}/20200101/-bad-/DynamoDB/aws4, SignedHeaders=host, Signature=abc"
    )
    fails(
        raw(header, **{"x-amz-date": STAMP}),
        InvalidSignatureException,
        "Credential should be scoped to a valid region, not '-bad-'. "
        "Credential should be scoped to correct service: 'dynamodb'. "
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'. "
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'20200101' != '20261123', from '{STAMP}'.",
    )


def test_a_scope_date_from_another_day() -> None:
    wire = sign().with_header("x-amz-date", "20261124T000100Z")
    fails(
        wire,
        InvalidSignatureException,
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'20261123' != '20261124', from '20261124T000100Z'.",
        now=NOW + 12 * 3600 + 60,
    )


def test_checks_run_in_aws_order() -> None:
    # Expired, Host unsigned, a bad algorithm, a bad credential: the clock is checked first ...
    header = "AWS4-HMAC-SHA1 Credential=a/b/c/d, SignedHeaders=x-amz-date, Signature=abc"
    starts(raw(header, **{"x-amz-date": "20200101T000000Z"}), InvalidSignatureException, "Signature expired")
    # ... then Host, the algorithm, the credential's shape, its scope, and last the key.
    starts(raw(header, **{"x-amz-date": STAMP}), InvalidSignatureException, "'Host'")
    header = header.replace("x-amz-date", "host")
    starts(raw(header, **{"x-amz-date": STAMP}), IncompleteSignatureException, "Unsupported")
    header = header.replace("HMAC-SHA1", "HMAC-SHA256")
    starts(
        raw(header, **{"x-amz-date": STAMP}), IncompleteSignatureException, "Credential must have exactly 5"
    )
    header = header.replace("a/b/c/d", "a/b/c/d/e")
    starts(
        raw(header, **{"x-amz-date": STAMP}),
        InvalidSignatureException,
        "Credential should be scoped to correct service",
    )
    header = header.replace("a/b/c/d/e", "a/20261123/us-east-1/dynamodb/aws4_request")
    with pytest.raises(UnrecognizedClientException):
        auth(raw(header, **{"x-amz-date": STAMP}))


def test_x_amz_date_wins_over_date() -> None:
    wire = sign().with_header("date", "not a date at all")
    assert auth(wire).account == ACCOUNT


# --- query-string signatures -----------------------------------------------------------------------------


def _query(query: str, authorization: str | None = None) -> Wire:
    wire = raw(authorization)
    return replace(wire, query=query)


def test_both_a_header_and_query_parameters() -> None:
    fails(
        _query("X-Amz-Algorithm", "X"),
        InvalidSignatureException,
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )


def test_query_parameters_without_x_amz_algorithm_count_as_missing() -> None:
    wire = _query("X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d")
    fails(wire, MissingAuthenticationTokenException, "Request is missing Authentication Token")
    fails(
        _query("X-Amz-Algorith", "X"),
        MissingAuthenticationTokenException,
        "Request is missing Authentication Token",
    )


def test_missing_query_parameters() -> None:
    fails(
        _query("X-Amz-Algorithm"),
        IncompleteSignatureException,
        "AWS query-string parameters must include 'X-Amz-Algorithm'. "
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "AWS query-string parameters must include 'X-Amz-Date'. "
        "Re-examine the query-string parameters.",
    )
    fails(
        _query("X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d"),
        IncompleteSignatureException,
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters.",
    )


# --- pieces ----------------------------------------------------------------------------------------------


def test_signing_keys_are_cached() -> None:
    signing_key.cache_clear()
    for _ in range(3):
        auth(sign())
    info = signing_key.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_timestamps_round_trip() -> None:
    assert parse_timestamp(STAMP) == NOW
    assert format_timestamp(NOW + 0.9) == STAMP
    assert parse_timestamp("\uff12\uff10261123T120000Z") is None  # fullwidth digits


@pytest.mark.parametrize(
    ("path", "canonical"),
    [("", "/"), ("/", "/"), ("/a/../../b", "/b"), ("/a/./b/", "/a/b/"), ("//", "/"), ("/a%2Fb", "/a%252Fb")],
)
def test_canonical_paths(path: str, canonical: str) -> None:
    assert canonical_path(path) == canonical
