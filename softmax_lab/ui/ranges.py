"""Validated numeric inputs for sweeps: a bad value shows a message next to the input
and the last valid value stays in ``st.session_state`` (under ``<key>_valid``)."""

import math

import streamlit as st

from softmax_lab.sweeps import check_range
from softmax_lab.ui.text import md

MAX_POINTS = 2001


def _last_valid(key, default, err):
    st.error(f"{md(err, 200)} Showing the last valid value.", icon=":material/error:")
    return st.session_state.get(f"{key}_valid", default)


def range_input(label, low, high, key, positive=False, bound=1e4, fmt="%g"):
    """Two number inputs (from, to); returns the last valid (low, high).

    The inputs have no hard limits, so a bad range (from ≥ to, NaN, beyond ±bound, ≤ 0
    on a log scale) reaches ``check_range`` and gets its message.
    """
    left, right = st.columns(2)
    a = left.number_input(f"{label}: from", value=float(low), key=f"{key}_low", format=fmt)
    b = right.number_input(f"{label}: to", value=float(high), key=f"{key}_high", format=fmt)
    try:
        valid = check_range(a, b, label, positive=positive, bound=bound)
    except ValueError as err:
        return _last_valid(key, (float(low), float(high)), err)
    st.session_state[f"{key}_valid"] = valid
    return valid


def int_input(label, default, key, low, high, container=None, check=None):
    """A whole number in [low, high]; returns the last valid value on a bad entry.

    ``check`` (optional) validates and may raise ValueError with its own message.
    """
    box = container or st
    value = box.number_input(label, value=int(default), step=1, key=key)
    try:
        if value is None or not math.isfinite(value) or float(value) != int(value):
            raise ValueError(f"{label} must be a whole number.")
        if not low <= int(value) <= high:
            raise ValueError(f"{label} must be between {low} and {high}; got {int(value)}.")
        if check is not None:
            check(int(value))
    except ValueError as err:
        with box:
            return _last_valid(key, int(default), err)
    st.session_state[f"{key}_valid"] = int(value)
    return int(value)


def points_input(label, default, key, container=None):
    """The number of sweep points, 11 … 2001."""
    return int_input(label, default, key, 11, MAX_POINTS, container=container)
