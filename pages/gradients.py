"""Gradients: softmax + CE against sigmoid + BCE, and the pairs that saturate."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_lab as sl
from softmax_lab import sweeps
from softmax_lab.figures.gradients import descent_figure, gradient_bars, sweep_figure
from softmax_lab.pairs import PAIRS
from softmax_lab.ui import editors, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.ranges import range_input
from softmax_lab.ui.text import md

require_frame()

TITLES = {k: p.title for k, p in PAIRS.items()}
SWEEP_POINTS = 401

st.title("Gradients")
share.show_url_error()

# -- inputs ----------------------------------------------------------------------------
ws = state.workspace()
row = editors.row_picker(ws, key="gradients_row")
T = ws.temperature
u, y = ws.logits[row] / T, ws.labels[row]
names = list(ws.class_names)

# -- compute ---------------------------------------------------------------------------
losses = {k: float(p.row_loss(u, y)) for k, p in PAIRS.items()}
grads = {k: p.row_grad(u, y) for k, p in PAIRS.items()}
fd_errors = (
    {
        k: float(
            np.abs(
                sl.numerical_gradient(lambda v, p=p: float(p.row_loss(v, y)), u) - grads[k]
            ).max()
        )
        for k, p in PAIRS.items()
    }
    if ws.n_classes <= 50
    else None
)

# -- render: gradients per class -------------------------------------------------------
st.markdown(
    f"Row {row + 1}, logits u = z / T with T = {T:g}, labels y = "
    f"{md(np.round(y, 4).tolist(), 200)}. Every pair sees the same u."
)
st.plotly_chart(gradient_bars(names, {TITLES[k]: g for k, g in grads.items()}), key="grad_bars")
summary = pd.DataFrame(
    {
        "loss": losses,
        "‖dL/du‖": {k: float(np.linalg.norm(g)) for k, g in grads.items()},
        "saturates": {k: PAIRS[k].saturates for k in PAIRS},
    }
).rename(index=TITLES)
if fd_errors is not None:
    summary["finite-difference error"] = [f"{fd_errors[k]:.1e}" for k in PAIRS]
st.dataframe(summary, width="stretch")
st.caption(
    "softmax + CE gives a·Σy − y (a − y when y sums to 1): every class is coupled through a. "
    "sigmoid + BCE gives σ(u) − y, one class at a time. The MSE pairs multiply by a "
    "derivative of the output that vanishes once it saturates."
)

with st.expander("Formulas with this row's numbers"):
    for key, pair in PAIRS.items():
        st.markdown(f"**{pair.title}**: loss = {losses[key]:.6g}")
        st.latex(pair.formula + r"\qquad " + pair.grad_formula)
        st.code(np.array2string(grads[key], precision=5, max_line_width=100), language=None)

st.subheader("The positive-only cross-entropy pushes every output to 1")
descent = sweeps.gradient_descent("sigmoid_pos_ce", u, y, lr=1.0, steps=60)
st.plotly_chart(descent_figure(names[:12], descent[:, :12]), key="pos_ce_descent")
st.caption(
    "−Σ y·log σ(u) has gradient −y(1 − σ(u)): zero wherever y = 0, so nothing ever pulls a "
    "negative class down, and the labelled ones go to 1. With a shared layer below "
    "(as in a network), every output drifts to 1. Use BCE, which has the (1 − y) term."
)


# -- the sweep -------------------------------------------------------------------------
@st.fragment
def logit_sweep_section(u, y, names):
    st.subheader("Sweep one logit")
    k = st.selectbox("Logit z_k", range(len(names)), format_func=lambda i: names[i])
    low, high = range_input("z_k range", -15.0, 15.0, key="grad_sweep")
    values = np.linspace(low, high, SWEEP_POINTS)
    sweep = sweeps.logit_sweep(u, y, k, values)
    saturated = {key: sweeps.intervals(values, out["saturated"]) for key, out in sweep.items()}
    st.plotly_chart(sweep_figure(values, sweep, TITLES, names[k], saturated), key="grad_sweep_fig")
    bands = [
        f"{TITLES[key]}: " + ", ".join(f"[{a:.3g}, {b:.3g}]" for a, b in iv)
        for key, iv in saturated.items()
        if iv
    ]
    st.caption(
        "Shaded: |dL/dz_k| < 1e-3 while the prediction is still wrong (softmax pairs: the "
        "argmax is not a labelled class; sigmoid pairs: σ(z_k) is on the wrong side of 1/2). "
        + ("Saturated ranges: " + "; ".join(bands) if bands else "No pair saturates here.")
    )


logit_sweep_section(u, y, names)

# -- multi-label vs multi-class --------------------------------------------------------
st.subheader("Multi-label vs multi-class")
multi = y if (y > 0).sum() >= 2 and ws.label_mode == "multi-hot" else None
if multi is None:
    multi = np.zeros(ws.n_classes)
    multi[:2] = 1.0
    st.caption(
        "This row is not multi-hot with two or more labels, so the example uses y = "
        f"{md(multi.astype(int).tolist(), 120)}. Pick multi-hot labels on the Probabilities page "
        "to use your own."
    )
best_softmax = multi / multi.sum()
m = multi.sum()
ce_min = float(-(multi[multi > 0] * np.log(best_softmax[multi > 0])).sum())
st.dataframe(
    pd.DataFrame(
        {
            "y": multi,
            "best softmax (a = y / Σy)": best_softmax,
            "best sigmoids (σ → y)": multi,
            "a·Σy − y at the optimum": best_softmax * m - multi,
            "a − y at the optimum": best_softmax - multi,
        },
        index=names,
    ).head(50),
    width="stretch",
)
st.markdown(
    f"Softmax must split its mass over the {int(m)} labels, so CE bottoms out at "
    f"Σy·log Σy = **{ce_min:.4f}**, not 0; its gradient there is 0 only in the general form "
    "a·Σy − y (a − y is not 0). Sigmoids treat each label on its own and BCE can approach 0. "
    "Use softmax + CE when exactly one class is true (multi-class), sigmoid + BCE when any "
    "number can be (multi-label)."
)

st.subheader("The double-softmax mistake")
wrong_loss, wrong_grad = sweeps.double_softmax(u, y)
st.dataframe(
    pd.DataFrame(
        {"right: CE(z)": grads["softmax_ce"], "double: CE(softmax(z))": wrong_grad},
        index=names,
    ).head(50),
    width="stretch",
)
st.markdown(
    f"Loss: right **{losses['softmax_ce']:.4f}**, double softmax **{wrong_loss:.4f}**. Feeding "
    "probabilities to a loss that applies softmax again squashes them into a nearly flat "
    "distribution: the loss can never approach 0 and the gradient is multiplied by a second "
    f"Jacobian (its norm here is {np.linalg.norm(wrong_grad):.3g}, "
    f"against {np.linalg.norm(grads['softmax_ce']):.3g})."
)
