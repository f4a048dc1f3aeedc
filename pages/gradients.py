"""Gradients: softmax + CE against sigmoid + BCE, and the pairs that saturate."""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab import gradients_view, sweeps
from softmax_lab.figures.gradients import (
    batch_heatmaps,
    descent_figure,
    general_latex,
    gradient_bars,
    pair_latex,
    sweep_figure,
)
from softmax_lab.pairs import PAIRS
from softmax_lab.ui import charts, editors, sections, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.ranges import points_input, range_input
from softmax_lab.ui.text import md

require_frame()

TITLES = {k: p.title for k, p in PAIRS.items()}
MAX_HEATMAP_CLASSES = 200  # heatmap cells stay below 20 × 200
MAX_DESCENT_CLASSES = 8

st.title("Gradients")
share.show_url_error()

# -- inputs ----------------------------------------------------------------------------
ws = state.workspace()
row = editors.row_picker(ws, key="gradients_row")
T = ws.temperature
U, Y = ws.logits / T, ws.labels  # every pair sees the same logits u = z / T
u, y = U[row], Y[row]
names = list(ws.class_names)


# -- compute: the row every section starts from ----------------------------------------
rv = gradients_view.row_view(u, y)
losses, grads, shown = rv.losses, rv.grads, rv.shown


# -- render: the open section ---------------------------------------------------------


def per_class_section():
    view = gradients_view.per_class(rv, u, y, U, Y)
    st.markdown(
        f"Every pair is fed the same logits **u = z / T** (T = {T:g}, the sidebar's temperature), "
        f"so the gradients below are dL/du. Row {row + 1} of N = {ws.n_rows}; labels "
        f"({ws.label_mode}) y = {md(np.round(y[shown], 4).tolist(), 200)}"
        + (f" (the {len(shown)} classes shown)." if len(shown) < ws.n_classes else ".")
    )
    st.session_state.setdefault("grad_pairs_shown", list(PAIRS))
    picked = st.pills(
        "Loss pairs in the chart",
        list(PAIRS),
        selection_mode="multi",
        key="grad_pairs_shown",
        format_func=TITLES.get,
        help="Pick the pairs to compare, e.g. softmax + CE next to sigmoid + BCE alone.",
    )
    bars = {TITLES[k]: g[shown] for k, g in grads.items() if k in (picked or ())}
    if bars:
        charts.show(gradient_bars([names[i] for i in shown], bars), key="grad_bars")
    else:
        st.caption("Pick at least one loss pair to show.")
    if len(shown) < ws.n_classes:
        st.caption(
            f"C = {ws.n_classes}: the bars show the labelled classes and the largest gradients, "
            f"{len(shown)} classes in all."
        )
    summary = pd.DataFrame(
        {
            "loss, this row": losses,
            f"loss, mean over N = {ws.n_rows}": view.batch_losses,
            "‖dL/du‖, this row": view.norms,
            "largest finite-difference error": {k: f"{e:.1e}" for k, e in view.fd_errors.items()},
            "can saturate (confidently wrong)": {k: PAIRS[k].saturates for k in PAIRS},
            "saturated here": view.saturated_here,
        }
    ).rename(index=TITLES)
    st.table(summary)
    st.caption(view.caption)

    formulas, formulas_open = sections.lazy_expander(
        "Formulas with this row's numbers", key="gradients_formulas"
    )
    if formulas_open:
        with formulas:
            k_star = int(np.argmax(y)) if y.any() else 0
            st.caption(f"Gradient entries are written out for class {md(names[k_star])} (k).")
            for key, pair in PAIRS.items():
                st.markdown(
                    f"**{pair.title}**: loss = {losses[key]:.6g}, ‖dL/du‖ = {view.norms[key]:.4g}"
                )
                st.latex(general_latex(pair))
                loss_tex, grad_tex = pair_latex(key, u, y, k_star, names[k_star])
                st.latex(loss_tex + rf" = {losses[key]:.4g}")
                st.latex(grad_tex)


def batch_section():
    view = gradients_view.whole_batch(U, Y, T)
    st.markdown(view.intro)
    if ws.n_classes > MAX_HEATMAP_CLASSES:
        st.info(
            f"C = {ws.n_classes} is too wide for a readable heatmap (at most "
            f"{MAX_HEATMAP_CLASSES} classes); the table below gives each row's gradient norm.",
            icon=":material/grid_off:",
        )
    else:
        charts.show(
            batch_heatmaps(
                names,
                {
                    view.ce_title: view.grads["softmax_ce"],
                    "sigmoid + BCE: (σ(U) − Y) / N": view.grads["sigmoid_bce"],
                },
                colorbar_title="dL/dU",
            ),
            key="batch_grads",
        )
    if view.note:
        st.caption(view.note)
    with st.expander("Per-row gradient norms ‖dL/dU‖ for every pair"):
        st.dataframe(
            pd.DataFrame(
                {TITLES[k]: np.linalg.norm(g, axis=1) for k, g in view.grads.items()},
                index=[f"row {i + 1}" for i in range(ws.n_rows)],
            ),
            width="stretch",
        )


@st.fragment
def sweep_section():
    st.subheader("Sweep one logit")
    c1, c2 = st.columns([2, 1])
    k = c1.selectbox(
        "Logit u_k", range(len(names)), format_func=lambda i: names[i], key="grad_sweep_k"
    )
    n_points = points_input("points", 401, key="grad_sweep_points", container=c2)
    low, high = range_input("u_k range", -15.0, 15.0, key="grad_sweep")
    values = np.linspace(low, high, n_points)
    sweep = sweeps.logit_sweep(u, y, k, values)
    saturated = {key: sweeps.intervals(values, out["saturated"]) for key, out in sweep.items()}
    charts.show(sweep_figure(values, sweep, TITLES, names[k], saturated), key="grad_sweep_fig")
    bands = [
        f"{TITLES[key]}: " + ", ".join(f"[{a:.3g}, {b:.3g}]" for a, b in iv)
        for key, iv in saturated.items()
        if iv
    ]
    st.caption(
        f"The other logits stay at this row's u = z / T. Shaded: |dL/du_k| < "
        f"{sweeps.SATURATION_THRESHOLD:g} while the prediction is still wrong. Wrong means, "
        "for the softmax pairs, that the argmax of u (the first on a tie) is not a class with "
        "the largest target; for the sigmoid pairs, that σ(u_k) is on the other side of 1/2 "
        "from y_k. "
        + ("Saturated ranges: " + "; ".join(bands) + "." if bands else "No pair saturates here.")
    )


def positive_only_section():
    st.subheader("The positive-only cross-entropy pushes every output to 1")
    view = gradients_view.positive_only(u, y, MAX_DESCENT_CLASSES)
    order = view.order
    charts.show(
        descent_figure(
            [names[i] for i in order], view.shared[:, order], view.direct[:, order], y[order]
        ),
        key="pos_ce_descent",
    )
    st.caption(view.caption)


def multi_label_section():
    st.subheader("Multi-label vs multi-class")
    row_is_multi = ws.label_mode == "multi-hot" and (y > 0).sum() >= 2
    if row_is_multi:
        multi, multi_names = y, names
        st.caption(f"Using row {row + 1}'s multi-hot labels.")
    else:
        multi, multi_names = np.array([1.0, 1.0, 0.0, 0.0]), ["c0", "c1", "c2", "c3"]
        st.caption(
            "This row is not multi-hot with two or more labels, so the example uses "
            "y = [1, 1, 0, 0]. Pick multi-hot labels on the Probabilities page to use your own."
        )
    best = sweeps.multilabel_optimum(multi)
    metrics = st.container(horizontal=True)
    metrics.metric("softmax + CE: minimum loss", f"{best['ce_min']:.4f}", help="Σy · H(y / Σy)")
    metrics.metric("sigmoid + BCE: infimum", f"{best['bce_inf']:.4f}", help="Reached as |z| → ∞")
    metrics.metric("labels Σy", f"{multi.sum():g}")
    st.dataframe(
        pd.DataFrame(
            {
                "y": multi,
                "best softmax a* = y / Σy": best["softmax"],
                "best sigmoids σ → y": best["sigmoid"],
                "CE gradient a*·Σy − y": best["grad_at_optimum"],
                "a* − y (not the gradient)": best["a_minus_y"],
            },
            index=multi_names,
        ).head(gradients_view.MAX_BARS),
        width="stretch",
    )
    st.markdown(
        f"Softmax must split one unit of mass over the {int(multi.sum())} labels, so the best "
        f"it can do is a = y/Σy and CE bottoms out at Σy·H(y/Σy) = **{best['ce_min']:.4f}** (> 0 "
        "for two or more labels). There the gradient a·Σy − y is exactly 0, although a − y "
        "(the formula for labels that sum to 1) is not. Sigmoids treat each label on its own: "
        "σ can approach every y and BCE approaches 0. **Use softmax + CE when exactly one class "
        "is true (multi-class), sigmoid + BCE when any number can be (multi-label).**"
    )


def double_softmax_section():
    st.subheader("The double-softmax mistake")
    wrong_loss, wrong_grad = sweeps.double_softmax(u, y)
    floor = sweeps.double_softmax_floor(ws.n_classes)
    metrics = st.container(horizontal=True)
    metrics.metric("right: CE(u, y)", f"{losses['softmax_ce']:.4f}")
    metrics.metric("double: CE(softmax(u), y)", f"{wrong_loss:.4f}")
    metrics.metric("double's floor (one-hot y)", f"{floor:.4f}", help="log(1 + (C − 1)/e)")
    st.dataframe(
        pd.DataFrame(
            {"right: dL/du": grads["softmax_ce"], "double: dL/du": wrong_grad},
            index=names,
        ).iloc[shown],
        width="stretch",
    )
    st.markdown(
        "A model that ends in softmax, fed to a loss that applies softmax again, squashes "
        "probabilities in [0, 1] into a nearly flat distribution: with one-hot labels the loss "
        f"can never fall below log(1 + (C − 1)/e) = {floor:.4f} for C = {ws.n_classes}, and the "
        "gradient passes through a second Jacobian: its norm here is "
        f"{np.linalg.norm(wrong_grad):.3g}, against {np.linalg.norm(grads['softmax_ce']):.3g}."
    )


VIEWS = {
    "Per class": per_class_section,
    "Whole batch": batch_section,
    "Sweep one logit": sweep_section,
    "Positive-only CE": positive_only_section,
    "Multi-label": multi_label_section,
    "Double softmax": double_softmax_section,
}
sections.keep_widgets("grad_sweep_points", "grad_sweep_low", "grad_sweep_high", "grad_pairs_shown")
label, tab = sections.open_section("gradients")
with tab:
    VIEWS[label]()
