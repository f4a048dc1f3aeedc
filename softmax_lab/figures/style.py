"""Shared look for every figure: a colour cycle, a diverging scale, compact margins and
the lab's own small Plotly template."""

import plotly.graph_objects as go

COLORS = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D")
DIVERGING = "RdBu_r"  # centred at 0 by setting zmid=0 or a symmetric zmin/zmax

_TEXT, _GRID = "#31333F", "#E6EAF1"  # Streamlit's light theme: body text and chart grid
_FONT = '"Source Sans", "Source Sans Pro", sans-serif'

# The lab's own look, applied by ``ui.charts.show``. Streamlit's chart theme is applied in
# the browser on every redraw (the figure is serialised, colour placeholders are swapped
# and a larger template is merged in); this template is close to Streamlit's light look
# and much smaller.
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


# -- large display (a projector at the back of a room) ---------------------------------
LARGE_FONT = 18  # px: every chart text at least this size
LARGE_TITLE = 22
LARGE_HEIGHT = 1.15  # figures grow by this factor (a bar chart stays on the first screen at
# 1280x720 with the temperature above it); heatmaps by LARGE_HEATMAP, their cells grow most
LARGE_HEATMAP = 1.6
_DEFAULT_HEIGHT = 450  # Plotly's default when a figure sets none


def _at_least(font, size):
    font = dict(font or {})
    font["size"] = max(size, font.get("size") or 0)
    return font


def large(spec):
    """A figure's JSON (``fig.to_plotly_json()``) for a large display, changed in place and
    returned: every font at least 18 px (titles 22 px) and the figure taller, heatmaps
    most (their cells grow with the height; a colour scale stays readable).

    Examples
    --------
    >>> spec = {"data": [{"type": "heatmap"}], "layout": {"font": {"size": 12}, "height": 300,
    ...         "annotations": [{"text": "a", "font": {"size": 10}}]}}
    >>> out = large(spec)["layout"]
    >>> out["font"]["size"], out["annotations"][0]["font"]["size"], out["height"]
    (18, 18, 480)
    """
    layout = spec.setdefault("layout", {})
    layout["font"] = _at_least(layout.get("font"), LARGE_FONT)
    title = layout.get("title")
    if isinstance(title, dict):
        title["font"] = _at_least(title.get("font"), LARGE_TITLE)
    elif title:
        layout["title"] = {"text": title, "font": {"size": LARGE_TITLE}}
    for annotation in layout.get("annotations") or ():
        annotation["font"] = _at_least(annotation.get("font"), LARGE_FONT)
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            if "tickfont" in axis:
                axis["tickfont"] = _at_least(axis["tickfont"], LARGE_FONT)
            if isinstance(axis.get("title"), dict) and "font" in axis["title"]:
                axis["title"]["font"] = _at_least(axis["title"]["font"], LARGE_FONT)
    if "legend" in layout and "font" in layout["legend"]:
        layout["legend"]["font"] = _at_least(layout["legend"]["font"], LARGE_FONT)
    heatmap = any(t.get("type") == "heatmap" for t in spec.get("data") or ())
    factor = LARGE_HEATMAP if heatmap else LARGE_HEIGHT
    layout["height"] = round((layout.get("height") or _DEFAULT_HEIGHT) * factor)
    for trace in spec.get("data") or ():
        if "textfont" in trace:
            trace["textfont"] = _at_least(trace["textfont"], LARGE_FONT)
    return spec
