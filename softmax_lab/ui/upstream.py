"""The upstream gradient dLdA editor of the Jacobian page, with its validation state."""

import numpy as np
import pandas as pd
import streamlit as st

from softmax_lab.ui import state
from softmax_lab.ui.text import md
from softmax_lab.workspace import check_upstream

SOURCES = {
    "writeup": "the writeup example",
    "random": "random (seeded)",
    "ce": "cross-entropy of the labels: −y / a / N",
}
_LAST = "upstream_last_valid"


def source_array(source, ws, a, seed):
    """dLdA (N, C) from a named source; ``None`` when it does not apply to this batch."""
    if source == "writeup":
        return None if ws.dLdA is None or ws.dLdA.shape != a.shape else ws.dLdA.copy()
    if source == "random":
        return np.random.default_rng(seed).normal(size=a.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ws.labels > 0, -ws.labels / a, 0.0) / ws.n_rows


def upstream_gradient(ws, a) -> tuple[np.ndarray, str]:
    """The upstream gradient the user chose or edited, and the name of its source."""
    options = [k for k in SOURCES if k != "writeup" or ws.dLdA is not None]
    left, right = st.columns([3, 1])
    source = left.radio("Upstream gradient dLdA", options, format_func=SOURCES.get, horizontal=True)
    seed = right.number_input("Seed", 0, 2**31 - 1, 0, disabled=source != "random")
    base = source_array(source, ws, a, int(seed))
    if not ws.editable:
        st.caption("With C > 50 the gradient is not editable; pick a source above.")
        return base, source
    key = f"upstream_{source}_{seed}_{ws.n_rows}x{ws.n_classes}_{state.editor_version()}"
    if key not in st.session_state or f"{key}_base" not in st.session_state:
        frame = pd.DataFrame(base, columns=list(ws.class_names))
        frame.index = [f"row {i + 1}" for i in range(ws.n_rows)]
        st.session_state[f"{key}_base"] = frame
    edited = st.data_editor(st.session_state[f"{key}_base"], key=key, width="stretch")
    values = edited.astype(object).where(edited.notna(), None).to_numpy()
    if np.array_equal(edited.to_numpy(dtype=float, na_value=np.nan), base, equal_nan=True):
        st.session_state[_LAST] = base
        return base, source
    try:
        dLdA = check_upstream(values, ws.n_rows, ws.n_classes)
    except ValueError as err:
        st.error(
            f"{md(err, 300)} The results below use the last valid dLdA.", icon=":material/error:"
        )
        last = st.session_state.get(_LAST)
        return (
            (last, "last valid") if last is not None and last.shape == a.shape else (base, source)
        )
    st.session_state[_LAST] = dLdA
    return dLdA, "edited"


def cross_entropy_upstream_notice(ws, a) -> None:
    """Say what −y/a does where a probability underflowed to 0 or is tiny."""
    hot = ws.labels > 0
    if not hot.any():
        return
    smallest = float(a[hot].min())
    if smallest == 0.0:
        st.warning(
            "Some labelled class has a = 0 exactly (its probability underflowed), so "
            "dL/dA = −y/a is −inf there and the product with J is NaN. Frameworks fuse "
            "softmax with cross-entropy for this reason: the fused gradient a·Σy − y stays "
            "finite.",
            icon=":material/warning:",
        )
    elif smallest < 1e-8:
        st.info(
            f"The smallest labelled probability is {smallest:.3g}, so −y/a reaches "
            f"{-1 / smallest:.3g}: huge numbers that J then cancels. The fused gradient "
            "a·Σy − y avoids them.",
            icon=":material/info:",
        )
