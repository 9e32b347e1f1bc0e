"""Query and Scan: each checks its request in AWS's order, then reads one page from storage.

Query, before the table is known (dynalite's suite, recorded on AWS): Select against the projection
(read_plans.check_select); legacy/expression mixing; the placeholder maps' presence; QueryFilter;
AttributesToGet; ExclusiveStartKey's values; KeyConditions or KeyConditionExpression present; the
expressions (key condition, filter, projection) and unused placeholders; each key condition's shape; one or
two of them. Then the table; the index (read_index.read_source); the key conditions and the start key
against the key schema (read_keys.QueryKeys.resolve); the projection's and the filter's paths into key
attributes, the filter on key attributes, ALL_ATTRIBUTES on a global index, attributes an index does not
project (read_index).

Scan, before the table: mixing; the maps; AttributesToGet; ScanFilter (in the legacy layer); the start
key's values; Segment and TotalSegments; the expressions; Select. Then the table; the index; the start key
against the index and the table, ALL_ATTRIBUTES on a global index in between; the start key against the
segment; key paths and projected attributes.

The page itself (page rule, filter, projection, LastEvaluatedKey, capacity) is read_pages.
"""

from __future__ import annotations

from app.errors import ValidationException
from app.expressions import (
    Condition,
    ExpressionKind,
    ExpressionMaps,
    Projection,
    compile_condition,
    compile_key_condition,
    compile_projection,
)
from app.operations.legacy import check_not_mixed, legacy_filter, legacy_key_conditions, legacy_projection
from app.operations.read_index import (
    check_all_attributes,
    check_filter_keys,
    check_projected,
    fetches_items,
    filter_fetches,
    filter_key_paths,
    projection_key_paths,
    read_source,
)
from app.operations.read_keys import (
    QueryKeys,
    check_table_key,
    check_term_count,
    expression_terms,
    legacy_terms,
    scan_start_key_shape,
    start_key_names,
)
from app.operations.read_pages import PAGE_BYTES, PagePlan, page_response
from app.operations.read_plans import (
    CORAL_ONE_ERROR,
    INVALID_START_KEY,
    ReadOptions,
    check_select,
    start_key_values,
)
from app.operations.registry import Context, Request, Response, operation
from app.operations.table_lookup import active_table
from app.values.dialect import Dialect
from storage.api import IndexDef, Item, TableMeta

QUERY_EXPRESSIONS = ("ProjectionExpression", "FilterExpression", "KeyConditionExpression")
QUERY_VALUE_EXPRESSIONS = ("FilterExpression", "KeyConditionExpression")
SCAN_EXPRESSIONS = ("ProjectionExpression", "FilterExpression")
NO_KEY_CONDITION = (
    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
)


def _options(
    request: Request,
    projection: Projection | None,
    condition: Condition | None,
    legacy_source: str,
    legacy: bool,
    start_key: Item | None,
) -> ReadOptions:
    return ReadOptions(
        select=request.get("Select"),
        projection=projection,
        filter=condition,
        filter_source=legacy_source if legacy else "Filter Expression",
        start_key=start_key,
        limit=request.get("Limit"),
        consistent=bool(request.get("ConsistentRead")),
        index_name=request.get("IndexName"),
        capacity_mode=request.get("ReturnConsumedCapacity"),
    )


def _plan(meta: TableMeta, index: IndexDef | None, options: ReadOptions, *, scan: bool) -> PagePlan:
    """The last post-table checks, and the page plan."""
    check_projected(meta, index, options.projection, None if scan else options.filter)
    return PagePlan(
        table=meta.name,
        table_schema=meta.key_schema,
        index=index,
        key_names=start_key_names(meta.key_schema, index),
        options=options,
        fetch=fetches_items(meta, index, options.select, options.projection),
        filter_fetch=scan and filter_fetches(meta, index, options.filter),
    )


@operation("Query")
async def query(request: Request, ctx: Context) -> Response:
    check_select(request, CORAL_ONE_ERROR)
    check_not_mixed(request, "Query")
    maps = ExpressionMaps.for_request(
        request, expression_fields=QUERY_EXPRESSIONS, value_fields=QUERY_VALUE_EXPRESSIONS
    )
    condition = legacy_filter(request, "QueryFilter")
    legacy = condition is not None
    projection = legacy_projection(request)
    start_key = start_key_values(request.get("ExclusiveStartKey"))
    if request.get("KeyConditions") is None and request.get("KeyConditionExpression") is None:
        raise ValidationException(NO_KEY_CONDITION)
    key_expression = compile_key_condition(request.get("KeyConditionExpression"), maps)
    if condition is None:
        condition = compile_condition(ExpressionKind.FILTER, request.get("FilterExpression"), maps)
    if projection is None:
        projection = compile_projection(request.get("ProjectionExpression"), maps)
    maps.check_all_used()
    if key_expression is not None:
        terms = expression_terms(key_expression)
    else:
        terms = legacy_terms(legacy_key_conditions(request) or ())
    check_term_count(terms)
    options = _options(request, projection, condition, "QueryFilter", legacy, start_key)

    meta = await active_table(ctx, request["TableName"])
    index = read_source(meta, options.index_name, options.consistent, ctx.clock.now())
    schema = meta.key_schema if index is None else index.key_schema
    keys = QueryKeys.resolve(terms, schema, meta.key_schema, index, start_key)
    projection_key_paths(meta, projection)
    check_filter_keys(meta, index, condition, options.filter_source)
    check_all_attributes(index, options.select)
    filter_key_paths(meta, condition)
    plan = _plan(meta, index, options, scan=False)
    page = await ctx.cluster.query(
        ctx.namespace,
        meta.name,
        None if index is None else index.name,
        keys.hash_value,
        keys.sort,
        forward=request.get("ScanIndexForward") is not False,
        start_key=start_key,
        limit=options.limit,
        byte_limit=PAGE_BYTES,
        consistent=options.consistent,
    )
    return await page_response(ctx, plan, page)


def _segments(request: Request) -> tuple[int, int]:
    """Segment and TotalSegments (0 of 1 when absent), checked together as AWS does."""
    segment: int | None = request.get("Segment")
    total: int | None = request.get("TotalSegments")
    if segment is not None and total is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when Segment "
            "parameter is present"
        )
    if segment is None:
        if total is not None:
            raise ValidationException(
                "The Segment parameter is required but was not present in the request when parameter "
                "TotalSegments is present"
            )
        return 0, 1
    assert total is not None
    if segment >= total:
        raise ValidationException(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment, total


@operation("Scan")
async def scan(request: Request, ctx: Context) -> Response:
    check_not_mixed(request, "Scan")
    maps = ExpressionMaps.for_request(
        request, expression_fields=SCAN_EXPRESSIONS, value_fields=("FilterExpression",)
    )
    projection = legacy_projection(request)
    condition = legacy_filter(request, "ScanFilter", Dialect.LEGACY)
    legacy = condition is not None
    start_key = start_key_values(request.get("ExclusiveStartKey"))
    segment, total_segments = _segments(request)
    if condition is None:
        condition = compile_condition(ExpressionKind.FILTER, request.get("FilterExpression"), maps)
    if projection is None:
        projection = compile_projection(request.get("ProjectionExpression"), maps)
    maps.check_all_used()
    check_select(request, "")
    options = _options(request, projection, condition, "ScanFilter", legacy, start_key)

    meta = await active_table(ctx, request["TableName"])
    index = read_source(meta, options.index_name, options.consistent, ctx.clock.now())
    if start_key is not None:
        scan_start_key_shape(start_key, meta.key_schema, index)
    check_all_attributes(index, options.select)
    index_name = None if index is None else index.name
    if start_key is not None:
        check_table_key(start_key, meta.key_schema)
        if total_segments > 1:
            owner = await ctx.cluster.segment_of(
                ctx.namespace, meta.name, index_name, start_key, total_segments
            )
            if owner != segment:
                raise ValidationException(
                    f"{INVALID_START_KEY}: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with "
                    f"correct Segment. TotalSegments: {total_segments} Segment: {segment}"
                )
    projection_key_paths(meta, projection)
    filter_key_paths(meta, condition)
    plan = _plan(meta, index, options, scan=True)
    page = await ctx.cluster.scan(
        ctx.namespace,
        meta.name,
        index_name,
        segment,
        total_segments,
        start_key=start_key,
        limit=options.limit,
        byte_limit=PAGE_BYTES,
        consistent=options.consistent,
    )
    return await page_response(ctx, plan, page)
