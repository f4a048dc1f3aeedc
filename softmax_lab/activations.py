"""Softmax, its log, logsumexp and sigmoid: stable for finite input of any magnitude.

Every function shifts by the row maximum before ``exp``, so nothing overflows.
Infinities follow the limits: a ``-inf`` logit is a mask (probability exactly 0), a
row with ``+inf`` entries is uniform over them, and a row of all ``-inf`` is NaN, as
in SciPy and PyTorch. NaN spreads only within its own row.
"""

import numpy as np

from softmax_lab._rows import row_max, row_sum
from softmax_lab._validate import as_float_array, check_axis, check_temperature


def _shifted(z, axis, temperature):
    """(z - max z) / T along ``axis``, with the +inf rows mapped to their limit."""
    z = as_float_array(z)
    check_axis(z, axis)
    t = check_temperature(temperature)
    top = row_max(z, axis)
    with np.errstate(invalid="ignore", over="ignore"):
        s = z - top  # +inf - +inf -> NaN, fixed below; a gap past the float max -> -inf
    if (top == np.inf).any():
        pos_inf = top == np.inf
        s = np.where(pos_inf, np.where(np.isposinf(z), 0.0, -np.inf), s).astype(z.dtype)
    if t != 1.0:
        with np.errstate(over="ignore", under="ignore"):
            s = s / np.asarray(t, dtype=z.dtype) if z.dtype != np.float64 else s / t
        s = np.where(np.isnan(s) & ~np.isnan(z), -np.inf, s).astype(z.dtype)
    return s


def logsumexp(z, axis=-1):
    """log Σ exp(z) along ``axis``, without overflow.

    Parameters
    ----------
    z : array_like, shape (N, C) or any
    axis : int
        The axis reduced (the classes).

    Returns
    -------
    ndarray
        ``z`` with ``axis`` removed.

    Examples
    --------
    >>> round(float(logsumexp(np.array([1000.0, 1000.0]))), 6)
    1000.693147
    """
    z = as_float_array(z)
    check_axis(z, axis)
    top = np.max(z, axis=axis, keepdims=True)
    finite_top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
        out = np.log(np.sum(np.exp(z - finite_top), axis=axis, keepdims=True)) + finite_top
        out = np.where(np.isinf(top), top, out)
    return np.squeeze(out, axis=axis)[()]


def softmax(z, axis=-1, temperature=1.0):
    """Probabilities exp(z/T) / Σ exp(z/T) along ``axis``, computed from z − max z.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits; integers compute in float64, float16/float32 keep their dtype.
    axis : int
        The class axis.
    temperature : float
        T > 0. As T → 0 the result tends to the argmax one-hot (ties split evenly).

    Returns
    -------
    ndarray, shape (N, C)
        Each row sums to 1. A row of all ``-inf`` is NaN.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1001.0, 1002.0])).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax(np.array([1.0, 3.0, 3.0]), temperature=1e-300)
    array([0. , 0.5, 0.5])
    """
    s = _shifted(z, axis, temperature)
    with np.errstate(invalid="ignore"):  # only a row of all -inf: 0/0 -> NaN
        np.exp(s, out=s)
        s /= row_sum(s, axis)
    return s


def log_softmax(z, axis=-1, temperature=1.0):
    """Log-probabilities (z − max z)/T − log Σ exp((z − max z)/T) along ``axis``.

    Finite wherever the true value is finite: the log is never taken of a
    probability that underflowed to 0.

    Parameters
    ----------
    z : array_like, shape (N, C)
    axis : int
    temperature : float

    Returns
    -------
    ndarray, shape (N, C)

    Examples
    --------
    >>> log_softmax(np.array([1000.0, 0.0, 0.0, 0.0]))
    array([    0., -1000., -1000., -1000.])
    """
    s = _shifted(z, axis, temperature)
    with np.errstate(invalid="ignore", divide="ignore"):
        lse = np.log(row_sum(np.exp(s), axis))
        s -= lse
    return s


def naive_softmax(z, axis=-1):
    """The textbook exp(z) / Σ exp(z) with no shift, kept for the overflow demonstration.

    Returns whatever NumPy gives (inf or NaN once a logit passes
    ``overflow_limit``), without printing warnings. Use ``softmax`` instead.

    Examples
    --------
    >>> naive_softmax(np.array([1000.0, 1001.0, 1002.0]))
    array([nan, nan, nan])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / np.sum(e, axis=axis, keepdims=True)


def overflow_limit(dtype):
    """The largest logit whose exp is finite in ``dtype``: log of its largest value.

    Examples
    --------
    >>> [round(overflow_limit(t), 2) for t in (np.float64, np.float32, np.float16)]
    [709.78, 88.72, 11.09]
    """
    return float(np.log(float(np.finfo(dtype).max)))


def sigmoid(z):
    """σ(z) = 1 / (1 + exp(−z)) elementwise, stable for any magnitude.

    Examples
    --------
    >>> sigmoid(np.array([-1e308, 0.0, 1e308]))
    array([0. , 0.5, 1. ])
    """
    z = as_float_array(z)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)


def log_sigmoid(z):
    """log σ(z) = −log(1 + exp(−z)) elementwise, stable for any magnitude.

    Examples
    --------
    >>> log_sigmoid(np.array([-1000.0, 0.0, 1000.0])).round(4).tolist()
    [-1000.0, -0.6931, 0.0]
    """
    z = as_float_array(z)
    with np.errstate(under="ignore"):
        return (np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))).astype(z.dtype)


def hardmax(z, axis=-1):
    """The argmax one-hot along ``axis``, ties split evenly (the T → 0 limit of softmax).

    Examples
    --------
    >>> hardmax(np.array([2.0, 4.0, 4.0, 1.0]))
    array([0. , 0.5, 0.5, 0. ])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    top = z == np.max(z, axis=axis, keepdims=True)
    return top / np.sum(top, axis=axis, keepdims=True)


def linear_normalise(z, axis=-1):
    """z / Σz along ``axis``; NaN for rows where that is not a distribution.

    A row is a distribution only if every entry is ≥ 0 and the sum is > 0.

    Examples
    --------
    >>> linear_normalise(np.array([[1.0, 3.0], [-1.0, 2.0]]))
    array([[0.25, 0.75],
           [ nan,  nan]])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    total = np.sum(z, axis=axis, keepdims=True)
    defined = np.all(z >= 0, axis=axis, keepdims=True) & (total > 0) & np.isfinite(total)
    with np.errstate(all="ignore"):
        return np.where(defined, z / np.where(defined, total, 1.0), np.nan)


def entropy(z, axis=-1, temperature=1.0):
    """Entropy in nats of softmax(z / T) along ``axis``, from log_softmax (0 · log 0 = 0).

    Parameters
    ----------
    z : array_like, shape (N, C)

    Returns
    -------
    ndarray, shape (N,)
        Between 0 (one-hot) and log C (uniform).

    Examples
    --------
    >>> float(entropy(np.zeros(4))) == float(np.log(4))
    True
    """
    logp = log_softmax(z, axis=axis, temperature=temperature)
    p = np.exp(logp)
    with np.errstate(invalid="ignore"):
        terms = np.where(p > 0, -p * logp, 0.0)
    return np.sum(terms, axis=axis)
