"""Periodic background jobs of the server (log trims, lagging index feeds, global-table replication, TTL
sweeps)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("localddb")


async def every(interval: float, job: Callable[[], Awaitable[object]], what: str) -> None:
    """Run `job` every `interval` seconds (from the end of one run to the start of the next) until
    cancelled. A failed run is logged as `what` failing and the next one runs as usual; the same failure
    again is logged only at debug level (a job every 50 ms would otherwise flood the log), and the first
    run that succeeds after failures says so."""
    failing: str | None = None
    while True:
        await asyncio.sleep(interval)
        try:
            await job()
        except Exception as error:
            text = repr(error)
            if text == failing:
                log.debug("%s failed again: %s", what, text)
            else:
                log.exception("%s failed", what)
            failing = text
        else:
            if failing is not None:
                log.info("%s works again", what)
                failing = None
