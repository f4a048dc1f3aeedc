"""Read-outs of the softmax Jacobian: its properties, how it shrinks, and a lumped view.

All take probabilities a of shape (C,) or a grid (G, C) and use closed forms, so a
sweep over G temperatures needs no loop.
"""

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.jacobian import softmax_jacobian


def frobenius_norm(a):
    """‖diag(a) − a aᵀ‖_F for probabilities (..., C), without forming J.

    ‖J‖² = Σa² − 2Σa³ + (Σa²)².

    Examples
    --------
    >>> a = np.array([0.2, 0.3, 0.5])
    >>> bool(np.isclose(frobenius_norm(a), np.linalg.norm(np.diag(a) - np.outer(a, a))))
    True
    """
    a = np.asarray(a, dtype=np.float64)
    s2 = np.sum(a * a, axis=-1)
    s3 = np.sum(a * a * a, axis=-1)
    return np.sqrt(np.maximum(s2 - 2 * s3 + s2 * s2, 0.0))


def max_diagonal(a):
    """The largest diagonal entry max a(1 − a) (..., ) of the Jacobian; at most 1/4.

    Examples
    --------
    >>> float(max_diagonal(np.array([0.5, 0.5])))
    0.25
    """
    a = np.asarray(a, dtype=np.float64)
    return np.max(a * (1 - a), axis=-1)


def temperature_sweep(z, temperatures):
    """Frobenius norm and largest diagonal of J for one row z (C,) at each T (G,).

    Returns (frobenius (G,), max_diagonal (G,)).
    """
    grid = np.asarray(z, dtype=np.float64)[None, :] / np.asarray(temperatures)[:, None]
    a = softmax(grid)
    return frobenius_norm(a), max_diagonal(a)


def properties(J, a):
    """Numbers that check J = diag(a) − a aᵀ: deviations, the bound 1/4 and the spectrum.

    Parameters
    ----------
    J : ndarray (C, C)
    a : ndarray (C,)

    Returns
    -------
    dict of floats and an eigenvalue array (C,) in ascending order.
    """
    eig = np.linalg.eigvalsh(J)
    off = -np.outer(a, a)
    idx = np.arange(a.size)
    off[idx, idx] = a * (1 - a)
    scale = max(float(eig[-1]), 1e-300)
    return {
        "asymmetry": float(np.abs(J - J.T).max()),
        "row_sum": float(np.abs(J.sum(axis=1)).max()),
        "col_sum": float(np.abs(J.sum(axis=0)).max()),
        "formula_error": float(np.abs(J - off).max()),
        "max_abs": float(np.abs(J).max()),
        "eigenvalues": eig,
        "smallest_abs_eigenvalue": float(np.abs(eig).min()),
        "rank": int(np.sum(eig > scale * a.size * np.finfo(float).eps * 10)),
    }


def lumped(a, names, keep):
    """Probabilities (keep + 1,) and names of the ``keep`` likeliest classes plus "other".

    The Jacobian of the lumped distribution equals the block sums of the full J (the
    "other" row and column add up its classes), so the view is exact, not sampled.

    Examples
    --------
    >>> p, n = lumped(np.array([0.1, 0.6, 0.3]), ["a", "b", "c"], keep=1)
    >>> p.tolist(), n
    ([0.6, 0.4], ['b', 'other (2 classes)'])
    """
    order = np.argsort(a)[::-1]
    top, rest = order[:keep], order[keep:]
    probs = np.append(a[top], a[rest].sum())
    return probs, [names[i] for i in top] + [f"other ({rest.size} classes)"]


def jacobian_of_row(a):
    """J (C, C) of one row of probabilities."""
    return softmax_jacobian(np.asarray(a, dtype=np.float64))


def max_abs_difference(x, y):
    """Largest |x − y| over the entries where both are finite; NaN when there are none.

    Examples
    --------
    >>> max_abs_difference(np.array([1.0, np.inf]), np.array([1.5, np.inf]))
    0.5
    >>> max_abs_difference(np.array([np.nan]), np.array([0.0]))
    nan
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    return float(np.abs(x[ok] - y[ok]).max()) if ok.any() else float("nan")
