"""The JSON type check of a request, with AWS's SerializationException messages, as one fast pass.

For each shape a checker closure is built once. A checker takes a parsed JSON value and a `flags`
list; it returns the value converted to the shape's Python type (mostly the value itself), raises
`SerializationException` for a JSON type the shape cannot take, and appends to `flags` when the value
breaks a model constraint (the exact ValidationException is worked out afterwards, only then).

AWS reads the body front to back and reports the first mismatch, so checkers visit values in document
order. A JSON null is an absent member (it is removed from structures); unknown members are ignored.
Messages, as AWS answers them (TOKEN is the Jackson token name of what was sent: STRING_VALUE,
NUMBER_VALUE, DECIMAL_VALUE, TRUE_VALUE, FALSE_VALUE):

- any shape given an object where it takes none: "Start of structure or map found where not expected";
  given an array where it takes none: (bare);
- string, integer, long, double, timestamp: "TOKEN cannot be converted to String" (Integer, Long,
  Double, Date);
- boolean: "true"/"false" in any case are accepted, other strings "Unexpected token received from
  parser", numbers "TOKEN cannot be converted to Boolean";
- blob: non-strings "only base-64-encoded strings are convertible to bytes", bad base64 as in
  `base64_error`;
- list, map: scalars "Unexpected field type" as a structure member, (bare) inside a list or map;
- structure: scalars "Unexpected field type" as a member, "Unexpected value type in payload" inside
  a list or map.

"(bare)" is a SerializationException without a message: where AWS used to leak Java internals
("Unrecognized collection type ...", a ClassCastException text) it now sends none.
Numbers are converted as Java does: a decimal given for an integer is truncated, then wrapped to the
type's width.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.errors import SerializationException
from app.shapes.constraints import predicate, safe_lengths
from app.shapes.model import ServiceModel, Shape

Flags = list[None]
Checker = Callable[[Any, Flags], Any]

START_OF_STRUCTURE = "Start of structure or map found where not expected"
UNEXPECTED_FIELD = "Unexpected field type"
UNEXPECTED_VALUE = "Unexpected value type in payload"
UNEXPECTED_TOKEN = "Unexpected token received from parser"
NOT_BASE64 = "only base-64-encoded strings are convertible to bytes"

# the Java types AWS names for the number shapes
_JAVA_TYPES = {"integer": "Integer", "long": "Long", "double": "Double", "timestamp": "Date"}
_BASE64_VALUES = {
    char: index
    for index, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


def _token(value: Any) -> str:
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int):
        return "NUMBER_VALUE"
    if isinstance(value, float):
        return "DECIMAL_VALUE"
    return "STRING_VALUE"


def _mismatch(value: Any, java_type: str) -> SerializationException:
    """The error for a scalar shape given `value` of another JSON type."""
    if isinstance(value, dict):
        return SerializationException(START_OF_STRUCTURE)
    if isinstance(value, list):
        return SerializationException()
    return SerializationException(f"{_token(value)} cannot be converted to {java_type}")


def base64_error(text: str) -> str | None:
    """AWS's message for a blob that is not valid base64, or None (checks in AWS's order)."""
    if len(text) % 4:
        return f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(text)}"
    body = text[:-2] + text[-2:].rstrip("=") if text else text
    if len(body) != len(text):
        # the final quantum must leave the unused low bits of its last character zero
        last = _BASE64_VALUES.get(body[-1]) if body else None
        unused = 0b1111 if len(text) - len(body) == 2 else 0b11
        if last is not None and last & unused:
            return "Invalid last non-pad Base64 character dectected"
    for char in body:
        if char not in _BASE64_VALUES:
            return f"Invalid Base64 character: '{char}'"
    return None


def _wrap(bits: int) -> Callable[[int], int]:
    half, full = 1 << (bits - 1), 1 << bits

    def wrap(value: int) -> int:
        return value if -half <= value < half else (value + half) % full - half

    return wrap


class CheckerBuilder:
    """Builds (once) and caches the checker of each shape of one service model."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self._built: dict[tuple[str, bool], Checker] = {}

    def checker(self, shape_name: str, member: bool) -> Checker:
        """The checker for a value of `shape_name` found as a structure member or as an element."""
        key = (shape_name, member)
        if key not in self._built:
            pending: list[Checker] = []

            def recursive(value: Any, flags: Flags) -> Any:  # a shape that contains itself
                return pending[0](value, flags)

            self._built[key] = recursive
            pending.append(self._build(self.model.shapes[shape_name], member))
            self._built[key] = pending[0]
        return self._built[key]

    def _build(self, shape: Shape, member: bool) -> Checker:
        kind = shape.kind
        if kind == "structure":
            return self._structure(shape, member)
        if kind == "list":
            return self._list(shape, member)
        if kind == "map":
            return self._map(shape, member)
        if kind == "string":
            return _string(shape)
        if kind in {"integer", "long"}:
            return _integer(shape, _wrap(32 if kind == "integer" else 64))
        if kind in {"double", "timestamp"}:
            return _decimal(shape)
        if kind == "boolean":
            return _boolean
        return _blob(shape)

    def _structure(self, shape: Shape, member: bool) -> Checker:
        shapes = self.model.shapes
        # unconstrained strings (AttributeValue's S and N, expressions, ...) are checked inline: no call
        plain = frozenset(
            m.name
            for m in shape.members
            if shapes[m.shape].kind == "string" and shapes[m.shape].constraints.empty
        )
        fields = {m.name: self.checker(m.shape, True) for m in shape.members if m.name not in plain}
        required = tuple(m.name for m in shape.members if m.required)
        scalar_error = UNEXPECTED_FIELD if member else UNEXPECTED_VALUE

        def check_structure(value: Any, flags: Flags) -> Any:
            if type(value) is not dict:
                raise (
                    SerializationException()
                    if isinstance(value, list)
                    else SerializationException(scalar_error)
                )
            absent = None
            for name, item in value.items():
                check = fields.get(name)
                if check is None:  # a plain string member, or a member the model does not know
                    if name in plain and type(item) is not str:
                        if item is not None:
                            raise _mismatch(item, "String")
                        absent = [name] if absent is None else [*absent, name]
                    continue
                if item is None:
                    absent = [name] if absent is None else [*absent, name]
                    continue
                converted = check(item, flags)
                if converted is not item:
                    value[name] = converted
            if absent is not None:
                for name in absent:
                    del value[name]
            for name in required:
                if name not in value:
                    flags.append(None)
                    break
            return value

        return check_structure

    def _list(self, shape: Shape, member: bool) -> Checker:
        check_element = self.checker(shape.element, False)
        valid = predicate(shape)

        def check_list(value: Any, flags: Flags) -> Any:
            if type(value) is not list:
                if isinstance(value, dict):
                    raise SerializationException(START_OF_STRUCTURE)
                raise SerializationException(UNEXPECTED_FIELD) if member else SerializationException()
            for index, item in enumerate(value):
                if item is not None:
                    converted = check_element(item, flags)
                    if converted is not item:
                        value[index] = converted
            if valid is not None and not valid(value):
                flags.append(None)
            return value

        return check_list

    def _map(self, shape: Shape, member: bool) -> Checker:
        check_value = self.checker(shape.value, False)
        valid = predicate(shape)
        valid_key = predicate(self.model.shapes[shape.key])
        # keys whose len() lies in this window need no closer look (the common case: any attribute name)
        key_low, key_high = safe_lengths(self.model.shapes[shape.key]) or (1, 0)

        def check_map(value: Any, flags: Flags) -> Any:
            if type(value) is not dict:
                if isinstance(value, list) or not member:
                    raise SerializationException()
                raise SerializationException(UNEXPECTED_FIELD)
            for key, item in value.items():
                if item is not None:
                    converted = check_value(item, flags)
                    if converted is not item:
                        value[key] = converted
                if valid_key is not None and not key_low <= len(key) <= key_high and not valid_key(key):
                    flags.append(None)
            if valid is not None and not valid(value):
                flags.append(None)
            return value

        return check_map


def _string(shape: Shape) -> Checker:
    valid = predicate(shape)

    def check_string(value: Any, flags: Flags) -> Any:
        if type(value) is not str:
            raise _mismatch(value, "String")
        if valid is not None and not valid(value):
            flags.append(None)
        return value

    return check_string


def _integer(shape: Shape, wrap: Callable[[int], int]) -> Checker:
    valid = predicate(shape)
    java_type = _JAVA_TYPES[shape.kind]

    def check_integer(value: Any, flags: Flags) -> Any:
        kind = type(value)
        if kind is int:
            value = wrap(value)
        elif kind is float:
            value = wrap(int(value))
        else:
            raise _mismatch(value, java_type)
        if valid is not None and not valid(value):
            flags.append(None)
        return value

    return check_integer


def _decimal(shape: Shape) -> Checker:
    valid = predicate(shape)
    java_type = _JAVA_TYPES[shape.kind]

    def check_decimal(value: Any, flags: Flags) -> Any:
        if type(value) is int:
            value = float(value)
        elif type(value) is not float:
            raise _mismatch(value, java_type)
        if valid is not None and not valid(value):
            flags.append(None)
        return value

    return check_decimal


def _boolean(value: Any, flags: Flags) -> Any:
    if value is True or value is False:
        return value
    if type(value) is str:
        word = value.lower()
        if word == "true":
            return True
        if word == "false":
            return False
        raise SerializationException(UNEXPECTED_TOKEN)
    raise _mismatch(value, "Boolean")


def _blob(shape: Shape) -> Checker:
    valid = predicate(shape)

    def check_blob(value: Any, flags: Flags) -> Any:
        if type(value) is not str:
            if isinstance(value, dict):
                raise SerializationException(START_OF_STRUCTURE)
            raise SerializationException() if isinstance(value, list) else SerializationException(NOT_BASE64)
        error = base64_error(value)
        if error is not None:
            raise SerializationException(error)
        if valid is not None and not valid(value):
            flags.append(None)
        return value

    return check_blob
