"""The credential store: which access keys the server knows, their secrets, and the account each belongs to.

Keys come from an AWS shared-credentials file (`--credentials`: INI sections with `aws_access_key_id`,
`aws_secret_access_key` and an optional 12-digit `aws_account_id` or `account_id`) and from `--access-keys`
(`AKID:SECRET[:ACCOUNT],…`). A key without an account belongs to `Settings.default_account`, which is also
the account of unsigned requests and of unknown keys in permissive mode. Nothing is implied: no well-known
local key pair is added. Configuration mistakes raise `CredentialsError` at start-up, never per request.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings


class CredentialsError(ValueError):
    """The credentials configuration is unusable (bad syntax, bad account id, conflicting secrets)."""


@dataclass(frozen=True)
class Credential:
    """One known access key."""

    access_key: str
    secret_key: str
    account: str


def _check_account(account: str, where: str) -> str:
    if len(account) != 12 or not account.isascii() or not account.isdigit():
        raise CredentialsError(f"{where}: account id must be 12 digits, got {account!r}")
    return account


class CredentialStore:
    """Access key -> `Credential`; immutable once built, so it is shared freely between requests."""

    def __init__(self, credentials: Iterable[Credential], default_account: str) -> None:
        self.default_account = _check_account(default_account, "default account")
        keys: dict[str, Credential] = {}
        for credential in credentials:
            known = keys.get(credential.access_key)
            if known is not None and known != credential:
                raise CredentialsError(f"access key {credential.access_key} is configured twice, differently")
            keys[credential.access_key] = credential
        self._keys: Mapping[str, Credential] = keys

    def get(self, access_key: str) -> Credential | None:
        return self._keys.get(access_key)

    def __len__(self) -> int:
        return len(self._keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> CredentialStore:
        """The keys of `settings.credentials` (a file) and `settings.access_keys` (a list), together."""
        default = _check_account(settings.default_account, "default account")
        found: list[Credential] = []
        if settings.credentials is not None:
            found.extend(parse_credentials_file(settings.credentials, default))
        found.extend(parse_access_keys(settings.access_keys, default))
        return cls(found, default)


def parse_access_keys(text: str, default_account: str) -> list[Credential]:
    """`AKID:SECRET[:ACCOUNT],AKID2:SECRET2` -> credentials; blanks around entries are ignored."""
    found: list[Credential] = []
    for entry in text.split(","):
        entry = entry.strip()
        if not entry:
            continue
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            # The entry holds a secret: name only its key in the message.
            raise CredentialsError(
                f"access keys: expected AKID:SECRET[:ACCOUNT], got an entry for {parts[0]!r}"
            )
        account = _check_account(parts[2], f"access key {parts[0]}") if len(parts) == 3 else default_account
        found.append(Credential(parts[0], parts[1], account))
    return found


def parse_credentials_file(path: Path, default_account: str) -> list[Credential]:
    """The keys of an AWS shared-credentials file; sections without `aws_access_key_id` are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CredentialsError(f"cannot read credentials file {path}: {exc.strerror}") from exc
    return parse_credentials_text(text, str(path), default_account)


def parse_credentials_text(text: str, source: str, default_account: str) -> list[Credential]:
    # No interpolation: secrets may contain '%'.
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=source)
    except configparser.Error as exc:
        raise CredentialsError(f"credentials file {source}: {exc.message}") from exc
    found: list[Credential] = []
    for name in parser.sections():
        section = parser[name]
        access_key = section.get("aws_access_key_id", "").strip()
        if not access_key:
            continue  # e.g. an SSO or role profile: nothing to verify signatures with
        secret_key = section.get("aws_secret_access_key", "").strip()
        if not secret_key:
            raise CredentialsError(f"credentials file {source}: [{name}] has no aws_secret_access_key")
        # `aws_account_id` is the SDKs' own setting name; `account_id` is accepted as a shorthand.
        account = (section.get("aws_account_id") or section.get("account_id") or "").strip()
        where = f"credentials file {source}: [{name}]"
        found.append(
            Credential(access_key, secret_key, _check_account(account, where) if account else default_account)
        )
    return found
