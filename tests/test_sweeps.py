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
