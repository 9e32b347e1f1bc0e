"""DescribeLimits and DescribeEndpoints: the account's capacity quotas and the endpoint to use.

DescribeLimits reports AWS's default quotas, the ones CreateTable and UpdateTable enforce here (see
table_throughput). DescribeEndpoints names the endpoint the client reached (its Host header, port
included, where AWS names its regional host, e.g. `dynamodb.us-east-1.amazonaws.com`), cached for a day
as AWS says, so SDKs that use endpoint discovery keep talking to this server.
"""

from __future__ import annotations

from typing import Any

from app.operations.registry import Context, operation
from app.operations.table_throughput import TABLE_MAX_UNITS

# Default quota of provisioned units per account and region, summed over its tables and indexes.
ACCOUNT_MAX_UNITS = 80000
# Minutes a client may cache the answer of DescribeEndpoints.
ENDPOINT_CACHE_MINUTES = 1440


@operation("DescribeLimits")
async def describe_limits(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return {
        "AccountMaxReadCapacityUnits": ACCOUNT_MAX_UNITS,
        "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_UNITS,
        "TableMaxReadCapacityUnits": TABLE_MAX_UNITS,
        "TableMaxWriteCapacityUnits": TABLE_MAX_UNITS,
    }


@operation("DescribeEndpoints")
async def describe_endpoints(request: dict[str, Any], ctx: Context) -> dict[str, Any]:
    address = ctx.host or f"{ctx.settings.host}:{ctx.settings.port}"
    return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": ENDPOINT_CACHE_MINUTES}]}
