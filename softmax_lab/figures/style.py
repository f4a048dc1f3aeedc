"""Shared look for every figure: a colour cycle, a diverging scale, compact margins and
the lab's own small Plotly template."""

import plotly.graph_objects as go

COLORS = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D")
DIVERGING = "RdBu_r"  # centred at 0 by setting zmid=0 or a symmetric zmin/zmax

_TEXT, _GRID = "#31333F", "#E6EAF1"  # Streamlit's light theme: body text and chart grid
_FONT = '"Source Sans", "Source Sans Pro", sans-serif'

# Shown with ``st.plotly_chart(..., theme=None)``. Streamlit's chart theme is applied in
# the browser on every redraw (the figure is serialised, 40 colour placeholders are
# swapped and a 3.7 kB template is merged in): 15-20 ms per changed chart on a bare
# page. This template is close to Streamlit's light look in about 0.6 kB.
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": _FONT, "size": 12, "color": _TEXT},
        "title": {"font": {"size": 15}, "x": 0, "xanchor": "left"},
        "colorway": COLORS,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"bgcolor": "white", "bordercolor": _GRID, "font": {"family": _FONT}},
        "xaxis": {
            "gridcolor": _GRID,
            "zerolinecolor": _GRID,
            "linecolor": _GRID,
            "automargin": True,
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {
            "gridcolor": _GRID,
            "zerolinecolor": _GRID,
            "linecolor": _GRID,
            "automargin": True,
        },
    }
)


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
