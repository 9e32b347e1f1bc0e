"""One page of a Query or Scan: LastEvaluatedKey under the page rule, Count and ScannedCount around a
filter, undecoded splicing, projections, fetches from the table for a local index, consumed capacity; and
the index checks (projected attributes, key paths) that decide how a page is read."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import orjson
import pytest

from app.errors import ValidationException
from app.expressions import ExpressionKind, ExpressionMaps, compile_condition
from app.expressions.projection import compile_projection
from app.operations.read_index import check_key_paths, check_projected, fetches_items, filter_fetches
from app.operations.read_pages import PAGE_BYTES, PagePlan, page_response
from app.operations.read_plans import ReadOptions
from app.operations.registry import Context
from storage.api import IndexDef, KeyAttribute, KeySchema, Namespace, Page, StoredItem, TableMeta

TABLE = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
LOCAL = IndexDef("local", False, KeySchema(KeyAttribute("pk", "S"), KeyAttribute("c", "S")), ("e",))
GLOBAL = IndexDef("global", True, KeySchema(KeyAttribute("g", "S")), ("e",))
META = TableMeta(Namespace("1", "r"), "t", "id", 0.0, TABLE, {}, 1, 1, indexes=(LOCAL, GLOBAL))
OPTIONS = ReadOptions(None, None, None, "Filter Expression", None, None, False, None, None)


def item(k: int, **more: Any) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"N": str(k)}, "c": {"S": f"c{k}"}, **more}


def stored(*items: dict[str, Any], size: int = 100) -> list[StoredItem]:
    return [StoredItem(orjson.dumps(entry), size) for entry in items]


class FakeCluster:
    """get_item of the table's items (what a local index read fetches)."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = {entry["sk"]["N"]: entry for entry in items}

    async def get_item(
        self, ns: Namespace, table: str, key: dict[str, Any], consistent: bool
    ) -> StoredItem | None:
        found = self.items.get(key["sk"]["N"])
        return None if found is None else StoredItem(orjson.dumps(found), 5000)


def context(items: list[dict[str, Any]] = ()) -> Context:  # type: ignore[assignment]
    return cast(
        Context, type("Ctx", (), {"cluster": FakeCluster(list(items)), "namespace": Namespace("1", "r")})
    )


def plain(items: list[Any]) -> Any:
    """Items as the client sees them (spliced stored JSON included)."""
    return orjson.loads(orjson.dumps(items))


def plan(index: IndexDef | None = None, fetch: bool = False, **options: Any) -> PagePlan:
    names = ("pk", "sk") + (() if index is None else tuple(index.key_schema.names()))
    keys = tuple(dict.fromkeys(names))
    return PagePlan("t", TABLE, index, keys, replace(OPTIONS, **options), fetch)


def condition(text: str, **values: Any) -> Any:
    params = {"FilterExpression": text, "ExpressionAttributeValues": {f":{k}": v for k, v in values.items()}}
    fields = ("FilterExpression",)
    maps = ExpressionMaps.for_request(params, expression_fields=fields, value_fields=fields)
    return compile_condition(ExpressionKind.FILTER, text, maps)


async def test_whole_result_spliced_without_a_key() -> None:
    page = Page(stored(item(1), item(2)), exhausted=True)
    answer = await page_response(context(), plan(), page)
    assert all(isinstance(entry, orjson.Fragment) for entry in answer["Items"])
    assert plain(answer["Items"]) == [item(1), item(2)]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 2)
    assert "LastEvaluatedKey" not in answer


async def test_key_when_limit_reached_even_at_the_end() -> None:
    page = Page(stored(item(1), item(2)), exhausted=True)
    answer = await page_response(context(), plan(limit=2), page)
    assert answer["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}
    answer = await page_response(context(), plan(limit=3), page)
    assert "LastEvaluatedKey" not in answer


async def test_key_when_1mb_reached() -> None:
    half = PAGE_BYTES // 2
    reached = Page([*stored(item(1), size=half), *stored(item(2), size=half)], exhausted=True)
    assert (await page_response(context(), plan(), reached))["LastEvaluatedKey"]["sk"] == {"N": "2"}
    short = Page([*stored(item(1), size=half), *stored(item(2), size=half - 1)], exhausted=True)
    assert "LastEvaluatedKey" not in await page_response(context(), plan(), short)


async def test_filter_projection_and_count() -> None:
    page = Page(stored(item(1, e={"N": "1"}), item(2, e={"N": "2"}), item(3)), exhausted=False)
    filtered = plan(filter=condition("e >= :v", v={"N": "2"}), limit=3)
    answer = await page_response(context(), filtered, page)
    assert (plain(answer["Items"]), answer["Count"], answer["ScannedCount"]) == (
        [item(2, e={"N": "2"})],
        1,
        3,
    )
    assert answer["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}
    projection = compile_projection("e, zz", ExpressionMaps({}, {}))
    answer = await page_response(context(), plan(projection=projection), page)
    assert answer["Items"] == [{"e": {"N": "1"}}, {"e": {"N": "2"}}, {}]
    counted = await page_response(context(), plan(select="COUNT", filter=filtered.options.filter), page)
    assert "Items" not in counted
    assert counted["Count"] == 1


async def test_capacity() -> None:
    page = Page(stored(item(1), item(2), size=3000), exhausted=True)
    answer = await page_response(context(), plan(capacity_mode="TOTAL", consistent=True), page)
    assert answer["ConsumedCapacity"] == {"TableName": "t", "CapacityUnits": 2.0}
    answer = await page_response(context(), plan(capacity_mode="TOTAL"), Page([], exhausted=True))
    assert answer["ConsumedCapacity"] == {"TableName": "t", "CapacityUnits": 0.5}
    answer = await page_response(context(), plan(GLOBAL, capacity_mode="INDEXES"), page)
    assert answer["ConsumedCapacity"] == {
        "TableName": "t",
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"global": {"CapacityUnits": 1.0}},
    }


async def test_local_index_fetches_the_table_items() -> None:
    table_items = [item(1, e={"S": "e"}, f={"S": "f1"}), item(2, f={"S": "f2"})]
    entries = [{key: value for key, value in entry.items() if key != "f"} for entry in table_items]
    page = Page(stored(*entries, item(3)), exhausted=True)  # item 3 is gone from the table since
    answer = await page_response(
        context(table_items), plan(LOCAL, fetch=True, capacity_mode="INDEXES", consistent=True), page
    )
    assert answer["Items"] == table_items
    assert (answer["Count"], answer["ScannedCount"]) == (2, 3)
    # 300 bytes of entries read; 2 x 5000 bytes fetched, summed before rounding: 3 units.
    assert answer["ConsumedCapacity"]["Table"] == {"CapacityUnits": 3.0}
    assert answer["ConsumedCapacity"]["LocalSecondaryIndexes"] == {"local": {"CapacityUnits": 1.0}}
    filtered = replace(plan(LOCAL, filter=condition("f = :f", f={"S": "f2"})), filter_fetch=True)
    answer = await page_response(context(table_items), filtered, Page(stored(*entries), exhausted=True))
    assert plain(answer["Items"]) == [entries[1]]


# --- index checks ----------------------------------------------------------------------------------------


def test_what_an_index_holds() -> None:
    projection = compile_projection("zz, f, e, yy, pk", ExpressionMaps({}, {}))
    with pytest.raises(ValidationException) as raised:
        check_projected(META, GLOBAL, projection, None)
    assert raised.value.message == (
        "One or more parameter values were invalid: "
        "Global secondary index global does not project [yy, zz, f]"
    )
    check_projected(META, LOCAL, projection, None)  # a local index fetches instead
    assert fetches_items(META, LOCAL, None, projection)
    assert not fetches_items(META, GLOBAL, None, projection)
    assert fetches_items(META, LOCAL, "ALL_ATTRIBUTES", None)
    assert not fetches_items(META, LOCAL, "ALL_PROJECTED_ATTRIBUTES", None)
    with pytest.raises(ValidationException) as raised:
        check_projected(META, LOCAL, None, condition("f = :v AND g = :v AND e = :v AND f = :v", v={"S": "x"}))
    assert raised.value.message == (
        "One or more parameter values were invalid: "
        "Secondary index local does not project one or more filter attributes: [f, g]"
    )
    assert filter_fetches(META, LOCAL, condition("f = :v", v={"S": "x"}))
    assert not filter_fetches(META, LOCAL, condition("e = :v", v={"S": "x"}))


def test_key_paths() -> None:
    scalars = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
    check_key_paths(META, {"e", "f"})
    with pytest.raises(ValidationException) as raised:
        check_key_paths(META, {"c", "sk"})
    assert raised.value.message == scalars + "Key: sk"
    with pytest.raises(ValidationException) as raised:
        check_key_paths(META, {"c", "g"})
    assert raised.value.message == scalars + "IndexKey: g"
