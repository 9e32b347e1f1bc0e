"""Settings come from LOCALDDB_* variables, and the command line overrides them."""

from __future__ import annotations

from pathlib import Path

from app.cli import parser
from app.settings import Settings, from_env


def test_defaults() -> None:
    settings = from_env({})
    assert settings == Settings()
    assert (settings.host, settings.port, settings.auth) == ("127.0.0.1", 8000, "permissive")


def test_every_field_has_an_environment_variable() -> None:
    env = {
        "LOCALDDB_HOST": "0.0.0.0",
        "LOCALDDB_PORT": "9001",
        "LOCALDDB_DATA_DIR": "/tmp/x",
        "LOCALDDB_IN_MEMORY": "true",
        "LOCALDDB_REGION": "eu-west-1",
        "LOCALDDB_CREDENTIALS": "/tmp/creds",
        "LOCALDDB_AUTH": "strict",
        "LOCALDDB_LOG_LEVEL": "debug",
        "LOCALDDB_DEFAULT_ACCOUNT": "123456789012",
        "LOCALDDB_PARTITIONS_PER_TABLE": "8",
        "LOCALDDB_STATUS_DELAY": "1.5",
        "LOCALDDB_GSI_LAG": "250",
        "LOCALDDB_ITEM_COLLECTION_LIMIT": "1024",
        "LOCALDDB_ACCESS_KEYS": "AK:SK",
        "LOCALDDB_TRANSACTION_HOLD": "300",
        "LOCALDDB_CRASH_AT": "decided",
        "LOCALDDB_TTL_INTERVAL": "0.5",
        "LOCALDDB_TTL_COOLDOWN": "0",
        "LOCALDDB_CLOCK_OFFSET": "86400",
        "LOCALDDB_ADMIN": "true",
        "LOCALDDB_SHARD_ROLLOVER": "30",
        "LOCALDDB_REPLICATION_INTERVAL": "0.5",
    }
    settings = from_env(env)
    assert settings.host == "0.0.0.0"
    assert settings.port == 9001
    assert settings.data_dir == Path("/tmp/x")
    assert settings.in_memory is True
    assert settings.region == "eu-west-1"
    assert settings.credentials == Path("/tmp/creds")
    assert settings.auth == "strict"
    assert settings.log_level == "debug"
    assert settings.default_account == "123456789012"
    assert settings.partitions_per_table == 8
    assert settings.status_delay == 1.5
    assert settings.gsi_lag == 250.0
    assert settings.item_collection_limit == 1024
    assert settings.access_keys == "AK:SK"
    assert settings.transaction_hold == 300.0
    assert settings.crash_at == "decided"
    assert settings.ttl_interval == 0.5 and settings.ttl_cooldown == 0 and settings.clock_offset == 86400
    assert settings.admin is True and settings.shard_rollover == 30
    assert settings.replication_interval == 0.5
    assert len(env) == len(Settings.__dataclass_fields__)


def test_command_line_overrides_environment() -> None:
    defaults = from_env({"LOCALDDB_PORT": "9001", "LOCALDDB_REGION": "eu-west-1"})
    args = parser(defaults).parse_args(["serve", "--port", "9100", "--in-memory", "--auth", "strict"])
    options = {k: v for k, v in vars(args).items() if k != "command"}
    settings = defaults.with_overrides(**options)
    assert settings.port == 9100
    assert settings.region == "eu-west-1"  # not given on the command line: the environment's value stays
    assert settings.in_memory is True
    assert settings.auth == "strict"
