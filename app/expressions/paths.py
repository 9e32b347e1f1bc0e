"""Resolving document paths: the nesting limit, `#placeholder` substitution, and the rule that two paths
of one expression may neither overlap (one is a prefix of the other, or they are equal) nor conflict
(one indexes a list where the other names a map key under the same parent).

Observed on the reference: a projection's paths are resolved from the last one written to the first,
each fully (nesting, then names, then the overlap check against the paths already resolved) before the
next; the message names the path being added first and the one it collides with second. With three
or more paths the reference sometimes names an unrelated path second (it depends on hashing we could
not reproduce); localddb always names the earliest-resolved path the new one really collides with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import ValidationException
from app.expressions.ast import AttributeName, AttributePath, DocumentPath, ListIndex
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.resolve import ExpressionMaps

MAX_NESTING_LEVELS = 32


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


@dataclass(slots=True)
class _Node:
    """A step of some added path: the first path that went through it, and the path ending here, if any."""

    first: AttributePath
    ending: AttributePath | None = None
    children: dict[str | int, _Node] = field(default_factory=dict)


class PathTrie:
    """The paths added so far, as a trie of their elements."""

    def __init__(self) -> None:
        self._root: dict[str | int, _Node] = {}

    def add(self, path: AttributePath, kind: ExpressionKind) -> None:
        """Add `path`, or raise the overlap/conflict error against a path added earlier."""
        children = self._root
        node: _Node | None = None
        created = False
        for element in path.elements:
            child = children.get(element)
            if child is None:
                if children and isinstance(next(iter(children)), int) != isinstance(element, int):
                    assert node is not None  # the root only has names, so a conflict is never there
                    raise _collision(kind, "conflict", path, node.first)
                child = _Node(first=path)
                children[element] = child
                created = True
            elif child.ending is not None:
                raise _collision(kind, "overlap", path, child.ending)
            node = child
            children = child.children
        assert node is not None  # a path has at least one element
        if not created:  # the path ends where a longer one passes through
            raise _collision(kind, "overlap", path, node.first)
        node.ending = path


def _collision(
    kind: ExpressionKind, what: str, one: AttributePath, two: AttributePath
) -> ValidationException:
    return invalid(
        kind,
        f"Two document paths {what} with each other; must remove or rewrite one of these paths; "
        f"path one: {one.render()}, path two: {two.render()}",
    )
