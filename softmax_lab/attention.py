"""Why attention divides by √d: scores qᵀk of unit-variance vectors have variance d.

Without the scale the softmax over n keys saturates as d grows: one weight near 1,
the entropy near 0 and the Jacobian, hence the gradient, near 0.
"""

import numpy as np

from softmax_lab.activations import entropy, softmax
from softmax_lab.jacobian_views import frobenius_norm

MAX_D = 1024
MAX_KEYS = 512
MAX_SEED = 2**32 - 1


def check_inputs(d, n, seed):
    """Validated integers (d, n, seed): 1 ≤ d ≤ 1024, 2 ≤ n ≤ 512, 0 ≤ seed < 2³².

    Raises ValueError naming the bad parameter (NaN, fractions and out-of-range values).

    Examples
    --------
    >>> check_inputs(64.0, 16, 0)
    (64, 16, 0)
    """
    out = []
    for name, v, low, high in (
        ("d", d, 1, MAX_D),
        ("n", n, 2, MAX_KEYS),
        ("seed", seed, 0, MAX_SEED),
    ):
        if v is None or not np.isfinite(v) or float(v) != int(v):
            raise ValueError(f"{name} must be a whole number, got {v!r}")
        if not low <= int(v) <= high:
            raise ValueError(f"{name} must be between {low} and {high}, got {int(v)}")
        out.append(int(v))
    return tuple(out)


def random_query_keys(d, n, seed=0):
    """A query q (d,) and keys K (n, d) with standard normal entries (see ``check_inputs``)."""
    d, n, seed = check_inputs(d, n, seed)
    rng = np.random.default_rng(seed)
    return rng.normal(size=d), rng.normal(size=(n, d))


def attention_weights(q, K, scaled=True):
    """softmax(K q / √d) over the n keys (n,); without the 1/√d when ``scaled`` is False.

    Examples
    --------
    >>> q, K = random_query_keys(4, 3, seed=0)
    >>> float(attention_weights(q, K).sum())
    1.0
    """
    scores = K @ q
    return softmax(scores / np.sqrt(q.size) if scaled else scores)


def scaling_sweep(dims, n, seed=0, draws=16):
    """Mean top weight, entropy and ‖J‖_F over ``draws`` random (q, K), for each d in
    ``dims``, with and without the 1/√d.

    All prefix dot products come from one cumulative sum over the feature axis, so
    the sweep has no loop over d. Returns dict "scaled"/"unscaled" -> name -> (len(dims),).
    """
    dims = np.asarray(dims, dtype=np.int64)
    rng = np.random.default_rng(seed)
    d_max = int(dims.max())
    q = rng.normal(size=(draws, 1, d_max))
    K = rng.normal(size=(draws, n, d_max))
    prefix = np.cumsum(q * K, axis=-1)[..., dims - 1]  # (draws, n, D): qᵀk over the first d
    scores = np.moveaxis(prefix, -1, 0)  # (D, draws, n)
    out = {}
    for label, s in (("scaled", scores / np.sqrt(dims)[:, None, None]), ("unscaled", scores)):
        a = softmax(s)
        out[label] = {
            "top_weight": a.max(axis=-1).mean(axis=-1),
            "entropy": entropy(s).mean(axis=-1),
            "jacobian_norm": frobenius_norm(a).mean(axis=-1),
        }
    return out
