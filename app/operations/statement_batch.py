"""BatchExecuteStatement: up to 25 single-item statements, all reads (BatchGetItem) or all writes
(BatchWriteItem's items, each written on its own: a batch is not a transaction).

In the reference's order:
1. every statement's Parameters values (a bad one fails the whole request);
2. per statement: its syntax and static checks (a statement that is none of the four is "Invalid
   operation. Only select, insert, update and delete operations are valid"), the number of its
   parameters, EXISTS (only for ExecuteTransaction), its WHERE clause and update with the parameters; a
   failure is that statement's error in Responses;
3. reads and writes mixed among the statements that got this far: "Read and write requests together in
   the same batch is not supported." for the whole request;
4. per statement: its table (`ResourceNotFound`), a SELECT naming one item by its whole key and nothing
   else ("Only single item select is supported"; an index it names is ignored, as the reference does),
   a write's key;
5. two statements naming the same item: "Provided list of item keys contains duplicates" for the whole
   request;
6. the reads and writes, in order. A write's own failures (its condition, DuplicateItem, an update that
   cannot apply, a write to a key attribute) are its error in Responses, with the table's name.

A response is `{"TableName", "Item"}` for a read (no Item: no such item), `{"TableName"}` for a write
(with the RETURNING item, if any), or `{"Error": {"Code", "Message", "Item"?}, "TableName"?}` with
BatchStatementError's codes. ConsumedCapacity is one entry per table, reads charged as GetItem, writes
as the single-item writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from app import errors
from app.errors import DynamoDBError, ValidationException
from app.operations.batch_common import DUPLICATE_KEYS, consumed_capacity_list, key_identity
from app.operations.capacity import Consumption, read_units
from app.operations.registry import Context, Request, Response
from app.operations.statement_writes import returned_item, run_write, write_units
from app.operations.table_lookup import active_table
from app.partiql import ast, parse
from app.partiql.keys import single_item
from app.partiql.plans import (
    EXISTS_ONLY_IN_TRANSACTIONS,
    Compiled,
    WritePlan,
    check_write_paths,
    compile_statement,
    plan_write,
)
from app.partiql.values import PARAMETER_COUNT, ValueBuilder
from app.values.attributes import AttributeValue, validate_value
from storage.api import Item, ItemCollectionTooLarge, TableMeta, TableNotFound, TransactionConflict

READ_WRITE_MIXED = "Read and write requests together in the same batch is not supported."
SINGLE_ITEM_SELECT = "Only single item select is supported"
INVALID_OPERATION = "Invalid operation. Only select, insert, update and delete operations are valid"
UNSUPPORTED_OPERATION = "Unsupported operation: "
RESOURCE_NOT_FOUND = "Requested resource not found"
TRANSACTION_ONGOING = "Transaction is ongoing for the item"
COLLECTION_TOO_LARGE = "Collection size exceeded"
ERROR_CODES: dict[type[DynamoDBError], str] = {
    errors.ConditionalCheckFailedException: "ConditionalCheckFailed",
    errors.ValidationException: "ValidationError",
    errors.ResourceNotFoundException: "ResourceNotFound",
    errors.DuplicateItemException: "DuplicateItem",
    errors.TransactionConflictException: "TransactionConflict",
    errors.ItemCollectionSizeLimitExceededException: "ItemCollectionSizeLimitExceeded",
    errors.ProvisionedThroughputExceededException: "ProvisionedThroughputExceeded",
    errors.RequestLimitExceeded: "RequestLimitExceeded",
    errors.ThrottlingException: "ThrottlingError",
    errors.AccessDeniedException: "AccessDenied",
}


def statement_error(error: DynamoDBError, table: str | None = None) -> dict[str, Any]:
    """A BatchStatementResponse carrying `error` (with the table's name once the statement ran)."""
    body: dict[str, Any] = {
        "Code": ERROR_CODES.get(type(error), "InternalServerError"),
        "Message": error.message,
    }
    if "Item" in error.extra:
        body["Item"] = error.extra["Item"]
    out: dict[str, Any] = {"Error": body}
    if table is not None:
        out["TableName"] = table
    return out


@dataclass
class _Statement:
    """One statement of the batch as it goes through the steps; `response` once it has one."""

    entry: dict[str, Any]
    builder: ValueBuilder
    statement: ast.Statement | None = None
    compiled: Compiled | None = None
    meta: TableMeta | None = None
    key: Item | None = None
    plan: WritePlan | None = None
    response: dict[str, Any] | None = None

    @property
    def pending(self) -> bool:
        return self.response is None

    @property
    def is_read(self) -> bool:
        return isinstance(self.statement, ast.Select)


def _parameters(entries: Sequence[dict[str, Any]]) -> list[tuple[AttributeValue, ...]]:
    return [tuple(validate_value(value) for value in entry.get("Parameters") or ()) for entry in entries]


def _prepare(item: _Statement, parameters: tuple[AttributeValue, ...]) -> None:
    try:
        parsed = parse(item.entry["Statement"])
        if parsed.parameter_count > len(parameters):
            raise ValidationException(PARAMETER_COUNT)
        if isinstance(parsed.statement, ast.Exists):
            raise ValidationException(EXISTS_ONLY_IN_TRANSACTIONS)
        item.compiled = compile_statement(parsed.statement, item.builder)
        item.statement = parsed.statement
    except ValidationException as error:
        if error.message.startswith(UNSUPPORTED_OPERATION):
            error = ValidationException(INVALID_OPERATION)
        item.response = statement_error(error)


async def _plan(ctx: Context, item: _Statement) -> None:
    statement = item.statement
    assert statement is not None and item.compiled is not None
    assert not isinstance(statement, ast.Exists)
    try:
        try:
            meta = item.meta = await active_table(ctx, statement.source.table)
        except errors.ResourceNotFoundException:
            raise errors.ResourceNotFoundException(RESOURCE_NOT_FOUND) from None
        if isinstance(statement, ast.Select):
            # The index a SELECT names plays no part: it must name one item of the table by its key.
            key = single_item(statement.where, meta.key_schema, item.builder)
            if key is None:
                raise ValidationException(SINGLE_ITEM_SELECT)
            item.key = key
        else:
            item.plan = plan_write(statement, item.compiled, meta, item.builder)
            item.key = item.plan.key
    except DynamoDBError as error:
        item.response = statement_error(error)


async def _read(ctx: Context, item: _Statement, charges: dict[str, Consumption]) -> None:
    meta, key, compiled = item.meta, item.key, item.compiled
    assert meta is not None and key is not None and compiled is not None
    consistent = bool(item.entry.get("ConsistentRead"))
    try:
        stored = await ctx.cluster.get_item(ctx.namespace, meta.name, key, consistent)
    except TableNotFound:
        item.response = statement_error(errors.ResourceNotFoundException(RESOURCE_NOT_FOUND))
        return
    _charge(charges, meta.name, Consumption(read_units(stored.size if stored else 0, consistent)))
    response: dict[str, Any] = {"TableName": meta.name}
    if stored is not None:
        select = compiled.select
        response["Item"] = (
            orjson.Fragment(stored.data) if select is None else select.apply(orjson.loads(stored.data))
        )
    item.response = response


async def _write(ctx: Context, item: _Statement, charges: dict[str, Consumption]) -> None:
    meta, plan = item.meta, item.plan
    assert meta is not None and plan is not None
    return_old = item.entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    try:
        check_write_paths(plan, meta)
        result = await run_write(ctx, meta, plan, return_old)
    except DynamoDBError as error:
        item.response = statement_error(error, meta.name)
        return
    except TransactionConflict:
        item.response = statement_error(errors.TransactionConflictException(TRANSACTION_ONGOING), meta.name)
        return
    except ItemCollectionTooLarge:
        too_large = errors.ItemCollectionSizeLimitExceededException(COLLECTION_TOO_LARGE)
        item.response = statement_error(too_large, meta.name)
        return
    except TableNotFound:
        item.response = statement_error(errors.ResourceNotFoundException(RESOURCE_NOT_FOUND))
        return
    _charge(charges, meta.name, write_units(meta, result))
    response: dict[str, Any] = {"TableName": meta.name}
    returned = returned_item(plan, result)
    if returned:
        response["Item"] = returned
    item.response = response


def _charge(charges: dict[str, Consumption], table: str, consumption: Consumption) -> None:
    charges[table] = charges.get(table, Consumption()) + consumption


def _check_distinct(statements: Sequence[_Statement]) -> None:
    seen: set[tuple[str, bytes]] = set()
    for item in statements:
        if item.pending and item.meta is not None and item.key is not None:
            identity = (item.meta.table_id, key_identity(item.key))
            if identity in seen:
                raise ValidationException(DUPLICATE_KEYS)
            seen.add(identity)


async def run_batch(request: Request, ctx: Context) -> Response:
    """The BatchExecuteStatement response."""
    entries: list[dict[str, Any]] = request["Statements"]
    parameters = _parameters(entries)
    statements = [
        _Statement(entry, ValueBuilder(values)) for entry, values in zip(entries, parameters, strict=True)
    ]
    for item, values in zip(statements, parameters, strict=True):
        _prepare(item, values)
    kinds = {item.is_read for item in statements if item.pending}
    if len(kinds) > 1:
        raise ValidationException(READ_WRITE_MIXED)
    for item in statements:
        if item.pending:
            await _plan(ctx, item)
    _check_distinct(statements)
    charges: dict[str, Consumption] = {}
    for item in statements:
        if item.pending:
            await (_read(ctx, item, charges) if item.is_read else _write(ctx, item, charges))
    response: Response = {"Responses": [item.response for item in statements]}
    capacity = consumed_capacity_list(request.get("ReturnConsumedCapacity"), charges.items())
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
