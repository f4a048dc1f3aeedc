"""The Training page's figures show their data: every curve point is a row of the run's
history, the regions' colour bands are the predicted classes, the points sit in their
class's trace, the confusion matrix shows the counts; before and after a refresh, and
each figure is one that ``go.Figure`` accepts as it is."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from softmax_lab.decision_regions import decision_grid
from softmax_lab.figures import training as ft
from softmax_lab.training_run import RunSettings, TrainingRun
from softmax_lab.ui.charts import spec_json
from tests.page_harness import decode_array


def drawn(spec):
    """What the browser is sent, decoded; ``go.Figure`` must accept it unchanged."""
    go.Figure(spec)  # raises on a property Plotly does not know
    fig = json.loads(spec_json(spec))
    for trace in fig["data"]:
        for key in ("x", "y", "z", "text"):
            if key in trace and not isinstance(trace[key], list | str):
                trace[key] = decode_array(trace[key])
    return fig


@pytest.fixture(scope="module")
def states():
    """(histories, grid, counts, X, y, names, trainer) of one run at step 40 and at 300."""
    run = TrainingRun(RunSettings())
    out = []
    for steps in (40, 260):
        run.step(steps)
        histories = {label: t.history_arrays() for label, t in run.trainers.items()}
        trainer = next(iter(run.trainers.values()))
        grid = decision_grid(trainer, run.X, resolution=30)
        out.append((histories, grid, trainer.confusion_matrix(), run.X, run.y, run.names))
    return out


def check_curves(fig, histories, panels):
    traces = iter(fig["data"])
    for _, metrics, runs in ft.panel_layout(histories, panels):
        for label in runs:
            h = histories[label]
            for metric, _ in metrics:
                t = next(traces)
                rows = np.searchsorted(h["step"], t["x"])
                assert np.array_equal(h["step"][rows], t["x"])  # every x is a recorded step
                assert t["x"][0] == h["step"][0] and t["x"][-1] == h["step"][-1]
                assert len(t["x"]) <= ft.CURVE_POINTS
                gold = np.maximum(h[metric], 1e-300) if metric == "grad_norm" else h[metric]
                np.testing.assert_array_equal(t["y"], gold[rows])
    assert next(traces, None) is None


@pytest.mark.parametrize("panels", [ft.LIVE_PANELS, ft.SLOW_PANELS])
def test_curves_show_the_history_before_and_after_a_refresh(states, panels):
    (h0, *_), (h1, *_) = states
    spec = ft.curves_figure(h0, panels)
    check_curves(drawn(spec), h0, panels)
    check_curves(drawn(ft.refresh_curves(spec, h1, panels)), h1, panels)


def check_regions(fig, grid, X, y):
    xs, ys, class_index, _ = grid
    heat, *points = fig["data"]
    np.testing.assert_array_equal(heat["x"], xs)
    np.testing.assert_array_equal(heat["y"], ys)
    z = np.asarray(heat["z"]).reshape(len(ys), len(xs))
    np.testing.assert_array_equal(np.floor(z), class_index)  # band k: predicted class k
    for k, t in enumerate(points):
        assert t["name"] == f"class {k}"
        np.testing.assert_array_equal(np.column_stack([t["x"], t["y"]]), X[y == k])


def test_regions_show_the_predicted_class_and_the_points_before_and_after_a_refresh(states):
    (_, g0, _, X, y, _), (_, g1, *_) = states
    assert not np.array_equal(g0[2], g1[2])  # the regions did change between the steps
    spec = ft.decision_figure(*g0, X, y, title="A")
    check_regions(drawn(spec), g0, X, y)
    check_regions(drawn(ft.refresh_decision(spec, *g1)), g1, X, y)


def test_the_confusion_matrix_shows_the_counts_before_and_after_a_refresh(states):
    (_, _, cm0, _, _, names), (_, _, cm1, *_) = states
    assert not np.array_equal(cm0, cm1)
    spec = ft.confusion_figure(cm0, names)
    check_counts(drawn(spec), cm0, names)
    check_counts(drawn(ft.refresh_confusion(spec, cm1)), cm1, names)


def check_counts(fig, cm, names):
    heat = fig["data"][0]
    np.testing.assert_array_equal(np.asarray(heat["z"]).reshape(cm.shape), cm)
    np.testing.assert_array_equal(np.asarray(heat["text"]).reshape(cm.shape), cm)
    assert heat["x"] == heat["y"] == list(names)


def test_a_figure_built_twice_shares_no_data_with_the_first():
    a = ft.confusion_figure(np.eye(2, dtype=int), ["p", "q"])
    b = ft.confusion_figure(np.ones((2, 2), dtype=int), ["p", "q"])
    assert a["data"][0]["z"] is not b["data"][0]["z"]
    assert a["layout"] is not b["layout"]
    np.testing.assert_array_equal(a["data"][0]["z"], np.eye(2))  # the second left it alone
