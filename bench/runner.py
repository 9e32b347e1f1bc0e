"""One benchmark run: each server in turn (never two at once), every scenario against it.

For each server: start it on a free port (compat_tests/servers.py), then per scenario run its setup through
boto3, a warm-up wrk run whose numbers are dropped (the JVM of the reference needs one to compile its hot
path), and the measured wrk run; then stop the server before the next one starts, so the servers never
compete for the cores. A server that fails to start, a setup that fails or a wrk run that fails becomes a
`Measurement` with a `problem` instead of numbers, so the other results still get reported.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from bench import tables
from bench.scenarios import SCENARIOS, Scenario, SetupOptions
from bench.signing import signed_headers
from bench.wrk import Load, WrkError, WrkResult, first_error_response, measure
from compat_tests.servers import ServerProcess, start_localddb, start_reference

SERVERS = ("localddb", "reference")
Log = Callable[[str], None]


@dataclass(frozen=True)
class RunConfig:
    load: Load
    warmup_s: int
    servers: tuple[str, ...]
    scenarios: tuple[str, ...]
    localddb_in_memory: bool
    setup: SetupOptions


@dataclass(frozen=True)
class Machine:
    """What else the benchmark competes with: cores, and the 1-minute load average when the run started."""

    cores: int
    load_average: float

    @classmethod
    def now(cls) -> Machine:
        return cls(cores=os.cpu_count() or 1, load_average=os.getloadavg()[0])

    @property
    def busy(self) -> bool:
        # Other work on half the cores already skews both servers' numbers, not necessarily equally.
        return self.load_average >= self.cores / 2


@dataclass(frozen=True)
class Measurement:
    """One scenario against one server: wrk's numbers, or the problem that prevented them."""

    scenario: str
    server: str
    result: WrkResult | None = None
    problem: str | None = None
    # `status body` of an error response, captured when the measured run had non-2xx answers.
    first_error: str | None = None


def server_description(server: str, config: RunConfig) -> str:
    if server == "reference":
        return "Amazon DynamoDB Local 3.x (the reference), -inMemory (its fastest mode)"
    if config.localddb_in_memory:
        return "localddb, --in-memory (like for like with the reference)"
    return "localddb, data on disk (--data-dir in a fresh temporary folder; its realistic default)"


def _start(server: str, config: RunConfig, stack: contextlib.ExitStack) -> ServerProcess:
    if server == "reference":
        return start_reference()
    if config.localddb_in_memory:
        return start_localddb()
    data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="localddb-bench-"))
    return start_localddb("--data-dir", data_dir)


def _gist(message: str) -> str:
    """First and last line of a multi-line message (a start failure ends with the server's last words)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " ... ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else "(no message)"


def _exited(process: ServerProcess) -> str | None:
    if process.process.poll() is None:
        return None
    return f"{process.name} exited (status {process.process.returncode}):\n{process.log_tail()}"


def _measure_scenario(
    scenario: Scenario, process: ServerProcess, dynamodb: Any, config: RunConfig, log: Log
) -> Measurement:
    url = process.endpoint_url + "/"
    failed = _exited(process)
    if failed:
        return Measurement(scenario.name, process.name, problem=failed)
    try:
        constants = scenario.setup(dynamodb, config.setup)
    except (BotoCoreError, ClientError, RuntimeError) as exc:
        return Measurement(scenario.name, process.name, problem=f"setup failed: {exc}")
    try:
        if config.warmup_s > 0:
            log(f"[{process.name}] {scenario.name}: warm-up {config.warmup_s}s")
            warmup = replace(config.load, duration_s=config.warmup_s)
            measure(url, warmup, signed_headers(url, scenario.operation), constants, scenario.lua_next_body)
        log(f"[{process.name}] {scenario.name}: measuring {config.load.duration_s}s")
        headers = signed_headers(url, scenario.operation)
        result = measure(url, config.load, headers, constants, scenario.lua_next_body)
        first_error = None
        if result.non_2xx and _exited(process) is None:
            first_error = first_error_response(url, headers, constants, scenario.lua_next_body)
    except WrkError as exc:
        return Measurement(scenario.name, process.name, problem=str(exc))
    failed = _exited(process)
    if failed:
        return Measurement(scenario.name, process.name, result=result, problem=failed)
    return Measurement(scenario.name, process.name, result=result, first_error=first_error)


def run(config: RunConfig, log: Log) -> list[Measurement]:
    measurements: list[Measurement] = []
    for server in config.servers:
        with contextlib.ExitStack() as stack:
            log(f"[{server}] starting: {server_description(server, config)}")
            try:
                process = _start(server, config, stack)
            except RuntimeError as exc:
                log(f"[{server}] did not start: {exc}")
                problem = f"{server} did not start: {_gist(str(exc))}"
                measurements += [Measurement(name, server, problem=problem) for name in config.scenarios]
                continue
            stack.callback(process.stop)
            dynamodb = tables.client(process.endpoint_url)
            for name in config.scenarios:
                measurement = _measure_scenario(SCENARIOS[name], process, dynamodb, config, log)
                if measurement.problem:
                    log(f"[{server}] {name}: {measurement.problem}")
                measurements.append(measurement)
            log(f"[{server}] stopping")
    return measurements
