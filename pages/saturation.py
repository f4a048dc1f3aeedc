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
from softmax_lab.ui import charts, editors, sections, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.ranges import int_input, range_input
from softmax_lab.ui.text import md

require_frame()

TITLES = {k: p.title for k, p in PAIRS.items()}
POINTS = 161
ATTENTION_DIMS = np.unique(np.round(np.logspace(0, np.log10(1024), 40)).astype(int))
ATTENTION_DRAWS = 16
EPS = 1e-12  # the eps of −log(p + eps), the trap the precision tab shows

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
    raw = st.radio(
        "Gradient with respect to",
        ("u = s·z, what softmax sees", "z, the raw logits (= s·dL/du)"),
        horizontal=True,
        key="scale_wrt",
    ).startswith("z")
    shown = sweeps.raw_logit_gradients(out, scales) if raw else out
    grad_name = "‖dL/dz‖" if raw else "‖dL/du‖, u = s·z,"
    charts.show(
        readout_figure(scales, shown, TITLES, "scale s", current=1.0, grad_name=grad_name),
        key="scale_fig",
    )
    ce, mse = out["grad:softmax_ce"][-1], out["grad:softmax_mse"][-1]
    wrong = sweeps.prediction_is_wrong(z, y)
    st.caption(
        f"At s = {high:g}: ‖dL/du‖ (u = s·z) is {ce:.3g} for softmax + CE and {mse:.3g} for "
        f"softmax + MSE; with respect to the raw z both are s = {high:g} times larger "
        f"({ce * high:.3g} and {mse * high:.3g}). ‖J‖_F there is "
        f"{out['jacobian_norm'][-1]:.3g}. "
        + (
            "This row's prediction is wrong at every s > 0 (its argmax is not a labelled "
            "class), and CE's gradient a·Σy − y stays of order 1 however large s gets, while "
            "the MSE pairs multiply by the Jacobian, which vanishes."
            if wrong
            else "This row's prediction is right, so as s grows CE's gradient shrinks too: "
            "a·Σy − y goes to 0 as a approaches the labels."
        )
    )


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
    raw = st.radio(
        "Gradient with respect to",
        ("u = z / T, what softmax sees", "z, the raw logits (= dL/du / T)"),
        horizontal=True,
        key="temp_wrt",
    ).startswith("z")
    shown = sweeps.raw_logit_gradients(out, 1.0 / temps) if raw else out
    charts.show(
        readout_figure(
            temps,
            shown,
            TITLES,
            "temperature T",
            current=current,
            limits=reference,
            grad_name="‖dL/dz‖" if raw else "‖dL/du‖, u = z / T,",
        ),
        key="temp_fig",
    )


def precision_section():
    st.subheader("Finite precision")
    limits = precision.limits_table()
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
    gaps = np.linspace(0.0, 800.0, 401)
    by_dtype = {name: precision.gap_sweep(gaps, t, EPS) for name, t in precision.DTYPES.items()}
    charts.show(gap_figure(gaps, by_dtype, EPS), key="gap_fig")
    probe = [5.0, 20.0, 50.0, 120.0, 800.0]
    probe_rows = {name: precision.gap_sweep(probe, t, EPS) for name, t in precision.DTYPES.items()}
    st.dataframe(
        pd.DataFrame(
            {
                f"{name}: {label}": sign * out[col]
                for name, out in probe_rows.items()
                for label, col, sign in (
                    ("−log p", "log_of_p", -1.0),
                    ("−log(p+eps)", "ce_eps", 1.0),
                    ("−log_softmax", "ce_log_softmax", 1.0),
                )
            },
            index=pd.Index(probe, name="gap"),
        ),
        width="stretch",
    )
    st.caption(precision.eps_caption(precision.eps_summary(gaps, EPS), EPS))


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
    q, K = attention.random_query_keys(d, n, seed)
    scaled = attention.attention_weights(q, K, scaled=True)
    unscaled = attention.attention_weights(q, K, scaled=False)
    charts.show(attention_bars(scaled, unscaled), key="attention_bars")
    sweep = attention.scaling_sweep(ATTENTION_DIMS, n, seed, draws=ATTENTION_DRAWS)
    charts.show(attention_sweep_figure(ATTENTION_DIMS, sweep, d), key="attention_sweep")
    st.caption(
        f"q and the n = {n} keys have standard normal entries, so each score qᵀk has variance "
        f"d = {d}: unscaled scores spread like √d ≈ {np.sqrt(d):.1f}, the softmax saturates (top "
        f"weight {unscaled.max():.3f}) and its Jacobian, hence the gradient, vanishes. Dividing "
        f"by √d keeps the scores at unit variance (top weight {scaled.max():.3f}) for every d. "
        f"The curves average {ATTENTION_DRAWS} draws per d, built from the prefixes of one "
        "long q and K."
    )


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
