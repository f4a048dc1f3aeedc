"""Jacobian: J = diag(a) − a aᵀ, its properties, how it shrinks, and the backward pass."""

import numpy as np
import pandas as pd
import streamlit as st

import softmax_lab as sl
from softmax_lab import backward_costs, jacobian_page_view
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

TABLE_CLASSES = jacobian_page_view.TABLE_CLASSES
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
    view = jacobian_page_view.heatmap_view(a_row, names)
    props = view.props
    # The row and T on a line of their own: the paragraph below, with its formulas, then
    # stays the same as T changes and the browser does not typeset it again.
    st.markdown(f"**Row {row + 1} at T = {T:g}**")
    st.markdown(
        "a = softmax(z / T), and "
        r"$J_{mn} = \partial a_m / \partial u_n = a_m(\delta_{mn} - a_n)$ with $u = z/T$ "
        "(the input softmax sees). |J| ≤ 1/4, so by default the colours are fixed to ±1/4 "
        "for every row and temperature and rows can be compared."
    )
    if view.lumped_note:
        st.info(view.lumped_note, icon=":material/compress:")
    fit = st.toggle(
        "Fit the colour scale to this row (off: fixed ±1/4 for every row and temperature)",
        key="jacobian_fit_scale",
    )
    zmax = max(props["max_abs"], 1e-300) if fit else J_RANGE
    heat_col, prop_col = st.columns([4, 3])
    charts.show(
        jacobian_heatmap(view.J, view.names, zmax=zmax, temperature=T),
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
                {"property": list(view.table), "value": list(view.table.values())}
            ).set_index("property"),
        )
        st.caption(view.caption)
        if view.rank_note:
            st.info(view.rank_note, icon=":material/info:")


def shrink_section():
    view = jacobian_page_view.shrink_view(ws.logits[row], a_row, T, TEMPERATURES)
    st.subheader("J shrinks as softmax saturates")
    charts.show(
        shrink_figure(TEMPERATURES, view.frobenius, view.max_diag, T, view.now),
        key="jacobian_shrink",
    )
    st.caption(view.caption)


# -- render: the backward pass ---------------------------------------------------------
@st.fragment
def backward_pass(ws, a, row, T):
    """dLdZ three ways plus finite differences; reruns alone when dLdA changes."""
    st.subheader("Backward pass: dL/du = dLdA · J" + ("" if T == 1 else ", dL/dz = dL/du / T"))
    dLdA, source = upstream.upstream_gradient(ws, a)
    if source == "ce":
        upstream.cross_entropy_upstream_notice(ws, a)
    c = a.shape[1]
    view = jacobian_page_view.backward_view(a, dLdA, ws.logits, row, T)
    vjp, loop, fd_row = view.vjp, view.loop_row, view.fd_row
    st.markdown(view.intro)
    agree = pd.DataFrame(
        {
            "comparison": list(view.agreement),
            "largest |difference|": list(view.agreement.values()),
        }
    )
    st.dataframe(agree, hide_index=True, width="stretch", key="jacobian_agreement")
    if c <= TABLE_CLASSES:
        methods = {"VJP a ⊙ (g − Σ g a)": vjp[row], "batched J": view.batched_row}
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
        per_row = {
            "dLdA": dLdA[row],
            "dL/du = dLdA · J": vjp[row],
            "dL/dz = dL/du / T": vjp[row] / T,
        }
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
    view = jacobian_page_view.composition_view(a_row, ws.labels[row])
    st.markdown(
        f"For row {row + 1}, the loss L = −Σ y log a has dL/dA = −y/a, and dL/dA · J "
        "= a·Σy − y, which is a − y when the labels sum to 1."
        + (
            ""
            if T == 1
            else f" These are dL/du with u = z / {T:g}; with respect to z divide by {T:g}."
        )
    )
    order = view.order
    st.dataframe(
        pd.DataFrame(
            {label: values[order] for label, values in view.columns.items()},
            index=[names[i] for i in order],
        ),
        width="stretch",
        key="jacobian_composition",
    )
    if ws.n_classes > TABLE_CLASSES:
        st.caption(f"The labelled and likeliest {TABLE_CLASSES} of {ws.n_classes} classes.")
    if view.verdict == "underflow":
        st.warning(view.message, icon=":material/warning:")
    elif view.verdict == "labels_not_1":
        st.warning(view.message, icon=":material/balance:")
    else:
        st.caption(view.message)


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
            jacobian_page_view.growth_caption(
                backward_costs.GROWTH_CLASSES, st.session_state[_GROWTH]
            )
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
