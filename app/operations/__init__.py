"""API operation handlers, one module per family; importing this package fills `REGISTRY`."""

import app.operations.batch
import app.operations.contributor_insights
import app.operations.global_tables_legacy
import app.operations.items
import app.operations.limits
import app.operations.query_scan
import app.operations.replica_autoscaling
import app.operations.resource_policies
import app.operations.statements
import app.operations.streams
import app.operations.tables
import app.operations.tags
import app.operations.transactions
import app.operations.ttl  # noqa: F401
from app.operations.registry import REGISTRY, Context, Handler, operation

__all__ = ["REGISTRY", "Context", "Handler", "operation"]
