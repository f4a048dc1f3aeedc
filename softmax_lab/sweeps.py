"""Sweeps for the Gradients and Saturation pages, vectorised over the sweep points.

Each sweep builds a grid of logits (S, C) and evaluates every output/loss pair on
it in one call; no Python loop runs over the S points.
"""

import numpy as np

from softmax_lab.activations import entropy, hardmax, softmax
from softmax_lab.jacobian import softmax_vjp
from softmax_lab.jacobian_views import frobenius_norm
from softmax_lab.pairs import PAIRS

SATURATION_THRESHOLD = 1e-3


def check_range(low, high, name, positive=False, bound=1e4):
    """Validated (low, high) for a sweep: finite, low < high, within ±bound, > 0 if asked."""
    for v in (low, high):
        if v is None or not np.isfinite(v):
            raise ValueError(f"{name}: both ends must be finite numbers.")
        if abs(v) > bound:
            raise ValueError(f"{name}: keep both ends within ±{bound:g}.")
        if positive and v <= 0:
            raise ValueError(f"{name}: both ends must be > 0 (it is a log scale).")
    if not low < high:
        raise ValueError(f"{name}: the start ({low:g}) must be below the end ({high:g}).")
    return float(low), float(high)


def logit_grid(z, k, values):
    """Logits (S, C): the row z (C,) with z_k replaced by each of ``values`` (S,)."""
    grid = np.repeat(np.asarray(z, dtype=np.float64)[None, :], len(values), axis=0)
    grid[:, k] = values
    return grid


def prediction_wrong(key, grid, y, k):
    """Whether each point of the grid (S, C) still predicts wrongly (S,) bool.

    Softmax pairs: the argmax is not a labelled class (y > 0). Sigmoid pairs: class k's
    output is on the wrong side of 1/2 for its label y_k.
    """
    if PAIRS[key].output == "softmax":
        return y[np.argmax(grid, axis=-1)] <= 0
    return (PAIRS[key].probabilities(grid[:, k]) > 0.5) != (y[k] > 0.5)


def logit_sweep(z, y, k, values):
    """Loss (S,) and dL/dz_k (S,) of every pair as z_k runs over ``values`` (S,).

    Returns dict key -> {"loss", "grad", "saturated"}; "saturated" (S,) marks points
    with |dL/dz_k| < 1e-3 while the prediction is still wrong.

    Examples
    --------
    >>> out = logit_sweep(np.array([0.0, 0.0]), np.array([1.0, 0.0]), 0, np.array([-20.0, 0.0]))
    >>> bool(out["softmax_mse"]["saturated"][0]), bool(out["softmax_ce"]["saturated"][0])
    (True, False)
    """
    grid = logit_grid(z, k, values)
    y = np.asarray(y, dtype=np.float64)
    out = {}
    for key, pair in PAIRS.items():
        grad = pair.row_grad(grid, y)[:, k]
        wrong = prediction_wrong(key, grid, y, k)
        out[key] = {
            "loss": pair.row_loss(grid, y),
            "grad": grad,
            "saturated": (np.abs(grad) < SATURATION_THRESHOLD) & wrong,
        }
    return out


def intervals(x, mask):
    """Contiguous runs of ``mask`` (S,) as (start, end) pairs of x values.

    Examples
    --------
    >>> intervals(np.arange(6.0), np.array([1, 1, 0, 0, 1, 1], bool))
    [(0.0, 1.0), (4.0, 5.0)]
    """
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return [(float(x[s]), float(x[e - 1])) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def readouts(grid, y):
    """For logits (S, C): each pair's gradient norm, and the softmax J norm, entropy, top p."""
    a = softmax(grid)
    out = {f"grad:{key}": np.linalg.norm(p.row_grad(grid, y), axis=-1) for key, p in PAIRS.items()}
    out["jacobian_norm"] = frobenius_norm(a)
    out["entropy"] = entropy(grid)
    out["top_prob"] = a.max(axis=-1)
    return out


def scale_sweep(z, y, scales):
    """``readouts`` of s·z for each scale s (S,)."""
    grid = np.asarray(scales, dtype=np.float64)[:, None] * np.asarray(z, dtype=np.float64)[None]
    return readouts(grid, np.asarray(y, dtype=np.float64))


def temperature_sweep(z, y, temperatures):
    """``readouts`` of z / T for each temperature T (S,), gradients taken w.r.t. z / T."""
    grid = (
        np.asarray(z, dtype=np.float64)[None] / np.asarray(temperatures, dtype=np.float64)[:, None]
    )
    return readouts(grid, np.asarray(y, dtype=np.float64))


def limits(z):
    """Top probability and entropy in the two limits: T → 0 (argmax) and T → ∞ (uniform)."""
    h = hardmax(np.asarray(z, dtype=np.float64))
    ties = int(np.sum(h > 0))
    return {
        "argmax_top": float(h.max()),
        "argmax_entropy": float(np.log(ties)),
        "uniform_top": 1.0 / z.size,
        "uniform_entropy": float(np.log(z.size)),
    }


def gradient_descent(key, z, y, lr=1.0, steps=60):
    """Outputs (steps + 1, C) of a pair while plain gradient descent runs on the logits."""
    pair = PAIRS[key]
    z = np.array(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    history = [pair.probabilities(z)]
    for _ in range(steps):
        z -= lr * pair.row_grad(z, y)
        history.append(pair.probabilities(z))
    return np.array(history)


def double_softmax(z, y):
    """Loss and dL/dz of CE applied to softmax(z) (softmax twice), for one row (C,).

    Examples
    --------
    >>> loss, grad = double_softmax(np.array([10.0, 0.0]), np.array([1.0, 0.0]))
    >>> round(float(loss), 4)  # can never reach 0: softmax of probabilities is nearly flat
    0.3133
    """
    p = softmax(np.asarray(z, dtype=np.float64))
    y = np.asarray(y, dtype=np.float64)
    loss = PAIRS["softmax_ce"].row_loss(p, y)
    grad = softmax_vjp(p[None], PAIRS["softmax_ce"].row_grad(p, y)[None])[0]
    return float(loss), grad
