"""The statement half of the PartiQL parser: tokens -> a statement tree (app/partiql/ast.py).

    statement := select | insert | update | delete | EXISTS '(' select ')' ; optionally one ';'
    select    := SELECT ('*' | path (',' path)*) FROM source [WHERE expr] [ORDER BY path [ASC|DESC], …]
    insert    := INSERT INTO source VALUE expr
    update    := UPDATE source (SET path '=' expr (',' path '=' expr)* | REMOVE path)+ [WHERE expr]
                 [returning]
    delete    := DELETE FROM source [WHERE expr] [returning]
    returning := RETURNING (ALL | MODIFIED) (OLD | NEW) '*'
    source    := name ['.' name]

Expressions are app/partiql/expressions.py's. A statement that does not fit the grammar is `Statement
wasn't well formed, can't be processed: …`; what the grammar knows but DynamoDB refuses (aliases,
DISTINCT, VALUE, LIMIT, GROUP BY, several sources, bad table names, RETURNING forms, an index in a
write) is deferred and raised once the whole statement parsed, as AWS reports a syntax error first.
A bare expression as the statement is "Unsupported operation: <what it is>".
"""

from __future__ import annotations

from app.errors import ValidationException
from app.partiql import ast
from app.partiql.expressions import NAME_TOKENS, ExpressionParser, error
from app.partiql.lexer import TokenKind

TABLE_NAME_RULE = (
    "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'."
)
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
NOT_ON_INDEX = "This operation is not supported on an index"
ALIASING = "Aliasing is not supported"


class Parser(ExpressionParser):
    def parse(self) -> ast.Parsed:
        statement = self.statement_()
        self.accept_operator(";")
        if self.peek().kind is not TokenKind.EOF:
            self.fail()
        if self.deferred is not None:
            raise self.deferred
        return ast.Parsed(statement, self.parameters)

    def statement_(self) -> ast.Statement:
        token = self.peek()
        if token.is_keyword("select"):
            return self.select()
        if token.is_keyword("insert"):
            return self.insert()
        if token.is_keyword("update"):
            return self.update()
        if token.is_keyword("delete"):
            return self.delete()
        if token.is_keyword("exists") and self.peek(1).is_operator("("):
            self.take()
            self.take()
            select = self.select()
            self.operator(")")
            return ast.Exists(select)
        if token.is_keyword("create", "drop") and self.peek(1).is_keyword("table", "index"):
            verb = "Create" if token.is_keyword("create") else "Drop"
            raise ValidationException(f"Unsupported operation: {verb}{self.peek(1).word.capitalize()}")
        expression = self.expression(0)
        self.accept_operator(";")
        if self.peek().kind is not TokenKind.EOF:
            self.fail()
        if self.deferred is not None:
            raise self.deferred
        raise ValidationException(_unsupported_operation(expression))

    def subquery(self) -> object:
        return self.select()

    def select(self) -> ast.Select:
        self.keyword("select")
        token = self.peek()
        if token.is_keyword("distinct", "all"):
            self.defer(ValidationException(f"Unsupported token in expression: {token.text}"))
            self.take()
        projection: tuple[ast.Path, ...] | None
        if self.peek().is_keyword("value", "pivot"):
            self.defer(ValidationException("Select projection doesn't support value or pivot keywords"))
            self.take()
            self.expression(0)
            if self.accept_keyword("at"):
                self.expression(0)
            projection = None
        elif self.accept_operator("*"):
            projection = None
        else:
            items = [self.projection_item()]
            while self.accept_operator(","):
                items.append(self.projection_item())
            projection = tuple(items)
        self.keyword("from")
        source = self.source()
        where = self.expression(0) if self.accept_keyword("where") else None
        if self.accept_keyword("group"):
            self.defer(ValidationException("Unsupported clause: GROUP BY"))
            self.keyword("by")
            self.expression(0)
            while self.accept_operator(","):
                self.expression(0)
        order_by: list[ast.OrderItem] = []
        if self.accept_keyword("order"):
            self.keyword("by")
            order_by.append(self.order_item())
            while self.accept_operator(","):
                order_by.append(self.order_item())
        if self.accept_keyword("limit"):
            limit = self.expression(0)
            self.defer(error("Unsupported clause: LIMIT", limit.position))
        return ast.Select(projection, source, where, tuple(order_by))

    def projection_item(self) -> ast.Path:
        expression = self.expression(0, projection=True)
        if self.accept_keyword("as") or self.peek().kind in NAME_TOKENS:
            self.defer(ValidationException(ALIASING))
            if self.take().kind not in NAME_TOKENS:
                self.fail()
        if not isinstance(expression, ast.Path):
            self.defer(error("Unexpected path component", expression.position))
            return ast.Path("", (), expression.position)
        return expression

    def order_item(self) -> ast.OrderItem:
        token = self.take()
        if token.kind not in NAME_TOKENS:
            self.fail()
        path = self.path(token, projection=False)
        descending = False
        direction = self.accept_keyword("asc", "desc")
        if direction is not None:
            descending = direction.is_keyword("desc")
        return ast.OrderItem(path, descending)

    def source(self) -> ast.Source:
        token = self.take()
        if token.is_operator("("):
            self.defer(ValidationException("Unexpected from source"))
            self.select()
            self.operator(")")
            return ast.Source("", None)
        if token.kind not in NAME_TOKENS:
            self.fail()
        names = [token.text]
        while self.peek().is_operator(".") and self.peek(1).kind in NAME_TOKENS:
            self.take()
            names.append(self.take().text)
        if self.accept_operator("["):
            self.defer(ValidationException("Invalid list expression in source."))
            self.expression(0)
            self.operator("]")
        if len(names) > 2:
            self.defer(ValidationException("A path may contain at most 2 components in the FROM clause"))
        if self.accept_keyword("as") or self.peek().kind in NAME_TOKENS:
            self.defer(ValidationException(ALIASING))
            if self.take().kind not in NAME_TOKENS:
                self.fail()
        if self.accept_operator(","):
            self.defer(ValidationException("Only select from a single table or index is supported."))
            self.source()
        for name in names:
            if not name:
                self.defer(ValidationException("Path component cannot be an empty string"))
            elif not 3 <= len(name) <= 255 or not set(name) <= _NAME_CHARACTERS:
                self.defer(ValidationException(TABLE_NAME_RULE))
        return ast.Source(names[0], names[1] if len(names) >= 2 else None)

    def insert(self) -> ast.Insert:
        self.keyword("insert")
        self.keyword("into")
        source = self.source()
        self.keyword("value")
        value = self.expression(0)
        returning = self.peek().is_keyword("returning")
        if returning:
            self.returning()
        if source.index is not None:
            self.defer(
                ValidationException(
                    "FROM clause may only contain a single table name in data manipulation statements"
                )
            )
        return ast.Insert(source, value, returning)

    def update(self) -> ast.Update:
        self.keyword("update")
        source = self.source()
        clauses: list[ast.SetClause | ast.RemoveClause] = []
        while True:
            if self.accept_keyword("set"):
                clauses.append(self.assignment())
                while self.accept_operator(","):
                    clauses.append(self.assignment())
            elif self.accept_keyword("remove"):
                clauses.append(ast.RemoveClause(self.target()))
            else:
                break
        if not clauses:
            self.fail()
        where = self.expression(0) if self.accept_keyword("where") else None
        returning = self.returning() if self.peek().is_keyword("returning") else None
        if source.index is not None:
            self.defer(ValidationException(NOT_ON_INDEX))
        return ast.Update(source, tuple(clauses), where, returning)

    def target(self) -> ast.Path:
        token = self.take()
        if token.kind not in NAME_TOKENS:
            self.fail()
        return self.path(token, projection=False)

    def assignment(self) -> ast.SetClause:
        path = self.target()
        self.operator("=")
        return ast.SetClause(path, self.expression(0))

    def delete(self) -> ast.Delete:
        self.keyword("delete")
        self.keyword("from")
        source = self.source()
        where = self.expression(0) if self.accept_keyword("where") else None
        returning = self.returning() if self.peek().is_keyword("returning") else None
        if returning is not None and returning is not ast.Returning.ALL_OLD:
            self.defer(
                ValidationException(
                    f"Invalid returning clause: {returning.text}. Only RETURNING ALL OLD * is allowed in "
                    "DELETE statements."
                )
            )
        if source.index is not None:
            self.defer(ValidationException(NOT_ON_INDEX))
        return ast.Delete(source, where, returning)

    def returning(self) -> ast.Returning:
        self.keyword("returning")
        which = self.keyword("all", "modified").word
        version = self.keyword("old", "new").word
        if not self.accept_operator("*"):
            self.defer(
                ValidationException("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
            )
            self.expression(0)
        return ast.Returning[f"{which.upper()}_{version.upper()}"]


def _unsupported_operation(expression: ast.Expr) -> str:
    """What AWS says of a statement that is a bare expression."""
    names: dict[type, str] = {
        ast.Literal: "Literal",
        ast.Path: "VariableReference",
        ast.ListExpr: "Seq",
        ast.BagExpr: "Seq",
        ast.StructExpr: "Struct",
        ast.Parameter: "Parameter",
    }
    name = names.get(type(expression))
    if name is None:
        return "EXISTS can only be used in ExecuteTransaction write requests."
    return f"Unsupported operation: {name}"


def parse_statement(statement: str) -> ast.Parsed:
    """The tree of one statement, and its number of `?`; raises AWS's ValidationException."""
    return Parser(statement).parse()
