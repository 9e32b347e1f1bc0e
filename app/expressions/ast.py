"""The syntax tree of expressions, as frozen dataclasses, and the resolved form of a document path.

A `DocumentPath` is what the parser saw (`a.#n[2].c`): names as written, `#placeholders` not yet
substituted, list indexes. An `AttributePath` is the same path after the resolve phase: plain attribute
names and list indexes, which is what evaluation and projection work with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AttributeName:
    """An attribute name written literally in the expression (an identifier)."""

    name: str


@dataclass(frozen=True, slots=True)
class NamePlaceholder:
    """A `#key` that ExpressionAttributeNames maps to an attribute name."""

    key: str


@dataclass(frozen=True, slots=True)
class ListIndex:
    """A `[n]` dereference of a list element."""

    index: int


PathElement = AttributeName | NamePlaceholder | ListIndex


@dataclass(frozen=True, slots=True)
class DocumentPath:
    """A document path as written: a name or placeholder, then `.name`, `.#key` and `[n]` steps."""

    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class ProjectionAst:
    """A ProjectionExpression: document paths in the order written."""

    paths: tuple[DocumentPath, ...]


@dataclass(frozen=True, slots=True)
class AttributePath:
    """A resolved document path: attribute names (str) and list indexes (int), outermost first."""

    elements: tuple[str | int, ...]

    def render(self) -> str:
        """The path as AWS prints it in messages: `[a, b, [1]]`."""
        return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in self.elements) + "]"
