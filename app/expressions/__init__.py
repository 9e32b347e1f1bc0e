"""DynamoDB's expression language: one lexer, one parser, a resolve phase for the placeholder maps, and
what each expression kind does with an item.

A handler uses it in steps, so that the checks spanning all expressions of a request happen once and in
AWS's order (each step raises AWS's ValidationException):

    maps = ExpressionMaps.for_request(                                  # may the maps be there?
        request, expression_fields=("UpdateExpression", "ConditionExpression"),
        value_fields=("UpdateExpression", "ConditionExpression"))
    # the request's own checks here (Key/Item values, ReturnValues, item size): AWS makes them before
    # it looks into the maps, which the first compile does (`maps.check_contents()`)
    update = compile_update(request.get("UpdateExpression"), maps)      # UpdateItem: update first,
    condition = compile_condition(                                      # then the condition
        ExpressionKind.CONDITION, request.get("ConditionExpression"), maps)
    maps.check_all_used()
    # once the table is known (key names in key-schema order):
    condition.check_key_attributes(key_names)                           # paths into key attributes
    update.check_key_attributes(key_names)                              # writes to key attributes
    # inside the storage Mutation (pure, picklable, safe to run twice):
    if not condition.evaluate(old_item): ...                            # ConditionalCheckFailed
    new_item = update.apply(old_item, key)                              # None: nothing to write
    update.updated_attributes(old_item or new_item)                     # UPDATED_OLD / UPDATED_NEW

Every compile function takes the expression text or None (absent parameter → None result). Parsing is
cached by (kind, text); compiled objects are frozen dataclasses, so evaluation never re-resolves.

- `compile_projection` / `compile_request_projection`: ProjectionExpression (GetItem, …).
- `compile_condition`: ConditionExpression and FilterExpression → `Condition` (`evaluate(item)`).
- `compile_update`: UpdateExpression → `Update` (`apply`, `updated_attributes`, `creates_item`).
- `compile_key_condition`: KeyConditionExpression → `KeyConditionExpression`, whose `terms()` are its
  checked `KeyTerm`s (attribute, operator, values); Query holds them against a key schema.

Front ends that are not expressions (the legacy Expected / AttributeUpdates parameters) build the same
objects: `Condition(predicate)` from the nodes of `conditions` and `operands`, `Update.of(actions)` from
the actions of `update`.
"""

from app.expressions.conditions import Condition
from app.expressions.key_condition import KeyConditionExpression, KeyTerm, compile_key_condition
from app.expressions.kinds import ExpressionKind
from app.expressions.projection import Projection, compile_projection, compile_request_projection
from app.expressions.resolve import ExpressionMaps
from app.expressions.semantics import compile_condition
from app.expressions.update import Update, compile_update

__all__ = [
    "Condition",
    "ExpressionKind",
    "ExpressionMaps",
    "KeyConditionExpression",
    "KeyTerm",
    "Projection",
    "Update",
    "compile_condition",
    "compile_key_condition",
    "compile_projection",
    "compile_request_projection",
    "compile_update",
]
