"""Figures of the softmax Jacobian page: heatmaps, the shrinking norm, costs."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from softmax_lab.figures.style import COLORS, DIVERGING, compact, grouped_bars, plain_all

J_RANGE = 0.25  # |J| <= 1/4: one fixed colour scale makes rows comparable
MAX_TEXT_CLASSES = 30


def jacobian_heatmap(J, names, title="J = diag(a) − a aᵀ", zmax=J_RANGE):
    """Heatmap of J (C, C) on a diverging scale centred at 0, fixed to ±``zmax``.

    Cells show their values up to C = 30.
    """
    labels = plain_all(names)
    text = np.round(J, 4).astype(str) if len(labels) <= MAX_TEXT_CLASSES else None
    fig = go.Figure(
        go.Heatmap(
            z=J,
            x=labels,
            y=labels,
            zmin=-zmax,
            zmax=zmax,
            zmid=0,
            colorscale=DIVERGING,
            text=text,
            texttemplate="%{text}" if text is not None else None,
            hovertemplate="∂a[%{y}]/∂z[%{x}] = %{z:.6g}<extra></extra>",
        )
    )
    side = min(700, 220 + 18 * len(labels))
    fig.update_layout(title=title, height=side)
    fig.update_xaxes(type="category", title="z (column n)")
    fig.update_yaxes(type="category", autorange="reversed", title="a (row m)")
    return compact(fig)


def writeup_comparison(exact, printed, names):
    """The exact J, the writeup's printed J and their difference, side by side (C, C each)."""
    labels = plain_all(names)
    diff = exact - printed
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=("exact J", "printed J (A rounded to 2 decimals)", "exact − printed"),
        horizontal_spacing=0.08,
    )
    lim = max(float(np.abs(diff).max()), 1e-12)
    for col, (z, zmax, scale) in enumerate(
        ((exact, J_RANGE, DIVERGING), (printed, J_RANGE, DIVERGING), (diff, lim, "PuOr")), start=1
    ):
        fig.add_heatmap(
            z=z,
            x=labels,
            y=labels,
            zmin=-zmax,
            zmax=zmax,
            colorscale=scale,
            text=np.vectorize(lambda v: f"{v:.4g}")(z),
            texttemplate="%{text}",
            showscale=col == 3,
            row=1,
            col=col,
        )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    fig.update_layout(height=330)
    return compact(fig)


def shrink_figure(temperatures, frobenius, max_diag, current):
    """‖J‖_F and max a(1 − a) against temperature (log axis), with the current T marked."""
    fig = go.Figure()
    fig.add_scatter(x=temperatures, y=frobenius, name="‖J‖_F", line={"color": COLORS[0]})
    fig.add_scatter(x=temperatures, y=max_diag, name="max a(1−a)", line={"color": COLORS[1]})
    fig.add_vline(x=current, line_dash="dot", annotation_text=f"T = {current:g}")
    fig.add_hline(y=0.25, line_dash="dash", line_color="grey", annotation_text="1/4")
    fig.update_xaxes(type="log", title="temperature T")
    fig.update_yaxes(title="size of J")
    fig.update_layout(height=320)
    return compact(fig)


def dLdZ_figure(names, methods):
    """Grouped bars of dLdZ (C,) for one row, one bar group per method."""
    return grouped_bars(names, methods, "dL/dz", height=300)


def cost_growth_figure(classes, seconds):
    """Seconds per backward call against C on log-log axes, one line per method."""
    fig = go.Figure()
    for i, (name, t) in enumerate(seconds.items()):
        fig.add_scatter(
            x=list(classes), y=t * 1e3, name=name, mode="lines+markers", line={"color": COLORS[i]}
        )
    fig.update_xaxes(type="log", title="classes C")
    fig.update_yaxes(type="log", title="ms per call")
    fig.update_layout(height=300)
    return compact(fig)
