"""The upstream gradient dLdA of the Jacobian page: its source, its editor, its validation.

A bad edit (wrong number of rows, NaN, text, an empty cell) shows a clear error next
to the editor, and the page keeps using the last valid dLdA (kept in
``st.session_state`` under ``LAST_VALID``).
"""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab.batch_checks import check_upstream
from softmax_lab.reference_examples import WRITEUP_Z
from softmax_lab.ui import state
from softmax_lab.ui.text import md

SOURCES = {
    "writeup": "the writeup example",
    "random": "random (seeded)",
    "ce": "cross-entropy of the labels: −y / a / N",
}
LAST_VALID = "jacobian_upstream_last_valid"
SOURCE_KEY = "jacobian_upstream_source"
SEED_KEY = "jacobian_upstream_seed"


def writeup_available(ws) -> bool:
    """Whether the batch is the writeup's 2 × 3 one with its dLdA."""
    return ws.dLdA is not None and ws.logits.shape == WRITEUP_Z.shape


def source_array(source, ws, a, seed):
    """dLdA (N, C) from a named source.

    ``"ce"`` is the gradient of the mean cross-entropy −(1/N) Σ y log a with respect
    to a: −y / a / N, which is −inf where a underflowed to 0 while y > 0.
    """
    if source == "writeup":
        return ws.dLdA.copy()
    if source == "random":
        return np.random.default_rng(seed).normal(size=a.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ws.labels > 0, -ws.labels / a, 0.0) / ws.n_rows


def editor_key(ws, source, seed) -> str:
    """The data-editor key for this source, seed and batch (fresh after a structural change)."""
    return f"upstream_{source}_{seed}_{ws.n_rows}x{ws.n_classes}_{state.editor_version()}"


def upstream_gradient(ws, a) -> tuple[np.ndarray, str]:
    """The upstream gradient (N, C) the user picked or edited, and where it came from."""
    options = [k for k in SOURCES if k != "writeup" or writeup_available(ws)]
    if st.session_state.get(SOURCE_KEY) not in options:
        st.session_state[SOURCE_KEY] = options[0]
    left, right = st.columns([3, 1])
    source = left.radio(
        "Upstream gradient dLdA", options, format_func=SOURCES.get, horizontal=True, key=SOURCE_KEY
    )
    seed = int(
        right.number_input("Seed", 0, 2**31 - 1, 0, disabled=source != "random", key=SEED_KEY)
    )
    if not writeup_available(ws):
        left.caption(
            f"The writeup's dLdA exists only for its 2 × 3 batch (preset “writeup”); this "
            f"batch is {ws.n_rows} × {ws.n_classes}."
        )
    base = source_array(source, ws, a, seed)
    if not ws.editable:
        st.caption("With C > 50 classes dLdA is not editable here; pick a source above.")
        st.session_state[LAST_VALID] = base
        return base, source
    key = editor_key(ws, source, seed)
    if key not in st.session_state and f"{key}_kept" in st.session_state:
        # Its tab was closed, so Streamlit dropped the edits: the editor restarts from them.
        st.session_state[f"{key}_base"] = st.session_state.pop(f"{key}_kept")
    if f"{key}_base" not in st.session_state:
        frame = pd.DataFrame(base, columns=list(ws.class_names))
        frame.index = [f"row {i + 1}" for i in range(ws.n_rows)]
        st.session_state[f"{key}_base"] = frame
    edited = st.data_editor(
        st.session_state[f"{key}_base"], key=key, num_rows="dynamic", width="stretch"
    )
    st.session_state[f"{key}_kept"] = edited
    values = edited.astype(object).where(edited.notna(), None).to_numpy().tolist()
    if _unchanged(edited, base):
        st.session_state[LAST_VALID] = base
        return base, source
    try:
        dLdA = check_upstream(values, ws.n_rows, ws.n_classes)
    except ValueError as err:
        st.error(
            f"{md(err, 300)} The results below use the last valid dLdA.", icon=":material/error:"
        )
        last = st.session_state.get(LAST_VALID)
        if last is not None and last.shape == a.shape:
            return last, "last valid"
        return base, source
    st.session_state[LAST_VALID] = dLdA
    return dLdA, "edited"


def _unchanged(edited, base) -> bool:
    """Whether the editor still holds ``base`` exactly (its inf/NaN cells included)."""
    if edited.shape != base.shape:
        return False
    try:
        values = edited.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        return False
    return bool(np.array_equal(values, base, equal_nan=True))


def cross_entropy_upstream_notice(ws, a) -> None:
    """Say (and show) what −y/a does where a labelled probability is 0 or tiny."""
    hot = ws.labels > 0
    if not hot.any():
        return
    smallest = float(a[hot].min())
    i, j = np.argwhere(hot & (a == smallest))[0]
    where = f"row {i + 1}, class {md(ws.class_names[j])}"
    if smallest == 0.0:
        st.warning(
            f"At {where} the label is y = {ws.labels[i, j]:g} but a = 0 exactly (its "
            "probability underflowed), so dL/dA = −y/a is −inf there and dLdA · J is NaN "
            "for that row. Frameworks fuse softmax with cross-entropy for this reason: "
            "the fused gradient a·Σy − y stays finite.",
            icon=":material/warning:",
        )
    elif smallest < 1e-8:
        st.info(
            f"At {where} a = {smallest:.3g}, so −y/a reaches {-ws.labels[i, j] / smallest:.3g}: "
            "huge numbers that J then cancels. The fused gradient a·Σy − y avoids them.",
            icon=":material/info:",
        )
