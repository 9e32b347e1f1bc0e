"""ExecuteStatement: one PartiQL statement, run as the JSON API operation it stands for.

The checks come in the reference's order: the statement's syntax and what it says without its parameters
(app/partiql/parser.py, plans.check_static), the number of Parameters (at least one per `?`) and each
parameter's value, EXISTS outside a transaction, the statement with its parameters (plans.compile_statement),
the table (ResourceNotFoundException), then the statement against the table (plans): a SELECT reads
through Query or Scan pages (statement_reads.py), a write runs as one `ItemWrite` (statement_writes.py)
and answers its RETURNING item in Items. Limit, NextToken and ConsistentRead only matter to a SELECT;
ReturnValuesOnConditionCheckFailure only to a write.

BatchExecuteStatement runs in statement_batch.py, ExecuteTransaction in statement_transaction.py.
"""

from __future__ import annotations

from app.errors import ValidationException
from app.operations.capacity import render
from app.operations.read_index import read_source
from app.operations.registry import Context, Request, Response, operation
from app.operations.statement_batch import run_batch
from app.operations.statement_reads import run_select
from app.operations.statement_transaction import run_transaction
from app.operations.statement_writes import returned_item, run_write, write_units
from app.operations.table_lookup import active_table
from app.partiql import ast, parse
from app.partiql.plans import (
    EXISTS_ONLY_IN_TRANSACTIONS,
    check_write_paths,
    compile_statement,
    plan_select,
    plan_write,
)
from app.partiql.values import ValueBuilder, check_parameters
from app.values.attributes import AttributeValue


def prepare(request: Request) -> tuple[ast.Statement, tuple[AttributeValue, ...]]:
    """A request's statement and its checked parameters."""
    parsed = parse(request["Statement"])
    parameters = check_parameters(parsed.parameter_count, request.get("Parameters"))
    return parsed.statement, parameters


def table_of(statement: ast.Statement) -> str:
    return statement.select.source.table if isinstance(statement, ast.Exists) else statement.source.table


@operation("ExecuteStatement")
async def execute_statement(request: Request, ctx: Context) -> Response:
    statement, parameters = prepare(request)
    if isinstance(statement, ast.Exists):
        raise ValidationException(EXISTS_ONLY_IN_TRANSACTIONS)
    builder = ValueBuilder(parameters)
    compiled = compile_statement(statement, builder)
    meta = await active_table(ctx, statement.source.table)
    capacity_mode = request.get("ReturnConsumedCapacity")
    if isinstance(statement, ast.Select):
        consistent = bool(request.get("ConsistentRead"))
        index = read_source(meta, statement.source.index, consistent, ctx.clock.now())
        select = plan_select(statement, compiled, meta, index, builder)
        return await run_select(
            ctx,
            meta,
            select,
            limit=request.get("Limit"),
            token=request.get("NextToken"),
            consistent=consistent,
            capacity_mode=capacity_mode,
        )
    plan = plan_write(statement, compiled, meta, builder)
    check_write_paths(plan, meta)
    return_old = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    result = await run_write(ctx, meta, plan, return_old)
    item = returned_item(plan, result)
    response: Response = {"Items": [item] if item else []}
    capacity = render(capacity_mode, meta.name, write_units(meta, result))
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response


@operation("BatchExecuteStatement")
async def batch_execute_statement(request: Request, ctx: Context) -> Response:
    return await run_batch(request, ctx)


@operation("ExecuteTransaction")
async def execute_transaction(request: Request, ctx: Context) -> Response:
    return await run_transaction(request, ctx)
