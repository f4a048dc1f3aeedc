"""Each page's sections as tabs that run lazily: only the open tab's code runs and draws.

A temperature change then redraws the few charts the reader is looking at, not every
chart on the page (``st.tabs(..., on_change="rerun")`` tracks the open tab, and a
closed tab's ``.open`` is False). The open tab lives in ``st.session_state`` under
``key(page)``, so it survives reruns; the first tab opens on a first visit. It is also
in the link (``tab=<slug>``): a link opened with a tab lands on it, and an unknown tab
name gives a message and the first tab.
"""

import streamlit as st

from softmax_lab.link_codec import tab_from_query, tab_slug
from softmax_lab.page_tabs import PAGE_TABS
from softmax_lab.ui import share
from softmax_lab.ui.text import md

SECTIONS = PAGE_TABS


def key(page: str) -> str:
    """The session-state key that holds ``page``'s open section."""
    return f"{page}_section"


def open_section(page: str):
    """Draw ``page``'s tabs; return (label, container) of the open one."""
    labels = SECTIONS[page]
    link = share.incoming()
    if link is not None and "tab" in link:
        try:
            st.session_state[key(page)] = tab_from_query(link["tab"], labels)
        except ValueError as err:
            st.session_state[key(page)] = labels[0]
            st.warning(md(err, limit=300), icon=":material/link_off:")
    tabs = st.tabs(labels, key=key(page), on_change="rerun")
    label, tab = next(
        ((label, tab) for label, tab in zip(labels, tabs, strict=True) if tab.open),
        (labels[0], tabs[0]),
    )
    share.add_to_url({"tab": tab_slug(label)})
    return label, tab


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
