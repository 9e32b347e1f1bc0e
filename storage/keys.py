"""Order-preserving byte encodings of key values, and the partition hash.

SQLite compares BLOBs with memcmp (shorter first on a common prefix). Each key value is encoded so that
this byte order is DynamoDB's order for its type; a table's key types are fixed, so no type tag is stored
and the partition key and sort key live in separate columns (no separators or escaping are needed).

- S: the UTF-8 bytes of the string (DynamoDB orders strings by their UTF-8 bytes).
- B: the raw bytes (the wire form is base64 text).
- N: numeric order, exact for any decimal. The value is normalised to sign, digits d1..dn (no leading or
  trailing zeros) and exponent E with value = 0.d1d2..dn x 10^E, so equal numbers ("1", "1.0", "10E-1")
  encode to the same bytes:

      zero      0x02
      positive  0x03  E+0x8000 as 2 bytes big-endian  one byte per digit pair: 10*d1+d2, 10*d3+d4, ...
      negative  0x01  0x7FFF-E as 2 bytes big-endian  one byte per digit pair: 254-(10*d1+d2), ...  0xFF

  An odd digit count is padded with one 0 digit (a trailing zero does not change the value). Positive
  pairs are 0..99; since the last pair is never 00, a mantissa that is a byte prefix of another is the
  smaller. Negative numbers invert exponent and pairs (155..254) and end with 0xFF, which sorts above
  every inverted pair, so there the prefix is the larger, as required. E must lie in -32768..32767.

The partition hash is blake2b (8 bytes) of the encoded partition key, an unsigned 64-bit integer, stored
in SQLite's signed INTEGER as `unsigned - 2**63` (which keeps its order).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from storage.api import InvalidKey, Item, KeySchema, KeyType

NEGATIVE = 0x01
ZERO = 0x02
POSITIVE = 0x03
NEGATIVE_END = 0xFF
EXPONENT_BIAS = 0x8000
HASH_OFFSET = 1 << 63

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class EncodedKey:
    """A primary key as stored: signed partition hash, encoded partition key, encoded sort key (b"" if the
    table has none)."""

    hash: int
    pk: bytes
    sk: bytes


def encode_number(text: str) -> bytes:
    """The order-preserving encoding of a DynamoDB number given in its wire (decimal string) form."""
    if _NUMBER.fullmatch(text) is None:
        raise InvalidKey(f"not a number: {text!r}")
    sign, digit_tuple, exponent = Decimal(text).as_tuple()
    assert isinstance(exponent, int)  # the pattern excludes NaN and Infinity
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return bytes((ZERO,))
    stripped = digits.rstrip("0")
    # value = digits x 10^exponent = 0.digits x 10^(exponent + len(digits))
    point_exponent = exponent + len(digits)
    if not -EXPONENT_BIAS <= point_exponent < EXPONENT_BIAS:
        raise InvalidKey(f"number out of range: {text!r}")
    if len(stripped) % 2:
        stripped += "0"
    pairs = [int(stripped[i : i + 2]) for i in range(0, len(stripped), 2)]
    biased = point_exponent + EXPONENT_BIAS
    if sign:
        inverted = 0xFFFF - biased
        return bytes((NEGATIVE, inverted >> 8, inverted & 0xFF, *(254 - p for p in pairs), NEGATIVE_END))
    return bytes((POSITIVE, biased >> 8, biased & 0xFF, *pairs))


def decode_number(data: bytes) -> str:
    """The canonical decimal string (no exponent, no trailing zeros) of an encoded number."""
    if data == bytes((ZERO,)):
        return "0"
    negative = data[0] == NEGATIVE
    biased = (data[1] << 8) | data[2]
    if negative:
        pairs = [254 - b for b in data[3:-1]]
        point_exponent = 0xFFFF - biased - EXPONENT_BIAS
    else:
        pairs = list(data[3:])
        point_exponent = biased - EXPONENT_BIAS
    digits = "".join(f"{p:02d}" for p in pairs).rstrip("0")
    value = Decimal((1 if negative else 0, tuple(map(int, digits)), point_exponent - len(digits)))
    return format(value, "f")


def encode_value(value: Any, key_type: KeyType) -> bytes:
    """Encode one key AttributeValue (`{"S": "x"}`, `{"N": "1"}`, `{"B": "<base64>"}`) of the given type."""
    if not isinstance(value, dict) or len(value) != 1 or not isinstance(value.get(key_type), str):
        raise InvalidKey(f"expected a {key_type} value, got {value!r}")
    text: str = value[key_type]
    try:
        if key_type == "S":
            return text.encode("utf-8")
        if key_type == "B":
            return base64.b64decode(text, validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise InvalidKey(f"invalid {key_type} value: {exc}") from None
    return encode_number(text)


def decode_value(data: bytes, key_type: KeyType) -> dict[str, str]:
    """The AttributeValue an encoding came from (numbers in canonical form)."""
    if key_type == "S":
        return {"S": data.decode("utf-8")}
    if key_type == "B":
        return {"B": base64.b64encode(data).decode("ascii")}
    return {"N": decode_number(data)}


def partition_hash(pk: bytes) -> int:
    """The unsigned 64-bit hash of an encoded partition key; stable across runs and machines."""
    return int.from_bytes(hashlib.blake2b(pk, digest_size=8).digest(), "big")


def to_signed(unsigned_hash: int) -> int:
    """Map an unsigned 64-bit hash into SQLite's signed INTEGER, keeping its order."""
    return unsigned_hash - HASH_OFFSET


def encode_key(schema: KeySchema, attributes: Item) -> EncodedKey:
    """The stored form of the primary key found in `attributes` (a key or a whole item)."""
    try:
        pk = encode_value(attributes[schema.hash.name], schema.hash.type)
        sk = b"" if schema.range is None else encode_value(attributes[schema.range.name], schema.range.type)
    except KeyError as exc:
        raise InvalidKey(f"missing key attribute {exc.args[0]!r}") from None
    return EncodedKey(to_signed(partition_hash(pk)), pk, sk)
