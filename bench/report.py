"""Presenting a run: the side-by-side table with ratios, the warnings under it, and the JSON document.

Ratios are always localddb / reference: above 1 is better for req/s, below 1 is better for latency.
A result with non-2xx answers or socket errors is printed with a `!` and a warning: it is not a valid
measurement of the operation (errors are usually answered faster than the real work).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.runner import Machine, Measurement, RunConfig, server_description
from bench.wrk import WrkResult

SUBJECT, BASELINE = "localddb", "reference"
METRICS = (("req/s", "requests_per_second"), ("p50 ms", "p50_ms"), ("p99 ms", "p99_ms"))
LEGEND = (
    "ratio = localddb / reference. req/s: higher is better (ratio > 1: localddb faster). "
    "p50/p99 latency: lower is better (ratio < 1: localddb faster)."
)


def _value(result: WrkResult, attribute: str) -> float:
    return float(getattr(result, attribute))


def _cell(result: WrkResult | None, attribute: str) -> str:
    if result is None:
        return "n/a"
    value = _value(result, attribute)
    text = f"{value:,.0f}" if attribute == "requests_per_second" else f"{value:.2f}"
    return text if result.valid else text + "!"


def _ratio(subject: WrkResult | None, baseline: WrkResult | None, attribute: str) -> float | None:
    if subject is None or baseline is None or _value(baseline, attribute) == 0:
        return None
    return _value(subject, attribute) / _value(baseline, attribute)


def _results(measurements: list[Measurement], scenario: str) -> tuple[WrkResult | None, WrkResult | None]:
    """(localddb's, the reference's) result of the scenario, None where there is none."""
    found = {m.server: m.result for m in measurements if m.scenario == scenario}
    return found.get(SUBJECT), found.get(BASELINE)


def table(config: RunConfig, machine: Machine, measurements: list[Measurement]) -> str:
    """The side-by-side table, preceded by what was run and followed by the legend and warnings."""
    header = ["scenario"]
    for label, _ in METRICS:
        header += [f"{SUBJECT} {label}", f"{BASELINE} {label}", "ratio"]
    rows = [header]
    for name in config.scenarios:
        subject, baseline = _results(measurements, name)
        row = [name]
        for _, attribute in METRICS:
            ratio = _ratio(subject, baseline, attribute)
            suspect = any(result is not None and not result.valid for result in (subject, baseline))
            row += [
                _cell(subject, attribute),
                _cell(baseline, attribute),
                "n/a" if ratio is None else f"{ratio:.2f}x" + ("!" if suspect else ""),
            ]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        for i in range(1, len(row)):
            cells.append(("| " if i % 3 == 1 else "") + row[i].rjust(widths[i]))
        return "  ".join(cells).rstrip()

    load = config.load
    intro = [f"{server}: {server_description(server, config)}" for server in config.servers]
    intro.append(
        f"load: wrk -t{load.threads} -c{load.connections}, {load.duration_s}s measured per scenario after "
        f"{config.warmup_s}s warm-up; one server at a time, sharing the {machine.cores} cores with wrk"
    )
    return "\n".join([*intro, "", *map(line, rows), "", LEGEND, *warnings(machine, measurements)])


def warnings(machine: Machine, measurements: list[Measurement]) -> list[str]:
    lines = []
    if machine.busy:
        lines.append(
            f"WARNING: the machine was busy when the run started (load average {machine.load_average:.2f} on "
            f"{machine.cores} cores): other work competes with the servers, so the numbers are noisy"
        )
    for m in measurements:
        if m.problem:
            lines.append(f"WARNING: {m.scenario} on {m.server}: {m.problem}")
        result = m.result
        if result is not None and not result.valid:
            lines.append(
                f"WARNING: {m.scenario} on {m.server} is invalid (marked !): {result.non_2xx} non-2xx "
                f"responses and {result.socket_errors} socket errors in {result.requests} requests"
            )
            if m.first_error:
                lines.append(f"  first error response: {m.first_error[:500]}")
    return lines


def document(config: RunConfig, machine: Machine, measurements: list[Measurement]) -> dict[str, Any]:
    """Everything about the run, for --json."""
    ratios = {
        name: {attribute: _ratio(*_results(measurements, name), attribute) for _, attribute in METRICS}
        for name in config.scenarios
    }
    return {
        "config": asdict(config),
        "machine": asdict(machine),
        "servers": {server: server_description(server, config) for server in config.servers},
        "results": [
            {
                "scenario": m.scenario,
                "server": m.server,
                "valid": m.result is not None and m.result.valid and m.problem is None,
                **(
                    {**asdict(m.result), "requests_per_second": m.result.requests_per_second}
                    if m.result
                    else {}
                ),
                "problem": m.problem,
                "first_error": m.first_error,
            }
            for m in measurements
        ],
        "ratios_localddb_over_reference": ratios,
    }
