"""The user's workspace in ``st.session_state`` (never in ``st.cache_*``)."""

import streamlit as st

from softmax_lab.presets import DEFAULT_PRESET
from softmax_lab.workspace import Workspace, from_preset

_KEY = "workspace"
_VERSION = "editor_version"
TEMPERATURE_KEY = "T"  # also its query parameter: the slider is bound to the link
PRESET_KEY = "preset_choice"


def workspace() -> Workspace:
    """This session's workspace, created from the default preset on first use."""
    if _KEY not in st.session_state:
        st.session_state[_KEY] = from_preset(DEFAULT_PRESET)
    return st.session_state[_KEY]


def set_workspace(ws: Workspace, *, structural: bool = False) -> None:
    """Store ``ws``. A structural change (shape, names, mode, a load) rebuilds the editors
    from the stored values; an ordinary cell edit keeps them as the user left them."""
    st.session_state[_KEY] = ws
    if structural:
        st.session_state[_VERSION] = editor_version() + 1


def load(ws: Workspace) -> None:
    """Replace the workspace wholesale (preset, generator, shared link) and sync the sidebar."""
    set_workspace(ws, structural=True)
    st.session_state[TEMPERATURE_KEY] = ws.temperature
    if ws.preset != "custom":
        st.session_state[PRESET_KEY] = ws.preset


def editor_version() -> int:
    """A counter folded into editor keys: bumping it gives the editors fresh state."""
    return st.session_state.get(_VERSION, 0)
