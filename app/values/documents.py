"""Document paths into items, and the value arithmetic of UpdateExpression (SET +/-, list_append, ADD,
DELETE).

A path is a tuple of attribute or map-key names (str) and list indexes (int), outermost first; its first
element is always an attribute name. Items and values are in wire form. Rules observed on DynamoDB Local
3.x with UpdateItem probes (AWS documents the same behaviour where it documents it):

- Writing a path (SET, REMOVE, ADD, DELETE alike) needs its parent: every step before the last must
  exist, and the last step must name a key of a map or index a list. Otherwise, before any value is
  computed: "The document path provided in the update expression is invalid for update". The last step
  itself may be missing: SET (and ADD) creates a map key, and at a list index at or past the end
  appends; REMOVE of a missing key or index does nothing.
- All indexes of one update expression refer to the list as it was: REMOVE a[0], a[1] removes the first
  two elements, `REMOVE a[0] SET a[1] = :v` replaces the old second element, `REMOVE a[3] SET a[4] = :v`
  on a 3-element list appends :v and keeps it. Indexes past the end append in index order whatever
  the order written.
- ADD: a number adds, a set unites, a missing attribute becomes the operand; DELETE: a set loses the
  operand's members, a missing attribute stays missing, and an emptied set is removed (an emptied set
  in a list leaves the list, like REMOVE). Any other pairing of types: "An operand in the update
  expression has an incorrect data type", as for `+`, `-` and list_append on anything but N and L.
- Set results keep the existing members in order and put new members after them (sets are unordered;
  DynamoDB Local happens to sort them, AWS promises no order).
"""

from __future__ import annotations

import binascii
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from app.errors import ValidationException
from app.values.numbers import add_numbers, subtract_numbers

AttributeValue = dict[str, Any]
Path = tuple[str | int, ...]
# One write of an update: the new value at a path, or None to remove what is there.
Change = tuple[Path, AttributeValue | None]

INVALID_PATH = "The document path provided in the update expression is invalid for update"
INCORRECT_TYPE = "An operand in the update expression has an incorrect data type"

_SETS = frozenset({"SS", "NS", "BS"})


def _invalid_path() -> ValidationException:
    return ValidationException(INVALID_PATH)


def _incorrect_type() -> ValidationException:
    return ValidationException(INCORRECT_TYPE)


# --- reading -----------------------------------------------------------------------------------------------


def _step(value: AttributeValue, element: str | int) -> AttributeValue | None:
    """The value one step below `value`, or None when there is none (missing, or the wrong container)."""
    if isinstance(element, int):
        elements = value.get("L")
        return elements[element] if elements is not None and element < len(elements) else None
    entries = value.get("M")
    return entries.get(element) if entries is not None else None


def get_path(item: Mapping[str, AttributeValue], path: Path) -> AttributeValue | None:
    """The value at `path` in `item`, or None when the path leads nowhere (a missing step, an index past
    the end, a name into a non-map or an index into a non-list)."""
    first = path[0]
    value = item.get(first) if isinstance(first, str) else None
    for element in path[1:]:
        if value is None:
            return None
        value = _step(value, element)
    return value


def check_update_path(item: Mapping[str, AttributeValue], path: Path) -> None:
    """Raise AWS's invalid-path error unless `path` can be written in `item` (its parent exists and is
    a map for a final name, a list for a final index)."""
    if len(path) == 1:
        return
    parent = get_path(item, path[:-1])
    container = "L" if isinstance(path[-1], int) else "M"
    if parent is None or container not in parent:
        raise _invalid_path()


# --- writing -----------------------------------------------------------------------------------------------


def _grouped(changes: Iterable[Change]) -> dict[str | int, list[Change]]:
    """Changes by their first step, each with that step taken off (first-seen order of steps)."""
    groups: dict[str | int, list[Change]] = {}
    for path, value in changes:
        groups.setdefault(path[0], []).append((path[1:], value))
    return groups


def _terminal(group: list[Change]) -> tuple[bool, AttributeValue | None]:
    """Whether a group is a write of the step itself (and the value), or writes below it."""
    ends = [value for path, value in group if not path]
    if not ends:
        return False, None
    if len(group) > 1:
        raise ValueError("overlapping document paths in one update")
    return True, ends[0]


def _changed_value(value: AttributeValue, changes: list[Change]) -> AttributeValue:
    if "M" in value:
        return {"M": _changed_entries(value["M"], changes)}
    if "L" in value:
        return {"L": _changed_elements(value["L"], changes)}
    raise _invalid_path()


def _changed_entries(
    entries: Mapping[str, AttributeValue], changes: list[Change]
) -> dict[str, AttributeValue]:
    result = dict(entries)
    for name, group in _grouped(changes).items():
        if not isinstance(name, str):
            raise _invalid_path()
        is_terminal, new_value = _terminal(group)
        if is_terminal:
            if new_value is None:
                result.pop(name, None)
            else:
                result[name] = new_value
            continue
        child = entries.get(name)
        if child is None:
            raise _invalid_path()
        result[name] = _changed_value(child, group)
    return result


def _changed_elements(elements: Sequence[AttributeValue], changes: list[Change]) -> list[AttributeValue]:
    length = len(elements)
    replaced: dict[int, AttributeValue] = {}
    removed: set[int] = set()
    appended: dict[int, AttributeValue] = {}
    for index, group in _grouped(changes).items():
        if not isinstance(index, int):
            raise _invalid_path()
        is_terminal, new_value = _terminal(group)
        if not is_terminal:
            if index >= length:
                raise _invalid_path()
            replaced[index] = _changed_value(elements[index], group)
        elif new_value is None:
            removed.add(index)
        elif index < length:
            replaced[index] = new_value
        else:
            appended[index] = new_value
    result = [replaced.get(index, element) for index, element in enumerate(elements) if index not in removed]
    result.extend(appended[index] for index in sorted(appended))
    return result


def apply_changes(item: Mapping[str, AttributeValue], changes: Iterable[Change]) -> dict[str, AttributeValue]:
    """`item` with every change made at once, all indexes referring to the lists as they were; None
    removes. The paths must not overlap (the parser rejects that). `item` is left untouched and the
    result shares every value the changes do not reach. Raises AWS's invalid-path error."""
    return _changed_entries(item, list(changes))


def _write_back(item: dict[str, AttributeValue], changes: list[Change]) -> None:
    updated = apply_changes(item, changes)
    item.clear()
    item.update(updated)


def set_path(item: dict[str, AttributeValue], path: Path, value: AttributeValue) -> None:
    """Put `value` at `path` in `item` (an index at or past the end appends). Only `item`'s own entries
    are reassigned; nested values are replaced, never modified. Raises AWS's invalid-path error."""
    _write_back(item, [(path, value)])


def remove_path(item: dict[str, AttributeValue], path: Path) -> None:
    """Remove what is at `path` in `item` (nothing when missing); list elements after it shift down.
    Mutates like `set_path`; raises AWS's invalid-path error when the parent is missing or no container."""
    _write_back(item, [(path, None)])


def remove_paths(item: dict[str, AttributeValue], paths: Iterable[Path]) -> None:
    """Remove several paths at once; list indexes refer to the lists before any removal."""
    _write_back(item, [(path, None) for path in paths])


# --- arithmetic --------------------------------------------------------------------------------------------


def _member_key(kind: str, member: str) -> object:
    """What makes two members of a set of `kind` the same member."""
    if kind == "NS":
        return Decimal(member)
    if kind == "BS":
        return binascii.a2b_base64(member)
    return member


def add(existing: AttributeValue | None, operand: AttributeValue) -> AttributeValue:
    """ADD: the sum of two numbers, the union of two sets of one type, or the operand for a missing
    attribute; AWS's incorrect-data-type error otherwise."""
    kind = next(iter(operand))
    if kind != "N" and kind not in _SETS:
        raise _incorrect_type()
    if existing is None:
        return operand
    if kind not in existing:
        raise _incorrect_type()
    if kind == "N":
        return {"N": add_numbers(existing["N"], operand["N"])}
    members: list[str] = existing[kind]
    present = {_member_key(kind, member) for member in members}
    added: list[str] = []
    for member in operand[kind]:
        key = _member_key(kind, member)
        if key not in present:
            present.add(key)
            added.append(member)
    return {kind: [*members, *added]} if added else existing


def delete(existing: AttributeValue | None, operand: AttributeValue) -> AttributeValue | None:
    """DELETE: the set without the operand's members; None (remove the attribute) when missing or
    emptied; AWS's incorrect-data-type error unless both are sets of one type."""
    kind = next(iter(operand))
    if kind not in _SETS:
        raise _incorrect_type()
    if existing is None:
        return None
    if kind not in existing:
        raise _incorrect_type()
    gone = {_member_key(kind, member) for member in operand[kind]}
    members: list[str] = existing[kind]
    kept = [member for member in members if _member_key(kind, member) not in gone]
    if not kept:
        return None
    return {kind: kept} if len(kept) < len(members) else existing


def plus(a: AttributeValue, b: AttributeValue) -> AttributeValue:
    """SET's `a + b`: numbers only; AWS's overflow/underflow errors from the exact sum."""
    if "N" not in a or "N" not in b:
        raise _incorrect_type()
    return {"N": add_numbers(a["N"], b["N"])}


def minus(a: AttributeValue, b: AttributeValue) -> AttributeValue:
    """SET's `a - b`: numbers only; AWS's overflow/underflow errors from the exact difference."""
    if "N" not in a or "N" not in b:
        raise _incorrect_type()
    return {"N": subtract_numbers(a["N"], b["N"])}


def list_append(a: AttributeValue, b: AttributeValue) -> AttributeValue:
    """SET's `list_append(a, b)`: the elements of list `a`, then those of list `b`."""
    if "L" not in a or "L" not in b:
        raise _incorrect_type()
    return {"L": [*a["L"], *b["L"]]}
