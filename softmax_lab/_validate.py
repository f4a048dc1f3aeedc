"""Input checks shared by the numeric modules."""

import math

import numpy as np


def as_float_array(z, name="z"):
    """``z`` as a floating array: integers and bools become float64, floats keep their dtype."""
    z = np.asarray(z)
    if z.dtype.kind in "biu":
        return z.astype(np.float64)
    if z.dtype.kind != "f":
        raise ValueError(f"{name} must be numeric, got dtype {z.dtype}")
    return z


def check_axis(z, axis, name="z"):
    """Raise when the reduced axis of ``z`` is empty or missing."""
    if z.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the classes)")
    if z.shape[axis] == 0:
        raise ValueError(f"{name} has an empty class axis (C = 0)")


def check_temperature(temperature):
    """Raise unless ``temperature`` is a finite number > 0."""
    try:
        t = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(f"temperature must be a number, got {temperature!r}") from None
    if not math.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be finite and > 0, got {t!r}")
    return t


def check_reduction(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    return reduction


def reduce_rows(per_row, reduction):
    """Apply a reduction to per-row values (N,): mean over N, sum, or none."""
    if reduction == "mean":
        return float(np.add.reduce(per_row, axis=None)) / per_row.size if per_row.size else np.nan
    if reduction == "sum":
        return float(np.add.reduce(per_row, axis=None))
    return per_row


def grad_scale(n_rows, reduction):
    """The factor a per-row gradient gets from the reduction: 1/N for the mean."""
    return 1.0 / n_rows if reduction == "mean" else 1.0
