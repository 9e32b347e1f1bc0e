"""Query and Scan pages through the Cluster door: sort-key ranges, order, start keys, the page rule,
parallel-scan segments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import Cluster
from storage.api import KeyAttribute, KeySchema, Namespace, SortCondition, StorageConfig
from storage.cluster import segment_range
from storage.partition_map import HASH_MAX, HASH_MIN
from storage.reads import _prefix_end
from tests.test_storage_catalog import FakeClock
from tests.test_storage_partition import Put

NS = Namespace("000000000000", "us-east-1")
NUMERIC = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))
TEXT = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "S"))


def config(data_dir: Path | None = None, partitions: int = 4) -> StorageConfig:
    return StorageConfig(data_dir=data_dir, clock=FakeClock(), partitions_per_table=partitions)


def n_item(pk: str, sk: int) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def sks(page: Any) -> list[Any]:
    return [orjson.loads(i.data)["sk"].popitem()[1] for i in page.items]


@pytest.fixture
async def numeric() -> Any:
    cluster = await Cluster.open(config())
    await cluster.create_table(NS, "t", NUMERIC, {})
    for pk in ("a", "b"):
        for sk in (-5, 0, 1, 2, 10, 100):
            await cluster.apply(NS, "t", n_item(pk, sk), Put(n_item(pk, sk), 100))
    yield cluster
    await cluster.close()


@pytest.mark.parametrize(
    ("operator", "values", "expected"),
    [
        (None, (), ["-5", "0", "1", "2", "10", "100"]),
        ("=", ("2",), ["2"]),
        ("<", ("2",), ["-5", "0", "1"]),
        ("<=", ("2",), ["-5", "0", "1", "2"]),
        (">", ("2",), ["10", "100"]),
        (">=", ("2.0",), ["2", "10", "100"]),
        ("BETWEEN", ("0", "10"), ["0", "1", "2", "10"]),
    ],
)
async def test_query_sort_conditions(numeric: Cluster, operator: Any, values: Any, expected: Any) -> None:
    sort = None if operator is None else SortCondition(operator, tuple({"N": v} for v in values))
    page = await numeric.query(NS, "t", None, {"S": "a"}, sort)
    assert sks(page) == expected and page.exhausted
    backward = await numeric.query(NS, "t", None, {"S": "a"}, sort, forward=False)
    assert sks(backward) == expected[::-1]


async def test_query_start_key_limit_and_bytes(numeric: Cluster) -> None:
    page = await numeric.query(NS, "t", None, {"S": "a"}, None, limit=2)
    assert sks(page) == ["-5", "0"] and not page.exhausted
    page = await numeric.query(NS, "t", None, {"S": "a"}, None, start_key=n_item("a", 0), limit=4)
    assert sks(page) == ["1", "2", "10", "100"] and page.exhausted
    page = await numeric.query(NS, "t", None, {"S": "a"}, None, forward=False, start_key=n_item("a", 3))
    assert sks(page) == ["2", "1", "0", "-5"]
    # Sizes are 100 each: the item that reaches 250 bytes is the third and is included.
    page = await numeric.query(NS, "t", None, {"S": "a"}, None, byte_limit=250)
    assert sks(page) == ["-5", "0", "1"] and not page.exhausted
    page = await numeric.query(NS, "t", None, {"S": "zzz"}, None)
    assert page.items == [] and page.exhausted


async def test_begins_with_and_prefix_end() -> None:
    assert _prefix_end(b"ab") == b"ac"
    assert _prefix_end(b"a\xff") == b"b"
    assert _prefix_end(b"\xff\xff") is None
    cluster = await Cluster.open(config())
    await cluster.create_table(NS, "t", TEXT, {})
    for sk in ("a", "ab", "abc", "abd", "ac", "b", "ab\U0001f600"):
        item = {"pk": {"S": "p"}, "sk": {"S": sk}}
        await cluster.apply(NS, "t", item, Put(item, 10))
    page = await cluster.query(NS, "t", None, {"S": "p"}, SortCondition("begins_with", ({"S": "ab"},)))
    assert sks(page) == ["ab", "abc", "abd", "ab\U0001f600"]
    await cluster.close()


def test_segments_tile_the_hash_space() -> None:
    for total in (1, 2, 3, 7, 1000):
        expected = HASH_MIN
        for segment in range(total):
            first, last = segment_range(segment, total)
            assert first == expected and last >= first
            expected = last + 1
        assert expected == HASH_MAX + 1


@settings(max_examples=30)
@given(total=st.integers(1, 50), partitions=st.integers(1, 5), limit=st.integers(1, 7))
async def test_parallel_scan_returns_every_item_once(total: int, partitions: int, limit: int) -> None:
    cluster = await Cluster.open(config(partitions=partitions))
    await cluster.create_table(NS, "t", NUMERIC, {})
    items = [n_item(f"k{i % 17}", i) for i in range(60)]
    for item in items:
        await cluster.apply(NS, "t", item, Put(item, 10))
    seen: list[Any] = []
    for segment in range(total):
        start = None
        while True:
            page = await cluster.scan(NS, "t", None, segment, total, start_key=start, limit=limit)
            got = [orjson.loads(i.data) for i in page.items]
            for item in got:
                assert await cluster.segment_of(NS, "t", None, item, total) == segment
            seen.extend(got)
            if page.exhausted:
                break
            start = got[-1]
    assert sorted(orjson.dumps(i) for i in seen) == sorted(orjson.dumps(i) for i in items)
    if total == 1:  # pages of one segment walk the storage order, as one unlimited page does
        whole = await cluster.scan(NS, "t", None)
        assert [orjson.loads(i.data) for i in whole.items] == seen
    await cluster.close()
