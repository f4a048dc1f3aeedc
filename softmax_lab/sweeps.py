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

    Softmax pairs: the argmax of the logits (the first one on a tie) is not a class with
    the largest target, ``y[argmax z] < max y`` (for one-hot y: not the labelled class;
    for multi-hot y: not any labelled class). Sigmoid pairs: class k alone, σ(z_k) on the
    wrong side of 1/2 for its target, ``(σ(z_k) > 1/2) != (y_k > 1/2)``.

    Examples
    --------
    >>> grid = np.array([[3.0, 0.0], [-3.0, 0.0]])
    >>> prediction_wrong("softmax_ce", grid, np.array([0.0, 1.0]), 0).tolist()
    [True, False]
    >>> prediction_wrong("sigmoid_bce", grid, np.array([1.0, 0.0]), 0).tolist()
    [False, True]
    """
    y = np.asarray(y, dtype=np.float64)
    if PAIRS[key].output == "softmax":
        return y[np.argmax(grid, axis=-1)] < y.max()
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


def raw_logit_gradients(readouts, factors):
    """``readouts`` with each gradient norm taken with respect to the raw logits z.

    The pairs are fed u = f·z (f = s for a scale sweep, 1/T for a temperature sweep),
    so ‖dL/dz‖ = f·‖dL/du‖ at each point; ``factors`` (S,) are those f.

    Examples
    --------
    >>> raw_logit_gradients({"grad:x": np.array([1.0, 2.0]), "entropy": 0}, np.array([2.0, 0.5]))
    {'grad:x': array([2., 1.]), 'entropy': 0}
    """
    factors = np.asarray(factors, dtype=np.float64)
    return {k: v * factors if k.startswith("grad:") else v for k, v in readouts.items()}


def prediction_is_wrong(z, y):
    """Whether the argmax of z (the first on a tie) is not a class with the largest target.

    It does not change with a positive scale s·z or a temperature z / T.

    Examples
    --------
    >>> prediction_is_wrong(np.array([3.0, 1.0]), np.array([0.0, 1.0]))
    True
    """
    y = np.asarray(y, dtype=np.float64)
    return bool(y[int(np.argmax(z))] < y.max())


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


def gradient_descent(key, z, y, lr=1.0, steps=60, shared=False):
    """Outputs of a pair while plain gradient descent runs on the batch-mean loss.

    Parameters
    ----------
    key : str
        A key of ``PAIRS``.
    z, y : array_like (C,) or (N, C)
        Starting logits and targets; every row and class is updated at once (the only
        loop is over the ``steps``, which depend on each other).
    lr : float
        Step size.
    steps : int
        Number of steps (0 to 10 000).
    shared : bool
        False: descend on the logits themselves. True: the logits are z + b + β, with a
        bias b (C,) shared by the rows and an offset β shared by every output (a stand-in
        for any shared parameter below the outputs); descend on b and β, starting at 0.

    Returns
    -------
    ndarray (steps + 1, *z.shape)
        The outputs (softmax or sigmoid) after each step, the start first.

    Examples
    --------
    >>> out = gradient_descent("sigmoid_pos_ce", [[0.0, 0.0]], [[1.0, 0.0]], steps=40)
    >>> out[-1].round(2).tolist()  # the negative gets no gradient at all
    [[0.97, 0.5]]
    >>> out = gradient_descent("sigmoid_pos_ce", [[0.0, 0.0]], [[1.0, 0.0]], steps=40, shared=True)
    >>> bool((out[-1] > 0.85).all())  # through a shared parameter it rises as well
    True
    """
    pair = PAIRS[key]
    z0 = np.array(z, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), z0.shape)
    if not 0 <= int(steps) <= 10_000:
        raise ValueError(f"steps must be between 0 and 10000, got {steps}")
    n_rows = z0.shape[0] if z0.ndim == 2 else 1
    z = z0.copy()
    bias = np.zeros(z0.shape[-1])
    offset = 0.0
    history = np.empty((int(steps) + 1, *z0.shape))
    history[0] = pair.probabilities(z)
    for t in range(1, int(steps) + 1):
        dLdZ = pair.row_grad(z, y) / n_rows  # the loss is the mean over N
        if shared:
            db = dLdZ.reshape(-1, z0.shape[-1]).sum(axis=0)
            bias -= lr * db
            offset -= lr * db.sum()
            z = z0 + bias + offset
        else:
            z = z - lr * dLdZ
        history[t] = pair.probabilities(z)
    return history


def multilabel_optimum(y):
    """What each output can reach for targets y (C,) with several labels.

    Softmax + CE is minimised over the simplex at a = y / Σy, where its gradient in the
    general form a·Σy − y is exactly 0 (a − y is not) and the loss is Σy·H(y / Σy):
    m·log m for m hard labels, above 0 once m ≥ 2. Sigmoids reach every target, σ → y,
    and BCE's infimum is Σ_c H_b(y_c), 0 for hard labels (approached as |z| → ∞).

    Returns
    -------
    dict
        "softmax" a* (C,), "sigmoid" σ* (C,), "ce_min", "bce_inf" floats,
        "grad_general" a*·Σy − y (C,), "a_minus_y" a* − y (C,), and "grad_at_optimum",
        the softmax + CE pair's own gradient evaluated at logits log a* (−1000 where
        a* = 0, whose probability is exactly 0 in float64).

    Examples
    --------
    >>> out = multilabel_optimum(np.array([1.0, 1.0, 0.0, 0.0]))
    >>> out["softmax"].tolist(), round(out["ce_min"], 4), out["bce_inf"]
    ([0.5, 0.5, 0.0, 0.0], 1.3863, 0.0)
    >>> out["grad_general"].tolist(), out["a_minus_y"].tolist()
    ([0.0, 0.0, 0.0, 0.0], [-0.5, -0.5, 0.0, 0.0])
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or (y < 0).any() or y.sum() <= 0:
        raise ValueError("y must be a (C,) row of non-negative targets with Σy > 0")
    m = y.sum()
    a = y / m
    pos = y > 0
    ce_min = float(-(y[pos] * np.log(a[pos])).sum())
    s = np.clip(y, 0.0, 1.0)
    inner = (s > 0) & (s < 1)
    # Σ of binary entropies, summed as positive terms so hard labels give +0.0, never −0.0
    bce_inf = float(np.sum(-s[inner] * np.log(s[inner]) - (1 - s[inner]) * np.log1p(-s[inner])))
    z_star = np.where(pos, np.log(np.where(pos, a, 1.0)), -1000.0)
    return {
        "softmax": a,
        "sigmoid": s,
        "ce_min": ce_min,
        "bce_inf": bce_inf,
        "grad_general": a * m - y,
        "a_minus_y": a - y,
        "grad_at_optimum": PAIRS["softmax_ce"].row_grad(z_star, y),
    }


def double_softmax_floor(n_classes):
    """The smallest loss CE(softmax(p), e_k) can reach over probabilities p (C classes).

    The best p is e_k itself, whose softmax puts only e / (e + C − 1) on class k, so
    the loss never falls below log(1 + (C − 1)/e).

    Examples
    --------
    >>> round(double_softmax_floor(2), 4), round(double_softmax_floor(1000), 3)
    (0.3133, 5.909)
    """
    return float(np.log1p((n_classes - 1) / np.e))


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
