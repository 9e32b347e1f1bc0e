"""The checks DynamoDB makes on a parsed expression before it looks at any placeholder, in text order.

After a successful parse, DynamoDB walks the tree once, in the order the text is written, and stops at
the first of these problems (observed on the reference, and the AWS grammar's tree walker):

- an attribute name that is a reserved word (`Attribute name is a reserved keyword; reserved keyword: x`);
- a list index beyond 32 bits (`List index is not within the allowable range; index: [n]`);
- at each function call, before its arguments: an unknown name (`Invalid function name; function: f`,
  names are case-sensitive), a function of the other family (`The function is not allowed in a
  condition expression` for list_append/if_not_exists, `… in an update expression` for the condition
  functions), and a function where it cannot stand (`The function is not allowed to be used this way in
  an expression`): in a condition only size may be an operand and size may not be a condition; in an
  update only if_not_exists may sit inside a function or `+`/`-`;
- a clause keyword used a second time, when that clause ends (`The "SET" section can only be used once
  in an update expression;`).

"Inside" counts comparisons, BETWEEN, IN, function calls and `+`/`-`, not AND/OR/NOT or parentheses.
"""

from __future__ import annotations

from app.expressions.ast import (
    AddAction,
    And,
    Arithmetic,
    AttributeName,
    Between,
    Comparison,
    ConditionNode,
    DeleteAction,
    DocumentPath,
    FunctionCall,
    ListIndex,
    Not,
    Operand,
    Or,
    SetAction,
    UpdateAst,
    ValuePlaceholder,
)
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.reserved import is_reserved

MAX_LIST_INDEX = 2**31 - 1  # indexes are 32-bit signed on AWS's side

CONDITION_FUNCTIONS = frozenset(
    {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size"}
)
VALUE_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
# The only condition function that is not a condition itself, and the only value function that may sit
# inside another function or `+`/`-`.
OPERAND_CONDITION_FUNCTION = "size"
NESTABLE_VALUE_FUNCTION = "if_not_exists"


def check_path(kind: ExpressionKind, path: DocumentPath) -> None:
    """Reserved words and list-index range of one path, element by element."""
    for element in path.elements:
        if isinstance(element, AttributeName) and is_reserved(element.name):
            raise invalid(kind, f"Attribute name is a reserved keyword; reserved keyword: {element.name}")
        if isinstance(element, ListIndex) and element.index > MAX_LIST_INDEX:
            raise invalid(kind, f"List index is not within the allowable range; index: [{element.index}]")


class _Walker:
    """One walk over a condition or update tree, tracking how deep inside operators it is."""

    def __init__(self, kind: ExpressionKind) -> None:
        self.kind = kind
        self.in_update = kind is ExpressionKind.UPDATE
        self.depth = 0

    def condition(self, node: ConditionNode) -> None:
        if isinstance(node, And | Or):
            self.condition(node.left)
            self.condition(node.right)
        elif isinstance(node, Not):
            self.condition(node.operand)
        elif isinstance(node, FunctionCall):
            self.function(node)
        else:
            operands: tuple[Operand, ...]
            if isinstance(node, Comparison):
                operands = (node.left, node.right)
            elif isinstance(node, Between):
                operands = (node.operand, node.low, node.high)
            else:
                operands = (node.operand, *node.candidates)
            self.nested(operands)

    def nested(self, operands: tuple[Operand, ...]) -> None:
        self.depth += 1
        for operand in operands:
            self.operand(operand)
        self.depth -= 1

    def operand(self, operand: Operand) -> None:
        if isinstance(operand, DocumentPath):
            check_path(self.kind, operand)
        elif isinstance(operand, FunctionCall):
            self.function(operand)
        elif isinstance(operand, Arithmetic):
            self.nested((operand.left, operand.right))
        else:
            assert isinstance(operand, ValuePlaceholder)

    def function(self, call: FunctionCall) -> None:
        name = call.name
        if name not in CONDITION_FUNCTIONS and name not in VALUE_FUNCTIONS:
            raise invalid(self.kind, f"Invalid function name; function: {name}")
        if self.in_update:
            if name not in VALUE_FUNCTIONS:
                raise invalid(
                    self.kind, f"The function is not allowed in an update expression; function: {name}"
                )
            misplaced = self.depth > 0 and name != NESTABLE_VALUE_FUNCTION
        else:
            if name not in CONDITION_FUNCTIONS:
                raise invalid(
                    self.kind, f"The function is not allowed in a condition expression; function: {name}"
                )
            is_operand = name == OPERAND_CONDITION_FUNCTION
            misplaced = is_operand if self.depth == 0 else not is_operand
        if misplaced:
            raise invalid(
                self.kind,
                f"The function is not allowed to be used this way in an expression; function: {name}",
            )
        self.nested(call.arguments)

    def update(self, tree: UpdateAst) -> None:
        seen: set[str] = set()
        for section in tree.sections:
            for action in section.actions:
                check_path(self.kind, action.path)
                if isinstance(action, SetAction | AddAction | DeleteAction):
                    self.operand(action.value)
            if section.keyword in seen:
                raise invalid(
                    self.kind,
                    f'The "{section.keyword}" section can only be used once in an update expression;',
                )
            seen.add(section.keyword)


def check_condition(kind: ExpressionKind, root: ConditionNode) -> None:
    """The text-order checks of a ConditionExpression, FilterExpression or KeyConditionExpression."""
    _Walker(kind).condition(root)


def check_update(tree: UpdateAst) -> None:
    """The text-order checks of an UpdateExpression."""
    _Walker(ExpressionKind.UPDATE).update(tree)
