"""Each page's sections as tabs that run lazily: only the open tab's code runs and draws.

A temperature change then redraws the few charts the reader is looking at, not every
chart on the page (``st.tabs(..., on_change="rerun")`` tracks the open tab, and a
closed tab's ``.open`` is False). The open tab lives in ``st.session_state`` under
``key(page)``, so it survives reruns; the first tab opens on a first visit.
"""

import streamlit as st

SECTIONS = {
    "jacobian": (
        "The Jacobian",
        "J shrinks",
        "Backward pass",
        "The writeup's example",
        "With cross-entropy",
        "Costs",
    ),
    "gradients": (
        "Per class",
        "Whole batch",
        "Sweep one logit",
        "Positive-only CE",
        "Multi-label",
        "Double softmax",
    ),
    "saturation": ("Scale", "Temperature", "Finite precision", "Attention"),
}


def key(page: str) -> str:
    """The session-state key that holds ``page``'s open section."""
    return f"{page}_section"


def open_section(page: str):
    """Draw ``page``'s tabs; return (label, container) of the open one."""
    labels = SECTIONS[page]
    tabs = st.tabs(labels, key=key(page), on_change="rerun")
    return next(
        ((label, tab) for label, tab in zip(labels, tabs, strict=True) if tab.open),
        (labels[0], tabs[0]),
    )


def lazy_expander(label: str, key: str):
    """An expander whose content runs only while it is open: (container, is_open)."""
    box = st.expander(label, key=key, on_change="rerun")
    return box, bool(box.open)


_KEPT = "sections_kept_widgets"


def keep_widgets(*keys: str) -> None:
    """Carry these widgets' values over while their tab is closed; call before the tabs.

    Streamlit forgets a widget's value at the end of a run that did not draw it, so a
    reader coming back to a tab would find what they typed reset to the defaults.
    """
    kept = st.session_state.setdefault(_KEPT, {})
    for k in keys:
        if k in st.session_state:
            kept[k] = st.session_state[k]
        elif k in kept:
            st.session_state[k] = kept[k]
