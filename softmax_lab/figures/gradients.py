"""Figures of the Gradients page: per-class gradients, the logit sweep, a descent run."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from softmax_lab.figures.style import COLORS, compact, grouped_bars, plain, plain_all


def gradient_bars(names, grads):
    """dL/dz per class (C,) for each pair, as grouped bars."""
    return grouped_bars(names, grads, "dL/dz", height=340)


def sweep_figure(values, sweep, titles, class_name, saturated):
    """Loss and dL/dz_k against z_k for every pair, sharing the x axis.

    ``saturated`` maps pair key -> list of (start, end) intervals, drawn as shaded
    bands (named ``saturated: <key>``) on the gradient panel.
    """
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("loss", f"dL/dz_k for k = {plain(class_name)}"),
    )
    for i, (key, out) in enumerate(sweep.items()):
        color = COLORS[i]
        fig.add_scatter(
            x=values,
            y=out["loss"],
            name=titles[key],
            line={"color": color},
            legendgroup=key,
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=values,
            y=out["grad"],
            name=titles[key],
            line={"color": color},
            legendgroup=key,
            showlegend=False,
            row=2,
            col=1,
        )
        for start, end in saturated.get(key, []):
            fig.add_vrect(
                x0=start,
                x1=end,
                fillcolor=color,
                opacity=0.12,
                line_width=0,
                name=f"saturated: {key}",
                row=2,
                col=1,
            )
    fig.update_xaxes(title="z_k", row=2, col=1)
    fig.update_layout(height=560)
    return compact(fig)


def descent_figure(names, outputs):
    """Each class's output (steps + 1, C) while gradient descent runs."""
    fig = go.Figure()
    for j, name in enumerate(plain_all(names)):
        fig.add_scatter(
            y=outputs[:, j], name=name, mode="lines", line={"color": COLORS[j % len(COLORS)]}
        )
    fig.update_layout(
        height=300, xaxis_title="gradient step", yaxis_title="σ(z)", yaxis_range=[0, 1.05]
    )
    return compact(fig)
