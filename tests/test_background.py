"""The periodic job loop: it keeps running after failures, and logs a repeated failure once."""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.background import every


async def test_a_job_keeps_running_and_a_repeated_failure_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(len(runs))
        if len(runs) <= 5:
            raise RuntimeError("the store is locked")

    caplog.set_level(logging.INFO, logger="localddb")
    task = asyncio.create_task(every(0.001, job, "replicating global tables"))
    for _ in range(500):
        if len(runs) >= 8:
            break
        await asyncio.sleep(0.002)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(runs) >= 8  # failures did not stop it
    messages = [record.getMessage() for record in caplog.records]
    assert messages.count("replicating global tables failed") == 1
    assert messages.count("replicating global tables works again") == 1
