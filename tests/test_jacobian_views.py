"""Closed-form read-outs of the Jacobian against the explicit matrix."""

import numpy as np
import pytest
from scipy import special

from softmax_lab import backward_costs, jacobian_views


def _J(a):
    return np.diag(a) - np.outer(a, a)


def test_frobenius_and_max_diagonal_match_the_explicit_matrix():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 9)) * 3
    a = special.softmax(z, axis=1)
    mine = jacobian_views.frobenius_norm(a)
    gold = np.array([np.linalg.norm(_J(r)) for r in a])
    np.testing.assert_allclose(mine, gold, rtol=1e-12)
    np.testing.assert_allclose(jacobian_views.max_diagonal(a), [np.diag(_J(r)).max() for r in a])


def test_temperature_sweep_shrinks_to_zero_and_to_the_uniform_value():
    z = np.array([1.0, 2.0, 3.0])
    frob, diag = jacobian_views.temperature_sweep(z, np.array([1e-3, 1.0, 1e6]))
    assert frob[0] < 1e-100
    np.testing.assert_allclose(frob[1], np.linalg.norm(_J(special.softmax(z))), rtol=1e-12)
    np.testing.assert_allclose(diag[2], (1 / 3) * (2 / 3), rtol=1e-5)


def test_lumped_jacobian_is_the_block_sum_of_the_full_one():
    a = special.softmax(np.random.default_rng(1).normal(size=12))
    probs, names = jacobian_views.lumped(a, [f"c{i}" for i in range(12)], keep=4)
    order = np.argsort(a)[::-1]
    full = _J(a)[np.ix_(order, order)]
    groups = [[0], [1], [2], [3], list(range(4, 12))]
    gold = np.array([[full[np.ix_(g, h)].sum() for h in groups] for g in groups])
    np.testing.assert_allclose(_J(probs), gold, atol=1e-15)
    assert names[-1] == "other (8 classes)"


def test_properties_report_rank_and_bounds():
    a = special.softmax(np.array([0.5, -1.0, 2.0, 0.0]))
    props = jacobian_views.properties(_J(a), a)
    assert props["rank"] == 3
    assert props["theoretical_rank"] == 3
    assert props["smallest_abs_eigenvalue"] < 1e-15
    assert props["max_abs"] <= 0.25
    assert props["formula_error"] < 1e-15
    assert props["psd"]


# A confident row: a = [p, q, …, q] with q = e^−g / (1 + (C − 1)e^−g). Its eigenvalues are 0
# (the ones vector), q (C − 2 times, on the vectors e_i − e_j of the small classes) and
# the rest of the trace. J_00 = p − p² is computed from p ≈ 1, so it carries a rounding
# error of about eps · p ≈ 2.2e-16 whatever its size: an eigenvalue far below that cannot
# be told from 0, and one far above it can.
@pytest.mark.parametrize(("gap", "C"), [(20.0, 4), (15.0, 5), (10.0, 3)])
def test_a_confident_row_has_numerical_rank_c_minus_1_when_q_is_above_rounding(gap, C):
    q = np.exp(-gap) / (1 + (C - 1) * np.exp(-gap))
    assert q > 1e3 * np.finfo(float).eps  # 2e-9, 3e-7, 4.5e-5: well above rounding
    a = special.softmax(np.array([gap] + [0.0] * (C - 1)))
    props = jacobian_views.properties(_J(a), a)
    assert props["rank"] == C - 1
    assert props["theoretical_rank"] == C - 1
    assert props["rank_reason"] == ""


def test_eigenvalues_below_the_rounding_error_are_not_counted_and_the_page_says_why():
    C, gap = 3, 40.0
    q = np.exp(-gap) / (1 + (C - 1) * np.exp(-gap))  # 4.2e-18, below eps = 2.2e-16
    a = special.softmax(np.array([gap, 0.0, 0.0]))
    props = jacobian_views.properties(_J(a), a)
    assert props["tolerance"] >= np.finfo(float).eps > 10 * q
    assert props["rank"] == 0
    assert props["theoretical_rank"] == 2  # every a > 0
    assert "rounding" in props["rank_reason"]
    assert props["psd"]


def test_classes_at_exactly_zero_lower_the_theoretical_rank():
    a = np.array([0.5, 0.5, 0.0, 0.0])
    props = jacobian_views.properties(_J(a), a)
    assert props["theoretical_rank"] == 1  # two positive classes: 2 − 1
    assert props["rank"] == 1


def test_extra_bytes_counts_and_cost_table_shape():
    assert backward_costs.extra_bytes("batched", 20, 1000) == 20 * 1000 * 1000 * 8
    assert backward_costs.extra_bytes("loop", 20, 1000) == 1000 * 1000 * 8
    assert backward_costs.extra_bytes("vjp", 20, 1000) == 20 * 1000 * 8
    a = special.softmax(np.random.default_rng(2).normal(size=(3, 150)), axis=1)
    g = np.random.default_rng(3).normal(size=a.shape)
    table = backward_costs.cost_table(a, g, repeats=1)
    assert [r["method"] for r in table] == ["loop", "batched", "vjp"]
    assert "on 100 of 150 classes" in table[0]["note"]
