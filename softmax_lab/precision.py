"""Where finite precision breaks softmax: overflow of the naive formula, underflow of
small probabilities, and what that does to log-probabilities and cross-entropy."""

from dataclasses import dataclass

import numpy as np

from softmax_lab.activations import log_softmax, naive_softmax, overflow_limit, softmax

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
    −log(p + eps) and from ``log_softmax``. Every step runs in ``dtype`` (eps too is
    rounded to it: 1e-12 is 0 in float16) and is widened to float64 only at the end.
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    with np.errstate(over="ignore"):
        rows = np.stack([np.zeros_like(gaps), -gaps], axis=1).astype(dtype)
    p_d = softmax(rows)[:, 1]
    logp_d = log_softmax(rows)[:, 1]
    with np.errstate(divide="ignore", under="ignore"):
        log_of_p = np.log(p_d).astype(np.float64)
        ce_eps = (-np.log(p_d + np.asarray(eps, dtype=dtype))).astype(np.float64)
    return {
        "p": p_d.astype(np.float64),
        "log_of_p": log_of_p,
        "log_softmax": logp_d.astype(np.float64),
        "ce_eps": ce_eps,
        "ce_log_softmax": -logp_d.astype(np.float64),
    }


def eps_summary(gaps, eps=1e-12):
    """What −log(p + eps) does in each dtype over the gaps (G,) of ``gap_sweep``.

    Returns
    -------
    dict dtype name -> dict
        "eps_in_dtype": eps rounded to the dtype; "inf_from_gap": the first gap where
        −log(p + eps) is inf (p and eps both 0), or None; "ceiling": its largest finite
        value (where it flattens); "flat_from_gap": the first gap where it is within 1%
        of that ceiling; "true_at_end": the true loss −log_softmax at the last gap.

    Examples
    --------
    >>> s = eps_summary(np.array([0.0, 10.0, 40.0]))
    >>> s["float16"]["eps_in_dtype"], s["float16"]["inf_from_gap"]
    (0.0, 40.0)
    """
    gaps = np.asarray(gaps, dtype=np.float64)
    out = {}
    for name, t in DTYPES.items():
        sweep = gap_sweep(gaps, t, eps)
        ce = sweep["ce_eps"]
        inf = np.flatnonzero(np.isinf(ce))
        finite = ce[np.isfinite(ce)]
        ceiling = float(finite.max()) if finite.size else float("nan")
        near = np.flatnonzero(np.isfinite(ce) & (ce >= 0.99 * ceiling))
        out[name] = {
            "eps_in_dtype": float(np.asarray(eps, dtype=t)),
            "inf_from_gap": float(gaps[inf[0]]) if inf.size else None,
            "ceiling": ceiling,
            "flat_from_gap": float(gaps[near[0]]) if near.size else None,
            "true_at_end": float(sweep["ce_log_softmax"][-1]),
        }
    return out


def eps_caption(summary, eps=1e-12):
    """The Finite precision tab's caption on −log(p + eps), from ``eps_summary``."""
    parts = []
    for name, v in summary.items():
        if v["inf_from_gap"] is not None:
            parts.append(
                f"in {name} eps rounds to {v['eps_in_dtype']:g}, so once p underflows to 0 "
                f"(from a gap of {v['inf_from_gap']:g} on this grid) −log(p + eps) is inf, "
                "the same failure as log p"
            )
        else:
            parts.append(
                f"in {name} (eps = {v['eps_in_dtype']:.3g}) it flattens at "
                f"{v['ceiling']:.4g} from a gap of about {v['flat_from_gap']:g}"
            )
    last = summary.get("float64", next(iter(summary.values())))["true_at_end"]
    return (
        f"For the row [0, −g], −log(p + eps) with eps = {eps:g} is computed in each dtype: "
        + "; ".join(parts)
        + f". There the loss stops growing and its gradient is gone. The true loss, "
        f"−log_softmax = g + log(1 + e^(−g)), keeps growing: {last:.4g} at the last gap. "
        "Past the zero gap of the table above, log p is −inf."
    )


# -- naive vs stable ------------------------------------------------------------------

LOST_DIGITS_ULPS = 16  # naive and stable may each round a few times; more is lost digits


@dataclass(frozen=True)
class NaiveCheck:
    """The naive exp(z)/Σexp(z) of one row next to the stable softmax, both in one dtype.

    Attributes
    ----------
    values : ndarray (C,)
        The row in the dtype (after rounding to it).
    naive, stable : ndarray (C,) float64
        The two results, computed in the dtype, widened for display.
    kind : str
        What the comparison found: "ok", "input_overflow" (a value does not fit in the
        dtype), "overflow" (exp of some value is inf), "sum_overflow" (no term overflows
        but their sum does, so every naive value is 0), "zero_by_zero" (every exp
        underflows to 0: 0/0), "underflow" (a class with a stable probability > 0 gets
        exactly 0), "lost_digits" (finite and nonzero, but off by more than
        ``LOST_DIGITS_ULPS`` units of the dtype's precision).
    worst_relative_error : float
        max_k |naive_k − stable_k| / stable_k over the classes with stable_k > 0 (inf
        where naive is not finite or 0 there).
    worst_class : int
        The class where that happens.
    message : str
        The verdict in words, with the numbers of this row.
    """

    values: np.ndarray
    naive: np.ndarray
    stable: np.ndarray
    kind: str
    worst_relative_error: float
    worst_class: int
    message: str

    @property
    def ok(self):
        return self.kind == "ok"


def naive_vs_stable(z, dtype, names=None):
    """Compute the naive and the stable softmax of one row z (C,) in ``dtype`` and say
    what, if anything, went wrong with the naive one.

    The verdict is read from the computed numbers (the exponentials, their sum and the
    two results), never from a rule about the logits alone.

    Parameters
    ----------
    z : array_like (C,)
        Logits (already divided by T); rounded to ``dtype`` first.
    dtype : np.float16, np.float32 or np.float64
    names : sequence of str, optional
        Class names for the message (default c0, c1, …).

    Returns
    -------
    NaiveCheck

    Examples
    --------
    >>> naive_vs_stable(np.array([11.0, 11.0]), np.float16).kind
    'sum_overflow'
    >>> naive_vs_stable(np.array([-100.0, -120.0]), np.float32).kind
    'underflow'
    """
    dtype = np.dtype(dtype).type
    name = np.dtype(dtype).name
    names = [f"c{k}" for k in range(np.size(z))] if names is None else list(names)
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(over="ignore"):
        values = z.astype(dtype)
    naive = naive_softmax(values).astype(np.float64)
    stable = softmax(values).astype(np.float64)
    with np.errstate(over="ignore", under="ignore"):
        terms = np.exp(values)
        total = np.sum(terms)
    positive = stable > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(positive, np.abs(naive - stable) / stable, 0.0)
    rel = np.where(positive & ~np.isfinite(naive), np.inf, rel)
    worst = int(np.argmax(rel)) if rel.size else 0
    worst_rel = float(rel[worst]) if rel.size else 0.0
    limit = overflow_limit(dtype)
    big = float(np.finfo(dtype).max)

    def cls(k):
        return f"{names[k]} (z = {float(values[k]):.6g})"

    bad_input = np.flatnonzero(np.isfinite(z) & ~np.isfinite(values))
    over = np.flatnonzero(np.isinf(terms) & np.isfinite(values))
    if bad_input.size:
        k = int(bad_input[0])
        kind = "input_overflow"
        message = (
            f"{names[k]} = {z[k]:.6g} does not fit in {name} (largest {big:.6g}): it becomes "
            f"{float(values[k])}, and the naive formula gives {_fmt(naive)}. Stable softmax "
            f"takes the limit and gives {_fmt(stable)}."
        )
    elif over.size:
        k = int(over[0])
        kind = "overflow"
        message = (
            f"Overflow: exp({float(values[k]):.6g}) is inf in {name} (above z = {limit:.2f}, "
            f"the log of its largest value), for {cls(k)}. inf/inf is NaN, so the naive "
            f"formula gives {_fmt(naive)}; the stable one gives {_fmt(stable)}."
        )
    elif not np.isfinite(total):
        kind = "sum_overflow"
        message = (
            f"The sum overflows: no exp(z) is inf, the largest is {float(terms.max()):.6g}, "
            f"but their sum passes {name}'s largest value {big:.6g}. Every term divided by inf "
            f"is 0, so the naive formula gives {_fmt(naive)}; the stable one gives "
            f"{_fmt(stable)}."
        )
    elif total == 0:
        kind = "zero_by_zero"
        message = (
            f"0/0: every exp(z) underflows to 0 in {name} (the largest z is "
            f"{float(values.max()):.6g}), so the naive formula divides 0 by 0 and gives "
            f"{_fmt(naive)}; the stable one gives {_fmt(stable)}."
        )
    elif (positive & (naive == 0)).any():
        k = int(np.flatnonzero(positive & (naive == 0))[0])
        kind = "underflow"
        message = (
            f"Underflow to 0: exp({float(values[k]):.6g}) is 0 in {name}, so the naive formula "
            f"gives {names[k]} a probability of exactly 0 where the stable one gives "
            f"{stable[k]:.3g}. Naive: {_fmt(naive)}; stable: {_fmt(stable)}."
        )
    elif worst_rel > LOST_DIGITS_ULPS * float(np.finfo(dtype).eps):
        kind = "lost_digits"
        message = (
            f"Lost digits: exp(z) is so small in {name} that it is subnormal (fewer significant "
            f"bits), and the naive result for {names[worst]} is off by {worst_rel:.2g} "
            f"(relative): {naive[worst]:.6g} against the stable {stable[worst]:.6g}."
        )
    else:
        kind = "ok"
        message = (
            f"In {name} the naive formula agrees with the stable one here: largest relative "
            f"difference {worst_rel:.2g}, within {LOST_DIGITS_ULPS} units of {name}'s precision "
            f"({float(np.finfo(dtype).eps):.2g}). No exp(z) overflowed (the largest z is "
            f"{float(values.max()):.6g}, the limit {limit:.2f}) and none underflowed to 0."
        )
    return NaiveCheck(values, naive, stable, kind, worst_rel, worst, message)


def _fmt(p, most=4):
    shown = ", ".join(f"{v:.3g}" for v in p[:most])
    return f"[{shown}{', …' if p.size > most else ''}]"
