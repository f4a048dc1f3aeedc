"""Bar charts of one row under softmax and the mappings it is compared with."""

import numpy as np
import plotly.graph_objects as go

from softmax_lab.figures.gradients import axis_name, subplot_layout
from softmax_lab.figures.style import COLORS, compact, plain_all


def mappings_figure(class_names, mappings):
    """One bar chart per mapping of the same row, in a 2 × 2 grid sharing the class axis.

    Built as a plain dict, validated once by ``go.Figure`` (``make_subplots`` and one
    ``add_bar`` per mapping cost about 30 ms more on every rerun).

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
    layout = subplot_layout(2, 2, titles, hspace=0.1, vspace=0.14, shared_x=True)
    labels = plain_all(class_names)
    show_text = len(class_names) <= 12
    data = []
    for n, (title, values) in enumerate(mappings.items(), start=1):
        sx = axis_name(n)
        data.append(
            {
                "type": "bar",
                "x": labels,
                "y": np.nan_to_num(values, nan=0.0),
                "name": title,
                "marker": {"color": COLORS[n - 1]},
                "text": [f"{v:.3g}" for v in values] if show_text else None,
                "textposition": "outside",
                "cliponaxis": False,
                "hovertemplate": "%{x}: %{y:.6g}<extra>" + title + "</extra>",
                "xaxis": f"x{sx}",
                "yaxis": f"y{sx}",
            }
        )
        layout[f"xaxis{sx}"]["type"] = "category"
        layout[f"yaxis{sx}"]["rangemode"] = "tozero"
    layout.update(showlegend=False, height=520)
    return go.Figure({"data": data, "layout": layout})


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
