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


def rank_tolerance(a):
    """The rounding error of J = diag(a) − a aᵀ's eigenvalues when J is built from a (C,).

    Each entry a_m(δ_mn − a_n) is a difference of terms as large as a_m and a_m a_n, so
    it carries an error of a few units of eps times those terms, not times the result:
    a_m − a_m² for a_m ≈ 1 is tiny but is off by about eps. By Weyl's inequality an
    eigenvalue moves by at most the 2-norm of that error matrix, bounded here by
    C · eps · (max a + Σa²) (the standard C · eps · ‖·‖, taken on the terms that cancel).

    Examples
    --------
    >>> bool(rank_tolerance(np.array([0.5, 0.5])) == 2 * np.finfo(float).eps * 1.0)
    True
    """
    a = np.asarray(a, dtype=np.float64)
    return float(a.size * np.finfo(np.float64).eps * (a.max() + np.dot(a, a)))


def properties(J, a):
    """Numbers that check J = diag(a) − a aᵀ: deviations, the bound 1/4 and the spectrum.

    Parameters
    ----------
    J : ndarray (C, C)
    a : ndarray (C,)

    Returns
    -------
    dict
        Floats and an eigenvalue array (C,) in ascending order; "rank" counts the
        eigenvalues above ``rank_tolerance(a)`` ("tolerance"); "theoretical_rank" is
        (number of a > 0) − 1, the rank of J in exact arithmetic; "rank_reason" says
        why the two differ ("" when they agree); "psd" is whether the smallest
        eigenvalue is ≥ −tolerance (J is positive semi-definite in exact arithmetic).

    Examples
    --------
    >>> a = np.array([0.2, 0.3, 0.5])
    >>> p = properties(np.diag(a) - np.outer(a, a), a)
    >>> p["rank"], p["theoretical_rank"], p["psd"]
    (2, 2, True)
    """
    eig = np.linalg.eigvalsh(J)
    off = -np.outer(a, a)
    idx = np.arange(a.size)
    off[idx, idx] = a * (1 - a)
    tol = rank_tolerance(a)
    rank = int(np.sum(eig > tol))
    positive = int(np.count_nonzero(a > 0))
    theory = max(positive - 1, 0)
    if rank == theory:
        reason = ""
    elif rank < theory:
        hidden = np.sort(eig[eig <= tol])[::-1][: theory - rank]
        reason = (
            f"{theory - rank} eigenvalue(s) (largest {hidden.max():.2g}) are below the rounding "
            f"error of J's entries ({tol:.2g}): in float64 they cannot be told from 0, although "
            f"every one of the {positive} classes with a > 0 adds one in exact arithmetic."
        )
    else:
        reason = (
            f"{rank - theory} eigenvalue(s) above the rounding error {tol:.2g} that exact "
            "arithmetic says are 0: J was not built from this a."
        )
    return {
        "asymmetry": float(np.abs(J - J.T).max()),
        "row_sum": float(np.abs(J.sum(axis=1)).max()),
        "col_sum": float(np.abs(J.sum(axis=0)).max()),
        "formula_error": float(np.abs(J - off).max()),
        "max_abs": float(np.abs(J).max()),
        "eigenvalues": eig,
        "smallest_abs_eigenvalue": float(np.abs(eig).min()),
        "tolerance": tol,
        "rank": rank,
        "theoretical_rank": theory,
        "positive_classes": positive,
        "rank_reason": reason,
        "psd": bool(eig[0] >= -tol),
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
