"""Running a PartiQL SELECT: its Queries (or Scan) page by page, under Limit and NextToken.

A `SelectPlan` reads with one Query per partition key value, in key order, or one Scan. One
ExecuteStatement call reads on from where the NextToken left off (which Query, and the key of the last
item read), moving to the next Query when one is exhausted, until Limit items have been read or their
sizes reach 1 MB (the Query/Scan page rule: the item that reaches it is included); then it answers a
NextToken for the next call, even when nothing is left (as Query's LastEvaluatedKey). Limit counts items
read, before the WHERE clause filters them, as AWS documents for ExecuteStatement.

NextToken is opaque to clients: base64 of our own JSON `{"issued": time, "read": which Query, "after":
key, "format": 1}`. A token that does not decode is `Invalid NextToken`, one older than an hour `Given
NextToken has already expired`, and one whose key does not fit the table `Exclusive Start Key must have
same size as table's key schema` (observed on the reference).

A read of an index returns its entries. As Query and Scan do, a SELECT list of a global index may only
name attributes the index projects (`Global secondary index i does not project [v]`), and a read of a
local index fetches the table's items when its SELECT list names attributes the index does not hold, or
its WHERE clause reads them (the filter is then evaluated on the table's item).

Consumed capacity: each Query or Scan is charged as Query and Scan charge (the sizes of the items it
read, rounded up to 4 KB, at least one unit, halved for an eventually consistent read), on the table or
on the index read; items fetched from the table for a local index are charged on the table.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson

from app.errors import ValidationException
from app.operations.capacity import Consumption, read_units, render
from app.operations.read_index import check_projected, fetches_items, filter_fetches
from app.operations.read_keys import start_key_names
from app.operations.read_pages import PAGE_BYTES, fetch_table_item
from app.operations.registry import Context, Response
from app.partiql.plans import SelectPlan
from app.values import compare
from app.values.attributes import AttributeValue, validate_value
from storage.api import Item, Page, TableMeta

TOKEN_LIFETIME = 3600.0
TOKEN_FORMAT = 1
INVALID_TOKEN = "Invalid NextToken"
EXPIRED_TOKEN = "Given NextToken has already expired"
START_KEY_SIZE = "Exclusive Start Key must have same size as table's key schema"


@dataclass(frozen=True)
class Resume:
    """Where a read goes on: the Query (or Scan) `op`, after the item with key `key` (None: its start)."""

    op: int
    key: Item | None


def encode_token(now: float, resume: Resume) -> str:
    data = {"issued": round(now, 3), "read": resume.op, "after": resume.key, "format": TOKEN_FORMAT}
    return base64.b64encode(orjson.dumps(data)).decode()


def _token_parts(token: str) -> tuple[float, int, Any]:
    try:
        data = orjson.loads(base64.b64decode(token, validate=True))
        if data["format"] != TOKEN_FORMAT or type(data["read"]) is not int:
            raise ValueError(data["format"])
        return float(data["issued"]), data["read"], data["after"]
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        raise ValidationException(INVALID_TOKEN) from None


def decode_token(token: str, now: float, meta: TableMeta, plan: SelectPlan, ops: int) -> Resume:
    """The position a NextToken holds, checked against the statement's table and reads."""
    created, op, key = _token_parts(token)
    if now - created > TOKEN_LIFETIME:
        raise ValidationException(EXPIRED_TOKEN)
    names = start_key_names(meta.key_schema, plan.index)
    if not isinstance(key, dict) or len(key) != len(names):
        raise ValidationException(START_KEY_SIZE)
    if not 0 <= op < ops:
        raise ValidationException(INVALID_TOKEN)
    checked: Item = {}
    schemas = [meta.key_schema] + ([plan.index.key_schema] if plan.index is not None else [])
    types = {
        attribute.name: attribute.type
        for schema in schemas
        for attribute in (schema.hash, schema.range)
        if attribute is not None
    }
    for name in names:
        value = key.get(name)
        try:
            checked[name] = validate_value(value)
        except ValidationException:
            raise ValidationException(INVALID_TOKEN) from None
        if compare.type_name(checked[name]) != types[name]:
            raise ValidationException(INVALID_TOKEN)
    return Resume(op, checked)


@dataclass
class _Read:
    """What one ExecuteStatement call has read so far (and, for a local index, fetched from the table)."""

    items: list[Any]
    consumption: Consumption
    budget: int
    fetched: bool = False
    fetched_bytes: int = 0


@dataclass(frozen=True)
class _Fetch:
    """What a read of a local index needs from the table: the items for a SELECT list naming attributes
    the index does not hold, and for a WHERE clause reading them (Query's and Scan's rules)."""

    items: bool
    filter: bool

    @property
    def any(self) -> bool:
        return self.items or self.filter


def _fetch_rule(meta: TableMeta, plan: SelectPlan) -> _Fetch:
    projection = plan.select.projection() if plan.select is not None else None
    if projection is not None:
        check_projected(meta, plan.index, projection, None)
    return _Fetch(
        fetches_items(meta, plan.index, None, projection), filter_fetches(meta, plan.index, plan.condition)
    )


def _charge(plan: SelectPlan, size: int, consistent: bool) -> Consumption:
    units = read_units(size, consistent)
    index = plan.index
    if index is None:
        return Consumption(table=units)
    if index.is_global:
        return Consumption(global_indexes={index.name: units})
    return Consumption(local_indexes={index.name: units})


async def _keep(
    ctx: Context, meta: TableMeta, plan: SelectPlan, page: Page, read: _Read, fetch: _Fetch, consistent: bool
) -> None:
    """The items of a page that the WHERE clause keeps, as the SELECT list shapes them."""
    condition = plan.condition
    select = plan.select
    for entry in page.items:
        if condition is None and select is None:
            read.items.append(orjson.Fragment(entry.data))
            continue
        item: Item = orjson.loads(entry.data)
        base = item
        if fetch.any:
            fetched = await fetch_table_item(ctx, meta.name, meta.key_schema, item, consistent, read)
            if fetched is None:
                continue
            base = fetched
        if condition is not None and not condition.evaluate(base if fetch.filter else item):
            continue
        if select is None:
            read.items.append(orjson.Fragment(entry.data))
        else:
            read.items.append(select.apply(base if fetch.items else item))


async def _page(
    ctx: Context,
    plan: SelectPlan,
    value: AttributeValue | None,
    start: Item | None,
    limit: int | None,
    read: _Read,
    consistent: bool,
) -> Page:
    index_name = None if plan.index is None else plan.index.name
    if value is None:
        return await ctx.cluster.scan(
            ctx.namespace,
            plan.table,
            index_name,
            start_key=start,
            limit=limit,
            byte_limit=read.budget,
            consistent=consistent,
        )
    return await ctx.cluster.query(
        ctx.namespace,
        plan.table,
        index_name,
        value,
        plan.keys.sort,
        forward=plan.forward,
        start_key=start,
        limit=limit,
        byte_limit=read.budget,
        consistent=consistent,
    )


async def run_select(
    ctx: Context,
    meta: TableMeta,
    plan: SelectPlan,
    *,
    limit: int | None,
    token: str | None,
    consistent: bool,
    capacity_mode: str | None,
) -> Response:
    """The ExecuteStatement response of a SELECT: its items, a NextToken, its consumed capacity."""
    values: tuple[AttributeValue | None, ...] = plan.keys.hash_values or (None,)
    now = ctx.clock.now()
    resume = decode_token(token, now, meta, plan, len(values)) if token is not None else Resume(0, None)
    read = _Read([], Consumption(), PAGE_BYTES)
    fetch = _fetch_rule(meta, plan)
    names = start_key_names(meta.key_schema, plan.index)
    remaining = limit
    op, start = resume.op, resume.key
    next_token: str | None = None
    while op < len(values):
        page = await _page(ctx, plan, values[op], start, remaining, read, consistent)
        size = sum(entry.size for entry in page.items)
        read.budget -= size
        read.consumption = read.consumption + _charge(plan, size, consistent)
        await _keep(ctx, meta, plan, page, read, fetch, consistent)
        if read.fetched:
            read.consumption = read.consumption + Consumption(read_units(read.fetched_bytes, consistent))
            read.fetched, read.fetched_bytes = False, 0
        if remaining is not None:
            remaining -= len(page.items)
        if page.items and ((remaining is not None and remaining <= 0) or read.budget <= 0):
            last: Item = orjson.loads(page.items[-1].data)
            next_token = encode_token(now, Resume(op, {name: last[name] for name in names}))
            break
        op, start = op + 1, None
    response: Response = {"Items": read.items}
    if next_token is not None:
        response["NextToken"] = next_token
    capacity = render(capacity_mode, meta.name, read.consumption)
    if capacity is not None:
        response["ConsumedCapacity"] = capacity
    return response
