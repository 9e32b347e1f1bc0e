"""PartiQL values -> DynamoDB AttributeValues: literals, `?` parameters, lists, structs and bags.

- strings are S, numbers N (canonical, DynamoDB's range and precision), TRUE/FALSE BOOL, NULL NULL;
- `[…]` is L, `{'k': v}` M (keys must be string literals, each once), `<<…>>` SS or NS (not empty, all
  strings or all numbers, no duplicates);
- a `?` is its entry of Parameters (checked as any attribute value, before the statement runs), but only
  as a value of its own: not inside a list, map or set;
- MISSING, paths, operators and calls are not values.

AWS locates a bad value by a "key path": "root" for a value written directly in the item (or in the
expression), and below a collection at path P, "P.<key>" or "P.<index>"; and by the position of the token
(`at line:column:length`). Its messages are reproduced word for word (observed on the reference).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import ValidationException
from app.partiql import ast
from app.partiql.ast import LiteralKind
from app.partiql.lexer import Position
from app.values.attributes import AttributeValue, validate_value
from app.values.numbers import TOO_PRECISE, canonical_number

ROOT = "root"
PRECISION = "DynamoDB only supports precision up to 38 digits"
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
DUPLICATES = "Input collection contains duplicates"
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
NOT_A_STRUCT = (
    "Unsupported format in item expression. Please use struct format {...} to express item values for insert "
    "statement."
)
# PartiQL's names of what a struct key was written as, for "Tuple keys must be of type String".
_KEY_TYPES = {LiteralKind.NUMBER: "INT", LiteralKind.BOOLEAN: "BOOL", LiteralKind.NULL: "NULL"}


def _at(message: str, position: Position) -> ValidationException:
    return ValidationException(f"{message} {position.render()}")


def check_parameters(count: int, parameters: Sequence[object] | None) -> tuple[AttributeValue, ...]:
    """The request's Parameters, checked (after the statement parsed): at least as many as the statement's
    `?` (extra ones are ignored, but still checked), each a valid attribute value."""
    given = parameters or ()
    if count > len(given):
        raise ValidationException(PARAMETER_COUNT)
    return tuple(validate_value(value) for value in given)


def number(text: str) -> AttributeValue:
    """A number literal as an N value (AWS words the precision error its own way here)."""
    try:
        return {"N": canonical_number(text)}
    except ValidationException as failure:
        if failure.message.startswith(TOO_PRECISE):
            raise ValidationException(PRECISION) from None
        raise


def _describe(expression: ast.Expr, nested: bool) -> str:
    """How AWS names an expression that is not a value."""
    if isinstance(expression, ast.Literal):
        return "LiteralMissing" if nested else "MISSING"
    if isinstance(expression, ast.Path):
        return expression.root
    if isinstance(expression, ast.Binary | ast.Unary):
        return expression.operator
    if isinstance(expression, ast.Call):
        return expression.name
    if isinstance(expression, ast.Parameter):
        return "Parameter"
    return type(expression).__name__


class ValueBuilder:
    """Turns value expressions into attribute values, with the request's parameters; without them
    (`static`), a `?` stands for a NULL, which is how a statement is checked before its parameters are."""

    def __init__(self, parameters: Sequence[AttributeValue] | None) -> None:
        self.parameters = parameters

    @classmethod
    def static(cls) -> ValueBuilder:
        return cls(None)

    def value(self, expression: ast.Expr, path: str = ROOT, nested: bool = False) -> AttributeValue:
        """The attribute value `expression` denotes (at key path `path`)."""
        if isinstance(expression, ast.Literal):
            kind = expression.kind
            if kind is LiteralKind.STRING:
                return {"S": expression.text}
            if kind is LiteralKind.NUMBER:
                return number(expression.text)
            if kind is LiteralKind.BOOLEAN:
                return {"BOOL": expression.text == "true"}
            if kind is LiteralKind.NULL:
                return {"NULL": True}
        elif isinstance(expression, ast.Parameter) and not nested:
            if self.parameters is None:
                return {"NULL": True}
            return self.parameters[expression.index]
        elif isinstance(expression, ast.ListExpr):
            return {
                "L": [
                    self.value(item, f"{path}.{index}", True) for index, item in enumerate(expression.items)
                ]
            }
        elif isinstance(expression, ast.StructExpr):
            return {"M": self.struct(expression, path, top=False)}
        elif isinstance(expression, ast.BagExpr):
            return self.bag(expression, path)
        description = _describe(expression, nested)
        raise _at(f"Unsupported data type: {description} under key {path}", expression.position)

    def struct(self, struct: ast.StructExpr, path: str, *, top: bool) -> dict[str, AttributeValue]:
        """A struct's entries. Its values are at `path` + ".key", or at "root" for an item's attributes."""
        out: dict[str, AttributeValue] = {}
        for key, value in struct.entries:
            if not isinstance(key, ast.Literal) or key.kind is not LiteralKind.STRING:
                actual = (
                    _KEY_TYPES.get(key.kind, "STRING")
                    if isinstance(key, ast.Literal)
                    else "VariableReference"
                )
                if isinstance(key, ast.Parameter):
                    actual = "Parameter"
                raise _at(
                    f"Tuple keys must be of type String. Actual type: {actual} under {path}", key.position
                )
            name = key.text
            if name in out:
                where = key.position if top else struct.position
                raise _at(f"Duplicate keys in tuple. Key: {name} under {path}", where)
            out[name] = self.value(value, path if top else f"{path}.{name}", not top)
        return out

    def bag(self, bag: ast.BagExpr, path: str) -> AttributeValue:
        if not bag.items:
            raise _at("Empty bags are not supported", bag.position)
        kinds: set[LiteralKind] = set()
        members: list[str] = []
        for index, item in enumerate(bag.items):
            if isinstance(item, ast.Parameter) and index > 0:
                raise _at(f"Unsupported data type: Parameter under key {path}", item.position)
            if not isinstance(item, ast.Literal) or item.kind not in (LiteralKind.STRING, LiteralKind.NUMBER):
                raise _at(BAG_TYPES, item.position)
            kinds.add(item.kind)
            members.append(item.text if item.kind is LiteralKind.STRING else number(item.text)["N"])
        if len(kinds) > 1:
            raise ValidationException(BAG_TYPES)
        if len(set(members)) < len(members):
            raise ValidationException(DUPLICATES)
        kind = "SS" if kinds == {LiteralKind.STRING} else "NS"
        return validate_value({kind: members})

    def item(self, expression: ast.Expr) -> dict[str, AttributeValue]:
        """INSERT's VALUE: a struct, whose entries are the item's attributes."""
        if not isinstance(expression, ast.StructExpr):
            raise _at(NOT_A_STRUCT, expression.position)
        return self.struct(expression, ROOT, top=True)
