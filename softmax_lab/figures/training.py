"""Figures of the Training page: decision regions, curves and the confusion matrix.

Each figure's frame (layout, trace styles, no data) is built with ``go.Figure``, so
Plotly checks it, once per process for each set of runs, classes and titles (building
one, ``make_subplots`` above all, takes tens of milliseconds). A builder copies its
frame as a plain dict, the form ``ui.charts.show`` draws, and fills in the data; the
``refresh_*`` functions put new data into that dict on every live tick.
"""

import copy
import functools

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from softmax_lab.figures.style import COLORS, compact, plain, plain_all


def _shade(class_index, confidence):
    """One colour band per class, lighter where the model is less sure."""
    return class_index + 0.999 * (confidence - confidence.min()) / max(np.ptp(confidence), 1e-12)


def decision_figure(xs, ys, class_index, confidence, X, y, title=""):
    """Regions coloured by predicted class and shaded by confidence, points on top.

    ``xs`` (G,) and ``ys`` (H,) span the grid, ``class_index`` and ``confidence``
    (H, G) are the model's predicted class and its probability there (``decision_grid``);
    ``X`` (N, 2) and ``y`` (N,) are the points and their classes."""
    n_classes = int(max(class_index.max(), y.max())) + 1
    spec = copy.deepcopy(_decision_frame(n_classes, title))
    for k, trace in enumerate(spec["data"][1:]):
        pts = X[y == k]
        trace.update(x=pts[:, 0], y=pts[:, 1])
    return refresh_decision(spec, xs, ys, class_index, confidence)


@functools.lru_cache(maxsize=64)
def _decision_frame(n_classes, title):
    scale = []
    for k in range(n_classes):
        lo, hi = k / n_classes, (k + 1) / n_classes
        top = 1.0 if k == n_classes - 1 else hi - 1e-6
        scale += [[lo, _tint(COLORS[k], 0.85)], [top, _tint(COLORS[k], 0.35)]]
    heatmap = go.Heatmap(
        zmin=0, zmax=n_classes, colorscale=scale, showscale=False, hoverinfo="skip"
    )
    fig = go.Figure(heatmap)
    for k in range(n_classes):
        fig.add_scatter(
            mode="markers",
            name=f"class {k}",
            marker={"color": COLORS[k], "size": 5, "line": {"width": 0.5, "color": "white"}},
        )
    fig.update_layout(title=title, height=380, xaxis_title="x1", yaxis_title="x2")
    return _spec(compact(fig))


def _tint(hex_color, amount):
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    mixed = rgb + (255 - rgb) * amount
    return "rgb({:.0f},{:.0f},{:.0f})".format(*mixed)


CURVE_POINTS = 400  # per trace: a 600-pixel panel shows no more, and the browser draws less


def _thinned(history, max_points=CURVE_POINTS):
    """Every k-th row of a history (always keeping the last), at most ``max_points`` rows."""
    n = len(history["step"])
    if n <= max_points:
        return history
    keep = np.unique(np.append(np.arange(0, n, -(-n // max_points))[: max_points - 1], n - 1))
    return {name: values[keep] for name, values in history.items()}


# (panel title, ((metric, dash), ...)). The live panels redraw on every tick of a live
# run; the others change slowly and redraw with the regions, so each tick stays light.
# Accuracy is comparable across losses, so both runs share its axis; a loss is not
# (softmax + CE and softmax + MSE measure different things), so with two runs each
# run's loss gets a panel of its own (``LOSS`` is split per run).
LOSS = "loss"
LIVE_PANELS = (
    ("train accuracy", (("train_acc", None),)),
    (LOSS, (("loss", None),)),
)
SLOW_PANELS = (
    ("test accuracy", (("test_acc", None),)),
    ("‖gradient‖", (("grad_norm", None),)),
    (
        "top p, entropy",
        (("mean_top_prob", None), ("mean_entropy", "dot")),
    ),
)
CURVE_PANELS = LIVE_PANELS + SLOW_PANELS


def _curve(h, metric):
    """A history column as drawn: the gradient norm on a log axis, so never below 1e-300."""
    return np.maximum(h[metric], 1e-300) if metric == "grad_norm" else h[metric]


def panel_layout(labels, panels=CURVE_PANELS):
    """[(title, metrics, run labels drawn)] with the loss panel split per run.

    Examples
    --------
    >>> [(t, runs) for t, _, runs in panel_layout(["A", "B"], LIVE_PANELS)]
    [('train accuracy', ['A', 'B']), ('loss of A', ['A']), ('loss of B', ['B'])]
    """
    labels = list(labels)
    out = []
    for title, metrics in panels:
        if title == LOSS and len(labels) > 1:
            # "loss of A": the run's full label is in the legend; a short title fits a phone.
            out += [(f"loss of {plain(label.split(':')[0])}", metrics, [label]) for label in labels]
        else:
            out.append((title, metrics, labels))
    return out


def curves_figure(histories, panels=CURVE_PANELS):
    """Metrics against step in one row of panels, for one or two runs.

    ``histories`` maps a run's label to its ``Trainer.history_arrays()``; each is
    drawn with at most ``CURVE_POINTS`` points (every k-th row and the last). Runs
    share the accuracy axes; each run's loss has its own panel and axis. Trace order:
    panel by panel, then run by run, then metric by metric.
    """
    spec = copy.deepcopy(_curves_frame(tuple(histories), panels))
    return refresh_curves(spec, histories, panels)


@functools.lru_cache(maxsize=64)
def _curves_frame(labels, panels):
    layout = panel_layout(labels, panels)
    colors = {label: COLORS[i] for i, label in enumerate(labels)}
    fig = make_subplots(rows=1, cols=len(layout), subplot_titles=[t for t, _, _ in layout])
    shown = set()
    for col, (_, metrics, runs) in enumerate(layout, start=1):
        for label in runs:
            for _, dash in metrics:
                fig.add_scatter(
                    name=plain(label),
                    line={"color": colors[label], "dash": dash},
                    legendgroup=label,
                    showlegend=label not in shown and dash is None,
                    row=1,
                    col=col,
                )
                if dash is None:
                    shown.add(label)
        if any(metric == "grad_norm" for metric, _ in metrics):
            fig.update_yaxes(type="log", dtick=1, exponentformat="power", row=1, col=col)
        if any(metric.endswith("_acc") for metric, _ in metrics):
            fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=col)
    fig.update_xaxes(title="step")
    fig.update_layout(height=300)
    compact(fig)
    fig.update_layout(legend={"y": -0.3})  # below the axes' "step" titles
    return _spec(fig)


def confusion_figure(cm, names):
    """Counts (C, C): true class down, predicted class across."""
    return refresh_confusion(copy.deepcopy(_confusion_frame(tuple(names))), cm)


@functools.lru_cache(maxsize=64)
def _confusion_frame(names):
    labels = plain_all(names)
    heatmap = go.Heatmap(
        x=labels, y=labels, colorscale="Blues", texttemplate="%{text}", showscale=False
    )
    fig = go.Figure(heatmap)
    fig.update_xaxes(type="category", title="predicted")
    fig.update_yaxes(type="category", title="true", autorange="reversed")
    fig.update_layout(height=300)
    return _spec(compact(fig))


def _spec(fig):
    """``fig`` as the plain dict that ``ui.charts.show`` draws (the lab's template is
    added there). The cached frames are copied before use: nothing changes them."""
    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)
    return spec


# Live updates: a figure is built once per run, then only its data change.


def refresh_decision(spec, xs, ys, class_index, confidence):
    """Put new regions into a ``decision_figure``; returns ``spec``."""
    spec["data"][0].update(x=xs, y=ys, z=_shade(class_index, confidence))
    return spec


def refresh_curves(spec, histories, panels=CURVE_PANELS):
    """Put new histories into a ``curves_figure`` built for the same runs; returns
    ``spec``."""
    traces = iter(spec["data"])
    thinned = {label: _thinned(h) for label, h in histories.items()}
    for _, metrics, runs in panel_layout(histories, panels):
        for label in runs:
            h = thinned[label]
            for metric, _ in metrics:
                next(traces).update(x=h["step"], y=_curve(h, metric))
    return spec


def refresh_confusion(spec, cm):
    """Put new counts into a ``confusion_figure``; returns ``spec``."""
    spec["data"][0].update(z=cm, text=cm)
    return spec
