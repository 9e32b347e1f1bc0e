"""Global tables' records: which tables replicate each other, how far each has shipped its log to each
other one, and the versions that decide which of two concurrent writes wins.

A replication group is the tables of one name in one account, one per region. Every member ships the
changes it made itself (its partition log records of any origin but ORIGIN_REPLICATION) to every other
member, so a change reaches each member directly from where it was made. This store keeps, in its own
SQLite database (`global_tables.sqlite`, or memory):

- `members(group_id, account, name, region, table_id, seq)`: the groups; `seq` orders the members by
  joining. A group's id is its founding table's id: two groups of one name may exist in an account (in
  different regions), and must not mix.
- `cursors(source, target, partition, lsn)`: the last lsn of `source`'s partition that `target` has
  received (source and target are table ids). A log record a cursor has not passed is kept by log
  trimming.
- `synchronous(group_id)`: the groups whose changes are shipped before each write returns
  (multi-Region strong consistency), set when the group is formed.
- `joining(table_id)`: a table being copied into by a join that has not finished; the join's last
  transaction removes it. One found when the cluster opens is a copy a crash interrupted: that table is
  deleted, so adding a replica is all or nothing.

Last writer wins: a change's version is (write time, region that made it). A shipped change is written
in the target with origin ORIGIN_REPLICATION, the target's clock as its `ts` (so every log stays in
commit-time order) and its version in `txid` (`version_txid`). A change is dropped when the target's log
holds a newer version of the item. Only records committed at or after the incoming write time can hold
one (a version is never later than the commit of its record), so the search reads the tail of the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.log import ORIGIN_REPLICATION
from storage.sqlite import open_database, write_transaction

GLOBAL_TABLES_FILE = "global_tables.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS members(
    group_id TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL, region TEXT NOT NULL,
    table_id TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL, PRIMARY KEY(account, name, region)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_by_group ON members(group_id, seq);
CREATE TABLE IF NOT EXISTS cursors(
    source TEXT NOT NULL, target TEXT NOT NULL, partition INTEGER NOT NULL, lsn INTEGER NOT NULL,
    PRIMARY KEY(source, target, partition)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS joining(table_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS synchronous(group_id TEXT PRIMARY KEY) WITHOUT ROWID;
"""

Version = tuple[float, str]


def version_txid(version: Version) -> str:
    """The `txid` of a shipped change's log record: its version, `<write time> <region>`."""
    return f"{version[0]!r} {version[1]}"


def record_version(ts: float, origin: str, txid: str | None, own_region: str) -> Version:
    """The version of a log record of a member in `own_region`."""
    if origin == ORIGIN_REPLICATION and txid is not None:
        written, _, region = txid.partition(" ")
        return float(written), region
    return ts, own_region


@dataclass(frozen=True)
class Member:
    """One table of a replication group."""

    region: str
    table_id: str


@dataclass(frozen=True)
class Group:
    """A replication group: its id, the account and table name of its members, and the members in join
    order."""

    group_id: str
    account: str
    name: str
    members: list[Member]


class GlobalTableStore:
    """The replication groups and their cursors; cursors are cached in memory (read on every pump)."""

    def __init__(self, path: Path | None) -> None:
        self._db = open_database(path, _SCHEMA)
        self._cursors: dict[tuple[str, str, int], int] = {
            (source, target, partition): lsn
            for source, target, partition, lsn in self._db.execute(
                "SELECT source, target, partition, lsn FROM cursors"
            )
        }

    def close(self) -> None:
        self._db.close()

    def groups(self) -> list[Group]:
        """Every group, its members in join order."""
        groups: dict[str, Group] = {}
        rows = self._db.execute(
            "SELECT group_id, account, name, region, table_id FROM members ORDER BY group_id, seq"
        )
        for group_id, account, name, region, table_id in rows:
            group = groups.setdefault(group_id, Group(group_id, account, name, []))
            group.members.append(Member(region, table_id))
        return list(groups.values())

    def group_of(self, table_id: str) -> Group | None:
        """The group the table is a member of."""
        row = self._db.execute(
            "SELECT group_id, account, name FROM members WHERE table_id = ?", (table_id,)
        ).fetchone()
        if row is None:
            return None
        group_id, account, name = row
        rows = self._db.execute(
            "SELECT region, table_id FROM members WHERE group_id = ? ORDER BY seq", (group_id,)
        )
        return Group(group_id, account, name, [Member(region, member) for region, member in rows])

    def is_member(self, table_id: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM members WHERE table_id = ?", (table_id,)).fetchone() is not None
        )

    def start_joining(self, table_id: str) -> None:
        """Record that the table is being copied into, before the copy starts."""
        with write_transaction(self._db) as db:
            db.execute("INSERT OR REPLACE INTO joining(table_id) VALUES (?)", (table_id,))

    def unfinished_joins(self) -> list[str]:
        """The tables whose copy was interrupted (see the module's docstring)."""
        return [table_id for (table_id,) in self._db.execute("SELECT table_id FROM joining")]

    def forget_join(self, table_id: str) -> None:
        with write_transaction(self._db) as db:
            db.execute("DELETE FROM joining WHERE table_id = ?", (table_id,))

    def synchronous_members(self) -> set[str]:
        """The table ids of the members of synchronous groups."""
        rows = self._db.execute(
            "SELECT m.table_id FROM members m JOIN synchronous s ON m.group_id = s.group_id"
        )
        return {table_id for (table_id,) in rows}

    def join(
        self,
        group: Group,
        joining: list[Member],
        cursors: dict[tuple[str, str, int], int],
        synchronous: bool = False,
    ) -> None:
        """Add `joining` to `group` (a new group: its founder first, and `synchronous` sets its mode) and
        set the cursors given; the new member's copy is finished (in the same transaction)."""
        with write_transaction(self._db) as db:
            if synchronous:
                db.execute("INSERT OR REPLACE INTO synchronous(group_id) VALUES (?)", (group.group_id,))
            db.executemany("DELETE FROM joining WHERE table_id = ?", [(m.table_id,) for m in joining])
            (seq,) = db.execute(
                "SELECT coalesce(max(seq), 0) FROM members WHERE group_id = ?", (group.group_id,)
            ).fetchone()
            for offset, member in enumerate(joining, start=1):
                db.execute(
                    "INSERT INTO members(group_id, account, name, region, table_id, seq) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (group.group_id, group.account, group.name, member.region, member.table_id, seq + offset),
                )
            db.executemany(
                "INSERT OR REPLACE INTO cursors(source, target, partition, lsn) VALUES (?, ?, ?, ?)",
                [(*place, lsn) for place, lsn in cursors.items()],
            )
        self._cursors.update(cursors)

    def leave(self, table_id: str) -> None:
        """Take the table out of its group (and dissolve a group left with one member)."""
        group = self.group_of(table_id)
        if group is None:
            return
        remaining = [m for m in group.members if m.table_id != table_id]
        gone = {table_id} if len(remaining) > 1 else {table_id, *(m.table_id for m in remaining)}
        with write_transaction(self._db) as db:
            for member in gone:
                db.execute("DELETE FROM members WHERE table_id = ?", (member,))
                db.execute("DELETE FROM cursors WHERE source = ? OR target = ?", (member, member))
            if len(remaining) <= 1:
                db.execute("DELETE FROM synchronous WHERE group_id = ?", (group.group_id,))
        self._cursors = {k: v for k, v in self._cursors.items() if k[0] not in gone and k[1] not in gone}

    def cursor(self, source: str, target: str, partition: int) -> int:
        return self._cursors.get((source, target, partition), 0)

    def set_cursor(self, source: str, target: str, partition: int, lsn: int) -> None:
        with write_transaction(self._db) as db:
            db.execute(
                "UPDATE cursors SET lsn = ? WHERE source = ? AND target = ? AND partition = ?",
                (lsn, source, target, partition),
            )
        self._cursors[(source, target, partition)] = lsn

    def shipped_through(self, source: str, partition: int) -> int | None:
        """The last lsn of the partition that every other member has received (None: not a source)."""
        lsns = [lsn for (s, _, p), lsn in self._cursors.items() if s == source and p == partition]
        return min(lsns) if lsns else None
