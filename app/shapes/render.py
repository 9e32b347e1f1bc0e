"""Request values rendered the way AWS's Java validator prints them in "Value ... at ..." messages.

Strings print bare, lists as `[a, b]`, maps as `{k=v}` in HashMap order, structures as
`KeySchemaElement(attributeName=pk, keyType=HASH)` (all members in model order, absent ones `null`),
blobs as the `ByteBuffer` they become, doubles as Java's `Double.toString`.
"""

from __future__ import annotations

import binascii
import math
import time
from typing import Any

from app.shapes.javaorder import hashmap_order
from app.shapes.model import ServiceModel, Shape, lower_first


def java_double(value: float) -> str:
    """`Double.toString(value)`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    mantissa, exponent = f"{value:.17e}".split("e")
    digits = repr(float(mantissa)).rstrip("0")  # shortest form of the mantissa, as Java prints it
    digits = digits if not digits.endswith(".") else digits + "0"
    return f"{digits}E{int(exponent)}"


def _blob(value: str) -> str:
    try:
        size = len(binascii.a2b_base64(value))
    except binascii.Error:
        size = 0
    return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"


def render(model: ServiceModel, shape: Shape, value: Any) -> str:
    """`String.valueOf(value)` for a value of `shape`, as AWS's Java objects print."""
    if value is None:
        return "null"
    kind = shape.kind
    if kind == "string":
        return str(value)
    if kind in {"integer", "long"}:
        return str(value)
    if kind == "double":
        return java_double(float(value))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return _blob(value)
    if kind == "timestamp":  # a java.util.Date, printed in the servers' zone (UTC)
        return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(value))
    if kind == "list":
        element = model.shapes[shape.element]
        return "[" + ", ".join(render(model, element, item) for item in value) + "]"
    if kind == "map":
        entry = model.shapes[shape.value]
        return (
            "{"
            + ", ".join(f"{key}={render(model, entry, value[key])}" for key in hashmap_order(list(value)))
            + "}"
        )
    by_name = {member.name: member for member in shape.members}
    fields = ", ".join(
        f"{lower_first(name)}={render(model, model.shapes[by_name[name].shape], value.get(name))}"
        for name in shape.model_order
    )
    return f"{shape.name}({fields})"


def quoted(model: ServiceModel, shape: Shape, value: Any) -> str:
    """The value as it appears after "Value ": `null`, or the rendering in single quotes."""
    return "null" if value is None else f"'{render(model, shape, value)}'"
