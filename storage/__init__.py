"""localddb's storage service: a catalog plus partitioned SQLite B-trees, each with its write-ahead log.

`storage.Cluster` is the only door; it never imports `app`.
"""

from storage.cluster import Cluster

__all__ = ["Cluster"]
