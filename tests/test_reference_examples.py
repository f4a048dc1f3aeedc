"""The worked examples of the reference notes, checked against exact values."""

import numpy as np
from scipy import special

import softmax_lab as sl
from softmax_lab.reference_examples import (
    BACKPROP_X,
    OVERVIEW_CLAIMED,
    OVERVIEW_LOGITS,
    OVERVIEW_NORMALISED,
    PENALTY_LOGITS,
    WRITEUP_A_PRINTED,
    WRITEUP_DLDA,
    WRITEUP_J_PRINTED,
    WRITEUP_Z,
    writeup_exact,
)


def test_writeup_exact_jacobian_and_its_rounded_printed_version():
    A, J, _ = writeup_exact()
    gold_A = special.softmax(WRITEUP_Z, axis=1)
    np.testing.assert_allclose(A, gold_A, rtol=1e-14)
    gold_J = np.stack([np.diag(a) - np.outer(a, a) for a in gold_A])
    np.testing.assert_allclose(J, gold_J, rtol=0, atol=1e-15)
    np.testing.assert_allclose(J[0, 0, 0], 0.0819251, atol=1e-7)
    # The printed J is J of A rounded to two decimals: exact to print precision...
    np.testing.assert_allclose(
        sl.softmax_jacobian(WRITEUP_A_PRINTED), WRITEUP_J_PRINTED, atol=1e-12
    )
    # ... so it differs from the exact J: by < 3e-3 for the worked sample J(1), and visibly so.
    diff = np.abs(J - WRITEUP_J_PRINTED).max(axis=(1, 2))
    assert 1e-4 < diff[0] < 3e-3
    assert 1e-4 < diff[1] < 3.5e-3  # J(2)'s (3, 3) entry: printed 0.1344, exact 0.1312


def test_writeup_dLdZ_three_ways_to_1e_12():
    A, _, dLdZ = writeup_exact()
    a = special.softmax(WRITEUP_Z, axis=1)
    gold = np.stack(
        [g @ (np.diag(r) - np.outer(r, r)) for r, g in zip(a, WRITEUP_DLDA, strict=True)]
    )
    np.testing.assert_allclose(dLdZ, gold, rtol=0, atol=1e-15)
    np.testing.assert_allclose(dLdZ[0], [0.00660991, -0.05545093, 0.04884102], atol=1e-8)
    np.testing.assert_allclose(sl.softmax_backward_loop(A, WRITEUP_DLDA), dLdZ, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        sl.softmax_backward_batched(A, WRITEUP_DLDA), dLdZ, rtol=0, atol=1e-12
    )
    fd = sl.numerical_gradient(lambda z: float((sl.softmax(z) * WRITEUP_DLDA).sum()), WRITEUP_Z)
    np.testing.assert_allclose(dLdZ, fd, atol=1e-9)


def test_overview_note_mixes_up_the_logits_and_their_normalised_values():
    np.testing.assert_allclose(sl.softmax(OVERVIEW_LOGITS), OVERVIEW_CLAIMED, atol=1e-4)
    true = sl.softmax(OVERVIEW_NORMALISED)
    np.testing.assert_allclose(true, [0.241, 0.301, 0.241, 0.216], atol=1e-3)
    assert np.abs(true - OVERVIEW_CLAIMED).max() > 0.4


def test_penalty_example():
    np.testing.assert_allclose(sl.softmax(PENALTY_LOGITS), [0.11920292, 0.88079708], atol=1e-8)
    np.testing.assert_allclose(sl.linear_normalise(PENALTY_LOGITS), [0.25, 0.75], rtol=1e-15)


def test_backprop_note_weights_cancel_out():
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=(1, 5)) * 10, np.zeros(5)
    z = np.dot(BACKPROP_X, w.T) + b  # one scalar added to every class
    np.testing.assert_allclose(sl.softmax(z), sl.softmax(b), rtol=1e-12)
    np.testing.assert_allclose(sl.softmax(z), np.full(5, 0.2), rtol=1e-12)


def test_overflow_row():
    z = np.array([1000.0, 1001.0, 1002.0])
    assert np.isnan(sl.naive_softmax(z)).all()
    np.testing.assert_allclose(sl.softmax(z), [0.09003057, 0.24472847, 0.66524096], atol=1e-8)
