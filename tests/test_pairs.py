"""The five output/loss pairs: losses vs SciPy-built gold, gradients vs finite differences."""

import warnings

import numpy as np
import pytest
from scipy import special

from softmax_lab import numerical_gradient
from softmax_lab.pairs import PAIRS, pair_grad, pair_loss

GOLD_LOSS = {
    "softmax_ce": lambda z, y: -(y * special.log_softmax(z, axis=-1)).sum(-1),
    "sigmoid_bce": lambda z, y: (
        -(y * special.log_expit(z) + (1 - y) * special.log_expit(-z)).sum(-1)
    ),
    "softmax_mse": lambda z, y: ((special.softmax(z, axis=-1) - y) ** 2).sum(-1),
    "sigmoid_mse": lambda z, y: ((special.expit(z) - y) ** 2).sum(-1),
    "sigmoid_pos_ce": lambda z, y: -(y * special.log_expit(z)).sum(-1),
}


def _softmax_mse_grad(z, y):
    a = special.softmax(z, axis=-1)
    g = 2 * (a - y)
    return a * (g - (a * g).sum(-1, keepdims=True))  # g · J, J = diag(a) − a aᵀ


GOLD_GRAD = {
    "softmax_ce": lambda z, y: special.softmax(z, axis=-1) * y.sum(-1, keepdims=True) - y,
    "sigmoid_bce": lambda z, y: special.expit(z) - y,
    "softmax_mse": _softmax_mse_grad,
    "sigmoid_mse": lambda z, y: 2 * (special.expit(z) - y) * special.expit(z) * special.expit(-z),
    "sigmoid_pos_ce": lambda z, y: -y * special.expit(-z),
}


def test_the_five_pairs_in_order():
    assert list(PAIRS) == list(GOLD_LOSS)


@pytest.mark.parametrize("key", list(PAIRS))
@pytest.mark.parametrize("seed", range(2))
def test_row_loss_matches_gold_on_a_grid(key, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(7, 3, 4)) * 3  # any leading dims: a sweep grid
    y = rng.uniform(size=(7, 3, 4))
    np.testing.assert_allclose(
        PAIRS[key].row_loss(z, y), GOLD_LOSS[key](z, y), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("key", list(PAIRS))
def test_row_grad_matches_finite_differences(key):
    rng = np.random.default_rng(4)
    z = rng.normal(size=(3, 5)) * 2
    y = (rng.uniform(size=(3, 5)) > 0.5).astype(float)
    upstream = rng.normal(size=3)  # weights per row, not all ones
    gold = numerical_gradient(lambda v: float((PAIRS[key].row_loss(v, y) * upstream).sum()), z)
    mine = PAIRS[key].row_grad(z, y) * upstream[:, None]
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("key", list(PAIRS))
def test_reductions(key):
    rng = np.random.default_rng(2)
    z, y = rng.normal(size=(4, 3)), np.eye(3)[[0, 1, 2, 0]]
    rows = GOLD_LOSS[key](z, y)
    np.testing.assert_allclose(pair_loss(key, z, y), rows.mean(), rtol=1e-12)
    np.testing.assert_allclose(pair_loss(key, z, y, "sum"), rows.sum(), rtol=1e-12)
    np.testing.assert_allclose(pair_grad(key, z, y), GOLD_GRAD[key](z, y) / 4, rtol=1e-12)


def test_unknown_pair_is_refused():
    with pytest.raises(ValueError, match="pair"):
        pair_loss("softmax_hinge", np.zeros((1, 2)), np.zeros((1, 2)))


def test_positive_only_ce_ignores_negatives_and_pushes_every_output_to_one():
    pair = PAIRS["sigmoid_pos_ce"]
    y = np.array([1.0, 0.0, 0.0])
    z = np.zeros(3)
    assert (pair.row_grad(z, y)[1:] == 0).all()  # no gradient where y = 0
    for _ in range(200):
        z = z - 1.0 * pair.row_grad(z, y) - 0.5 * np.array([0, -1, -1])  # a shared push upward
    assert pair.row_loss(z, y) < 0.01
    assert (special.expit(z) > 0.99).all()  # the negatives went to 1 unpunished


def test_mse_pairs_vanish_when_saturated_while_ce_does_not():
    z = np.array([20.0, -20.0, -20.0])  # confident and wrong
    y = np.array([0.0, 1.0, 0.0])
    ce = np.linalg.norm(PAIRS["softmax_ce"].row_grad(z, y))
    mse = np.linalg.norm(PAIRS["softmax_mse"].row_grad(z, y))
    sig_mse = np.linalg.norm(PAIRS["sigmoid_mse"].row_grad(z, y))
    assert ce > 1.0
    assert mse < 1e-7
    assert sig_mse < 1e-7
    assert all(PAIRS[k].saturates for k in ("softmax_mse", "sigmoid_mse", "sigmoid_pos_ce"))


def test_pairs_are_stable_for_huge_logits():
    z = np.array([[1e300, -1e300, 0.0]])
    y = np.array([[0.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for pair in PAIRS.values():
            assert np.isfinite(pair.row_grad(z, y)).all()
            assert not np.isnan(pair.row_loss(z, y)).any()


@pytest.mark.parametrize("key", list(PAIRS))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_pair_grad_is_the_gradient_of_pair_loss(key, reduction):
    rng = np.random.default_rng(14)
    z, y = rng.normal(size=(4, 3)) * 2, rng.uniform(size=(4, 3))  # soft rows, not summing to 1
    upstream = rng.normal(size=4) if reduction == "none" else 1.0
    gold = numerical_gradient(
        lambda v: float(np.sum(pair_loss(key, v, y, reduction) * upstream)), z
    )
    mine = pair_grad(key, z, y, reduction)
    if reduction == "none":
        assert pair_loss(key, z, y, "none").shape == (4,)
        mine = mine * upstream[:, None]
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("key", list(PAIRS))
def test_probabilities_follow_the_output(key):
    z = np.random.default_rng(15).normal(size=(2, 5, 4)) * 3
    gold = special.softmax(z, axis=-1) if PAIRS[key].output == "softmax" else special.expit(z)
    np.testing.assert_allclose(PAIRS[key].probabilities(z), gold, rtol=1e-13, atol=1e-300)


def test_targets_of_the_wrong_shape_name_y():
    with pytest.raises(ValueError, match="y"):
        PAIRS["softmax_ce"].row_loss(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="y"):
        pair_grad("sigmoid_bce", np.zeros((2, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="reduction"):
        pair_loss("sigmoid_bce", np.zeros((2, 3)), np.zeros((2, 3)), "avg")
