"""What Query and Scan may read from a table or one of its secondary indexes, checked as AWS checks it once
the table is known, and whether a read of a local index must fetch the table's items.

- `read_source`: the index named (`The table does not have the specified index: i`), ConsistentRead on a
  global one (`Consistent reads are not supported on global secondary indexes`), a global index UpdateTable
  is still creating (`Cannot read from backfilling global secondary index: i`, as AWS answers).
- `check_key_paths`: a projection or filter may not read into a key attribute with `.` or `[]`: the
  table's (`… Key: pk`), then any index's (`… IndexKey: k`; global indexes, then local ones, each in
  reverse order of definition, as dynalite's recorded suite has it).
- `check_filter_keys`: a Query filter may not name a key attribute of what it reads (`Filter Expression
  can only contain non-primary key attributes: Primary key attribute: k`, or `QueryFilter …`).
- `check_all_attributes`: Select ALL_ATTRIBUTES on a global index whose projection is not ALL.
- `check_projected`: on an index, a filter may only read projected attributes (`Secondary index i does not
  project one or more filter attributes: [a, b]`, in the order read), and a projection of a global index
  only name them (`Global secondary index i does not project [a, b]`, in the order of a Java HashSet filled
  from the last path to the first), as observed on the reference.
- `fetches_items`: a local index read returns the table's items when asked for attributes it does not
  hold (Select ALL_ATTRIBUTES, or a projection naming them); `filter_fetches`: a Scan of a local index
  evaluates a filter reading such attributes on the table's items.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.errors import ValidationException
from app.expressions import Condition, Projection
from app.expressions.conditions import key_attribute_error
from app.expressions.resolve import java_hash_set_order
from app.operations.read_plans import ALL_ATTRIBUTES, attribute_names, nested_names, projected_names
from app.operations.table_spec import INDEX_CREATING, index_status
from app.values.index_keys import index_key_names
from storage.api import IndexDef, TableMeta

INVALID = "One or more parameter values were invalid: "


def read_source(meta: TableMeta, index_name: str | None, consistent: bool, now: float) -> IndexDef | None:
    """The index a read names (None: the table itself)."""
    if index_name is None:
        return None
    index = meta.index(index_name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {index_name}")
    if index.is_global and consistent:
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    if index_status(meta, index_name, now) == INDEX_CREATING:
        raise ValidationException(f"Cannot read from backfilling global secondary index: {index_name}")
    return index


def check_key_paths(meta: TableMeta, nested: Iterable[str]) -> None:
    """Reject reading into a key attribute of the table or of any of its indexes."""
    nested = frozenset(nested)
    if not nested:
        return
    key_names = meta.key_schema.names()
    for name in key_names:
        if name in nested:
            raise key_attribute_error(name)
    for name in index_key_names(meta.indexes, key_names):
        if name in nested:
            raise key_attribute_error(name, "IndexKey")


def projection_key_paths(meta: TableMeta, projection: Projection | None) -> None:
    if projection is not None:
        check_key_paths(meta, nested_names(projection))


def filter_key_paths(meta: TableMeta, condition: Condition | None) -> None:
    if condition is not None:
        check_key_paths(meta, condition.nested_attributes)


def check_filter_keys(
    meta: TableMeta, index: IndexDef | None, condition: Condition | None, source: str
) -> None:
    """A Query filter may not name the partition or sort key of the table or index it reads."""
    if condition is None:
        return
    read = attribute_names(condition)
    schema = meta.key_schema if index is None else index.key_schema
    for name in schema.names():
        if name in read:
            raise ValidationException(
                f"{source} can only contain non-primary key attributes: Primary key attribute: {name}"
            )


def check_all_attributes(index: IndexDef | None, select: str | None) -> None:
    if index is not None and index.is_global and select == ALL_ATTRIBUTES and index.projected is not None:
        raise ValidationException(
            f"{INVALID}Select type ALL_ATTRIBUTES is not supported for global secondary index {index.name} "
            "because its projection type is not ALL"
        )


def _holds(meta: TableMeta, index: IndexDef, name: str) -> bool:
    """Whether entries of `index` hold attribute `name`."""
    if index.projected is None:
        return True
    return name in index.projected or name in meta.key_schema.names() or name in index.key_schema.names()


def check_projected(
    meta: TableMeta, index: IndexDef | None, projection: Projection | None, condition: Condition | None
) -> None:
    """Query's checks that an index holds what the projection and the filter read (Scan makes only the
    projection's: the reference scans an index with a filter on any attribute)."""
    if index is None:
        return
    if projection is not None and index.is_global:
        written = projected_names(projection)
        missing = [name for name in reversed(written) if not _holds(meta, index, name)]
        if missing:
            listed = ", ".join(java_hash_set_order(missing))
            raise ValidationException(
                f"{INVALID}Global secondary index {index.name} does not project [{listed}]"
            )
    if condition is not None:
        missing = [name for name in attribute_names(condition) if not _holds(meta, index, name)]
        if missing:
            raise ValidationException(
                f"{INVALID}Secondary index {index.name} does not project one or more filter attributes: "
                f"[{', '.join(missing)}]"
            )


def _is_partial_local(index: IndexDef | None) -> bool:
    return index is not None and not index.is_global and index.projected is not None


def fetches_items(
    meta: TableMeta, index: IndexDef | None, select: str | None, projection: Projection | None
) -> bool:
    """Whether a read of `index` returns the table's items (a local index asked for more than it holds)."""
    if index is None or not _is_partial_local(index):
        return False
    if select == ALL_ATTRIBUTES:
        return True
    return projection is not None and not all(
        _holds(meta, index, name) for name in projected_names(projection)
    )


def filter_fetches(meta: TableMeta, index: IndexDef | None, condition: Condition | None) -> bool:
    """Whether a filter on a local index reads attributes its entries do not hold (a Scan evaluates it on
    the table's item then, as the reference does)."""
    if index is None or condition is None or not _is_partial_local(index):
        return False
    return not all(_holds(meta, index, name) for name in attribute_names(condition))
