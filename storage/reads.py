"""Reading pages of rows: sort-key conditions as SQL ranges, and the page rule shared by every source
(table items, local index rows, global index entries).

A source's rows are ordered by a tuple of columns (`hash, pk, sk` for items; more for index rows).
A `SortCondition` becomes bounds on one BLOB column; an exclusive start position becomes a row-value
comparison on the order columns. Rows are read lazily until the page is full (`Page`'s rule), then one
more row is peeked to tell whether the range is exhausted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from storage.api import KeyAttribute, SortCondition, StoredItem
from storage.keys import encode_value

LOTS = 1 << 62  # no limit


@dataclass(frozen=True, slots=True)
class Bounds:
    """Bounds on one encoded column: (operator, value) pairs, operators among > >= < <= =."""

    terms: tuple[tuple[str, bytes], ...] = ()

    def sql(self, column: str) -> tuple[str, list[bytes]]:
        return " AND ".join(f"{column} {op} ?" for op, _ in self.terms), [v for _, v in self.terms]


def _prefix_end(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with `prefix` (None: no such)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes((stripped[-1] + 1,))


def sort_bounds(condition: SortCondition | None, attribute: KeyAttribute | None) -> Bounds:
    """The encoded-column bounds of a Query's sort-key condition."""
    if condition is None or attribute is None:
        return Bounds()
    values = [encode_value(v, attribute.type) for v in condition.values]
    op = condition.operator
    if op in ("=", "<", "<=", ">", ">="):
        return Bounds(((op, values[0]),))
    if op == "BETWEEN":
        return Bounds(((">=", values[0]), ("<=", values[1])))
    if op == "begins_with":
        end = _prefix_end(values[0])
        return Bounds(((">=", values[0]),) + (() if end is None else (("<", end),)))
    raise ValueError(f"unknown sort key operator {op}")


def after(columns: tuple[str, ...], values: tuple[object, ...], forward: bool) -> tuple[str, list[object]]:
    """SQL for "strictly after this position" in the order of `columns` (descending when not forward)."""
    op = ">" if forward else "<"
    if len(columns) == 1:
        return f"{columns[0]} {op} ?", list(values)
    return f"({', '.join(columns)}) {op} ({', '.join('?' * len(columns))})", list(values)


def order_by(columns: tuple[str, ...], forward: bool) -> str:
    direction = "" if forward else " DESC"
    return "ORDER BY " + ", ".join(c + direction for c in columns)


@dataclass
class PageBuilder:
    """Collects rows into a page by the `Page` rule across one or more cursors."""

    limit: int | None
    byte_limit: int | None
    items: list[StoredItem]
    size: int = 0

    @property
    def full(self) -> bool:
        if self.limit is not None and len(self.items) >= self.limit:
            return True
        return self.byte_limit is not None and self.size >= self.byte_limit

    def take(self, rows: Iterator[tuple[int, bytes]]) -> bool:
        """Take rows until the page is full; True when `rows` still had a row after that."""
        # The hot loop of every Query and Scan page: locals only, no property calls.
        items, size = self.items, self.size
        room = LOTS if self.limit is None else self.limit - len(items)
        byte_limit = LOTS if self.byte_limit is None else self.byte_limit
        append = items.append
        more = False
        for row_size, data in rows:
            if room <= 0 or size >= byte_limit:
                more = True
                break
            append(StoredItem(data, row_size))
            size += row_size
            room -= 1
        self.size = size
        return more


@dataclass(frozen=True, slots=True)
class Source:
    """A kind of row source: its SQL table, a fixed filter (e.g. the local index's name), and the columns
    that order rows of one partition key (the scan order is `hash, pk` and then these)."""

    table: str
    filter_sql: str
    filter_params: tuple[object, ...]
    sort_columns: tuple[str, ...]

    def query(
        self, hash: int, pk: bytes, bounds: Bounds, start: tuple[object, ...] | None, forward: bool
    ) -> tuple[str, list[object]]:
        """The SELECT of one partition key's rows within `bounds`, after `start` (values of the sort
        columns), in order."""
        where = [*([self.filter_sql] if self.filter_sql else []), "hash = ?", "pk = ?"]
        params: list[object] = [*self.filter_params, hash, pk]
        bounds_sql, bounds_params = bounds.sql(self.sort_columns[0])
        if bounds_sql:
            where.append(bounds_sql)
            params.extend(bounds_params)
        if start is not None:
            start_sql, start_params = after(self.sort_columns, start, forward)
            where.append(start_sql)
            params.extend(start_params)
        sql = f"SELECT size, item FROM {self.table} WHERE {' AND '.join(where)} "
        return sql + order_by(self.sort_columns, forward), params

    def scan(self, first: int, last: int, start: tuple[object, ...] | None) -> tuple[str, list[object]]:
        """The SELECT of the rows whose hash lies in [first, last], after `start` (values of `hash, pk`
        and the sort columns), in scan order."""
        columns = ("hash", "pk", *self.sort_columns)
        where = [*([self.filter_sql] if self.filter_sql else []), "hash >= ?", "hash <= ?"]
        params: list[object] = [*self.filter_params, first, last]
        if start is not None:
            start_sql, start_params = after(columns, start, True)
            where.append(start_sql)
            params.extend(start_params)
        sql = f"SELECT size, item FROM {self.table} WHERE {' AND '.join(where)} "
        return sql + order_by(columns, True), params


TABLE_ITEMS = Source("items", "", (), ("sk",))


def local_entries(index: str) -> Source:
    return Source("lsi", "idx = ?", (index,), ("isk", "sk"))


def global_entries(index: str) -> Source:
    return Source("entries", "idx = ?", (index,), ("sk", "tpk", "tsk"))
