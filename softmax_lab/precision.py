"""Where finite precision breaks softmax: overflow of the naive formula, underflow of
small probabilities, and what that does to log-probabilities and cross-entropy."""

import numpy as np

from softmax_lab.activations import log_softmax, overflow_limit, softmax

DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


def underflow_gap(dtype):
    """The gap max z − z_k past which stable softmax gives that class exactly 0.

    exp(−gap) falls below the smallest positive (subnormal) number of the dtype.

    Examples
    --------
    >>> [round(underflow_gap(t), 2) for t in (np.float64, np.float32, np.float16)]
    [744.44, 103.28, 16.64]
    """
    return float(-np.log(float(np.finfo(dtype).smallest_subnormal)))


def limits_table():
    """Per dtype: the naive overflow limit and the stable underflow gap."""
    return {
        name: {"overflow_limit": overflow_limit(t), "underflow_gap": underflow_gap(t)}
        for name, t in DTYPES.items()
    }


def gap_sweep(gaps, dtype, eps=1e-12):
    """A two-class row [0, −g] for each gap g (G,), computed in ``dtype``.

    Returns dict of (G,) float64 arrays: the small probability p, log p taken from p,
    log p from ``log_softmax``, and the cross-entropy of the small class computed as
    −log(p + eps) and from ``log_softmax``.
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    with np.errstate(over="ignore"):
        rows = np.stack([np.zeros_like(gaps), -gaps], axis=1).astype(dtype)
    p = softmax(rows)[:, 1].astype(np.float64)
    logp_exact = log_softmax(rows)[:, 1].astype(np.float64)
    with np.errstate(divide="ignore"):
        log_of_p = np.log(p)
    return {
        "p": p,
        "log_of_p": log_of_p,
        "log_softmax": logp_exact,
        "ce_eps": -np.log(p + eps),
        "ce_log_softmax": -logp_exact,
    }
