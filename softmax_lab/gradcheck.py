"""Central finite differences, the reference every analytic gradient is checked against."""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """∂f/∂x by central differences (f(x + ε) − f(x − ε)) / 2ε, one entry at a time.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar.
    x : array_like, any shape
        The point; the caller's array is not modified.
    eps : float
        The step ε > 0.

    Returns
    -------
    ndarray, float64, shaped like ``x``

    Examples
    --------
    >>> numerical_gradient(lambda v: (v ** 2).sum(), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"eps must be finite and > 0, got {eps!r}")
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad
