"""Shareable links: the URL's query parameters hold the workspace.

Query parameters are strings that anyone can type, so they are parsed and
bounded by ``softmax_lab.link_codec.from_query``; a bad link shows a message and
leaves the current batch alone. Streamlit clears them on a page change, so the
frame writes them back after every run.
"""

import streamlit as st

from softmax_lab.link_codec import from_query, to_query
from softmax_lab.ui import state
from softmax_lab.ui.text import md

_WRITTEN = "url_written"
_ERROR = "url_error"


def _current() -> dict:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def load_from_url() -> None:
    """Load the workspace from a link the first time this session sees it."""
    params = _current()
    st.session_state.pop(_ERROR, None)
    if not params or params == st.session_state.get(_WRITTEN):
        return
    try:
        ws = from_query(params)
    except ValueError as err:
        st.session_state[_ERROR] = f"This link could not be read, so the lab kept its batch: {err}"
    else:
        state.load(ws)
    st.session_state[_WRITTEN] = params


def show_url_error() -> None:
    """A message near the top of the page when the link was malformed."""
    if msg := st.session_state.get(_ERROR):
        st.warning(md(msg, limit=400), icon=":material/link_off:")


EXTRA = "url_extra"  # other params a view keeps in the link: lesson, step, large


def keep_in_url(**params: str | None) -> None:
    """Keep these parameters in the link next to the workspace (None drops one)."""
    extra = st.session_state.setdefault(EXTRA, {})
    for key, value in params.items():
        if value is None:
            extra.pop(key, None)
        else:
            extra[key] = str(value)


def write_to_url() -> None:
    """Put the current workspace in the address bar, so that copying it shares the view."""
    query = to_query(state.workspace()) | st.session_state.get(EXTRA, {})
    wanted = {k: [v] for k, v in query.items()}
    if wanted != _current():
        st.query_params.from_dict(query)
    st.session_state[_WRITTEN] = wanted
