"""What the Gradients page shows, computed: one function per section, NumPy only.

Every pair is fed the same logits u = z / T, so the gradients here are dL/du; the
gradient with respect to the raw logits is dL/dz = dL/du / T. Each function returns a
small frozen dataclass with the numbers a section renders and the text of its captions,
so the page only draws and the claims in the text are computed from the same numbers.
"""

from dataclasses import dataclass

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.gradcheck import numerical_gradient
from softmax_lab.pairs import PAIRS, pair_grad, pair_loss
from softmax_lab.sweeps import SATURATION_THRESHOLD, gradient_descent, prediction_wrong

MAX_BARS = 40  # classes shown in the per-class bars
MAX_FD_CLASSES = 50  # finite differences cost 2 loss evaluations per class
DESCENT_STEPS = 60


@dataclass(frozen=True)
class RowView:
    """The row every section starts from: per-pair loss (float) and dL/du (C,)."""

    losses: dict
    grads: dict
    shown: np.ndarray  # the classes drawn: labelled ones first, then the largest |dL/du|


def row_view(u, y):
    """Loss and dL/du of every pair for one row u (C,), y (C,).

    Examples
    --------
    >>> v = row_view(np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    >>> round(v.losses["softmax_ce"], 6), v.grads["softmax_ce"].tolist(), v.shown.tolist()
    (0.693147, [-0.5, 0.5], [0, 1])
    """
    losses = {k: float(p.row_loss(u, y)) for k, p in PAIRS.items()}
    grads = {k: p.row_grad(u, y) for k, p in PAIRS.items()}
    if len(y) <= MAX_BARS:
        shown = np.arange(len(y))
    else:
        size = np.max(np.abs(np.stack(list(grads.values()))), axis=0) + (y > 0) * 1e9
        shown = np.sort(np.argsort(-size, kind="stable")[:MAX_BARS])
    return RowView(losses, grads, shown)


def finite_difference_error(pair, u, y, grad, idx):
    """Largest |analytic − central difference| over the classes idx of one row."""

    def loss(v):
        w = u.copy()
        w[idx] = v
        return float(pair.row_loss(w, y))

    return float(np.abs(numerical_gradient(loss, u[idx]) - grad[idx]).max())


@dataclass(frozen=True)
class PerClassView:
    fd_classes: int
    fd_errors: dict
    batch_losses: dict
    norms: dict
    saturated_here: dict
    caption: str


def per_class(row, u, y, U, Y):
    """The per-class section: batch losses, norms, finite-difference errors, and whether
    each pair is saturated on this row (‖dL/du‖ below the threshold while wrong).

    "saturates" in ``PAIRS`` is the theory (a confident wrong output gets a vanishing
    gradient); ``saturated_here`` is the live check on this row.
    """
    C = u.size
    fd_idx = np.arange(C) if C <= MAX_FD_CLASSES else row.shown[:MAX_FD_CLASSES]
    fd_errors = {
        k: finite_difference_error(p, u, y, row.grads[k], fd_idx) for k, p in PAIRS.items()
    }
    batch_losses = {k: float(pair_loss(k, U, Y, "mean")) for k in PAIRS}
    norms = {k: float(np.linalg.norm(g)) for k, g in row.grads.items()}
    saturated = {}
    for k in PAIRS:
        if PAIRS[k].output == "softmax":
            wrong = bool(prediction_wrong(k, u[None], y, 0)[0])
        else:  # a sigmoid class is wrong when σ(u_c) is on the other side of 1/2 from y_c
            wrong = bool(np.any((u > 0) != (y > 0.5)))
        saturated[k] = bool(wrong and norms[k] < SATURATION_THRESHOLD)
    caption = (
        "softmax + CE gives a·Σy − y (a − y when y sums to 1): the classes are coupled, since "
        "raising one logit lowers every other probability. sigmoid + BCE gives σ(u) − y, one "
        "class at a time. The MSE pairs multiply by the output's derivative, which vanishes "
        "once it saturates; the positive-only CE has no gradient at all where y = 0. "
        f"'Saturated here' means ‖dL/du‖ < {SATURATION_THRESHOLD:g} while this row is still "
        "predicted wrongly. The finite-difference column compares each gradient with central "
        "differences (ε = 1e-6)"
        + (f" on {fd_idx.size} of the {C} classes." if fd_idx.size < C else ".")
    )
    return PerClassView(int(fd_idx.size), fd_errors, batch_losses, norms, saturated, caption)


@dataclass(frozen=True)
class WholeBatchView:
    grads: dict  # pair key -> (N, C) dL/dU of the batch-mean loss
    ce_title: str
    intro: str
    note: str  # "" when every row of Y sums to 1


def whole_batch(U, Y, T):
    """The whole-batch section: dL/dU (N, C) of each pair's batch-mean loss, U = Z / T.

    The softmax + CE panel is titled with what it plots, (A·ΣY − Y) / N; it equals
    (A − Y) / N only when every row of Y sums to 1, and the note says by how much the
    two differ when they do not.

    Examples
    --------
    >>> v = whole_batch(np.zeros((1, 2)), np.array([[1.0, 1.0]]), 1.0)
    >>> v.ce_title
    'softmax + CE: (A·ΣY − Y) / N (row sums of Y: 2 … 2)'
    """
    grads = {k: pair_grad(k, U, Y, "mean") for k in PAIRS}
    N = U.shape[0]
    sums = Y.sum(axis=1)
    ones = bool(np.all(np.abs(sums - 1.0) <= 1e-12))
    ce_title = "softmax + CE: (A·ΣY − Y) / N" + (
        " = (A − Y) / N (every row of Y sums to 1)"
        if ones
        else f" (row sums of Y: {np.min(sums):.3g} … {np.max(sums):.3g})"
    )
    intro = (
        "**The whole batch**: dL/dU of the loss averaged over the N rows, with U = Z / T the "
        f"logits every pair is fed (T = {T:g})."
        + (
            ""
            if T == 1
            else f" The gradient with respect to the raw logits is dL/dZ = dL/dU / {T:g}."
        )
    )
    note = ""
    if not ones:
        gap = float(np.abs(grads["softmax_ce"] - (softmax(U) - Y) / N).max())
        note = (
            f"Some rows of Y do not sum to 1 (sums {np.min(sums):.4g} to {np.max(sums):.4g}), so "
            "softmax + CE's gradient is (A·ΣY − Y) / N, not (A − Y) / N: they differ by up to "
            f"{gap:.3g} here."
        )
    return WholeBatchView(grads, ce_title, intro, note)


@dataclass(frozen=True)
class PositiveOnlyView:
    order: np.ndarray  # the classes drawn (labelled first)
    shared: np.ndarray  # (steps + 1, C) outputs through shared parameters
    direct: np.ndarray  # (steps + 1, C) outputs descending on u itself
    caption: str


def positive_only(u, y, max_classes=8):
    """Gradient descent on the positive-only CE, through shared parameters and directly.

    The caption's numbers are read from the two runs: the smallest σ of a negative class
    after the shared run, and how far any negative moved in the direct one.
    """
    order = np.argsort(-y, kind="stable")[:max_classes]
    shared = gradient_descent("sigmoid_pos_ce", u, y, lr=1.0, steps=DESCENT_STEPS, shared=True)
    direct = gradient_descent("sigmoid_pos_ce", u, y, lr=1.0, steps=DESCENT_STEPS, shared=False)
    neg = y == 0
    if neg.any():
        moved = float(np.abs(direct[-1, neg] - direct[0, neg]).max())
        tail = (
            f" After {DESCENT_STEPS} steps the smallest σ of a negative class is "
            f"{shared[-1, neg].min():.3f} through the shared parameters (it started at "
            f"{shared[0, neg].min():.3f}); on the logits directly no negative moved by more "
            f"than {moved:.3g}."
        )
    else:
        tail = " This row has no negative class (every y > 0), so nothing is left unpulled."
    caption = (
        "−Σ y·log σ(u) has gradient −y(1 − σ(u)): zero wherever y = 0, so nothing ever pulls a "
        "negative class down, while the labelled ones are pushed to 1. On the logits directly "
        "(right) the negatives stay put; through parameters shared by the outputs, as in any "
        "network (left: a bias per class shared by the rows and one offset shared by all), "
        "they rise with the positives." + tail + " BCE adds the (1 − y)·log(1 − σ) term that "
        "pulls them down."
    )
    return PositiveOnlyView(order, shared, direct, caption)
