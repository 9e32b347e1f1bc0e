"""Parse once: expression trees cached by (kind, text) in an LRU.

Only the text-dependent work is cached (size, emptiness, syntax, redundant parentheses, function names
and places, reserved words, index range, repeated clauses); resolving placeholders depends on the
request's maps and happens on every use. Texts that fail to parse are not cached: `lru_cache` does not
keep exceptions, and invalid expressions are rare.
"""

from __future__ import annotations

from functools import lru_cache

from app.expressions.ast import ConditionAst, ProjectionAst, UpdateAst
from app.expressions.kinds import ExpressionKind
from app.expressions.parser import parse_condition, parse_projection, parse_update

CACHE_SIZE = 4096


@lru_cache(maxsize=CACHE_SIZE)
def parse(kind: ExpressionKind, text: str) -> ProjectionAst | ConditionAst | UpdateAst:
    """The tree of `text` read as an expression of `kind` (raises its ValidationException otherwise)."""
    if kind is ExpressionKind.PROJECTION:
        return parse_projection(text)
    if kind is ExpressionKind.UPDATE:
        return parse_update(text)
    return parse_condition(kind, text)


def cached_projection(text: str) -> ProjectionAst:
    tree = parse(ExpressionKind.PROJECTION, text)
    assert isinstance(tree, ProjectionAst)
    return tree


def cached_condition(kind: ExpressionKind, text: str) -> ConditionAst:
    tree = parse(kind, text)
    assert isinstance(tree, ConditionAst)
    return tree


def cached_update(text: str) -> UpdateAst:
    tree = parse(ExpressionKind.UPDATE, text)
    assert isinstance(tree, UpdateAst)
    return tree
