"""What the three backward passes through softmax cost: time measured, memory counted.

The loop (the writeup's per-sample Jacobian) and the batched Jacobian both form
C × C matrices; the vector-Jacobian product never does. Times are wall-clock
(``time.perf_counter``, best of a few repeats); memory is the size of the largest
arrays each method allocates, counted exactly from N and C (``extra_bytes``), and can
be checked with ``tracemalloc`` (``peak_bytes``).

The slow methods are timed on part of the batch and scaled up, so a C = 1000 page
stays responsive: the loop costs N·C² Python steps and the batched Jacobian
N·C²·8 bytes. Every result says what was timed and how it was scaled.
"""

import time
import tracemalloc

import numpy as np

from softmax_lab.activations import softmax
from softmax_lab.jacobian import softmax_backward_batched, softmax_backward_loop, softmax_vjp

METHODS = ("loop", "batched", "vjp")
LABELS = {
    "loop": "loop: one explicit J per row (the writeup)",
    "batched": "batched: all N Jacobians at once",
    "vjp": "VJP: a ⊙ (g − Σ g a), no J",
}
GROWTH_CLASSES = (10, 30, 100, 300, 1000)
_FNS = {"loop": softmax_backward_loop, "batched": softmax_backward_batched, "vjp": softmax_vjp}


def extra_bytes(method, n_rows, n_classes, itemsize=8):
    """Bytes of the intermediate arrays a method forms for a batch (N, C).

    The loop holds one C × C Jacobian at a time, the batched version all N of them
    (N·C·C·itemsize), the VJP one (N, C) array.

    Examples
    --------
    >>> extra_bytes("batched", 10, 100), extra_bytes("loop", 10, 100), extra_bytes("vjp", 10, 100)
    (800000, 80000, 8000)
    """
    if method == "loop":
        return n_classes * n_classes * itemsize
    if method == "batched":
        return n_rows * n_classes * n_classes * itemsize
    if method == "vjp":
        return n_rows * n_classes * itemsize
    raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def peak_bytes(method, a, dLdA):
    """Peak bytes ``tracemalloc`` sees while one method runs on a (N, C), dLdA (N, C).

    Examples
    --------
    >>> a = softmax(np.zeros((4, 50)))
    >>> peak_bytes("batched", a, a) >= extra_bytes("batched", 4, 50)
    True
    """
    fn = _FNS[method]
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn(a, dLdA)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()


def time_backward(method, a, dLdA, repeats=3):
    """Best wall-clock seconds of ``repeats`` calls of one method on a (N, C), dLdA (N, C)."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1; got {repeats}")
    fn = _FNS[method]
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(a, dLdA)
        best = min(best, time.perf_counter() - t0)
    return best


def timing_plan(method, n_rows, n_classes, loop_rows=2, loop_classes=100, batched_bytes=2**25):
    """(rows, classes) to time a method on, so the slow ones stay fast; scaled up afterwards.

    The loop runs on at most ``loop_rows`` rows and ``loop_classes`` classes; the
    batched Jacobian on as many rows as fit in ``batched_bytes`` (32 MiB); the VJP on
    everything.

    Examples
    --------
    >>> [timing_plan(m, 20, 1000) for m in ("loop", "batched", "vjp")]
    [(2, 100), (4, 1000), (20, 1000)]
    """
    if method == "loop":
        return min(n_rows, loop_rows), min(n_classes, loop_classes)
    if method == "batched":
        per_row = extra_bytes("batched", 1, n_classes)
        return max(1, min(n_rows, batched_bytes // per_row)), n_classes
    if method == "vjp":
        return n_rows, n_classes
    raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def _sub_batch(a, dLdA, rows, classes):
    """The first rows × classes of a batch, renormalised so it is still a softmax output."""
    if classes == a.shape[1]:
        return a[:rows], dLdA[:rows]
    part = a[:rows, :classes]
    total = part.sum(axis=1, keepdims=True)
    part = np.where(total > 0, part / np.where(total > 0, total, 1.0), 1.0 / classes)
    return part, dLdA[:rows, :classes]


def estimate_cost(method, a, dLdA, repeats=3, **plan):
    """Time (s) and memory (bytes) of one method on the whole batch a (N, C), dLdA (N, C).

    Timed on the sub-batch ``timing_plan`` picks and scaled by N / rows and, for the
    loop, by (C / classes)² (its cost grows with C²).

    Returns
    -------
    dict with seconds, bytes (analytic, for all N rows), rows and classes timed, and a
    note saying how the time was scaled ("" when nothing was).
    """
    n, c = a.shape
    rows, classes = timing_plan(method, n, c, **plan)
    seconds = time_backward(method, *_sub_batch(a, dLdA, rows, classes), repeats=repeats)
    scale = (n / rows) * (c / classes) ** 2
    notes = []
    if rows < n:
        notes.append(f"timed on {rows} of {n} rows, × {n / rows:g}")
    if classes < c:
        notes.append(f"on {classes} of {c} classes, × (C / {classes})² = {(c / classes) ** 2:g}")
    return {
        "method": method,
        "seconds": seconds * scale,
        "bytes": extra_bytes(method, n, c),
        "rows_timed": rows,
        "classes_timed": classes,
        "note": "; ".join(notes),
    }


def cost_table(a, dLdA, repeats=3, **plan):
    """``estimate_cost`` for every method, in ``METHODS`` order (a list of dicts)."""
    return [estimate_cost(m, a, dLdA, repeats=repeats, **plan) for m in METHODS]


def growth_with_classes(classes=GROWTH_CLASSES, n_rows=8, seed=0, repeats=3, loop_classes=300):
    """Seconds per call (len(classes),) of each method as C grows, on random batches (N, C).

    The loop runs on one row and at most ``loop_classes`` classes, then is scaled to
    N rows and C² (see ``estimate_cost``). Returns a dict method -> seconds array.

    Examples
    --------
    >>> t = growth_with_classes((4, 8), n_rows=2, repeats=1)
    >>> sorted(t), t["vjp"].shape, bool((t["loop"] > 0).all())
    (['batched', 'loop', 'vjp'], (2,), True)
    """
    rng = np.random.default_rng(seed)
    out = {m: np.empty(len(classes)) for m in METHODS}
    for i, c in enumerate(classes):
        a = softmax(rng.normal(size=(n_rows, c)))
        g = rng.normal(size=(n_rows, c))
        for m in METHODS:
            cost = estimate_cost(m, a, g, repeats=repeats, loop_rows=1, loop_classes=loop_classes)
            out[m][i] = cost["seconds"]
    return out
