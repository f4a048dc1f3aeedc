"""Claims on the Gradients page: every tab on adversarial batches, against values computed here.

The gold values come from SciPy (softmax, log_softmax, expit, log_expit) and closed forms
written out below; nothing is computed by the softmax_lab function that drew the page.
Every pair is fed u = z / T, so what the page plots is dL/du.
"""

import re

import numpy as np
import pytest
from scipy import special

from tests.claims import BATCHES, logits, open_page, targets
from tests.page_harness import decode_array, figure, tables


def _open(batch, section, **state):
    return open_page("gradients", BATCHES[batch], section, **state)


def _row(batch):
    b = BATCHES[batch]
    return logits(b)[0] / b["T"], targets(b)[0]


def _gold_grads(u, y):
    """dL/du of each pair for one row, from the closed forms."""
    a, s = special.softmax(u), special.expit(u)
    g = 2 * (a - y)
    return {
        "softmax + cross-entropy": a * y.sum() - y,
        "sigmoid + binary cross-entropy": s - y,
        "softmax + MSE": a * (g - a @ g),
        "sigmoid + MSE": 2 * (s - y) * s * (1 - s),
        "sigmoid + positive-only CE (the mistake)": -y * (1 - s),
    }


def _gold_losses(u, y):
    logp = special.log_softmax(u)
    a, s = special.softmax(u), special.expit(u)
    pos = np.where(y > 0, y * special.log_expit(u), 0.0)
    neg = np.where(y < 1, (1 - y) * special.log_expit(-u), 0.0)
    return {
        "softmax + cross-entropy": -np.where(y > 0, y * logp, 0.0).sum(),
        "sigmoid + binary cross-entropy": -(pos + neg).sum(),
        "softmax + MSE": ((a - y) ** 2).sum(),
        "sigmoid + MSE": ((s - y) ** 2).sum(),
        "sigmoid + positive-only CE (the mistake)": -pos.sum(),
    }


# -- Per class ----------------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_per_class_bars_and_losses_are_dL_du(batch):
    at = _open(batch, "Per class")
    u, y = _row(batch)
    fig = figure(at, "grad_bars")
    assert fig["layout"]["yaxis"]["title"]["text"] == "dL/du"
    gold = _gold_grads(u, y)
    for trace in fig["data"]:
        np.testing.assert_allclose(
            decode_array(trace["y"]),
            gold[trace["name"]],
            rtol=1e-9,
            atol=1e-15,
            err_msg=trace["name"],
        )
    summary = next(t for t in tables(at) if "loss, this row" in t.columns)
    losses = _gold_losses(u, y)
    for name, value in summary["loss, this row"].items():
        np.testing.assert_allclose(value, losses[name], rtol=1e-9, atol=1e-15, err_msg=name)
    T = BATCHES[batch]["T"]
    assert any(f"T = {T:g}" in m.value and "dL/du" in m.value for m in at.markdown)


def _formulas(batch):
    at = _open(batch, "Per class", gradients_formulas=True)
    return [el.value for el in at.latex]


@pytest.mark.parametrize("batch", ["underflow", "huge", "cold"])
def test_formulas_take_logs_from_log_softmax_never_log_0(batch):
    shown = _formulas(batch)
    u, y = _row(batch)
    assert not any(re.search(r"\\log\s*0(?![.\d])", t) for t in shown), shown
    ce = next(t for t in shown if r"\log a_j" in t)
    logp = special.log_softmax(u)
    # each labelled term is y_j times log a_j, with log a_j from log_softmax
    for j in np.flatnonzero(y):
        assert f"{logp[j]:.4g}".replace("e+", "e") in ce, (ce, logp[j])
    loss = -np.where(y > 0, y * logp, 0.0).sum()
    assert ce.rstrip("$\n ").endswith(f"= {loss:.4g}"), ce


def test_formulas_name_u_not_z():
    shown = _formulas("hot")
    general = [t for t in shown if r"\qquad" in t]
    assert general and all("(z" not in t and "z_c" not in t for t in general), general


# -- Whole batch --------------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_whole_batch_heatmap_is_titled_with_what_it_plots(batch):
    at = _open(batch, "Whole batch")
    b = BATCHES[batch]
    U, Y = logits(b) / b["T"], targets(b)
    N = U.shape[0]
    fig = figure(at, "batch_grads")
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert "(A·ΣY − Y) / N" in titles[0], titles
    sums_to_one = np.allclose(Y.sum(axis=1), 1.0)
    assert ("= (A − Y) / N" in titles[0]) == sums_to_one, titles
    gold_ce = (special.softmax(U, axis=1) * Y.sum(axis=1, keepdims=True) - Y) / N
    np.testing.assert_allclose(decode_array(fig["data"][0]["z"]), gold_ce, rtol=1e-9, atol=1e-15)
    gold_bce = (special.expit(U) - Y) / N
    np.testing.assert_allclose(decode_array(fig["data"][1]["z"]), gold_bce, rtol=1e-9, atol=1e-15)
    assert fig["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "dL/dU"
    if not sums_to_one:
        gap = np.abs(gold_ce - (special.softmax(U, axis=1) - Y) / N).max()
        assert any(f"{gap:.3g}" in c.value for c in at.caption)


# -- Sweep one logit ----------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_sweep_gradient_panel_is_dL_du_k(batch):
    at = _open(batch, "Sweep one logit")
    u, y = _row(batch)
    fig = figure(at, "grad_sweep_fig")
    assert fig["layout"]["xaxis2"]["title"]["text"] == "u_k = z_k / T"
    assert fig["layout"]["annotations"][1]["text"].startswith("dL/du_k")
    ce = next(
        t for t in fig["data"] if t["name"] == "softmax + cross-entropy" and t["yaxis"] == "y2"
    )
    x = decode_array(ce["x"])
    grid = np.repeat(u[None], x.size, axis=0)
    grid[:, 0] = x  # the sweep's default logit is the first class
    gold = special.softmax(grid, axis=1)[:, 0] * y.sum() - y[0]
    np.testing.assert_allclose(decode_array(ce["y"]), gold, rtol=1e-9, atol=1e-15)


# -- Positive-only CE -----------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_positive_only_caption_number_is_the_descent_result(batch):
    at = _open(batch, "Positive-only CE")
    b = BATCHES[batch]
    U, Y = logits(b) / b["T"], targets(b)
    u, y = U[0], Y[0]
    # plain gradient descent, lr 1, 60 steps on −Σ y log σ(u + b + β), b (C,) and β shared
    bias, offset = np.zeros(u.size), 0.0
    for _ in range(60):
        g = -y * (1 - special.expit(u + bias + offset))  # one row: the mean over N = 1
        bias -= g
        offset -= g.sum()
    smallest = special.expit(u + bias + offset)[y == 0].min()
    assert any(f"smallest σ of a negative class is {smallest:.3f}" in c.value for c in at.caption)


# -- Multi-label --------------------------------------------------------------------------
def test_multi_label_metrics_are_the_closed_forms():
    at = _open("multi_hot", "Multi-label")
    y = targets(BATCHES["multi_hot"])[0]
    m = y.sum()
    ce_min = -(y[y > 0] * np.log(y[y > 0] / m)).sum()  # Σy·H(y/Σy) = m log m for m hard labels
    np.testing.assert_allclose(ce_min, 2 * np.log(2), rtol=1e-15)
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["softmax + CE: minimum loss"] == f"{ce_min:.4f}"
    assert metrics["sigmoid + BCE: infimum"] == "0.0000"
    assert metrics["labels Σy"] == "2"


# -- Double softmax -----------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_double_softmax_metrics_against_scipy(batch):
    at = _open(batch, "Double softmax")
    u, y = _row(batch)
    C = u.size
    right = -(y * special.log_softmax(u)).sum()
    double = -(y * special.log_softmax(special.softmax(u))).sum()
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["right: CE(u, y)"] == f"{right:.4f}"
    assert metrics["double: CE(softmax(u), y)"] == f"{double:.4f}"
    assert metrics["double's floor (one-hot y)"] == f"{np.log(1 + (C - 1) / np.e):.4f}"


@pytest.mark.parametrize("batch", ["huge", "ties", "cold"])
def test_saturated_here_is_the_live_check_beside_the_theory(batch):
    at = _open(batch, "Per class")
    u, y = _row(batch)
    gold = _gold_grads(u, y)
    summary = next(t for t in tables(at) if "saturated here" in t.columns)
    softmax_wrong = y[np.argmax(u)] < y.max()
    sigmoid_wrong = np.any((u > 0) != (y > 0.5))
    for name, shown in summary["saturated here"].items():
        wrong = softmax_wrong if name.startswith("softmax") else sigmoid_wrong
        assert bool(shown) == bool(wrong and np.linalg.norm(gold[name]) < 1e-3), name
    if batch == "huge":  # [1000, −1000] labelled 1: both MSE pairs are flat, CE is not
        assert summary["saturated here"].sum() == 2


def test_positive_only_direct_descent_leaves_the_negatives_where_they_were():
    at = _open("multi_hot", "Positive-only CE")
    caption = next(c.value for c in at.caption if "positive" in c.value or "negative" in c.value)
    assert "no negative moved by more than 0." in caption  # the gradient is exactly 0 there


@pytest.mark.parametrize("batch", ["ties", "soft_unnormalised"])
def test_multi_label_without_a_multi_hot_row_uses_the_example_and_says_so(batch):
    at = _open(batch, "Multi-label")
    assert any("the example uses y = [1, 1, 0, 0]" in c.value for c in at.caption)
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["softmax + CE: minimum loss"] == f"{2 * np.log(2):.4f}"  # 2 log 2
