"""Claims on the Jacobian page: every tab on adversarial batches, against values computed here.

J = diag(a) − a aᵀ = ∂a/∂u with a = softmax(u), u = z / T; ∂a/∂z = J / T. The gold is
built from SciPy's softmax and these closed forms, never by softmax_lab.
"""

import numpy as np
import pytest
from scipy import special

from softmax_lab.reference_examples import WRITEUP_J_PRINTED, WRITEUP_Z
from tests.claims import BATCHES, logits, open_page, targets
from tests.page_harness import decode_array, figure, run_page, tables

CONFIDENT = {"z": [[40.0, 0.0, 0.0]], "y": [0], "mode": "one-hot", "T": 1.0}
ALL = {**BATCHES, "confident": CONFIDENT}


def _open(batch, section, **state):
    return open_page("jacobian", ALL[batch] if isinstance(batch, str) else batch, section, **state)


def _a(batch):
    b = ALL[batch]
    return special.softmax(logits(b) / b["T"], axis=1)


def _J(a):
    return np.diag(a) - np.outer(a, a)


def _props(at):
    table = next(t for t in tables(at) if t.index.name == "property")
    return table["value"].to_dict()


# -- The Jacobian ---------------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(ALL))
def test_heatmap_properties_and_rank(batch):
    at = _open(batch, "The Jacobian")
    T = ALL[batch]["T"]
    a = _a(batch)[0]
    C = a.size
    gold = _J(a)
    fig = figure(at, "jacobian_heatmap")
    heat = fig["data"][0]
    np.testing.assert_allclose(decode_array(heat["z"]), gold, atol=1e-16)
    assert "∂u" in heat["hovertemplate"] and "∂z" not in heat["hovertemplate"].split("<br>")[0]
    assert fig["layout"]["xaxis"]["title"]["text"].startswith("u = z")
    if T != 1:
        assert "J / T" in heat["hovertemplate"]
        np.testing.assert_allclose(decode_array(heat["customdata"]), gold / T, atol=1e-16 / T)
    props = _props(at)
    assert props["largest |J| (at most 1/4)"] == f"{np.abs(gold).max():.6f}"
    # in exact arithmetic: rank (#a > 0) − 1; every a > 0 unless it underflows to 0
    positive = int(np.sum(a > 0))
    exact = next(v for k, v in props.items() if k.startswith("rank in exact arithmetic"))
    assert exact == f"{max(positive - 1, 0)} of {C}"
    numerical = int(next(v for k, v in props.items() if k.startswith("numerical rank")).split()[0])
    # an eigenvalue well above eps is counted, one far below it is not (closed forms: for
    # a = [p, q, q] the eigenvalues are 0, q and p(1 − p) + 2q(1 − q) − q)
    eig = np.linalg.eigvalsh(gold)
    assert numerical >= int(np.sum(eig > 1e-13)) and numerical <= int(np.sum(eig > 1e-17))
    assert numerical <= max(positive - 1, 0)  # never C, as the old tolerance reported
    psd = next(v for k, v in props.items() if k.startswith("smallest eigenvalue"))
    assert "yes" in psd
    info = [i.value for i in at.info if "exact rank" in i.value]
    assert bool(info) == (numerical != max(positive - 1, 0)), info


def test_confident_row_explains_why_the_numerical_rank_is_lower():
    at = _open("confident", "The Jacobian")
    # a = [p, q, q], q = 4.2e-18: the exact eigenvalues are 0, q and 3q (the trace is
    # p(1 − p) + 2q(1 − q) ≈ 4q), all far below J_00 = p − p²'s rounding error eps·p
    q = np.exp(-40.0) / (1 + 2 * np.exp(-40.0))
    (info,) = [i.value for i in at.info if "exact rank" in i.value]
    assert info.startswith("Numerical rank 0, exact rank 2")
    tol = 3 * np.finfo(float).eps * (1 + 1)  # C · eps · (max a + Σa²), a ≈ [1, 0, 0]
    assert f"rounding error of J's entries ({tol:.2g})" in info
    assert 3 * q < tol / 100


# -- J shrinks ------------------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_shrink_caption_numbers(batch):
    at = _open(batch, "J shrinks")
    a = _a(batch)[0]
    J = _J(a)
    caption = next(c.value for c in at.caption if "‖J‖_F =" in c.value)
    assert f"‖J‖_F = {np.linalg.norm(J):.4g}" in caption
    assert f"max a(1−a) = {np.max(np.diag(J)):.4g}" in caption
    assert f"At T = {ALL[batch]['T']:g}" in caption


# -- Backward pass --------------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_backward_pass_is_labelled_dL_du_and_dL_dz_is_it_over_T(batch):
    at = _open(batch, "Backward pass", jacobian_upstream_source="random")
    T = ALL[batch]["T"]
    a = _a(batch)[0]
    fig = figure(at, "jacobian_dLdZ")
    assert fig["layout"]["yaxis"]["title"]["text"].startswith("dL/du")
    assert fig["layout"]["title"]["text"].startswith("dL/du = dLdA · J")
    rows = next(t for t in tables(at) if "dLdA" in t.index)
    g = rows.loc["dLdA"].to_numpy(dtype=float)
    dLdu = g @ _J(a)
    np.testing.assert_allclose(rows.loc["dL/du = dLdA · J"], dLdu, atol=1e-15)
    np.testing.assert_allclose(rows.loc["dL/dz = dL/du / T"], dLdu / T, atol=1e-15 / T)
    for trace in fig["data"]:
        np.testing.assert_allclose(decode_array(trace["y"]), dLdu, atol=1e-15)
    if T != 1:
        assert any("dL/dz = dL/du / T" in s.value for s in at.subheader)


# -- The writeup's example -------------------------------------------------------------------
def test_writeup_gap_is_the_printed_js_error():
    at = run_page("jacobian", section="The writeup's example")
    a = special.softmax(WRITEUP_Z, axis=1)
    gap = np.abs(_J(a[0]) - WRITEUP_J_PRINTED[0]).max()
    assert any(f"off by up to {gap:.2e}" in m.value for m in at.markdown)


# -- With cross-entropy ----------------------------------------------------------------------
@pytest.mark.parametrize("batch", list(BATCHES))
def test_composition_table_and_verdict(batch):
    at = _open(batch, "With cross-entropy")
    a, y = _a(batch)[0], targets(ALL[batch])[0]
    table = next(t for t in tables(at) if "a·Σy − y" in t.columns)
    order = [int(name[1:]) for name in table.index]  # default class names c0, c1, …
    np.testing.assert_allclose(table["a·Σy − y"], (a * y.sum() - y)[order], atol=1e-15)
    np.testing.assert_allclose(table["a − y"], (a - y)[order], atol=1e-15)
    if (a[y > 0] == 0).any():  # −y/a is −inf: the unfused product is NaN
        assert any("underflowed" in w.value for w in at.warning)
    elif abs(y.sum() - 1) > 1e-12:
        (w,) = [w.value for w in at.warning if "not 1" in w.value]
        assert f"sum to {y.sum():.4g}" in w
        assert f"not a − y (largest difference {np.abs(a * (y.sum() - 1)).max():.2e})" in w
    else:
        assert any("The labels sum to 1" in c.value for c in at.caption)


# -- Costs ----------------------------------------------------------------------------------
def test_costs_memory_is_counted():
    at = _open("multi_hot", "Costs")
    table = next(t for t in tables(at) if "method" in t.columns)
    N, C = 2, 4
    kib = dict(zip(table["method"], table["Jacobian / work memory (KiB)"], strict=True))
    assert sorted(kib.values()) == [N * C * 8 / 1024, C * C * 8 / 1024, N * C * C * 8 / 1024]
    assert any(c.value.startswith(f"N = {N}, C = {C}.") for c in at.caption)


@pytest.mark.parametrize("batch", ["ties", "huge"])
def test_shrink_caption_shows_the_limits_it_claims(batch):
    at = _open(batch, "J shrinks")
    z = logits(ALL[batch])[0]
    caption = next(c.value for c in at.caption if "‖J‖_F =" in c.value)
    for T in (0.001, 1000.0):  # the two ends of the sweep
        J = _J(special.softmax(z / T))
        assert f"{np.linalg.norm(J):.3g} at T = {T:g}" in caption, caption
    assert "all 121 temperatures" in caption  # np.logspace(-3, 3, 121)


def test_growth_caption_reads_its_exponents_off_the_measured_times():
    at = _open("ties", "Costs")
    at.button(key="jacobian_growth").click().run()
    fig = figure(at, "jacobian_costs")
    caption = next(c.value for c in at.caption if c.value.startswith("N = 8 random rows."))
    for trace in fig["data"]:
        ms = decode_array(trace["y"])  # the chart's own times, in ms
        slope = np.log(ms[-1] / ms[-2]) / np.log(1000 / 300)
        assert f"{trace['name']} like C^{slope:.2g}" in caption, caption


@pytest.mark.parametrize("batch", ["ties", "hot"])
def test_writeup_tab_elsewhere_says_what_it_needs(batch):
    at = _open(batch, "The writeup's example")
    assert any("needs its 2 × 3 batch at T = 1" in i.value for i in at.info)
    assert not any("off by up to" in m.value for m in at.markdown)
