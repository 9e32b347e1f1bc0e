"""A SELECT list: which paths it reads, and the flat item it returns.

A SELECT list is not a ProjectionExpression: each path's value comes back as one top-level attribute,
named after the path's last name and the list indexes that follow it (`a.b` -> `b`, `m.n[0]` -> `n[0]`,
`l[0][1]` -> `l[0][1]`), and a path an item does not have is left out (observed on the reference). Two
paths with the same output name are refused (`Duplicate identifiers in select clause: b`), then paths
that overlap or conflict, as DynamoDB's projection tree refuses them (paths added in written order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationException
from app.expressions.ast import AttributePath
from app.expressions.kinds import ExpressionKind
from app.expressions.paths import PathTrie
from app.expressions.projection import Projection
from app.partiql import ast
from app.partiql.conditions import unprefixed
from app.values import documents

Path = tuple[str | int, ...]


def output_name(path: Path) -> str:
    """The attribute a path's value is returned as."""
    last = max(index for index, element in enumerate(path) if isinstance(element, str))
    return str(path[last]) + "".join(f"[{element}]" for element in path[last + 1 :])


@dataclass(frozen=True)
class SelectList:
    """The checked paths of a SELECT list and their output names."""

    paths: tuple[Path, ...]
    names: tuple[str, ...]

    @classmethod
    def of(cls, items: tuple[ast.Path, ...]) -> SelectList:
        paths = tuple(item.elements for item in items)
        names: list[str] = []
        for path in paths:
            name = output_name(path)
            if name in names:
                raise ValidationException(f"Duplicate identifiers in select clause: {name}")
            names.append(name)
        trie = PathTrie()
        try:
            for path in paths:
                trie.add(AttributePath(path), ExpressionKind.PROJECTION)
        except ValidationException as error:
            raise unprefixed(error) from None
        return cls(paths, tuple(names))

    def projection(self) -> Projection:
        """The ProjectionExpression reading the same paths (for GetItem-style reads)."""
        return Projection.of(tuple(AttributePath(path) for path in self.paths))

    @property
    def top_level_names(self) -> frozenset[str]:
        return frozenset(str(path[0]) for path in self.paths)

    @property
    def nested_names(self) -> frozenset[str]:
        """Top-level attributes the list reads into with `.` or `[]`."""
        return frozenset(str(path[0]) for path in self.paths if len(path) > 1)

    def apply(self, item: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, name in zip(self.paths, self.names, strict=True):
            value = documents.get_path(item, path)
            if value is not None:
                out[name] = value
        return out
