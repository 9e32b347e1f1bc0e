"""Which of AWS's two attribute-value validators an operation speaks.

DynamoDB checks attribute values in one of two layers, and the layer decides the wording of a few
messages (a malformed number, a duplicate set member) and how a number's exponent is read:

- CURRENT: PutItem, UpdateItem, DeleteItem, GetItem, BatchGetItem and Query (captured on AWS, 2026).
- LEGACY: BatchWriteItem and Scan, and TransactWriteItems/TransactGetItems in most regions. It reads a
  number the way Java's BigDecimal does (a 32-bit exponent and scale that wrap in its range check).
"""

from __future__ import annotations

from enum import Enum


class Dialect(Enum):
    CURRENT = "current"
    LEGACY = "legacy"
