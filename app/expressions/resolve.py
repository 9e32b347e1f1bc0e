"""ExpressionAttributeNames / ExpressionAttributeValues: their validation, the lookups the resolve phase
of every expression makes, and the check that each placeholder was used by some expression.

The order of checks, as the reference applies it (every message word for word) unless noted:
1. `for_request`: a map (even an empty one, on AWS) without any expression that could use it (`… can
   only be specified when using expressions`);
   (the handler checks the request's own values — Item or Key —, ReturnValues and the item size here:
   they come before the maps' contents)
2. `check_contents`, which every compile function calls first (and only the first does anything):
   ExpressionAttributeNames: empty map; then every key, in request order (length, then syntax); then
   every value, in request order (empty, then size);
   then ExpressionAttributeValues: empty map; then every key, in request order; then every value, in
   request order, as any attribute value (`ExpressionAttributeValues contains invalid value: <why> for
   key :v`), all before any expression is parsed. Whatever the operation, AWS words <why> as its
   legacy validation layer does (`Input collection [a, a] contains duplicates.`, no quotes; dynalite's
   recorded suite), so the values are checked in `Dialect.LEGACY`;
3. each expression of the request in turn, looking placeholders up here (undefined ones fail there);
4. `check_all_used`: unused names, then unused values.

The unused keys are listed in the order DynamoDB's Java implementation iterates them: a `HashSet` copied
from all keys of the map (so sized for the whole map), by hash bucket, then request order within a
bucket. Matched against the reference on hundreds of random key sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.errors import ValidationException
from app.expressions.kinds import ExpressionKind, invalid
from app.values.attributes import AttributeValue, validate_value
from app.values.dialect import Dialect
from app.values.size import value_size

MAX_KEY_LENGTH = 255
MAX_NAME_BYTES = 65535

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


class ExpressionMaps:
    """The placeholder maps of one request, and which of their keys the request's expressions used."""

    def __init__(
        self,
        names: Mapping[str, str],
        values: Mapping[str, Any],
        checked_values: Mapping[str, AttributeValue] | None = None,
    ) -> None:
        self._names = names
        self._values = values
        # The values as validated (canonical numbers); `values` keeps them as sent, for messages.
        self._checked = checked_values if checked_values is not None else values
        # What `check_contents` still has to validate: the maps as sent.
        self._unchecked: tuple[Mapping[str, str] | None, Mapping[str, Any] | None] | None = None
        self._used_names: set[str] = set()
        self._used_values: set[str] = set()
        self._value_sizes: dict[str, int] = {}

    @classmethod
    def for_request(
        cls,
        params: Mapping[str, Any],
        *,
        expression_fields: Sequence[str],
        value_fields: Sequence[str] = (),
    ) -> ExpressionMaps:
        """The maps of `params` (a request, or the part of one holding the expressions), after the checks
        that they may be there at all; their contents are checked by `check_contents`.

        `expression_fields` are the expression parameters that may use names; `value_fields` those that
        may use values, in the order AWS lists them when none is given (e.g. Query: FilterExpression,
        KeyConditionExpression). With no `value_fields`, the operation has no ExpressionAttributeValues.
        """
        names: Mapping[str, str] | None = params.get("ExpressionAttributeNames")
        values: Mapping[str, Any] | None = params.get("ExpressionAttributeValues") if value_fields else None
        has_expression = any(params.get(field) is not None for field in expression_fields)
        # A map counts as specified even when empty, and an expression as given even when "" (AWS, as
        # dynalite's suite recorded it; DynamoDB Local ignores empty maps and "" expressions here).
        if names is not None and not has_expression:
            raise ValidationException("ExpressionAttributeNames can only be specified when using expressions")
        if values is not None and all(params.get(field) is None for field in value_fields):
            verb = "is" if len(value_fields) == 1 else "are"
            raise ValidationException(
                "ExpressionAttributeValues can only be specified when using expressions: "
                f"{' and '.join(value_fields)} {verb} null"
            )
        if not has_expression:
            return cls({}, {})
        maps = cls(names or {}, values or {}, {})
        maps._unchecked = (names, values)
        return maps

    def check_contents(self) -> None:
        """Validate the names and values the request sent (see the module docstring); only the first
        call does anything. Every compile function calls it before it parses."""
        if self._unchecked is None:
            return
        names, values = self._unchecked
        self._unchecked = None
        if names is not None:
            _check_names(names)
        if values is not None:
            _check_value_keys(values)
            checked: dict[str, AttributeValue] = {}
            for key, value in values.items():
                try:
                    checked[key] = validate_value(value, Dialect.LEGACY)
                except ValidationException as error:
                    raise ValidationException(
                        f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
                    ) from None
            self._checked = checked

    def name(self, key: str, kind: ExpressionKind) -> str:
        """The attribute name `#key` stands for in an expression of `kind`; marks it used."""
        self.check_contents()
        name = self._names.get(key)
        if name is None:
            raise invalid(
                kind,
                "An expression attribute name used in the document path is not defined; "
                f"attribute name: {key}",
            )
        self._used_names.add(key)
        return name

    def value(self, key: str, kind: ExpressionKind) -> AttributeValue:
        """The (validated) attribute value `:key` stands for in an expression of `kind`; marks it used."""
        self.check_contents()
        value = self._checked.get(key)
        if value is None:
            raise invalid(
                kind,
                f"An expression attribute value used in expression is not defined; attribute value: {key}",
            )
        self._used_values.add(key)
        return value

    def value_size(self, key: str) -> int:
        """The DynamoDB size of a defined value (computed once per request)."""
        size = self._value_sizes.get(key)
        if size is None:
            size = self._value_sizes[key] = value_size(self._checked[key])
        return size

    def sent_value(self, key: str) -> AttributeValue:
        """`:key`'s value exactly as the request sent it (DynamoDB quotes numbers as written)."""
        value: AttributeValue = self._values[key]
        return value

    def check_all_used(self) -> None:
        """After every expression of the request is resolved: each placeholder must have been used."""
        self.check_contents()
        for label, keys, used in (
            ("ExpressionAttributeNames", self._names, self._used_names),
            ("ExpressionAttributeValues", self._values, self._used_values),
        ):
            if len(used) < len(keys):
                unused = [key for key in java_hash_set_order(keys) if key not in used]
                raise ValidationException(
                    f"Value provided in {label} unused in expressions: keys: {{{', '.join(unused)}}}"
                )


def _check_names(names: Mapping[str, str]) -> None:
    if not names:
        raise ValidationException("ExpressionAttributeNames must not be empty")
    for key in names:
        _check_key("ExpressionAttributeNames", key, _NAME_KEY, with_size=True)
    for key, name in names.items():
        if not name:
            raise ValidationException(
                f"ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}"
            )
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise ValidationException(
                "ExpressionAttributeNames contains invalid value: "
                f"Attribute name is too large, must be less than 65536 bytes for key {key}"
            )


def _check_value_keys(values: Mapping[str, Any]) -> None:
    if not values:
        raise ValidationException("ExpressionAttributeValues must not be empty")
    for key in values:
        # The reference leaves the size out of this message for values (but not for names).
        _check_key("ExpressionAttributeValues", key, _VALUE_KEY, with_size=False)


def _check_key(label: str, key: str, syntax: re.Pattern[str], *, with_size: bool) -> None:
    length = _utf16_length(key)
    if length > MAX_KEY_LENGTH:
        size = f" size of key: {length}" if with_size else ""
        raise ValidationException(
            f"{label} contains invalid key: "
            f"The expression attribute map contains a key that is too long;{size}"
        )
    if not syntax.fullmatch(key):
        raise ValidationException(f'{label} contains invalid key: Syntax error; key: "{key}"')


def _utf16_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def java_hash_set_order(keys: Iterable[str]) -> list[str]:
    """`keys` in the iteration order of a Java `new HashSet<>(keys)` built from them in this order."""
    ordered = list(keys)
    capacity = 1
    # HashSet(Collection): HashMap(max((int) (n / .75f) + 1, 16)), rounded up to a power of two.
    wanted = max(len(ordered) * 4 // 3 + 1, 16)
    while capacity < wanted:
        capacity *= 2
    position = {key: i for i, key in enumerate(ordered)}
    return sorted(ordered, key=lambda key: (_java_bucket(key, capacity), position[key]))


def _java_bucket(key: str, capacity: int) -> int:
    h = java_string_hash(key)
    return (h ^ (h >> 16)) & (capacity - 1)  # HashMap.hash() spreads the high bits down


def java_string_hash(text: str) -> int:
    """Java's `String.hashCode()` (over UTF-16 code units), as an unsigned 32-bit int."""
    units = text.encode("utf-16-be")
    h = 0
    for i in range(0, len(units), 2):
        h = (31 * h + (units[i] << 8 | units[i + 1])) & 0xFFFFFFFF
    return h
