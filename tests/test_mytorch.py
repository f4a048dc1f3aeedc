"""The 11-785 interface against finite differences with random upstream gradients."""

import numpy as np
from scipy import special

from softmax_lab import numerical_gradient
from softmax_lab.mytorch import CrossEntropyLoss, Sigmoid, Softmax


def test_softmax_forward_and_backward():
    rng = np.random.default_rng(0)
    Z, dLdA = rng.normal(size=(4, 6)) * 3, rng.normal(size=(4, 6))
    sm = Softmax()
    np.testing.assert_allclose(sm.forward(Z), special.softmax(Z, axis=1), rtol=1e-13)
    np.testing.assert_allclose(sm.A, special.softmax(Z, axis=1), rtol=1e-13)
    gold = numerical_gradient(lambda v: float((special.softmax(v, axis=1) * dLdA).sum()), Z)
    np.testing.assert_allclose(sm.backward(dLdA), gold, rtol=1e-6, atol=1e-9)
    assert np.isfinite(sm.forward(np.array([[1000.0, 1001.0]]))).all()


def test_sigmoid_forward_and_backward():
    rng = np.random.default_rng(1)
    Z, dLdA = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    s = Sigmoid()
    np.testing.assert_allclose(s.forward(Z), special.expit(Z), rtol=1e-15)
    gold = numerical_gradient(lambda v: float((special.expit(v) * dLdA).sum()), Z)
    np.testing.assert_allclose(s.backward(dLdA), gold, rtol=1e-6, atol=1e-9)


def test_cross_entropy_loss_forward_and_backward():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(5, 3))
    Y = np.eye(3)[rng.integers(0, 3, size=5)]
    ce = CrossEntropyLoss()
    gold = -(Y * special.log_softmax(A, axis=1)).sum(axis=1).mean()
    np.testing.assert_allclose(ce.forward(A, Y), gold, rtol=1e-13)
    fd = numerical_gradient(lambda v: CrossEntropyLoss().forward(v, Y), A)
    np.testing.assert_allclose(ce.backward(), fd, rtol=1e-6, atol=1e-9)
    assert np.isfinite(ce.forward(np.array([[1e4, -1e4]]), np.array([[0.0, 1.0]])))


def test_cross_entropy_loss_backward_is_exact_only_when_rows_of_y_sum_to_one():
    import softmax_lab as sl

    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 4))
    Y = rng.uniform(size=(3, 4))  # rows sum to about 2
    ce = CrossEntropyLoss()
    ce.forward(A, Y)
    fd = numerical_gradient(lambda v: CrossEntropyLoss().forward(v, Y), A)
    np.testing.assert_allclose(sl.cross_entropy_grad(A, Y), fd, rtol=1e-6, atol=1e-9)
    assert np.abs(ce.backward() - fd).max() > 0.05  # the documented caveat, made visible


def test_softmax_forward_is_row_wise_and_stable():
    Z = np.array([[1000.0, 1001.0, 1002.0], [-1e308, 0.0, 1e308]])
    sm = Softmax()
    A = sm.forward(Z)
    np.testing.assert_allclose(A[0], special.softmax([0.0, 1.0, 2.0]), rtol=1e-15)
    np.testing.assert_array_equal(A[1], [0.0, 0.0, 1.0])
    dLdA = np.random.default_rng(4).normal(size=(2, 3))
    dLdZ = sm.backward(dLdA)
    np.testing.assert_array_equal(dLdZ[1], 0.0)  # saturated row passes no gradient
    np.testing.assert_allclose(dLdZ.sum(axis=1), 0.0, atol=1e-15)
