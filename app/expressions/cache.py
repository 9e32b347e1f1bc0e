"""Parse once: expression trees cached by (kind, text) in an LRU.

Only the text-dependent work is cached (size, emptiness, syntax, reserved words, index range); resolving
placeholders depends on the request's maps and happens on every use. Texts that fail to parse are not
cached: `lru_cache` does not keep exceptions, and invalid expressions are rare.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from app.expressions.ast import ProjectionAst
from app.expressions.kinds import ExpressionKind
from app.expressions.parser import parse_projection

CACHE_SIZE = 4096

_GRAMMARS: dict[ExpressionKind, Callable[[str], ProjectionAst]] = {
    ExpressionKind.PROJECTION: parse_projection,
}


@lru_cache(maxsize=CACHE_SIZE)
def parse(kind: ExpressionKind, text: str) -> ProjectionAst:
    """The tree of `text` read as an expression of `kind` (raises its ValidationException otherwise)."""
    return _GRAMMARS[kind](text)
