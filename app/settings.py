"""Server settings: one frozen dataclass, and the only place environment variables are read.

Every option has an environment variable `LOCALDDB_<NAME>`; the command line (app/cli.py) overrides it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

AuthMode = Literal["permissive", "strict"]


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("./data")
    in_memory: bool = False
    region: str = "us-east-1"
    credentials: Path | None = None
    # Known access keys besides the credentials file: `AKID:SECRET[:ACCOUNT],AKID2:SECRET2`.
    access_keys: str = ""
    auth: AuthMode = "permissive"
    log_level: str = "info"
    # Account used for access keys that are not in the credentials (permissive mode only).
    default_account: str = "000000000000"
    partitions_per_table: int = 4
    # Seconds a table stays CREATING / UPDATING / DELETING; 0 makes changes take effect at once.
    status_delay: float = 0.0
    # Milliseconds a global secondary index lags its table; 0 updates it before the write returns.
    gsi_lag: float = 0.0
    # Bytes an item collection of a table with local secondary indexes may hold (AWS: 10 GB).
    item_collection_limit: int = 10 * 1024**3
    # Milliseconds a write transaction holds its items between preparing and committing (0: no pause).
    transaction_hold: float = 0.0
    # Crash tests only: the commit-protocol step at which the server kills itself (SIGKILL).
    crash_at: str | None = None
    # Seconds between two sweeps of the TTL sweeper (AWS: hours); 0 or less: expired items are never
    # deleted.
    ttl_interval: float = 1.0
    # Seconds after an UpdateTimeToLive during which another one is refused (AWS: up to one hour).
    ttl_cooldown: float = 3600.0
    # Seconds the server's clock starts ahead of the wall clock.
    clock_offset: float = 0.0
    # Seconds after which a stream shard is closed and a child shard continues it (AWS: about 4 hours).
    shard_rollover: float = 4 * 3600.0
    # Seconds between two runs that ship global tables' changes to their other replicas; 0 or less: never.
    replication_interval: float = 0.05
    # Serve the admin routes (`/_localddb/...`: the clock, a TTL sweep); off, those paths are DynamoDB's.
    admin: bool = False

    def with_overrides(self, **values: Any) -> Settings:
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _convert(kind: Any, raw: str) -> Any:
    text = str(kind)
    if "bool" in text:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if "int" in text:
        return int(raw)
    if "float" in text:
        return float(raw)
    if "Path" in text:
        return Path(raw)
    return raw


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `LOCALDDB_*` variables, defaults for the rest."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get("LOCALDDB_" + f.name.upper())
        if raw is not None and raw != "":
            values[f.name] = _convert(f.type, raw)
    return Settings(**values)
