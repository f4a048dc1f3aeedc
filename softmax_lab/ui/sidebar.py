"""The shared sidebar: preset picker, temperature and the large-batch generator."""

from dataclasses import replace

import streamlit as st

from softmax_lab.presets import MAX_GENERATED_CLASSES, MAX_ROWS, PRESETS
from softmax_lab.ui import state
from softmax_lab.workspace import TEMPERATURES, from_generator, from_preset


def render() -> None:
    """Draw the sidebar and fold its values into the workspace."""
    ws = state.workspace()
    st.session_state.setdefault(state.PRESET_KEY, ws.preset if ws.preset in PRESETS else None)
    st.session_state.setdefault(state.TEMPERATURE_KEY, ws.temperature)
    with st.sidebar:
        st.selectbox(
            "Preset",
            list(PRESETS),
            key=state.PRESET_KEY,
            format_func=lambda k: PRESETS[k].title,
            on_change=_load_preset,
            placeholder="Custom batch",
            help="Worked examples from the reference notes. Picking one replaces the batch.",
        )
        if st.button("Reload preset", disabled=st.session_state[state.PRESET_KEY] is None):
            _load_preset()
        st.select_slider(
            "Temperature T",
            options=TEMPERATURES,
            key=state.TEMPERATURE_KEY,
            format_func=lambda t: f"{t:g}",
            help="softmax(z / T) on a log scale from 0.001 to 1000. T → 0 gives the "
            "argmax one-hot; T → ∞ gives the uniform distribution.",
        )
        _generator()
        ws = state.workspace()
        temperature = st.session_state[state.TEMPERATURE_KEY]
        if temperature != ws.temperature:
            ws = replace(ws, temperature=temperature)
            state.set_workspace(ws)
        st.caption(
            f"Batch: N = {ws.n_rows} rows × C = {ws.n_classes} classes · T = {ws.temperature:g}"
        )


def _load_preset() -> None:
    key = st.session_state.get(state.PRESET_KEY)
    if key in PRESETS:
        state.load(from_preset(key, st.session_state.get(state.TEMPERATURE_KEY, 1.0)))


def _generator() -> None:
    with st.expander("Generate a large batch"), st.form("generator", border=False):
        kind = st.radio(
            "Shape",
            ["random", "zipf"],
            format_func={"random": "random normal", "zipf": "LLM-like Zipf rows"}.get,
            horizontal=True,
        )
        n_rows = st.number_input("Rows N", 1, MAX_ROWS, 4)
        n_classes = st.number_input("Classes C", 2, MAX_GENERATED_CLASSES, 200, step=10)
        param = st.number_input(
            "Scale (normal) or exponent (Zipf)", 0.01, 100.0, 3.0, format="%.2f"
        )
        seed = st.number_input("Seed", 0, 2**31 - 1, 0)
        if st.form_submit_button("Generate", help="Replaces the batch; C > 50 is read-only."):
            try:
                ws = from_generator(kind, n_rows, n_classes, param, seed, _temperature())
            except ValueError as err:
                st.error(str(err))
            else:
                state.load(ws)
                st.session_state[state.PRESET_KEY] = None
                st.rerun()


def _temperature() -> float:
    return st.session_state.get(state.TEMPERATURE_KEY, 1.0)
