"""The worked examples of the reference notes (``shared/reference/``), as constants.

Each one is used by the tests and offered by the app as a preset, next to the
exact values where the notes are wrong or rounded.
"""

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.jacobian import softmax_jacobian, softmax_vjp

# softmax-jacobian-writeup.md: the batch, its upstream gradient, and what it prints.
WRITEUP_Z = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 1.0]])
WRITEUP_DLDA = np.array([[0.1, -0.2, 0.1], [-0.1, 0.3, -0.2]])
WRITEUP_A_PRINTED = np.array([[0.09, 0.24, 0.67], [0.42, 0.42, 0.16]])
WRITEUP_J_PRINTED = np.array(
    [
        [[0.0819, -0.0216, -0.0603], [-0.0216, 0.1824, -0.1608], [-0.0603, -0.1608, 0.2211]],
        [[0.2436, -0.1764, -0.0672], [-0.1764, 0.2436, -0.0672], [-0.0672, -0.0672, 0.1344]],
    ]
)

# softmax-overview-note.md: the normalised-logits example and its mix-up.
OVERVIEW_LOGITS = np.array([2.0, 4.0, 2.0, 1.0])
OVERVIEW_NORMALISED = np.array([0.2222, 0.4444, 0.2222, 0.1111])
OVERVIEW_CLAIMED = np.array([0.1025, 0.7573, 0.1025, 0.0377])  # really softmax([2, 4, 2, 1])

# softmax-overview-note.md: the true softmax of OVERVIEW_NORMALISED, to 3 decimals.
OVERVIEW_TRUE = np.array([0.241, 0.301, 0.241, 0.216])

# softmax-vs-sigmoid-notes.md: the "penalty" example [1, 3]; linear normalisation gives
# [1/4, 3/4], softmax about [0.119, 0.881].
PENALTY_LOGITS = np.array([1.0, 3.0])

# softmax-cross-entropy-backprop.md, "Code": one sample X = [1..5], one-hot on the last
# class, learning rate 0.7, weights initialised as randn(1, 5) * 10.
BACKPROP_X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
BACKPROP_Y = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
BACKPROP_ALPHA = 0.7
BACKPROP_INIT_SCALE = 10.0


def writeup_exact():
    """Exact A (2, 3), J (2, 3, 3) and dLdZ (2, 3) for the writeup's batch.

    Examples
    --------
    >>> A, J, dLdZ = writeup_exact()
    >>> np.abs(J - WRITEUP_J_PRINTED).max(axis=(1, 2)).round(4)  # the printed J is rounded
    array([0.0024, 0.0032])
    """
    A = softmax(WRITEUP_Z)
    return A, softmax_jacobian(A), softmax_vjp(A, WRITEUP_DLDA)


def notes_bce(a, y):
    """The BCE as softmax-vs-sigmoid-notes.md writes it: −(y log a − (1 − y) log(1 − a)).

    The sign inside is wrong; the right one is −(y log a + (1 − y) log(1 − a)).

    Examples
    --------
    >>> round(float(notes_bce(0.5, 0.0)), 4)  # the right value is log 2 = 0.6931
    -0.6931
    """
    return -(y * np.log(a) - (1 - y) * np.log(1 - a))


def notes_backprop_loss(A, y):
    """The loss of softmax-cross-entropy-backprop.md: ``-np.mean(y * np.log(A))``.

    The mean runs over the C classes, so for one sample it is 1/C of the usual
    cross-entropy −Σ y log A.

    Parameters
    ----------
    A : ndarray, shape (C,)
        Probabilities.
    y : ndarray, shape (C,)
        One-hot target.

    Returns
    -------
    float

    Examples
    --------
    >>> A = np.array([0.2, 0.2, 0.2, 0.2, 0.2])
    >>> round(notes_backprop_loss(A, BACKPROP_Y) * 5, 6) == round(float(-np.log(0.2)), 6)
    True
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # the note's log(0) stays visible
        return float(-np.mean(np.where(y != 0, y * np.log(A), 0.0)))


def notes_backprop_step(w, b, alpha=BACKPROP_ALPHA):
    """One step of the note's training code (with a stable softmax): returns new w, b.

    ``z = np.dot(X, w.T) + b`` is one scalar added to every class, so the output is
    softmax(b) whatever w is; ``dw = dz * X`` is elementwise, not the outer product a
    (C, D) weight matrix needs.

    Parameters
    ----------
    w : ndarray, shape (1, 5)
    b : ndarray, shape (5,)
    alpha : float
        The learning rate.

    Returns
    -------
    (ndarray, ndarray)
        w of shape (1, 5) and b of shape (5,), as the note computes them.

    Examples
    --------
    >>> w, b = notes_backprop_step(np.ones((1, 5)), np.zeros(5))
    >>> b.round(2)
    array([-0.14, -0.14, -0.14, -0.14,  0.56])
    """
    A = softmax(np.dot(BACKPROP_X, w.T) + b)
    dz = A - BACKPROP_Y
    return w - alpha * dz * BACKPROP_X, b - alpha * dz
