"""The credential store: keys from a shared-credentials file and from `--access-keys`, accounts, mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth import Credential, CredentialsError, CredentialStore
from app.auth.credentials import parse_access_keys, parse_credentials_text
from app.settings import Settings, from_env

DEFAULT = "000000000000"

CREDENTIALS_FILE = """\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret/with+chars=%%and%

[team]
aws_access_key_id=AKIDTEAM
aws_secret_access_key=teamsecret
aws_account_id = 111122223333
aws_session_token = ignored

[shorthand]
aws_access_key_id = AKIDSHORT
aws_secret_access_key = shortsecret
account_id = 444455556666

[sso-only]
sso_start_url = https://example.awsapps.com/start
"""


def test_access_keys_list() -> None:
    assert parse_access_keys(" AKID1:S1 , AKID2:S2:123456789012,,", DEFAULT) == [
        Credential("AKID1", "S1", DEFAULT),
        Credential("AKID2", "S2", "123456789012"),
    ]
    assert parse_access_keys("", DEFAULT) == []


@pytest.mark.parametrize("text", ["AKID", "AKID:", ":SECRET", "A:B:123456789012:extra", "A:B:12345"])
def test_bad_access_keys_entries(text: str) -> None:
    with pytest.raises(CredentialsError):
        parse_access_keys(text, DEFAULT)


def test_errors_do_not_echo_secrets() -> None:
    with pytest.raises(CredentialsError) as caught:
        parse_access_keys("AKID:TOPSECRET:1:2", DEFAULT)
    assert "TOPSECRET" not in str(caught.value)
    assert "AKID" in str(caught.value)


def test_credentials_file_sections() -> None:
    found = parse_credentials_text(CREDENTIALS_FILE, "creds", DEFAULT)
    assert found == [
        Credential("AKIDDEFAULT", "secret/with+chars=%%and%", DEFAULT),
        Credential("AKIDTEAM", "teamsecret", "111122223333"),
        Credential("AKIDSHORT", "shortsecret", "444455556666"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[p]\naws_access_key_id = AKID\n",  # no secret
        "[p]\naws_access_key_id = AKID\naws_secret_access_key = s\naws_account_id = 12\n",  # bad account
        "aws_access_key_id = AKID\n",  # no section header
        "[p]\n[p]\n",  # duplicate section
    ],
)
def test_bad_credentials_files(text: str) -> None:
    with pytest.raises(CredentialsError):
        parse_credentials_text(text, "creds", DEFAULT)


def test_store_from_settings_combines_file_and_list(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS_FILE)
    settings = Settings(
        credentials=path,
        access_keys="AKIDLIST:listsecret:999988887777,AKIDTEAM:teamsecret:111122223333",
        default_account="210987654321",
    )
    store = CredentialStore.from_settings(settings)
    assert len(store) == 4
    assert store.default_account == "210987654321"
    assert store.get("AKIDDEFAULT") == Credential("AKIDDEFAULT", "secret/with+chars=%%and%", "210987654321")
    assert store.get("AKIDLIST") == Credential("AKIDLIST", "listsecret", "999988887777")
    assert store.get("AKIDNOPE") is None


def test_a_key_configured_twice_differently_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(CREDENTIALS_FILE)
    with pytest.raises(CredentialsError, match="AKIDTEAM"):
        CredentialStore.from_settings(Settings(credentials=path, access_keys="AKIDTEAM:othersecret"))


def test_nothing_is_known_unless_configured() -> None:
    assert len(CredentialStore.from_settings(Settings())) == 0


def test_unreadable_file_and_bad_default_account(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="cannot read"):
        CredentialStore.from_settings(Settings(credentials=tmp_path / "missing"))
    with pytest.raises(CredentialsError, match="default account"):
        CredentialStore.from_settings(Settings(default_account="abc"))


def test_access_keys_come_from_the_environment() -> None:
    settings = from_env({"LOCALDDB_ACCESS_KEYS": "AKIDENV:envsecret"})
    assert settings.access_keys == "AKIDENV:envsecret"
    assert CredentialStore.from_settings(settings).get("AKIDENV") == Credential(
        "AKIDENV", "envsecret", DEFAULT
    )
