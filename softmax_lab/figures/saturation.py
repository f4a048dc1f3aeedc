"""Figures of the Saturation page: sweeps on log axes, precision limits, attention."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from softmax_lab.figures.style import COLORS, compact


def readout_figure(x, readouts, titles, x_title, current=None, limits=None):
    """2 × 2 panels against x (log axis): gradient norm per pair, ‖J‖_F, entropy, top p.

    ``limits`` may give horizontal reference lines: {"top": [(y, label)], "entropy": [...]}.
    """
    fig = make_subplots(
        rows=2,
        cols=2,
        subplot_titles=(
            "‖dL/dz‖ per loss pair",
            "‖J‖_F of softmax",
            "entropy (nats)",
            "top probability",
        ),
        horizontal_spacing=0.1,
        vertical_spacing=0.16,
    )
    for i, (key, title) in enumerate(titles.items()):
        fig.add_scatter(
            x=x,
            y=np.maximum(readouts[f"grad:{key}"], 1e-300),
            name=title,
            line={"color": COLORS[i]},
            row=1,
            col=1,
        )
    for name, (row, col) in (("jacobian_norm", (1, 2)), ("entropy", (2, 1)), ("top_prob", (2, 2))):
        fig.add_scatter(
            x=x,
            y=readouts[name],
            name=name,
            showlegend=False,
            line={"color": "black"},
            row=row,
            col=col,
        )
    for key, (row, col) in (("entropy", (2, 1)), ("top", (2, 2))):
        for y, label in (limits or {}).get(key, []):
            fig.add_hline(
                y=y, line_dash="dash", line_color="grey", annotation_text=label, row=row, col=col
            )
    if current is not None:
        fig.add_vline(x=current, line_dash="dot", line_color="grey")
    fig.update_xaxes(type="log", title=x_title)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_layout(height=620)
    return compact(fig)


def gap_figure(gaps, by_dtype, eps):
    """log p and cross-entropy of the small class of [0, −g] against the gap g per dtype."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            "log p: from p (breaks) vs log_softmax",
            f"CE: −log(p + {eps:g}) vs −log_softmax",
        ),
    )
    for i, (name, out) in enumerate(by_dtype.items()):
        c = COLORS[i]
        fig.add_scatter(
            x=gaps,
            y=np.maximum(out["log_of_p"], -1e4),
            name=f"log(p) {name}",
            line={"color": c, "dash": "dot"},
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=gaps,
            y=out["log_softmax"],
            name=f"log_softmax {name}",
            line={"color": c},
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=gaps,
            y=out["ce_eps"],
            name=f"−log(p+eps) {name}",
            line={"color": c, "dash": "dot"},
            showlegend=False,
            row=1,
            col=2,
        )
        fig.add_scatter(
            x=gaps,
            y=out["ce_log_softmax"],
            name=f"−log_softmax {name}",
            line={"color": c},
            showlegend=False,
            row=1,
            col=2,
        )
    fig.update_xaxes(title="gap max z − z_k")
    fig.update_yaxes(range=[-900, 5], row=1, col=1)
    fig.update_layout(height=380)
    return compact(fig)


def attention_bars(scaled, unscaled):
    """Attention weights over n keys with and without the 1/√d (sorted when n > 64)."""
    n = scaled.size
    fig = go.Figure()
    x = np.arange(n)
    if n > 64:
        scaled, unscaled = np.sort(scaled)[::-1], np.sort(unscaled)[::-1]
    fig.add_bar(x=x, y=unscaled, name="softmax(qKᵀ)", marker_color=COLORS[3])
    fig.add_bar(x=x, y=scaled, name="softmax(qKᵀ/√d)", marker_color=COLORS[0])
    fig.update_layout(
        barmode="group",
        height=300,
        xaxis_title="key" + (" (sorted)" if n > 64 else ""),
        yaxis_title="weight",
    )
    return compact(fig)


def attention_sweep_figure(dims, sweep, current_d):
    """Top weight, entropy and ‖J‖_F against d, with and without the scale."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=("top weight", "entropy", "‖J‖_F"))
    for i, label in enumerate(("scaled", "unscaled")):
        for col, name in enumerate(("top_weight", "entropy", "jacobian_norm"), start=1):
            fig.add_scatter(
                x=dims,
                y=sweep[label][name],
                name=label,
                legendgroup=label,
                showlegend=col == 1,
                line={"color": COLORS[0 if i == 0 else 3]},
                row=1,
                col=col,
            )
    fig.add_vline(x=current_d, line_dash="dot", line_color="grey")
    fig.update_xaxes(type="log", title="d")
    fig.update_layout(height=320)
    return compact(fig)
