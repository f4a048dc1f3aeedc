"""What the Jacobian page shows, computed: one function per section, NumPy only.

J = diag(a) − a aᵀ = ∂a/∂u with a = softmax(u) and u = z / T, so a gradient pulled back
through J is dL/du; with respect to the raw logits it is dL/dz = dL/du / T. Each function
returns a frozen dataclass with the numbers its section draws and the text of its
captions and verdicts, built from those same numbers.
"""

from dataclasses import dataclass

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.gradcheck import numerical_gradient
from softmax_lab.jacobian import (
    softmax_backward_batched,
    softmax_backward_loop,
    softmax_jacobian,
    softmax_vjp,
)
from softmax_lab.jacobian_views import (
    frobenius_norm,
    lumped,
    max_abs_difference,
    max_diagonal,
    properties,
    temperature_sweep,
)

MAX_FULL_HEATMAP = 200  # C above this: the likeliest classes plus one "other" class
LOOP_MAX_CLASSES = 100  # the writeup's loop costs C² Python steps per row
BATCHED_MAX_BYTES = 2**25  # the batched Jacobian holds N·C²·8 bytes
FD_MAX_CLASSES = 200  # central differences cost 2C softmax evaluations
TABLE_CLASSES = 50


@dataclass(frozen=True)
class HeatmapView:
    J: np.ndarray  # (K, K): the row's J, or the lumped one for C > MAX_FULL_HEATMAP
    names: list
    props: dict  # jacobian_views.properties
    table: dict  # property label -> shown value (str)
    lumped_note: str  # "" unless classes were lumped
    caption: str
    rank_note: str  # "" when the numerical and the exact rank agree


def heatmap_view(a_row, names):
    """J of one row a (C,) with its live properties, the table rows and the captions.

    Examples
    --------
    >>> v = heatmap_view(np.array([0.2, 0.3, 0.5]), ["x", "y", "z"])
    >>> [value for label, value in v.table.items() if "rank" in label], v.rank_note
    (['2 of 3', '2 of 3'], '')
    """
    C = a_row.size
    if C > MAX_FULL_HEATMAP:
        shown, shown_names = lumped(a_row, list(names), MAX_FULL_HEATMAP - 1)
        note = (
            f"C = {C} is more than a {MAX_FULL_HEATMAP}×{MAX_FULL_HEATMAP} heatmap draws "
            f"smoothly, so the {MAX_FULL_HEATMAP - 1} likeliest classes are shown and the other "
            f"{C - MAX_FULL_HEATMAP + 1} are lumped into one “other” class. This is exact, not "
            "sampled: the Jacobian of the lumped distribution is the block sum of the full J. "
            "The properties are those of this lumped J."
        )
    else:
        shown, shown_names, note = a_row, list(names), ""
    J = softmax_jacobian(shown)
    p = properties(J, shown)
    K = shown.size
    table = {
        "symmetric: max |J − Jᵀ|": f"{p['asymmetry']:.2e}",
        "rows sum to 0: max |Σ_n J_mn|": f"{p['row_sum']:.2e}",
        "columns sum to 0: max |Σ_m J_mn|": f"{p['col_sum']:.2e}",
        "diag a(1−a), off-diag −a_m a_n: max error": f"{p['formula_error']:.2e}",
        "largest |J| (at most 1/4)": f"{p['max_abs']:.6f}",
        "smallest |eigenvalue| (one is 0)": f"{p['smallest_abs_eigenvalue']:.2e}",
        "smallest eigenvalue (≥ 0: positive semi-definite)": (
            f"{p['eigenvalues'][0]:.2e} ({'yes' if p['psd'] else 'NO'}, "
            f"within ±{p['tolerance']:.1e})"
        ),
        f"numerical rank: eigenvalues above {p['tolerance']:.1e}": f"{p['rank']} of {K}",
        f"rank in exact arithmetic: (#a > 0) − 1 = {p['positive_classes']} − 1": (
            f"{p['theoretical_rank']} of {K}"
        ),
        "largest eigenvalue": f"{p['eigenvalues'][-1]:.6f}",
    }
    caption = (
        f"Eigenvalues from np.linalg.eigvalsh. The ±{p['tolerance']:.1e} is the rounding "
        "error of J's entries, C · eps · (max a + Σa²): an entry such as a − a² is a "
        "difference of terms as large as a, so it is off by about eps · a however small it "
        "is. In exact arithmetic J is positive semi-definite and the all-ones vector has "
        "eigenvalue 0 (adding a constant to every logit changes nothing); each class with "
        "a = 0 adds another 0."
    )
    rank_note = (
        f"Numerical rank {p['rank']}, exact rank {p['theoretical_rank']}: " + p["rank_reason"]
        if p["rank_reason"]
        else ""
    )
    return HeatmapView(J, shown_names, p, table, note, caption, rank_note)


@dataclass(frozen=True)
class ShrinkView:
    frobenius: np.ndarray  # (G,) ‖J‖_F at each temperature
    max_diag: np.ndarray  # (G,) max a(1 − a)
    now: tuple  # (‖J‖_F, max a(1 − a)) at the current T
    caption: str


def shrink_view(z_row, a_row, T, temperatures):
    """‖J‖_F and max a(1 − a) of one row over the temperatures (G,), and at T."""
    frob, diag = temperature_sweep(z_row, temperatures)
    now = (float(frobenius_norm(a_row)), float(max_diagonal(a_row)))
    caption = (
        f"At T = {T:g}: ‖J‖_F = {now[0]:.4g}, max a(1−a) = {now[1]:.4g}. Dividing the "
        "logits by T is the same as scaling them by 1/T, so this is also the curve for a "
        "growing logit scale. As T → 0 a becomes one-hot and every entry of J goes to 0 "
        "(unless the top logits tie: a then splits evenly between them and J stays): "
        f"here ‖J‖_F is {frob[0]:.3g} at T = {temperatures[0]:g} and {frob[-1]:.3g} at "
        f"T = {temperatures[-1]:g}. Any loss on a saturated softmax passes back almost "
        "nothing: this is where vanishing gradients come from. (Computed for all "
        f"{len(temperatures)} temperatures at once, from ‖J‖²_F = Σa² − 2Σa³ + (Σa²)² "
        "without forming J.)"
    )
    return ShrinkView(frob, diag, now, caption)


@dataclass(frozen=True)
class BackwardView:
    vjp: np.ndarray  # (N, C) dL/du = dLdA · J for every row
    batched_row: np.ndarray  # (C,) the batched Jacobian's result for the row
    loop_row: np.ndarray | None  # (C,) the writeup's loop, or None when skipped
    fd_row: np.ndarray | None  # (C,) central differences with respect to z, or None
    agreement: dict  # comparison -> largest |difference| (str)
    intro: str


def backward_view(a, dLdA, logits, row, T):
    """dL/du three ways (loop, batched Jacobian, VJP) and finite differences wrt z.

    The finite differences differentiate z ↦ Σ dLdA ⊙ softmax(z / T) with respect to
    the raw logits, so they are compared with dL/du / T.
    """
    n, c = a.shape
    with np.errstate(invalid="ignore", over="ignore"):
        vjp = softmax_vjp(a, dLdA)
        whole = n * c * c * 8 <= BATCHED_MAX_BYTES
        rows = slice(None) if whole else slice(row, row + 1)
        batched = softmax_backward_batched(a[rows], dLdA[rows])
        loop = (
            softmax_backward_loop(a[row : row + 1], dLdA[row : row + 1])[0]
            if c <= LOOP_MAX_CLASSES
            else None
        )
    batched_row = batched[row if whole else 0]
    fd_row = None
    if c <= FD_MAX_CLASSES and np.isfinite(dLdA[row]).all():
        g = dLdA[row]
        fd_row = numerical_gradient(
            lambda z: float(np.sum(g * softmax(z, temperature=T))), logits[row]
        )
    agreement = {
        f"loop (the writeup's per-sample J) vs VJP, row {row + 1}": (
            f"skipped for C > {LOOP_MAX_CLASSES} (C² Python steps)"
            if loop is None
            else f"{max_abs_difference(loop, vjp[row]):.2e}"
        ),
        "batched Jacobian vs VJP" + ("" if whole else f", row {row + 1} (N·C² too large)"): (
            f"{max_abs_difference(batched, vjp[rows]):.2e}"
        ),
        f"central differences wrt z vs VJP / T, row {row + 1}": (
            f"skipped (C > {FD_MAX_CLASSES} or dLdA not finite)"
            if fd_row is None
            else f"{max_abs_difference(fd_row, vjp[row] / T):.2e}"
        ),
    }
    intro = (
        "All three compute dL/du, the gradient with respect to the input u = z / T that "
        "softmax sees, which is dLdZ in the writeup (T = 1). The finite-difference check "
        "differentiates z ↦ Σ dLdA ⊙ softmax(z / T) with respect to the raw logits z, so "
        f"it must match dL/du / T (T = {T:g})."
    )
    return BackwardView(vjp, batched_row, loop, fd_row, agreement, intro)


@dataclass(frozen=True)
class CompositionView:
    order: np.ndarray  # the classes in the table: labelled first, then the likeliest
    columns: dict  # column label -> (C,) values
    verdict: str  # "underflow", "labels_not_1" or "ok"
    message: str


def composition_view(a_row, y):
    """Softmax then cross-entropy for one row: −y/a pulled back through J against the
    fused a·Σy − y and the familiar a − y, with the verdict read from the numbers.

    Examples
    --------
    >>> v = composition_view(np.array([0.25, 0.75]), np.array([1.0, 1.0]))
    >>> v.verdict, v.message.startswith("This row's labels sum to 2")
    ('labels_not_1', True)
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        dLdA = np.where(y > 0, -y / a_row, 0.0)
        through_J = softmax_vjp(a_row[None], dLdA[None])[0]
    simple, general = a_row - y, a_row * y.sum() - y
    order = np.lexsort((-a_row, ~(y > 0)))[:TABLE_CLASSES]
    columns = {
        "y": y,
        "a": a_row,
        "dL/dA = −y/a": dLdA,
        "dL/dA · J": through_J,
        "a − y": simple,
        "a·Σy − y": general,
    }
    sum_y = float(y.sum())
    err_simple = max_abs_difference(through_J, simple)
    err_general = max_abs_difference(through_J, general)
    if not np.isfinite(through_J).all():
        verdict = "underflow"
        message = (
            "Some labelled class has a = 0 (its probability underflowed), so −y/a is −inf and "
            f"dL/dA · J is NaN; the fused a·Σy − y is finite (largest |entry| "
            f"{np.abs(general).max():.3g}). That is why frameworks fuse softmax and cross-entropy."
        )
    elif abs(sum_y - 1) > 1e-12:
        verdict = "labels_not_1"
        message = (
            f"This row's labels sum to {sum_y:.4g}, not 1: dL/dA · J matches the general "
            f"a·Σy − y (largest difference {err_general:.2e}), not a − y (largest difference "
            f"{err_simple:.2e})."
        )
    else:
        verdict = "ok"
        message = (
            f"The labels sum to 1, so dL/dA · J equals a − y (largest difference {err_simple:.2e})."
            " Where a is tiny, −y/a is huge and J cancels it; a − y never forms it."
        )
    return CompositionView(order, columns, verdict, message)


def growth_caption(classes, seconds, loop_classes=300):
    """The growth chart's caption, with the exponents read off the measured times.

    The exponent of each method is the slope of log time against log C between the two
    largest C (the loop's is C² by construction past ``loop_classes``, where it is
    scaled rather than timed); the theory (C² for a formed Jacobian, C for the VJP)
    stands beside it.

    Examples
    --------
    >>> c = (100, 1000)
    >>> growth_caption(c, {"batched": [1e-3, 1e-1], "vjp": [1e-4, 1e-3]})[:60]
    'N = 8 random rows. Measured between C = 100 and 1000, time g'
    """
    c0, c1 = float(classes[-2]), float(classes[-1])
    parts = []
    for name, t in seconds.items():
        t0, t1 = float(t[-2]), float(t[-1])
        if t0 > 0 and t1 > 0:
            slope = np.log(t1 / t0) / np.log(c1 / c0)
            parts.append(f"{name} like C^{slope:.2g}")
    loop_note = (
        f" (the loop is timed up to C = {loop_classes} and scaled by C² beyond)"
        if "loop" in seconds and c1 > loop_classes
        else ""
    )
    return (
        f"N = 8 random rows. Measured between C = {c0:g} and {c1:g}, time grows: "
        + ", ".join(parts)
        + loop_note
        + ". In theory a formed Jacobian costs C² per row and the VJP C; at small C the "
        "fixed cost of each call hides the difference. This is why frameworks never form J."
    )
