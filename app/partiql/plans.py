"""Statements compiled, then planned against their table: what to read or write, as the JSON API's pieces.

A statement is checked in three steps, in the reference's order: `check_static` before its parameters
(values, operators and functions it uses, its SELECT list; cached with the parse), `compile_statement`
once the parameters are known (the WHERE clause as a filter, the SET/REMOVE update, INSERT's item), and
the plan once the table is known (the key, a write's own condition, the reads):

- SELECT -> `SelectPlan`: the key schema read (the table's or the index's), the partition key values to
  Query (none: a Scan) and a sort key condition, the WHERE clause as a filter `Condition`, the SELECT
  list, and the direction ORDER BY asks for;
- INSERT -> `InsertPlan`: the item and its key (a PutItem that refuses an existing item);
- UPDATE -> `UpdatePlan`: the key, the `Update`, and the condition (the item exists, and the WHERE
  clause's other conjuncts hold);
- DELETE -> `DeletePlan`: the key and the condition of the other conjuncts;
- EXISTS(SELECT …) -> `CheckPlan`: a key and a condition (ExecuteTransaction's condition check).

The operations turn these into Query/Scan pages and `ItemWrite`s (app/operations/statement_*.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import ValidationException
from app.expressions.conditions import Condition
from app.expressions.kinds import ExpressionKind
from app.expressions.update import Update
from app.partiql import ast
from app.partiql.conditions import Translator, compile_where
from app.partiql.keys import MANDATORY_KEYS, ReadKeys, key_type_error, read_keys, write_target
from app.partiql.projection import SelectList
from app.partiql.updates import UpdateTranslator, compile_update
from app.partiql.values import ValueBuilder
from app.values import compare
from app.values.attributes import validate_item
from app.values.index_keys import index_key_names
from app.values.keys import check_key_value
from app.values.size import check_item_size
from storage.api import IndexDef, Item, KeySchema, TableMeta

NO_WHERE_ORDER = "Must have WHERE clause in the statement when using ORDER BY clause."
NO_HASH_ORDER = (
    "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
)
EXISTS_ONLY_IN_TRANSACTIONS = "EXISTS can only be used in ExecuteTransaction write requests."
EXISTS_NEEDS_CONDITION = "EXISTS() must contain a single item read with additional condition"


@dataclass(frozen=True)
class SelectPlan:
    table: str
    index: IndexDef | None
    schema: KeySchema
    keys: ReadKeys
    condition: Condition | None
    select: SelectList | None
    forward: bool


@dataclass(frozen=True)
class InsertPlan:
    key: Item
    item: Item
    size: int


@dataclass(frozen=True)
class UpdatePlan:
    key: Item
    update: Update
    condition: Condition | None
    returning: ast.Returning | None


@dataclass(frozen=True)
class DeletePlan:
    key: Item
    condition: Condition | None
    returning: ast.Returning | None


@dataclass(frozen=True)
class CheckPlan:
    key: Item
    condition: Condition | None


WritePlan = InsertPlan | UpdatePlan | DeletePlan | CheckPlan


def _key_names(meta: TableMeta) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = meta.key_schema.names()
    return names, tuple(index_key_names(meta.indexes, names))


def check_static(statement: ast.Statement) -> None:
    """What AWS checks before it looks at the parameters: each value as written (a `?` stands for any
    value), the operators and functions, the SELECT list, INSERT's item shape."""
    builder = ValueBuilder.static()
    translator = Translator(builder)
    where: ast.Expr | None = None
    if isinstance(statement, ast.Select):
        if statement.projection is not None:
            SelectList.of(statement.projection)
        where = statement.where
    elif isinstance(statement, ast.Insert):
        builder.item(statement.value)
    elif isinstance(statement, ast.Update):
        updates = UpdateTranslator(builder)
        for clause in statement.clauses:
            if isinstance(clause, ast.SetClause) and updates.set_operand(clause) is None:
                updates.value(clause.value)
        where = statement.where
    elif isinstance(statement, ast.Delete):
        where = statement.where
    else:
        where = statement.select.where
    if where is not None:
        translator.condition(where)


@dataclass(frozen=True)
class Compiled:
    """What a statement means before its table is known: its WHERE clause as a filter, its SELECT list,
    an UPDATE's `Update`, an INSERT's item."""

    condition: Condition | None = None
    select: SelectList | None = None
    update: Update | None = None
    item: Item | None = None


def compile_statement(statement: ast.Statement, builder: ValueBuilder) -> Compiled:
    """The table-independent compilation (the expression language's checks, with the parameters)."""
    if isinstance(statement, ast.Insert):
        return Compiled(item=validate_item(builder.item(statement.value)))
    if isinstance(statement, ast.Exists):
        statement = statement.select
    where = [statement.where] if statement.where is not None else []
    update = compile_update(statement.clauses, builder) if isinstance(statement, ast.Update) else None
    condition = compile_where(where, builder)
    select = None
    if isinstance(statement, ast.Select) and statement.projection is not None:
        select = SelectList.of(statement.projection)
    return Compiled(condition, select, update)


def key_path_error(error: ValidationException) -> ValidationException:
    """A path into a key attribute, as PartiQL words it (`Key pk`, not `Key: pk`)."""
    return ValidationException(
        error.message.replace(": Key: ", ": Key ").replace(": IndexKey: ", ": IndexKey ")
    )


def _forward(select: ast.Select, schema: KeySchema, keys: ReadKeys) -> bool:
    """The sort order ORDER BY asks for (only the sort key's direction matters)."""
    if not select.order_by:
        return True
    if select.where is None:
        raise ValidationException(NO_WHERE_ORDER)
    if keys.is_scan:
        raise ValidationException(NO_HASH_ORDER)
    forward = True
    for item in select.order_by:
        name = item.path.root
        if item.path.steps or name not in schema.names():
            raise ValidationException(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key"
            )
        if schema.range is not None and name == schema.range.name:
            forward = not item.descending
    return forward


def plan_select(
    select: ast.Select, compiled: Compiled, meta: TableMeta, index: IndexDef | None, builder: ValueBuilder
) -> SelectPlan:
    schema = meta.key_schema if index is None else index.key_schema
    keys = read_keys(select.where, schema, builder)
    forward = _forward(select, schema, keys)
    key_names, index_names = _key_names(meta)
    if compiled.condition is not None:
        try:
            compiled.condition.check_key_attributes(key_names, index_names)
        except ValidationException as error:
            raise key_path_error(error) from None
    return SelectPlan(meta.name, index, schema, keys, compiled.condition, compiled.select, forward)


def _item_key(item: Item, schema: KeySchema) -> Item:
    """INSERT's key checks, in PartiQL's words."""
    key: Item = {}
    attributes = [(schema.hash, True)] + ([(schema.range, False)] if schema.range is not None else [])
    for attribute, is_hash in attributes:
        value = item.get(attribute.name)
        if value is None:
            raise ValidationException(f"Key attribute should be present in the item: Key {attribute.name}")
        if compare.type_name(value) != attribute.type:
            raise key_type_error(attribute.name)
        check_key_value(attribute, value, is_hash)
        key[attribute.name] = value
    return key


def plan_insert(insert: ast.Insert, item: Item, meta: TableMeta) -> InsertPlan:
    key = _item_key(item, meta.key_schema)
    if insert.returning:
        raise ValidationException("RETURNING is not supported in INSERT")
    size = check_item_size(item)
    return InsertPlan(key, item, size)


def plan_update(statement: ast.Update, update: Update, meta: TableMeta, builder: ValueBuilder) -> UpdatePlan:
    target = write_target(statement.where, meta.key_schema, builder)
    condition = compile_where(
        list(target.rest), builder, ExpressionKind.CONDITION, must_exist=meta.key_schema.hash.name
    )
    return UpdatePlan(target.key, update, condition, statement.returning)


def check_write_paths(plan: WritePlan, meta: TableMeta) -> None:
    """Writes to key attributes and paths into them (UpdateItem's and the condition's checks): AWS
    makes these as the underlying write runs, so a batch reports them with the table's name."""
    key_names, index_names = _key_names(meta)
    if isinstance(plan, UpdatePlan):
        plan.update.check_key_attributes(key_names, index_names)
    if not isinstance(plan, InsertPlan) and plan.condition is not None:
        try:
            plan.condition.check_key_attributes(key_names, index_names)
        except ValidationException as error:
            raise key_path_error(error) from None


def plan_delete(statement: ast.Delete, meta: TableMeta, builder: ValueBuilder) -> DeletePlan:
    target = write_target(statement.where, meta.key_schema, builder)
    condition = compile_where(list(target.rest), builder, ExpressionKind.CONDITION)
    return DeletePlan(target.key, condition, statement.returning)


def plan_check(statement: ast.Exists, meta: TableMeta, builder: ValueBuilder) -> CheckPlan:
    try:
        target = write_target(statement.select.where, meta.key_schema, builder)
    except ValidationException as error:
        if error.message == MANDATORY_KEYS:
            raise ValidationException(EXISTS_NEEDS_CONDITION) from None
        raise
    if not target.rest:
        raise ValidationException(EXISTS_NEEDS_CONDITION)
    condition = compile_where(list(target.rest), builder, ExpressionKind.CONDITION)
    return CheckPlan(target.key, condition)


def plan_write(
    statement: ast.Statement, compiled: Compiled, meta: TableMeta, builder: ValueBuilder
) -> WritePlan:
    if isinstance(statement, ast.Insert):
        assert compiled.item is not None
        return plan_insert(statement, compiled.item, meta)
    if isinstance(statement, ast.Update):
        assert compiled.update is not None
        return plan_update(statement, compiled.update, meta, builder)
    if isinstance(statement, ast.Delete):
        return plan_delete(statement, meta, builder)
    assert isinstance(statement, ast.Exists)
    return plan_check(statement, meta, builder)
