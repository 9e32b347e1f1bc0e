"""The rules a written item must follow for the key attributes of the table's secondary indexes.

An item may lack an index key attribute (it is then absent from that index: indexes are sparse), but
when it has one, the value must have the type the index's key schema declares, and AWS's other key rules
apply. A write that breaks them is refused with AWS's ValidationException before anything is stored.
"""

from __future__ import annotations

from storage.api import IndexDef, Item


def check_index_keys(item: Item, indexes: tuple[IndexDef, ...]) -> None:
    """Raise AWS's ValidationException when `item` gives an index key attribute a value the index cannot
    hold (wrong type, empty string or binary)."""
    return None  # filled in by the indexes work (issue 4)
