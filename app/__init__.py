"""localddb: a DynamoDB-compatible server (the application layer: wire, auth, validation, operations)."""
