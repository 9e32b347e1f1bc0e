"""PartiQL for DynamoDB: the statements of ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

One lexer and parser for SELECT, INSERT, UPDATE, DELETE and EXISTS (`parse_syntax`, then `parse` with the
checks that need neither parameters nor table; both cached by text); values and `?` parameters become
AttributeValues (`values`); WHERE clauses compile to the expression language's `Condition`, SET/REMOVE to
its `Update`, and each statement against its table to a plan (`plans`) that the operations run through the
same reads and `ItemWrite`s as the JSON API. PartiQL has no storage path of its own.
"""

from __future__ import annotations

from functools import lru_cache

from app.partiql.ast import Parsed
from app.partiql.parser import parse_statement
from app.partiql.plans import check_static

CACHE_SIZE = 1024


@lru_cache(maxsize=CACHE_SIZE)
def parse_syntax(statement: str) -> Parsed:
    """The tree of `statement` (failures are not cached: lru_cache keeps no exceptions)."""
    return parse_statement(statement)


@lru_cache(maxsize=CACHE_SIZE)
def parse(statement: str) -> Parsed:
    """The tree of `statement`, after the checks that need neither its parameters nor its table."""
    parsed = parse_syntax(statement)
    check_static(parsed.statement)
    return parsed


__all__ = ["Parsed", "parse", "parse_syntax"]
