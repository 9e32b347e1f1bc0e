"""ProjectionExpression: compiling it against a request's maps, and applying it to an item.

What a projection keeps (observed on the reference):
- a path keeps the value at its end, and around it only the maps and lists leading there;
- a map keeps only the projected keys; a list keeps only the projected elements, in index order
  whatever the order written (`l[3], l[1]` gives `[l[1], l[3]]`);
- a path that does not exist in the item (missing key, index past the end, a step into a scalar, a set or
  the wrong container type) contributes nothing, and a map or list left with nothing is left out too;
- an item none of whose paths exist projects to `{}` (GetItem then answers `"Item": {}`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.expressions.ast import AttributePath
from app.expressions.cache import cached_projection
from app.expressions.conditions import key_attribute_error
from app.expressions.kinds import ExpressionKind
from app.expressions.paths import PathTrie, resolve_path
from app.expressions.resolve import ExpressionMaps

# What to keep of a value: None keeps all of it; a dict keeps the listed map keys (str) or list
# indexes (int) of it, each with what to keep of that.
Selection = dict[str | int, "Selection | None"]


@dataclass(frozen=True, slots=True)
class Projection:
    """A resolved projection: its paths in the order written, and the selection tree they make."""

    paths: tuple[AttributePath, ...]
    selection: Selection

    @classmethod
    def of(cls, paths: tuple[AttributePath, ...]) -> Projection:
        """The projection keeping `paths` (where one path contains another, the shorter one wins)."""
        selection: Selection = {}
        for path in paths:
            _add(selection, path.elements)
        return cls(paths, selection)

    def apply(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """The projected copy of `item` (wire form). Kept values are shared with `item`, not copied."""
        projected: dict[str, Any] = {}
        for name, below in self.selection.items():
            if isinstance(name, str) and (value := item.get(name)) is not None:
                kept = _select(value, below)
                if kept is not None:
                    projected[name] = kept
        return projected

    def check_key_attributes(self, key_names: Iterable[str], index_key_names: Iterable[str] = ()) -> None:
        """Reject a path into a key attribute (`pk.a`, `pk[0]`) of the table, then of its indexes: key
        attributes are scalars. `key_names` in key-schema order (HASH first), which is the order the
        reference reports them in."""
        for key in key_names:
            if self.selection.get(key) is not None:
                raise key_attribute_error(key)
        for key in index_key_names:
            if self.selection.get(key) is not None:
                raise key_attribute_error(key, "IndexKey")


def _add(selection: Selection, elements: tuple[str | int, ...]) -> None:
    level = selection
    for element in elements[:-1]:
        if element not in level:
            level[element] = {}
        below = level[element]
        if below is None:
            return  # an enclosing value is kept whole already
        level = below
    level[elements[-1]] = None


def _select(value: Any, selection: Selection | None) -> Any:
    """What `selection` keeps of an attribute value, or None if it keeps nothing."""
    if selection is None:
        return value
    members = value.get("M")
    if isinstance(members, dict):
        kept_members: dict[str, Any] = {}
        for key, below in selection.items():
            if isinstance(key, str) and (member := members.get(key)) is not None:
                kept = _select(member, below)
                if kept is not None:
                    kept_members[key] = kept
        return {"M": kept_members} if kept_members else None
    elements = value.get("L")
    if isinstance(elements, list):
        indexes = sorted(key for key in selection if isinstance(key, int))
        kept_elements = []
        for index in indexes:
            if index < len(elements):
                kept = _select(elements[index], selection[index])
                if kept is not None:
                    kept_elements.append(kept)
        return {"L": kept_elements} if kept_elements else None
    return None


def compile_projection(expression: str | None, maps: ExpressionMaps) -> Projection | None:
    """The projection of a ProjectionExpression parameter (None when absent), resolved against `maps`."""
    if expression is None:
        return None
    maps.check_contents()
    kind = ExpressionKind.PROJECTION
    tree = cached_projection(expression)
    trie = PathTrie()
    resolved: list[AttributePath] = []
    # Last path first: that is the order in which the reference reports names, depth and overlaps.
    for path in reversed(tree.paths):
        attribute_path = resolve_path(path, maps, kind)
        trie.add(attribute_path, kind)
        resolved.append(attribute_path)
    resolved.reverse()
    return Projection.of(tuple(resolved))


def compile_request_projection(params: Mapping[str, Any], key_names: Iterable[str] = ()) -> Projection | None:
    """The projection of a request (or request part) whose only expression is ProjectionExpression, with
    ExpressionAttributeNames: GetItem, BatchGetItem's KeysAndAttributes, TransactGetItems' Get.
    `key_names` are the table's key attributes in key-schema order."""
    maps = ExpressionMaps.for_request(params, expression_fields=("ProjectionExpression",))
    projection = compile_projection(params.get("ProjectionExpression"), maps)
    maps.check_all_used()
    if projection is not None:
        projection.check_key_attributes(key_names)
    return projection
