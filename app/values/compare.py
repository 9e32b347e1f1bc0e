"""How conditions see values: equality, ordering, the value functions, and how AWS prints a value.

Values are validated AttributeValues in wire form (`{"N": "1.5"}`, binaries as base64 text). Rules
observed on DynamoDB Local 3.x with ConditionExpression probes, and as AWS documents them:

- Equality needs the same type: N compares numerically, B by its bytes, sets as sets (order is
  irrelevant, NS numerically), L element by element in order, M entry by entry in any order.
- Ordering exists only between two values of one scalar type: S by UTF-8 bytes (a code point order, so
  U+FFFD sorts before U+1F600), N numerically, B by unsigned bytes. Anything else is not comparable,
  which makes `<`, `<=`, `>`, `>=` and BETWEEN false, never an error.
- begins_with: an S prefix of an S, or a B prefix of a B. contains: a substring of an S, a contiguous
  byte run of a B, a member of a set (the operand of the member type), an element of an L equal to the
  operand (deep equality, any type). Every other pairing is simply false.
- size: the length of an S in UTF-16 code units (DynamoDB Local counts an emoji as 2, as Java does; the
  AWS guide only says "the length of the string"), the bytes of a B, the members of a set, the elements
  of an L or M. N, BOOL and NULL have no size: a comparison against it is false.
"""

from __future__ import annotations

import binascii
from decimal import Decimal
from typing import Any

AttributeValue = dict[str, Any]

_SCALARS = frozenset({"S", "N", "B"})


def type_name(value: AttributeValue) -> str:
    """The type of a value as DynamoDB names it: "S", "N", "B", "SS", "NS", "BS", "M", "L", "BOOL", "NULL"."""
    return next(iter(value))


def _bytes(text: str) -> bytes:
    return binascii.a2b_base64(text)


def equals(a: AttributeValue, b: AttributeValue) -> bool:
    """DynamoDB equality: the same type and the same value; different types are simply unequal."""
    kind = type_name(a)
    if kind != type_name(b):
        return False
    left, right = a[kind], b[kind]
    if kind in ("S", "BOOL", "NULL"):
        return bool(left == right)
    if kind == "N":
        return left == right or Decimal(left) == Decimal(right)
    if kind == "B":
        return left == right or _bytes(left) == _bytes(right)
    if kind == "SS":
        return len(left) == len(right) and set(left) == set(right)
    if kind == "NS":
        return len(left) == len(right) and set(map(Decimal, left)) == set(map(Decimal, right))
    if kind == "BS":
        return len(left) == len(right) and set(map(_bytes, left)) == set(map(_bytes, right))
    if kind == "L":
        return len(left) == len(right) and all(map(equals, left, right))
    # M: the same keys, each with an equal value
    return len(left) == len(right) and all(
        name in right and equals(element, right[name]) for name, element in left.items()
    )


def _sign(difference: bool, less: bool) -> int:
    return 0 if not difference else (-1 if less else 1)


def order(a: AttributeValue, b: AttributeValue) -> int | None:
    """-1, 0 or 1 as `a` sorts before, with or after `b`; None unless both are S, both N or both B."""
    kind = type_name(a)
    if kind != type_name(b) or kind not in _SCALARS:
        return None
    left, right = a[kind], b[kind]
    if kind == "S":
        # Python orders str by code point, which is the UTF-8 byte order DynamoDB uses.
        return _sign(left != right, left < right)
    if kind == "N":
        left_number, right_number = Decimal(left), Decimal(right)
        return _sign(left_number != right_number, left_number < right_number)
    left_bytes, right_bytes = _bytes(left), _bytes(right)
    return _sign(left_bytes != right_bytes, left_bytes < right_bytes)


def between(value: AttributeValue, low: AttributeValue, high: AttributeValue) -> bool:
    """`value BETWEEN low AND high`: low <= value <= high, false when any pair is not comparable."""
    above_low = order(low, value)
    if above_low is None or above_low > 0:
        return False
    below_high = order(value, high)
    return below_high is not None and below_high <= 0


def begins_with(value: AttributeValue, prefix: AttributeValue) -> bool:
    """The function begins_with: an S starting with an S, or a B starting with a B; otherwise false."""
    kind = type_name(value)
    if kind != type_name(prefix):
        return False
    if kind == "S":
        return bool(value["S"].startswith(prefix["S"]))
    if kind == "B":
        return _bytes(value["B"]).startswith(_bytes(prefix["B"]))
    return False


def contains(value: AttributeValue, operand: AttributeValue) -> bool:
    """The function contains: substring of an S or B, member of a set, element of a list; else false."""
    kind = type_name(value)
    operand_kind = type_name(operand)
    if kind == "L":
        return any(equals(element, operand) for element in value["L"])
    if kind == "S" and operand_kind == "S":
        return bool(operand["S"] in value["S"])
    if kind == "B" and operand_kind == "B":
        return _bytes(operand["B"]) in _bytes(value["B"])
    if kind == "SS" and operand_kind == "S":
        return operand["S"] in value["SS"]
    if kind == "NS" and operand_kind == "N":
        number = Decimal(operand["N"])
        return any(Decimal(member) == number for member in value["NS"])
    if kind == "BS" and operand_kind == "B":
        raw = _bytes(operand["B"])
        return any(_bytes(member) == raw for member in value["BS"])
    return False


def size(value: AttributeValue) -> int | None:
    """The function size; None for N, BOOL and NULL, which have none (comparisons with it are false)."""
    kind = type_name(value)
    content = value[kind]
    if kind == "S":
        return len(content) if content.isascii() else len(content.encode("utf-16-le")) // 2
    if kind == "B":
        return len(_bytes(content))
    if kind in ("N", "BOOL", "NULL"):
        return None
    return len(content)


def _java_bytes(text: str) -> str:
    length = len(_bytes(text))
    return f"java.nio.HeapByteBuffer[pos=0 lim={length} cap={length}]"


def _content_text(kind: str, content: Any) -> str:
    if kind in ("S", "N"):
        return str(content)
    if kind == "B":
        return _java_bytes(content)
    if kind in ("SS", "NS"):
        return "[" + ", ".join(content) + "]"
    if kind == "BS":
        return "[" + ", ".join(map(_java_bytes, content)) + "]"
    if kind == "L":
        return "[" + ", ".join(map(render, content)) + "]"
    if kind == "M":
        return "{" + ", ".join(f"{name}={render(element)}" for name, element in content.items()) + "}"
    return "true" if content else "false"  # BOOL, NULL


def render(value: AttributeValue) -> str:
    """A value as DynamoDB prints it in messages: `AttributeValue: {N:5}`, `AttributeValue: {S:abc}`.

    This is the Java `toString` of DynamoDB's attribute value (read from the reference's class and
    checked on its BETWEEN messages): a number exactly as given (the reference prints the request's
    text, `{N:-2E3}`, so pass the value as sent to reproduce that), a binary as the Java buffer that
    holds it (`{B:java.nio.HeapByteBuffer[pos=0 lim=1 cap=1]}`), sets and lists as `[a, b]`, maps as
    `{key=AttributeValue: {…}}`, BOOL and NULL as `true`/`false`.
    """
    kind = type_name(value)
    return f"AttributeValue: {{{kind}:{_content_text(kind, value[kind])}}}"
