"""`python -m bench` options, and the run from them: progress on stderr, the table on stdout.

Exit status: 0 when every scenario was measured without errors on every server, 1 when a result is
missing or invalid (a server did not start, a setup failed, non-2xx responses), 2 when wrk is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import report
from bench.runner import SERVERS, Machine, RunConfig, run
from bench.scenarios import SCENARIOS, SetupOptions
from bench.wrk import INSTALL_HINT, Load, wrk_available

DURATION_S, QUICK_DURATION_S = 10, 3
WARMUP_S, QUICK_WARMUP_S = 3, 1
MAX_RUN_S = 600


def _name_list(known: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
        if not names or any(name not in known for name in names):
            raise argparse.ArgumentTypeError(f"a comma-separated list of {', '.join(known)} (got {text!r})")
        return names

    return parse


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _seconds(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        # The precomputed X-Amz-Date must stay within the servers' 15-minute window for a whole wrk run.
        if not minimum <= value <= MAX_RUN_S:
            raise argparse.ArgumentTypeError(f"must be {minimum} to {MAX_RUN_S} seconds (got {value})")
        return value

    return parse


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the same wrk load against localddb and the reference (Amazon DynamoDB Local), one "
        "server at a time, and print req/s and p50/p99 latency side by side.",
    )
    args.add_argument(
        "--scenarios",
        type=_name_list(list(SCENARIOS)),
        default=tuple(SCENARIOS),
        help=f"comma-separated, from: {', '.join(SCENARIOS)} (default: all)",
    )
    args.add_argument(
        "--servers",
        type=_name_list(SERVERS),
        default=SERVERS,
        help="comma-separated, from: localddb, reference (default: both)",
    )
    args.add_argument(
        "--duration", type=_seconds(1), help=f"measured seconds per scenario (default {DURATION_S})"
    )
    args.add_argument(
        "--warmup", type=_seconds(0), help=f"unmeasured seconds before each scenario (default {WARMUP_S})"
    )
    args.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_DURATION_S}s measured, {QUICK_WARMUP_S}s warm-up (unless given explicitly)",
    )
    args.add_argument(
        "--connections",
        type=_positive,
        default=16,
        help="open connections, i.e. requests in flight (default 16)",
    )
    args.add_argument(
        "--threads",
        type=_positive,
        default=1,
        help="wrk threads (default 1: wrk shares the machine's cores with the server)",
    )
    args.add_argument(
        "--timeout",
        type=_positive,
        default=10,
        help="seconds before wrk counts a request as timed out (default 10)",
    )
    args.add_argument(
        "--preload",
        type=_positive,
        default=1000,
        help="items stored before the read scenarios (default 1000)",
    )
    args.add_argument(
        "--localddb-in-memory",
        action="store_true",
        help="run localddb --in-memory, like the reference (default: data on disk)",
    )
    args.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    return args


def config_from(options: argparse.Namespace) -> RunConfig:
    duration = options.duration or (QUICK_DURATION_S if options.quick else DURATION_S)
    warmup = options.warmup if options.warmup is not None else (QUICK_WARMUP_S if options.quick else WARMUP_S)
    return RunConfig(
        load=Load(
            threads=options.threads,
            connections=max(options.connections, options.threads),
            duration_s=duration,
            timeout_s=options.timeout,
        ),
        warmup_s=warmup,
        servers=options.servers,
        scenarios=options.scenarios,
        localddb_in_memory=options.localddb_in_memory,
        setup=SetupOptions(preload_items=options.preload),
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    options = parser().parse_args(argv)
    config = config_from(options)
    if not wrk_available():
        _progress(INSTALL_HINT)
        return 2
    machine = Machine.now()
    measurements = run(config, _progress)
    print(report.table(config, machine, measurements))
    if options.json:
        options.json.write_text(json.dumps(report.document(config, machine, measurements), indent=2) + "\n")
        _progress(f"results written to {options.json}")
    complete = len(measurements) == len(config.servers) * len(config.scenarios)
    valid = all(m.problem is None and m.result is not None and m.result.valid for m in measurements)
    return 0 if complete and valid else 1
