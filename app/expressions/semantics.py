"""The resolve phase of conditions and SET values: placeholders substituted and every operator checked,
in one walk that turns a syntax tree into the resolved nodes of `operands` and `conditions`.

DynamoDB checks an expression bottom-up, operands left to right (observed on the reference, whose
validator is DynamoDB's): a path is resolved when it is reached (nesting depth, then its `#names`), a
`:value` when it is reached, and each operator once its operands are done, in this order:
1. the number of operands (`Incorrect number of operands for operator or function; operator or
   function: f, number of operands: n`);
2. each operand's type, as far as it is known before evaluation: a value's type, N for size and `+`/`-`,
   L for list_append, any for a path (`Incorrect operand type for operator or function; operator or
   function: f, operand type: T`);
3. for comparisons, BETWEEN, IN and the functions except list_append: a first operand that is a path
   must differ from every later path operand (`The first operand must be distinct from the remaining
   operands for this operator or function; operator: f, first operand: [a, b]`);
4. the operator's own rule: BETWEEN's bounds (same type, low <= high) when both are values, IN's 100
   operands, attribute_exists/attribute_not_exists/if_not_exists needing a path, attribute_type's type
   name;
5. the count of operators, at most 300 per expression (`The expression contains too many operators;
   operator count: 301`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ValidationException
from app.expressions import ast, conditions, operands
from app.expressions.ast import AttributePath
from app.expressions.cache import cached_condition
from app.expressions.conditions import Condition, Predicate
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.operands import ValueExpr
from app.expressions.parser import expression_size
from app.expressions.paths import resolve_path
from app.expressions.resolve import ExpressionMaps
from app.values import compare
from app.values.attributes import AttributeValue

MAX_OPERATORS = 300
MAX_IN_OPERANDS = 100
# The combined size of an expression and every placeholder substitution in it (each use counts).
MAX_RESOLVED_SIZE = 1024 * 1024

TYPE_NAMES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
ORDERED_TYPES = frozenset({"S", "N", "B"})
STRING_BINARY_TYPES = frozenset({"S", "B"})
SIZED_TYPES = frozenset({"S", "B", "SS", "NS", "BS", "L", "M"})
NUMBER = frozenset({"N"})
LIST = frozenset({"L"})
# How DynamoDB lists the valid attribute_type names (a Java HashSet of the type names, in its order).
VALID_TYPE_NAMES_TEXT = "{N,BS,L,B,NULL,M,S,SS,NS,BOOL}"
# "Any type" as AWS printed it for a path operand of attribute_type (recorded on AWS; the order comes
# from a hash set of enum constants and differs between DynamoDB processes).
ANY_TYPE_TEXT = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"


@dataclass(frozen=True, slots=True)
class Typed:
    """A resolved operand and what the checks know of it: its possible types (None: any), and the path
    or value placeholder it is, if it is one."""

    expr: ValueExpr
    types: frozenset[str] | None = None
    path: AttributePath | None = None
    value_key: str | None = None


def size_bound(value: AttributeValue) -> int:
    """An upper bound of a value's DynamoDB size that is cheap to compute (numbers are not read: no
    number takes more than 22 bytes; a character takes at most 4)."""
    kind, content = next(iter(value.items()))
    if kind == "N":
        return 22
    if kind in ("S", "B"):
        return 4 * len(content)
    if kind in ("SS", "BS"):
        return sum(4 * len(member) for member in content)
    if kind == "NS":
        return 22 * len(content)
    if kind == "L":
        return 3 + sum(1 + size_bound(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + 4 * len(name) + size_bound(element) for name, element in content.items())
    return 1  # BOOL, NULL


def _type_text(types: frozenset[str] | None) -> str:
    return ANY_TYPE_TEXT if types is None else ",".join(sorted(types))


class Resolver:
    """The resolve phase of one expression: its maps, its operator count, what it read."""

    def __init__(self, kind: ExpressionKind, maps: ExpressionMaps) -> None:
        self.kind = kind
        self.maps = maps
        self.operators = 0
        self.nested_attributes: set[str] = set()
        self.names_size = 0
        self.value_uses: dict[str, int] = {}

    # --- leaves ------------------------------------------------------------------------------------------

    def path(self, path: ast.DocumentPath) -> AttributePath:
        resolved = resolve_path(path, self.maps, self.kind)
        for element, name in zip(path.elements, resolved.elements, strict=True):
            if isinstance(element, ast.NamePlaceholder):
                self.names_size += len(str(name).encode())
        if len(resolved.elements) > 1:
            self.nested_attributes.add(str(resolved.elements[0]))
        return resolved

    def value(self, placeholder: ast.ValuePlaceholder) -> AttributeValue:
        value = self.maps.value(placeholder.key, self.kind)
        self.value_uses[placeholder.key] = self.value_uses.get(placeholder.key, 0) + 1
        return value

    def operand(self, node: ast.Operand) -> Typed:
        if isinstance(node, ast.DocumentPath):
            path = self.path(node)
            return Typed(operands.PathValue(path.elements), path=path)
        if isinstance(node, ast.ValuePlaceholder):
            value = self.value(node)
            return Typed(operands.Literal(value), frozenset({compare.type_name(value)}), value_key=node.key)
        if isinstance(node, ast.FunctionCall):
            return self.value_function(node)
        left, right = self.operand(node.left), self.operand(node.right)
        self.check(node.operator, [left, right], count_ok=True, allowed=NUMBER, distinct=False)
        self.count_operator()
        return Typed(operands.Arithmetic(node.operator, left.expr, right.expr), NUMBER)

    # --- operators ---------------------------------------------------------------------------------------

    def check(
        self, name: str, items: list[Typed], *, count_ok: bool, allowed: frozenset[str] | None, distinct: bool
    ) -> None:
        """Steps 1 to 3 of an operator's checks."""
        if not count_ok:
            raise invalid(
                self.kind,
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(items)}",
            )
        if allowed is not None:
            for item in items:
                if item.types is not None and not item.types & allowed:
                    raise self.operand_type_error(name, item.types)
        first = items[0].path
        if distinct and first is not None:
            for later in items[1:]:
                if later.path == first:
                    raise invalid(
                        self.kind,
                        "The first operand must be distinct from the remaining operands for this operator "
                        f"or function; operator: {name}, first operand: {first.render()}",
                    )

    def operand_type_error(self, name: str, types: frozenset[str] | None) -> ValidationException:
        return invalid(
            self.kind,
            "Incorrect operand type for operator or function; "
            f"operator or function: {name}, operand type: {_type_text(types)}",
        )

    def count_operator(self) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise invalid(
                self.kind, f"The expression contains too many operators; operator count: {self.operators}"
            )

    def require_path(self, name: str, item: Typed) -> AttributePath:
        if item.path is None:
            raise invalid(
                self.kind, f"Operator or function requires a document path; operator or function: {name}"
            )
        return item.path

    # --- functions ---------------------------------------------------------------------------------------

    def arguments(self, call: ast.FunctionCall) -> list[Typed]:
        return [self.operand(argument) for argument in call.arguments]

    def value_function(self, call: ast.FunctionCall) -> Typed:
        """size, if_not_exists or list_append (the text checks allow no other function here)."""
        items = self.arguments(call)
        count = len(items)
        if call.name == "size":
            self.check("size", items, count_ok=count == 1, allowed=SIZED_TYPES, distinct=True)
            self.count_operator()
            return Typed(operands.Size(items[0].expr), NUMBER)
        if call.name == "list_append":
            self.check("list_append", items, count_ok=count == 2, allowed=LIST, distinct=False)
            self.count_operator()
            return Typed(operands.ListAppend(items[0].expr, items[1].expr), LIST)
        assert call.name == "if_not_exists"
        self.check("if_not_exists", items, count_ok=count == 2, allowed=None, distinct=True)
        path = self.require_path("if_not_exists", items[0])
        self.count_operator()
        return Typed(operands.IfNotExists(operands.PathValue(path.elements), items[1].expr))

    def condition_function(self, call: ast.FunctionCall) -> Predicate:
        """attribute_exists, attribute_not_exists, attribute_type, begins_with or contains."""
        items = self.arguments(call)
        name = call.name
        count_ok = len(items) == (1 if name in ("attribute_exists", "attribute_not_exists") else 2)
        allowed = STRING_BINARY_TYPES if name == "begins_with" else None
        self.check(name, items, count_ok=count_ok, allowed=allowed, distinct=True)
        predicate: Predicate
        if name == "attribute_exists":
            predicate = self.exists(items, negated=False)
        elif name == "attribute_not_exists":
            predicate = self.exists(items, negated=True)
        elif name == "attribute_type":
            predicate = self.attribute_type(items)
        elif name == "begins_with":
            predicate = conditions.BeginsWith(items[0].expr, items[1].expr)
        else:
            assert name == "contains"
            predicate = conditions.Contains(items[0].expr, items[1].expr)
        self.count_operator()
        return predicate

    def exists(self, items: list[Typed], *, negated: bool) -> Predicate:
        name = "attribute_not_exists" if negated else "attribute_exists"
        path = operands.PathValue(self.require_path(name, items[0]).elements)
        return conditions.AttributeNotExists(path) if negated else conditions.AttributeExists(path)

    def attribute_type(self, items: list[Typed]) -> Predicate:
        type_operand = items[1]
        if type_operand.value_key is None or type_operand.types != frozenset({"S"}):
            raise self.operand_type_error("attribute_type", type_operand.types)
        assert isinstance(type_operand.expr, operands.Literal)
        type_name: str = type_operand.expr.value["S"]
        if type_name not in TYPE_NAMES:
            raise invalid(
                self.kind,
                f"Invalid attribute type name found; type: {type_name}, valid types: {VALID_TYPE_NAMES_TEXT}",
            )
        return conditions.AttributeType(items[0].expr, type_name)

    # --- conditions --------------------------------------------------------------------------------------

    def predicate(self, node: ast.ConditionNode) -> Predicate:
        if isinstance(node, ast.And | ast.Or):
            left, right = self.predicate(node.left), self.predicate(node.right)
            self.count_operator()
            return conditions.And(left, right) if isinstance(node, ast.And) else conditions.Or(left, right)
        if isinstance(node, ast.Not):
            operand = self.predicate(node.operand)
            self.count_operator()
            return conditions.Not(operand)
        if isinstance(node, ast.FunctionCall):
            return self.condition_function(node)
        if isinstance(node, ast.Comparison):
            items = [self.operand(node.left), self.operand(node.right)]
            allowed = None if node.operator in ("=", "<>") else ORDERED_TYPES
            self.check(node.operator, items, count_ok=True, allowed=allowed, distinct=True)
            self.count_operator()
            return conditions.Comparison(node.operator, items[0].expr, items[1].expr)
        if isinstance(node, ast.Between):
            items = [self.operand(node.operand), self.operand(node.low), self.operand(node.high)]
            self.check("BETWEEN", items, count_ok=True, allowed=ORDERED_TYPES, distinct=True)
            self.check_bounds(items[1], items[2])
            self.count_operator()
            return conditions.Between(items[0].expr, items[1].expr, items[2].expr)
        items = [self.operand(node.operand), *(self.operand(candidate) for candidate in node.candidates)]
        self.check("IN", items, count_ok=True, allowed=None, distinct=True)
        if len(node.candidates) > MAX_IN_OPERANDS:
            raise invalid(
                self.kind,
                "The IN operator is provided with too many operands; "
                f"number of operands: {len(node.candidates)}",
            )
        self.count_operator()
        return conditions.In(items[0].expr, tuple(item.expr for item in items[1:]))

    def check_bounds(self, low: Typed, high: Typed) -> None:
        """BETWEEN's bounds, when both are values: one type, and low <= high."""
        if low.value_key is None or high.value_key is None:
            return
        assert isinstance(low.expr, operands.Literal) and isinstance(high.expr, operands.Literal)
        shown = (
            f"lower bound operand: {compare.render(self.maps.sent_value(low.value_key))}, "
            f"upper bound operand: {compare.render(self.maps.sent_value(high.value_key))}"
        )
        if low.types != high.types:
            raise invalid(
                self.kind, f"The BETWEEN operator requires same data type for lower and upper bounds; {shown}"
            )
        order = compare.order(low.expr.value, high.expr.value)
        if order is not None and order > 0:
            raise invalid(
                self.kind,
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                + shown,
            )

    # --- the whole expression ----------------------------------------------------------------------------

    def check_resolved_size(self, text_size: int) -> None:
        """The expression with its substitutions may not exceed 1 MB (checked once it is resolved)."""
        base = text_size + self.names_size
        uses = self.value_uses.items()
        if base + sum(count * size_bound(self.maps.value(key, self.kind)) for key, count in uses) <= (
            MAX_RESOLVED_SIZE
        ):
            return  # far from the limit: no need for the exact sizes
        if base + sum(count * self.maps.value_size(key) for key, count in uses) > MAX_RESOLVED_SIZE:
            raise invalid(self.kind, "Expression size has exceeded the maximum allowed size;")


def compile_condition(kind: ExpressionKind, expression: str | None, maps: ExpressionMaps) -> Condition | None:
    """The condition of a ConditionExpression or FilterExpression parameter (None when absent), resolved
    against `maps`; raises AWS's ValidationException for its text, placeholders and operators."""
    if expression is None:
        return None
    maps.check_contents()
    tree = cached_condition(kind, expression)
    resolver = Resolver(kind, maps)
    predicate = resolver.predicate(tree.root)
    resolver.check_resolved_size(expression_size(expression))
    return Condition(predicate, frozenset(resolver.nested_attributes))
