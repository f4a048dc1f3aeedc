"""What the Saturation page shows, computed: one function per section, NumPy only.

The sweeps feed the pairs u = s·z (scale) or u = z / T (temperature), so the gradient
they compute is dL/du; with respect to the raw logits it is dL/dz = s·dL/du or
dL/du / T. Each function returns a frozen dataclass with the numbers a section draws
and the text of its captions, built from those same numbers.
"""

from dataclasses import dataclass

import numpy as np

from softmax_lab import attention, precision, sweeps
from softmax_lab.jacobian_views import frobenius_norm

POINTS = 161
ATTENTION_DIMS = np.unique(np.round(np.logspace(0, np.log10(1024), 40)).astype(int))
ATTENTION_DRAWS = 16
EPS = 1e-12  # the eps of −log(p + eps), the trap the precision tab shows
GAPS = np.linspace(0.0, 800.0, 401)
PROBE_GAPS = (5.0, 20.0, 50.0, 120.0, 800.0)


@dataclass(frozen=True)
class SweepView:
    x: np.ndarray  # the scales or temperatures (S,)
    readouts: dict  # what the panels draw: gradient norms (w.r.t. u or z), ‖J‖_F, entropy, top p
    grad_name: str  # the gradient plotted, for the panel's title
    limits: dict  # reference lines {"top": [(y, label)], "entropy": [...]}
    caption: str


def scale_view(z, y, low, high, raw=False):
    """The scale sweep of row z (C,) with labels y over s in [low, high] (log-spaced).

    Examples
    --------
    >>> v = scale_view(np.array([2.0, 0.0]), np.array([0.0, 1.0]), 0.1, 100.0)
    >>> v.grad_name, "prediction is wrong" in v.caption
    ('‖dL/du‖, u = s·z,', True)
    """
    scales = np.logspace(np.log10(low), np.log10(high), POINTS)
    out = sweeps.scale_sweep(z, y, scales)
    shown = sweeps.raw_logit_gradients(out, scales) if raw else out
    ce, mse = out["grad:softmax_ce"][-1], out["grad:softmax_mse"][-1]
    wrong = sweeps.prediction_is_wrong(z, y)
    caption = (
        f"At s = {high:g}: ‖dL/du‖ (u = s·z) is {ce:.3g} for softmax + CE and {mse:.3g} for "
        f"softmax + MSE; with respect to the raw z both are s = {high:g} times larger "
        f"({ce * high:.3g} and {mse * high:.3g}). ‖J‖_F there is "
        f"{out['jacobian_norm'][-1]:.3g}. "
        + (
            "This row's prediction is wrong at every s > 0 (its argmax is not a labelled "
            "class), and CE's gradient a·Σy − y stays of order 1 however large s gets, while "
            "the MSE pairs multiply by the Jacobian, which vanishes."
            if wrong
            else "This row's prediction is right, so as s grows CE's gradient shrinks too: "
            "a·Σy − y goes to 0 as a approaches the labels."
        )
    )
    name = "‖dL/dz‖" if raw else "‖dL/du‖, u = s·z,"
    return SweepView(scales, shown, name, {}, caption)


def temperature_view(z, y, low, high, raw=False):
    """The temperature sweep of row z (C,) with labels y over T in [low, high].

    The reference lines are the two limits: T → 0 (argmax, ties split evenly) and
    T → ∞ (uniform); the caption gives the computed values at both ends beside them.
    """
    temps = np.logspace(np.log10(low), np.log10(high), POINTS)
    out = sweeps.temperature_sweep(z, y, temps)
    shown = sweeps.raw_logit_gradients(out, 1.0 / temps) if raw else out
    lim = sweeps.limits(z)
    reference = {
        "top": [(lim["argmax_top"], "T → 0: argmax"), (lim["uniform_top"], "T → ∞: 1/C")],
        "entropy": [
            (lim["argmax_entropy"], "T → 0: log #ties"),
            (lim["uniform_entropy"], "T → ∞: log C"),
        ],
    }
    caption = (
        f"At T = {low:g} the top probability is {out['top_prob'][0]:.4g} (limit "
        f"{lim['argmax_top']:.4g}: 1 / the number of tied top logits) and the entropy "
        f"{out['entropy'][0]:.4g} (limit {lim['argmax_entropy']:.4g}); at T = {high:g} they are "
        f"{out['top_prob'][-1]:.4g} and {out['entropy'][-1]:.4g} (limits 1/C = "
        f"{lim['uniform_top']:.4g} and log C = {lim['uniform_entropy']:.4g})."
    )
    name = "‖dL/dz‖" if raw else "‖dL/du‖, u = z / T,"
    return SweepView(temps, shown, name, reference, caption)


@dataclass(frozen=True)
class PrecisionView:
    limits: dict  # precision.limits_table()
    by_dtype: dict  # dtype name -> gap_sweep over GAPS
    probe: dict  # dtype name -> gap_sweep over PROBE_GAPS
    caption: str


def precision_view():
    """The finite-precision tab: the limits per dtype and the sweeps over the gap."""
    by_dtype = {name: precision.gap_sweep(GAPS, t, EPS) for name, t in precision.DTYPES.items()}
    probe = {
        name: precision.gap_sweep(np.array(PROBE_GAPS), t, EPS)
        for name, t in precision.DTYPES.items()
    }
    caption = precision.eps_caption(precision.eps_summary(GAPS, EPS), EPS)
    return PrecisionView(precision.limits_table(), by_dtype, probe, caption)


@dataclass(frozen=True)
class AttentionView:
    scaled: np.ndarray  # softmax(qKᵀ/√d) over the n keys
    unscaled: np.ndarray  # softmax(qKᵀ)
    sweep: dict  # attention.scaling_sweep over ATTENTION_DIMS
    caption: str


def attention_view(d, n, seed):
    """The attention tab for dimension d, n keys and a seed (already validated).

    The caption states the theory (each score has variance d) beside this draw's own
    numbers: the scores' standard deviation, the top weights and ‖J‖_F of each softmax.
    """
    q, K = attention.random_query_keys(d, n, seed)
    scaled = attention.attention_weights(q, K, scaled=True)
    unscaled = attention.attention_weights(q, K, scaled=False)
    sweep = attention.scaling_sweep(ATTENTION_DIMS, n, seed, draws=ATTENTION_DRAWS)
    spread = float(np.std(K @ q))
    caption = (
        f"q and the n = {n} keys have standard normal entries, so each score qᵀk has variance "
        f"d = {d}: unscaled scores spread like √d ≈ {np.sqrt(d):.1f} (this draw: standard "
        f"deviation {spread:.2f}), so as d grows the softmax saturates and its Jacobian, hence "
        f"the gradient, shrinks (here: top weight {unscaled.max():.3f}, ‖J‖_F = "
        f"{float(frobenius_norm(unscaled)):.3g}). Dividing by √d keeps the scores at unit "
        f"variance (top weight {scaled.max():.3f}, ‖J‖_F = "
        f"{float(frobenius_norm(scaled)):.3g}) for every d. The "
        f"curves average {ATTENTION_DRAWS} draws per d, built from the prefixes of one long q "
        "and K."
    )
    return AttentionView(scaled, unscaled, sweep, caption)
