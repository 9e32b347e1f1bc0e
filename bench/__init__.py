"""Benchmark harness: the same wrk load against localddb and the reference (DynamoDB Local), side by side.

Run it with `python -m bench` (see bench/README.md). It is a measurement tool, not a test: nothing here
asserts a speed.
"""
