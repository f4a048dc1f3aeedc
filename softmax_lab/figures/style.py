"""Shared look for every figure: a colour cycle, a diverging scale and compact margins."""

COLORS = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D")
DIVERGING = "RdBu_r"  # centred at 0 by setting zmid=0 or a symmetric zmin/zmax


def compact(fig):
    """Tighten margins and font so several figures fit a page; returns ``fig``."""
    fig.update_layout(
        margin={"l": 40, "r": 20, "t": 40, "b": 40},
        font={"size": 12},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def plain(text):
    """User text for a Plotly label, shown literally: Plotly reads a subset of HTML
    (``<b>``, ``<a href>``, …) in labels, so ``&``, ``<`` and ``>`` become entities.

    Examples
    --------
    >>> plain("<b>cat</b> & dog")
    '&lt;b&gt;cat&lt;/b&gt; &amp; dog'
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_all(names):
    """``plain`` for every name in a sequence; returns a list."""
    return [plain(n) for n in names]


def grouped_bars(names, series, y_title, height=320):
    """Grouped bars over the classes: one bar group per class, one colour per series.

    ``series`` maps a legend label to values (C,).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = plain_all(names)
    for i, (label, values) in enumerate(series.items()):
        fig.add_bar(x=labels, y=values, name=label, marker_color=COLORS[i % len(COLORS)])
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group", height=height, yaxis_title=y_title)
    return compact(fig)
