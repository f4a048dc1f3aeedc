"""Output/loss pairs behind one interface: per-row loss and dL/dlogits.

Every method works on logits of shape (..., C) with classes on the last axis, so the
pages evaluate a whole sweep grid (S, C) in one call.

| key | output | loss per row | dL/dz |
|---|---|---|---|
| softmax_ce | softmax | −Σ y log a | a·Σy − y |
| sigmoid_bce | sigmoid | Σ BCE(σ(z), y) | σ(z) − y |
| softmax_mse | softmax | Σ (a − y)² | J · 2(a − y) |
| sigmoid_mse | sigmoid | Σ (σ − y)² | 2(σ − y) σ(1 − σ) |
| sigmoid_pos_ce | sigmoid | −Σ y log σ(z) | −y (1 − σ(z)) |
"""

from dataclasses import dataclass, field

import numpy as np

from softmax_lab._rows import row_sum
from softmax_lab._validate import check_reduction, grad_scale, reduce_rows
from softmax_lab.activations import log_sigmoid, log_softmax, sigmoid, softmax
from softmax_lab.jacobian import softmax_vjp
from softmax_lab.losses import _bce_terms


def _softmax_ce_loss(z, y):
    with np.errstate(invalid="ignore"):
        return np.where(y != 0, -y * log_softmax(z), 0.0).sum(-1)


def _softmax_ce_grad(z, y):
    a = softmax(z)
    a *= row_sum(y)
    return np.subtract(a, y, out=a)


def bce_row_sums(z, y):
    """Per-row sums over the C classes of the elementwise BCE on logits: (...,) for (..., C).

    This is the sigmoid + BCE pair's row loss, the view the pages compare with softmax +
    CE (one number per sample). It is not PyTorch's reduction: PyTorch's
    ``binary_cross_entropy_with_logits`` (and ``softmax_lab.binary_cross_entropy_with_logits``)
    averages over all N·C elements, so its "mean" is this mean over rows divided by C.

    Examples
    --------
    >>> bce_row_sums(np.array([[0.0, 1000.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 1.0]]))
    array([0.69314718, 1.38629436])
    """
    z, y = _arrays(z, y)
    return _bce_terms(z, y).sum(-1)


def _sigmoid_bce_loss(z, y):
    return _bce_terms(z, y).sum(-1)


def _sigmoid_bce_grad(z, y):
    return sigmoid(z) - y


def _softmax_mse_loss(z, y):
    return ((softmax(z) - y) ** 2).sum(-1)


def _softmax_mse_grad(z, y):
    a = softmax(z)
    return softmax_vjp(a, 2.0 * (a - y))


def _sigmoid_mse_loss(z, y):
    return ((sigmoid(z) - y) ** 2).sum(-1)


def _sigmoid_mse_grad(z, y):
    s = sigmoid(z)
    return 2.0 * (s - y) * s * (1.0 - s)


def _sigmoid_pos_ce_loss(z, y):
    with np.errstate(invalid="ignore"):
        return np.where(y != 0, -y * log_sigmoid(z), 0.0).sum(-1)


def _sigmoid_pos_ce_grad(z, y):
    return -y * (1.0 - sigmoid(z))


@dataclass(frozen=True)
class LossPair:
    """An output mapping with a loss on it: per-row loss (...,) and its gradient (..., C).

    Attributes
    ----------
    key, title : str
        The key in ``PAIRS`` and a human-readable name.
    output : {"softmax", "sigmoid"}
    formula, grad_formula : str
        LaTeX of the per-row loss and of dL/dz.
    saturates : bool
        Whether the gradient vanishes for confident wrong outputs.

    Examples
    --------
    >>> pair = PAIRS["softmax_ce"]
    >>> z, y = np.array([[0.0, 0.0], [1e300, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> pair.row_loss(z, y).round(4), pair.row_grad(z, y)
    (array([6.931e-01, 1.e+300]), array([[-0.5,  0.5],
           [ 1. , -1. ]]))
    """

    key: str
    title: str
    output: str
    formula: str
    grad_formula: str
    saturates: bool
    _loss: object = field(repr=False, compare=False)
    _grad: object = field(repr=False, compare=False)

    def probabilities(self, z):
        """The outputs (..., C): softmax over the last axis, or elementwise sigmoid."""
        z = np.asarray(z, dtype=np.float64)
        return softmax(z) if self.output == "softmax" else sigmoid(z)

    def row_loss(self, z, y):
        """Per-row loss (...,) of logits z (..., C) and targets y (broadcast to z): Σ over C."""
        z, y = _arrays(z, y)
        return self._loss(z, y)

    def row_grad(self, z, y):
        """d row_loss / dz, shape (..., C), for z (..., C) and y broadcast to z."""
        z, y = _arrays(z, y)
        return self._grad(z, y)


def _arrays(z, y):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if y.shape == z.shape:  # the common case; broadcast_to costs more than the step's math
        return z, y
    try:
        y = np.broadcast_to(y, z.shape)
    except ValueError:
        msg = f"y must broadcast to the logits' shape {z.shape}, got {y.shape}"
        raise ValueError(msg) from None
    return z, y


PAIRS = {
    p.key: p
    for p in (
        LossPair(
            "softmax_ce",
            "softmax + cross-entropy",
            "softmax",
            r"L = -\sum_c y_c \log \mathrm{softmax}(z)_c",
            r"\partial L/\partial z = a \textstyle\sum_c y_c - y",
            False,
            _softmax_ce_loss,
            _softmax_ce_grad,
        ),
        LossPair(
            "sigmoid_bce",
            "sigmoid + binary cross-entropy",
            "sigmoid",
            r"L = -\sum_c \left[y_c \log \sigma(z_c) + (1-y_c)\log(1-\sigma(z_c))\right]",
            r"\partial L/\partial z = \sigma(z) - y",
            False,
            _sigmoid_bce_loss,
            _sigmoid_bce_grad,
        ),
        LossPair(
            "softmax_mse",
            "softmax + MSE",
            "softmax",
            r"L = \sum_c (a_c - y_c)^2,\ a = \mathrm{softmax}(z)",
            r"\partial L/\partial z = 2(a - y)\,J,\ J = \mathrm{diag}(a) - a a^\top",
            True,
            _softmax_mse_loss,
            _softmax_mse_grad,
        ),
        LossPair(
            "sigmoid_mse",
            "sigmoid + MSE",
            "sigmoid",
            r"L = \sum_c (\sigma(z_c) - y_c)^2",
            r"\partial L/\partial z = 2(\sigma - y)\,\sigma(1-\sigma)",
            True,
            _sigmoid_mse_loss,
            _sigmoid_mse_grad,
        ),
        LossPair(
            "sigmoid_pos_ce",
            "sigmoid + positive-only CE (the mistake)",
            "sigmoid",
            r"L = -\sum_c y_c \log \sigma(z_c)",
            r"\partial L/\partial z = -y\,(1 - \sigma(z))",
            True,
            _sigmoid_pos_ce_loss,
            _sigmoid_pos_ce_grad,
        ),
    )
}


def _pair(key):
    if key not in PAIRS:
        raise ValueError(f"pair must be one of {', '.join(PAIRS)}; got {key!r}")
    return PAIRS[key]


def pair_loss(key, z, y, reduction="mean"):
    """The loss of pair ``key`` on logits (N, C): mean over N, sum, or per row.

    Parameters
    ----------
    key : str
        One of ``PAIRS``; anything else raises ValueError naming ``pair``.
    z : array_like, shape (N, C)
        Logits.
    y : array_like, shape (N, C)
        Targets.
    reduction : {"mean", "sum", "none"}
        "mean" is the mean over N of the per-row sum over C.

    Returns
    -------
    float, or ndarray of shape (N,) for "none"

    Examples
    --------
    >>> round(pair_loss("sigmoid_mse", np.zeros((2, 2)), np.eye(2)), 6)
    0.5
    """
    check_reduction(reduction)
    return reduce_rows(np.atleast_1d(_pair(key).row_loss(z, y)), reduction)


def pair_grad(key, z, y, reduction="mean"):
    """dL/dz of ``pair_loss`` with the same reduction (1/N for the mean).

    Parameters
    ----------
    key, z, y, reduction
        As for ``pair_loss``.

    Returns
    -------
    ndarray, shape (N, C)

    Examples
    --------
    >>> pair_grad("sigmoid_bce", np.zeros((2, 2)), np.eye(2))
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """
    check_reduction(reduction)
    g = _pair(key).row_grad(z, y)
    n_rows = max(1, g.size // g.shape[-1])
    return g * grad_scale(n_rows, reduction)
