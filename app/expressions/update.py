"""UpdateExpression: compiling it against a request's maps, and applying it to an item.

Resolve order (observed on the reference, which builds DynamoDB's update tree the same way): the
actions are taken from the last written to the first, first all their paths (nesting, names, then the
overlap/conflict check against the paths taken so far), then all their values (a SET value as any
operand; an ADD value must be a number or a set, a DELETE value a set: `Incorrect operand type for
operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND`).

Applying (`Update.apply`) follows DynamoDB too:
- every value is computed from the item as it was before the update (SET a = b, b = a swaps), and every
  list index refers to the list as it was (`app.values.documents.apply_changes`);
- the actions are visited in the order of DynamoDB's update tree (see `paths`), each action's path
  checked ("The document path provided in the update expression is invalid for update") just before
  its value is computed, so of two failing actions the one DynamoDB meets first is reported;
- a missing item starts as its key; an update made only of REMOVE and DELETE actions is still checked
  against it but creates nothing (`apply` returns None), as on AWS (DynamoDB Local creates the key-only
  item).

`updated_attributes` is what ReturnValues UPDATED_OLD / UPDATED_NEW return: the item projected on the
paths the update touched, so `SET a.b = :v` returns `{"a": {"M": {"b": …}}}` (AWS's behaviour; DynamoDB
Local returns whole top-level attributes instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.errors import ValidationException
from app.expressions import ast
from app.expressions.ast import AttributePath
from app.expressions.cache import cached_update
from app.expressions.conditions import key_attribute_error
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.operands import MISSING_ATTRIBUTE, Item, ValueExpr
from app.expressions.parser import expression_size
from app.expressions.paths import PathTrie
from app.expressions.projection import Projection
from app.expressions.resolve import ExpressionMaps
from app.expressions.semantics import Resolver
from app.values import compare, documents
from app.values.attributes import AttributeValue

Path = tuple[str | int, ...]

# DynamoDB's names of the types, as its ADD/DELETE operand messages print them.
_TYPE_WORDS = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "L": "LIST",
    "M": "MAP",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}
_SETS = frozenset({"SS", "NS", "BS"})
_ADD_TYPES = _SETS | {"N"}


class UpdateAction(Protocol):
    """One action of an update: where it writes, and what it writes there given the old item and the
    value now at its path (None: remove)."""

    @property
    def path(self) -> Path: ...

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None: ...


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    value: ValueExpr

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None:
        value = self.value.evaluate(old_item)
        if value is None:
            raise ValidationException(MISSING_ATTRIBUTE)
        return value


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None:
        return None


@dataclass(frozen=True, slots=True)
class AddAction:
    """ADD: add to a number, unite with a set, or create the attribute."""

    path: Path
    operand: AttributeValue

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None:
        return documents.add(existing, self.operand)


@dataclass(frozen=True, slots=True)
class DeleteAction:
    """DELETE: take members out of a set (an emptied set is removed)."""

    path: Path
    operand: AttributeValue

    def new_value(self, old_item: Item, existing: AttributeValue | None) -> AttributeValue | None:
        return documents.delete(existing, self.operand)


@dataclass(frozen=True, slots=True)
class Update:
    """A compiled update: its actions in the order DynamoDB applies them, the projection of the paths
    they touch, whether it can create a missing item, and the top-level attributes it reads or writes
    through `.` or `[]`."""

    actions: tuple[UpdateAction, ...]
    updated: Projection
    creates_item: bool
    nested_attributes: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        actions: Sequence[UpdateAction],
        nested_attributes: Iterable[str] = (),
        trie: PathTrie | None = None,
    ) -> Update:
        """The update made of `actions` (whose paths must not overlap), ordered as DynamoDB applies them;
        `trie` holds their paths if the caller built it already. Also how other front ends (the legacy
        AttributeUpdates) build one."""
        if trie is None:
            trie = PathTrie()
            for action in reversed(actions):
                trie.add(AttributePath(action.path), ExpressionKind.UPDATE)
        by_path = {action.path: action for action in actions}
        ordered = tuple(by_path[path] for path in trie.leaves())
        return cls(
            actions=ordered,
            updated=Projection.of(tuple(AttributePath(action.path) for action in actions)),
            creates_item=any(not isinstance(action, RemoveAction | DeleteAction) for action in actions),
            nested_attributes=frozenset(nested_attributes),
        )

    def apply(self, item: Item | None, key: Item) -> dict[str, AttributeValue] | None:
        """The item after the update (`item` untouched), or None when `item` is missing and the update
        creates nothing. A missing item starts as `key`. Raises AWS's ValidationException for an invalid
        path, a missing operand, a wrong type or a number out of range."""
        old = key if item is None else item
        changes: list[documents.Change] = []
        for action in self.actions:
            documents.check_update_path(old, action.path)
            existing = documents.get_path(old, action.path)
            changes.append((action.path, action.new_value(old, existing)))
        new = documents.apply_changes(old, changes)
        return None if item is None and not self.creates_item else new

    def updated_attributes(self, item: Item | None) -> dict[str, AttributeValue]:
        """`item` (old or new) projected on the paths the update touches: ReturnValues UPDATED_OLD and
        UPDATED_NEW. Empty when nothing there exists (the response then has no Attributes)."""
        return self.updated.apply(item) if item is not None else {}

    def check_key_attributes(self, key_names: Iterable[str], index_key_names: Iterable[str] = ()) -> None:
        """No action may write a key attribute, and no path may reach into one of the table's or its
        indexes' keys. `key_names` in key-schema order (HASH first), the order DynamoDB checks them in;
        writes are checked before reads."""
        keys = tuple(key_names)
        written = {action.path[0] for action in self.actions}
        for key in keys:
            if key in written:
                raise ValidationException(
                    f"One or more parameter values were invalid: Cannot update attribute {key}. "
                    "This attribute is part of the key"
                )
        for key in keys:
            if key in self.nested_attributes:
                raise key_attribute_error(key)
        for key in index_key_names:
            if key in self.nested_attributes:
                raise key_attribute_error(key, "IndexKey")


def _operand_type_error(action: str, value: AttributeValue, type_set: str) -> ValidationException:
    word = _TYPE_WORDS[compare.type_name(value)]
    return invalid(
        ExpressionKind.UPDATE,
        "Incorrect operand type for operator or function; "
        f"operator: {action}, operand type: {word}, typeSet: {type_set}",
    )


def _resolved_action(resolver: Resolver, action: ast.Action, path: Path) -> UpdateAction:
    if isinstance(action, ast.SetAction):
        return SetAction(path, resolver.operand(action.value).expr)
    if isinstance(action, ast.RemoveAction):
        return RemoveAction(path)
    operand = resolver.value(action.value)
    kind = compare.type_name(operand)
    if isinstance(action, ast.AddAction):
        if kind not in _ADD_TYPES:
            raise _operand_type_error("ADD", operand, "ALLOWED_FOR_ADD_OPERAND")
        return AddAction(path, operand)
    if kind not in _SETS:
        raise _operand_type_error("DELETE", operand, "ALLOWED_FOR_DELETE_OPERAND")
    return DeleteAction(path, operand)


def compile_update(expression: str | None, maps: ExpressionMaps) -> Update | None:
    """The update of an UpdateExpression parameter (None when absent), resolved against `maps`; raises
    AWS's ValidationException for its text, placeholders, paths and operands."""
    if expression is None:
        return None
    maps.check_contents()
    tree = cached_update(expression)
    kind = ExpressionKind.UPDATE
    resolver = Resolver(kind, maps)
    actions = tree.actions()
    trie = PathTrie()
    paths: list[Path] = [()] * len(actions)
    for index in reversed(range(len(actions))):
        path = resolver.path(actions[index].path)
        trie.add(path, kind)
        paths[index] = path.elements
    resolved: list[UpdateAction | None] = [None] * len(actions)
    for index in reversed(range(len(actions))):
        resolved[index] = _resolved_action(resolver, actions[index], paths[index])
    resolver.check_resolved_size(expression_size(expression))
    return Update.of([action for action in resolved if action is not None], resolver.nested_attributes, trie)
