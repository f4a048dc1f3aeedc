"""Editable tables for the batch: class names, logits and labels.

Each editor is built from a base table that changes only on a structural change
(a load, a new shape, renamed classes). Its output is never fed back in as its own
input, so edits are not lost. Edits are validated on the server: a bad cell gets a
message next to the table and the last valid batch stays in the workspace.
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab.batch_checks import (
    MAX_ABS_LOGIT,
    MAX_NAME_CHARS,
    check_class_names,
    check_labels,
    check_logits,
)
from softmax_lab.presets import LABEL_MODES, MAX_ROWS, MAX_TABLE_CLASSES
from softmax_lab.ui import state
from softmax_lab.ui.text import md
from softmax_lab.workspace import convert_labels, normalise_labels, resize, soft_label_sums

LABEL_MODE_KEY = "label_mode_choice"


def batch_editor() -> None:
    """Class names and logits side by side, the labels below."""
    ws = state.workspace()
    if not ws.editable:
        _read_only_summary(ws)
        return
    names_col, logits_col = st.columns([1, 4])
    with names_col:
        _names_editor(ws)
    with logits_col:
        _logits_editor(state.workspace())
    _labels_editor(state.workspace())


def _key(name: str) -> str:
    return f"{name}_editor_{state.editor_version()}"


def _base(name: str, build) -> pd.DataFrame:
    """The editor's input table: rebuilt from the workspace only when its widget is new."""
    key, base_key = _key(name), f"{name}_base"
    if key not in st.session_state or base_key not in st.session_state:
        st.session_state[base_key] = build()
    return st.session_state[base_key]


def _names_editor(ws) -> None:
    base = _base("names", lambda: pd.DataFrame({"class": list(ws.class_names)}))
    edited = st.data_editor(
        base,
        key=_key("names"),
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "class": st.column_config.TextColumn(
                "Class", required=True, max_chars=MAX_NAME_CHARS, help="Rows are classes."
            )
        },
        width="stretch",
    )
    try:
        names = check_class_names(edited["class"].tolist())
        if len(names) > MAX_TABLE_CLASSES:
            raise ValueError(f"The table holds at most {MAX_TABLE_CLASSES} classes.")
    except ValueError as err:
        st.error(f"{md(err, 300)} The charts show the last valid batch.", icon=":material/error:")
        return
    if names == ws.class_names:
        return
    grown = resize(ws, n_classes=len(names)) if len(names) != ws.n_classes else ws
    state.set_workspace(replace(grown, class_names=names, preset="custom"), structural=True)


def _logits_editor(ws) -> None:
    base = _base("logits", lambda: pd.DataFrame(ws.logits, columns=list(ws.class_names)))
    column = st.column_config.NumberColumn(
        min_value=-MAX_ABS_LOGIT, max_value=MAX_ABS_LOGIT, required=True
    )
    edited = st.data_editor(
        base,
        key=_key("logits"),
        num_rows="dynamic",
        column_config=dict.fromkeys(base.columns, column),
        width="stretch",
    )
    st.caption(f"Logits z: rows are samples (1 to {MAX_ROWS}), columns are classes.")
    try:
        logits = check_logits(edited.astype(object).where(edited.notna(), None).to_numpy())
    except ValueError as err:
        st.error(f"{md(err, 300)} The charts show the last valid batch.", icon=":material/error:")
        return
    if logits.shape == ws.logits.shape and np.array_equal(logits, ws.logits):
        return
    if logits.shape[0] != ws.n_rows:
        ws = resize(ws, n_rows=logits.shape[0])
    state.set_workspace(replace(ws, logits=logits, preset="custom", dLdA=None, generator=None))


def _labels_editor(ws) -> None:
    st.session_state.setdefault(LABEL_MODE_KEY, ws.label_mode)
    mode = st.radio(
        "Labels",
        LABEL_MODES,
        key=LABEL_MODE_KEY,
        horizontal=True,
        help="one-hot: one true class per row; soft: probabilities per class; "
        "multi-hot: several true classes (the multi-label case).",
    )
    if mode != ws.label_mode:
        ws = replace(ws, label_mode=mode, labels=convert_labels(ws.labels, mode))
        state.set_workspace(ws, structural=True)
    names = list(ws.class_names)
    shape_key = f"labels_{ws.n_rows}x{ws.n_classes}_{mode}"
    if mode == "one-hot":
        base = _base(
            shape_key,
            lambda: pd.DataFrame(
                {"label": [names[k] for k in ws.labels.argmax(1)]}, index=_row_index(ws)
            ),
        )
        config = {
            "label": st.column_config.SelectboxColumn("True class", options=names, required=True)
        }
    elif mode == "soft":
        base = _base(
            shape_key, lambda: pd.DataFrame(ws.labels, columns=names, index=_row_index(ws))
        )
        column = st.column_config.NumberColumn(
            min_value=0.0, max_value=1.0, step=0.01, required=True
        )
        config = dict.fromkeys(names, column)
    else:
        base = _base(
            shape_key,
            lambda: pd.DataFrame(ws.labels.astype(bool), columns=names, index=_row_index(ws)),
        )
        config = dict.fromkeys(names, st.column_config.CheckboxColumn())
    edited = st.data_editor(
        base, key=_key(shape_key), num_rows="fixed", column_config=config, width="stretch"
    )
    try:
        if mode == "one-hot":
            index = {n: k for k, n in enumerate(names)}
            values = [index.get(v, -1) for v in edited["label"].tolist()]
        else:
            values = edited.astype(object).where(edited.notna(), None).to_numpy().tolist()
        labels = check_labels(values, mode, ws.n_rows, ws.n_classes)
    except ValueError as err:
        st.error(f"{md(err, 300)} The charts show the last valid labels.", icon=":material/error:")
        return
    if not np.array_equal(labels, ws.labels):
        state.set_workspace(replace(ws, labels=labels, preset="custom"))
        ws = state.workspace()
    if mode == "soft":
        _soft_sums_notice(ws)


def _row_index(ws) -> list[str]:
    return [f"row {i + 1}" for i in range(ws.n_rows)]


def _soft_sums_notice(ws) -> None:
    sums = soft_label_sums(ws.labels)
    off = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
    if not off.size:
        return
    rows = ", ".join(f"row {i + 1} sums to {sums[i]:.4g}" for i in off[:5])
    st.warning(
        f"Soft labels should sum to 1: {rows}. Cross-entropy's gradient is then "
        "a·Σy − y rather than a − y.",
        icon=":material/balance:",
    )
    if st.button("Normalise the label rows"):
        state.set_workspace(replace(ws, labels=normalise_labels(ws.labels)), structural=True)
        st.rerun()


def _read_only_summary(ws) -> None:
    st.info(
        f"This batch has C = {ws.n_classes} classes, more than the table's {MAX_TABLE_CLASSES}, "
        "so it is read-only here. Use the sidebar's generator to change it, or load a preset.",
        icon=":material/lock:",
    )
    top = np.argsort(ws.logits, axis=1)[:, ::-1][:, :5]
    st.dataframe(
        pd.DataFrame(
            {
                "min z": ws.logits.min(1),
                "mean z": ws.logits.mean(1),
                "max z": ws.logits.max(1),
                "top-5 classes": [", ".join(ws.class_names[k] for k in row) for row in top],
            }
        ),
        width="stretch",
    )


def row_picker(ws, key: str = "row") -> int:
    """The selected row index (0-based), kept within the batch."""
    if ws.n_rows == 1:
        return 0
    current = min(st.session_state.get(key, 0), ws.n_rows - 1)
    st.session_state[key] = current
    return st.selectbox("Row", range(ws.n_rows), key=key, format_func=lambda i: f"row {i + 1}")
