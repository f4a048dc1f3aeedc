"""Saturation: scale and temperature sweeps, finite precision, and attention scaling."""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab import attention, saturation_view
from softmax_lab.figures.saturation import (
    GRAD_AXIS_DECADES,
    attention_bars,
    attention_sweep_figure,
    gap_figure,
    readout_figure,
)
from softmax_lab.pairs import PAIRS
from softmax_lab.ui import charts, editors, sections, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.ranges import int_input, range_input
from softmax_lab.ui.text import md

require_frame()

TITLES = {k: p.title for k, p in PAIRS.items()}
AXIS_NOTE = f"The gradient axis stops at 1e{GRAD_AXIS_DECADES[0]}: smaller norms fall off it."
EPS = saturation_view.EPS

st.title("Saturation")
share.show_url_error()

# -- inputs ----------------------------------------------------------------------------
ws = state.workspace()
row = editors.row_picker(ws, key="saturation_row")
z = ws.logits[row]
wrong_label = st.toggle(
    "Label the least likely class (a wrong prediction)",
    value=True,
    help="Off: use this row's own labels.",
)
if wrong_label:
    y = np.zeros(ws.n_classes)
    y[int(np.argmin(z))] = 1.0
else:
    y = ws.labels[row]
label_names = [ws.class_names[i] for i in np.flatnonzero(y > 0)]
st.caption(f"The sweeps use row {row + 1} with label(s): {', '.join(label_names[:5]) or 'none'}.")


# -- scale sweep -----------------------------------------------------------------------
@st.fragment
def scale_section(z, y):
    st.subheader("Scale the logits: s · z")
    low, high = range_input("scale s", 1e-2, 1e2, key="scale", positive=True, bound=1e6)
    raw = st.radio(
        "Gradient with respect to",
        ("u = s·z, what softmax sees", "z, the raw logits (= s·dL/du)"),
        horizontal=True,
        key="scale_wrt",
    ).startswith("z")
    view = saturation_view.scale_view(z, y, low, high, raw)
    charts.show(
        readout_figure(
            view.x, view.readouts, TITLES, "scale s", current=1.0, grad_name=view.grad_name
        ),
        key="scale_fig",
    )
    low_decade = GRAD_AXIS_DECADES[0]
    st.caption(
        view.caption + f" The gradient axis stops at 1e{low_decade}: smaller norms fall off it."
    )


# -- temperature sweep -----------------------------------------------------------------
@st.fragment
def temperature_section(z, y, current):
    st.subheader("Temperature: z / T")
    low, high = range_input("temperature T", 1e-3, 1e3, key="temp", positive=True, bound=1e6)
    raw = st.radio(
        "Gradient with respect to",
        ("u = z / T, what softmax sees", "z, the raw logits (= dL/du / T)"),
        horizontal=True,
        key="temp_wrt",
    ).startswith("z")
    view = saturation_view.temperature_view(z, y, low, high, raw)
    charts.show(
        readout_figure(
            view.x,
            view.readouts,
            TITLES,
            "temperature T",
            current=current,
            limits=view.limits,
            grad_name=view.grad_name,
        ),
        key="temp_fig",
    )
    st.caption(f"{view.caption} {AXIS_NOTE}")


def precision_section():
    st.subheader("Finite precision")
    view = saturation_view.precision_view()
    limits = view.limits
    st.dataframe(
        pd.DataFrame(
            {
                "naive softmax: exp overflows above z =": {
                    k: v["overflow_limit"] for k, v in limits.items()
                },
                "stable: p turns subnormal past a gap of": {
                    k: v["subnormal_gap"] for k, v in limits.items()
                },
                "stable: p is exactly 0 past a gap of": {
                    k: v["zero_gap"] for k, v in limits.items()
                },
                "p just inside → just past (evaluated)": {
                    k: f"{v['p_inside']:.3g} → {v['p_past']:g}" for k, v in limits.items()
                },
            }
        ),
        width="stretch",
    )
    st.caption(
        "Overflow: log of the largest finite number. Subnormal: −log of the smallest normal "
        "number. Exactly 0: exp(−gap) rounds to 0 once it is at most half the smallest "
        "subnormal s, so the gap is −log s + log 2. The last column evaluates stable softmax "
        "on [0, −gap] in that dtype a few units in the last place either side of it."
    )
    charts.show(gap_figure(saturation_view.GAPS, view.by_dtype, EPS), key="gap_fig")
    st.dataframe(
        pd.DataFrame(
            {
                f"{name}: {label}": sign * out[col]
                for name, out in view.probe.items()
                for label, col, sign in (
                    ("−log p", "log_of_p", -1.0),
                    ("−log(p+eps)", "ce_eps", 1.0),
                    ("−log_softmax", "ce_log_softmax", 1.0),
                )
            },
            index=pd.Index(saturation_view.PROBE_GAPS, name="gap"),
        ),
        width="stretch",
    )
    st.caption(view.caption)


# -- attention -------------------------------------------------------------------------
@st.fragment
def attention_section():
    st.subheader("Why attention divides by √d")
    c1, c2, c3 = st.columns(3)
    d = c1.slider("dimension d", 1, attention.MAX_D, 64, key="attention_d")
    n = int_input("keys n", 16, "attention_n", 2, attention.MAX_KEYS, container=c2)
    seed = int_input("seed", 0, "attention_seed", 0, attention.MAX_SEED, container=c3)
    try:
        d, n, seed = attention.check_inputs(d, n, seed)
    except ValueError as err:  # d arrives from the slider; keep the last valid one
        st.error(f"{md(err, 200)} Showing the last valid d.", icon=":material/error:")
        d = st.session_state.get("attention_d_valid", 64)
    st.session_state["attention_d_valid"] = d
    view = saturation_view.attention_view(d, n, seed)
    charts.show(attention_bars(view.scaled, view.unscaled), key="attention_bars")
    charts.show(
        attention_sweep_figure(saturation_view.ATTENTION_DIMS, view.sweep, d),
        key="attention_sweep",
    )
    st.caption(view.caption)


VIEWS = {
    "Scale": lambda: scale_section(z, y),
    "Temperature": lambda: temperature_section(z, y, ws.temperature),
    "Finite precision": precision_section,
    "Attention": attention_section,
}
sections.keep_widgets(
    "scale_low",
    "scale_high",
    "temp_low",
    "temp_high",
    "scale_wrt",
    "temp_wrt",
    "attention_d",
    "attention_n",
    "attention_seed",
)
label, tab = sections.open_section("saturation")
with tab:
    VIEWS[label]()
