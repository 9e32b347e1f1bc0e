"""CloudWatch Contributor Insights settings: UpdateContributorInsights, DescribeContributorInsights and
ListContributorInsights. Nothing is ever sent to CloudWatch; the settings, their statuses and the names
of the rules AWS would create are kept and reported as AWS reports them.

State is per table and per global secondary index, in the table's spec: the table's under
`contributor_insights`, an index's in its own entry of `gsis` (so it goes with the index when the index
is deleted). Absent until the first change that does something:
  {"enabled": bool, "mode": ContributorInsightsMode, "until": end of ENABLING/DISABLING,
   "changed_at": time of the last change, "rules_at": epoch ms the rules were created at}

AWS's behaviour (recorded against AWS, see the report of this module's tests):
- ENABLE answers ENABLING and settles to ENABLED, DISABLE answers DISABLING and settles to DISABLED (here
  after `--status-delay` seconds). No cooldown. An ENABLE or DISABLE that changes nothing (same action,
  and for ENABLE the same mode) answers the current status and changes nothing, LastUpdateDateTime
  included. ENABLE without a mode means ACCESSED_AND_THROTTLED_KEYS; a mode change is a new ENABLING.
  DISABLE ignores the mode it is given and echoes the current one.
- A never-configured table or index describes as {TableName, ContributorInsightsStatus: DISABLED};
  after the first change LastUpdateDateTime and ContributorInsightsMode stay.
- Rules: `DynamoDBContributorInsights-<kind>-<table>[-<index>]-<rules_at>`, kinds PKC and PKT (plus SKC
  and SKT with a sort key); THROTTLED_KEYS keeps only PKT (and SKT). A mode change keeps the timestamp.
- A missing table, an unknown index, a local index: ResourceNotFoundException. Updates need an ACTIVE
  table and index (ValidationException); a table that is UPDATING or DELETING is served.
- ListContributorInsights lists every entry that is not DISABLED: per table, the table first, then its
  global indexes; with TableName only that table's (ResourceNotFoundException when it does not exist).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

import orjson

from app.errors import ResourceNotFoundException, ValidationException
from app.operations.registry import Context, operation
from app.operations.table_lookup import CREATING, existing_table, table_status
from app.operations.table_spec import INDEX_CREATING, Spec, copy_spec, gsi_status
from app.operations.table_throughput import epoch
from storage.api import TableMeta, TableNotFound

ENABLING, ENABLED, DISABLING, DISABLED = "ENABLING", "ENABLED", "DISABLING", "DISABLED"
ENABLE, DISABLE = "ENABLE", "DISABLE"
ALL_KEYS, THROTTLED_KEYS = "ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"
SPEC_KEY = "contributor_insights"
RULE_PREFIX = "DynamoDBContributorInsights"
LIST_PAGE = 100  # the model's maximum MaxResults; also the page size when none is given
INVALID_TOKEN = "Invalid NextToken"
_NOT_VALID = "Table or Index is not in a valid state to update Key Access Insights: "
TABLE_NOT_ACTIVE = _NOT_VALID + "TableStatus must be ACTIVE to enable ContributorInsights."
INDEX_NOT_ACTIVE = _NOT_VALID + "IndexStatus must be ACTIVE to enable ContributorInsights."

State = dict[str, Any]


def insights_status(state: State | None, now: float) -> str:
    """ContributorInsightsStatus of a table's or index's state (None: never configured)."""
    if state is None:
        return DISABLED
    settling = now < state["until"]
    if state["enabled"]:
        return ENABLING if settling else ENABLED
    return DISABLING if settling else DISABLED


def rule_names(resource: str, has_sort_key: bool, mode: str, rules_at: int) -> list[str]:
    """The CloudWatch rules AWS creates for a table (`resource` = its name) or global index
    (`<table>-<index>`), in the order DescribeContributorInsights lists them."""
    kinds = ["PK"] + (["SK"] if has_sort_key else [])
    suffixes = ["T"] if mode == THROTTLED_KEYS else ["C", "T"]
    return [f"{RULE_PREFIX}-{kind}{suffix}-{resource}-{rules_at}" for kind in kinds for suffix in suffixes]


def changed_state(
    state: State | None, action: str, mode: str | None, now: float, delay: float
) -> State | None:
    """The state after `action`, or None when the action changes nothing (AWS's no-op)."""
    enabled = state is not None and state["enabled"]
    if action == DISABLE:
        if not enabled:
            return None
        assert state is not None
        return {**state, "enabled": False, "until": now + delay, "changed_at": now}
    wanted = mode or ALL_KEYS
    if enabled:
        assert state is not None
        if state["mode"] == wanted:
            return None
        return {**state, "mode": wanted, "until": now + delay, "changed_at": now}
    return {
        "enabled": True,
        "mode": wanted,
        "until": now + delay,
        "changed_at": now,
        "rules_at": int(now * 1000),
    }


class _Target:
    """The table, or one of its global indexes, that a request is about."""

    def __init__(self, meta: TableMeta, index: dict[str, Any] | None) -> None:
        self.meta = meta
        self.index = index

    @property
    def state(self) -> State | None:
        holder = self.index if self.index is not None else self.meta.spec
        state: State | None = holder.get(SPEC_KEY)
        return state

    def names(self) -> dict[str, str]:
        names = {"TableName": self.meta.name}
        if self.index is not None:
            names["IndexName"] = self.index["IndexName"]
        return names

    def resource(self) -> str:
        return self.meta.name if self.index is None else f"{self.meta.name}-{self.index['IndexName']}"

    def has_sort_key(self) -> bool:
        key_schema = self.meta.spec["key_schema"] if self.index is None else self.index["KeySchema"]
        return len(key_schema) > 1

    def with_state(self, state: State) -> Spec:
        """A private copy of the table's spec holding `state` for this table or index."""
        spec = copy_spec(self.meta.spec)
        if self.index is None:
            spec[SPEC_KEY] = state
        else:
            holder = next(i for i in spec["gsis"] if i["IndexName"] == self.index["IndexName"])
            holder[SPEC_KEY] = state
        return spec


def _live_gsis(meta: TableMeta, now: float) -> list[dict[str, Any]]:
    """The table's global indexes that exist (a deleted one whose DELETING time is over does not)."""
    return [index for index in meta.spec["gsis"] if gsi_status(index, now) is not None]


async def _target(ctx: Context, request: dict[str, Any]) -> _Target:
    meta = await existing_table(ctx, request["TableName"])
    name: str | None = request.get("IndexName")
    if name is None:
        return _Target(meta, None)
    for index in _live_gsis(meta, ctx.clock.now()):
        if index["IndexName"] == name:
            return _Target(meta, index)
    raise ResourceNotFoundException(
        f"Requested resource not found: Index: {name} not found for table: {meta.name}"
    )


def _mode_of(state: State | None) -> dict[str, str]:
    return {} if state is None else {"ContributorInsightsMode": state["mode"]}


@operation("UpdateContributorInsights")
async def update_contributor_insights(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    target = await _target(ctx, request)
    now = ctx.clock.now()
    if table_status(target.meta, now) == CREATING:
        raise ValidationException(TABLE_NOT_ACTIVE)
    if target.index is not None and gsi_status(target.index, now) == INDEX_CREATING:
        raise ValidationException(INDEX_NOT_ACTIVE)
    current = target.state
    action: str = request["ContributorInsightsAction"]
    mode: str | None = request.get("ContributorInsightsMode")
    state = changed_state(current, action, mode, now, ctx.settings.status_delay)
    if state is None:
        return {
            **target.names(),
            "ContributorInsightsStatus": insights_status(current, now),
            **_mode_of(current),
        }
    try:
        await ctx.cluster.update_table(ctx.namespace, target.meta.name, target.with_state(state))
    except TableNotFound:
        raise ResourceNotFoundException(
            f"Requested resource not found: Table: {target.meta.name} not found"
        ) from None
    # The answer names the transition just started, whatever --status-delay is (AWS answers it too).
    status = ENABLING if state["enabled"] else DISABLING
    return {**target.names(), "ContributorInsightsStatus": status, **_mode_of(state)}


@operation("DescribeContributorInsights")
async def describe_contributor_insights(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    target = await _target(ctx, request)
    state = target.state
    status = insights_status(state, ctx.clock.now())
    response: dict[str, Any] = target.names()
    if state is not None and status != DISABLED:
        response["ContributorInsightsRuleList"] = rule_names(
            target.resource(), target.has_sort_key(), state["mode"], state["rules_at"]
        )
    response["ContributorInsightsStatus"] = status
    if state is not None:
        response["LastUpdateDateTime"] = epoch(state["changed_at"])
        response["ContributorInsightsMode"] = state["mode"]
    return response


# --- ListContributorInsights -------------------------------------------------------------------------------

Position = tuple[bytes, bytes]  # (table name, index name or b"" for the table itself), UTF-8


def _position(table: str, index: str | None) -> Position:
    return table.encode(), (index or "").encode()


def encode_token(table: str, index: str | None) -> str:
    """A NextToken: where the page ended (opaque to clients)."""
    return base64.urlsafe_b64encode(orjson.dumps({"after": [table, index or ""]})).decode()


def decode_token(token: str) -> Position:
    try:
        after = orjson.loads(base64.urlsafe_b64decode(token.encode()))["after"]
        table, index = after
        if not isinstance(table, str) or not isinstance(index, str):
            raise TypeError(after)
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ValidationException(INVALID_TOKEN) from None
    return table.encode(), index.encode()


def summaries(meta: TableMeta, now: float) -> Iterator[tuple[Position, dict[str, Any]]]:
    """The table's entries that are not DISABLED, the table first, then its global indexes by name."""
    holders: list[tuple[str | None, State | None]] = [(None, meta.spec.get(SPEC_KEY))]
    indexes = sorted(_live_gsis(meta, now), key=lambda index: str(index["IndexName"]).encode())
    holders += [(index["IndexName"], index.get(SPEC_KEY)) for index in indexes]
    for index_name, state in holders:
        status = insights_status(state, now)
        if state is None or status == DISABLED:
            continue
        summary: dict[str, Any] = {"TableName": meta.name}
        if index_name is not None:
            summary["IndexName"] = index_name
        summary["ContributorInsightsStatus"] = status
        summary["ContributorInsightsMode"] = state["mode"]
        yield _position(meta.name, index_name), summary


async def _tables(ctx: Context, table_name: str | None) -> list[TableMeta]:
    if table_name is not None:
        return [await existing_table(ctx, table_name)]
    found = []
    for name in await ctx.cluster.list_tables(ctx.namespace):
        try:
            found.append(await ctx.cluster.get_table(ctx.namespace, name))
        except TableNotFound:  # deleted meanwhile
            continue
    return found


@operation("ListContributorInsights")
async def list_contributor_insights(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    limit = request.get("MaxResults")
    page_size = limit if isinstance(limit, int) and limit > 0 else LIST_PAGE
    token = request.get("NextToken")
    after = decode_token(token) if token is not None else None
    now = ctx.clock.now()
    page: list[dict[str, Any]] = []
    last: Position | None = None
    for meta in await _tables(ctx, request.get("TableName")):
        for position, summary in summaries(meta, now):
            if after is not None and position <= after:
                continue
            if len(page) == page_size:
                assert last is not None
                table, index = last
                return {
                    "ContributorInsightsSummaries": page,
                    "NextToken": encode_token(table.decode(), index.decode()),
                }
            page.append(summary)
            last = position
    return {"ContributorInsightsSummaries": page}
