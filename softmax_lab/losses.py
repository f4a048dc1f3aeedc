"""Cross-entropy on logits and binary cross-entropy on logits, each with its gradient.

Both follow the PyTorch functions they are named after. ``cross_entropy``: one loss
per sample (the classes are summed), so ``"none"`` returns (N,) for (N, C) logits,
``"mean"`` averages over the N samples, and a 1-D input (C,) is one sample.
``binary_cross_entropy_with_logits``: one loss per element, so ``"none"`` returns the
input's shape and ``"mean"`` averages over every element.
"""

import numpy as np

from softmax_lab._rows import BLOCK, row_blocks, steps
from softmax_lab._validate import (
    as_float_array,
    check_axis,
    check_reduction,
    grad_scale,
    reduce_rows,
)
from softmax_lab.activations import (
    LIMITS,
    _restore,
    _row_total,
    _shift,
    log_sigmoid,
    log_softmax,
    sigmoid,
    softmax,
)


def _targets(logits, y, axis, label_smoothing):
    """Targets shaped like ``logits``: class indices become one-hot rows, then smoothing."""
    C = logits.shape[axis]
    y = np.asarray(y)
    if (
        y.dtype.kind in "iu"
        and y.shape == logits.shape[: axis % logits.ndim] + logits.shape[axis % logits.ndim + 1 :]
    ):
        if y.size and (y.min() < 0 or y.max() >= C):
            raise ValueError(f"y holds class indices outside 0 … {C - 1}")
        y = np.moveaxis(np.eye(C)[y], -1, axis)
    else:
        y = as_float_array(y, "y")
        if y.shape != logits.shape:
            raise ValueError(
                f"y must be class indices of shape {logits.shape[:-1]} or targets of shape "
                f"{logits.shape}, got {y.shape}"
            )
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing!r}")
    if label_smoothing:
        y = (1.0 - label_smoothing) * y + label_smoothing / C
    return y


def _class_indices(logits, y, axis, label_smoothing):
    """``y`` as validated class indices (N,) when the fast gather path applies, else None.

    The path takes integer class indices of shape (N,) for (N, C) logits with the
    classes last and no smoothing.
    """
    if label_smoothing or logits.ndim != 2 or axis not in (-1, 1):
        return None
    y = np.asarray(y)
    if y.dtype.kind not in "iu" or y.shape != (logits.shape[0],):
        return None
    y = y.astype(np.intp, copy=False)
    C = logits.shape[1]
    # As unsigned, a negative index wraps past C, so one maximum checks both bounds.
    if y.size and np.maximum.reduce(y.view(np.uintp)) >= C:
        raise ValueError(f"y holds class indices outside 0 … {C - 1}")
    return y


def _target_positions(y, shape, flipped):
    """Flat positions of the entries (n, y_n) in a C-contiguous (N, C) array of ``shape``,
    or in its (C, N) transpose when ``flipped``."""
    if flipped:
        N = shape[1]
        return y * N + steps(N)
    N, C = shape
    return steps(N * C, C) + y


def _target_nll(logits, y):
    """−log softmax(z)_y per row (N,) of (N, C) logits, for class indices y (N,).

    It is log Σ exp(s) − s_y with s = z − max z, taken one cache-sized block of rows
    at a time (``row_blocks``): each shifted block is scratch, so a large batch
    allocates nothing of the logits' size. Call it under ``np.errstate(**LIMITS)``.
    """
    N, C = logits.shape
    if N * C <= BLOCK:
        return _block_nll(logits, y)
    nll = np.empty(N, dtype=np.result_type(logits.dtype, np.float32))
    for rows in row_blocks(N, C):
        nll[rows] = _block_nll(logits[rows], y[rows])
    return nll


def _block_nll(z, y):
    s, axis, flipped = _shift(z, 1)
    s_y = s.ravel().take(_target_positions(y, s.shape, flipped))  # ravel is in C order
    lse = np.log(_row_total(np.exp(s, out=s), axis)).ravel()
    return np.subtract(lse, s_y, out=lse)


def _prepare(logits, y, axis, reduction, label_smoothing):
    logits = as_float_array(logits, "logits")
    check_axis(logits, axis, "logits")
    check_reduction(reduction)
    return logits, _targets(logits, y, axis, label_smoothing)


def cross_entropy(logits, y, axis=-1, reduction="mean", label_smoothing=0.0):
    """Cross-entropy −Σ_c y_c log softmax(z)_c, from ``log_softmax`` (never log(p + eps)).

    Parameters
    ----------
    logits : array_like, shape (N, C)
    y : array_like, shape (N, C) targets (one-hot or soft), or (N,) integer class indices
    axis : int
        The class axis.
    reduction : {"mean", "sum", "none"}
        "mean" is the mean over N of the per-row sum over C.
    label_smoothing : float
        ε in [0, 1]: targets become (1 − ε)·y + ε/C.

    Returns
    -------
    float, or ndarray of shape (N,) for "none"
        ``inf`` where a target class has probability 0 (masked by ``-inf``).

    Raises
    ------
    ValueError
        Naming ``y`` (wrong shape, index out of range), ``reduction`` or
        ``label_smoothing``.

    Examples
    --------
    >>> round(cross_entropy(np.array([[1.0, 2.0, 3.0]]), np.array([2])), 6)
    0.407606
    >>> cross_entropy(np.array([[1000.0, 0.0]]), np.array([[0.5, 0.5]]), reduction="none")
    array([500.])
    """
    logits = as_float_array(logits, "logits")
    check_axis(logits, axis, "logits")
    check_reduction(reduction)
    idx = _class_indices(logits, y, axis, label_smoothing)
    if idx is not None:
        with np.errstate(**LIMITS):  # and a loss past the float max is reported as inf
            return reduce_rows(_target_nll(logits, idx), reduction)
    logits, y = _prepare(logits, y, axis, reduction, label_smoothing)
    logp = log_softmax(logits, axis=axis)
    with np.errstate(invalid="ignore"):
        terms = np.where(y != 0, -y * logp, 0.0)  # 0 · log 0 = 0 for masked classes
    with np.errstate(over="ignore"):  # a loss past the float max is reported as inf
        return reduce_rows(np.sum(terms, axis=axis), reduction)


def cross_entropy_grad(logits, y, axis=-1, reduction="mean", label_smoothing=0.0):
    """dL/dlogits of ``cross_entropy``: softmax(z)·Σy − y per row, scaled by the reduction.

    For rows of y that sum to 1 (one-hot, or soft labels) this is the familiar
    softmax(z) − y; it is not when a row of y sums to anything else.

    Parameters
    ----------
    logits, y, axis, reduction, label_smoothing
        As for ``cross_entropy``.

    Returns
    -------
    ndarray, shape (N, C)
        Divided by N for ``"mean"``; per row (unscaled) for ``"sum"`` and ``"none"``.

    Examples
    --------
    >>> cross_entropy_grad(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]))
    array([[-0.5,  0.5]])
    """
    logits = as_float_array(logits, "logits")
    check_axis(logits, axis, "logits")
    check_reduction(reduction)
    scale = grad_scale(max(1, logits.size // logits.shape[axis]), reduction)
    idx = _class_indices(logits, y, axis, label_smoothing)
    if idx is not None:  # one-hot rows sum to 1: (softmax(z) − y)·scale, built in place
        with np.errstate(**LIMITS):
            grad, axis, flipped = _shift(logits, axis)
            grad = np.ascontiguousarray(grad)
            np.exp(grad, out=grad)
            np.divide(grad, _row_total(grad, axis) / scale, out=grad)
        grad.ravel()[_target_positions(idx, grad.shape, flipped)] -= scale  # ravel is a view
        return _restore(grad, flipped)
    logits, y = _prepare(logits, y, axis, reduction, label_smoothing)
    return (softmax(logits, axis=axis) * np.sum(y, axis=axis, keepdims=True) - y) * scale


def _bce_terms(logits, y):
    """Elementwise −[y log σ(z) + (1 − y) log σ(−z)], with 0 · log 0 = 0 at z = ±inf."""
    with np.errstate(invalid="ignore"):
        pos = np.where(y > 0, y * log_sigmoid(logits), 0.0)
        neg = np.where(y < 1, (1 - y) * log_sigmoid(-logits), 0.0)
    return 0.0 - (pos + neg)  # +0.0 where both terms vanish, never −0.0


def _bce_inputs(logits, y, reduction):
    logits = as_float_array(logits, "logits")
    check_reduction(reduction)
    y = as_float_array(y, "y")
    if y.shape != logits.shape:
        raise ValueError(f"y must have the logits' shape {logits.shape}, got {y.shape}")
    return logits, y


def binary_cross_entropy_with_logits(logits, y, reduction="mean"):
    """Elementwise −[y log σ(z) + (1 − y) log(1 − σ(z))], from ``log_sigmoid``, reduced as
    PyTorch's ``binary_cross_entropy_with_logits`` does.

    Every element is its own binary problem, whatever the shape: a 1-D input is a
    vector of elements, not one row. Stable for any finite z; at ±inf it takes the
    limit: (+inf, y=1) → 0, (−inf, y=0) → 0, (+inf, y=0) → inf. The per-row sum over
    the classes, which the Gradients page compares with softmax + CE, is
    ``softmax_lab.pairs.bce_row_sums``.

    Parameters
    ----------
    logits : array_like, any shape, e.g. (N, C)
        One independent logit per element (multi-label).
    y : array_like, the logits' shape
        Targets in [0, 1].
    reduction : {"mean", "sum", "none"}
        "none" returns the elementwise losses in the input's shape; "mean" averages
        over every element (N·C of them for (N, C)); "sum" sums them.

    Returns
    -------
    float, or ndarray of the input's shape for "none"

    Examples
    --------
    >>> z, y = np.array([[0.0, 1000.0]]), np.array([[1.0, 1.0]])
    >>> binary_cross_entropy_with_logits(z, y, reduction="none").round(6)
    array([[0.693147, 0.      ]])
    >>> round(binary_cross_entropy_with_logits(z, y), 6)  # (log 2 + 0) / 2 elements
    0.346574
    """
    logits, y = _bce_inputs(logits, y, reduction)
    with np.errstate(over="ignore"):  # a loss past the float max is reported as inf
        terms = _bce_terms(logits, y)
        if reduction == "none":
            return terms
        total = float(np.sum(terms))
    if reduction == "sum":
        return total
    return total / terms.size if terms.size else float("nan")


def binary_cross_entropy_with_logits_grad(logits, y, reduction="mean"):
    """dL/dlogits of ``binary_cross_entropy_with_logits``: σ(z) − y, scaled by the reduction.

    Parameters
    ----------
    logits, y : array_like, any shape (the same)
    reduction : {"mean", "sum", "none"}
        "mean" divides by the number of elements (N·C for (N, C)), as PyTorch's mean
        does; "sum" and "none" give σ(z) − y unscaled ("none": each element's own
        derivative, what ``loss.backward(ones)`` gives in PyTorch).

    Returns
    -------
    ndarray, the input's shape

    Examples
    --------
    >>> binary_cross_entropy_with_logits_grad(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]))
    array([[-0.25,  0.25]])
    """
    logits, y = _bce_inputs(logits, y, reduction)
    return (sigmoid(logits) - y) * grad_scale(max(1, logits.size), reduction)
