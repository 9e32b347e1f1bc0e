"""An UPDATE's SET and REMOVE clauses -> the same `Update` an UpdateExpression compiles to.

    SET p = v            SET p = :v       (a literal, `?`, list, map or set)
    SET p = q            SET p = q
    SET p = a + b, a - b SET p = a + b    (nested sums too: `n + 1 + 1`)
    SET p = list_append(a, b), if_not_exists(a, b)
    SET p = set_add(p, <<…>>)            ADD p :v      (the first argument must be the target)
    SET p = set_delete(p, <<…>>)         DELETE p :v
    REMOVE p             REMOVE p

The actions go through the expression language's resolve phase in DynamoDB's order (all paths, last
first, then all values), so overlapping paths, operand types and key attributes are refused with the same
messages (without the `Invalid UpdateExpression: ` prefix, as AWS words them here), and the update is
applied by the same code as UpdateItem's.
"""

from __future__ import annotations

from app.errors import ValidationException
from app.expressions import ast as ex
from app.expressions import update
from app.expressions.kinds import ExpressionKind
from app.expressions.paths import PathTrie
from app.expressions.semantics import Resolver
from app.partiql import ast
from app.partiql.ast import LiteralKind
from app.partiql.conditions import (
    MISSING_COMPARED,
    Translator,
    document_path,
    unprefixed,
    unsupported_operator,
)
from app.partiql.values import ValueBuilder
from app.values import compare
from app.values.attributes import AttributeValue

_SET_FUNCTIONS = {"set_add": "SET_ADD", "set_delete": "SET_DELETE"}
_SETS = frozenset({"SS", "NS", "BS"})
_VALUES = (ast.Literal, ast.Parameter, ast.ListExpr, ast.StructExpr, ast.BagExpr)


class UpdateTranslator(Translator):
    def value(self, expression: ast.Expr) -> ex.Operand:
        """A SET value as an expression-language operand."""
        if isinstance(expression, ast.Path):
            return document_path(expression)
        if isinstance(expression, ast.Literal) and expression.kind is LiteralKind.MISSING:
            raise ValidationException(MISSING_COMPARED)
        if isinstance(expression, _VALUES):
            return self.placeholder(self.builder.value(expression))
        if isinstance(expression, ast.Binary):
            if expression.operator not in ("+", "-"):
                raise unsupported_operator(expression.operator, "Update")
            return ex.Arithmetic(
                expression.operator, self.value(expression.left), self.value(expression.right)
            )
        if isinstance(expression, ast.Call):
            name = expression.name
            if name in ("list_append", "if_not_exists"):
                return ex.FunctionCall(name, tuple(self.value(argument) for argument in expression.arguments))
            if name in (
                "size",
                "begins_with",
                "contains",
                "attribute_exists",
                "attribute_not_exists",
                "attribute_type",
            ):
                raise ValidationException(
                    f"The function is not allowed in an update expression; function: {name}"
                )
            raise ValidationException(f"Unrecognized function: {name}")
        if isinstance(expression, ast.Unary):
            raise unsupported_operator(expression.operator, "Update")
        raise unsupported_operator(type(expression).__name__.lower(), "Update")

    def set_operand(self, clause: ast.SetClause) -> AttributeValue | None:
        """The set of a `set_add`/`set_delete` value (None for any other value)."""
        call = clause.value
        if not isinstance(call, ast.Call) or call.name not in _SET_FUNCTIONS:
            return None
        label = _SET_FUNCTIONS[call.name]
        if len(call.arguments) != 2:
            raise ValidationException(
                f"Incorrect number of operands for operator or function; operator or function: {call.name}, "
                f"number of operands: {len(call.arguments)}"
            )
        target, operand = call.arguments
        if not isinstance(target, ast.Path) or target.elements != clause.path.elements:
            raise ValidationException(f"The first argument to {label} must equal the assignment value")
        if isinstance(operand, ast.Parameter) and self.builder.parameters is None:
            return {"SS": ["?"]}  # checked once the parameter is known
        value = self.builder.value(operand) if isinstance(operand, _VALUES) else None
        if value is None or compare.type_name(value) not in _SETS:
            raise ValidationException(
                f"The second argument to {label} must be a value with type SET {target.position.render()}"
            )
        return value


def compile_update(
    clauses: tuple[ast.SetClause | ast.RemoveClause, ...], builder: ValueBuilder
) -> update.Update:
    """The Update of an UPDATE statement's clauses (in written order)."""
    translator = UpdateTranslator(builder)
    resolver = Resolver(ExpressionKind.UPDATE, translator.maps())
    try:
        trie = PathTrie()
        paths: list[tuple[str | int, ...]] = [()] * len(clauses)
        for index in reversed(range(len(clauses))):
            path = resolver.path(document_path(clauses[index].path))
            trie.add(path, ExpressionKind.UPDATE)
            paths[index] = path.elements
        actions: list[update.UpdateAction] = [update.RemoveAction(())] * len(clauses)
        for index in reversed(range(len(clauses))):
            clause = clauses[index]
            path_elements = paths[index]
            if isinstance(clause, ast.RemoveClause):
                actions[index] = update.RemoveAction(path_elements)
                continue
            members = translator.set_operand(clause)
            if members is not None:
                call = clause.value
                assert isinstance(call, ast.Call)
                kind = update.AddAction if call.name == "set_add" else update.DeleteAction
                actions[index] = kind(path_elements, members)
                continue
            actions[index] = update.SetAction(
                path_elements, resolver.operand(translator.value(clause.value)).expr
            )
    except ValidationException as error:
        raise unprefixed(error) from None
    return update.Update.of(actions, resolver.nested_attributes, trie)
