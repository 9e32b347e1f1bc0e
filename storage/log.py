"""Log records: one per committed change of a partition, written in the same SQLite transaction as the
item change. Replicas, GSIs, streams, backups and restores all read them (see DESIGN.md).

A record's checksum is a CRC-32 over every field in a fixed, length-prefixed layout, so a scrubber or a
follower can tell a record that was damaged or misapplied from a faithful copy.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

ORIGIN_USER = "user"
ORIGIN_TTL = "ttl"  # deleted by the TTL sweeper: its stream record names the service as the user
# Shipped from another replica of a global table (storage/global_tables.py): such a record's `txid` holds the
# change's version (original write time and region) for last-writer-wins. It is never shipped on.
ORIGIN_REPLICATION = "replication"

_FIXED = struct.Struct(">qdq")
_LENGTH = struct.Struct(">i")


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One change: the key (signed hash, encoded pk and sk), the old and new item bytes (None when the item
    was absent before / is absent after), who made it and under which transaction id."""

    lsn: int
    ts: float
    hash: int
    pk: bytes
    sk: bytes
    old: bytes | None
    new: bytes | None
    origin: str
    txid: str | None
    checksum: int

    def verify(self) -> bool:
        return self.checksum == checksum(
            self.lsn, self.ts, self.hash, self.pk, self.sk, self.old, self.new, self.origin, self.txid
        )


def _field(value: bytes | None) -> bytes:
    # -1 marks an absent field so that None and b"" checksum differently.
    if value is None:
        return _LENGTH.pack(-1)
    return _LENGTH.pack(len(value)) + value


def checksum(
    lsn: int,
    ts: float,
    hash: int,
    pk: bytes,
    sk: bytes,
    old: bytes | None,
    new: bytes | None,
    origin: str,
    txid: str | None,
) -> int:
    """CRC-32 of a record's fields."""
    crc = zlib.crc32(_FIXED.pack(lsn, ts, hash))
    for value in (pk, sk, old, new, origin.encode(), None if txid is None else txid.encode()):
        crc = zlib.crc32(_field(value), crc)
    return crc


class CommitClock:
    """The commit times of log records: the storage clock's time, but strictly increasing across the whole
    storage service, so that of two records the later commit always has the later time. Global tables'
    last-writer-wins relies on it (every region shares this clock): with two writes in one clock tick,
    or a frozen test clock, a write could otherwise lose to the replicated one it overwrote."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._last = -math.inf

    def __call__(self) -> float:
        now = self._clock()
        if now <= self._last:
            now = math.nextafter(self._last, math.inf)
        self._last = now
        return now
