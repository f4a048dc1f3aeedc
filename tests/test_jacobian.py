"""The Jacobian and the three backward passes, against finite differences with random upstream."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import special

import softmax_lab as sl


@pytest.mark.parametrize("seed", range(4))
def test_vjp_matches_finite_differences_with_random_upstream(seed):
    rng = np.random.default_rng(seed)
    N, C = int(rng.integers(1, 6)), int(rng.integers(2, 9))
    z, g = rng.normal(size=(N, C)) * 2, rng.normal(size=(N, C))
    gold = sl.numerical_gradient(lambda v: float((special.softmax(v, axis=1) * g).sum()), z)
    mine = sl.softmax_vjp(sl.softmax(z), g)
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-9)


def test_all_ones_upstream_gives_zero_so_it_proves_nothing():
    a = sl.softmax(np.random.default_rng(0).normal(size=(3, 4)))
    np.testing.assert_allclose(sl.softmax_vjp(a, np.ones((3, 4))), 0.0, atol=1e-16)


@pytest.mark.parametrize("seed", range(3))
def test_loop_batched_and_vjp_agree_and_equal_dLdA_at_J(seed):
    rng = np.random.default_rng(seed)
    a = sl.softmax(rng.normal(size=(5, 7)))
    g = rng.normal(size=(5, 7))
    gold = np.stack([g[i] @ (np.diag(a[i]) - np.outer(a[i], a[i])) for i in range(5)])
    for mine in (
        sl.softmax_vjp(a, g),
        sl.softmax_backward_loop(a, g),
        sl.softmax_backward_batched(a, g),
    ):
        np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-12)


def test_temperature_chain_rule():
    rng = np.random.default_rng(5)
    z, g, t = rng.normal(size=(2, 4)), rng.normal(size=(2, 4)), 0.3
    gold = sl.numerical_gradient(lambda v: float((sl.softmax(v, temperature=t) * g).sum()), z)
    mine = sl.softmax_vjp(sl.softmax(z, temperature=t), g) / t
    np.testing.assert_allclose(mine, gold, rtol=1e-6, atol=1e-8)


def test_jacobian_matches_finite_differences_of_softmax():
    z = np.array([0.3, -1.2, 2.0, 0.5])
    a = sl.softmax(z)
    gold = np.stack(
        [sl.numerical_gradient(lambda v, k=k: float(sl.softmax(v)[k]), z) for k in range(4)]
    )
    np.testing.assert_allclose(sl.softmax_jacobian(a), gold, rtol=1e-6, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64, st.tuples(st.integers(1, 4), st.integers(2, 8)), elements=st.floats(-30, 30)
    )
)
def test_property_jacobian_symmetric_zero_sum_psd_rank(z):
    a = sl.softmax(z)
    J = sl.softmax_jacobian(a)
    np.testing.assert_allclose(J, np.swapaxes(J, -1, -2), rtol=0, atol=0)
    np.testing.assert_allclose(J.sum(axis=-1), 0.0, atol=1e-15)
    assert np.abs(J).max() <= 0.25 + 1e-15
    eig = np.linalg.eigvalsh(J)
    assert (eig >= -1e-15).all()  # positive semi-definite
    assert (np.abs(eig[:, 0]) < 1e-15).all()  # the constant direction has eigenvalue 0
    strictly_positive = (a > 1e-6).all(axis=1)
    C = z.shape[1]
    for row in np.flatnonzero(strictly_positive):
        assert np.linalg.matrix_rank(J[row], tol=1e-14) == C - 1


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, (3, 5), elements=st.floats(-50, 50)),
    hnp.arrays(np.float64, (3, 5), elements=st.floats(-10, 10)),
)
def test_property_vjp_equals_dLdA_at_J(z, g):
    a = sl.softmax(z)
    gold = np.einsum("nc,ncd->nd", g, sl.softmax_jacobian(a))
    np.testing.assert_allclose(sl.softmax_vjp(a, g), gold, rtol=0, atol=1e-12)


def test_composing_ce_through_j_gives_a_minus_y_and_the_general_form():
    rng = np.random.default_rng(9)
    z = rng.normal(size=(3, 4))
    a = sl.softmax(z)
    y = np.eye(4)[[0, 3, 1]]
    dLdA = -y / a
    np.testing.assert_allclose(sl.softmax_vjp(a, dLdA), a - y, rtol=0, atol=1e-12)
    soft = np.array([[0.2, 0.2, 0.1, 0.0], [0.5, 0.5, 0.5, 0.5], [1.0, 0.0, 0.0, 0.0]])
    mine = sl.softmax_vjp(a, -soft / a)
    gold = a * soft.sum(axis=1, keepdims=True) - soft
    np.testing.assert_allclose(mine, gold, rtol=0, atol=1e-12)
    assert np.abs(mine - (a - soft)).max() > 0.1  # a - y is wrong when rows do not sum to 1


def test_numerical_gradient_leaves_x_alone_and_checks_eps():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    gold = np.array([[3.0, 12.0], [0.75, 27.0]])  # d/dx Σ x³ = 3x²
    np.testing.assert_allclose(sl.numerical_gradient(lambda v: (v**3).sum(), x), gold, rtol=1e-8)
    np.testing.assert_array_equal(x, before)
    assert sl.numerical_gradient(lambda v: float(v.sum()), np.array([1, 2])).dtype == np.float64
    for bad in (0.0, -1e-6, np.nan, np.inf):
        with pytest.raises(ValueError, match="eps"):
            sl.numerical_gradient(lambda v: 0.0, x, eps=bad)


def test_vjp_keeps_leading_dims_and_float32():
    rng = np.random.default_rng(12)
    z, g = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 3, 5))
    a = sl.softmax(z)
    gold = np.einsum("...c,...cd->...d", g, sl.softmax_jacobian(a))
    np.testing.assert_allclose(sl.softmax_vjp(a, g), gold, rtol=0, atol=1e-12)
    a32, g32 = a[0].astype(np.float32), g[0].astype(np.float32)
    mine = sl.softmax_vjp(a32, g32)
    assert mine.dtype == np.float32
    np.testing.assert_allclose(mine, gold[0], rtol=0, atol=1e-6)


def test_jacobian_of_a_one_hot_is_zero_and_masked_classes_drop_out():
    a = sl.softmax(np.array([[1e4, 0.0, -1e4], [-np.inf, 0.0, 0.0]]))
    J = sl.softmax_jacobian(a)
    np.testing.assert_array_equal(J[0], np.zeros((3, 3)))  # saturated: no gradient at all
    np.testing.assert_array_equal(J[1, 0], 0.0)
    np.testing.assert_array_equal(J[1, :, 0], 0.0)
    np.testing.assert_allclose(J[1, 1:, 1:], [[0.25, -0.25], [-0.25, 0.25]], rtol=1e-15)
