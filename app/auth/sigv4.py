"""AWS Signature Version 4, verified the way DynamoDB verifies it: pure functions, no I/O, no credentials.

Three steps, called in this order by `app.auth.identity.authenticate` (the key lookup sits between 2 and 3,
as it does on AWS):

1. `read_claim`: find the signature in the `Authorization` header or the `X-Amz-*` query parameters.
   None means the request carries none (AWS: MissingAuthenticationTokenException).
2. `check_claim`: date format, clock skew, `Host` signed, algorithm, credential scope.
3. `verify_signature`: rebuild the canonical request and the string to sign, compare in constant time.

Order and messages are AWS's, word for word, as recorded against DynamoDB (dynalite's AWS-verified
connection tests and notes; AWS SDK issue reports of live responses). Every error here is HTTP 400, as
DynamoDB answers them. Canonicalisation follows the SigV4 rules for services other than S3: the path has
its dot segments and repeated slashes removed and is percent-encoded again, query parameters are decoded,
re-encoded (RFC 3986) and sorted, header values are trimmed with inner whitespace runs collapsed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from app.errors import IncompleteSignatureException, InvalidSignatureException

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "dynamodb"
TERMINATOR = "aws4_request"
MAX_SKEW_SECONDS = 15 * 60

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
FOUND_BOTH = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
QUERY_PARAMETERS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)

# The Authorization header's parameters are separated by commas and/or spaces (AWS accepts either).
_PARAMETER_SEPARATOR = re.compile("[, ]")
# A region is a DNS label, the rule botocore applies to region names (and what ARNs can carry).
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
_UNRESERVED = "-_.~"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Claim:
    """What a request says about its own signature, before any of it is checked."""

    algorithm: str
    credential: str  # AKID/YYYYMMDD/region/service/aws4_request
    signed_headers: str  # as sent: "content-type;host;x-amz-date"
    signature: str
    timestamp: str  # X-Amz-Date (or Date) as sent
    in_query: bool  # signed with query parameters (a presigned URL) rather than the Authorization header

    @property
    def access_key(self) -> str:
        return self.credential.split("/", 1)[0]


@dataclass(frozen=True)
class Scope:
    """A checked credential scope."""

    date: str
    region: str
    service: str

    def text(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{TERMINATOR}"


def read_claim(headers: Mapping[str, str], query: str) -> Claim | None:
    """The signature a request claims; None when it has none (AWS's 'missing authentication token').

    Raises InvalidSignatureException when both forms are present, IncompleteSignatureException when the
    chosen form lacks a part. `headers` are keyed by lower-case name; `query` is the raw query string.
    """
    authorization = headers.get("authorization", "")
    parameters = _first_values(query) if "X-Amz-Algorithm" in query else {}
    in_query = "X-Amz-Algorithm" in parameters
    if authorization and in_query:
        raise InvalidSignatureException(FOUND_BOTH)
    if in_query:
        return _claim_from_query(parameters)
    if not authorization.strip().startswith("AWS4-"):
        return None
    return _claim_from_header(authorization, headers)


def _claim_from_header(authorization: str, headers: Mapping[str, str]) -> Claim:
    tokens = _PARAMETER_SEPARATOR.split(authorization.strip())
    parameters: dict[str, str] = {}
    for token in tokens[1:]:
        if not token:
            continue
        name, equals, value = token.partition("=")
        if not equals:
            raise IncompleteSignatureException(
                f"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: "
                f"'{authorization}'."
            )
        parameters[name] = value  # a repeated parameter: the last one counts
    missing: list[str] = []
    credential = parameters.get("Credential", "")
    if not credential:
        missing.append("Authorization header requires 'Credential' parameter.")
    signature = parameters.get("Signature", "")
    if not signature:
        missing.append("Authorization header requires 'Signature' parameter.")
    # SignedHeaders may be empty here (the Host check rejects that later); it must be present.
    signed_headers = parameters.get("SignedHeaders")
    if signed_headers is None:
        missing.append("Authorization header requires 'SignedHeaders' parameter.")
    timestamp = headers.get("x-amz-date") or headers.get("date") or ""
    if not timestamp:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if missing:
        raise IncompleteSignatureException(" ".join(missing) + " Authorization=" + authorization)
    return Claim(tokens[0], credential, signed_headers or "", signature, timestamp, in_query=False)


def _claim_from_query(parameters: Mapping[str, str]) -> Claim:
    missing = [
        f"AWS query-string parameters must include '{name}'."
        for name in QUERY_PARAMETERS
        if not parameters.get(name)
    ]
    if missing:
        raise IncompleteSignatureException(" ".join(missing) + " Re-examine the query-string parameters.")
    return Claim(
        parameters["X-Amz-Algorithm"],
        parameters["X-Amz-Credential"],
        parameters["X-Amz-SignedHeaders"],
        parameters["X-Amz-Signature"],
        parameters["X-Amz-Date"],
        in_query=True,
    )


def check_claim(claim: Claim, now: float, check_clock: bool = True) -> Scope:
    """Everything about a claim that needs no secret, in AWS's order; the scope to sign with.

    `check_clock=False` skips only the 15-minute skew check (for keys whose signature cannot be verified).
    """
    timestamp = parse_timestamp(claim.timestamp)
    if timestamp is None:
        raise IncompleteSignatureException(
            f"Date must be in ISO-8601 'basic format'. Got '{claim.timestamp}'. "
            "See http://en.wikipedia.org/wiki/ISO_8601"
        )
    if check_clock:
        _check_skew(claim.timestamp, timestamp, now)
    signed = claim.signed_headers.lower().split(";")
    if "host" not in signed and ":authority" not in signed:
        raise InvalidSignatureException(HOST_NOT_SIGNED)
    if claim.algorithm != ALGORITHM:
        raise IncompleteSignatureException(
            f"Unsupported AWS 'algorithm': '{claim.algorithm}' (only AWS4-HMAC-SHA256 for now). "
        )
    parts = claim.credential.split("/")
    while parts and not parts[-1]:
        parts.pop()  # trailing slashes are ignored (AWS splits the way Java's String.split does)
    if len(parts) != 5:
        raise IncompleteSignatureException(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            f"got '{claim.credential}'"
        )
    _, date, region, service, terminator = parts
    problems: list[str] = []
    if not _REGION.fullmatch(region):
        problems.append(f"Credential should be scoped to a valid region, not '{region}'.")
    if service != SERVICE:
        problems.append(f"Credential should be scoped to correct service: '{SERVICE}'.")
    if terminator != TERMINATOR:
        problems.append(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'."
        )
    if date != claim.timestamp[:8]:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{date}' != '{claim.timestamp[:8]}', from '{claim.timestamp}'."
        )
    if problems:
        raise InvalidSignatureException(" ".join(problems))
    return Scope(date, region, service)


def _check_skew(text: str, timestamp: float, now: float) -> None:
    earliest, latest = now - MAX_SKEW_SECONDS, now + MAX_SKEW_SECONDS
    if timestamp < earliest:
        raise InvalidSignatureException(
            f"Signature expired: {text} is now earlier than {format_timestamp(earliest)} "
            f"({format_timestamp(now)} - 15 min.)"
        )
    if timestamp > latest:
        raise InvalidSignatureException(
            f"Signature not yet current: {text} is still later than {format_timestamp(latest)} "
            f"({format_timestamp(now)} + 15 min.)"
        )


def verify_signature(
    claim: Claim,
    scope: Scope,
    secret_key: str,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Raise InvalidSignatureException unless the claim's signature is the one `secret_key` makes."""
    payload_hash = headers.get("x-amz-content-sha256") or (
        hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
    )
    canonical = canonical_request(
        method, path, query, headers, claim.signed_headers, payload_hash, claim.in_query
    )
    to_sign = "\n".join((ALGORITHM, claim.timestamp, scope.text(), hashlib.sha256(canonical).hexdigest()))
    key = signing_key(secret_key, scope.date, scope.region, scope.service)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), claim.signature.encode()):
        raise InvalidSignatureException(SIGNATURE_MISMATCH)


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    signed_headers: str,
    payload_hash: str,
    in_query: bool = False,
) -> bytes:
    """The SigV4 canonical request, as bytes (header values are the request's own bytes, latin-1)."""
    names = signed_headers.lower().split(";")
    lines = [method.upper(), canonical_path(path), canonical_query(query, drop_signature=in_query)]
    lines.extend(f"{name}:{' '.join(headers.get(name, '').split())}" for name in names)
    lines.extend(("", ";".join(names), payload_hash))
    text = "\n".join(lines)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def canonical_path(path: str) -> str:
    """The raw (still percent-encoded) path without dot segments or repeated slashes, encoded once more."""
    if path == "/" or not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    trailing = "/" if path.endswith("/") and segments else ""
    normalised = ("/" if path.startswith("/") else "") + "/".join(segments) + trailing
    try:
        raw = normalised.encode("latin-1")
    except UnicodeEncodeError:
        raw = normalised.encode("utf-8")
    return quote(raw, safe="/~")


def canonical_query(query: str, drop_signature: bool = False) -> str:
    """Parameters decoded, re-encoded the RFC 3986 way and sorted; `X-Amz-Signature` left out if asked."""
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition("=")
        name = unquote(raw_name)
        if drop_signature and name == "X-Amz-Signature":
            continue
        pairs.append((quote(name, safe=_UNRESERVED), quote(unquote(raw_value), safe=_UNRESERVED)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _first_values(query: str) -> dict[str, str]:
    """Decoded query parameters, the first value of each."""
    values: dict[str, str] = {}
    for piece in query.split("&"):
        if piece:
            raw_name, _, raw_value = piece.partition("=")
            values.setdefault(unquote(raw_name), unquote(raw_value))
    return values


@functools.lru_cache(maxsize=256)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """kSigning for a day, region and service; cached, since every request of a client shares it."""
    key = hmac.new(f"AWS4{secret_key}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, TERMINATOR):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


@functools.lru_cache(maxsize=128)
def parse_timestamp(text: str) -> float | None:
    """Seconds since the epoch of an ISO-8601 basic UTC time (`20260523T101500Z`); None if it is not one."""
    digits = text[:8] + text[9:15]
    if len(text) != 16 or text[8] != "T" or text[15] != "Z" or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        moment = datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return moment.timestamp()


def format_timestamp(seconds: float) -> str:
    """ISO-8601 basic UTC time, to the second, as AWS prints it in its messages."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(seconds))
