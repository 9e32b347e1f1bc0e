"""A WHERE clause -> the same `Condition` a FilterExpression or ConditionExpression compiles to.

The PartiQL tree is translated into the expression language's tree (app/expressions/ast.py): paths become
document paths, every value (literal, `?`, list, map, set) a value placeholder whose value is held in an
`ExpressionMaps` of the statement's own, and the operators map one to one:

    a AND b, a OR b, NOT a          AND, OR, NOT
    x = y, <>/!=, <, <=, >, >=      comparisons
    x [NOT] BETWEEN l AND h         BETWEEN (under NOT)
    x [NOT] IN [v, …] / (v, …)      IN (under NOT)
    x IS [NOT] MISSING              attribute_not_exists(x) (attribute_exists(x))
    x IS [NOT] NULL / BOOLEAN / …   attribute_type(x, NULL / BOOL / …) (under NOT)
    begins_with, contains, attribute_exists, attribute_not_exists, attribute_type, size

Then the expression language's resolve phase checks and compiles it (operand counts and types, distinct
operands, BETWEEN bounds, IN's size), so a WHERE clause is evaluated with exactly the semantics of a
filter. AWS reports those problems without the `Invalid FilterExpression: ` prefix; the other messages
here are PartiQL's own (observed on the reference).
"""

from __future__ import annotations

from app.errors import ValidationException
from app.expressions import ast as ex
from app.expressions.checks import CONDITION_FUNCTIONS, VALUE_FUNCTIONS
from app.expressions.conditions import Condition
from app.expressions.kinds import ExpressionKind
from app.expressions.resolve import ExpressionMaps
from app.expressions.semantics import Resolver
from app.partiql import ast
from app.partiql.ast import LiteralKind
from app.partiql.values import ValueBuilder
from app.values.attributes import AttributeValue

COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">="})
NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"
MISSING_COMPARED = "MISSING must be compared using IS operator"
IN_OPERANDS = (
    "IN operator must have a left hand argument of type Variable Reference and right hand argument of type "
    "Seq with at least one member"
)
NOT_ARGUMENT = "The argument to NOT must be a Type or Expression"
AND_OR_ARGUMENTS = "The arguments to AND/OR must be Expressions"
# IS types -> DynamoDB's attribute_type names.
IS_TYPE_NAMES = {
    "NULL": "NULL",
    "BOOLEAN": "BOOL",
    "BLOB": "B",
    "STRING": "S",
    "NUMERIC": "N",
    "STRUCT": "M",
    "TUPLE": "M",
    "LIST": "L",
}
_BOOLEAN_FUNCTIONS = CONDITION_FUNCTIONS - {"size"}
_PREFIXES = tuple(f"Invalid {kind.value}: " for kind in ExpressionKind)


def unprefixed(error: ValidationException) -> ValidationException:
    """The expression language's error as PartiQL words it: without `Invalid <Kind>Expression: `."""
    for prefix in _PREFIXES:
        if error.message.startswith(prefix):
            return ValidationException(error.message[len(prefix) :])
    return error


def unsupported_operator(operator: str, where: str = "Condition") -> ValidationException:
    return ValidationException(f"Unsupported operator in {where} Expression. Operator: {operator}")


def conjuncts(expression: ast.Expr) -> list[ast.Expr]:
    """The operands of the top-level ANDs of `expression`, in text order."""
    if isinstance(expression, ast.Binary) and expression.operator == "and":
        return conjuncts(expression.left) + conjuncts(expression.right)
    return [expression]


def disjuncts(expression: ast.Expr) -> list[ast.Expr]:
    """The operands of the top-level ORs of `expression`, in text order."""
    if isinstance(expression, ast.Binary) and expression.operator == "or":
        return disjuncts(expression.left) + disjuncts(expression.right)
    return [expression]


def document_path(path: ast.Path) -> ex.DocumentPath:
    return ex.DocumentPath(
        tuple(
            ex.ListIndex(step) if isinstance(step, int) else ex.AttributeName(step) for step in path.elements
        )
    )


class Translator:
    """Translates PartiQL expressions into expression-language nodes, collecting their values."""

    def __init__(self, builder: ValueBuilder) -> None:
        self.builder = builder
        self.values: dict[str, AttributeValue] = {}

    def placeholder(self, value: AttributeValue) -> ex.ValuePlaceholder:
        key = f":p{len(self.values)}"
        self.values[key] = value
        return ex.ValuePlaceholder(key)

    def maps(self) -> ExpressionMaps:
        return ExpressionMaps({}, self.values, self.values)

    # --- conditions ----------------------------------------------------------------------------------------

    def condition(self, expression: ast.Expr) -> ex.ConditionNode:
        if isinstance(expression, ast.Binary):
            operator = expression.operator
            if operator in ("and", "or"):
                if not _is_boolean(expression.left) or not _is_boolean(expression.right):
                    raise ValidationException(AND_OR_ARGUMENTS)
                left, right = self.condition(expression.left), self.condition(expression.right)
                return ex.And(left, right) if operator == "and" else ex.Or(left, right)
            if operator in COMPARISONS:
                return ex.Comparison(operator, self.operand(expression.left), self.operand(expression.right))
            raise unsupported_operator(operator)
        if isinstance(expression, ast.Unary):
            if expression.operator != "not":
                raise unsupported_operator(expression.operator)
            if not _is_boolean(expression.operand):
                raise ValidationException(NOT_ARGUMENT)
            return ex.Not(self.condition(expression.operand))
        if isinstance(expression, ast.Between):
            node: ex.ConditionNode = ex.Between(
                self.operand(expression.operand), self.operand(expression.low), self.operand(expression.high)
            )
            return ex.Not(node) if expression.negated else node
        if isinstance(expression, ast.In):
            candidates = expression.candidates
            if not isinstance(candidates, ast.ListExpr) or not candidates.items:
                raise ValidationException(IN_OPERANDS)
            operand = self.operand(expression.operand)
            node = ex.In(operand, tuple(self.operand(item) for item in candidates.items))
            return ex.Not(node) if expression.negated else node
        if isinstance(expression, ast.Is):
            return self.is_(expression)
        if isinstance(expression, ast.Call):
            return self.condition_call(expression)
        raise ValidationException(NOT_BOOLEAN)

    def is_(self, expression: ast.Is) -> ex.ConditionNode:
        operand = self.operand(expression.operand)
        if expression.type_name == "MISSING":
            name = "attribute_exists" if expression.negated else "attribute_not_exists"
            return ex.FunctionCall(name, (operand,))
        type_name = self.placeholder({"S": IS_TYPE_NAMES[expression.type_name]})
        node = ex.FunctionCall("attribute_type", (operand, type_name))
        return ex.Not(node) if expression.negated else node

    def condition_call(self, call: ast.Call) -> ex.ConditionNode:
        name = call.name
        if name in _BOOLEAN_FUNCTIONS:
            return ex.FunctionCall(name, tuple(self.operand(argument) for argument in call.arguments))
        _check_function(name, "condition")
        raise ValidationException(NOT_BOOLEAN)

    # --- operands ------------------------------------------------------------------------------------------

    def operand(self, expression: ast.Expr) -> ex.Operand:
        if isinstance(expression, ast.Path):
            return document_path(expression)
        if isinstance(expression, ast.Literal) and expression.kind is LiteralKind.MISSING:
            raise ValidationException(MISSING_COMPARED)
        if isinstance(expression, ast.Literal | ast.Parameter | ast.ListExpr | ast.StructExpr | ast.BagExpr):
            return self.placeholder(self.builder.value(expression))
        if isinstance(expression, ast.Call):
            if expression.name == "size":
                return ex.FunctionCall(
                    "size", tuple(self.operand(argument) for argument in expression.arguments)
                )
            _check_function(expression.name, "condition")
            raise ValidationException(
                "The function is not allowed to be used this way in an expression; "
                f"function: {expression.name}"
            )
        if isinstance(expression, ast.Binary | ast.Unary):
            raise unsupported_operator(expression.operator)
        if isinstance(expression, ast.Between):
            raise unsupported_operator("between")
        if isinstance(expression, ast.In):
            raise unsupported_operator("in")
        if isinstance(expression, ast.Is):
            raise unsupported_operator("is")
        raise ValidationException(IN_OPERANDS)


def _check_function(name: str, place: str) -> None:
    """Unknown functions, and value functions in a condition (or condition functions in an update)."""
    if (
        name not in CONDITION_FUNCTIONS
        and name not in VALUE_FUNCTIONS
        and name not in ("set_add", "set_delete")
    ):
        raise ValidationException(f"Unrecognized function: {name}")
    if place == "condition" and name not in CONDITION_FUNCTIONS:
        raise ValidationException(f"The function is not allowed in a condition expression; function: {name}")


def _is_boolean(expression: ast.Expr) -> bool:
    if isinstance(expression, ast.Binary):
        return expression.operator in COMPARISONS or expression.operator in ("and", "or")
    if isinstance(expression, ast.Unary):
        return expression.operator == "not"
    return isinstance(expression, ast.Between | ast.In | ast.Is | ast.Call)


def resolve(node: ex.ConditionNode, translator: Translator, kind: ExpressionKind) -> Condition:
    """The compiled condition of a translated tree (the expression language's checks, PartiQL's words)."""
    resolver = Resolver(kind, translator.maps())
    try:
        predicate = resolver.predicate(node)
    except ValidationException as error:
        raise unprefixed(error) from None
    return Condition(predicate, frozenset(resolver.nested_attributes))


def compile_where(
    expressions: list[ast.Expr],
    builder: ValueBuilder,
    kind: ExpressionKind = ExpressionKind.FILTER,
    must_exist: str | None = None,
) -> Condition | None:
    """The condition that all of `expressions` (a WHERE clause, or what is left of one) hold, and, with
    `must_exist`, that the item has that attribute (an UPDATE's item must exist); None for none."""
    translator = Translator(builder)
    nodes = [translator.condition(expression) for expression in expressions]
    if must_exist is not None:
        path = ex.DocumentPath((ex.AttributeName(must_exist),))
        nodes.insert(0, ex.FunctionCall("attribute_exists", (path,)))
    if not nodes:
        return None
    node = nodes[0]
    for other in nodes[1:]:
        node = ex.And(node, other)
    return resolve(node, translator, kind)
