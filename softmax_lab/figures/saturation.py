"""Figures of the Saturation page: sweeps on log axes, precision limits, attention.

Plain dicts (``style.figure``), like ``softmax_lab.figures.gradients``.
"""

import numpy as np

from softmax_lab.figures.gradients import BASE_LAYOUT, axis_name, line, subplot_layout
from softmax_lab.figures.style import COLORS, figure

FLOOR = 1e-300  # gradient norms below this are drawn at it (a log axis has no 0)
GRAD_AXIS_DECADES = (-25, 1)  # the gradient-norm panel shows 1e-25 … 10; smaller drop off it


def _hline(n, y, label):
    """A dashed horizontal reference line across subplot n, and its label."""
    sx = axis_name(n)
    shape = {
        "type": "line",
        "xref": f"x{sx} domain",
        "yref": f"y{sx}",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"dash": "dash", "color": "grey", "width": 1},
        "name": f"limit: {label}",
    }
    note = {
        "text": label,
        "xref": f"x{sx} domain",
        "yref": f"y{sx}",
        "x": 1,
        "y": y,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 10, "color": "grey"},
    }
    return shape, note


def _vline(n, x):
    sx = axis_name(n)
    return {
        "type": "line",
        "xref": f"x{sx}",
        "yref": f"y{sx} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"dash": "dot", "color": "grey", "width": 1},
        "name": "current",
    }


def readout_figure(x, readouts, titles, x_title, current=None, limits=None, grad_name="‖dL/dz‖"):
    """2 × 2 panels against x (log axis): gradient norm per pair, ‖J‖_F, entropy, top p.

    ``grad_name`` names the gradient plotted (‖dL/du‖ for the input softmax sees,
    ‖dL/dz‖ for the raw logits).

    ``limits`` may give horizontal reference lines: {"top": [(y, label)], "entropy": [...]},
    drawn as layout shapes named ``limit: <label>``; ``current`` a dotted vertical line.
    """
    layout = subplot_layout(
        2,
        2,
        (
            f"{grad_name} per loss pair",
            "‖J‖_F of softmax",
            "entropy (nats)",
            "top probability",
        ),
        hspace=0.1,
        vspace=0.26,  # room for an axis title above the next row's panel titles on a phone
    )
    data = [
        line(x, np.maximum(readouts[f"grad:{key}"], FLOOR), title, COLORS[i % len(COLORS)])
        for i, (key, title) in enumerate(titles.items())
    ]
    for name, n in (("jacobian_norm", 2), ("entropy", 3), ("top_prob", 4)):
        data.append(line(x, readouts[name], name, "black", n=n, showlegend=False))
    shapes, notes = [], []
    for key, n in (("entropy", 3), ("top", 4)):
        for y, label in (limits or {}).get(key, []):
            shape, note = _hline(n, y, label)
            shapes.append(shape)
            notes.append(note)
    if current is not None:
        shapes += [_vline(n, current) for n in (1, 2, 3, 4)]
    for n in (1, 2, 3, 4):
        layout[f"xaxis{axis_name(n)}"].update(type="log", title={"text": x_title})
    layout["yaxis"].update(type="log", exponentformat="power", range=list(GRAD_AXIS_DECADES))
    layout["annotations"] += notes
    layout.update(shapes=shapes, height=640)
    return figure(data, layout)


def gap_figure(gaps, by_dtype, eps):
    """log p and cross-entropy of the small class of [0, −g] against the gap g per dtype."""
    layout = subplot_layout(
        1,
        2,
        (
            "log p: log of p (dotted) vs log_softmax",
            f"CE: −log(p + {eps:g}) (dotted) vs −log_softmax",
        ),
        hspace=0.08,
    )
    data = []
    for i, (name, out) in enumerate(by_dtype.items()):
        c = COLORS[i % len(COLORS)]
        data += [
            line(gaps, np.maximum(out["log_of_p"], -1e4), f"{name}: log(p)", c, 1, "dot"),
            line(gaps, out["log_softmax"], f"{name}: log_softmax", c, 1),
            line(gaps, out["ce_eps"], f"{name}: −log(p+eps)", c, 2, "dot", showlegend=False),
            line(gaps, out["ce_log_softmax"], f"{name}: −log_softmax", c, 2, showlegend=False),
        ]
    for n in (1, 2):
        layout[f"xaxis{axis_name(n)}"]["title"] = {"text": "gap max z − z_k"}
    layout["yaxis"]["range"] = [-900, 5]
    layout["height"] = 400
    return figure(data, layout)


def attention_bars(scaled, unscaled):
    """Attention weights over n keys with and without the 1/√d (sorted when n > 64)."""
    n = scaled.size
    if n > 64:
        scaled, unscaled = np.sort(scaled)[::-1], np.sort(unscaled)[::-1]
    x = np.arange(n)
    data = [
        {
            "type": "bar",
            "x": x,
            "y": unscaled,
            "name": "softmax(qKᵀ)",
            "marker": {"color": COLORS[3]},
        },
        {
            "type": "bar",
            "x": x,
            "y": scaled,
            "name": "softmax(qKᵀ/√d)",
            "marker": {"color": COLORS[0]},
        },
    ]
    layout = dict(BASE_LAYOUT)
    layout.update(
        barmode="group",
        height=300,
        xaxis={"title": {"text": "key" + (" (sorted)" if n > 64 else "")}},
        yaxis={"title": {"text": "weight"}},
    )
    return figure(data, layout)


def attention_sweep_figure(dims, sweep, current_d):
    """Top weight, entropy and ‖J‖_F against d, with and without the scale."""
    layout = subplot_layout(1, 3, ("top weight", "entropy (nats)", "‖J‖_F"), hspace=0.07)
    data = []
    for label, color in (("scaled", COLORS[0]), ("unscaled", COLORS[3])):
        for n, name in enumerate(("top_weight", "entropy", "jacobian_norm"), start=1):
            data.append(line(dims, sweep[label][name], label, color, n=n, showlegend=n == 1))
    for n in (1, 2, 3):
        layout[f"xaxis{axis_name(n)}"].update(type="log", title={"text": "d"})
    layout.update(shapes=[_vline(n, current_d) for n in (1, 2, 3)], height=330)
    return figure(data, layout)
