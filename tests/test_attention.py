"""Attention scaling against scipy.special.softmax and a loop over d as the reference."""

import numpy as np
import pytest
from scipy import special

from softmax_lab import attention, jacobian_views


def test_weights_match_scipy_with_and_without_the_scale():
    q, K = attention.random_query_keys(16, 5, seed=3)
    np.testing.assert_allclose(
        attention.attention_weights(q, K), special.softmax(K @ q / 4.0), rtol=1e-12
    )
    np.testing.assert_allclose(
        attention.attention_weights(q, K, scaled=False), special.softmax(K @ q), rtol=1e-12
    )


def test_scaling_sweep_equals_a_loop_over_d():
    dims = np.array([1, 7, 64, 300])
    draws, n = 5, 9
    sweep = attention.scaling_sweep(dims, n, seed=2, draws=draws)
    rng = np.random.default_rng(2)
    q, K = rng.normal(size=(draws, 1, 300)), rng.normal(size=(draws, n, 300))
    for label, scale in (("scaled", True), ("unscaled", False)):
        top, ent, jac = [], [], []
        for d in dims:
            s = (q[..., :d] * K[..., :d]).sum(-1) / (np.sqrt(d) if scale else 1.0)
            a = special.softmax(s, axis=-1)
            top.append(a.max(-1).mean())
            ent.append(special.entr(a).sum(-1).mean())
            jac.append(jacobian_views.frobenius_norm(a).mean())
        np.testing.assert_allclose(sweep[label]["top_weight"], top, rtol=1e-10)
        np.testing.assert_allclose(sweep[label]["entropy"], ent, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(sweep[label]["jacobian_norm"], jac, rtol=1e-10)


def test_without_the_scale_large_d_saturates():
    sweep = attention.scaling_sweep(np.array([4, 1024]), 32, seed=0, draws=16)
    assert sweep["unscaled"]["top_weight"][-1] > 0.8
    assert sweep["scaled"]["top_weight"][-1] < 0.5
    assert sweep["unscaled"]["jacobian_norm"][-1] < sweep["scaled"]["jacobian_norm"][-1] / 2
    # with the scale the statistics hardly depend on d
    assert abs(sweep["scaled"]["entropy"][0] - sweep["scaled"]["entropy"][-1]) < 0.5


def test_scores_have_variance_d():
    rng = np.random.default_rng(0)
    d = 256
    q, K = rng.normal(size=(4000, d)), rng.normal(size=(4000, d))
    assert np.var((q * K).sum(-1)) == pytest.approx(d, rel=0.08)


@pytest.mark.parametrize(
    ("d", "n", "seed", "message"),
    [
        (0, 4, 0, "d must be between"),
        (2000, 4, 0, "d must be between"),
        (8, 1, 0, "n must be between"),
        (8, 10_000, 0, "n must be between"),
        (8, float("nan"), 0, "n must be a whole number"),
        (8, 4, -1, "seed must be between"),
        (8.5, 4, 0, "d must be a whole number"),
    ],
)
def test_bad_inputs_are_refused_by_name(d, n, seed, message):
    with pytest.raises(ValueError, match=message):
        attention.random_query_keys(d, n, seed)
