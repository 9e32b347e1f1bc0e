"""Periodic background jobs of the server (log trims, lagging index feeds, TTL sweeps)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("localddb")


async def every(interval: float, job: Callable[[], Awaitable[object]], what: str) -> None:
    """Run `job` every `interval` seconds (from the end of one run to the start of the next) until
    cancelled; a failed run is logged as `what` failing, and the next one runs as usual."""
    while True:
        await asyncio.sleep(interval)
        try:
            await job()
        except Exception:
            log.exception("%s failed", what)
