"""Jacobian: J = diag(a) − a aᵀ, its properties, how it shrinks, and the backward pass."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_lab as sl
from softmax_lab import backward_costs, jacobian_views
from softmax_lab.figures.jacobian import (
    J_RANGE,
    cost_growth_figure,
    dLdZ_figure,
    jacobian_heatmap,
    shrink_figure,
    writeup_comparison,
)
from softmax_lab.reference_examples import WRITEUP_DLDA, WRITEUP_J_PRINTED, WRITEUP_Z
from softmax_lab.ui import charts, editors, sections, share, state, upstream
from softmax_lab.ui.frame import require_frame
from softmax_lab.workspace import TEMPERATURES

require_frame()

MAX_FULL_HEATMAP = 200  # C above this: the likeliest classes plus one "other" class
LOOP_MAX_CLASSES = 100  # the writeup's loop costs C² Python steps per row
BATCHED_MAX_BYTES = 2**25  # the batched Jacobian holds N·C²·8 bytes
FD_MAX_CLASSES = 200  # central differences cost 2C softmax evaluations
TABLE_CLASSES = 50
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


# -- render: the open section ---------------------------------------------------------
def heatmap_section():
    lumped = ws.n_classes > MAX_FULL_HEATMAP
    if lumped:
        shown, shown_names = jacobian_views.lumped(a_row, names, MAX_FULL_HEATMAP - 1)
    else:
        shown, shown_names = a_row, names
    J = sl.softmax_jacobian(shown)
    props = jacobian_views.properties(J, shown)
    st.markdown(
        f"Row {row + 1} at T = {T:g}: a = softmax(z / T), and "
        r"$J_{mn} = \partial a_m / \partial u_n = a_m(\delta_{mn} - a_n)$ with $u = z/T$ "
        "(the input softmax sees). |J| ≤ 1/4, so by default the colours are fixed to ±1/4 "
        "for every row and temperature and rows can be compared."
    )
    if lumped:
        st.info(
            f"C = {ws.n_classes} is more than a {MAX_FULL_HEATMAP}×{MAX_FULL_HEATMAP} heatmap "
            f"draws smoothly, so the {MAX_FULL_HEATMAP - 1} likeliest classes are shown and the "
            f"other {ws.n_classes - MAX_FULL_HEATMAP + 1} are lumped into one “other” class. "
            "This is exact, not sampled: the Jacobian of the lumped distribution is the block "
            "sum of the full J. The properties are those of this lumped J.",
            icon=":material/compress:",
        )
    fit = st.toggle(
        "Fit the colour scale to this row (off: fixed ±1/4 for every row and temperature)",
        key="jacobian_fit_scale",
    )
    zmax = max(props["max_abs"], 1e-300) if fit else J_RANGE
    heat_col, prop_col = st.columns([4, 3])
    charts.show(
        jacobian_heatmap(J, shown_names, zmax=zmax, temperature=T),
        key="jacobian_heatmap",
        where=heat_col,
    )
    if not fit and props["max_abs"] < J_RANGE / 10:
        heat_col.caption(
            f"The largest |J| of this row is {props['max_abs']:.2g}, under a tenth of the fixed "
            "±1/4 scale, so the cells look almost white: switch on the toggle above to fit the "
            "colours to this row."
        )
    with prop_col:
        st.markdown("**Properties, live**")
        st.table(
            pd.DataFrame(
                {
                    "property": [
                        "symmetric: max |J − Jᵀ|",
                        "rows sum to 0: max |Σ_n J_mn|",
                        "columns sum to 0: max |Σ_m J_mn|",
                        "diag a(1−a), off-diag −a_m a_n: max error",
                        "largest |J| (at most 1/4)",
                        "smallest |eigenvalue| (one is 0)",
                        "smallest eigenvalue (≥ 0: positive semi-definite)",
                        f"numerical rank: eigenvalues above {props['tolerance']:.1e}",
                        f"rank in exact arithmetic: (#a > 0) − 1 = {props['positive_classes']} − 1",
                        "largest eigenvalue",
                    ],
                    "value": [
                        f"{props['asymmetry']:.2e}",
                        f"{props['row_sum']:.2e}",
                        f"{props['col_sum']:.2e}",
                        f"{props['formula_error']:.2e}",
                        f"{props['max_abs']:.6f}",
                        f"{props['smallest_abs_eigenvalue']:.2e}",
                        f"{props['eigenvalues'][0]:.2e} ({'yes' if props['psd'] else 'NO'}, "
                        f"within ±{props['tolerance']:.1e})",
                        f"{props['rank']} of {shown.size}",
                        f"{props['theoretical_rank']} of {shown.size}",
                        f"{props['eigenvalues'][-1]:.6f}",
                    ],
                }
            ).set_index("property"),
        )
        st.caption(
            f"Eigenvalues from np.linalg.eigvalsh. The ±{props['tolerance']:.1e} is the rounding "
            "error of J's entries, C · eps · (max a + Σa²): an entry such as a − a² is a "
            "difference of terms as large as a, so it is off by about eps · a however small it "
            "is. In exact arithmetic J is positive semi-definite and the all-ones vector has "
            "eigenvalue 0 (adding a constant to every logit changes nothing); each class with "
            "a = 0 adds another 0."
        )
        if props["rank_reason"]:
            st.info(
                f"Numerical rank {props['rank']}, exact rank {props['theoretical_rank']}: "
                + props["rank_reason"],
                icon=":material/info:",
            )


def shrink_section():
    frob, max_diag = jacobian_views.temperature_sweep(ws.logits[row], TEMPERATURES)
    now = (float(jacobian_views.frobenius_norm(a_row)), float(jacobian_views.max_diagonal(a_row)))
    st.subheader("J shrinks as softmax saturates")
    charts.show(shrink_figure(TEMPERATURES, frob, max_diag, T, now), key="jacobian_shrink")
    st.caption(
        f"At T = {T:g}: ‖J‖_F = {now[0]:.4g}, max a(1−a) = {now[1]:.4g}. Dividing the "
        "logits by T is the same as scaling them by 1/T, so this is also the curve for a "
        "growing logit scale. As T → 0 a becomes one-hot and every entry of J goes to 0 "
        "(unless the top logits tie: a then splits evenly between them and J stays): "
        f"here ‖J‖_F is {frob[0]:.3g} at T = {TEMPERATURES[0]:g} and {frob[-1]:.3g} at "
        f"T = {TEMPERATURES[-1]:g}. Any loss on a saturated softmax passes back almost "
        "nothing: this is where vanishing gradients come from. (Computed for all "
        f"{len(TEMPERATURES)} temperatures at once, "
        "from ‖J‖²_F = Σa² − 2Σa³ + (Σa²)² without forming J.)"
    )


# -- render: the backward pass ---------------------------------------------------------
@st.fragment
def backward_pass(ws, a, row, T):
    """dLdZ three ways plus finite differences; reruns alone when dLdA changes."""
    st.subheader("Backward pass: dL/du = dLdA · J" + ("" if T == 1 else ", dL/dz = dL/du / T"))
    dLdA, source = upstream.upstream_gradient(ws, a)
    if source == "ce":
        upstream.cross_entropy_upstream_notice(ws, a)
    n, c = a.shape
    with np.errstate(invalid="ignore", over="ignore"):
        vjp = sl.softmax_vjp(a, dLdA)
        batched_rows = slice(None) if n * c * c * 8 <= BATCHED_MAX_BYTES else slice(row, row + 1)
        batched = sl.softmax_backward_batched(a[batched_rows], dLdA[batched_rows])
        loop = (
            sl.softmax_backward_loop(a[row : row + 1], dLdA[row : row + 1])[0]
            if c <= LOOP_MAX_CLASSES
            else None
        )
    batched_row = batched[row if batched.shape[0] == n else 0]
    fd_row = None
    if c <= FD_MAX_CLASSES and np.isfinite(dLdA[row]).all():
        g = dLdA[row]
        fd_row = sl.numerical_gradient(
            lambda z: float(np.sum(g * sl.softmax(z, temperature=T))), ws.logits[row]
        )
    vjp_per_z = vjp[row] / T

    st.markdown(
        "All three compute dL/du, the gradient with respect to the input u = z / T that "
        "softmax sees, which is dLdZ in the writeup (T = 1). The finite-difference check "
        "differentiates z ↦ Σ dLdA ⊙ softmax(z / T) with respect to the raw logits z, so "
        f"it must match dL/du / T (T = {T:g})."
    )
    diff = jacobian_views.max_abs_difference
    agree = pd.DataFrame(
        {
            "comparison": [
                f"loop (the writeup's per-sample J) vs VJP, row {row + 1}",
                "batched Jacobian vs VJP"
                + ("" if batched.shape[0] == n else f", row {row + 1} (N·C² too large)"),
                f"central differences wrt z vs VJP / T, row {row + 1}",
            ],
            "largest |difference|": [
                f"skipped for C > {LOOP_MAX_CLASSES} (C² Python steps)"
                if loop is None
                else f"{diff(loop, vjp[row]):.2e}",
                f"{diff(batched, vjp[batched_rows]):.2e}",
                "skipped (C > 200 or dLdA not finite)"
                if fd_row is None
                else f"{diff(fd_row, vjp_per_z):.2e}",
            ],
        }
    )
    st.dataframe(agree, hide_index=True, width="stretch", key="jacobian_agreement")
    if c <= TABLE_CLASSES:
        methods = {"VJP a ⊙ (g − Σ g a)": vjp[row], "batched J": batched_row}
        if loop is not None:
            methods["loop"] = loop
        charts.show(
            dLdZ_figure(
                list(ws.class_names),
                methods,
                f"dL/du = dLdA · J, row {row + 1}" + ("" if T == 1 else f" (u = z / {T:g})"),
                y_title="dL/du" if T != 1 else "dL/du = dL/dz (T = 1)",
            ),
            key="jacobian_dLdZ",
        )
        per_row = {"dLdA": dLdA[row], "dL/du = dLdA · J": vjp[row], "dL/dz = dL/du / T": vjp_per_z}
        if fd_row is not None:
            per_row["central differences dL/dz"] = fd_row
        st.dataframe(
            pd.DataFrame(per_row, index=list(ws.class_names)).T,
            width="stretch",
            key="jacobian_row_gradients",
        )
    with st.expander(
        "dL/du = dLdA · J for every row" + ("" if T == 1 else f" (dL/dz is this / {T:g})")
    ):
        st.dataframe(
            pd.DataFrame(vjp[:, :TABLE_CLASSES], columns=list(ws.class_names)[:TABLE_CLASSES]),
            width="stretch",
        )
        if c > TABLE_CLASSES:
            st.caption(f"The first {TABLE_CLASSES} of {c} classes.")


def writeup_section():
    is_writeup = ws.logits.shape == WRITEUP_Z.shape and np.array_equal(ws.logits, WRITEUP_Z)
    if is_writeup and T == 1.0:
        st.subheader("The writeup's worked example")
        exact = sl.softmax_jacobian(a)
        charts.show(
            writeup_comparison(exact[row], WRITEUP_J_PRINTED[row], names), key="jacobian_writeup"
        )
        gap = np.abs(exact[row] - WRITEUP_J_PRINTED[row]).max()
        st.markdown(
            f"The writeup rounds A to two decimals before building J, so its printed J (row "
            f"{row + 1}) is off by up to {gap:.2e}; the right panel shows where. It gives no "
            "numbers for dLdZ; with its dLdA the exact values are:"
        )
        st.dataframe(
            pd.DataFrame(
                sl.softmax_vjp(a, WRITEUP_DLDA), columns=names, index=["dLdZ row 1", "dLdZ row 2"]
            ),
            width="stretch",
            key="jacobian_writeup_dLdZ",
        )
    else:
        st.info(
            "The writeup's worked example needs its 2 × 3 batch at T = 1: pick the preset "
            "“Writeup batch” in the sidebar and set the temperature to 1.",
            icon=":material/menu_book:",
        )


def cross_entropy_section():
    st.subheader("Composition with cross-entropy")
    y = ws.labels[row]
    with np.errstate(divide="ignore", invalid="ignore"):
        dLdA_ce = np.where(y > 0, -y / a_row, 0.0)
        through_J = sl.softmax_vjp(a_row[None], dLdA_ce[None])[0]
    simple, general = a_row - y, a_row * y.sum() - y
    st.markdown(
        f"For row {row + 1}, the loss L = −Σ y log a has dL/dA = −y/a, and dL/dA · J "
        "= a·Σy − y, which is a − y when the labels sum to 1."
    )
    order = np.lexsort((-a_row, ~(y > 0)))[:TABLE_CLASSES]  # labelled classes, then likeliest
    st.dataframe(
        pd.DataFrame(
            {
                "y": y[order],
                "a": a_row[order],
                "dL/dA = −y/a": dLdA_ce[order],
                "dL/dA · J": through_J[order],
                "a − y": simple[order],
                "a·Σy − y": general[order],
            },
            index=[names[i] for i in order],
        ),
        width="stretch",
        key="jacobian_composition",
    )
    if ws.n_classes > TABLE_CLASSES:
        st.caption(f"The labelled and likeliest {TABLE_CLASSES} of {ws.n_classes} classes.")
    sum_y = float(y.sum())
    err_simple = jacobian_views.max_abs_difference(through_J, simple)
    err_general = jacobian_views.max_abs_difference(through_J, general)
    if not np.isfinite(through_J).all():
        st.warning(
            "Some labelled class has a = 0 (its probability underflowed), so −y/a is −inf and "
            f"dL/dA · J is NaN; the fused a·Σy − y is finite (largest |entry| "
            f"{np.abs(general).max():.3g}). That is why frameworks fuse softmax and cross-entropy.",
            icon=":material/warning:",
        )
    elif abs(sum_y - 1) > 1e-12:
        st.warning(
            f"This row's labels sum to {sum_y:.4g}, not 1: dL/dA · J matches the general "
            f"a·Σy − y (largest difference {err_general:.2e}), not a − y (largest difference "
            f"{err_simple:.2e}).",
            icon=":material/balance:",
        )
    else:
        st.caption(
            f"The labels sum to 1, so dL/dA · J equals a − y (largest difference {err_simple:.2e})."
            " Where a is tiny, −y/a is huge and J cancels it; a − y never forms it."
        )


# -- costs -----------------------------------------------------------------------------
@st.fragment
def costs(n_rows, n_classes, a):
    """Measured time and counted memory of the three methods; the growth chart on demand."""
    st.subheader("What each backward pass costs")
    key = f"jacobian_costs_{n_rows}x{n_classes}"
    if key not in st.session_state:  # measured once per batch shape and session
        g = np.random.default_rng(0).normal(size=a.shape)
        st.session_state[key] = backward_costs.cost_table(a, g)
    rows = st.session_state[key]
    st.dataframe(
        pd.DataFrame(
            {
                "method": [backward_costs.LABELS[r["method"]] for r in rows],
                "ms per call (best of 3)": [r["seconds"] * 1e3 for r in rows],
                "Jacobian / work memory (KiB)": [r["bytes"] / 1024 for r in rows],
                "how it was timed": [r["note"] or "the whole batch" for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
        key="jacobian_cost_table",
    )
    st.caption(
        f"N = {n_rows}, C = {n_classes}. Memory is counted, not sampled: the loop holds one "
        "C×C J (C²·8 bytes), the batched version all N (N·C²·8 bytes), the VJP one N×C "
        "array. The slow methods are timed on part of the batch and scaled up (see the "
        "last column) so the page stays responsive."
    )
    if st.button("Measure how each grows with C (about a second)", key="jacobian_growth"):
        with st.spinner("Timing C = 10 … 1000"):
            st.session_state[_GROWTH] = backward_costs.growth_with_classes()
    if _GROWTH in st.session_state:
        charts.show(
            cost_growth_figure(backward_costs.GROWTH_CLASSES, st.session_state[_GROWTH]),
            key="jacobian_costs",
        )
        st.caption(
            "N = 8 random rows. The loop and the batched Jacobian grow like C² (the loop is "
            "timed up to C = 300 and scaled by C² beyond); the VJP grows like C. This is why "
            "frameworks never form J."
        )


VIEWS = {
    "The Jacobian": heatmap_section,
    "J shrinks": shrink_section,
    "Backward pass": lambda: backward_pass(ws, a, row, T),
    "The writeup's example": writeup_section,
    "With cross-entropy": cross_entropy_section,
    "Costs": lambda: costs(ws.n_rows, ws.n_classes, a),
}
sections.keep_widgets("jacobian_fit_scale", "jacobian_upstream_source", "jacobian_upstream_seed")
label, tab = sections.open_section("jacobian")
with tab:
    VIEWS[label]()
