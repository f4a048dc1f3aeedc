"""Row reductions that stay fast when the class axis is short.

NumPy reduces a short contiguous last axis (C of about 10) with a fixed cost per
row, several times slower than it streams memory; broadcasting an (N, 1) column
over such rows costs the same. So a moderate batch of short rows is best worked on
as a (C, N) copy, classes first (``classes_first``), and a tall one, which would
not fit in cache twice, takes its maximum column by column (C vectorised calls, no
copy) and its sum as a matrix product with a vector of ones (BLAS), or is cut into
cache-sized blocks of rows (``tall_short_rows``, ``row_blocks``) that are each
moderate. Other shapes use the plain reductions. Results are the same: the maximum
exactly, the sum to rounding.
"""

import functools

import numpy as np

SHORT = 32  # classes at most
MODERATE = 16  # rows at least, for the (C, N) copy to pay off
TALL = 4096  # rows at least, for the column loop to beat the (C, N) copy
BLOCK = 32_768  # entries in a block of rows (256 KiB of float64): it stays in a core's L2


def _short_rows(z, axis):
    return (
        z.ndim == 2
        and axis in (-1, 1)
        and z.shape[1] <= SHORT
        and z.dtype.char in "fd"  # float32, float64
    )


def classes_first(z, axis):
    """Whether (N, C) ``z`` is faster to work on as a (C, N) copy: C ≤ 32, 16 ≤ N < 4096.

    Examples
    --------
    >>> classes_first(np.zeros((200, 10)), -1), classes_first(np.zeros((200, 1000)), -1)
    (True, False)
    """
    return _short_rows(z, axis) and MODERATE <= z.shape[0] < TALL


def tall_short_rows(z, axis):
    """Whether (N, C) ``z`` is a tall batch of short rows, C ≤ 32 and N ≥ 4096: big enough
    to be worked on one cache-sized block of rows at a time (``row_blocks``).

    Examples
    --------
    >>> tall_short_rows(np.zeros((100_000, 10)), -1), tall_short_rows(np.zeros((200, 10)), -1)
    (True, False)
    """
    return _short_rows(z, axis) and z.shape[0] >= TALL


def row_blocks(N, C):
    """Slices of at most ``BLOCK // C`` rows (at least one) that cover ``range(N)`` in order.

    Examples
    --------
    >>> [(rows.start, rows.stop) for rows in row_blocks(10_000, 10)]
    [(0, 3276), (3276, 6552), (6552, 9828), (9828, 13104)]
    """
    step = max(1, BLOCK // C)
    return [slice(start, start + step) for start in range(0, N, step)]


@functools.lru_cache(maxsize=64)
def _ones(C, dtype):
    ones = np.ones(C, dtype=dtype)
    ones.flags.writeable = False
    return ones


@functools.lru_cache(maxsize=64)
def steps(stop, step=1):
    """``np.arange(0, stop, step)`` as intp, cached read-only (row offsets for gathers).

    Examples
    --------
    >>> steps(9, 3)
    array([0, 3, 6])
    """
    offsets = np.arange(0, stop, step, dtype=np.intp)
    offsets.flags.writeable = False
    return offsets


def batch_sum(z):
    """Σ over the N rows (axis 0) of an (N, C) float array, shape (C,): a BLAS ones @ z.

    NumPy sums a tall array of short rows over axis 0 with a fixed cost per row;
    the matrix product streams it. Other arrays take the plain reduction.

    Examples
    --------
    >>> batch_sum(np.array([[1.0, -1.0], [2.0, 0.5]]))
    array([ 3. , -0.5])
    """
    if z.ndim != 2 or z.dtype.char not in "fd" or z.shape[1] > SHORT:
        return np.add.reduce(z, axis=0)
    return _ones(z.shape[0], z.dtype) @ z


def row_max(z, axis=-1):
    """max over ``axis`` with the axis kept (keepdims=True); NaN propagates.

    Examples
    --------
    >>> row_max(np.array([[1.0, 5.0], [np.nan, 0.0]]))
    array([[ 5.],
           [nan]])
    """
    if not _short_rows(z, axis) or z.shape[0] < TALL:
        return np.maximum.reduce(z, axis=axis, keepdims=True)
    top = z[:, 0].copy()
    for j in range(1, z.shape[1]):
        np.maximum(top, z[:, j], out=top)
    return top[:, None]


def row_sum(z, axis=-1):
    """sum over ``axis`` with the axis kept (keepdims=True).

    Examples
    --------
    >>> row_sum(np.array([[1.0, 5.0], [2.0, 0.5]]))
    array([[6. ],
           [2.5]])
    """
    if not _short_rows(z, axis) or not z.flags.c_contiguous:
        return np.add.reduce(z, axis=axis, keepdims=True)
    return (z @ _ones(z.shape[1], z.dtype))[:, None]
