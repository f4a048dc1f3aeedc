"""Every Plotly chart of the app goes through ``show``: drawn in place, in the lab's look.

``st.plotly_chart`` takes a chart's identity from its figure. A chart whose data changes
is therefore removed and plotted anew (``Plotly.newPlot``) on every rerun, which is slow
(benchmarks/README.md has the measurements). ``show`` draws the figure with a components-v2
component instead, in the app's own page (no iframe): Streamlit keeps a component for as
long as its key stays the same, and the component's module (``plotly_chart/chart.js``)
redraws each new figure with ``Plotly.react``.

The component is declared in ``pyproject.toml`` (``[tool.streamlit.component]``), so
Streamlit serves its asset folder; the package must be installed (``pip install -e .``,
done by ``make run``). plotly.js is loaded once per browser tab from that folder: plotly's
own cartesian bundle, checked when the app starts (``softmax_lab.ui.chart_assets``).
"""

import contextlib

import plotly.io as pio
import streamlit as st
from streamlit.errors import StreamlitAPIException

from softmax_lab.figures import style
from softmax_lab.figures.style import TEMPLATE
from softmax_lab.ui import chart_assets

# "<project name>.<component name>" of pyproject.toml's [[tool.streamlit.component.components]]
NAME = "softmax-lab.plotly_chart"
KEY_PREFIX = "chart-"  # keeps chart keys apart from the app's other session-state keys
_TEMPLATE = TEMPLATE.to_plotly_json()
# Checked once per process: None, or why the served plotly.js cannot be used.
PLOTLY_JS_PROBLEM = chart_assets.problem()


def missing(problem: str) -> str:
    """The message shown instead of a chart when plotly.js cannot be used."""
    return f"The charts cannot be drawn: {problem}"


NOT_INSTALLED = (
    "The charts need the softmax-lab package installed, so that Streamlit finds their "
    "component in `pyproject.toml`: run `make run` (or `pip install -e .`)."
)
_mount = None


def _component():
    """The component's mount function, made on first use.

    Streamlit resolves ``chart.js`` against the asset folder the running server found in
    ``pyproject.toml``; outside a server there is none, so nothing is declared at import.
    """
    global _mount
    if _mount is None:
        _mount = st.components.v2.component(NAME, js="chart.js", isolate_styles=False)
    return _mount


LARGE_KEY = "large_display"  # session state: the sidebar's large-display toggle (``?large=1``)


def spec_json(fig, large: bool = False) -> str:
    """``fig`` as the JSON the component draws, with the lab's template (``TEMPLATE``);
    ``large``: fonts of at least 18 px and taller charts (``style.large``).

    ``fig`` is a ``go.Figure`` or a plain figure dict (``style.figure``), which is
    encoded as is: no ``go.Figure`` is built from it.
    """
    spec = style.to_plotly_json(fig) if isinstance(fig, dict) else fig.to_plotly_json()
    spec["layout"]["template"] = _TEMPLATE
    if large:
        style.large(spec)
    return pio.to_json(spec, validate=False)


def large() -> bool:
    """Whether the sidebar's large-display toggle is on."""
    return st.session_state.get(LARGE_KEY, False)


def show(fig, *, key: str, where=None) -> None:
    """Draw ``fig`` in ``where`` (default: the current container), updated in place.

    ``key`` names the chart: while it stays the same across reruns the browser keeps
    the chart and redraws only what changed.
    """
    show_spec(spec_json(fig, large()), key=key, where=where)


def show_spec(spec: str, *, key: str, where=None) -> None:
    """``show`` for a figure already encoded by ``spec_json``."""
    with where if where is not None else contextlib.nullcontext():
        if PLOTLY_JS_PROBLEM is not None:
            st.warning(missing(PLOTLY_JS_PROBLEM), icon=":material/warning:")
            return
        try:
            mount = _component()
        except StreamlitAPIException:  # no asset folder: the package is not installed
            st.error(NOT_INSTALLED, icon=":material/error:")
            return
        mount(data=spec, key=KEY_PREFIX + key)
