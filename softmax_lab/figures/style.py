"""Shared look for every figure: a colour cycle, a diverging scale, compact margins and
the lab's own small Plotly template; ``figure``, the plain figure the builders return."""

import base64
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import ColorscaleValidator
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec


def colorscale(name):
    """A named Plotly colour scale as the list of [position, colour] that ``go.Figure``
    sends: plotly.js knows few names and no reversed ones (``_r``).

    Examples
    --------
    >>> colorscale("RdBu_r")[0]
    [0.0, 'rgb(5,48,97)']
    """
    return ColorscaleValidator("colorscale", "heatmap").validate_coerce(name)


COLORS = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#9D755D")
DIVERGING = colorscale("RdBu_r")  # centred at 0 by setting zmid=0 or a symmetric zmin/zmax

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


# -- figures as plain dicts, checked by Plotly once per shape ---------------------------
# Free text: any string is valid here, so its value is left out of a figure's shape.
_FREE_TEXT = frozenset({"text", "name", "hovertemplate", "texttemplate", "legendgroup"})
_MAX_SHAPES = 1024  # shapes remembered per process (titles with class names vary them)
_checked_shapes: set = set()
_NESTED = (dict, list, tuple, np.ndarray)  # in a list, what is more than a number or a string


def _shape(value, free_text=False):
    """What Plotly's validation depends on in ``value``: its keys, types and option
    strings, without the data (numbers, arrays, labels) or free text.

    Examples
    --------
    >>> _shape({"type": "bar", "x": ["a", "b"], "y": [0.5, 1.5], "name": "a"})
    (('name', 'str'), ('type', 'bar'), ('x', ('list', ('str',))), ('y', ('list', ('float',))))
    """
    if isinstance(value, dict):
        return tuple((k, _shape(v, k in _FREE_TEXT)) for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            return tuple(_shape(v) for v in value)  # traces, shapes, annotations
        kinds = {_shape(v, True) if isinstance(v, _NESTED) else type(v).__name__ for v in value}
        return ("list", tuple(sorted(kinds, key=repr)))  # data
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.ndim)
    if isinstance(value, str) and not free_text:
        return value
    return type(value).__name__


def figure(data, layout):
    """The figure ``{"data": data, "layout": layout}`` as a plain dict, what
    ``ui.charts.show`` draws.

    Building a ``go.Figure`` validates every property on every rerun (several ms for a
    four-panel figure); this checks a figure with ``go.Figure`` only the first time its
    shape (``_shape``: keys, types and option strings) is seen in the process, so a
    misspelt property, a wrong type or an unknown option still raises, on the first draw.
    So does a figure that ``go.Figure`` would send differently (a colour scale by name, a
    property set to None): drawn from the dict, it would not look the same.

    Parameters
    ----------
    data : list of dict
        Traces, each with its ``type``.
    layout : dict
    """
    spec = {"data": data, "layout": layout}
    shape = _shape(spec)
    if shape not in _checked_shapes:
        validated = go.Figure(spec).to_plotly_json()  # raises on an invalid property or value
        validated["layout"].pop("template", None)  # Plotly's default; ui.charts sets the lab's
        if _decoded(validated) != _decoded(to_plotly_json(spec)):
            raise ValueError(
                "go.Figure changes this figure when it validates it (a colour scale given "
                "by name, a property set to None, ...): write it as go.Figure sends it"
            )
        if len(_checked_shapes) >= _MAX_SHAPES:
            _checked_shapes.clear()
        _checked_shapes.add(shape)
    return spec


# The dtypes plotly.js reads from base64 (Plotly's plotlyjsShortTypes, less int64/uint64,
# which Plotly first narrows to the smallest integer type that holds the values).
_TYPED = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4"}
_TYPED |= {"uint32": "u4", "float32": "f4", "float64": "f8"}


def _typed_array(array):
    """``to_typed_array_spec(array)`` for a NumPy array, the common dtypes encoded here."""
    name = _TYPED.get(str(array.dtype))  # str: a byte-swapped array is not "float64"
    if name is None or array.size == 0:
        return to_typed_array_spec(array)
    typed = {"dtype": name, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        typed["shape"] = str(array.shape)[1:-1]
    return typed


def _decoded(spec):
    """A figure's JSON read back: what the browser receives, whatever the key order."""
    return json.loads(pio.to_json(spec, validate=False))


def to_plotly_json(spec):
    """A plain figure (``figure``) as ``go.Figure.to_plotly_json`` gives it: every array
    in Plotly's typed form (``{"dtype", "bdata"}``), in new dicts and lists.

    ``to_plotly_json`` deep-copies the figure (its arrays too) and then converts the copy
    in place; this copies only the dicts and lists, and leaves ``spec`` as it was.
    A float or 8- to 32-bit integer NumPy array is encoded here (``_typed_array``),
    without the round trip through narwhals Plotly makes for each array.

    Examples
    --------
    >>> to_plotly_json({"data": [{"type": "bar", "y": np.array([1.0])}], "layout": {}})
    {'data': [{'type': 'bar', 'y': {'dtype': 'f8', 'bdata': 'AAAAAAAA8D8='}}], 'layout': {}}
    """
    if isinstance(spec, dict):
        return {
            key: value
            if is_skipped_key(key)  # as Plotly's convert_to_base64: e.g. an axis range
            else _typed_array(value)
            if type(value) is np.ndarray
            else to_typed_array_spec(value)
            if is_homogeneous_array(value)
            else to_plotly_json(value)
            for key, value in spec.items()
        }
    if isinstance(spec, list | tuple):
        return [to_plotly_json(v) if isinstance(v, _NESTED) else v for v in spec]
    return spec


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
