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


def subnormal_gap(dtype):
    """The gap past which exp(−gap) drops below the smallest normal number of ``dtype``:
    from there on the small probability keeps fewer and fewer significant bits.

    Examples
    --------
    >>> [round(subnormal_gap(t), 2) for t in (np.float64, np.float32, np.float16)]
    [708.4, 87.34, 9.7]
    """
    return float(-np.log(float(np.finfo(dtype).tiny)))


def zero_gap(dtype):
    """The exact gap past which stable softmax returns exactly 0 for the small class.

    exp(−gap) rounds to 0 (round to nearest, ties to even) once it is at most half the
    smallest subnormal s, so the cut-off is −log(s / 2) = −log s + log 2.

    Examples
    --------
    >>> [round(zero_gap(t), 3) for t in (np.float64, np.float32, np.float16)]
    [745.133, 103.972, 17.329]
    """
    return underflow_gap(dtype) + float(np.log(2.0))


def probability_at_gap(gaps, dtype):
    """The small probability of the row [0, −g] (G,) by stable softmax in ``dtype``."""
    gaps = np.asarray(gaps, dtype=np.float64)
    rows = np.stack([np.zeros_like(gaps), -gaps], axis=-1).astype(dtype)
    return softmax(rows)[..., 1].astype(np.float64)


def verify_zero_gap(dtype):
    """Evaluate stable softmax just inside and just past ``zero_gap``: (p inside, p past).

    The step is a few units in the last place of the gap in ``dtype`` (at least 1e-3),
    so the two rows really differ after rounding to the dtype.

    Examples
    --------
    >>> inside, past = verify_zero_gap(np.float32)
    >>> inside > 0, past == 0
    (True, True)
    """
    g = zero_gap(dtype)
    step = max(1e-3, 4 * float(np.spacing(np.asarray(g, dtype=dtype))))
    inside, past = probability_at_gap(np.array([g - step, g + step]), dtype)
    return float(inside), float(past)


def limits_table():
    """Per dtype: the naive overflow limit, the gaps where the small probability turns
    subnormal and exactly 0, and that 0 checked by evaluation."""
    out = {}
    for name, t in DTYPES.items():
        inside, past = verify_zero_gap(t)
        out[name] = {
            "overflow_limit": overflow_limit(t),
            "subnormal_gap": subnormal_gap(t),
            "zero_gap": zero_gap(t),
            "p_inside": inside,
            "p_past": past,
            "verified": bool(inside > 0 and past == 0),
        }
    return out


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
