"""Provisioned throughput records: how they describe themselves, and the rules for changing them (AWS's
per-table maximum and its budget of decreases per UTC day), with AWS's messages.

A record (see table_spec) holds the current units, the times of the last increase and decrease, and the
times of today's decreases. A table and each of its global secondary indexes have one record each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.errors import LimitExceededException, ValidationException

# Default per-table and per-index quota for provisioned units (and on-demand maximums), per AWS account.
TABLE_MAX_UNITS = 40000
FREE_DECREASES_PER_DAY = 4
DECREASE_INTERVAL = 3600.0
LIMITS_HINT = (
    "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
)


def epoch(seconds: float) -> float:
    """A time as DynamoDB renders it: epoch seconds with millisecond precision."""
    return round(seconds, 3)


def _utc_day(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def decreases_today(record: dict[str, Any], now: float) -> int:
    today = _utc_day(now)
    return sum(1 for at in record["decreases"] if _utc_day(at) == today)


def describe_throughput(record: dict[str, Any], now: float) -> dict[str, Any]:
    """The wire ProvisionedThroughputDescription of a record."""
    out: dict[str, Any] = {}
    if record["last_increase"] is not None:
        out["LastIncreaseDateTime"] = epoch(record["last_increase"])
    if record["last_decrease"] is not None:
        out["LastDecreaseDateTime"] = epoch(record["last_decrease"])
    out["NumberOfDecreasesToday"] = decreases_today(record, now)
    out["ReadCapacityUnits"] = record["ReadCapacityUnits"]
    out["WriteCapacityUnits"] = record["WriteCapacityUnits"]
    return out


def check_table_maximum(read: int, write: int, region: str, index: str | None = None) -> None:
    """AWS's LimitExceededException for units above the per-table (or per-index) quota."""
    where = "" if index is None else f" for index {index}"
    scope = "table" if index is None else "index"
    for dimension, units in (("ReadCapacityUnits", read), ("WriteCapacityUnits", write)):
        if units > TABLE_MAX_UNITS:
            raise LimitExceededException(
                f"The requested {dimension}{where}, {units}, is above the per {scope} maximum for the "
                f"account in {region}. Per {scope} maximum: {TABLE_MAX_UNITS}. {LIMITS_HINT}"
            )


def _full_date(seconds: float) -> str:
    """Java's FULL date-time style, as AWS prints times in quota messages:
    "Thursday, October 8, 2026 at 11:20:48 PM Coordinated Universal Time"."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    hour = moment.hour % 12 or 12
    return (
        f"{moment:%A}, {moment:%B} {moment.day}, {moment.year} at "
        f"{hour}:{moment:%M:%S} {moment:%p} Coordinated Universal Time"
    )


def check_decrease_allowed(record: dict[str, Any], now: float) -> None:
    """The first 4 decreases of a UTC day are free; after that one per hour since the last decrease."""
    count = decreases_today(record, now)
    last = record["last_decrease"]
    if count < FREE_DECREASES_PER_DAY or last is None or now >= last + DECREASE_INTERVAL:
        return
    midnight = dt.datetime.combine(_utc_day(now) + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()
    next_at = min(last + DECREASE_INTERVAL, midnight)
    raise LimitExceededException(
        "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. "
        f"After the first {FREE_DECREASES_PER_DAY} decreases, each subsequent decrease in the same UTC day "
        f"can be performed at most once every {int(DECREASE_INTERVAL)} seconds. Number of decreases today: "
        f"{count}. Last decrease at {_full_date(last)}. Next decrease can be made at {_full_date(next_at)}."
    )


def unchanged_error(record: dict[str, Any], read: int, write: int, index: str | None) -> ValidationException:
    what = "the table" if index is None else f"the index {index}"
    holder = "the table" if index is None else "the index"
    return ValidationException(
        f"The provisioned throughput for {what} will not change. The requested value equals the current "
        f"value. Current ReadCapacityUnits provisioned for {holder}: {record['ReadCapacityUnits']}. "
        f"Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for {holder}: "
        f"{record['WriteCapacityUnits']}. Requested WriteCapacityUnits: {write}. {LIMITS_HINT}"
    )


def apply_change(record: dict[str, Any], read: int, write: int, now: float, index: str | None = None) -> None:
    """Change a record's units in place: refuses an unchanged value and a decrease beyond the budget, and
    stamps the increase/decrease times (a change that lowers one dimension counts as a decrease)."""
    old_read, old_write = record["ReadCapacityUnits"], record["WriteCapacityUnits"]
    if (read, write) == (old_read, old_write):
        raise unchanged_error(record, read, write, index)
    decrease = read < old_read or write < old_write
    if decrease:
        check_decrease_allowed(record, now)
        today = _utc_day(now)
        record["decreases"] = [at for at in record["decreases"] if _utc_day(at) == today] + [now]
        record["last_decrease"] = now
    if read > old_read or write > old_write:
        record["last_increase"] = now
    record["ReadCapacityUnits"], record["WriteCapacityUnits"] = read, write
