"""Constraint checks on values and the exact Coral `ValidationException` message for a request.

Two entry points: `predicate` builds a fast yes/no test for one value (used while the request is type
checked), and `violations` walks a whole request the way AWS's validator does and returns its message:

    2 validation errors detected: Value null at 'keySchema' failed to satisfy constraint: Member must
    not be null; Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length
    greater than or equal to 1

Members are visited in AWS's order (model.py), depth first; list elements are `path.N.member` (N from
1), map entries `path.KEY.member`; constraints of one value are reported pattern, length (max, min),
value (max, min), enum; at most 10 errors are reported, as AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.shapes.javaorder import hashmap_order
from app.shapes.model import Constraints, ServiceModel, Shape
from app.shapes.render import java_double, quoted

MAX_REPORTED = 10
NOT_NULL = "Member must not be null"


def java_length(kind: str, value: Any) -> int:
    """What Java's validator measures: UTF-16 units of a string, bytes of a blob, entries otherwise."""
    if kind == "string":
        return len(value) if value.isascii() else len(value.encode("utf-16-le", "surrogatepass")) // 2
    if kind == "blob":
        return len(value) // 4 * 3 - value[-2:].count("=") if value else 0
    return len(value)


def _number(kind: str, bound: int | float) -> str:
    return java_double(float(bound)) if kind == "double" else str(bound)


def _texts(kind: str, constraints: Constraints) -> list[str]:
    """Each constraint's text, in the order AWS lists them inside "Map ... must satisfy constraint"."""
    texts = []
    if constraints.max_length is not None:
        texts.append(f"Member must have length less than or equal to {constraints.max_length}")
    if constraints.min_length is not None:
        texts.append(f"Member must have length greater than or equal to {constraints.min_length}")
    if constraints.max_value is not None:
        texts.append(f"Member must have value less than or equal to {_number(kind, constraints.max_value)}")
    if constraints.min_value is not None:
        texts.append(
            f"Member must have value greater than or equal to {_number(kind, constraints.min_value)}"
        )
    if constraints.pattern is not None:
        texts.append(f"Member must satisfy regular expression pattern: {constraints.pattern}")
    if constraints.enum:
        texts.append(f"Member must satisfy enum value set: [{', '.join(constraints.enum)}]")
    return texts


def failures(shape: Shape, value: Any) -> list[str]:
    """The constraints `value` breaks, as message texts, in AWS's order."""
    constraints, kind = shape.constraints, shape.kind
    broken = []
    if constraints.regex is not None and not constraints.regex.fullmatch(value):
        broken.append(f"Member must satisfy regular expression pattern: {constraints.pattern}")
    if constraints.max_length is not None or constraints.min_length is not None:
        length = java_length(kind, value)
        if constraints.max_length is not None and length > constraints.max_length:
            broken.append(f"Member must have length less than or equal to {constraints.max_length}")
        if constraints.min_length is not None and length < constraints.min_length:
            broken.append(f"Member must have length greater than or equal to {constraints.min_length}")
    if constraints.max_value is not None and value > constraints.max_value:
        broken.append(f"Member must have value less than or equal to {_number(kind, constraints.max_value)}")
    if constraints.min_value is not None and value < constraints.min_value:
        broken.append(
            f"Member must have value greater than or equal to {_number(kind, constraints.min_value)}"
        )
    if constraints.enum and value not in constraints.enum_set:
        broken.append(f"Member must satisfy enum value set: [{', '.join(constraints.enum)}]")
    return broken


def predicate(shape: Shape) -> Callable[[Any], bool] | None:
    """A fast test that a value of `shape` meets its constraints, or None if it has none."""
    constraints, kind = shape.constraints, shape.kind
    if constraints.empty:
        return None
    if kind == "string" and constraints.regex is None and not constraints.enum:
        low = constraints.min_length or 0
        high = constraints.max_length if constraints.max_length is not None else 1 << 62

        def string_length_ok(value: str) -> bool:
            # a str's len() never exceeds its UTF-16 length and is at most half below it
            return (low <= len(value) and len(value) * 2 <= high) or low <= java_length(kind, value) <= high

        return string_length_ok
    if kind == "string" and constraints.enum and constraints.regex is None:
        allowed = constraints.enum_set
        return lambda value: value in allowed
    return lambda value: not failures(shape, value)


def safe_lengths(shape: Shape) -> tuple[int, int] | None:
    """For a string shape bounded only by length: Python `len()`s that surely satisfy it (a quick test
    that skips measuring the UTF-16 length); None for other shapes."""
    constraints = shape.constraints
    if shape.kind != "string" or constraints.regex is not None or constraints.enum:
        return None
    high = constraints.max_length // 2 if constraints.max_length is not None else 1 << 62
    return constraints.min_length or 0, high


class _Collector:
    """Walks a (type-checked) request and gathers up to MAX_REPORTED constraint violations."""

    def __init__(self, model: ServiceModel) -> None:
        self.model = model
        self.errors: list[str] = []

    def add(self, shape: Shape, value: Any, path: str, text: str) -> None:
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(
                f"Value {quoted(self.model, shape, value)} at '{path}' failed to satisfy constraint: {text}"
            )

    def structure(self, shape: Shape, value: dict[str, Any], prefix: str) -> None:
        for member in shape.members:
            item = value.get(member.name)
            path = prefix + member.path_name
            if item is None:
                if member.required and len(self.errors) < MAX_REPORTED:
                    self.errors.append(f"Value null at '{path}' failed to satisfy constraint: {NOT_NULL}")
                continue
            self.value(self.model.shapes[member.shape], item, path)

    def value(self, shape: Shape, value: Any, path: str) -> None:
        for text in failures(shape, value):
            self.add(shape, value, path, text)
        self.children(shape, value, path)

    def children(self, shape: Shape, value: Any, path: str) -> None:
        if shape.kind == "structure":
            self.structure(shape, value, path + ".")
        elif shape.kind == "list":
            element = self.model.shapes[shape.element]
            for index, item in enumerate(value, 1):
                if item is not None:
                    self.value(element, item, f"{path}.{index}.member")
        elif shape.kind == "map":
            self.entries(shape, value, path)

    def entries(self, shape: Shape, value: dict[str, Any], path: str) -> None:
        key_shape, value_shape = self.model.shapes[shape.key], self.model.shapes[shape.value]
        order = hashmap_order(list(value))
        if not key_shape.constraints.empty:
            for key in order:
                if failures(key_shape, key):
                    texts = ", ".join(_texts(key_shape.kind, key_shape.constraints))
                    self.add(shape, value, path, f"Map keys must satisfy constraint: [{texts}]")
        if not value_shape.constraints.empty:
            for key in order:
                if value[key] is not None and failures(value_shape, value[key]):
                    texts = ", ".join(_texts(value_shape.kind, value_shape.constraints))
                    self.add(shape, value, path, f"Map value must satisfy constraint: [{texts}]")
        for key in order:
            if value[key] is not None:
                self.children(value_shape, value[key], f"{path}.{key}.member")


def error_message(errors: list[str]) -> str:
    count = len(errors)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors)


def violations(model: ServiceModel, shape: Shape, body: dict[str, Any]) -> str | None:
    """AWS's ValidationException message for `body` (an input of `shape`), or None if it is valid."""
    collector = _Collector(model)
    collector.structure(shape, body, "")
    return error_message(collector.errors) if collector.errors else None
