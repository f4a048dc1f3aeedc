"""Shareable links: the URL's query parameters hold the workspace, the open tab, and the
Training page's settings and step.

Query parameters are strings that anyone can type, so they are parsed and bounded by
``softmax_lab.link_codec``; a bad link shows a message and leaves the current batch
alone. Streamlit clears them on a page change, so the frame writes them back after
every run: the workspace's parameters, plus what the page added with ``add_to_url``.

Parameters named in ``PASSTHROUGH`` belong to other features (lesson mode, the large
display option): they are written only through ``keep_in_url``; otherwise whatever the
address bar holds for them stays untouched, and a change of them alone does not count
as a new link.

Parameters named in ``BOUND`` belong to a widget bound to the link
(``bind="query-params"``): the browser rewrites them in place as the widget moves, so a
temperature drag adds no browser-history entry. They are read with the rest of a link but
never written here (Streamlit refuses it), and a change of them alone is not a new link.
A typed T off the slider's grid (0.5) is snapped (0.501); Streamlit drops it from the
address bar until the next rerun puts the snapped value back. "Copy link" is always whole.

A click sent before the browser received the last address written (the Training page
writes its step every few seconds) carries the address before it. That is not a new
link: read as one, it would rewind the run to the older step. So the address that the
last write replaced counts as this session's own for ``SUPERSEDED_SECONDS`` (a Back to
it that soon is ignored too, and the next run writes the current view again).
"""

import time

import streamlit as st

from softmax_lab.link_codec import WORKSPACE_KEYS, from_query, to_query
from softmax_lab.ui import state
from softmax_lab.ui.text import md

PASSTHROUGH = frozenset({"lesson", "step", "large"})
BOUND = frozenset({state.TEMPERATURE_KEY})
_WRITTEN = "url_written"
_SUPERSEDED = "url_superseded"  # (the params the last write replaced, when)
SUPERSEDED_SECONDS = 3.0
_ERROR = "url_error"
_INCOMING = "url_incoming"  # the parameters of a link opened in this run
_PAGE = "url_page_params"  # what the page adds to the link
EXTRA = "url_extra"  # other params a view keeps in the link: lesson, step, large


def _current() -> dict:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _own(params: dict) -> dict:
    extra = st.session_state.get(EXTRA, {})
    return {
        k: v
        for k, v in params.items()
        if k not in PASSTHROUGH and k not in BOUND and k not in extra
    }


def keep_in_url(**params: str | None) -> None:
    """Keep these parameters in the link next to the workspace (None drops one).

    They stay across page changes until dropped. A ``PASSTHROUGH`` parameter never
    set here keeps whatever value the address bar has.
    """
    extra = st.session_state.setdefault(EXTRA, {})
    for key, value in params.items():
        extra[key] = None if value is None else str(value)


def _passthrough(current: dict) -> dict:
    """The parameters kept beside the view's own: (name -> list of values)."""
    extra = st.session_state.get(EXTRA, {})
    kept = {k: v for k, v in current.items() if k in PASSTHROUGH and k not in extra}
    return kept | {k: [v] for k, v in extra.items() if v is not None}


def load_from_url() -> None:
    """Read a link the first time this session sees it: load its workspace (if it has
    one) and keep its parameters for the page (``incoming``) during this run."""
    current = _current()
    params = _own(current)
    st.session_state.pop(_ERROR, None)
    st.session_state.pop(_INCOMING, None)
    st.session_state[_PAGE] = {}
    bound = {k: v for k, v in current.items() if k in BOUND}
    first_run = _WRITTEN not in st.session_state
    new_link = bool(params) and params != st.session_state.get(_WRITTEN) and not _stale(params)
    if not (new_link or (first_run and bound)):  # a bound T alone: only a first visit's
        return
    st.session_state[_INCOMING] = params
    st.session_state[_WRITTEN] = params
    if not any(k in WORKSPACE_KEYS for k in params | bound):
        return
    try:
        ws = from_query(params | bound)
    except ValueError as err:
        report(f"This link could not be read, so the lab kept its batch: {err}")
    else:
        state.load(ws)


def _stale(params: dict) -> bool:
    """Whether ``params`` are the address the last write replaced, only just."""
    replaced, at = st.session_state.get(_SUPERSEDED, (None, 0.0))
    return params == replaced and time.monotonic() - at < SUPERSEDED_SECONDS


def incoming() -> dict | None:
    """The parameters (name -> list of values) of a link opened in this run, else None."""
    return st.session_state.get(_INCOMING)


def report(message: str) -> None:
    """Keep a message about a bad link for ``show_url_error`` (the first one wins)."""
    st.session_state.setdefault(_ERROR, message)


def show_url_error() -> None:
    """A message near the top of the page when the link was malformed."""
    if msg := st.session_state.get(_ERROR):
        st.warning(md(msg, limit=400), icon=":material/link_off:")


def add_to_url(params: dict) -> None:
    """Add the page's own parameters (str -> str) to the link written after this run."""
    st.session_state.setdefault(_PAGE, {}).update(params)


def write_to_url() -> None:
    """Put the current view in the address bar, so that copying it shares the view.

    Also callable from a fragment (the Training page's live view) to update the page's
    parameters between full runs.
    """
    query = to_query(state.workspace()) | st.session_state.get(_PAGE, {})
    wanted = {k: [v] for k, v in query.items() if k not in BOUND}
    current = _current()
    full = wanted | _passthrough(current)
    for k in [k for k in current if k not in full and k not in BOUND]:
        del st.query_params[k]
    changed = {k: v for k, v in full.items() if current.get(k) != v}
    if changed:
        st.query_params.update(changed)
    before = st.session_state.get(_WRITTEN)
    if before is not None and before != wanted:
        st.session_state[_SUPERSEDED] = (before, time.monotonic())
    st.session_state[_WRITTEN] = wanted


def link(base_url: str | None) -> str | None:
    """The full link of the current view, or None when the page's address is unknown."""
    if not base_url:
        return None
    from urllib.parse import urlencode, urlsplit, urlunsplit

    query = to_query(state.workspace()) | st.session_state.get(_PAGE, {})
    kept = {k: v[-1] for k, v in _passthrough(_current()).items()}
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(query=urlencode(query | kept), fragment=""))


def copy_link_button(where=None) -> None:
    """A "Copy link" popover with the view's link in a code box (its copy button).

    Its content runs only while it is open: closed, every rerun of every page would
    otherwise send a new code box (the link changes with each edit) that nobody sees.
    """
    where = where or st
    box = where.popover("Copy link", icon=":material/link:", key="copy_link", on_change="rerun")
    if not box.open:
        return
    with box:
        url = link(_page_url())
        if url is None:
            st.markdown("The address bar holds the link to this view.")
        else:
            st.code(url, language=None, wrap_lines=True)
            st.markdown("Opened anywhere, this link shows the same view.")


def _page_url() -> str | None:
    try:
        return st.context.url
    except AttributeError:  # older Streamlit: no page address on the server
        return None
