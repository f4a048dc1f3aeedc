"""Softmax, its log, logsumexp and sigmoid: stable for finite input of any magnitude.

Every function shifts by the row maximum before ``exp``, so nothing overflows.
Infinities follow the limits: a ``-inf`` logit is a mask (probability exactly 0), a
row with ``+inf`` entries is uniform over them, and a row of all ``-inf`` is NaN, as
in SciPy and PyTorch. NaN spreads only within its own row.

Shapes: logits ``z`` are (N, C) with the classes on ``axis`` (the last by default);
any other shape works the same way along ``axis``. Integers compute in float64;
float16 and float32 keep their dtype.

Conventions against the libraries these names come from: ``softmax``, ``log_softmax``
and ``logsumexp`` give the values of ``scipy.special``'s functions and of
``torch.softmax``/``torch.log_softmax``/``torch.logsumexp`` along the same axis, and a
1-D input is one row. The default axis is the last (PyTorch's ``dim=-1``); SciPy's
default ``axis=None`` reduces over every element, so pass ``axis`` when comparing.
``entropy`` takes logits, not probabilities: it is ``scipy.stats.entropy(softmax(z),
axis=-1)``, whose own default axis is 0.
"""

import numpy as np

from softmax_lab._rows import classes_first, row_blocks, row_max, row_sum, tall_short_rows
from softmax_lab._validate import as_float_array, check_axis, check_temperature

# The warnings NumPy gives on the way to the limits this module documents: inf − inf
# in a +inf row, a gap past the float max, 0/0 and log 0 in a row of all −inf.
LIMITS = {"invalid": "ignore", "over": "ignore", "divide": "ignore"}


def _shifted(z, axis, temperature):
    """(z − max z) / T along ``axis`` in a fresh array, with the +inf rows at their limit.

    Returns the array, its class axis and whether it is transposed: a moderate
    batch of short rows comes back as a (C, N) copy, classes first, so that every
    later step runs along the long axis (see ``_rows``). ``_restore`` undoes it.
    Call it under ``np.errstate(**LIMITS)``: one context per public call is cheaper.
    """
    z = as_float_array(z)
    check_axis(z, axis)
    t = check_temperature(temperature)
    s, axis, flipped = _shift(z, axis)
    if t != 1.0:  # divide in float64, where any T in [1e-300, 1e300] is representable
        # A quotient past the dtype's range is the −inf the T -> 0 limit asks for.
        s = np.divide(s, t, dtype=np.float64).astype(z.dtype, copy=False)
    return s, axis, flipped


def _shift(z, axis):
    """z − max z along ``axis`` for a floating ``z`` already checked: ``_shifted`` at T = 1."""
    if classes_first(z, axis):
        s, axis, flipped = z.T.copy(), 0, True
        top = np.maximum.reduce(s, 0)  # (N,): broadcasts along each class row of s
        np.subtract(s, top, out=s)
    else:
        top, flipped = row_max(z, axis), False
        s = z - top  # a gap past the float max -> −inf
    if np.fmax.reduce(top, axis=None) == np.inf:  # fmax: a NaN row cannot hide it
        # +inf − +inf is NaN; a row whose max is +inf holds no NaN, so its NaNs are
        # exactly its +infs, and its limit is uniform over them.
        s = np.where(top == np.inf, np.where(np.isnan(s), 0.0, -np.inf), s).astype(z.dtype)
    return s, axis, flipped


def _restore(s, flipped):
    """``s`` back in the caller's (N, C) layout, C-contiguous, if ``_shifted`` flipped it."""
    return s.T.copy() if flipped else s


def _row_total(e, axis):
    """Σ e along ``axis`` (kept); float16 accumulates in float32 so long rows cannot overflow."""
    if e.dtype == np.float16:
        return np.add.reduce(e, axis=axis, keepdims=True, dtype=np.float32)
    return row_sum(e, axis)


def logsumexp(z, axis=-1):
    """log Σ exp(z) along ``axis``, computed as max z + log Σ exp(z − max z).

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    axis : int
        The class axis, which is reduced.

    Returns
    -------
    ndarray, shape (N,)
        ``+inf`` for rows with a ``+inf`` entry, ``-inf`` for rows of all ``-inf``.

    Examples
    --------
    >>> round(float(logsumexp(np.array([1000.0, 1000.0]))), 6)
    1000.693147
    >>> logsumexp(np.array([[0.0, 0.0], [-np.inf, -np.inf]])).round(4)
    array([0.6931,   -inf])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    top = np.max(z, axis=axis, keepdims=True)
    finite_top = np.where(np.isfinite(top), top, 0.0).astype(z.dtype)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.log(_row_total(np.exp(z - finite_top), axis)).astype(z.dtype) + finite_top
        out = np.where(np.isinf(top), top, out)
    return np.squeeze(out, axis=axis)[()]


def softmax(z, axis=-1, temperature=1.0):
    """Probabilities exp(z/T) / Σ exp(z/T) along ``axis``, computed from (z − max z)/T.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits; integers compute in float64, float16/float32 keep their dtype.
    axis : int
        The class axis.
    temperature : float
        T, finite and > 0. As T → 0 the result tends to the argmax one-hot (ties
        split evenly); as T → ∞ to the uniform distribution.

    Returns
    -------
    ndarray, shape (N, C)
        Each row sums to 1. A ``-inf`` logit gets probability 0, a row with ``+inf``
        entries is uniform over them, a row of all ``-inf`` is NaN.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1001.0, 1002.0])).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax(np.array([1.0, 3.0, 3.0]), temperature=1e-300)
    array([0. , 0.5, 0.5])
    >>> softmax(np.array([-np.inf, 0.0, 0.0]))
    array([0. , 0.5, 0.5])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    with np.errstate(**LIMITS):
        if tall_short_rows(z, axis):  # each block is shifted and normalised in cache
            p = np.empty_like(z)
            for rows in row_blocks(*z.shape):
                s, flipped = _softmax_rows(z[rows], 1, temperature)
                p[rows] = s.T if flipped else s
            return p
        return _restore(*_softmax_rows(z, axis, temperature))


def _softmax_rows(z, axis, temperature):
    """exp(s) / Σ exp(s) from ``_shifted``, in its array: (probabilities, flipped)."""
    s, axis, flipped = _shifted(z, axis, temperature)
    np.exp(s, out=s)
    np.divide(s, _row_total(s, axis), out=s)
    return s, flipped


def log_softmax(z, axis=-1, temperature=1.0):
    """Log-probabilities s − log Σ exp(s) with s = (z − max z)/T, along ``axis``.

    Finite wherever the true value is finite: the log is never taken of a
    probability that underflowed to 0.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    axis : int
        The class axis.
    temperature : float
        T, finite and > 0.

    Returns
    -------
    ndarray, shape (N, C)
        ≤ 0; ``-inf`` exactly where the probability is 0 (masked or beaten by ``+inf``).

    Examples
    --------
    >>> log_softmax(np.array([1000.0, 0.0, 0.0, 0.0]))
    array([    0., -1000., -1000., -1000.])
    """
    with np.errstate(**LIMITS):
        s, axis, flipped = _shifted(z, axis, temperature)
        s -= np.log(_row_total(np.exp(s), axis)).astype(s.dtype)
    return _restore(s, flipped)


def naive_softmax(z, axis=-1):
    """The textbook exp(z) / Σ exp(z) with no shift, kept for the overflow demonstration.

    Returns whatever NumPy gives (inf or NaN once a logit passes
    ``overflow_limit``), without printing warnings. Use ``softmax`` instead.

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    axis : int
        The class axis.

    Returns
    -------
    ndarray, shape (N, C)
        Correct for small logits, NaN or 0 where exp overflows or underflows.

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

    Parameters
    ----------
    dtype : a NumPy floating dtype

    Returns
    -------
    float
        About 709.78 (float64), 88.72 (float32), 11.09 (float16).

    Examples
    --------
    >>> [round(overflow_limit(t), 2) for t in (np.float64, np.float32, np.float16)]
    [709.78, 88.72, 11.09]
    """
    return float(np.log(float(np.finfo(dtype).max)))


def sigmoid(z):
    """σ(z) = 1 / (1 + exp(−z)) elementwise, stable for any magnitude.

    Only exp(−|z|) ∈ (0, 1] is ever formed, so nothing overflows.

    Parameters
    ----------
    z : array_like, shape (N, C) or any
        Logits, one independent output each.

    Returns
    -------
    ndarray, shape of ``z``
        In [0, 1].

    Examples
    --------
    >>> sigmoid(np.array([-1e308, 0.0, 1e308]))
    array([0. , 0.5, 1. ])
    """
    z = as_float_array(z)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype)


def log_sigmoid(z):
    """log σ(z) = min(z, 0) − log1p(exp(−|z|)) elementwise, stable for any magnitude.

    Its derivative is 1 − σ(z) = σ(−z).

    Parameters
    ----------
    z : array_like, shape (N, C) or any

    Returns
    -------
    ndarray, shape of ``z``
        ≤ 0; about z for z ≪ 0, about −exp(−z) for z ≫ 0.

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

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    axis : int
        The class axis.

    Returns
    -------
    ndarray, shape (N, C)
        1/k on each of the k largest entries, 0 elsewhere. NaN for rows holding a NaN
        or of all ``-inf`` (where softmax is NaN at every temperature).

    Examples
    --------
    >>> hardmax(np.array([2.0, 4.0, 4.0, 1.0]))
    array([0. , 0.5, 0.5, 0. ])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    top = np.max(z, axis=axis, keepdims=True)
    is_top = z == top
    ties = np.sum(is_top, axis=axis, keepdims=True)
    defined = (ties > 0) & (top > -np.inf)
    return np.where(defined, is_top / np.maximum(ties, 1), np.nan).astype(z.dtype)


def linear_normalise_defined(z, axis=-1):
    """Whether z / Σz is a probability distribution: every entry ≥ 0 and Σz > 0.

    Parameters
    ----------
    z : array_like, shape (N, C)
    axis : int
        The class axis, which is reduced.

    Returns
    -------
    ndarray of bool, shape (N,)

    Examples
    --------
    >>> linear_normalise_defined(np.array([[1.0, 3.0], [-1.0, 2.0], [0.0, 0.0]]))
    array([ True, False, False])
    """
    z = as_float_array(z)
    check_axis(z, axis)
    top = np.max(z, axis=axis)
    return np.all(z >= 0, axis=axis) & (top > 0) & (top < np.inf)


def linear_normalise(z, axis=-1):
    """z / Σz along ``axis``: the normalisation softmax is contrasted with.

    The row is first divided by its maximum, so Σ cannot overflow for finite z.

    Parameters
    ----------
    z : array_like, shape (N, C)
    axis : int
        The class axis.

    Returns
    -------
    ndarray, shape (N, C)
        NaN for the rows where ``linear_normalise_defined`` is False (a negative
        entry, a zero sum, an infinity or a NaN).

    Examples
    --------
    >>> linear_normalise(np.array([[1.0, 3.0], [-1.0, 2.0]]))
    array([[0.25, 0.75],
           [ nan,  nan]])
    """
    z = as_float_array(z)
    defined = np.expand_dims(linear_normalise_defined(z, axis), axis)
    top = np.where(defined, np.max(z, axis=axis, keepdims=True), 1.0)
    u = np.where(defined, z / top, np.nan)
    return (u / _row_total(u, axis)).astype(z.dtype)


def entropy(z, axis=-1, temperature=1.0):
    """Entropy in nats −Σ p log p of p = softmax(z / T), from log_softmax (0 · log 0 = 0).

    Its derivative through the logits is −p ⊙ (log p + H).

    Parameters
    ----------
    z : array_like, shape (N, C)
        Logits.
    axis : int
        The class axis, which is reduced.
    temperature : float
        T, finite and > 0.

    Returns
    -------
    ndarray, shape (N,)
        Between 0 (one-hot) and log C (uniform); NaN where softmax is NaN.

    Examples
    --------
    >>> float(entropy(np.zeros(4))) == float(np.log(4))
    True
    >>> float(entropy(np.array([1e6, 0.0])))
    0.0
    """
    logp = log_softmax(z, axis=axis, temperature=temperature)
    p = np.exp(logp)
    with np.errstate(invalid="ignore"):
        terms = np.where(p == 0, 0.0, -p * logp)  # NaN rows stay NaN
    return np.sum(terms, axis=axis)
