"""CoalescingTransport: the writes of one event-loop turn leave in one write; close sends what waits."""

from __future__ import annotations

import asyncio
from typing import Any

from app.wire.transport import CoalescingTransport


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 8000) if name == "sockname" else None


async def test_writes_of_one_turn_go_out_together() -> None:
    real = FakeTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"{}")
    assert real.writes == []
    await asyncio.sleep(0)
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    transport.write(b"next")
    await asyncio.sleep(0)
    assert real.writes[-1] == b"next" and len(real.writes) == 2
    assert transport.get_extra_info("sockname") == ("127.0.0.1", 8000)  # the rest is the transport's


async def test_close_sends_what_waits_and_a_closed_transport_gets_nothing() -> None:
    real = FakeTransport()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"last")
    transport.close()
    assert real.writes == [b"last"] and real.closed
    transport.write(b"late")
    await asyncio.sleep(0)
    assert real.writes == [b"last"]
