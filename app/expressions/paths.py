"""Resolving document paths (the nesting limit, `#placeholder` substitution) and the tree DynamoDB builds
from the paths of one projection or update: the rule that no two paths may overlap (one is a prefix of
the other, or they are equal) or conflict (one indexes a list where the other names a map key under the
same parent), and the order in which the tree's branches are visited.

DynamoDB keeps each tree node's children in a Java `HashMap` keyed by path element, and that order shows:
an overlap or conflict message names as "path two" the branch reached from the colliding node by always
taking the *first* child in iteration order (which may be an unrelated path), and an update visits its
branches in that order (which decides which of two failing actions is reported). `java_map_order`
reproduces the iteration order: element hash `8191 * 127 + hash` (Apache `HashCodeBuilder` over the name's
`String.hashCode()` or the index), spread `h ^ (h >>> 16)`, buckets of a table that starts at 16 and
doubles past a 0.75 load, insertion order within a bucket.

Paths are added in the order the caller decides (a projection's and an update's from last written to
first, as DynamoDB does); each is resolved fully (nesting, then names) before it is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from app.errors import ValidationException
from app.expressions.ast import AttributeName, AttributePath, DocumentPath, ListIndex
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.resolve import ExpressionMaps, java_string_hash

MAX_NESTING_LEVELS = 32

_ELEMENT_HASH_BASE = 8191 * 127  # HashCodeBuilder(8191, 127) with one appended value
_MASK = 0xFFFFFFFF


def resolve_path(path: DocumentPath, maps: ExpressionMaps, kind: ExpressionKind) -> AttributePath:
    """`path` with its placeholders substituted, after checking its depth."""
    if len(path.elements) > MAX_NESTING_LEVELS:
        raise invalid(
            kind, f"The document path has too many nesting levels; nesting levels: {len(path.elements)}"
        )
    elements: list[str | int] = []
    for element in path.elements:
        if isinstance(element, AttributeName):
            elements.append(element.name)
        elif isinstance(element, ListIndex):
            elements.append(element.index)
        else:
            elements.append(maps.name(element.key, kind))
    return AttributePath(tuple(elements))


def _element_bucket_hash(element: str | int) -> int:
    value = element if isinstance(element, int) else java_string_hash(element)
    h = (_ELEMENT_HASH_BASE + value) & _MASK
    return h ^ (h >> 16)


def java_map_order(keys: Iterable[str | int]) -> list[str | int]:
    """`keys` (in insertion order) in the iteration order of a Java HashMap of path elements."""
    ordered = list(keys)
    capacity = 16
    while len(ordered) > capacity * 3 // 4:
        capacity *= 2
    position = {key: index for index, key in enumerate(ordered)}
    return sorted(ordered, key=lambda key: (_element_bucket_hash(key) & (capacity - 1), position[key]))


@dataclass(slots=True)
class _Node:
    """A step of some added path. `children` is None where a path ends (a leaf)."""

    children: dict[str | int, _Node | None] = field(default_factory=dict)

    def first_child(self) -> str | int:
        return java_map_order(self.children)[0]


class PathTrie:
    """The paths added so far, as DynamoDB's tree of their elements."""

    def __init__(self) -> None:
        self._root = _Node()

    def add(self, path: AttributePath, kind: ExpressionKind) -> None:
        """Add `path`, or raise the overlap/conflict error against the paths added earlier."""
        node = self._root
        elements = path.elements
        for depth, element in enumerate(elements):
            children = node.children
            if element not in children:
                if children and isinstance(next(iter(children)), int) != isinstance(element, int):
                    raise self._collision(kind, "conflict", path, depth, node)
                children[element] = _chain(elements[depth + 1 :])
                return
            child = children[element]
            if child is None or depth == len(elements) - 1:
                raise self._collision(kind, "overlap", path, depth, node)
            node = child

    def _collision(
        self, kind: ExpressionKind, what: str, path: AttributePath, depth: int, node: _Node
    ) -> ValidationException:
        """The error naming `path` and, as path two, the new path's first `depth` steps followed by the
        first-child branch below `node` down to its end."""
        steps = list(path.elements[:depth])
        current: _Node | None = node
        while current is not None and current.children:
            element = current.first_child()
            steps.append(element)
            current = current.children[element]
        other = AttributePath(tuple(steps))
        return invalid(
            kind,
            f"Two document paths {what} with each other; must remove or rewrite one of these paths; "
            f"path one: {path.render()}, path two: {other.render()}",
        )

    def leaves(self) -> Iterator[tuple[str | int, ...]]:
        """Every added path, in the order DynamoDB visits them (depth first, children in map order)."""
        return _leaves(self._root, ())


def _chain(rest: tuple[str | int, ...]) -> _Node | None:
    """The branch of one path below an element: a chain of single-child nodes, None at its end."""
    node: _Node | None = None
    for element in reversed(rest):
        node = _Node({element: node})
    return node


def _leaves(node: _Node, prefix: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    for element in java_map_order(node.children):
        child = node.children[element]
        path = (*prefix, element)
        if child is None:
            yield path
        else:
            yield from _leaves(child, path)
