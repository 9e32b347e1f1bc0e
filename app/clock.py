"""The server's clock: the only place that reads wall time.

An offset can be added (tests advance time instead of waiting), so TTL, stream retention, iterator expiry
and idempotency windows are testable in seconds. The offset starts at `--clock-offset` and only grows
(`advance`, `set`, the admin route of app/wire/admin.py): the server's time never runs backwards, so the
timestamps of log records, stream records and table changes keep their order.
"""

from __future__ import annotations

import math
import time

# 9999-12-31T23:59:59Z: the last second that dates render in (ISO 8601, Java-style dates).
LATEST = 253402300799.0


class ClockError(ValueError):
    """A change that would move the clock backwards, or past LATEST."""


class Clock:
    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset

    def now(self) -> float:
        """Seconds since the epoch, as the server sees them."""
        return time.time() + self._offset

    def wall(self) -> float:
        """The wall clock's time, without the offset: for checks against the client's own clock (SigV4's
        15-minute skew), which advancing the server's clock must not break."""
        return time.time()

    @property
    def offset(self) -> float:
        """Seconds the server's time is ahead of the wall clock."""
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock `seconds` (>= 0) forward."""
        if not math.isfinite(seconds):
            raise ClockError(f"not a finite number of seconds: {seconds}")
        if seconds < 0:
            raise ClockError(f"the clock only moves forward: cannot advance by {seconds}")
        if self.now() + seconds > LATEST:
            raise ClockError(f"the clock cannot go past {LATEST} (the end of year 9999)")
        self._offset += seconds

    def set(self, epoch: float) -> None:
        """Move the clock forward to `epoch` seconds (not before its current time)."""
        if not math.isfinite(epoch):
            raise ClockError(f"not a finite number of seconds: {epoch}")
        now = self.now()
        if epoch < now:
            raise ClockError(f"the clock only moves forward: {epoch} is before its time {now}")
        if epoch > LATEST:
            raise ClockError(f"the clock cannot go past {LATEST} (the end of year 9999)")
        self._offset += epoch - now
