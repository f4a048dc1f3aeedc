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
_MODE_SEEN = "label_mode_seen"  # the batch's mode when the radio was last drawn


def batch_editor() -> None:
    """The class names as one row right above the logits whose columns they head, the
    buttons that add or remove a class, and the labels below."""
    ws = state.workspace()
    if not ws.editable:
        _read_only_summary(ws)
        return
    _names_editor(ws)
    _logits_editor(state.workspace())
    _class_buttons(state.workspace())
    _labels_editor(state.workspace())


def _key(name: str) -> str:
    return f"{name}_editor_{state.editor_version()}"


def _base(name: str, build) -> pd.DataFrame:
    """The editor's input table: rebuilt from the workspace only when its widget is new."""
    key, base_key = _key(name), f"{name}_base"
    if key not in st.session_state or base_key not in st.session_state:
        st.session_state[base_key] = build()
    return st.session_state[base_key]


# Both tables give every class column this width and the same index width, so a
# class's name sits exactly above its column of logits.
COLUMN_PX = 96
INDEX_PX = 72
SELECTOR_PX = 33  # the row-selection column a table with num_rows="dynamic" adds on the left


def _changed(before, after) -> None:
    """A change the sidebar shows (the batch's shape, or its preset becoming "custom")
    reruns the script, so the sidebar, drawn before this page, is never stale."""
    if (before.n_rows, before.n_classes, before.preset) != (
        after.n_rows,
        after.n_classes,
        after.preset,
    ):
        st.rerun()


def _names_editor(ws) -> None:
    """One row of names, one per column of logits below (a column's header is its name)."""
    base = _base(
        "names",
        lambda: pd.DataFrame(
            [list(ws.class_names)],
            columns=[f"class {k + 1}" for k in range(ws.n_classes)],
            index=pd.Index(["name"], name=" "),
        ),
    )
    column = st.column_config.TextColumn(
        required=True,
        max_chars=MAX_NAME_CHARS,
        width=COLUMN_PX,
        help="Type a new name: it becomes the header of this column of logits.",
    )
    edited = st.data_editor(
        base,
        key=_key("names"),
        num_rows="fixed",
        column_config={
            "_index": st.column_config.Column(width=INDEX_PX + SELECTOR_PX),
            **dict.fromkeys(base.columns, column),
        },
        width="content",
    )
    try:
        names = check_class_names(edited.iloc[0].tolist(), ws.n_classes)
    except ValueError as err:
        st.error(f"{md(err, 300)} The charts show the last valid batch.", icon=":material/error:")
        return
    if names == ws.class_names:
        return
    new = replace(ws, class_names=names, preset="custom")
    state.set_workspace(new, structural=True)
    st.rerun()


def _class_buttons(ws) -> None:
    """Add a class (its logits 0, a fresh name) or remove the last one, in one click."""
    row = st.container(horizontal=True)  # one block per rerun, not one per column
    row.button(
        "Add a class",
        on_click=_resize_classes,
        args=(+1,),
        disabled=ws.n_classes >= MAX_TABLE_CLASSES,
        help=f"A new column of logits, all 0, named c{ws.n_classes} (at most {MAX_TABLE_CLASSES}).",
    )
    row.button(
        "Remove the last class",
        on_click=_resize_classes,
        args=(-1,),
        disabled=ws.n_classes <= 2,
        help="Drops the last column (a batch keeps at least 2 classes).",
    )


def _resize_classes(step: int) -> None:
    """The class buttons' callback: it runs before the sidebar is drawn, so the sidebar
    shows the new C at once."""
    ws = state.workspace()
    n_classes = ws.n_classes + step
    if not 2 <= n_classes <= MAX_TABLE_CLASSES:
        return
    state.set_workspace(resize(ws, n_classes=n_classes), structural=True)
    st.session_state[state.PRESET_KEY] = None


def _logits_editor(ws) -> None:
    base = _base(
        "logits",
        lambda: pd.DataFrame(
            ws.logits,
            columns=list(ws.class_names),
            index=pd.Index(np.arange(1, ws.n_rows + 1), name="row"),
        ),
    )
    column = st.column_config.NumberColumn(
        min_value=-MAX_ABS_LOGIT,
        max_value=MAX_ABS_LOGIT,
        required=True,
        default=0.0,
        width=COLUMN_PX,
    )
    edited = st.data_editor(
        base,
        key=_key("logits"),
        num_rows="dynamic",
        column_config={
            "_index": st.column_config.Column(width=INDEX_PX),
            **dict.fromkeys(base.columns, column),
        },
        width="content",
    )
    st.caption(
        f"Logits z: rows are samples (1 to {MAX_ROWS}; add one with the + below the "
        "table, its logits start at 0), columns are the classes named above."
    )
    cells = edited.astype(object).where(edited.notna(), None).to_numpy()
    # A row added in the browser starts at 0 (the column default); one added by a client
    # that sends no default gets 0 here. An existing cell that is emptied is an error.
    if len(cells) > len(base):
        added = cells[len(base) :]
        added[np.equal(added, None)] = 0.0
    try:
        logits = check_logits(cells)
    except ValueError as err:
        st.error(f"{md(err, 300)} The charts show the last valid batch.", icon=":material/error:")
        return
    if logits.shape == ws.logits.shape and np.array_equal(logits, ws.logits):
        return
    before = ws
    if logits.shape[0] != ws.n_rows:
        ws = resize(ws, n_rows=logits.shape[0])
    state.set_workspace(replace(ws, logits=logits, preset="custom", dLdA=None, generator=None))
    _changed(before, state.workspace())


def _labels_editor(ws) -> None:
    if st.session_state.get(_MODE_SEEN) != ws.label_mode:
        # The batch was replaced (a preset, a link, a lesson step): the radio follows it.
        st.session_state[LABEL_MODE_KEY] = ws.label_mode
    mode = st.radio(
        "Labels",
        LABEL_MODES,
        key=LABEL_MODE_KEY,
        horizontal=True,
        help="one-hot: one true class per row; soft: probabilities per class; "
        "multi-hot: several true classes (the multi-label case).",
    )
    st.session_state[_MODE_SEEN] = mode
    if mode != ws.label_mode:
        before = ws
        ws = replace(ws, label_mode=mode, labels=convert_labels(ws.labels, mode), preset="custom")
        state.set_workspace(ws, structural=True)
        _changed(before, ws)
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
        _changed(ws, state.workspace())
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
        state.set_workspace(
            replace(ws, labels=normalise_labels(ws.labels), preset="custom"), structural=True
        )
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
            },
            index=_row_index(ws),
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
