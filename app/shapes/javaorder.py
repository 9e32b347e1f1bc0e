"""The orders in which DynamoDB's Java front end lists things in validation messages.

AWS's request validator is Java: it visits a structure's members, and a request map's entries, in the
iteration order of a `java.util.HashMap` (Java 8+) keyed by the lower-camel member name or the map key;
enum values in a "Member must satisfy enum value set" message follow a different hash order. Both were
derived from AWS messages recorded by emulators that test against AWS (dynalite's test suite, which
ran against live DynamoDB) and fit every recorded multi-error message and enum list:

- members and map entries: Java 8 `HashMap` order, default capacity 16 doubled while
  size > 0.75 * capacity, bucket = spread(String.hashCode) & (capacity - 1), ties in insertion order;
- enum values: bucket = String.hashCode & 31 (no spreading), ties in reverse model order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_MASK = 0xFFFFFFFF


def java_string_hash(text: str) -> int:
    """`String.hashCode()` as an unsigned 32-bit int (Java hashes UTF-16 code units)."""
    units: Iterable[int]
    if text.isascii():
        units = text.encode("ascii")
    else:
        encoded = text.encode("utf-16-le", "surrogatepass")
        units = (encoded[i] | (encoded[i + 1] << 8) for i in range(0, len(encoded), 2))
    value = 0
    for unit in units:
        value = (31 * value + unit) & _MASK
    return value


def _hashmap_capacity(size: int) -> int:
    capacity = 16
    while size > capacity * 0.75:
        capacity *= 2
    return capacity


def hashmap_order(keys: Sequence[str]) -> list[str]:
    """`keys` (in insertion order) in the order a Java 8 `HashMap` holding them iterates them."""
    mask = _hashmap_capacity(len(keys)) - 1

    def bucket(index_and_key: tuple[int, str]) -> tuple[int, int]:
        index, key = index_and_key
        hashed = java_string_hash(key)
        return ((hashed ^ (hashed >> 16)) & mask, index)

    return [key for _, key in sorted(enumerate(keys), key=bucket)]


def enum_order(values: Sequence[str]) -> list[str]:
    """Enum values in the order AWS lists them in "Member must satisfy enum value set: [...]"."""
    return [
        value
        for _, value in sorted(enumerate(values), key=lambda item: (java_string_hash(item[1]) & 31, -item[0]))
    ]
