"""`localddb serve` and its options: the only place argv is read.

Every option has an environment variable (`LOCALDDB_<OPTION>`, see app/settings.py); the command line wins.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from app.settings import Settings, from_env


def parser(defaults: Settings) -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="localddb", description="A DynamoDB-compatible server.")
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", help=f"address to listen on (default {defaults.host})")
    serve.add_argument("--port", type=int, help=f"port to listen on (default {defaults.port})")
    serve.add_argument("--data-dir", type=Path, help=f"where data is kept (default {defaults.data_dir})")
    serve.add_argument("--in-memory", action="store_true", default=None, help="keep nothing on disk")
    serve.add_argument(
        "--region", help=f"region of unsigned requests and the health check (default {defaults.region})"
    )
    serve.add_argument("--credentials", type=Path, help="AWS-style credentials file of known access keys")
    serve.add_argument(
        "--access-keys", help="known access keys, AKID:SECRET[:ACCOUNT],… (besides --credentials)"
    )
    serve.add_argument(
        "--auth",
        choices=["permissive", "strict"],
        help="strict: only known keys with valid signatures; permissive (default): unknown keys "
        "and unsigned requests accepted, known keys still verified",
    )
    serve.add_argument(
        "--default-account", help=f"account of unknown keys (default {defaults.default_account})"
    )
    serve.add_argument(
        "--partitions-per-table",
        type=int,
        help=f"partitions a new table starts with (default {defaults.partitions_per_table})",
    )
    serve.add_argument(
        "--status-delay",
        type=float,
        help="seconds a table stays CREATING/UPDATING/DELETING (default 0: at once)",
    )
    serve.add_argument(
        "--gsi-lag",
        type=float,
        metavar="MS",
        help="milliseconds global secondary indexes lag their table, as on AWS "
        "(default 0: an index is up to date when the write returns)",
    )
    serve.add_argument(
        "--item-collection-limit",
        type=int,
        metavar="BYTES",
        help="bytes an item collection of a table with local secondary indexes may hold "
        f"(default {defaults.item_collection_limit}: AWS's 10 GB)",
    )
    serve.add_argument(
        "--transaction-hold",
        type=float,
        metavar="MS",
        help="milliseconds a write transaction holds its items between preparing and committing, so "
        "that conflicting writes are refused observably (default 0)",
    )
    serve.add_argument(
        "--crash-at",
        metavar="STEP",
        help="for crash tests only: kill the server (SIGKILL) when a write transaction reaches this "
        "step of its commit protocol (storage/transactions.py)",
    )
    serve.add_argument(
        "--ttl-interval",
        type=float,
        metavar="S",
        help="seconds between two sweeps that delete expired items of tables with TTL enabled "
        f"(default {defaults.ttl_interval}; 0: never)",
    )
    serve.add_argument(
        "--ttl-cooldown",
        type=float,
        metavar="S",
        help="seconds after an UpdateTimeToLive during which the next one is refused, as on AWS "
        f"(default {defaults.ttl_cooldown:g}; 0: none)",
    )
    serve.add_argument(
        "--clock-offset",
        type=float,
        metavar="S",
        help="seconds the server's clock starts ahead of the wall clock (default 0)",
    )
    serve.add_argument(
        "--admin",
        action="store_true",
        default=None,
        help="serve the admin routes under /_localddb/ (read or advance the clock, run a TTL sweep)",
    )
    serve.add_argument(
        "--shard-rollover",
        type=float,
        metavar="S",
        help="seconds after which a stream shard is closed and a child shard continues it "
        f"(default {defaults.shard_rollover:g}: about AWS's 4 hours)",
    )
    serve.add_argument(
        "--replication-interval",
        type=float,
        metavar="S",
        help="seconds between two runs that ship the changes of global tables to their other replicas "
        f"(default {defaults.replication_interval:g}; 0: never)",
    )
    serve.add_argument(
        "--log-level", choices=["debug", "info", "warning", "error"], help=f"(default {defaults.log_level})"
    )
    return root


def main(argv: Sequence[str] | None = None) -> None:
    defaults = from_env()
    args = parser(defaults).parse_args(argv)
    options = {k: v for k, v in vars(args).items() if k != "command"}
    settings = defaults.with_overrides(**options)
    if args.command == "serve":
        serve(settings)


def serve(settings: Settings) -> None:
    import uvicorn

    from app.main import create_app
    from app.wire.transport import CoalescingHttpProtocol

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not settings.in_memory:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    # uvicorn handles SIGTERM/SIGINT: it stops accepting, finishes in-flight requests, then runs the
    # lifespan shutdown, which closes the storage cluster cleanly.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.log_level == "debug",
        loop="uvloop",
        # uvicorn's httptools protocol, its two writes per response coalesced into one (app/wire/transport.py)
        http=CoalescingHttpProtocol,
        lifespan="on",
        server_header=False,  # AWS sends no Server header
        proxy_headers=False,  # nothing in front of localddb: no X-Forwarded-* to trust, no middleware to pay
    )
