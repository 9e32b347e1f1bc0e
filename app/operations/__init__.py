"""API operation handlers, one module per family; importing this package fills `REGISTRY`."""

from app.operations import items, tables  # noqa: F401  (registration side effects)
from app.operations.registry import REGISTRY, Context, Handler, operation

__all__ = ["REGISTRY", "Context", "Handler", "operation"]
