"""Sweeps, precision limits and attention scaling against independent references."""

import numpy as np
import pytest
from scipy import special

from softmax_lab import attention, precision, sweeps


def test_logit_sweep_matches_direct_evaluation_and_finite_differences():
    z, y, k = np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.0, 0.0]), 1
    values = np.linspace(-15, 15, 31)
    out = sweeps.logit_sweep(z, y, k, values)
    grid = np.repeat(z[None], 31, axis=0)
    grid[:, k] = values
    gold_ce = -special.log_softmax(grid, axis=1)[:, k]
    np.testing.assert_allclose(out["softmax_ce"]["loss"], gold_ce, rtol=1e-12)
    gold_mse = ((special.expit(grid) - y) ** 2).sum(1)
    np.testing.assert_allclose(out["sigmoid_mse"]["loss"], gold_mse, rtol=1e-12)
    fd = np.gradient(out["softmax_mse"]["loss"], values)
    inner = slice(5, -5)
    assert np.abs(fd[inner] - out["softmax_mse"]["grad"][inner]).max() < 0.05
    # Saturation: wrong and flat at very negative z_k for MSE, never for CE.
    assert out["softmax_mse"]["saturated"][0]
    assert not out["softmax_ce"]["saturated"].any()
    assert not out["softmax_mse"]["saturated"][-1]  # right prediction: not counted


def test_intervals():
    x = np.linspace(0, 1, 5)
    assert sweeps.intervals(x, np.array([0, 1, 1, 0, 1], bool)) == [(0.25, 0.5), (1.0, 1.0)]
    assert sweeps.intervals(x, np.zeros(5, bool)) == []


@pytest.mark.parametrize(
    ("low", "high", "positive", "message"),
    [
        (1, 0, False, "below"),
        (0, 1, True, "> 0"),
        (np.nan, 1, False, "finite"),
        (-1e5, 1, False, "within"),
    ],
)
def test_check_range_refuses(low, high, positive, message):
    with pytest.raises(ValueError, match=message):
        sweeps.check_range(low, high, "x", positive=positive)


def test_scale_sweep_ce_stays_order_one_while_mse_vanishes():
    z, y = np.array([2.0, 0.0, -1.0]), np.array([0.0, 0.0, 1.0])
    out = sweeps.scale_sweep(z, y, np.array([0.01, 1.0, 100.0]))
    assert 1.0 < out["grad:softmax_ce"][-1] < 2.0
    assert out["grad:softmax_mse"][-1] < 1e-80
    np.testing.assert_allclose(
        out["top_prob"], special.softmax(np.outer([0.01, 1, 100], z), axis=1).max(1)
    )
    np.testing.assert_allclose(out["entropy"][0], np.log(3), rtol=1e-3)


def test_temperature_limits():
    lim = sweeps.limits(np.array([1.0, 3.0, 3.0, 0.0]))
    assert lim["argmax_top"] == 0.5
    assert lim["argmax_entropy"] == pytest.approx(np.log(2))
    assert lim["uniform_top"] == 0.25


def test_double_softmax_loss_and_gradient_against_finite_differences():
    from softmax_lab import numerical_gradient

    z, y = np.array([3.0, -1.0, 0.5]), np.array([1.0, 0.0, 0.0])
    loss, grad = sweeps.double_softmax(z, y)
    gold = -special.log_softmax(special.softmax(z))[0]
    np.testing.assert_allclose(loss, gold, rtol=1e-12)
    fd = numerical_gradient(lambda v: sweeps.double_softmax(v, y)[0], z)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-9)


def test_positive_only_ce_descent_sends_every_output_up():
    out = sweeps.gradient_descent(
        "sigmoid_pos_ce", np.zeros(3), np.array([1.0, 0.0, 0.0]), steps=50
    )
    assert out[-1, 0] > 0.95
    np.testing.assert_array_equal(out[-1, 1:], 0.5)  # negatives get no gradient at all


def test_underflow_gaps_are_where_exp_hits_zero():
    for name, dtype in precision.DTYPES.items():
        gap = precision.underflow_gap(dtype)
        below = np.exp(np.array(-(gap - 0.01), dtype=dtype))
        above = np.exp(np.array(-(gap + 0.75), dtype=dtype))
        assert below > 0, name
        assert above == 0, name


def test_gap_sweep_log_p_breaks_but_log_softmax_does_not():
    out = precision.gap_sweep(np.array([1.0, 800.0]), np.float64, eps=1e-12)
    assert np.isneginf(out["log_of_p"][1])
    np.testing.assert_allclose(
        out["log_softmax"], -np.array([1.0, 800.0]) - np.log1p(np.exp(-np.array([1.0, 800.0])))
    )
    np.testing.assert_allclose(out["ce_eps"][1], -np.log(1e-12), rtol=1e-12)


def test_attention_weights_and_sweep_match_direct_computation():
    q, K = attention.random_query_keys(16, 5, seed=3)
    np.testing.assert_allclose(
        attention.attention_weights(q, K), special.softmax(K @ q / 4.0), rtol=1e-12
    )
    np.testing.assert_allclose(
        attention.attention_weights(q, K, scaled=False), special.softmax(K @ q), rtol=1e-12
    )
    dims = np.array([1, 16, 256])
    sweep = attention.scaling_sweep(dims, 8, seed=0, draws=4)
    rng = np.random.default_rng(0)
    qf, Kf = rng.normal(size=(4, 1, 256)), rng.normal(size=(4, 8, 256))
    gold_top = np.array(
        [
            special.softmax((qf[..., :d] * Kf[..., :d]).sum(-1) / np.sqrt(d), axis=-1)
            .max(-1)
            .mean()
            for d in dims
        ]
    )
    np.testing.assert_allclose(sweep["scaled"]["top_weight"], gold_top, rtol=1e-10)
    assert sweep["unscaled"]["top_weight"][-1] > sweep["scaled"]["top_weight"][-1]
    with pytest.raises(ValueError, match="d must"):
        attention.random_query_keys(0, 5)


def test_prediction_wrong_definitions():
    grid = np.array([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    multi = np.array([1.0, 1.0, 0.0])
    # softmax pairs: wrong unless the argmax is a class with the largest target
    assert sweeps.prediction_wrong("softmax_ce", grid, multi, 0).tolist() == [False, False, True]
    # sigmoid pairs: class k alone, σ(z_k) on the wrong side of 1/2
    assert sweeps.prediction_wrong("sigmoid_mse", grid, multi, 2).tolist() == [False, False, True]
    # σ(0) = 1/2 is not above 1/2, so it counts as predicting 0: wrong for y_k = 1
    assert sweeps.prediction_wrong("sigmoid_mse", -grid, multi, 0).tolist() == [True, True, True]


def test_saturated_points_are_exactly_small_gradient_and_wrong():
    rng = np.random.default_rng(4)
    z, y, k = rng.normal(size=5), np.eye(5)[3], 3
    values = np.linspace(-30, 30, 241)
    out = sweeps.logit_sweep(z, y, k, values)
    grid = sweeps.logit_grid(z, k, values)
    for key, res in out.items():
        wrong = sweeps.prediction_wrong(key, grid, y, k)
        np.testing.assert_array_equal(res["saturated"], (np.abs(res["grad"]) < 1e-3) & wrong)
    assert out["softmax_mse"]["saturated"][:20].all()  # z_k very low: wrong and flat
    assert not out["softmax_ce"]["saturated"].any()


def test_multilabel_optimum_is_the_minimum_of_softmax_ce():
    from softmax_lab.pairs import PAIRS

    y = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    out = sweeps.multilabel_optimum(y)
    np.testing.assert_allclose(out["ce_min"], 3 * np.log(3), rtol=1e-14)
    np.testing.assert_allclose(out["grad_at_optimum"], 0.0, atol=1e-14)
    assert out["a_minus_y"][0] == pytest.approx(1 / 3 - 1)
    # no random logits do better than the optimum
    rng = np.random.default_rng(0)
    trials = PAIRS["softmax_ce"].row_loss(rng.normal(scale=4, size=(2000, 5)), y)
    assert trials.min() > out["ce_min"]
    soft = sweeps.multilabel_optimum(np.array([0.5, 1.0]))
    gold_bce_inf = -(0.5 * np.log(0.5) + 0.5 * np.log(0.5))
    np.testing.assert_allclose(soft["bce_inf"], gold_bce_inf, rtol=1e-14)
    # hard labels: BCE's infimum is +0.0 (the page once showed "-0.0000")
    assert np.copysign(1.0, out["bce_inf"]) == 1.0
    assert out["bce_inf"] == 0.0
    with pytest.raises(ValueError, match="y must be"):
        sweeps.multilabel_optimum(np.zeros(3))


def test_double_softmax_floor_matches_a_one_hot_input():
    for c in (2, 5, 1000):
        p = np.eye(c)[0]
        gold = -special.log_softmax(p)[0]
        np.testing.assert_allclose(sweeps.double_softmax_floor(c), gold, rtol=1e-13)


def test_shared_descent_lifts_the_negatives_but_direct_descent_does_not():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4, 3))
    y = np.eye(3)[[0, 1, 2, 0]]
    direct = sweeps.gradient_descent("sigmoid_pos_ce", z, y, lr=2.0, steps=60)
    shared = sweeps.gradient_descent("sigmoid_pos_ce", z, y, lr=2.0, steps=60, shared=True)
    bce = sweeps.gradient_descent("sigmoid_bce", z, y, lr=2.0, steps=60, shared=True)
    neg = y == 0
    np.testing.assert_array_equal(direct[-1][neg], direct[0][neg])  # zero gradient there
    assert shared[-1][neg].min() > 0.9  # everything goes to 1
    assert bce[-1][neg].mean() < shared[0][neg].mean()  # BCE pulls the negatives down
    # the first step equals the mean-over-N gradient step on the logits
    step = sweeps.gradient_descent("sigmoid_bce", z, y, lr=0.5, steps=1)
    np.testing.assert_allclose(step[1], special.expit(z - 0.5 * (special.expit(z) - y) / 4))
