"""Home: what the lab is and where each page goes."""

import streamlit as st

from softmax_lab.ui.frame import PAGES, ROOT, require_frame

require_frame()

WHAT = {
    "lesson": "a guided lecture along the reference notes, one step at a time: predict a "
    "number, then see the lab compute it. Load your own lesson file, or share a step's link.",
    "probabilities": "softmax next to linear normalisation, hardmax and sigmoids; entropy, "
    "cross-entropy, the formula with your numbers, and the naive formula overflowing.",
    "jacobian": "J = diag(a) − a aᵀ as a heatmap, its properties live, and the backward "
    "pass three ways: the writeup's loop, a batched Jacobian and the O(C) product.",
    "gradients": "softmax + cross-entropy against sigmoid + BCE and the pairs that saturate, "
    "with a sweep of one logit and multi-label vs multi-class.",
    "saturation": "scale and temperature sweeps, float16/32/64 limits and why attention "
    "divides by √d.",
    "training": "a small classifier learning live, where a ×10 init or an MSE loss stalls.",
}

st.title("Softmax Lab")
st.markdown(
    "Softmax turns a row of logits **z** into probabilities "
    "$a_k = e^{z_k/T} / \\sum_j e^{z_j/T}$. This lab shows what it computes, how its "
    "gradient flows and where it saturates. Edit the batch on the Probabilities page and "
    "pick a preset or the temperature in the sidebar: every page works on the same batch, "
    "and the address bar always holds a link to the current view."
)
for script, title, path, icon in PAGES[1:]:
    if (ROOT / script).exists():
        st.page_link(script, label=f"**{title}**: {WHAT[path]}", icon=icon)
