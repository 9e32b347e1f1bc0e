"""ExpressionAttributeNames / ExpressionAttributeValues: their validation, the lookups the resolve phase
of every expression makes, and the check that each placeholder was used by some expression.

The order of checks, as the reference applies it (every message word for word):
1. a non-empty map without any expression that could use it (`… can only be specified when using
   expressions`); an empty map without expressions is ignored;
2. ExpressionAttributeNames: empty map; then every key, in request order (length, then syntax); then
   every value, in request order (empty, then size);
3. ExpressionAttributeValues: empty map; then every key, in request order. (The attribute values
   themselves are validated by the caller after this, before any expression is compiled.)
4. each expression of the request in turn, looking placeholders up here (undefined ones fail there);
5. `check_all_used`: unused names, then unused values.

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

MAX_KEY_LENGTH = 255
MAX_NAME_BYTES = 65535

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


class ExpressionMaps:
    """The placeholder maps of one request, and which of their keys the request's expressions used."""

    def __init__(self, names: Mapping[str, str], values: Mapping[str, Any]) -> None:
        self._names = names
        self._values = values
        self._used_names: set[str] = set()
        self._used_values: set[str] = set()

    @classmethod
    def for_request(
        cls,
        params: Mapping[str, Any],
        *,
        expression_fields: Sequence[str],
        value_fields: Sequence[str] = (),
    ) -> ExpressionMaps:
        """Validate the maps of `params` (a request, or the part of one holding the expressions).

        `expression_fields` are the expression parameters that may use names; `value_fields` those that
        may use values, in the order AWS lists them when none is given (e.g. Query: FilterExpression,
        KeyConditionExpression). With no `value_fields`, the operation has no ExpressionAttributeValues.
        """
        names: Mapping[str, str] | None = params.get("ExpressionAttributeNames")
        values: Mapping[str, Any] | None = params.get("ExpressionAttributeValues") if value_fields else None
        has_expression = any(params.get(field) is not None for field in expression_fields)
        if names and not has_expression:
            raise ValidationException("ExpressionAttributeNames can only be specified when using expressions")
        # An empty string counts as absent here (but as an empty expression everywhere else).
        if values and not any(params.get(field) for field in value_fields):
            verb = "is" if len(value_fields) == 1 else "are"
            raise ValidationException(
                "ExpressionAttributeValues can only be specified when using expressions: "
                f"{' and '.join(value_fields)} {verb} null"
            )
        if not has_expression:
            return cls({}, {})
        if names is not None:
            _check_names(names)
        if values is not None:
            _check_value_keys(values)
        return cls(names or {}, values or {})

    def name(self, key: str, kind: ExpressionKind) -> str:
        """The attribute name `#key` stands for in an expression of `kind`; marks it used."""
        name = self._names.get(key)
        if name is None:
            raise invalid(
                kind,
                "An expression attribute name used in the document path is not defined; "
                f"attribute name: {key}",
            )
        self._used_names.add(key)
        return name

    def value(self, key: str, kind: ExpressionKind) -> Any:
        """The attribute value `:key` stands for in an expression of `kind`; marks it used."""
        value = self._values.get(key)
        if value is None:
            raise invalid(
                kind,
                f"An expression attribute value used in expression is not defined; attribute value: {key}",
            )
        self._used_values.add(key)
        return value

    def check_all_used(self) -> None:
        """After every expression of the request is resolved: each placeholder must have been used."""
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
