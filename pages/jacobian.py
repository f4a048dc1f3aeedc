"""Jacobian: J = diag(a) − a aᵀ, its properties, how it shrinks, and the backward pass."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_lab as sl
from softmax_lab import backward_costs, jacobian_views
from softmax_lab.figures.jacobian import (
    cost_growth_figure,
    dLdZ_figure,
    jacobian_heatmap,
    shrink_figure,
    writeup_comparison,
)
from softmax_lab.reference_examples import WRITEUP_J_PRINTED, WRITEUP_Z
from softmax_lab.ui import editors, share, state, upstream
from softmax_lab.ui.frame import require_frame
from softmax_lab.workspace import TEMPERATURES

require_frame()

MAX_FULL_HEATMAP = 200
LOOP_MAX_CLASSES = 50  # the writeup's loop runs N·C² Python steps
_GROWTH = "jacobian_cost_growth"

st.title("Jacobian")
share.show_url_error()

# -- inputs ----------------------------------------------------------------------------
ws = state.workspace()
row = editors.row_picker(ws, key="jacobian_row")
T = ws.temperature

# -- compute ---------------------------------------------------------------------------
a = sl.softmax(ws.logits, temperature=T)
a_row = a[row]
names = list(ws.class_names)
if ws.n_classes > MAX_FULL_HEATMAP:
    shown, shown_names = jacobian_views.lumped(a_row, names, MAX_FULL_HEATMAP - 1)
else:
    shown, shown_names = a_row, names
J = sl.softmax_jacobian(shown)
props = jacobian_views.properties(J, shown)
frob, max_diag = jacobian_views.temperature_sweep(ws.logits[row], TEMPERATURES)

# -- render: the heatmap and its properties --------------------------------------------
st.markdown(
    f"Row {row + 1} at T = {T:g}: a = softmax(z / T), and "
    r"$J_{mn} = \partial a_m / \partial z_n = a_m(\delta_{mn} - a_n)$."
)
if ws.n_classes > MAX_FULL_HEATMAP:
    st.info(
        f"C = {ws.n_classes} is more than a {MAX_FULL_HEATMAP}×{MAX_FULL_HEATMAP} heatmap "
        f"draws smoothly, so the {MAX_FULL_HEATMAP - 1} likeliest classes are shown and the "
        "rest are lumped into one “other” class. This is exact: the Jacobian of the lumped "
        "distribution is the block sum of the full J.",
        icon=":material/compress:",
    )
heat_col, prop_col = st.columns([3, 2])
heat_col.plotly_chart(jacobian_heatmap(J, shown_names), key="jacobian_heatmap")
with prop_col:
    eig = props["eigenvalues"]
    st.markdown("**Properties, live**")
    st.dataframe(
        pd.DataFrame(
            {
                "property": [
                    "symmetric: max |J − Jᵀ|",
                    "rows sum to 0: max |Σ_n J_mn|",
                    "columns sum to 0: max |Σ_m J_mn|",
                    "diagonal a(1−a), off-diagonal −a_m a_n: max error",
                    "largest |J| (at most 1/4)",
                    "smallest |eigenvalue| (one is 0)",
                    "numerical rank (C − 1 when every a > 0)",
                    "largest eigenvalue",
                ],
                "value": [
                    f"{props['asymmetry']:.2e}",
                    f"{props['row_sum']:.2e}",
                    f"{props['col_sum']:.2e}",
                    f"{props['formula_error']:.2e}",
                    f"{props['max_abs']:.6f}",
                    f"{props['smallest_abs_eigenvalue']:.2e}",
                    f"{props['rank']} of {shown.size}",
                    f"{eig[-1]:.6f}",
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "J is positive semi-definite: its eigenvalues are ≥ 0, and the all-ones vector "
        "has eigenvalue 0 because adding a constant to every logit changes nothing."
    )

st.subheader("J shrinks as softmax saturates")
st.plotly_chart(shrink_figure(TEMPERATURES, frob, max_diag, T), key="jacobian_shrink")
st.caption(
    f"At T = {T:g}: ‖J‖_F = {jacobian_views.frobenius_norm(a_row):.4g}, "
    f"max a(1−a) = {jacobian_views.max_diagonal(a_row):.4g}. As T → 0 (or the logits grow) "
    "a becomes one-hot and every entry of J goes to 0: any loss on a saturated softmax "
    "passes back almost nothing. This is where vanishing gradients come from."
)

# -- render: the backward pass ---------------------------------------------------------
st.subheader("Backward pass: dLdZ = dLdA · J")
dLdA, source = upstream.upstream_gradient(ws, a)
if source == "ce":
    upstream.cross_entropy_upstream_notice(ws, a)
with np.errstate(invalid="ignore", over="ignore"):
    vjp = sl.softmax_vjp(a, dLdA)
    batched = sl.softmax_backward_batched(a, dLdA)
    loop = sl.softmax_backward_loop(a, dLdA) if ws.n_classes <= LOOP_MAX_CLASSES else None
fd_row = (
    sl.numerical_gradient(lambda u: float(np.sum(sl.softmax(u) * dLdA[row])), ws.logits[row] / T)
    if ws.n_classes <= MAX_FULL_HEATMAP and np.isfinite(dLdA[row]).all()
    else None
)
st.caption(
    "Each method differentiates with respect to the logits u = z / T that softmax sees; "
    "with respect to z itself, divide by T."
)
agree = pd.DataFrame(
    {
        "comparison": [
            "loop (the writeup's per-sample Jacobian) vs VJP",
            "batched Jacobian vs VJP",
            "central finite differences vs VJP (this row)",
        ],
        "largest |difference|": [
            f"skipped for C > {LOOP_MAX_CLASSES} (N·C² Python steps)"
            if loop is None
            else f"{np.nanmax(np.abs(loop - vjp)):.2e}",
            f"{np.nanmax(np.abs(batched - vjp)):.2e}",
            "skipped for C > 200" if fd_row is None else f"{np.abs(fd_row - vjp[row]).max():.2e}",
        ],
    }
)
st.dataframe(agree, hide_index=True, width="stretch")
methods = {"VJP a ⊙ (g − Σ g a)": vjp[row], "batched J": batched[row]}
if loop is not None:
    methods["loop"] = loop[row]
if fd_row is not None:
    methods["finite differences"] = fd_row
if ws.n_classes <= 50:
    st.plotly_chart(dLdZ_figure(names, methods), key="jacobian_dLdZ")
with st.expander("dLdZ for every row"):
    st.dataframe(pd.DataFrame(vjp, columns=names), width="stretch")

# -- the writeup's worked example ------------------------------------------------------
is_writeup = ws.logits.shape == WRITEUP_Z.shape and np.array_equal(ws.logits, WRITEUP_Z)
if is_writeup and T == 1.0:
    st.subheader("The writeup's worked example")
    exact = sl.softmax_jacobian(a)
    st.plotly_chart(
        writeup_comparison(exact[row], WRITEUP_J_PRINTED[row], names), key="jacobian_writeup"
    )
    st.markdown(
        f"The writeup rounds A to two decimals before building J, so its printed J(row "
        f"{row + 1}) is off by up to {np.abs(exact[row] - WRITEUP_J_PRINTED[row]).max():.2e}. "
        "It gives no numbers for dLdZ; with its dLdA the exact values are:"
    )
    st.dataframe(pd.DataFrame(vjp, columns=names, index=["row 1", "row 2"]), width="stretch")
elif ws.preset == "writeup" or is_writeup:
    st.caption("The writeup comparison needs the writeup batch at T = 1.")

# -- composition with cross-entropy ----------------------------------------------------
st.subheader("Composition with cross-entropy")
y = ws.labels[row]
with np.errstate(divide="ignore", invalid="ignore"):
    dLdA_ce = np.where(y > 0, -y / a_row, 0.0)
    through_J = sl.softmax_vjp(a_row[None], dLdA_ce[None])[0]
general = a_row * y.sum() - y
st.dataframe(
    pd.DataFrame(
        {
            "y": y,
            "a": a_row,
            "dL/dA = −y/a": dLdA_ce,
            "dL/dA · J": through_J,
            "a − y": a_row - y,
            "a·Σy − y": general,
        },
        index=names,
    ).head(50),
    width="stretch",
)
sum_y = y.sum()
if abs(sum_y - 1) > 1e-12:
    st.warning(
        f"This row's labels sum to {sum_y:.4g}, not 1: dL/dA · J equals the general "
        f"a·Σy − y (largest difference {np.nanmax(np.abs(through_J - general)):.2e}), "
        f"not a − y (largest difference {np.nanmax(np.abs(through_J - (a_row - y))):.2e}).",
        icon=":material/balance:",
    )
else:
    st.caption(
        "The labels sum to 1, so dL/dA · J collapses to a − y (largest difference "
        f"{np.nanmax(np.abs(through_J - (a_row - y))):.2e}). Where a is 0 or tiny, −y/a is "
        "inf or huge while a − y stays finite: that is why the two are fused."
    )

# -- costs -----------------------------------------------------------------------------
st.subheader("What each backward pass costs")
cost_key = f"jacobian_costs_{ws.n_rows}x{ws.n_classes}"
if cost_key not in st.session_state:  # measured once per batch shape, not on every rerun
    st.session_state[cost_key] = backward_costs.cost_table(a, np.nan_to_num(dLdA))
st.dataframe(
    pd.DataFrame(
        st.session_state[cost_key], columns=["method", "ms per call", "extra memory (KiB)", "note"]
    ),
    hide_index=True,
    width="stretch",
)
if st.button("Measure how each grows with C (about a second)"):
    with st.spinner("Timing C = 10 … 1000"):
        st.session_state[_GROWTH] = backward_costs.growth_with_classes()
if _GROWTH in st.session_state:
    st.plotly_chart(
        cost_growth_figure((10, 30, 100, 300, 1000), st.session_state[_GROWTH]),
        key="jacobian_costs",
    )
    st.caption(
        "The loop and the batched Jacobian grow like C² (and the batch holds N·C² numbers); "
        "the vector-Jacobian product grows like C. Frameworks never form J."
    )
