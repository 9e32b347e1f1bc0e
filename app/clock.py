"""The server's clock: the only place that reads wall time.

An offset can be added (tests advance time instead of waiting), so TTL, stream retention, iterator expiry
and idempotency windows are testable in seconds.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the server sees them."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds
