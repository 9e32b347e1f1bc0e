"""Query and Scan (being written for issue 4)."""
