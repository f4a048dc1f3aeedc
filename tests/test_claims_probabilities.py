"""Claims on the Probabilities page: what it shows, checked against values computed here.

Every expected value is computed in this file from SciPy or a closed form written out
below, never by the softmax_lab function that produced the shown one. The batches are
built through the link format (query parameters), as a shared link would.
"""

import numpy as np
import pytest
from scipy import special

from tests.claims import BATCHES, logits, query, targets
from tests.page_harness import decode_array, plotly_figures, run_page, tables


def _naive(at, dtype_name):
    next(t for t in at.toggle if t.label.startswith("Compare with the naive")).set_value(True).run()
    next(r for r in at.radio if r.label == "Precision").set_value(dtype_name).run()
    assert not at.exception
    return at


def _verdict(at):
    shown = [*at.error, *at.success, *at.warning]
    texts = [e.value for e in shown if "naive" in e.value.lower()]
    assert len(texts) == 1, texts
    return texts[0]


# The verdicts, each from the dtype's limits worked out by hand: float16 holds at most
# 65504 (exp(11) = 59874 fits, twice it does not) and nothing below 6e-8; float32
# nothing below 1.4e-45 (exp(−120) = 7.7e-53 is 0; exp(−100) = 3.7e-44 keeps ~5 bits);
# float64 nothing below 4.9e-324 (exp(−800) is 0) and at most 1.8e308 (exp(710) is not).
NAIVE = [
    ([[1.0, 2.0, 3.0]], "float64", "agrees"),
    ([[1000.0, 0.0]], "float64", "overflow"),
    ([[11.0, 11.0]], "float16", "sum overflows"),
    ([[-800.0, -801.0]], "float64", "0/0"),
    ([[-100.0, -120.0]], "float32", "underflow to 0"),
    ([[-100.0, -101.0]], "float32", "lost digits"),
]


@pytest.mark.parametrize(("z", "dtype_name", "said"), NAIVE)
def test_naive_verdict_names_what_the_comparison_found(z, dtype_name, said):
    at = _naive(run_page("probabilities", query=query({"z": z, "y": [0]})), dtype_name)
    verdict = _verdict(at)
    assert said in verdict.lower(), verdict
    if said != "agrees":
        assert "still works" not in verdict
    # the chart shows both results; the stable bars equal SciPy's in float64
    fig = plotly_figures(at)[-1]
    stable = decode_array(next(t for t in fig["data"] if t["name"].startswith("stable"))["y"])
    gold = special.softmax(np.asarray(z[0], dtype=dtype_name).astype(np.float64))
    np.testing.assert_allclose(stable, gold, rtol=float(np.finfo(dtype_name).eps) * 4, atol=1e-45)


# -- the read-outs, the chart, the formula and the numbers, on every batch ----------------


def _gold(batch):
    b = BATCHES[batch]
    u = logits(b) / b["T"]
    a = special.softmax(u, axis=1)
    logp = special.log_softmax(u, axis=1)
    Y = targets(b)
    ce = -np.where(Y > 0, Y * logp, 0.0).sum(axis=1)
    ent = 0.0 - np.where(a > 0, a * logp, 0.0).sum(axis=1)  # +0.0 for a one-hot row
    return u, a, ce, ent


@pytest.mark.parametrize("batch", list(BATCHES))
def test_readouts_chart_and_formula_against_scipy(batch):
    at = run_page("probabilities", query=query(BATCHES[batch]))
    at.session_state["probabilities_numbers"] = True
    at.run()
    assert not at.exception
    u, a, ce, ent = _gold(batch)
    z = logits(BATCHES[batch])
    C = z.shape[1]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Entropy (nats)"] == f"{ent[0]:.4f}"
    assert metrics["Maximum log C"] == f"{np.log(C):.4f}"
    assert metrics["Top probability"] == f"{a[0].max():.4f}"
    assert metrics["Cross-entropy, this row"] == f"{ce[0]:.4f}"
    assert any(f"**{ce.mean():.6g}**" in c.value for c in at.caption)
    fig = plotly_figures(at)[0]
    bars = {t["name"]: decode_array(t["y"]) for t in fig["data"]}
    np.testing.assert_allclose(bars["softmax(z / T)"], a[0], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(bars["independent sigmoids σ(z / T)"], special.expit(u[0]))
    top = z[0] == z[0].max()
    hard = next(k for k in bars if k.startswith("hardmax"))
    np.testing.assert_allclose(bars[hard], top / top.sum())
    assert ("ties split evenly" in hard) == (top.sum() > 1), hard
    linear_defined = (z[0] >= 0).all() and z[0].sum() > 0
    linear = next(k for k in bars if k.startswith("linear"))
    assert ("undefined" in linear) != linear_defined
    if linear_defined:
        np.testing.assert_allclose(bars[linear], z[0] / z[0].sum())
    # the formula ends in the top class's probability
    (formula,) = [el.value for el in at.latex]
    k = int(np.argmax(a[0]))
    shown = f"{a[0, k]:.4g}".replace("e+", "e")
    assert formula.rstrip("$\n ").endswith(f"= {shown}"), formula
    per_row = next(t for t in tables(at) if "cross-entropy" in t.columns)
    np.testing.assert_allclose(per_row["cross-entropy"], ce, rtol=1e-12)
    np.testing.assert_allclose(per_row["entropy (nats)"], ent, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(per_row["top probability"], a.max(axis=1), rtol=1e-12)
