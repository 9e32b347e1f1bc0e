"""Who is asking: `authenticate` turns a request's signature into an `Identity` (account and region).

This is the one entry point the wire layer calls, once per request. The rules, by `--auth` mode:

| request             | strict                              | permissive (default)                   |
|---------------------|-------------------------------------|----------------------------------------|
| no signature at all | MissingAuthenticationTokenException | default account, the server's region   |
| malformed signature | IncompleteSignatureException        | IncompleteSignatureException           |
| known access key    | full SigV4 check (skew, signature)  | full SigV4 check (skew, signature)     |
| unknown access key  | UnrecognizedClientException         | default account, region from the scope |

For an unknown key in permissive mode every check that needs no secret still runs (date format, `Host`
signed, algorithm, credential scope) except the clock-skew check: there is no secret to verify the
signature with, so a client's clock (or a frozen test clock) is not held against it. Session tokens
(`X-Amz-Security-Token`) are accepted as they come: temporary credentials sign with a known key's secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.auth import sigv4
from app.auth.credentials import CredentialStore
from app.errors import MissingAuthenticationTokenException, UnrecognizedClientException
from app.settings import AuthMode

MISSING_TOKEN = "Request is missing Authentication Token"
UNRECOGNIZED_CLIENT = "The security token included in the request is invalid."


@dataclass(frozen=True)
class Identity:
    """The caller: the access key it signed with (None if unsigned), its account, and its region."""

    access_key: str | None
    account: str
    region: str


def authenticate(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
    store: CredentialStore,
    mode: AuthMode,
    default_region: str,
) -> Identity:
    """Check a request's SigV4 signature and say who sent it; raises the AWS auth errors (all HTTP 400).

    `path` is the raw request path (still percent-encoded), `query` the raw query string, `headers` keyed
    by lower-case name (values decoded as latin-1, repeated headers joined by ','), `body` the bytes as
    received (before any Content-Encoding is undone: that is what the client signed), `now` the server
    clock in seconds since the epoch.
    """
    claim = sigv4.read_claim(headers, query)
    if claim is None:
        if mode == "strict":
            raise MissingAuthenticationTokenException(MISSING_TOKEN)
        return Identity(None, store.default_account, default_region)
    credential = store.get(claim.access_key)
    scope = sigv4.check_claim(claim, now, check_clock=credential is not None or mode == "strict")
    if credential is None:
        if mode == "strict":
            raise UnrecognizedClientException(UNRECOGNIZED_CLIENT)
        return Identity(claim.access_key, store.default_account, scope.region)
    sigv4.verify_signature(claim, scope, credential.secret_key, method, path, query, headers, body)
    return Identity(credential.access_key, credential.account, scope.region)
