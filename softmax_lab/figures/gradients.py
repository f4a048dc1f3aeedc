"""Figures of the Gradients page: per-class gradients, the logit sweep, a descent run.

The figures are plain dicts (``style.figure``), checked by ``go.Figure`` the first time
each shape is drawn rather than built through it on every rerun; adding traces one by one
through ``make_subplots`` is an order of magnitude slower still. They set no Plotly
template (validating ``plotly_white`` costs about 0.1 s per figure); ``ui.charts.show``
attaches the lab's prebuilt ``style.TEMPLATE`` when it draws them.
"""

import re

import numpy as np

from softmax_lab.activations import log_sigmoid, log_softmax, sigmoid, softmax
from softmax_lab.figures.style import COLORS, DIVERGING, figure, plain, plain_all

BASE_LAYOUT = {
    "margin": {"l": 40, "r": 20, "t": 40, "b": 40},
    "font": {"size": 12},
    "legend": {"orientation": "h", "y": -0.2},
}


def axis_name(i):
    """Plotly's suffix for subplot i (1-based): "" for the first, then "2", "3", …"""
    return "" if i == 1 else str(i)


def subplot_layout(rows, cols, titles, hspace=0.08, vspace=0.12, shared_x=False):
    """Layout dict for a rows × cols grid of axes with a title above each (row-major).

    A light stand-in for ``make_subplots``; trace i of subplot n uses
    ``xaxis="x{n}"``, ``yaxis="y{n}"`` (no suffix for n = 1).
    """
    width = (1 - hspace * (cols - 1)) / cols
    height = (1 - vspace * (rows - 1)) / rows
    layout = dict(BASE_LAYOUT)
    annotations = []
    for r in range(rows):
        for c in range(cols):
            n = r * cols + c + 1
            sx = axis_name(n)
            x0, top = c * (width + hspace), 1 - r * (height + vspace)
            xd = [max(0.0, round(x0, 6)), min(1.0, round(x0 + width, 6))]
            yd = [max(0.0, round(top - height, 6)), min(1.0, round(top, 6))]
            layout[f"xaxis{sx}"] = {"domain": xd, "anchor": f"y{sx}"}
            layout[f"yaxis{sx}"] = {"domain": yd, "anchor": f"x{sx}"}
            if shared_x and r < rows - 1:
                below = axis_name(n + cols * (rows - 1 - r))
                layout[f"xaxis{sx}"].update(matches=f"x{below}", showticklabels=False)
            annotations.append(
                {
                    "text": titles[n - 1],
                    "x": x0 + width / 2,
                    "y": top,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 13},
                }
            )
    layout["annotations"] = annotations
    return layout


def line(x, y, name, color, n=1, dash="solid", showlegend=True, group=None, mode="lines"):
    """A scatter trace dict on subplot n."""
    sx = axis_name(n)
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": mode,
        "line": {"color": color, "dash": dash},
        "legendgroup": group or name,
        "showlegend": showlegend,
        "xaxis": f"x{sx}",
        "yaxis": f"y{sx}",
    }


def bars(names, series, y_title, height=320, hovertemplate=None, **layout_extra):
    """Grouped bars over the classes (C,) for each series: label -> values (C,).

    ``hovertemplate`` (if given) formats every bar's hover; ``layout_extra`` entries
    replace those of the layout (e.g. ``legend=...``).
    """
    labels = plain_all(names)
    data = [
        {
            "type": "bar",
            "x": labels,
            "y": np.asarray(values, dtype=np.float64),
            "name": label,
            "marker": {"color": COLORS[i % len(COLORS)]},
        }
        for i, (label, values) in enumerate(series.items())
    ]
    if hovertemplate is not None:
        for trace in data:
            trace["hovertemplate"] = hovertemplate
    layout = dict(BASE_LAYOUT)
    layout.update(
        barmode="group",
        height=height,
        yaxis={"title": {"text": y_title}},
        xaxis={"type": "category"},
    )
    layout.update(layout_extra)
    return figure(data, layout)


def gradient_bars(names, grads):
    """dL/dz per class (C,) for each pair, as grouped bars."""
    return bars(names, grads, "dL/du", height=340)


def sweep_figure(values, sweep, titles, class_name, saturated):
    """Loss and dL/du_k against u_k for every pair, sharing the x axis.

    ``saturated`` maps pair key -> list of (start, end) intervals, drawn as shaded
    bands (layout shapes named ``saturated: <key>``) on the gradient panel.
    """
    layout = subplot_layout(
        2, 1, ("loss", f"dL/du_k for k = {plain(class_name)}"), vspace=0.1, shared_x=True
    )
    data, shapes = [], []
    for i, (key, out) in enumerate(sweep.items()):
        color = COLORS[i % len(COLORS)]
        data.append(line(values, out["loss"], titles[key], color, n=1, group=key))
        data.append(line(values, out["grad"], titles[key], color, n=2, group=key, showlegend=False))
        shapes += [
            {
                "type": "rect",
                "xref": "x2",
                "yref": "y2 domain",
                "x0": start,
                "x1": end,
                "y0": 0,
                "y1": 1,
                "fillcolor": color,
                "opacity": 0.15,
                "line": {"width": 0},
                "layer": "below",
                "name": f"saturated: {key}",
            }
            for start, end in saturated.get(key, [])
        ]
    layout["xaxis2"]["title"] = {"text": "u_k = z_k / T"}
    layout.update(height=560, shapes=shapes)
    return figure(data, layout)


def descent_figure(names, shared, direct, labels):
    """One row's outputs during gradient descent: through shared parameters and on z.

    ``shared`` and ``direct`` are (steps + 1, C) outputs; ``labels`` (C,) draws the
    labelled classes solid and the others dashed.
    """
    layout = subplot_layout(
        1, 2, ("through a shared bias and offset: z + b + β", "directly on z"), hspace=0.06
    )
    data = []
    for n, outputs in ((1, shared), (2, direct)):
        for j, name in enumerate(plain_all(names)):
            data.append(
                line(
                    np.arange(outputs.shape[0]),
                    outputs[:, j],
                    f"{name} (y = {labels[j]:g})",
                    COLORS[j % len(COLORS)],
                    n=n,
                    dash="solid" if labels[j] > 0 else "dash",
                    showlegend=n == 1,
                    group=name,
                )
            )
    for n in (1, 2):
        sx = axis_name(n)
        layout[f"xaxis{sx}"]["title"] = {"text": "gradient step"}
        layout[f"yaxis{sx}"]["range"] = [0, 1.05]
    layout["yaxis"]["title"] = {"text": "σ(u)"}
    layout["height"] = 340
    return figure(data, layout)


def batch_heatmaps(names, grads, colorbar_title="dL/dZ"):
    """A gradient (N, C) of the batch-mean loss for several pairs, side by side in one figure.

    ``grads`` maps a panel title to its (N, C) gradient. The panels share one colour
    scale centred at 0 (a single coloraxis), so their sizes compare directly; one figure
    instead of one per pair keeps the page's redraw light.
    """
    panels = list(grads.items())
    n, c = panels[0][1].shape
    bound = max(float(np.abs(g).max()) for _, g in panels) or 1.0
    layout = subplot_layout(1, len(panels), [t for t, _ in panels], hspace=0.06)
    data = []
    for i, (_, grad) in enumerate(panels, start=1):
        sx = axis_name(i)
        trace = {
            "type": "heatmap",
            "z": grad,
            "x": plain_all(names),
            "y": [f"row {r + 1}" for r in range(n)],
            "coloraxis": "coloraxis",
            "xaxis": f"x{sx}",
            "yaxis": f"y{sx}",
        }
        if n * c <= 60:
            trace["texttemplate"] = "%{z:.3f}"
        data.append(trace)
        layout[f"xaxis{sx}"]["type"] = "category"
        layout[f"yaxis{sx}"]["autorange"] = "reversed"
        if i > 1:
            layout[f"yaxis{sx}"]["showticklabels"] = False
    layout.update(
        height=150 + 28 * n,
        coloraxis={
            "colorscale": DIVERGING,
            "cmin": -bound,
            "cmax": bound,
            "colorbar": {"title": {"text": colorbar_title}},
        },
    )
    return figure(data, layout)


def _n(x):
    x = 0.0 if x == 0 else x  # −0 is shown as 0
    return f"{x:.4g}".replace("e+", "e").replace("e-0", "e-").replace("inf", r"\infty")


def _paren(x):
    """A number, in parentheses when negative (it follows a product sign)."""
    return f"({_n(x)})" if x < 0 else _n(x)


def general_latex(pair):
    """The pair's loss and gradient formulas written in u, the logits it is fed (u = z / T)."""
    return (pair.formula + r"\qquad " + pair.grad_formula).replace("z", "u")


def _name(text):
    return re.sub(r"[^A-Za-z0-9 ]", "", str(text))[:20] or "k"


def pair_latex(key, u, y, k, class_name, max_terms=4):
    """(loss, gradient) LaTeX for one pair with this row's numbers plugged in.

    u (C,) are the logits fed to the pair (z / T), y (C,) the targets, k the class whose
    gradient entry is written out. The last number of each string is the value. Logs
    are taken from ``log_softmax``/``log_sigmoid`` (each term y_j · log a_j shows the
    log's value), so a probability that underflows to 0 never shows as log 0 next to a
    finite loss.
    """
    a, p = sigmoid(u), softmax(u)
    nm = _name(class_name)
    labelled = np.flatnonzero(y != 0)[:max_terms]
    lhs = rf"\frac{{\partial L}}{{\partial u_{{\text{{{nm}}}}}}}"
    more = r" + \cdots" if np.count_nonzero(y) > max_terms else ""
    if key == "softmax_ce":
        logp = log_softmax(u)  # never the log of a rounded a: a may underflow to 0
        terms = " + ".join(rf"{_n(y[j])}\cdot{_paren(logp[j])}" for j in labelled) or "0"
        loss = rf"L = -\sum_j y_j \log a_j = -({terms}{more})"
        grad = (
            lhs + rf" = a_k \textstyle\sum_j y_j - y_k"
            rf" = {_n(p[k])}\cdot {_n(y.sum())} - {_n(y[k])} = {_n(p[k] * y.sum() - y[k])}"
        )
        return loss, grad
    if key == "sigmoid_pos_ce":
        logs = log_sigmoid(u)
        terms = " + ".join(rf"{_n(y[j])}\cdot{_paren(logs[j])}" for j in labelled) or "0"
        loss = rf"L = -\sum_j y_j \log \sigma(u_j) = -({terms}{more})"
        grad = (
            lhs + rf" = -y_k(1 - \sigma(u_k))"
            rf" = -{_n(y[k])}\cdot(1 - {_n(a[k])}) = {_n(-y[k] * (1 - a[k]))}"
        )
        return loss, grad
    if key == "sigmoid_bce":
        loss = r"L = -\sum_j \left[y_j \log \sigma(u_j) + (1 - y_j)\log(1 - \sigma(u_j))\right]"
        grad = (
            lhs + rf" = \sigma(u_k) - y_k"
            rf" = {_n(a[k])} - {_n(y[k])} = {_n(a[k] - y[k])}"
        )
        return loss, grad
    if key == "sigmoid_mse":
        loss = r"L = \sum_j (\sigma(u_j) - y_j)^2"
        grad = (
            lhs + rf" = 2(\sigma_k - y_k)\sigma_k(1 - \sigma_k)"
            rf" = 2({_n(a[k])} - {_n(y[k])})\cdot {_n(a[k])}\cdot {_n(1 - a[k])}"
            rf" = {_n(2 * (a[k] - y[k]) * a[k] * (1 - a[k]))}"
        )
        return loss, grad
    if key == "softmax_mse":
        g = 2 * (p - y)
        loss = r"L = \sum_j (a_j - y_j)^2"
        grad = (
            lhs + rf" = a_k\left(g_k - \textstyle\sum_j a_j g_j\right),"
            rf"\ g = 2(a - y): \quad = {_n(p[k])}\cdot({_n(g[k])} - ({_n(p @ g)}))"
            rf" = {_n(p[k] * (g[k] - p @ g))}"
        )
        return loss, grad
    raise ValueError(f"unknown pair key {key!r}")
