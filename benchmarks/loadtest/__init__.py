"""A load generator on Streamlit's own websocket protocol, no browser.

Run with ``make loadtest`` (``python -m benchmarks.loadtest``).
"""
