"""ExecuteTransaction: up to 100 statements applied all or none (writes) or read at one instant (SELECTs),
through the machinery of TransactWriteItems and TransactGetItems.

Writes become the `PlannedWrite`s TransactWriteItems commits (INSERT a Put that refuses an existing item,
UPDATE an Update, DELETE a Delete, EXISTS(SELECT …) a ConditionCheck) and go through `commit_transaction`
(app/operations/transact_write.py): two actions on one item, cancellation reasons in statement order,
real isolation. SELECTs become the `PlannedGet`s of TransactGetItems and are read by `run_gets`. A
ClientRequestToken makes the request idempotent for 10 minutes (app/operations/idempotency.py).

The checks, in the reference's order:
1. every statement's Parameters values (request-level ValidationException);
2. per statement, in order: its syntax (the plain ValidationException), then, reported as `Validation
   failed in TransactStatements[i]: …`, its static checks, the number of its parameters, RETURNING
   ("RETURNING clause is not supported in ExecuteTransaction."), a SELECT of an index ("Reads on indices
   are not supported within transactions."), the WHERE clause and update with the parameters;
3. SELECTs mixed with writes ("ExecuteTransaction API does not support both read and write operations
   in the same request.");
4. per statement: its table ("Requested resource not found"), then what needs the table: a SELECT must
   name one item by its whole key and nothing else, an EXISTS one item plus a condition (both reported
   with the statement's index); a write without its whole key is refused as the reference refuses it (a
   TransactionCanceledException whose message is "ValidationError <why>", without reasons); a key of the
   wrong type, a missing key attribute, an update of a key attribute are the statement's ValidationError
   reason, and the others are evaluated on their items for their reasons.

A write transaction answers `{"Responses": []}`, a read one each item (`{"Item": …}`, projected by its
SELECT list) or `{}`. ConsumedCapacity is TransactWriteItems' and TransactGetItems'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.errors import (
    IdempotentParameterMismatchException,
    TransactionCanceledException,
    ValidationException,
)
from app.operations.idempotency import idempotent
from app.operations.registry import Context, Request, Response
from app.operations.statement_writes import item_write
from app.operations.table_lookup import active_table
from app.operations.transact_get import PlannedGet, run_gets
from app.operations.transact_reasons import cancellation, is_request_error
from app.operations.transact_write import (
    DistinctItems,
    PlannedWrite,
    WriteKind,
    cancel_for_invalid,
    commit_transaction,
)
from app.operations.transactions import NOTHING, WriteSummary, summarize, summary_capacity
from app.partiql import ast, parse, parse_syntax
from app.partiql.keys import MANDATORY_KEYS, single_item
from app.partiql.plans import (
    EXISTS_NEEDS_CONDITION,
    Compiled,
    check_write_paths,
    compile_statement,
    plan_write,
)
from app.partiql.values import PARAMETER_COUNT, ValueBuilder
from app.values.attributes import validate_value
from storage.api import TableMeta

OPERATION = "ExecuteTransaction"
MIXED = "ExecuteTransaction API does not support both read and write operations in the same request."
NO_RETURNING = "RETURNING clause is not supported in ExecuteTransaction."
NO_INDEX_READS = "Reads on indices are not supported within transactions."
SELECT_NEEDS_KEY = (
    "Select statements within ExecuteTransaction must specify the primary key in the where clause."
)
TOKEN_MISMATCH = (
    "Specified idempotent token was used with different request parameters within the idempotency window"
)


def _failed(index: int, error: ValidationException) -> ValidationException:
    return ValidationException(f"Validation failed in TransactStatements[{index}]: {error.message}")


@dataclass(frozen=True)
class _Checked:
    """A statement after the checks that need no table."""

    index: int
    entry: dict[str, Any]
    statement: ast.Statement
    compiled: Compiled
    builder: ValueBuilder

    @property
    def table(self) -> str:
        statement = self.statement
        return statement.select.source.table if isinstance(statement, ast.Exists) else statement.source.table


def _check(index: int, entry: dict[str, Any], parameters: tuple[Any, ...]) -> _Checked:
    text: str = entry["Statement"]
    parse_syntax(text)
    try:
        parsed = parse(text)
        if parsed.parameter_count > len(parameters):
            raise ValidationException(PARAMETER_COUNT)
        statement = parsed.statement
        if isinstance(statement, ast.Update | ast.Delete) and statement.returning is not None:
            raise ValidationException(NO_RETURNING)
        if isinstance(statement, ast.Insert) and statement.returning:
            raise ValidationException(NO_RETURNING)
        if isinstance(statement, ast.Select) and statement.source.index is not None:
            raise ValidationException(NO_INDEX_READS)
        builder = ValueBuilder(parameters)
        compiled = compile_statement(statement, builder)
    except ValidationException as error:
        raise _failed(index, error) from None
    return _Checked(index, entry, statement, compiled, builder)


def _kind(statement: ast.Statement) -> WriteKind:
    if isinstance(statement, ast.Insert):
        return "Put"
    if isinstance(statement, ast.Update):
        return "Update"
    if isinstance(statement, ast.Delete):
        return "Delete"
    return "ConditionCheck"


def _plan_write(item: _Checked, meta: TableMeta) -> PlannedWrite | ValidationException:
    """One write against its table, or the ValidationError reason it fails with."""
    try:
        plan = plan_write(item.statement, item.compiled, meta, item.builder)
        check_write_paths(plan, meta)
    except ValidationException as error:
        if error.message == MANDATORY_KEYS:
            raise TransactionCanceledException(f"ValidationError {error.message}") from None
        if error.message == EXISTS_NEEDS_CONDITION:
            raise _failed(item.index, error) from None
        if is_request_error(error):
            raise
        return error
    return_old = item.entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    write = item_write(plan, meta, return_old, in_transaction=True)
    return PlannedWrite(meta, plan.key, write, _kind(item.statement))


async def _writes(
    ctx: Context, checked: list[_Checked], tables: list[TableMeta], detailed: bool
) -> WriteSummary:
    planned = [_plan_write(item, meta) for item, meta in zip(checked, tables, strict=True)]
    if any(isinstance(action, ValidationException) for action in planned):
        await cancel_for_invalid(ctx, planned)
    actions = [action for action in planned if isinstance(action, PlannedWrite)]
    results = await commit_transaction(ctx, actions)
    return summarize(actions, results) if detailed else NOTHING


async def _reads(
    ctx: Context, checked: list[_Checked], tables: list[TableMeta], mode: str | None
) -> Response:
    planned: list[PlannedGet] = []
    reasons: list[ValidationException | None] = []
    distinct = DistinctItems()
    for item, meta in zip(checked, tables, strict=True):
        statement = item.statement
        assert isinstance(statement, ast.Select)
        try:
            key = single_item(statement.where, meta.key_schema, item.builder)
        except ValidationException as error:
            if is_request_error(error):
                raise
            reasons.append(error)
            continue
        if key is None:
            raise _failed(item.index, ValidationException(SELECT_NEEDS_KEY))
        distinct.add(meta, key)
        planned.append(PlannedGet(meta, key, item.compiled.select))
        reasons.append(None)
    if any(reason is not None for reason in reasons):
        raise cancellation(list(reasons))
    return await run_gets(ctx, planned, mode)


async def run_transaction(request: Request, ctx: Context) -> Response:
    """The ExecuteTransaction response."""
    entries: list[dict[str, Any]] = request["TransactStatements"]
    parameters = [
        tuple(validate_value(value) for value in entry.get("Parameters") or ()) for entry in entries
    ]
    checked = [
        _check(index, entry, values)
        for index, (entry, values) in enumerate(zip(entries, parameters, strict=True))
    ]
    reads = [isinstance(item.statement, ast.Select) for item in checked]
    if any(reads) and not all(reads):
        raise ValidationException(MIXED)
    tables = [await active_table(ctx, item.table) for item in checked]
    token = request.get("ClientRequestToken")
    mode = request.get("ReturnConsumedCapacity")
    try:
        if all(reads):
            response, _ = await idempotent(
                ctx, OPERATION, token, request, lambda: _reads(ctx, checked, tables, mode)
            )
            return response
        detailed = token is not None or mode in ("TOTAL", "INDEXES")
        summary, repeated = await idempotent(
            ctx, OPERATION, token, request, lambda: _writes(ctx, checked, tables, detailed)
        )
    except IdempotentParameterMismatchException:
        raise IdempotentParameterMismatchException(TOKEN_MISMATCH) from None
    out: Response = {"Responses": []}
    capacity = summary_capacity(mode, summary, repeated)
    if capacity is not None:
        out["ConsumedCapacity"] = capacity
    return out
