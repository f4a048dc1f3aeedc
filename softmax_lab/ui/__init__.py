"""Streamlit widgets and per-session state. Only this package (and pages/, app.py) calls st.*."""
