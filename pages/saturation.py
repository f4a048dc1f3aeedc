"""Saturation: scale and temperature sweeps, finite precision, and attention scaling."""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab import attention, precision, sweeps
from softmax_lab.figures.saturation import (
    attention_bars,
    attention_sweep_figure,
    gap_figure,
    readout_figure,
)
from softmax_lab.pairs import PAIRS
from softmax_lab.ui import editors, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.ranges import range_input

require_frame()

TITLES = {k: p.title for k, p in PAIRS.items()}
POINTS = 161
ATTENTION_DIMS = np.unique(np.round(np.logspace(0, np.log10(1024), 40)).astype(int))

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
    scales = np.logspace(np.log10(low), np.log10(high), POINTS)
    out = sweeps.scale_sweep(z, y, scales)
    st.plotly_chart(readout_figure(scales, out, TITLES, "scale s", current=1.0), key="scale_fig")
    ce, mse = out["grad:softmax_ce"][-1], out["grad:softmax_mse"][-1]
    st.caption(
        f"At s = {high:g}: ‖dL/dz‖ is {ce:.3g} for softmax + CE but {mse:.3g} for softmax + MSE. "
        "While the prediction is wrong, CE's gradient a·Σy − y stays of order 1 however large "
        "the logits get; the MSE pairs multiply by the Jacobian, which vanishes."
    )


scale_section(z, y)


# -- temperature sweep -----------------------------------------------------------------
@st.fragment
def temperature_section(z, y, current):
    st.subheader("Temperature: z / T")
    low, high = range_input("temperature T", 1e-3, 1e3, key="temp", positive=True, bound=1e6)
    temps = np.logspace(np.log10(low), np.log10(high), POINTS)
    out = sweeps.temperature_sweep(z, y, temps)
    lim = sweeps.limits(z)
    reference = {
        "top": [(lim["argmax_top"], "T → 0: argmax"), (lim["uniform_top"], "T → ∞: 1/C")],
        "entropy": [
            (lim["argmax_entropy"], "T → 0: log #ties"),
            (lim["uniform_entropy"], "T → ∞: log C"),
        ],
    }
    st.plotly_chart(
        readout_figure(temps, out, TITLES, "temperature T", current=current, limits=reference),
        key="temp_fig",
    )


temperature_section(z, y, ws.temperature)

# -- precision -------------------------------------------------------------------------
st.subheader("Finite precision")
table = pd.DataFrame(precision.limits_table()).T
table.columns = [
    "naive softmax overflows above z =",
    "stable softmax gives exactly 0 past a gap of",
]
st.dataframe(table, width="stretch")
eps = 1e-12
gaps = np.linspace(0.0, 800.0, 401)
by_dtype = {name: precision.gap_sweep(gaps, t, eps) for name, t in precision.DTYPES.items()}
st.plotly_chart(gap_figure(gaps, by_dtype, eps), key="gap_fig")
st.caption(
    "For the row [0, −g], the small class's probability underflows to exactly 0 past the gap "
    "in the table. log(p) is then −inf, and −log(p + eps) flattens at −log eps ≈ "
    f"{-np.log(eps):.1f} (in float16 and float32 much earlier): the loss stops growing and its "
    "gradient is gone. log_softmax stays exact: −g − log(1 + e^(−g))."
)


# -- attention -------------------------------------------------------------------------
@st.fragment
def attention_section():
    st.subheader("Why attention divides by √d")
    c1, c2, c3 = st.columns(3)
    d = c1.slider("dimension d", 1, 1024, 64)
    n = int(c2.number_input("keys n", 2, 512, 16))
    seed = int(c3.number_input("seed", 0, 2**31 - 1, 0, key="attention_seed"))
    q, K = attention.random_query_keys(d, n, seed)
    scaled = attention.attention_weights(q, K, scaled=True)
    unscaled = attention.attention_weights(q, K, scaled=False)
    st.plotly_chart(attention_bars(scaled, unscaled), key="attention_bars")
    sweep = attention.scaling_sweep(ATTENTION_DIMS, n, seed)
    st.plotly_chart(attention_sweep_figure(ATTENTION_DIMS, sweep, d), key="attention_sweep")
    st.caption(
        f"With unit-variance entries qᵀk has variance d = {d}, so unscaled scores spread like "
        f"√d ≈ {np.sqrt(d):.1f}: the softmax saturates (top weight {unscaled.max():.3f}) and its "
        f"Jacobian, hence the gradient, vanishes. Dividing by √d keeps the scores at unit "
        f"variance (top weight {scaled.max():.3f}) for every d."
    )


attention_section()
