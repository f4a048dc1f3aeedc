"""The softmax Jacobian J = diag(a) − a aᵀ and three ways to backpropagate through it.

``softmax_vjp`` is the one to use: O(N·C), no Jacobian formed. The loop and the
batched versions exist to show (and measure) what it replaces.
"""

import numpy as np

from softmax_lab._rows import row_sum


def softmax_jacobian(a):
    """J = diag(a) − a aᵀ from probabilities a.

    Parameters
    ----------
    a : ndarray, shape (..., C)
        Softmax outputs.

    Returns
    -------
    ndarray, shape (..., C, C)
        Symmetric; each row and column sums to 0 when a sums to 1; every entry lies
        in [−1/4, 1/4].

    Examples
    --------
    >>> softmax_jacobian(np.array([0.5, 0.5]))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    a = np.asarray(a, dtype=np.float64)
    J = -a[..., :, None] * a[..., None, :]
    idx = np.arange(a.shape[-1])
    J[..., idx, idx] += a
    return J


def softmax_vjp(a, dLdA):
    """dLdZ = dLdA · J = a ⊙ (dLdA − Σ_c dLdA_c a_c), row by row, in O(N·C).

    Parameters
    ----------
    a : ndarray, shape (N, C)
        Softmax outputs of the forward pass.
    dLdA : ndarray, shape (N, C)
        Upstream gradient.

    Returns
    -------
    ndarray, shape (N, C)

    Examples
    --------
    >>> a = np.array([[0.2, 0.3, 0.5]])
    >>> softmax_vjp(a, np.array([[1.0, 0.0, 0.0]])).round(4)
    array([[ 0.16, -0.06, -0.1 ]])
    """
    a = np.asarray(a)
    dLdA = np.asarray(dLdA)
    out = dLdA * a
    inner = row_sum(out) if out.ndim == 2 else np.sum(out, axis=-1, keepdims=True)
    np.subtract(dLdA, inner, out=out)
    out *= a
    return out


def softmax_backward_loop(a, dLdA):
    """The reference writeup's backward: one explicit C × C Jacobian per row, O(N·C²).

    Kept as the baseline the other two are checked and timed against.

    Parameters
    ----------
    a : ndarray, shape (N, C)
        Softmax outputs of the forward pass (the writeup's ``self.A``).
    dLdA : ndarray, shape (N, C)
        Upstream gradient.

    Returns
    -------
    ndarray, shape (N, C)

    Examples
    --------
    >>> a = np.array([[0.2, 0.3, 0.5]])
    >>> softmax_backward_loop(a, np.array([[1.0, 0.0, 0.0]])).round(4)
    array([[ 0.16, -0.06, -0.1 ]])
    """
    a, dLdA = np.asarray(a, dtype=np.float64), np.asarray(dLdA, dtype=np.float64)
    N, C = dLdA.shape
    dLdZ = np.zeros((N, C))
    for i in range(N):
        J = np.zeros((C, C))
        for m in range(C):
            for n in range(C):
                J[m, n] = a[i, m] * (1 - a[i, m]) if m == n else -a[i, m] * a[i, n]
        dLdZ[i, :] = dLdA[i, :] @ J
    return dLdZ


def softmax_backward_batched(a, dLdA):
    """dLdZ from all N Jacobians at once: (N, C, C) memory, O(N·C²) time.

    Parameters
    ----------
    a : ndarray, shape (N, C)
        Softmax outputs of the forward pass.
    dLdA : ndarray, shape (N, C)
        Upstream gradient.

    Returns
    -------
    ndarray, shape (N, C)
        dLdA[i] @ J[i] for every row i.

    Examples
    --------
    >>> a = np.array([[0.2, 0.3, 0.5]])
    >>> softmax_backward_batched(a, np.array([[1.0, 0.0, 0.0]])).round(4)
    array([[ 0.16, -0.06, -0.1 ]])
    """
    return np.einsum("nc,ncd->nd", np.asarray(dLdA, dtype=np.float64), softmax_jacobian(a))
