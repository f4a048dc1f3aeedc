"""The shared sidebar: preset picker, temperature and the large-batch generator."""

from dataclasses import replace

import streamlit as st

from softmax_lab.presets import MAX_GENERATED_CLASSES, MAX_ROWS, PRESETS
from softmax_lab.ui import charts, lesson_bar, sections, share, state
from softmax_lab.workspace import TEMPERATURES, from_generator, from_preset


def render(page=None) -> None:
    """Draw the sidebar and fold its values into the workspace; then the lesson bar above
    the page (``page``: the ``st.navigation`` page about to run)."""
    path = None if page is None else page.url_path
    lesson_bar.before_sidebar(path)
    ws = state.workspace()
    st.session_state.setdefault(state.PRESET_KEY, ws.preset if ws.preset in PRESETS else None)
    st.session_state.setdefault(state.TEMPERATURE_KEY, ws.temperature)
    if ws.preset in PRESETS:
        st.session_state[LAST_PRESET] = ws.preset
    elif st.session_state[state.PRESET_KEY] is not None:
        # The batch was edited since the preset was picked: the box says so.
        st.session_state[state.PRESET_KEY] = None
    last = st.session_state.get(LAST_PRESET)
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
        st.button(
            "Reload preset",
            disabled=last not in PRESETS,
            on_click=_reload_preset,
            help=f"Back to “{PRESETS[last].title}” as it was before any edit."
            if last in PRESETS
            else "Pick a preset first.",
        )
        st.select_slider(
            "Temperature T",
            options=TEMPERATURES,
            value=1.0,
            key=state.TEMPERATURE_KEY,
            # Bound to the link's T: a drag rewrites the address in place (the browser's
            # replaceState), so Back leaves the page instead of undoing each step.
            bind="query-params",
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
        st.caption(caption(ws))
        _large_display()
    lesson_bar.render(path)


def _large_display() -> None:
    """The projector toggle: chart fonts of at least 18 px and taller charts. It is in the
    link as ``large=1``; a link's value is read on the session's first run."""
    if charts.LARGE_KEY not in st.session_state:
        st.session_state[charts.LARGE_KEY] = st.query_params.get("large") == "1"
    on = st.toggle(
        "Large display (projector)",
        key=charts.LARGE_KEY,
        help="Chart text of at least 18 px and taller charts and heatmaps, for the back "
        "of a lecture room. Kept in the link as large=1.",
    )
    share.keep_in_url(large="1" if on else None)


def caption(ws) -> str:
    """The sidebar's one-line summary of the batch: its preset (or "custom"), N, C and T.

    Examples
    --------
    >>> from softmax_lab.workspace import from_preset
    >>> caption(from_preset("penalty"))
    'Batch: penalty · N = 1 row × C = 2 classes · T = 1'
    """
    name = ws.preset if ws.preset in PRESETS else "custom"
    rows = "row" if ws.n_rows == 1 else "rows"
    return (
        f"Batch: {name} · N = {ws.n_rows} {rows} × C = {ws.n_classes} classes · "
        f"T = {ws.temperature:g}"
    )


LAST_PRESET = "preset_last"  # the preset the batch last came from, for Reload


def _load_preset() -> None:
    key = st.session_state.get(state.PRESET_KEY)
    if key in PRESETS:
        state.load(from_preset(key, st.session_state.get(state.TEMPERATURE_KEY, 1.0)))
        st.session_state[LAST_PRESET] = key


def _reload_preset() -> None:
    key = st.session_state.get(LAST_PRESET)
    if key in PRESETS:
        st.session_state[state.PRESET_KEY] = key
        _load_preset()


# The generator's inputs and their defaults. They are set here, not as widget defaults,
# so carrying them over a closed expander (``keep_widgets``) raises no warning.
GENERATOR_DEFAULTS = {
    "gen_kind": "random",
    "gen_rows": 4,
    "gen_classes": 200,
    "gen_param": 3.0,
    "gen_seed": 0,
}
_GEN_ERROR = "gen_error"


def _generator() -> None:
    """The generator's form, drawn only while its expander is open (every rerun of
    every page would otherwise redraw its five inputs)."""
    sections.keep_widgets(*GENERATOR_DEFAULTS)
    box, is_open = sections.lazy_expander("Generate a large batch", key="sidebar_generator")
    if not is_open:
        return
    for key, value in GENERATOR_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    with box, st.form("generator", border=False):
        st.radio(
            "Shape",
            ["random", "zipf"],
            format_func={"random": "random normal", "zipf": "LLM-like Zipf rows"}.get,
            horizontal=True,
            key="gen_kind",
        )
        st.number_input("Rows N", 1, MAX_ROWS, key="gen_rows")
        st.number_input("Classes C", 2, MAX_GENERATED_CLASSES, step=10, key="gen_classes")
        st.number_input(
            "Scale (normal) or exponent (Zipf)", 0.01, 100.0, format="%.2f", key="gen_param"
        )
        st.number_input("Seed", 0, 2**31 - 1, key="gen_seed")
        st.form_submit_button(
            "Generate", help="Replaces the batch; C > 50 is read-only.", on_click=_generate
        )
        if st.session_state.get(_GEN_ERROR):
            st.error(st.session_state[_GEN_ERROR], icon=":material/error:")


def _generate() -> None:
    """The Generate button's callback: it runs before the sidebar's widgets are drawn,
    so it may set the preset and temperature they show."""
    values = [st.session_state[k] for k in GENERATOR_DEFAULTS]
    try:
        ws = from_generator(*values, _temperature())
    except ValueError as err:
        st.session_state[_GEN_ERROR] = str(err)
        return
    st.session_state[_GEN_ERROR] = None
    state.load(ws)
    st.session_state[state.PRESET_KEY] = None


def _temperature() -> float:
    return st.session_state.get(state.TEMPERATURE_KEY, 1.0)
