"""Plotly figure builders: arrays in, figures out. Nothing here calls Streamlit."""
