"""One partition: item writes with their log records and stats in one transaction, rollback, sort order."""

from __future__ import annotations

import base64
import random
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from storage import partition as partition_module
from storage.api import InvalidKey, Item, KeyAttribute, KeySchema, KeyType, Outcome
from storage.codec import encode_item
from storage.keys import decode_value, encode_key
from storage.partition import Partition

SCHEMA = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", "N"))


@dataclass(frozen=True)
class Put:
    item: Item
    size: int = 10

    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(write=True, new_item=self.item, new_size=self.size, result=("put", old_item))


@dataclass(frozen=True)
class Delete:
    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(write=True, new_item=None)


@dataclass(frozen=True)
class Refuse:
    """Decides not to write, like a failed condition that returns instead of raising."""

    def apply(self, old_item: Item | None) -> Outcome:
        return Outcome(write=False, result="refused")


@dataclass(frozen=True)
class Fail:
    def apply(self, old_item: Item | None) -> Outcome:
        raise LookupError("condition failed")


def item(pk: str, sk: str, **attrs: Any) -> Item:
    return {"pk": {"S": pk}, "sk": {"N": sk}, **{k: {"S": v} for k, v in attrs.items()}}


def key_of(pk: str, sk: str) -> Any:
    return encode_key(SCHEMA, item(pk, sk))


@pytest.fixture
def part() -> Partition:
    return Partition(None)


def test_put_get_delete(part: Partition) -> None:
    stored = {"sk": {"N": "1.50"}, "pk": {"S": "a"}, "x": {"S": "y"}}
    first = part.apply(SCHEMA, key_of("a", "1.5"), Put(stored, 30), ts=1.0)
    assert first.lsn == 1 and first.old_item is None and first.outcome.result == ("put", None)
    got = part.get(key_of("a", "1.5"))
    assert got is not None and got.data == encode_item(stored) and got.size == 30
    # Equal numbers are the same key.
    assert part.get(key_of("a", "15E-1")) == got
    assert part.get(key_of("a", "2")) is None
    second = part.apply(SCHEMA, key_of("a", "1.5"), Delete(), ts=2.0)
    assert second.lsn == 2 and second.old_item == stored
    assert part.get(key_of("a", "1.5")) is None


def test_log_records_every_change_with_images(part: Partition) -> None:
    k = key_of("a", "1")
    v1, v2 = item("a", "1", v="1"), item("a", "1", v="2")
    part.apply(SCHEMA, k, Put(v1), ts=10.0)
    part.apply(SCHEMA, k, Put(v2), ts=11.0)
    part.apply(SCHEMA, k, Delete(), ts=12.0)
    records = part.read_log(0, 100)
    assert [r.lsn for r in records] == [1, 2, 3]
    assert [r.ts for r in records] == [10.0, 11.0, 12.0]
    assert [(r.old, r.new) for r in records] == [
        (None, encode_item(v1)),
        (encode_item(v1), encode_item(v2)),
        (encode_item(v2), None),
    ]
    assert all(r.verify() and r.origin == "user" and r.txid is None for r in records)
    assert all((r.hash, r.pk, r.sk) == (k.hash, k.pk, k.sk) for r in records)
    assert [r.lsn for r in part.read_log(1, 1)] == [2]
    assert part.last_lsn == 3


def test_checksum_detects_a_changed_field(part: Partition) -> None:
    part.apply(SCHEMA, key_of("a", "1"), Put(item("a", "1", v="1")), ts=1.0)
    (record,) = part.read_log(0, 10)
    assert record.verify()
    for field, value in [
        ("new", b"{}"),
        ("old", b""),
        ("lsn", 2),
        ("ts", 1.5),
        ("origin", "ttl"),
        ("txid", "t"),
    ]:
        changed = type(record)(**{**{f: getattr(record, f) for f in record.__slots__}, field: value})
        assert not changed.verify(), field


def test_stats_follow_puts_overwrites_and_deletes(part: Partition) -> None:
    part.apply(SCHEMA, key_of("a", "1"), Put(item("a", "1"), 100), ts=1.0)
    part.apply(SCHEMA, key_of("a", "2"), Put(item("a", "2"), 50), ts=1.0)
    assert (part.item_count, part.size_bytes) == (2, 150)
    part.apply(SCHEMA, key_of("a", "1"), Put(item("a", "1", x="bigger"), 120), ts=1.0)
    assert (part.item_count, part.size_bytes) == (2, 170)
    part.apply(SCHEMA, key_of("a", "2"), Delete(), ts=1.0)
    assert (part.item_count, part.size_bytes) == (1, 120)


def test_writes_that_change_nothing_leave_no_record(part: Partition) -> None:
    k = key_of("a", "1")
    assert part.apply(SCHEMA, k, Delete(), ts=1.0).lsn is None
    refused = part.apply(SCHEMA, k, Refuse(), ts=1.0)
    assert refused.lsn is None and refused.outcome.result == "refused"
    part.apply(SCHEMA, k, Put(item("a", "1")), ts=1.0)
    same = part.apply(SCHEMA, k, Put(item("a", "1")), ts=2.0)
    assert same.lsn is None and same.old_item == item("a", "1")
    assert [r.lsn for r in part.read_log(0, 10)] == [1]


def test_a_raising_mutation_rolls_back_and_propagates(part: Partition) -> None:
    k = key_of("a", "1")
    part.apply(SCHEMA, k, Put(item("a", "1", v="old")), ts=1.0)
    with pytest.raises(LookupError, match="condition failed"):
        part.apply(SCHEMA, k, Fail(), ts=2.0)
    assert not part._db.in_transaction
    got = part.get(k)
    assert got is not None and orjson.loads(got.data) == item("a", "1", v="old")
    assert part.apply(SCHEMA, k, Delete(), ts=3.0).lsn == 2


def test_a_failure_after_the_item_row_is_written_rolls_everything_back(
    part: Partition, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = key_of("a", "1")
    part.apply(SCHEMA, k, Put(item("a", "1", v="old"), 5), ts=1.0)

    def broken_checksum(*args: Any) -> int:
        raise OSError("disk on fire")

    monkeypatch.setattr(partition_module, "checksum", broken_checksum)
    with pytest.raises(OSError, match="disk on fire"):
        part.apply(SCHEMA, k, Put(item("a", "1", v="new"), 7), ts=2.0)
    got = part.get(k)
    assert got is not None and orjson.loads(got.data) == item("a", "1", v="old")
    assert (part.item_count, part.size_bytes, part.last_lsn) == (1, 5, 1)
    assert len(part.read_log(0, 10)) == 1


def test_an_item_whose_key_differs_from_its_slot_is_refused(part: Partition) -> None:
    with pytest.raises(InvalidKey):
        part.apply(SCHEMA, key_of("a", "1"), Put(item("a", "2")), ts=1.0)
    assert part.get(key_of("a", "1")) is None and part.last_lsn == 0


def test_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "p0.sqlite"
    part = Partition(path)
    for i in range(5):
        part.apply(SCHEMA, key_of("a", str(i)), Put(item("a", str(i)), 10 + i), ts=float(i))
    part.close()
    again = Partition(path)
    assert (again.item_count, again.size_bytes, again.last_lsn) == (5, 60, 5)
    assert again.get(key_of("a", "3")) is not None
    assert again.apply(SCHEMA, key_of("a", "9"), Put(item("a", "9")), ts=9.0).lsn == 6
    again.close()


def _random_values(key_type: KeyType, rng: random.Random) -> list[str]:
    if key_type == "N":
        return [
            f"{rng.choice(['', '-'])}{rng.randint(0, 10 ** rng.randint(0, 38))}E{rng.randint(-140, 80)}"
            for _ in range(300)
        ]
    if key_type == "S":
        alphabet = "aAzZ09 ~\x7f\u00e9\u0100\uff61\U00010000\U0001f600"
        return ["".join(rng.choices(alphabet, k=rng.randint(1, 6))) for _ in range(300)]
    return [base64.b64encode(rng.randbytes(rng.randint(1, 6))).decode() for _ in range(300)]


def _dynamodb_order(key_type: KeyType, value: str) -> Any:
    if key_type == "N":
        return Decimal(value)
    if key_type == "S":
        return value.encode("utf-8")
    return base64.b64decode(value)


@pytest.mark.parametrize("key_type", ["N", "S", "B"])
def test_sqlite_orders_sort_keys_as_dynamodb_does(tmp_path: Path, key_type: KeyType) -> None:
    schema = KeySchema(KeyAttribute("pk", "S"), KeyAttribute("sk", key_type))
    values = _random_values(key_type, random.Random(7))
    part = Partition(tmp_path / "p.sqlite")
    for value in values:
        new = {"pk": {"S": "p"}, "sk": {key_type: value}}
        part.apply(schema, encode_key(schema, new), Put(new), ts=0.0)
    part.close()
    with sqlite3.connect(tmp_path / "p.sqlite") as db:
        rows = db.execute("SELECT sk FROM items WHERE pk = ? ORDER BY hash, pk, sk", (b"p",)).fetchall()
    stored = [_dynamodb_order(key_type, decode_value(sk, key_type)[key_type]) for (sk,) in rows]
    assert stored == sorted({_dynamodb_order(key_type, v) for v in values})
