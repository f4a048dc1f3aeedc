"""The worked examples of the reference notes, checked against exact values."""

import numpy as np
from scipy import special

import softmax_lab as sl
from softmax_lab.reference_examples import (
    BACKPROP_ALPHA,
    BACKPROP_INIT_SCALE,
    BACKPROP_X,
    BACKPROP_Y,
    OVERVIEW_CLAIMED,
    OVERVIEW_LOGITS,
    OVERVIEW_NORMALISED,
    OVERVIEW_TRUE,
    PENALTY_LOGITS,
    WRITEUP_A_PRINTED,
    WRITEUP_DLDA,
    WRITEUP_J_PRINTED,
    WRITEUP_Z,
    notes_backprop_loss,
    notes_backprop_step,
    notes_bce,
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


def test_writeup_printed_a_is_exact_a_rounded():
    A, _, _ = writeup_exact()
    np.testing.assert_array_equal(A.round(2), WRITEUP_A_PRINTED)
    assert 1e-3 < np.abs(A - WRITEUP_A_PRINTED).max() <= 5e-3


def test_overview_true_values_constant():
    np.testing.assert_allclose(sl.softmax(OVERVIEW_NORMALISED), OVERVIEW_TRUE, atol=5e-4)
    np.testing.assert_allclose(OVERVIEW_NORMALISED, OVERVIEW_LOGITS / 9, atol=5e-5)


def test_two_class_softmax_ce_equals_sigmoid_bce():
    # softmax-vs-sigmoid-notes.md: "both formula are mathematically equivalent for class
    # count = 2" (with the BCE sign fixed): softmax([z, 0])_0 = σ(z).
    z = np.random.default_rng(1).normal(size=6) * 4
    y = (z > 0.5).astype(float)
    logits, targets = np.stack([z, np.zeros(6)], axis=1), np.stack([y, 1 - y], axis=1)
    ce = sl.cross_entropy(logits, targets, reduction="none")
    bce = sl.binary_cross_entropy_with_logits(z, y, reduction="none")  # one element per row
    np.testing.assert_allclose(ce, bce, rtol=1e-13)
    # the notes' sign makes the y = 0 term a reward: it is not that loss
    a = special.expit(z)
    assert not np.allclose(notes_bce(a, y), bce)


def test_backprop_note_loss_is_one_over_c_of_cross_entropy():
    z = np.array([0.3, -1.0, 2.0, 0.0, 1.5])
    mine = notes_backprop_loss(sl.softmax(z), BACKPROP_Y)
    gold = -special.log_softmax(z)[4] / 5
    np.testing.assert_allclose(mine, gold, rtol=1e-13)


def test_backprop_note_step_never_uses_the_weights():
    rng = np.random.default_rng(2)
    b = np.zeros(5)
    w1 = rng.normal(size=(1, 5)) * BACKPROP_INIT_SCALE
    w2 = rng.normal(size=(1, 5)) * BACKPROP_INIT_SCALE
    w1_new, b1 = notes_backprop_step(w1, b)
    _, b2 = notes_backprop_step(w2, b)
    np.testing.assert_allclose(b1, b2, rtol=1e-12)  # the bias update ignores w
    gold_b = -BACKPROP_ALPHA * (np.full(5, 0.2) - BACKPROP_Y)
    np.testing.assert_allclose(b1, gold_b, rtol=1e-12)
    np.testing.assert_allclose((w1_new - w1)[0], b1 * BACKPROP_X, rtol=1e-12)  # dw = dz * X
    assert w1_new.shape == (1, 5)  # elementwise: no (C, D) weight matrix anywhere
