"""The PartiQL lexer and parser: tokens and their positions, statement trees, precedence, and the messages
AWS gives for what DynamoDB's PartiQL does not accept (observed on the reference)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationException
from app.partiql import ast, parse
from app.partiql.ast import LiteralKind
from app.partiql.lexer import Position, TokenKind, tokenize
from app.partiql.parser import TABLE_NAME_RULE, parse_statement

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "


def error(statement: str) -> str:
    with pytest.raises(ValidationException) as raised:
        parse_statement(statement)
    return raised.value.message


# --- lexer --------------------------------------------------------------------------------------------------


def test_tokens_and_positions() -> None:
    tokens = tokenize("SELECT a.\"b c\"\n  FROM t -- comment\nWHERE x <> 'it''s' /* c */ AND y >= 1.5e3")
    kinds = [(token.kind, token.text) for token in tokens]
    assert kinds == [
        (TokenKind.KEYWORD, "SELECT"),
        (TokenKind.IDENTIFIER, "a"),
        (TokenKind.OPERATOR, "."),
        (TokenKind.QUOTED_IDENTIFIER, "b c"),
        (TokenKind.KEYWORD, "FROM"),
        (TokenKind.IDENTIFIER, "t"),
        (TokenKind.KEYWORD, "WHERE"),
        (TokenKind.IDENTIFIER, "x"),
        (TokenKind.OPERATOR, "<>"),
        (TokenKind.STRING, "it's"),
        (TokenKind.KEYWORD, "AND"),
        (TokenKind.IDENTIFIER, "y"),
        (TokenKind.OPERATOR, ">="),
        (TokenKind.NUMBER, "1.5e3"),
        (TokenKind.EOF, ""),
    ]
    assert tokens[3].position == Position(1, 10, 5)
    assert tokens[4].position == Position(2, 3, 4)
    assert tokens[9].position == Position(3, 12, 7)


@pytest.mark.parametrize(
    "statement", ["SELECT * FROM t WHERE a = 'x", 'SELECT "x', "SELECT #", "x = 1e", "/* x"]
)
def test_lexing_errors(statement: str) -> None:
    assert error(statement) == NOT_WELL_FORMED + statement


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_string_literals_round_trip(text: str) -> None:
    tokens = tokenize("'" + text.replace("'", "''") + "'")
    assert tokens[0].kind is TokenKind.STRING
    assert tokens[0].text == text


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_$0123456789", min_size=1, max_size=12))
def test_identifiers_and_keywords(word: str) -> None:
    token = tokenize(f'"{word}"')[0]
    assert (token.kind, token.text) == (TokenKind.QUOTED_IDENTIFIER, word)


# --- statements ---------------------------------------------------------------------------------------------


def test_select() -> None:
    parsed = parse_statement(
        'SELECT a.b[0], "c" FROM "tab"."idx" WHERE x = ? AND y IN [1, ?] ORDER BY pk DESC;'
    )
    statement = parsed.statement
    assert parsed.parameter_count == 2
    assert isinstance(statement, ast.Select)
    assert statement.source == ast.Source("tab", "idx")
    assert statement.projection is not None
    assert [path.elements for path in statement.projection] == [("a", "b", 0), ("c",)]
    assert statement.order_by[0].descending
    assert isinstance(statement.where, ast.Binary) and statement.where.operator == "and"


def test_precedence() -> None:
    where = parse_statement("SELECT * FROM tab WHERE NOT a = 1 OR b = 2 AND c BETWEEN 1 AND 2").statement
    assert isinstance(where, ast.Select)
    tree = where.where
    assert isinstance(tree, ast.Binary) and tree.operator == "or"
    assert isinstance(tree.left, ast.Unary) and tree.left.operator == "not"
    assert isinstance(tree.left.operand, ast.Binary) and tree.left.operand.operator == "="
    assert isinstance(tree.right, ast.Binary) and tree.right.operator == "and"
    assert isinstance(tree.right.right, ast.Between)


def test_negated_operators_and_is() -> None:
    select = parse_statement(
        "SELECT * FROM tab WHERE a NOT IN [1] AND b NOT BETWEEN 1 AND 2 AND c IS NOT MISSING"
    )
    assert isinstance(select.statement, ast.Select)
    parts = select.statement.where
    assert isinstance(parts, ast.Binary)
    found = []
    while isinstance(parts, ast.Binary) and parts.operator == "and":
        found.append(parts.right)
        parts = parts.left
    found.append(parts)
    is_, between, in_ = found
    assert isinstance(in_, ast.In) and in_.negated
    assert isinstance(between, ast.Between) and between.negated
    assert isinstance(is_, ast.Is) and is_.negated and is_.type_name == "MISSING"


def test_signs_fold_into_number_literals() -> None:
    insert = parse_statement("INSERT INTO tab VALUE {'a': -1.5, 'b': + 2}").statement
    assert isinstance(insert, ast.Insert) and isinstance(insert.value, ast.StructExpr)
    values = [value for _, value in insert.value.entries]
    assert [(value.kind, value.text) for value in values if isinstance(value, ast.Literal)] == [
        (LiteralKind.NUMBER, "-1.5"),
        (LiteralKind.NUMBER, "2"),
    ]


def test_update_and_delete() -> None:
    update = parse_statement(
        "UPDATE tab SET a = a + 1, b = ? REMOVE c SET d = 1 WHERE pk = 1 RETURNING MODIFIED NEW *"
    )
    statement = update.statement
    assert isinstance(statement, ast.Update)
    assert [type(clause).__name__ for clause in statement.clauses] == [
        "SetClause",
        "SetClause",
        "RemoveClause",
        "SetClause",
    ]
    assert statement.returning is ast.Returning.MODIFIED_NEW
    delete = parse_statement("DELETE FROM tab WHERE pk = 1 RETURNING ALL OLD *").statement
    assert isinstance(delete, ast.Delete) and delete.returning is ast.Returning.ALL_OLD


def test_exists() -> None:
    statement = parse_statement("EXISTS(SELECT * FROM tab WHERE pk = 1 AND a = 2)").statement
    assert isinstance(statement, ast.Exists)
    assert statement.select.source.table == "tab"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELECT * FROM", None),
        ("SELECT *, a FROM tab", None),
        ("SELECT a FROM tab WHERE a == 1", None),
        ("SELECT * FROM tab; SELECT * FROM tab", None),
        ("SELECT size FROM tab", None),
        ("SELECT a.value FROM tab", None),
        ("INSERT INTO tab VALUES {'a': 1}", None),
        ("UPDATE tab REMOVE a, b WHERE pk = 1", None),
        ("DELETE tab WHERE pk = 1", None),
        ("SELECT * FROM tab WHERE a IS NUMBER", None),
        ("FOO", "Unsupported operation: VariableReference"),
        ("1", "Unsupported operation: Literal"),
        ("[1]", "Unsupported operation: Seq"),
        ("{'a': 1}", "Unsupported operation: Struct"),
        ("?", "Unsupported operation: Parameter"),
        ("1 + 1", "EXISTS can only be used in ExecuteTransaction write requests."),
        ("CREATE TABLE x", "Unsupported operation: CreateTable"),
        ("SELECT DISTINCT a FROM tab", "Unsupported token in expression: DISTINCT"),
        ("SELECT VALUE a FROM tab", "Select projection doesn't support value or pivot keywords"),
        ("SELECT a AS b FROM tab", "Aliasing is not supported"),
        ("SELECT * FROM tab x", "Aliasing is not supported"),
        ("SELECT * FROM tab, other", "Only select from a single table or index is supported."),
        ("SELECT * FROM (SELECT * FROM tab)", "Unexpected from source"),
        ("SELECT * FROM a.b.c", "A path may contain at most 2 components in the FROM clause"),
        ("SELECT * FROM tab[0]", "Invalid list expression in source."),
        ('SELECT * FROM ""', "Path component cannot be an empty string"),
        (
            'SELECT * FROM "ab"',
            TABLE_NAME_RULE,
        ),
        ("SELECT * FROM tab GROUP BY a", "Unsupported clause: GROUP BY"),
        ("SELECT * FROM tab LIMIT 10", "Unsupported clause: LIMIT at 1:25:2"),
        ("SELECT count(*) FROM tab", "Unexpected path component at 1:8:5"),
        ("SELECT a + 1 FROM tab", "Unexpected path component at 1:10:1"),
        ("SELECT a[-1] FROM tab", "List index is not within the allowable range; index: [-1] at 1:11:1"),
        ("SELECT a.* FROM tab", "Changing item's hierarchy while reading isn't supported"),
        ("SELECT * FROM tab WHERE a.* = 1", "Unpivot path component like a.*.b are not supported at 1:27:1"),
        ("SELECT * FROM tab WHERE a[?] = 1", "Unexpected path component at 1:27:1"),
        (
            "SELECT * FROM tab WHERE a IS INT",
            "Unsupported data type for IS operator: INTEGER. Supported data types are [MISSING, NULL, "
            "BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST] at 1:27:2",
        ),
        (
            "UPDATE tab SET a = 1 WHERE pk = 1 RETURNING ALL OLD a",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        ("UPDATE tab.idx SET a = 1", "This operation is not supported on an index"),
        (
            "INSERT INTO tab.idx VALUE {'a': 1}",
            "FROM clause may only contain a single table name in data manipulation statements",
        ),
        (
            "DELETE FROM tab WHERE pk = 1 RETURNING ALL NEW *",
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
            "statements.",
        ),
    ],
)
def test_parse_errors(statement: str, message: str | None) -> None:
    assert error(statement) == (NOT_WELL_FORMED + statement if message is None else message)


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM ab WHERE x == 1",
        "SELECT a AS b FROM tab WHERE x == 1",
        "SELECT * FROM tab LIMIT 1 WHERE",
        "SELECT DISTINCT a FROM tab WHERE x == 1",
        "SELECT * FROM tab, other WHERE x == 1",
        "SELECT count(*) FROM tab WHERE x == 1",
        "SELECT a.* FROM tab WHERE x == 1",
        "SELECT * FROM tab WHERE a IS INT AND x == 1",
        "UPDATE tab SET a = 1 WHERE pk = 1 RETURNING ALL OLD a b",
        'UPDATE "tab"."idx" SET a = 1 WHERE x == 1',
        "SELECT * FROM tab WHERE a[-1] = 1 AND x == 1",
        "SELECT VALUE a FROM tab WHERE x == 1",
    ],
)
def test_a_syntax_error_wins_over_refused_constructs(statement: str) -> None:
    assert error(statement) == NOT_WELL_FORMED + statement


def test_the_message_quotes_the_statement_as_sent() -> None:
    statement = "  SELECT *\n FROM  "
    assert error(statement) == NOT_WELL_FORMED + statement


def test_parse_caches_and_checks_statically() -> None:
    text = "SELECT * FROM tab WHERE a = MISSING"
    with pytest.raises(ValidationException) as raised:
        parse(text)
    assert raised.value.message == "MISSING must be compared using IS operator"
    assert parse("SELECT * FROM tab") is parse("SELECT * FROM tab")
