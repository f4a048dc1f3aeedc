"""Bar charts of one row under softmax and the mappings it is compared with."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from softmax_lab.figures.style import COLORS, compact, plain_all


def mappings_figure(class_names, mappings):
    """One bar chart per mapping of the same row, in a 2 × 2 grid sharing the class axis.

    Parameters
    ----------
    class_names : sequence of str, length C
    mappings : dict of str to ndarray (C,)
        Title to values. NaN values (a mapping undefined for this row) draw no bar,
        and the subplot title says so.
    """
    titles = [
        t + (" (undefined for this row)" if np.isnan(v).all() else "") for t, v in mappings.items()
    ]
    fig = make_subplots(
        rows=2, cols=2, subplot_titles=titles, shared_xaxes=True, vertical_spacing=0.14
    )
    show_text = len(class_names) <= 12
    for i, (title, values) in enumerate(mappings.items()):
        fig.add_bar(
            x=plain_all(class_names),
            y=np.nan_to_num(values, nan=0.0),
            name=title,
            marker_color=COLORS[i],
            text=[f"{v:.3g}" for v in values] if show_text else None,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.6g}<extra>" + title + "</extra>",
            row=i // 2 + 1,
            col=i % 2 + 1,
        )
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False, height=520)
    return compact(fig)


def naive_vs_stable_figure(class_names, naive, stable, dtype_name):
    """Naive ``exp(z)/Σexp(z)`` next to the stable softmax for one row (C,).

    Entries where the naive formula gives inf or NaN are drawn as red markers at 0.
    """
    fig = go.Figure()
    names = plain_all(class_names)
    finite = np.isfinite(naive)
    fig.add_bar(x=names, y=np.where(finite, naive, 0.0), name=f"naive ({dtype_name})")
    fig.add_bar(x=names, y=stable, name=f"stable ({dtype_name})")
    bad = ~finite
    if bad.any():
        fig.add_scatter(
            x=[n for n, b in zip(names, bad, strict=True) if b],
            y=np.zeros(bad.sum()),
            mode="markers+text",
            text=[str(v) for v in naive[bad]],
            textposition="top center",
            marker={"color": "crimson", "size": 12, "symbol": "x"},
            name="naive gives inf/NaN",
        )
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group", height=320, yaxis_title="probability")
    return compact(fig)
