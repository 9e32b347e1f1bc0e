"""DynamoDB's expression language: one lexer, one parser, a resolve phase for the placeholder maps, and
what each expression kind does with an item.

A handler uses it in steps, so that the checks spanning all expressions of a request happen once and in
AWS's order:

    maps = ExpressionMaps.for_request(
        request, expression_fields=("ProjectionExpression", "FilterExpression"),
        value_fields=("FilterExpression",))
    # validate the attribute values of ExpressionAttributeValues here (app/values)
    projection = compile_projection(request.get("ProjectionExpression"), maps)
    maps.check_all_used()
    ... projection.apply(item) if projection else item

`compile_request_projection` does it all for a request (or request part) whose only expression is a
projection: GetItem, BatchGetItem's KeysAndAttributes, TransactGetItems' Get.
"""

from app.expressions.kinds import ExpressionKind
from app.expressions.projection import Projection, compile_projection, compile_request_projection
from app.expressions.resolve import ExpressionMaps

__all__ = [
    "ExpressionKind",
    "ExpressionMaps",
    "Projection",
    "compile_projection",
    "compile_request_projection",
]
