"""Benchmarks: ours against what a user would otherwise pick, measured side by side.

Run with ``make bench`` (``python -m benchmarks``). Nothing here is a test and no test
asserts a time.
"""
