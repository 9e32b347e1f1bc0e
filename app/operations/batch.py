"""BatchGetItem and BatchWriteItem (being written for issue 4)."""
