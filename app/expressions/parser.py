"""The recursive-descent parser of all expression kinds: one token stream, one error reporter.

One `Parser` holds one token stream and reports every syntax error the way AWS does:
`Syntax error; token: "<offending token>", near: "<context>"`, where the context is the original text
from the start of the token before the offending one (or from the start of the text) to the end of the
token after it (or to the end of the text), whitespace included; at the end of input the token is
`<EOF>`. The offending token is the first one at which the text stops being the start of any valid
expression, which is where DynamoDB's (ANTLR) parser reports it.

The grammar is DynamoDB's (the AWS expression grammar, `DynamoDbGrammar.g4`):

    projection := path (',' path)*
    condition  := condition OR condition | condition AND condition | NOT condition
                | operand comparator operand | operand BETWEEN operand AND operand
                | operand IN '(' operand (',' operand)* ')' | function | '(' condition ')'
    update     := (SET set_action (',' set_action)* | REMOVE path (',' path)*
                | ADD path value (',' path value)* | DELETE path value (',' path value)*)+
    set_action := path '=' (operand | arithmetic)
    arithmetic := operand ('+' | '-') operand | '(' arithmetic ')'
    operand    := path | value | function | '(' operand ')'
    function   := identifier '(' operand (',' operand)* ')'

NOT binds tighter than AND, AND tighter than OR; AND and OR group to the right. A parenthesis around
something already parenthesized is an error of its own ("The expression has redundant parentheses;"),
raised when its closing parenthesis is read, so a syntax error earlier in the text wins over it and it
wins over one later in the text. `(` at the start of a condition may open a grouped condition or a
parenthesized operand; the parser reads what is inside first and decides by what follows.

Before parsing: the size limit, then emptiness (`check_text`). The checks that need the whole tree
(function names and places, reserved words, list-index range, repeated clauses) are in `checks`.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from app.errors import ValidationException
from app.expressions.ast import (
    Action,
    AddAction,
    And,
    Arithmetic,
    AttributeName,
    Between,
    Comparison,
    ConditionAst,
    ConditionNode,
    DeleteAction,
    DocumentPath,
    FunctionCall,
    In,
    ListIndex,
    NamePlaceholder,
    Not,
    Operand,
    Or,
    PathElement,
    ProjectionAst,
    RemoveAction,
    Section,
    SetAction,
    UpdateAst,
    ValuePlaceholder,
)
from app.expressions.checks import check_condition, check_path, check_update
from app.expressions.kinds import ExpressionKind, invalid
from app.expressions.lexer import Token, TokenKind, tokenize
from app.expressions.lookahead import scan_operand

MAX_EXPRESSION_SIZE = 4096
_CONDITION_KINDS = frozenset({ExpressionKind.CONDITION, ExpressionKind.FILTER, ExpressionKind.KEY_CONDITION})
# A 4096-character expression can nest about 2000 parentheses, a few Python frames each, and the resolve
# and evaluation walks recurse as deep. Python 3.11 runs pure-Python calls without C stack, so a higher
# limit is safe; it is raised once, for the whole process, and never lowered.
RECURSION_LIMIT = 20_000
if sys.getrecursionlimit() < RECURSION_LIMIT:
    sys.setrecursionlimit(RECURSION_LIMIT)

_SECTION_KEYWORDS = frozenset({TokenKind.SET, TokenKind.REMOVE, TokenKind.ADD, TokenKind.DELETE})
COMPARATORS = frozenset({TokenKind.EQ, TokenKind.NE, TokenKind.LT, TokenKind.LE, TokenKind.GT, TokenKind.GE})
REDUNDANT_PARENTHESES = "The expression has redundant parentheses;"

_PREDICATE_STARTS = COMPARATORS | {TokenKind.BETWEEN, TokenKind.IN}
_BARE_OPERAND_FOLLOWERS = _PREDICATE_STARTS | {TokenKind.RPAREN}

# A parsed piece and whether it was written inside its own parentheses (for the redundancy rule).
_Parsed = tuple[ConditionNode | Operand, bool]


def expression_size(text: str) -> int:
    """The size DynamoDB measures: UTF-16 code units (the reference counts a 4-byte UTF-8 emoji as 2)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def check_text(kind: ExpressionKind, text: str) -> None:
    """The checks made before the text is tokenized: size limit first, then emptiness."""
    size = expression_size(text)
    if size > MAX_EXPRESSION_SIZE:
        # Only the condition grammar's message gives the size (the reference, and errors seen on AWS).
        shown = f" expression size: {size}" if kind in _CONDITION_KINDS else ""
        raise invalid(kind, f"Expression size has exceeded the maximum allowed size;{shown}")
    if not text:
        raise invalid(kind, "The expression can not be empty;")


def _is_operand(node: ConditionNode | Operand) -> bool:
    """Whether a parsed piece can only be an operand (a function call can be either)."""
    return isinstance(node, DocumentPath | ValuePlaceholder | Arithmetic)


def _as_condition(node: ConditionNode | Operand) -> ConditionNode:
    assert not isinstance(node, DocumentPath | ValuePlaceholder | Arithmetic)
    return node


def _as_operand(node: ConditionNode | Operand) -> Operand:
    assert isinstance(node, DocumentPath | ValuePlaceholder | FunctionCall | Arithmetic)
    return node


class Parser:
    """A cursor over the tokens of one expression, with the grammar rules as methods."""

    def __init__(self, kind: ExpressionKind, text: str) -> None:
        self.kind = kind
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    # --- token stream ------------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.position + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        if token.kind is not TokenKind.EOF:
            self.position += 1
        return token

    def accept(self, kind: TokenKind) -> Token | None:
        """Consume and return the next token if it is of `kind`."""
        if self.tokens[self.position].kind is kind:
            return self.advance()
        return None

    def expect(self, kind: TokenKind) -> Token:
        """Consume the next token, which must be of `kind`; otherwise it is the offending token."""
        token = self.accept(kind)
        if token is None:
            raise self.syntax_error()
        return token

    def syntax_error(self) -> ValidationException:
        """The syntax error at the next (offending) token, with AWS's `near` context around it."""
        index = self.position
        token = self.tokens[index]
        start = self.tokens[index - 1].start if index > 0 else 0
        end = self.tokens[index + 1].end if index + 1 < len(self.tokens) else len(self.text)
        return invalid(self.kind, f'Syntax error; token: "{token.text}", near: "{self.text[start:end]}"')

    def close_parenthesis(self, inner_parenthesized: bool) -> None:
        """Read the `)` of a parenthesis whose content is parsed; a second pair around one is redundant."""
        self.expect(TokenKind.RPAREN)
        if inner_parenthesized:
            raise invalid(self.kind, REDUNDANT_PARENTHESES)

    # --- projection and paths ----------------------------------------------------------------------------

    def projection(self) -> ProjectionAst:
        """projection := path (',' path)* EOF"""
        paths = [self.document_path()]
        while self.accept(TokenKind.COMMA):
            paths.append(self.document_path())
        self.expect(TokenKind.EOF)
        return ProjectionAst(tuple(paths))

    def document_path(self) -> DocumentPath:
        """path := name ('.' member | '[' number ']')*
        name := identifier | #placeholder;  member := name | :placeholder"""
        elements: list[PathElement] = [self.path_name(after_dot=False)]
        while True:
            if self.accept(TokenKind.DOT):
                elements.append(self.path_name(after_dot=True))
            elif self.accept(TokenKind.LBRACKET):
                elements.append(ListIndex(int(self.expect(TokenKind.NUMBER).text)))
                self.expect(TokenKind.RBRACKET)
            else:
                return DocumentPath(tuple(elements))

    def path_name(self, *, after_dot: bool) -> AttributeName | NamePlaceholder:
        token = self.peek()
        if token.kind is TokenKind.IDENTIFIER:
            self.advance()
            return AttributeName(token.text)
        # The reference accepts a `:value` placeholder after a dot and looks it up among the *names*, so
        # `a.:v` parses and then fails as an undefined attribute name.
        if token.kind is TokenKind.NAME_PLACEHOLDER or (
            after_dot and token.kind is TokenKind.VALUE_PLACEHOLDER
        ):
            self.advance()
            return NamePlaceholder(token.text)
        raise self.syntax_error()

    # --- operands ----------------------------------------------------------------------------------------

    def operand(self) -> tuple[Operand, bool]:
        """operand := path | :value | function | '(' operand ')'; and whether it was parenthesized."""
        if self.accept(TokenKind.LPAREN):
            inner, parenthesized = self.operand()
            self.close_parenthesis(parenthesized)
            return inner, True
        token = self.peek()
        if token.kind is TokenKind.VALUE_PLACEHOLDER:
            self.advance()
            return ValuePlaceholder(token.text), False
        if token.kind is TokenKind.IDENTIFIER and self.peek(1).kind is TokenKind.LPAREN:
            return self.function_call(), False
        return self.document_path(), False

    def function_call(self) -> FunctionCall:
        """function := identifier '(' operand (',' operand)* ')'"""
        name = self.expect(TokenKind.IDENTIFIER).text
        self.expect(TokenKind.LPAREN)
        arguments = [self.operand()[0]]
        while self.accept(TokenKind.COMMA):
            arguments.append(self.operand()[0])
        self.expect(TokenKind.RPAREN)
        return FunctionCall(name, tuple(arguments))

    # --- conditions --------------------------------------------------------------------------------------

    def condition(self) -> ConditionAst:
        """condition_ := condition EOF"""
        node, _ = self.disjunction(bare_operand=False)
        self.expect(TokenKind.EOF)
        return ConditionAst(_as_condition(node))

    def disjunction(self, *, bare_operand: bool) -> _Parsed:
        """conjunction (OR disjunction)?  — with `bare_operand`, a lone operand may stand for the whole
        (inside parentheses, where it may turn out to be a parenthesized operand)."""
        left, parenthesized = self.conjunction(bare_operand=bare_operand)
        if _is_operand(left) or not self.accept(TokenKind.OR):
            return left, parenthesized
        right, _ = self.disjunction(bare_operand=False)
        return Or(_as_condition(left), _as_condition(right)), False

    def conjunction(self, *, bare_operand: bool) -> _Parsed:
        """negation (AND conjunction)?"""
        left, parenthesized = self.negation(bare_operand=bare_operand)
        if _is_operand(left) or not self.accept(TokenKind.AND):
            return left, parenthesized
        right, _ = self.conjunction(bare_operand=False)
        return And(_as_condition(left), _as_condition(right)), False

    def negation(self, *, bare_operand: bool) -> _Parsed:
        """NOT negation | primary"""
        if self.accept(TokenKind.NOT):
            operand, _ = self.negation(bare_operand=False)
            return Not(_as_condition(operand)), False
        return self.primary(bare_operand=bare_operand)

    def primary(self, *, bare_operand: bool) -> _Parsed:
        """A comparison, BETWEEN, IN, function condition or parenthesized condition."""
        self.check_follower(_BARE_OPERAND_FOLLOWERS if bare_operand else _PREDICATE_STARTS)
        if self.accept(TokenKind.LPAREN):
            inner, inner_parenthesized = self.disjunction(bare_operand=True)
            self.close_parenthesis(inner_parenthesized)
            if _is_operand(inner) or (isinstance(inner, FunctionCall) and self.continues_predicate()):
                return self.predicate(_as_operand(inner), bare_operand=bare_operand, parenthesized=True)
            return inner, True
        token = self.peek()
        if token.kind is TokenKind.IDENTIFIER and self.peek(1).kind is TokenKind.LPAREN:
            call = self.function_call()
            if self.continues_predicate():
                return self.predicate(call, bare_operand=False, parenthesized=False)
            return call, False
        left, parenthesized = self.operand()
        return self.predicate(left, bare_operand=bare_operand, parenthesized=parenthesized)

    def check_follower(self, followers: frozenset[TokenKind]) -> None:
        """If an operand starts here, the token after it must be able to follow it.

        DynamoDB's parser decides what a condition is by looking past its first operand (through any
        parentheses and function arguments) before it reads it, so a wrong token there is the syntax
        error even when the operand itself has redundant parentheses. The exception is a function call:
        it may be a whole condition, which DynamoDB then settles for whatever follows. An operand cut
        short inside parentheses may still be the start of a parenthesized condition, if what cuts it
        short can continue one.
        """
        scan = scan_operand(self, self.position)
        if scan.complete:
            if scan.is_function or self.tokens[scan.end].kind in followers:
                return
        else:
            kind = self.tokens[scan.end].kind
            if not scan.after_operand or kind in _PREDICATE_STARTS:
                return
            if scan.last_is_function and (kind is TokenKind.AND or kind is TokenKind.OR):
                return
        self.fail_at(scan.end)

    def fail_at(self, index: int) -> NoReturn:
        self.position = index
        raise self.syntax_error()

    def continues_predicate(self) -> bool:
        kind = self.peek().kind
        return kind in COMPARATORS or kind is TokenKind.BETWEEN or kind is TokenKind.IN

    def predicate(self, left: Operand, *, bare_operand: bool, parenthesized: bool) -> _Parsed:
        """What follows a first operand: a comparator, BETWEEN or IN (or nothing, for a bare operand)."""
        token = self.peek()
        if token.kind in COMPARATORS:
            self.advance()
            return Comparison(token.text, left, self.operand()[0]), False
        if self.accept(TokenKind.BETWEEN):
            low = self.operand()[0]
            self.expect(TokenKind.AND)
            return Between(left, low, self.operand()[0]), False
        if self.accept(TokenKind.IN):
            self.expect(TokenKind.LPAREN)
            candidates = [self.operand()[0]]
            while self.accept(TokenKind.COMMA):
                candidates.append(self.operand()[0])
            self.expect(TokenKind.RPAREN)
            return In(left, tuple(candidates)), False
        if bare_operand:
            return left, parenthesized
        raise self.syntax_error()

    # --- updates -----------------------------------------------------------------------------------------

    def update(self) -> UpdateAst:
        """update_ := section+ EOF"""
        sections = [self.section()]
        while self.peek().kind is not TokenKind.EOF:
            sections.append(self.section())
        return UpdateAst(tuple(sections))

    def section(self) -> Section:
        keyword = self.peek()
        if keyword.kind not in _SECTION_KEYWORDS:
            raise self.syntax_error()
        self.advance()
        actions = [self.action(keyword.kind)]
        while self.accept(TokenKind.COMMA):
            actions.append(self.action(keyword.kind))
        return Section(keyword.kind.value, tuple(actions))

    def action(self, keyword: TokenKind) -> Action:
        path = self.document_path()
        if keyword is TokenKind.REMOVE:
            return RemoveAction(path)
        if keyword is TokenKind.SET:
            self.expect(TokenKind.EQ)
            value, _ = self.set_value()
            return SetAction(path, value)
        value_token = self.expect(TokenKind.VALUE_PLACEHOLDER)
        if keyword is TokenKind.ADD:
            return AddAction(path, ValuePlaceholder(value_token.text))
        return DeleteAction(path, ValuePlaceholder(value_token.text))

    def set_value(self) -> tuple[Operand, bool]:
        """operand | arithmetic, where a `(` may open either. DynamoDB reads through the first operand
        before committing (so tokens that go wrong inside it are the error, unless a `+` or `-` may
        still make it arithmetic in parentheses), but then settles for a lone operand whatever follows,
        so its redundant parentheses win over a wrong token after it."""
        scan = scan_operand(self, self.position)
        if not scan.complete and self.tokens[scan.end].kind not in (TokenKind.PLUS, TokenKind.MINUS):
            self.fail_at(scan.end)
        if self.accept(TokenKind.LPAREN):
            inner, inner_parenthesized = self.set_value()
            self.close_parenthesis(inner_parenthesized)
            if isinstance(inner, Arithmetic):
                return inner, True
            return self.arithmetic_rest(inner, parenthesized=True)
        left, parenthesized = self.operand()
        return self.arithmetic_rest(left, parenthesized=parenthesized)

    def arithmetic_rest(self, left: Operand, *, parenthesized: bool) -> tuple[Operand, bool]:
        token = self.peek()
        if token.kind is TokenKind.PLUS or token.kind is TokenKind.MINUS:
            self.advance()
            return Arithmetic(token.text, left, self.operand()[0]), False
        return left, parenthesized


def parse_projection(text: str) -> ProjectionAst:
    """A ProjectionExpression's tree, or the ValidationException AWS gives for its text."""
    kind = ExpressionKind.PROJECTION
    check_text(kind, text)
    tree = Parser(kind, text).projection()
    for path in tree.paths:
        check_path(kind, path)
    return tree


def parse_condition(kind: ExpressionKind, text: str) -> ConditionAst:
    """A condition's tree (ConditionExpression, FilterExpression, KeyConditionExpression), or the
    ValidationException AWS gives for its text."""
    check_text(kind, text)
    tree = Parser(kind, text).condition()
    check_condition(kind, tree.root)
    return tree


def parse_update(text: str) -> UpdateAst:
    """An UpdateExpression's tree, or the ValidationException AWS gives for its text."""
    check_text(ExpressionKind.UPDATE, text)
    parser = Parser(ExpressionKind.UPDATE, text)
    tree = parser.update()
    check_update(tree)
    return tree
