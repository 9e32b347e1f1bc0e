"""The partition map of a table: which partition owns which range of the signed 64-bit hash space.

Each partition owns an inclusive range [first, last]; sorted by `first`, the ranges cover the whole space
from -2**63 to 2**63-1 exactly once (no gap, no overlap). `PartitionMap` checks that when it is built.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

HASH_MIN = -(1 << 63)
HASH_MAX = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class HashRange:
    first: int
    last: int


def even_split(count: int) -> tuple[HashRange, ...]:
    """`count` ranges of (nearly) equal width covering the hash space."""
    if count < 1:
        raise ValueError("a table has at least one partition")
    span = 1 << 64
    starts = [HASH_MIN + i * span // count for i in range(count)]
    ends = [*(s - 1 for s in starts[1:]), HASH_MAX]
    return tuple(HashRange(first, last) for first, last in zip(starts, ends, strict=True))


class PartitionMap:
    """Routes a signed hash to the index of the range that owns it."""

    def __init__(self, ranges: tuple[HashRange, ...]) -> None:
        expected = HASH_MIN
        for r in ranges:
            if r.first != expected or r.last < r.first:
                raise ValueError(f"hash ranges do not tile the hash space: {ranges}")
            expected = r.last + 1
        if expected != HASH_MAX + 1:
            raise ValueError(f"hash ranges do not reach the end of the hash space: {ranges}")
        self.ranges = ranges
        self._firsts = [r.first for r in ranges]

    def locate(self, hash: int) -> int:
        return bisect.bisect_right(self._firsts, hash) - 1
