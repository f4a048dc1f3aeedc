"""Validated numeric range inputs: a bad range shows a message and keeps the last valid one."""

import streamlit as st

from softmax_lab.sweeps import check_range
from softmax_lab.ui.text import md


def range_input(label, low, high, key, positive=False, bound=1e4, fmt="%g"):
    """Two number inputs (from, to); returns the last valid (low, high)."""
    left, right = st.columns(2)
    a = left.number_input(f"{label}: from", value=float(low), key=f"{key}_low", format=fmt)
    b = right.number_input(f"{label}: to", value=float(high), key=f"{key}_high", format=fmt)
    try:
        valid = check_range(a, b, label, positive=positive, bound=bound)
    except ValueError as err:
        st.error(f"{md(err, 200)} Showing the last valid range.", icon=":material/error:")
        return st.session_state.get(f"{key}_valid", (float(low), float(high)))
    st.session_state[f"{key}_valid"] = valid
    return valid
