"""Probabilities: edit the batch and see softmax next to the mappings it is compared with."""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab import precision
from softmax_lab.figures.formulas import softmax_formula
from softmax_lab.figures.probabilities import mappings_figure, naive_vs_stable_figure
from softmax_lab.presets import PRESETS
from softmax_lab.probabilities_view import probabilities_view
from softmax_lab.ui import charts, editors, sections, share, state
from softmax_lab.ui.frame import require_frame
from softmax_lab.ui.text import md

require_frame()

DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}

st.title("Probabilities")
share.show_url_error()
# The chart and its temperature come first (at 1280×720 both are on the first screen);
# the editor below still runs first, so the chart shows this run's edits.
view = st.container()

# -- inputs ----------------------------------------------------------------------------
with st.expander("Batch: logits, class names and labels", expanded=True):
    editors.batch_editor()
ws = state.workspace()
row = editors.row_picker(ws)

# -- compute ---------------------------------------------------------------------------
T, z, y = ws.temperature, ws.logits, ws.labels
pv = probabilities_view(z, y, T, row)
a, entropy, ce_rows, mappings = pv.a, pv.entropy, pv.ce_rows, pv.mappings
table = pd.DataFrame(
    {name: values for name, values in mappings.items()}, index=list(ws.class_names)
)
per_row = pd.DataFrame(
    {
        "cross-entropy": ce_rows,
        "entropy (nats)": entropy,
        "top probability": a.max(axis=1),
        "top class": [ws.class_names[k] for k in a.argmax(axis=1)],
    },
    index=[f"row {i + 1}" for i in range(ws.n_rows)],
)

# -- render ----------------------------------------------------------------------------
QUICK_TEMPERATURES = (0.1, 1.0, 10.0)
MAPPING_KEYS = ("softmax", "linear", "hardmax", "sigmoid")  # in the order of ``mappings``


def _set_temperature(t):
    st.session_state[state.TEMPERATURE_KEY] = t  # a callback: before the sidebar's slider


with view:
    # One flex row, not columns: a rerun sends one block for the row, not one per column.
    quick = st.container(horizontal=True, vertical_alignment="bottom")
    for t in QUICK_TEMPERATURES:
        quick.button(
            f"T = {t:g}",
            key=f"quick_T_{t:g}",
            on_click=_set_temperature,
            args=(t,),
            type="primary" if t == T else "secondary",
            help="Set the sidebar's temperature",
        )
    labels = dict(zip(MAPPING_KEYS, mappings, strict=True))
    st.session_state.setdefault("probabilities_show", list(MAPPING_KEYS))
    picked = quick.pills(
        "Show",
        MAPPING_KEYS,
        selection_mode="multi",
        key="probabilities_show",
        format_func=lambda k: labels[k].split(" (")[0],
        label_visibility="collapsed",
        width="stretch",  # the rest of the row; on a phone, a row of its own that scrolls
    )
    shown = {labels[k]: mappings[labels[k]] for k in MAPPING_KEYS if k in (picked or ())}
    if shown:
        charts.show(mappings_figure(ws.class_names, shown), key="mappings")
    else:
        st.caption("Pick at least one mapping to show.")
if ws.preset in PRESETS:
    st.info(PRESETS[ws.preset].note, icon=":material/menu_book:")
metrics = st.container(horizontal=True)
metrics.metric("Entropy (nats)", f"{entropy[row]:.4f}", help="Maximum is log C, the uniform case.")
metrics.metric("Maximum log C", f"{pv.log_c:.4f}")
metrics.metric("Top probability", f"{a[row].max():.4f}")
metrics.metric(
    "Cross-entropy, this row",
    f"{ce_rows[row]:.4f}",
    help=f"Mean over the N = {ws.n_rows} rows: {pv.ce_mean:.4f}",
)
st.caption(f"Mean cross-entropy over N = {ws.n_rows} rows: **{pv.ce_mean:.6g}**")
if pv.linear_note:
    st.caption(pv.linear_note)
st.latex(softmax_formula(z[row], T, int(a[row].argmax()), ws.class_names[int(a[row].argmax())]))

numbers, numbers_open = sections.lazy_expander(
    "The numbers behind the charts", "probabilities_numbers"
)
if numbers_open:
    with numbers:
        st.dataframe(table, width="stretch")
        st.download_button(
            "Download this row as CSV", table.to_csv().encode(), "softmax_row.csv", "text/csv"
        )
        st.dataframe(per_row, width="stretch")
        st.download_button(
            "Download the per-row read-outs as CSV",
            per_row.to_csv().encode(),
            "softmax_rows.csv",
            "text/csv",
        )

st.subheader("Naive vs stable")
naive_on = st.toggle(
    "Compare with the naive formula exp(z) / Σ exp(z)", value=ws.preset == "overflow"
)
if naive_on:
    dtype_name = st.radio("Precision", list(DTYPES), index=2, horizontal=True)
    safe_names = [md(n) for n in ws.class_names]  # the message is markdown
    check = precision.naive_vs_stable(z[row] / T, DTYPES[dtype_name], safe_names)
    naive, stable = check.naive, check.stable
    if check.ok:
        st.success(check.message, icon=":material/check:")
    else:
        st.error(
            check.message + " Subtracting the row maximum first (the stable formula) "
            "avoids all of these.",
            icon=":material/warning:",
        )
    charts.show(naive_vs_stable_figure(ws.class_names, naive, stable, dtype_name), key="naive")
